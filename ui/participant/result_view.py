"""The result page: headline, reasons, a chart of the domains, scores, notices, next steps.

What the page says is worked out by small pure functions (``reason_groups``, ``notices``,
``next_steps``, ``score_line``), which the PDF summary shares, so the two never differ.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from scoring import load_questionnaire
from scoring.languages import SOURCE, translate
from scoring.reason_text import ALSO_NOTED
from scoring.vocab import Disposition, Domain, Level, Respondent
from ui.i18n import current_language, texts
from ui.scores import score_text
from ui.texts import Worded

# How much each level calls for attention, 0 (none) to 3 (most), for the chart only.
CONCERN: dict[Domain, dict[Level, float]] = {
    Domain.SAFETY: {Level.NONE: 0, Level.ELEVATED: 2, Level.URGENT: 3},
    Domain.WITHDRAWAL_MEDICAL: {Level.LOW: 0, Level.MODERATE: 1.5, Level.HIGH: 3},
    Domain.RELAPSE_RISK: {Level.NOT_APPLICABLE: 0, Level.LOW: 0.5, Level.MODERATE: 1.5, Level.HIGH: 3},
    Domain.DUAL_DIAGNOSIS: {Level.ABSENT: 0, Level.PRESENT: 2},
    Domain.PRIOR_CARE: {Level.NONE: 0, Level.SOME: 1, Level.RECENT_INTENSIVE: 2},
    Domain.HOME_SUPPORT: {Level.HIGH: 0, Level.MODERATE: 1, Level.LOW: 2, Level.UNSAFE: 3},
}
COLOURS = {0: "#9cc5c7", 1: "#6fa8ab", 2: "#e0a458", 3: "#c0504d"}
# The four domains the program cares about first, then safety and withdrawal.
CHART_DOMAINS = (
    Domain.RELAPSE_RISK,
    Domain.DUAL_DIAGNOSIS,
    Domain.PRIOR_CARE,
    Domain.HOME_SUPPORT,
    Domain.SAFETY,
    Domain.WITHDRAWAL_MEDICAL,
)


def _also_noted_prefix(lang: str) -> str:
    """The words scoring puts before an "also noted" finding; under their own heading they
    would only repeat it."""
    return translate(ALSO_NOTED, lang).split("{", 1)[0]


def worded(entry: Worded, respondent: Respondent) -> str:
    """A text of ui/texts.py in the respondent's words: a plain string serves both."""
    return entry if isinstance(entry, str) else entry[respondent]


def reason_groups(result: dict) -> tuple[list[str], list[str]]:
    """(the reasons for the suggestion, the findings also noted), as the participant reads them."""
    reasons, also = [], []
    prefix = _also_noted_prefix(current_language())
    for reason in result["reasons"]:
        if reason.get("also_noted"):
            also.append(reason["text"].removeprefix(prefix))
        else:
            reasons.append(reason["text"])
    return reasons, also


def flag_notices(result: dict, respondent: Respondent) -> list[tuple[str, str]]:
    """(flag, notice) for every flag that has one, in the respondent's words."""
    return [
        (flag, worded(texts.FLAG_MESSAGES[flag], respondent))
        for flag in result["flags"]
        if flag in texts.FLAG_MESSAGES
    ]


def notices(result: dict, respondent: Respondent) -> list[str]:
    """The notice for every flag that has one, in the respondent's words."""
    return [notice for _, notice in flag_notices(result, respondent)]


def next_steps(result: dict, respondent: Respondent) -> list[str]:
    """The next steps for the suggestion. Severe withdrawal is a medical emergency: its steps
    lead with 911 or an emergency room, and 988 follows only when something else made the
    screen urgent too."""
    disposition = result["disposition"]
    triggers = (result["domains"].get(Domain.SAFETY) or {}).get("triggers") or []
    steps: list[Worded]
    if disposition != Disposition.URGENT or "severe_withdrawal" not in triggers:
        steps = texts.NEXT_STEPS[disposition]
    else:
        others = [trigger for trigger in triggers if trigger != "severe_withdrawal"]
        steps = [
            texts.URGENT_MEDICAL_FIRST,
            *(texts.NEXT_STEPS[Disposition.URGENT] if others else texts.URGENT_MEDICAL_THEN),
        ]
    return [worded(step, respondent) for step in steps]


