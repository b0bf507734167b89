"""Plotly figures for the insights page, drawn from the grouped counts in intake.insights."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from intake.insights import DOMAINS, GROUPS, BucketCount, WeekContact, WeekCount
from scoring import load_questionnaire
from scoring.domains import LEVELS
from scoring.vocab import Disposition, Domain
from ui import labels, texts

# Suggestion colours, from most to least intensive care.
DISPOSITION_COLOURS: dict[str, str] = {
    Disposition.URGENT: "#c0504d",
    Disposition.HIGHER_LEVEL: "#e0a458",
    Disposition.IOP: "#2f6f73",
    Disposition.IOP_WITH_SUPPORTS: "#6fa8ab",
    Disposition.OUTPATIENT: "#9cc5c7",
}
GROUP_COLOURS = {"urgent": "#c0504d", "same_day": "#e0a458", "routine": "#2f6f73"}
LAYOUT: dict[str, Any] = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "plot_bgcolor": "white",
    "height": 340,
}


def funnel_steps(section_names: list[str]) -> list[tuple[str, str]]:
    """(step, label) in the order a person goes through the screen. A section whose every
    question has an "asked if" is reached only by some people (the relapse questions, by those
    who drink, use or have had a problem): its label says so, so its dip is not read as drop-out."""
    questionnaire = load_questionnaire()

    def label(name: str) -> str:
        some = all(item.asked_if is not None for item in questionnaire.section(name).items)
        return f"Section: {name.replace('_', ' ')}" + (" (asked of some)" if some else "")

    steps = [("start", "Started")]
    steps += [(f"section:{name}", label(name)) for name in section_names]
    steps += [("review", "Reviewed answers"), ("result", "Saw result"), ("submit", "Sent to intake")]
    return steps


# Weeks are shown as labelled categories: on a date axis plotly zooms one week of data down
# to clock times ("00:00:00 Nov 23").
# ISO dates, so the categories also sort in time order.
WEEK_AXIS = {"type": "category", "categoryorder": "category ascending"}


def week_label(week: date) -> str:
    return f"{week:%Y-%m-%d}"


def screens_per_week(weeks: list[WeekCount]) -> go.Figure:
    figure = go.Figure()
    for disposition, label in labels.DISPOSITIONS.items():
        points = [w for w in weeks if w.disposition == disposition]
        if points:
            figure.add_bar(
                x=[week_label(w.week) for w in points],
                y=[w.count for w in points],
                name=label,
                marker_color=DISPOSITION_COLOURS[disposition],
            )
    figure.update_layout(barmode="stack", title="Screens per week, by suggestion", **LAYOUT)
    figure.update_xaxes(title="Week starting (UTC)", **WEEK_AXIS)
    figure.update_yaxes(title="Screens", rangemode="tozero", tickformat=",d")
    return figure


def urgent_share(weeks: list[WeekCount]) -> go.Figure:
    totals: dict[date, int] = defaultdict(int)
    urgent: dict[date, int] = defaultdict(int)
    for w in weeks:
        totals[w.week] += w.count
        if w.disposition == Disposition.URGENT:
            urgent[w.week] += w.count
    days = sorted(totals)
    figure = go.Figure(
        go.Scatter(
            x=[week_label(d) for d in days],
            y=[100.0 * urgent[d] / totals[d] for d in days],
            mode="lines+markers",
            line_color=DISPOSITION_COLOURS[Disposition.URGENT],
            name="Urgent",
        )
    )
    figure.update_layout(title="Share of urgent screens per week (%)", **LAYOUT)
    figure.update_xaxes(**WEEK_AXIS)
    figure.update_yaxes(rangemode="tozero", title="% of screens")
    return figure


def domain_levels(counts: dict[str, dict[str, int]]) -> go.Figure:
    titles = [texts.DOMAIN_LABELS.get(Domain(name), name) for name in DOMAINS]
    figure = make_subplots(rows=1, cols=len(DOMAINS), subplot_titles=titles)
    for column, name in enumerate(DOMAINS, start=1):
        order: list[str] = list(LEVELS.get(Domain(name), ()))
        order += sorted(set(counts.get(name, {})) - set(order))
        figure.add_bar(
            x=[texts.LEVEL_WORDS.get(level, level) for level in order],
            y=[counts.get(name, {}).get(level, 0) for level in order],
            marker_color="#2f6f73",
            showlegend=False,
            row=1,
            col=column,
        )
    # Room above the subplot titles for the figure's own title.
    figure.update_layout(
        title="Domain levels across screens", **dict(LAYOUT, margin={**LAYOUT["margin"], "t": 80})
    )
    return figure


def contact_by_week(rows: list[WeekContact]) -> go.Figure:
    figure = go.Figure()
    for group in GROUPS:
        points = [r for r in rows if r.group == group]
        if points:
            figure.add_scatter(
                x=[week_label(r.week) for r in points],
                y=[r.average_hours for r in points],
                mode="lines+markers",
                name=labels.URGENCY_GROUPS[group],
                line_color=GROUP_COLOURS[group],
            )
    figure.update_layout(title="Average hours to first contact, by week submitted", **LAYOUT)
    figure.update_xaxes(**WEEK_AXIS)
    figure.update_yaxes(rangemode="tozero", title="Hours")
    return figure


def contact_buckets(rows: list[BucketCount], order: list[str]) -> go.Figure:
    figure = go.Figure()
    for group in GROUPS:
        found = {r.bucket: r.count for r in rows if r.group == group}
        if found:
            figure.add_bar(
                x=order,
                y=[found.get(b, 0) for b in order],
                name=labels.URGENCY_GROUPS[group],
                marker_color=GROUP_COLOURS[group],
            )
    figure.update_layout(barmode="group", title="Time to first contact", **LAYOUT)
    figure.update_yaxes(title="Screens", rangemode="tozero", tickformat=",d")
    return figure


def completion_funnel(totals: dict[str, int], steps: list[tuple[str, str]]) -> go.Figure:
    figure = go.Figure(
        go.Funnel(
            y=[label for _, label in steps],
            x=[totals.get(step, 0) for step, _ in steps],
            textinfo="value+percent initial",
            marker_color="#2f6f73",
        )
    )
    layout = dict(LAYOUT, height=120 + 28 * len(steps))
    figure.update_layout(title="How far people get (anonymous counts)", **layout)
    return figure
