"""Plain language: every participant-facing text of our own reads at US grade 8 or below.

Measured: every question without ``instrument`` (both wordings), every help text, the titles
and intros of sections with no instrument item, everything in ``ui/texts.py``, and the reasons
``scoring/reason_text.py`` gives, as real results render them for both respondents. Not
measured: the published items of validated instruments, whose wording must not change, and
the two published clarifications listed in ``PUBLISHED_HELP``.

The measure is the Flesch-Kincaid grade level (textstat), because it is the US school-grade
scale that health-literacy guidance uses, and it rests only on words per sentence and syllables
per word, so it can be read on a passage of two or three sentences (SMOG wants 30 sentences;
Dale-Chall marks everyday clinic words such as "alcohol" as hard). Grade formulas are noisy on
short texts, so:

- each message is measured as a whole, after its markdown is stripped; a bullet or a heading
  counts as a sentence of its own, as a reader takes it;
- texts under ``SHORT_WORDS`` words (titles, labels, buttons: one "sentence" with one long word
  reads as grade 20) are measured together with the other short texts of their kind, each one
  a sentence;
- proper names (services, programs, medicines) count as a one-syllable word: a reader knows a
  name as a whole, and we cannot reword it.

Run this file with ``-s -k table`` to print every grade.
"""

from __future__ import annotations

import functools
import random
import re
from collections import defaultdict
from collections.abc import Callable

import pytest
import textstat

from scoring import evaluate, load_questionnaire
from scoring.contract import UNKNOWN
from scoring.reason_text import TEMPLATES
from scoring.sample import random_screen
from tests.support.screen_builder import screen as built_screen
from ui import texts
from ui.messages import strings_of
from ui.participant.result_view import reason_groups

