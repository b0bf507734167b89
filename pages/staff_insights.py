"""Intake staff: screens per week, domain levels, urgency, time to first contact, completion funnel.

Every number is a SQL aggregate over the chosen weeks (intake.insights), never a load of all screens.
"""

from datetime import timedelta

import streamlit as st

from intake import clock, funnel, insights
from intake.db import read_session
from scoring import load_questionnaire
from ui import staff_charts as charts
from ui.staff_auth import require_staff, staff_page_setup

DEFAULT_WEEKS = 12
CHART_CONFIG = {"displaylogo": False}


def main() -> None:
    staff_page_setup("Insights")
    require_staff()
    st.title("Insights")
    today = clock.utcnow().date()
    cols = st.columns(2)
    since = cols[0].date_input(
        "From", value=today - timedelta(weeks=DEFAULT_WEEKS), key="insights-from", format="YYYY-MM-DD"
    )
    until = cols[1].date_input("Until", value=today, key="insights-until", format="YYYY-MM-DD")
    if since > until:
        st.error("“From” must be on or before “Until”.")
        return
    with read_session() as session:
        weeks = insights.screens_per_week(session, since, until)
        levels = insights.domain_levels(session, since, until)
        contact_weeks = insights.first_contact_by_week(session, since, until)
        buckets = insights.first_contact_buckets(session, since, until)
        steps = funnel.funnel_totals(session, since, until)
    total = sum(w.count for w in weeks)
    urgent = sum(w.count for w in weeks if w.disposition == "urgent")
    contacted = sum(b.count for b in buckets if b.bucket != insights.NOT_CONTACTED)
    metrics = st.columns(4)
    metrics[0].metric("Screens submitted", f"{total:,}")
    metrics[1].metric("Urgent", f"{urgent:,}", help="Suggestion: urgent")
    metrics[2].metric("Share urgent", f"{100 * urgent / total:.1f}%" if total else "–")
    metrics[3].metric("Contacted so far", f"{contacted:,}")
    st.caption("Weeks start on Monday (UTC). Dates are days of submission, both ends included.")
    if not total:
        st.info("No screens were submitted in these dates.")
    else:
        left, right = st.columns(2)
        left.plotly_chart(charts.screens_per_week(weeks), config=CHART_CONFIG, key="chart-weeks")
        right.plotly_chart(charts.urgent_share(weeks), config=CHART_CONFIG, key="chart-urgent")
        st.plotly_chart(charts.domain_levels(levels), config=CHART_CONFIG, key="chart-domains")
        left, right = st.columns(2)
        order = [label for _, label in insights.CONTACT_BUCKETS] + [insights.NOT_CONTACTED]
        left.plotly_chart(charts.contact_buckets(buckets, order), config=CHART_CONFIG, key="chart-buckets")
        if contact_weeks:
            right.plotly_chart(
                charts.contact_by_week(contact_weeks), config=CHART_CONFIG, key="chart-contact"
            )
        else:
            right.info("No screen from these dates has been contacted yet.")
    st.subheader("Completion funnel")
    if not steps:
        st.info("No one started a screen in these dates.")
        return
    sections = [s.section for s in load_questionnaire().sections]
    st.plotly_chart(
        charts.completion_funnel(steps, charts.funnel_steps(sections)),
        config=CHART_CONFIG,
        key="chart-funnel",
    )
    st.caption(
        f"Stopped at the crisis page: {steps.get('crisis', 0):,}. The counts are per day and step, with "
        "nothing that links them to a person."
    )


main()
