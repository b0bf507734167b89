"""Intake staff: the priority queue of submitted screens (most urgent first, then oldest)."""

from ui.staff.auth import require_staff, staff_page_setup
from ui.staff.queue import render_queue
from ui.staff.state import StaffPage


def main() -> None:
    staff_page_setup("Queue")
    render_queue(require_staff(page=StaffPage.QUEUE))


main()
