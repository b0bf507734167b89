"""Intake staff: one screen in full, its contact details on request, and its follow-up."""

from ui.staff.auth import require_staff, staff_page_setup
from ui.staff.review import render_review
from ui.staff.state import StaffPage


def main() -> None:
    staff_page_setup("Screen review")
    render_review(require_staff(page=StaffPage.REVIEW))


main()
