"""The result page: headline, reasons, a chart of the domains, scores, notices, next steps."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import texts

# How much each level calls for attention, 0 (none) to 3 (most), for the chart only.
CONCERN = {
    "safety": {"none": 0, "elevated": 2, "urgent": 3},
    "withdrawal_medical": {"low": 0, "moderate": 1.5, "high": 3},
    "relapse_risk": {"low": 0.5, "moderate": 1.5, "high": 3},
    "dual_diagnosis": {"absent": 0, "present": 2},
    "prior_care": {"none": 0, "some": 1, "recent_intensive": 2},
    "home_support": {"high": 0, "moderate": 1, "low": 2, "unsafe": 3},
}
COLOURS = {0: "#9cc5c7", 1: "#6fa8ab", 2: "#e0a458", 3: "#c0504d"}
# The four domains the program cares about first, then safety and withdrawal.
CHART_DOMAINS = (
    "relapse_risk",
    "dual_diagnosis",
    "prior_care",
    "home_support",
    "safety",
    "withdrawal_medical",
)


def chart_rows(result: dict) -> list[tuple[str, str, float]]:
    """(domain label, level, concern 0-3) for each charted domain the result has."""
    domains = result["domains"]
    return [
        (texts.DOMAIN_LABELS[name], domains[name]["level"], CONCERN[name][domains[name]["level"]])
        for name in CHART_DOMAINS
        if name in domains
    ]


def domain_chart(rows: list[tuple[str, str, float]]) -> go.Figure:
    names = [label for label, _, _ in rows]
    levels = [level for _, level, _ in rows]
    values = [value for _, _, value in rows]
    figure = go.Figure(
        go.Bar(
            x=[max(v, 0.15) for v in values],  # a sliver, so "none" still shows a bar
            y=names,
            orientation="h",
            text=[texts.LEVEL_WORDS.get(level, level) for level in levels],
            textposition="outside",
            marker_color=[COLOURS[min(3, round(v))] for v in values],
            hoverinfo="skip",
        )
    )
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False, "range": [0, 4.2]},
        yaxis={"autorange": "reversed"},
        showlegend=False,
        plot_bgcolor="white",
    )
    return figure


def chart_in_words(rows: list[tuple[str, str, float]]) -> str:
    """The chart's text alternative: every bar's label and level, in the chart's order."""
    levels = "; ".join(f"{label}: {texts.LEVEL_WORDS.get(level, level)}" for label, level, _ in rows)
    return f"{texts.DOMAIN_CHART_IN_WORDS} {levels}."


def score_line(name: str, score: dict) -> str:
    title, meaning = texts.INSTRUMENT_MEANING[name]
    if name == "taps1":
        value = (
            f"tobacco {score['tobacco']}, drugs {score['drugs']}, pills {score['rx']} (0 = never, 4 = daily)"
        )
    elif name == "cssrs":
        value = texts.BAND_WORDS.get(score["risk"], score["risk"])
    elif name == "bam":
        value = (
            f"use {score['use']} of 12, risk {score['risk']} of 24, protection {score['protective']} of 24"
        )
    elif name == "mspss":
        value = f"{score['mean']} ({texts.BAND_WORDS[score['band']]})"
    else:
        value = f"{score['score']} ({texts.BAND_WORDS[score['band']]})"
    return f"**{title}:** {value}. {meaning}"


def render_result(result: dict, respondent: str) -> None:
    disposition = result["disposition"]
    with st.container(key="result-headline"):
        st.title(texts.DISPOSITION_HEADLINE[disposition][respondent], anchor=False)
    st.caption(texts.RESULT_DISCLAIMER)

    with st.container(key="result-body"):  # its h2s are drawn smaller (ui/setup.py)
        st.markdown(f"## {texts.RESULT_REASONS_TITLE}")
        for reason in result["reasons"]:
            st.markdown(f"- {reason['text']}")

        notices = [texts.FLAG_MESSAGES[f] for f in result["flags"] if f in texts.FLAG_MESSAGES]
        if notices:
            st.markdown(f"## {texts.RESULT_FLAGS_TITLE}")
            for notice in notices:
                st.info(notice)

        st.markdown(f"## {texts.RESULT_NEXT_TITLE}")
        for step in texts.NEXT_STEPS[disposition]:
            st.markdown(f"- {step}")

        rows = chart_rows(result)
        if rows:
            st.markdown(f"## {texts.DOMAIN_CHART_TITLE}")
            st.plotly_chart(
                domain_chart(rows), config={"displayModeBar": False, "staticPlot": True}, key="domain-chart"
            )
            with st.container(key="domain-chart-in-words"):
                st.caption(chart_in_words(rows))

        if result["instruments"]:
            st.markdown(f"## {texts.RESULT_SCORES_TITLE}")
            for name, score in result["instruments"].items():
                if name in texts.INSTRUMENT_MEANING:
                    st.markdown(f"- {score_line(name, score)}")
