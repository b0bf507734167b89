"""Administrators: staff accounts (list, add, disable, reset password)."""

from intake.vocab import Role
from ui.staff.accounts import accounts_page
from ui.staff.auth import require_staff, staff_page_setup
from ui.staff.state import StaffPage


def main() -> None:
    staff_page_setup("Staff accounts")
    accounts_page(require_staff(page=StaffPage.ACCOUNTS, role=Role.ADMIN))


main()
