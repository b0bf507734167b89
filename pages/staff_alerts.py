"""Administrators: alert routes, quiet hours and escalation, a test alert, and the outbox."""

from intake.vocab import Role
from ui.staff.alerts import alerts_page
from ui.staff.auth import require_staff, staff_page_setup
from ui.staff.state import StaffPage


def main() -> None:
    staff_page_setup("Alerts")
    alerts_page(require_staff(page=StaffPage.ALERTS, role=Role.ADMIN))


main()
