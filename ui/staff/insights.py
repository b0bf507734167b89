"""The insights page: a range of submission days, the headline numbers, the charts and the
completion funnel. Every number is a SQL aggregate over the chosen weeks (one read, through
``intake.usecases.insights``), never a load of all screens."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from intake import insights
from intake.usecases.insights import InsightsBundle, insights_bundle
from scoring import load_questionnaire
from ui.staff import charts

DEFAULT_WEEKS = 12
CHART_CONFIG = {"displaylogo": False}


def date_range(today: date) -> tuple[date, date] | None:
    """The days chosen (both included), or None after saying why they cannot be used."""
    cols = st.columns(2)
    since = cols[0].date_input(
        "From", value=today - timedelta(weeks=DEFAULT_WEEKS), key="insights-from", format="YYYY-MM-DD"
    )
    until = cols[1].date_input("Until", value=today, key="insights-until", format="YYYY-MM-DD")
    if since > until:
        st.error("“From” must be on or before “Until”.")
        return None
    return since, until


def headline(counts: InsightsBundle) -> None:
    total, urgent = counts.total, counts.urgent
    metrics = st.columns(4)
    metrics[0].metric("Screens submitted", f"{total:,}")
    metrics[1].metric("Urgent", f"{urgent:,}", help="Suggestion: urgent")
    metrics[2].metric("Share urgent", f"{100 * urgent / total:.1f}%" if total else "–")
    metrics[3].metric("Contacted so far", f"{counts.contacted:,}")
    st.caption("Weeks start on Monday (UTC). Dates are days of submission, both ends included.")


def screen_charts(counts: InsightsBundle) -> None:
    if not counts.total:
        st.info("No screens were submitted in these dates.")
        return
    left, right = st.columns(2)
    left.plotly_chart(charts.screens_per_week(counts.weeks), config=CHART_CONFIG, key="chart-weeks")
    right.plotly_chart(charts.urgent_share(counts.weeks), config=CHART_CONFIG, key="chart-urgent")
    st.plotly_chart(charts.domain_levels(counts.levels), config=CHART_CONFIG, key="chart-domains")
    left, right = st.columns(2)
    order = [label for _, label in insights.CONTACT_BUCKETS] + [insights.NOT_CONTACTED]
    left.plotly_chart(charts.contact_buckets(counts.buckets, order), config=CHART_CONFIG, key="chart-buckets")
    if counts.contact_weeks:
        right.plotly_chart(
            charts.contact_by_week(counts.contact_weeks), config=CHART_CONFIG, key="chart-contact"
        )
    else:
        right.info("No screen from these dates has been contacted yet.")


def completion_funnel(steps: dict[str, int]) -> None:
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


def render_insights(today: date) -> None:
    st.title("Insights")
    chosen = date_range(today)
    if chosen is None:
        return
    counts = insights_bundle(*chosen)
    headline(counts)
    screen_charts(counts)
    completion_funnel(counts.steps)