MAX_GRADE = 8.0
SHORT_WORDS = 10
# Helper wording published with an instrument, kept word for word like its items.
PUBLISHED_HELP = {
    "cssrs.6": "the C-SSRS screener's own examples of preparatory acts",
    "taps1.rx": "the TAPS Tool's own list of prescription medications",
}
# Names a reader knows as a whole; counted as one short word.
NAMES = (
    "Intensive Outpatient Program",
    "Suicide & Crisis Lifeline",
    "SAMHSA National Helpline",
    "National Domestic Violence Hotline",
    "SAMHSA Helpline",
    "SAMHSA",
    "988lifeline.org",
    "Alcoholics Anonymous",
    "Narcotics Anonymous",
    "NAMI Family-to-Family",
    "SMART Recovery Family & Friends",
    "Al-Anon",
    "Nar-Anon",
    "CRAFT",
    "benzodiazepines",
    "barbiturates",
    "buprenorphine",
    "methadone",
    "naloxone",
    "Narcan",
    "Suboxone",
    "fentanyl",
    "oxycodone",
    "morphine",
    "phenobarbital",
    "Percocet",
    "Vicodin",
    "Xanax",
    "Valium",
    "Ativan",
    "Klonopin",
    "Ambien",
)
_NAMES = re.compile("|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)))
# Sample values for the placeholders some texts are formatted with.
PLACEHOLDERS = {
    "expires": "May 3, 2027",
    "reference": "IOP-ABCD-EFGH",
    "number": "3",
    "total": "12",
    "low": "0",
    "high": "27",
    "label": "risk",
    "value": "4",
    "top": "24",
    "tobacco": "0",
    "drugs": "1",
    "rx": "0",
    "never": "0",
    "daily": "4",
    "app": "IOP self-screen",
    "stamp": "2026-12-05 14:00 UTC",
    "summary_id": "1a2b3c4d",
    "instruments": "BAM, MSPSS",
}
NOT_PROSE = {"CONSENT_VERSION"}
SAMPLE_SCREENS = 800


def plain(markdown: str) -> str:
    """The text a reader reads: markdown marks gone, each bullet and heading its own sentence."""
    parts = []
    for raw in markdown.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        unit = line.startswith(("- ", "* ", "#")) or (line.startswith("**") and line.endswith("**"))
        line = re.sub(r"^(?:[-*]\s+|#+\s*)", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("**", "").replace("`", "")
        if unit:
            line = line.rstrip(",;")
            if not line.endswith((".", "?", "!", ":")):
                line += "."
        parts.append(line)
    return _NAMES.sub("Name", " ".join(parts))


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(plain(text))


def words(text: str) -> int:
    return textstat.lexicon_count(plain(text))


def _fill(text: str) -> str:
    for name in re.findall(r"\{(\w+)\}", text):
        assert name in PLACEHOLDERS, f"no sample value for {{{name}}} in {text!r}"
    return text.format(**PLACEHOLDERS) if "{" in text else text


def ui_texts() -> list[tuple[str, str, str]]:
    """(kind, name, text) for every text in ui/texts.py; the kind groups the short ones."""
    found = []
    for name, value in vars(texts).items():
        if name.isupper() and name not in NOT_PROSE:
            found += [
                ("label or title in ui/texts.py", where, _fill(text))
                for where, text in strings_of(name, value)
            ]
    return found


def questionnaire_texts() -> list[tuple[str, str, str]]:
    found = []
    for section in load_questionnaire().sections:
        if all(item.instrument is None for item in section.items):
            for field in ("title", "title_loved_one", "intro", "intro_loved_one"):
                if getattr(section, field):
                    found.append(
                        ("section title or intro", f"{section.section}.{field}", getattr(section, field))
                    )
        for item in section.items:
            fields = ["help", "help_loved_one"]
            if item.instrument is None:
                fields = ["text", "text_loved_one", *fields]
                for option in getattr(item, "options", ()):
                    for label in dict.fromkeys([option.label, option.label_loved_one or option.label]):
                        found.append(("answer option", f"{item.id} option {option.value}", label))
            elif item.id in PUBLISHED_HELP:
                fields = []
            for field in fields:
                if getattr(item, field):
                    found.append(("question or help", f"{item.id}.{field}", getattr(item, field)))
    return found


# Situations random screens seldom reach, added by hand: an unsafe home on the way to IOP, and
# the reasons revision 2 added (911 first for severe withdrawal, an unstable medical condition,
# a recent overdose for IOP and as a finding under outpatient, an unsafe home with no other need).
STEP_DOWN = {
    "prior_care__most_intensive_12m": "php",
    "prior_care__status": "discharged_30d",
    "prior_care__episodes_lifetime": "1",
}
SEVERE_WITHDRAWAL = {
    "auditc__1": 4,
    "auditc__2": 2,
    "withdrawal__daily_alcohol": True,
    "withdrawal__current_symptoms": "severe",
}
MONTHLY_USE_AND_LOW_MOOD = {"taps1__drugs": 2, "phq9__1": 3, "phq9__2": 3, "phq9__3": 3, "phq9__4": 2}
BY_HAND = (
    {**STEP_DOWN, "home__safe": False},
    {**STEP_DOWN, "home__housing": "none"},
    {**STEP_DOWN, "home__safe": False, "home__housing": "none"},
    SEVERE_WITHDRAWAL,
    {**SEVERE_WITHDRAWAL, "cssrs__1": True, "cssrs__2": True, "cssrs__4": True},
    {"medical__unstable": True},
    {**MONTHLY_USE_AND_LOW_MOOD, "safety__overdose_90d": True},
    {"taps1__drugs": 1, "safety__overdose_90d": True},
    {"home__safe": False},
    {"home__housing": "unstable"},
)


@functools.cache
def reason_texts() -> list[tuple[str, str, str]]:
    """Every distinct reason that results of many random valid screens give, for both
    respondents: the templates as a participant reads them, details filled in."""
    rng = random.Random(20261126)
    by_hand = [built_screen(**changes) for changes in BY_HAND]
    seen: dict[str, str] = {}
    for screen in by_hand + [random_screen(rng) for _ in range(SAMPLE_SCREENS)]:
        answers = screen["answers"]
        # "I don't know" is a family member's answer only.
        respondents = ("loved_one",) if UNKNOWN in answers.values() else ("self", "loved_one")
        for respondent in respondents:
            result = evaluate({"respondent": respondent, "answers": answers})
            ordered = sorted(result["reasons"], key=lambda reason: bool(reason.get("also_noted")))
            rules = [reason["rule"] for reason in ordered]
            # As the result page and the PDF show them: also-noted findings under their heading.
            reasons, also_noted = reason_groups(result)
            for rule, text in zip(rules, reasons + also_noted, strict=True):
                seen.setdefault(text, f"reason {rule} ({respondent})")
    return [("reason", name, text) for text, name in seen.items()]


def measure(texts: list[tuple[str, str, str]], score: Callable[[str], float]) -> list[tuple[str, float, str]]:
    """(name, score, text) of every (kind, name, text) long enough to measure alone, and of each
    kind's short texts read together as one passage (a formula is noise on one short line)."""
    rows, short = [], defaultdict(list)
    for kind, name, text in texts:
        if words(text) < SHORT_WORDS:
            short[kind].append(text)
        else:
            rows.append((name, score(text), text))
    for kind, group in short.items():
        passage = " ".join(t if t.rstrip().endswith((".", "?", "!")) else t + "." for t in group)
        rows.append((f"short texts: {kind}", score(passage), passage))
    return rows


@functools.cache
def measured() -> list[tuple[str, float, str]]:
    """(name, grade, text) of every message, and of every group of short texts."""
    return measure(ui_texts() + questionnaire_texts() + reason_texts(), grade)


def test_every_reason_template_is_measured() -> None:
    """The random screens reach every reason template, in both wordings."""
    shown = [text for _, _, text in reason_texts()]
    for rule, template in TEMPLATES.items():
        pattern = re.compile(".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", template)))
        assert any(pattern.fullmatch(text) for text in shown), f"no sampled screen gives reason {rule}"


def test_plain_strips_markdown_and_counts_bullets_as_sentences() -> None:
    assert plain("**Call 988** now.\n\n- one\n- two,\n## Head") == "Call 988 now. one. two. Head."
    assert plain("Call the SAMHSA National Helpline.") == "Call the Name."


@pytest.mark.parametrize(
    ("name", "grade_level", "text"), [pytest.param(*row, id=row[0]) for row in measured()]
)
def test_reads_at_grade_8_or_below(name: str, grade_level: float, text: str) -> None:
    assert grade_level <= MAX_GRADE, f"{name} reads at grade {grade_level:.1f}: {plain(text)}"


def test_table() -> None:
    """Prints every grade, hardest first (see it with ``-s``)."""
    for name, level, text in sorted(measured(), key=lambda row: -row[1]):
        print(f"{level:5.1f}  {name}: {plain(text)[:90]}")
