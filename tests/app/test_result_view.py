"""The result page and the PDF summary of revision 2: each new notice, "also noted" findings
under their own heading, 911 first for severe withdrawal, relapse risk that does not apply, and
score ranges that come from scoring.

Every result here is a real ``evaluate`` of a screen built from the questionnaire (calm answers,
then the few that make the situation); the page is drawn by ``render_result`` in AppTest and the
PDF's text is read back from its content streams.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scoring import evaluate
from scoring.contract import UNKNOWN
from scoring.domains import LEVELS
from scoring.instruments import score_ranges
from scoring.languages import translate
from tests.support.screen_builder import screen
from ui import texts
from ui.participant.pdf_summary import _plain, build_pdf
from ui.participant.result_view import CHART_DOMAINS, CONCERN, worded

ROOT = Path(__file__).resolve().parents[2]


def result_of(respondent: str = "self", **changes: object) -> dict:
    return evaluate(screen(respondent, **changes))


def show(result: dict, respondent: str) -> AppTest:
    def page(result: dict, respondent: str) -> None:
        from ui.participant.result_view import render_result

        render_result(result, respondent)

    at = AppTest.from_function(page, args=(result, respondent), default_timeout=30).run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    kinds = ("title", "markdown", "caption", "info")
    return "\n".join(str(element.value) for kind in kinds for element in at.get(kind))


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def pdf_text(data: bytes) -> str:
    """The text the PDF draws, lines joined by spaces (fpdf2 wraps lines at spaces)."""
    shown = []
    # Each stream is read by its declared /Length: compressed bytes may hold anything.
    for match in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", data):
        stream = data[match.end() : match.end() + int(match[1])]
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # not compressed page content
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return " ".join(" ".join(shown).split())


def in_pdf(result: dict, respondent: str) -> str:
    return pdf_text(build_pdf(result, respondent))


def pdf_form(text: str) -> str:
    """A text as the PDF draws it: markdown gone, Latin-1 only, one space between words."""
    return " ".join(_plain(text).split())


# --- the new notices -----------------------------------------------------------------------------

# (flag, respondent, answers that raise it, words its notice must have)
NOTICES = [
    ("moud_continuity", "self", {"recovery__history": True, "withdrawal__moud": True}, ("never", "taper")),
    (
        "moud_continuity",
        "loved_one",
        {"recovery__history": True, "withdrawal__moud": True},
        ("They should keep",),
    ),
    ("home_safety", "self", {"home__safe": False}, ("1-800-799-7233", "START to 88788", "follow up")),
    (
        "home_safety",
        "loved_one",
        {"home__safe": False},
        ("1-800-799-7233", "START to 88788", "they do not feel"),
    ),
    ("housing_need", "self", {"home__housing": "unstable"}, ("211",)),
    ("housing_need", "loved_one", {"home__housing": "none"}, ("211", "them")),
    ("ask_directly", "loved_one", {"cssrs__1": UNKNOWN}, ("killing yourself", "hurting someone", "988")),
    (
        "ask_directly",
        "loved_one",
        {"safety__harm_others": UNKNOWN},
        ("killing yourself", "hurting someone", "988"),
    ),
    (
        "overdose_risk",
        "self",
        {"recovery__history": True, "withdrawal__moud": True},
        ("naloxone", "Never use alone"),
    ),
    (
        "overdose_risk",
        "loved_one",
        {"taps1__drugs": 2, "drugs__substances": ["cocaine"], "safety__overdose_90d": UNKNOWN},
        ("naloxone", "never to use alone", "not sure"),
    ),
    ("adolescent", "self", {"about__age_band": "under_18"}, ("set for adults",)),
]


@pytest.mark.parametrize(
    ("flag", "respondent", "answers", "words"),
    NOTICES,
    ids=[f"{flag}-{who}-{i}" for i, (flag, who, _, _) in enumerate(NOTICES)],
)
def test_each_new_notice_shows_on_the_result_page_and_in_the_pdf(flag, respondent, answers, words):
    result = result_of(respondent, **answers)
    assert flag in result["flags"]
    notice = worded(texts.FLAG_MESSAGES[flag], respondent)
    for word in words:
        assert word in notice, f"the {flag} notice lacks {word!r}"
    at = show(result, respondent)
    assert notice in [info.value for info in at.info]
    assert pdf_form(notice) in in_pdf(result, respondent)


def test_notices_speak_to_the_respondent():
    """Where the words differ, a family member reads "they" and the person themself "you"."""
    third_person = re.compile(r"\b(they|their|them)\b", re.IGNORECASE)
    for flag, entry in texts.FLAG_MESSAGES.items():
        if isinstance(entry, dict):
            assert set(entry) == {"self", "loved_one"}, flag
            assert third_person.search(entry["loved_one"]), flag
            assert not third_person.search(entry["self"]) and re.search(r"\byou", entry["self"]), flag


def test_overdose_notice_does_not_claim_an_overdose():
    """overdose_risk now also goes to someone on methadone who never overdosed."""
    result = result_of(recovery__history=True, withdrawal__moud=True)
    assert "overdose_risk" in result["flags"] and "moud_continuity" in result["flags"]
    assert "withdrawal_caution" not in result["flags"]
    page = page_text(show(result, "self"))
    assert "recent overdose" not in page.lower()
    assert worded(texts.FLAG_MESSAGES["moud_continuity"], "self") in page


def test_every_notice_and_step_survives_the_pdf_fonts():
    """fpdf2's core fonts are Latin-1: nothing may turn into "?"."""
    every = [
        worded(entry, who)
        for entry in [*texts.FLAG_MESSAGES.values(), texts.URGENT_MEDICAL_FIRST]
        for who in ("self", "loved_one")
    ]
    every += [
        worded(step, who)
        for steps in [*texts.NEXT_STEPS.values(), texts.URGENT_MEDICAL_THEN]
        for step in steps
        for who in ("self", "loved_one")
    ]
    for text in every:
        assert _plain(text).count("?") == text.count("?"), f"a character beyond Latin-1 in {text!r}"