def level_words(level: str) -> str:
    return texts.LEVEL_WORDS.get(level, level)


def chart_rows(result: dict) -> list[tuple[str, str, float]]:
    """(domain label, level, concern 0-3) for each charted domain the result has."""
    domains = result["domains"]
    return [
        (texts.DOMAIN_LABELS[name], domains[name]["level"], CONCERN[name].get(domains[name]["level"], 0))
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
            text=[level_words(level) for level in levels],
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
    levels = "; ".join(f"{label}: {level_words(level)}" for label, level, _ in rows)
    return f"{texts.DOMAIN_CHART_IN_WORDS} {levels}."


def score_line(name: str, score: dict, unsure: bool = False) -> str:
    """``unsure``: a family member answered "I don't know" to a safety question, which the C-SSRS
    risk counts as not yes; its "none" must not read as reassurance beside the notice to ask."""
    title, meaning = texts.INSTRUMENT_MEANING[name]
    value = score_text(name, score, current_language())
    if unsure and name == "cssrs" and score.get("risk") == Level.NONE:
        value = texts.CSSRS_NONE_KNOWN
    return f"**{title}:** {value}. {meaning}"


def unvalidated_instruments(result: dict, lang: str) -> list[str]:
    """The scored instruments of this result whose questions in ``lang`` are our own translation,
    not a published version (none in English)."""
    if lang == SOURCE:
        return []
    own = {
        item.instrument
        for item in load_questionnaire().items.values()
        if item.instrument and item.translations[lang].wording == "own"
    }
    return [name for name in result["instruments"] if name in own and name in texts.INSTRUMENT_MEANING]


def translation_note(result: dict, lang: str) -> str | None:
    """Says which instruments were asked in our own, unvalidated translation: their scores were
    validated in English (or in a published translation), not in these words."""
    names = unvalidated_instruments(result, lang)
    if not names:
        return None
    titles = ", ".join(texts.INSTRUMENT_MEANING[name][0] for name in names)
    return texts.TRANSLATION_NOT_VALIDATED.format(instruments=titles)


def score_lines(result: dict) -> list[str]:
    """A line for each instrument the result has (the BAM only when it was asked)."""
    unsure = "ask_directly" in result["flags"]
    return [
        score_line(name, score, unsure)
        for name, score in result["instruments"].items()
        if name in texts.INSTRUMENT_MEANING
    ]


def render_result(result: dict, respondent: Respondent) -> None:
    disposition = result["disposition"]
    with st.container(key="result-headline"):
        st.title(texts.DISPOSITION_HEADLINE[disposition][respondent], anchor=False)
    st.caption(texts.RESULT_DISCLAIMER)

    with st.container(key="result-body"):  # its h2s are drawn smaller (ui/setup.py)
        reasons, also = reason_groups(result)
        st.markdown(f"## {texts.RESULT_REASONS_TITLE}")
        for reason in reasons:
            st.markdown(f"- {reason}")
        if also:
            with st.container(key="result-also-noted"):
                st.markdown(f"### {texts.RESULT_ALSO_NOTED_TITLE}")
                for finding in also:
                    st.markdown(f"- {finding}")

        shown = flag_notices(result, respondent)
        if shown:
            st.markdown(f"## {texts.RESULT_FLAGS_TITLE}")
            for flag, notice in shown:
                with st.container(key=f"flag-{flag}"):  # a stable hook for automation
                    st.info(notice)

        st.markdown(f"## {texts.RESULT_NEXT_TITLE}")
        for step in next_steps(result, respondent):
            st.markdown(f"- {step}")

        rows = chart_rows(result)
        if rows:
            st.markdown(f"## {texts.DOMAIN_CHART_TITLE}")
            st.plotly_chart(
                domain_chart(rows), config={"displayModeBar": False, "staticPlot": True}, key="domain-chart"
            )
            with st.container(key="domain-chart-in-words"):
                st.caption(chart_in_words(rows))

        lines = score_lines(result)
        if lines:
            st.markdown(f"## {texts.RESULT_SCORES_TITLE}")
            for line in lines:
                st.markdown(f"- {line}")
            note = translation_note(result, current_language())
            if note:
                with st.container(key="translation-not-validated"):
                    st.caption(note)
