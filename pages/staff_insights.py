"""Intake staff: screens per week, domain levels, urgency, time to first contact, completion funnel.

Every number is a SQL aggregate over the chosen weeks (intake.insights), never a load of all screens.
"""

from intake import clock
from ui.staff.auth import require_staff, staff_page_setup
from ui.staff.insights import render_insights
from ui.staff.state import StaffPage


def main() -> None:
    staff_page_setup("Insights")
    require_staff(page=StaffPage.INSIGHTS)
    render_insights(clock.utcnow().date())


main()