# --- reasons and "also noted" -----------------------------------------------------------------


def test_also_noted_findings_come_after_the_reasons_under_their_own_heading():
    # Less-than-monthly cannabis with no history is no need, so the suggestion stays outpatient:
    # the recent overdose is a finding, not a reason for IOP.
    result = result_of(taps1__drugs=1, safety__overdose_90d=True)
    assert result["disposition"] == "outpatient"
    also = [r for r in result["reasons"] if r.get("also_noted")]
    assert [r["rule"] for r in also] == ["recent_overdose"]
    at = show(result, "self")
    lines = markdown(at)
    heading = lines.index(f"## {texts.RESULT_REASONS_TITLE}")
    also_heading = lines.index(f"### {texts.RESULT_ALSO_NOTED_TITLE}")
    outpatient = next(r["text"] for r in result["reasons"] if not r.get("also_noted"))
    assert heading < lines.index(f"- {outpatient}") < also_heading
    finding = next(line for line in lines[also_heading + 1 :] if line.startswith("- "))
    assert "overdose in the past 3 months" in finding
    assert not finding.startswith("- Also noted")  # the heading says it once
    assert "IOP" not in finding  # a finding never argues for IOP under another suggestion

    pdf = in_pdf(result, "self")
    assert pdf.index(pdf_form(outpatient)) < pdf.index(f"{texts.RESULT_ALSO_NOTED_TITLE} - ")
    assert pdf.index(f"{texts.RESULT_ALSO_NOTED_TITLE} - ") < pdf.index(pdf_form(finding))


def test_without_also_noted_findings_there_is_no_such_heading():
    result = result_of(
        phq9__1=3, phq9__2=3, phq9__3=3, phq9__4=2, taps1__drugs=2, prior_care__outpatient_not_enough="yes"
    )
    assert not [r for r in result["reasons"] if r.get("also_noted")]
    assert f"### {texts.RESULT_ALSO_NOTED_TITLE}" not in markdown(show(result, "self"))


