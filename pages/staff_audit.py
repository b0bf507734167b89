"""Administrators: browse the append-only audit log, newest first, with filters."""

from intake.vocab import Role
from ui.staff.audit_log import audit_page
from ui.staff.auth import require_staff, staff_page_setup
from ui.staff.state import StaffPage


def main() -> None:
    staff_page_setup("Audit log")
    require_staff(page=StaffPage.AUDIT, role=Role.ADMIN)
    audit_page()


main()