# --- next steps --------------------------------------------------------------------------------

SEVERE = {
    "auditc__1": 4,
    "auditc__2": 2,
    "withdrawal__daily_alcohol": True,
    "withdrawal__current_symptoms": "severe",
}


@pytest.mark.parametrize("respondent", ["self", "loved_one"])
def test_severe_withdrawal_steps_lead_with_911_not_988(respondent):
    result = result_of(respondent, **SEVERE)
    assert result["disposition"] == "urgent"
    assert result["domains"]["safety"]["triggers"] == ["severe_withdrawal"]
    lines = markdown(show(result, respondent))
    steps = lines[lines.index(f"## {texts.RESULT_NEXT_TITLE}") + 1 :][: 1 + len(texts.URGENT_MEDICAL_THEN)]
    first = worded(texts.URGENT_MEDICAL_FIRST, respondent)
    assert steps == [f"- {worded(step, respondent)}" for step in (first, *texts.URGENT_MEDICAL_THEN)]
    assert "911" in first and "emergency room" in first
    assert not any("988" in step for step in steps)  # nothing else made it urgent
    assert f"{texts.RESULT_NEXT_TITLE} - {pdf_form(first)}" in in_pdf(result, respondent)


def test_severe_withdrawal_with_suicide_risk_gives_911_first_then_988():
    result = result_of(**SEVERE, cssrs__1=True, cssrs__2=True, cssrs__4=True)
    assert result["domains"]["safety"]["triggers"] == ["suicide_risk_high", "severe_withdrawal"]
    lines = markdown(show(result, "self"))
    steps = lines[lines.index(f"## {texts.RESULT_NEXT_TITLE}") + 1 :]
    assert steps[0] == f"- {texts.URGENT_MEDICAL_FIRST['self']}"
    assert steps[1] == f"- {texts.NEXT_STEPS['urgent'][0]}" and "988" in steps[1]


def test_other_urgent_screens_keep_988_first():
    result = result_of(cssrs__1=True, cssrs__2=True, cssrs__4=True)
    lines = markdown(show(result, "self"))
    steps = lines[lines.index(f"## {texts.RESULT_NEXT_TITLE}") + 1 :]
    assert steps[0] == f"- {texts.NEXT_STEPS['urgent'][0]}"


# --- relapse risk that does not apply, and no BAM --------------------------------------------


def test_relapse_risk_not_applicable_is_charted_as_does_not_apply_and_no_bam_score():
    result = result_of()  # uses nothing, no history: the BAM is never asked
    assert result["domains"]["relapse_risk"]["level"] == "not_applicable"
    assert "bam" not in result["instruments"]
    at = show(result, "self")
    words = texts.LEVEL_WORDS["not_applicable"]
    assert words == "does not apply"
    chart_words = [c.value for c in at.caption if c.value.startswith(texts.DOMAIN_CHART_IN_WORDS)]
    assert f"{texts.DOMAIN_LABELS['relapse_risk']}: {words}" in chart_words[0]
    assert at.get("plotly_chart")
    assert texts.INSTRUMENT_MEANING["bam"][0] not in page_text(at)
    pdf = in_pdf(result, "self")
    assert f"{texts.DOMAIN_LABELS['relapse_risk']}: {words}" in pdf
    assert texts.INSTRUMENT_MEANING["bam"][0] not in pdf


def test_every_level_of_a_charted_domain_has_words_and_a_bar():
    for name in CHART_DOMAINS:
        for level in LEVELS[name]:
            assert level in texts.LEVEL_WORDS, f"{name} {level} has no words"
            assert level in CONCERN[name], f"{name} {level} has no bar"


# --- scores ----------------------------------------------------------------------------------------


def test_score_lines_take_their_ranges_from_scoring():
    result = result_of(auditc__1=2, auditc__2=1, taps1__drugs=2, phq9__1=2)
    ranges = score_ranges()
    at = show(result, "self")
    lines = [line for line in markdown(at) if line.startswith("- **")]
    phq9 = next(line for line in lines if texts.INSTRUMENT_MEANING["phq9"][0] in line)
    phq9_score = result["instruments"]["phq9"]
    low, high = ranges["phq9"]
    shown = f"{phq9_score['score']} ({texts.BAND_WORDS[phq9_score['band']]}) on a scale of {low} to {high}"
    assert shown in phq9
    bam = next(line for line in lines if texts.INSTRUMENT_MEANING["bam"][0] in line)
    for key in ("use", "risk", "protective"):
        assert f"{result['instruments']['bam'][key]} of {ranges[f'bam.{key}'][1]}" in bam
    mspss = next(line for line in lines if texts.INSTRUMENT_MEANING["mspss"][0] in line)
    assert "on a scale of {} to {}".format(*ranges["mspss"]) in mspss


def test_no_score_range_is_written_in_ui():
    """Ranges live in scoring only (score_ranges); the ui formats them in one place."""
    written = re.compile(r"\bof (?:5|7|12|21|24|27)\b|\b[01] to (?:5|7|12|21|24|27)\b|\b0 never\b")
    for path in sorted((ROOT / "ui").glob("*.py")):
        found = written.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} writes a score range: {found}"


def test_suicide_risk_none_is_not_reassuring_when_a_family_member_did_not_know():
    """An "I don't know" counts as not yes in the C-SSRS risk: the line must not say "none"
    beside the notice that asks them to find out."""
    result = result_of("loved_one", cssrs__1=UNKNOWN)
    assert result["instruments"]["cssrs"]["risk"] == "none" and "ask_directly" in result["flags"]
    title = texts.INSTRUMENT_MEANING["cssrs"][0]
    line = next(line for line in markdown(show(result, "loved_one")) if title in line)
    assert f"**{title}:** {texts.CSSRS_NONE_KNOWN}." in line
    assert pdf_form(texts.CSSRS_NONE_KNOWN) in in_pdf(result, "loved_one")
    known = next(line for line in markdown(show(result_of("loved_one"), "loved_one")) if title in line)
    assert f"**{title}:** none." in known


@pytest.mark.parametrize(
    "disposition_answers", [SEVERE, {"cssrs__1": True, "cssrs__2": True, "cssrs__4": True}]
)
def test_a_family_members_next_steps_speak_of_the_person_they_care_about(disposition_answers):
    """A family member is told what to do for them, not "stay with someone you trust"."""
    result = result_of("loved_one", **disposition_answers)
    lines = markdown(show(result, "loved_one"))
    steps = lines[lines.index(f"## {texts.RESULT_NEXT_TITLE}") + 1 :][:4]
    assert any("them" in step for step in steps[1:]), steps
    assert not any("someone you trust" in step or "do not stay alone" in step for step in steps), steps


def test_the_pdf_speaks_the_participant_language() -> None:
    """A Spanish screen's summary is Spanish from its title to the crisis lines, not English."""

    def page(result: dict) -> None:
        import streamlit as st

        from ui.i18n import set_language
        from ui.participant.pdf_summary import build_pdf

        set_language("es")
        st.session_state["pdf"] = build_pdf(result, "self", "IOP-ABCD-EFGH")

    result = evaluate(screen("self"), lang="es")
    at = AppTest.from_function(page, args=(result,), default_timeout=30).run()
    assert not at.exception
    text = pdf_text(at.session_state["pdf"])
    spanish = {
        name: translate(getattr(texts, name), "es") for name in ("RESULT_NEXT_TITLE", "PDF_CRISIS_TITLE")
    }
    for name, words in spanish.items():
        assert pdf_form(words) in text, name
        assert pdf_form(getattr(texts, name)) not in text, name
    assert pdf_form(translate(texts.PDF_REFERENCE, "es").format(reference="IOP-ABCD-EFGH")) in text
    assert pdf_form(result["reasons"][0]["text"]) in text
