"""Drive the participant wizard in AppTest the way a person would: choose, tick, click.

Widget keys are the canonical item ids and radio options are the canonical values, so a test
says ``{"auditc.1": 2}`` and the driver picks that option; every other visible, unanswered
question gets a calm default (the lowest-risk answer), so each test names only what it is about.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

from scoring import load_questionnaire
from scoring.fhir import title_of
from scoring.languages import languages
from tests.support.answers import APPTEST_WALK
from tests.support.step_label import STEP_LABELS

# Beside this checkout's tests/, wherever it was cloned (CI runs a fresh clone elsewhere).
APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 30
CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")


def default_answer(item_id: str) -> object:
    if item_id in APPTEST_WALK:
        return APPTEST_WALK[item_id]
    item = load_questionnaire().items[item_id]
    if item.type == "yes_no":
        return False
    return item.options[0].value


def new_session(query: Mapping[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def start(respondent: str = "self", query: Mapping[str, str] | None = None) -> AppTest:
    """A new session (with ``query`` in its address), started as ``self`` or ``loved_one`` with
    consent: on step 1."""
    at = new_session(query)
    at.radio(key="respondent").set_value(respondent)
    at.checkbox(key="consent").check()
    at.button(key="nav-start").click().run()
    assert not at.exception, at.exception
    assert stage(at) == "step", "the wizard did not start"
    return at


def wizard(at: AppTest):
    return at.session_state.get("wizard")


def stage(at: AppTest) -> str | None:
    w = wizard(at)
    return None if w is None else w.stage


def _progress(at: AppTest) -> re.Match | None:
    shown = [p.proto.text for p in at.get("progress")]
    if not shown:
        return None
    return next((m for pattern in STEP_LABELS if (m := pattern.fullmatch(shown[0]))), None)


def step(at: AppTest) -> int | None:
    """The step shown (0-based), read from the page's "Step N of M": the place among the steps
    this person gets, not the section's index. None when the page shows no step."""
    match = _progress(at)
    return None if match is None else int(match.group(1)) - 1


def step_total(at: AppTest) -> int | None:
    """M in "Step N of M": how many steps this person gets, as the page says."""
    match = _progress(at)
    return None if match is None else int(match.group(2))


def section(at: AppTest) -> str | None:
    """The name of the section shown (found by the step's title, the page's h1), or None when
    the page shows no step."""
    shown = step(at)
    if shown is None:
        return None
    titles = [h.value for h in at.title]
    found = [
        s.section
        for s in load_questionnaire().sections
        if titles
        and titles[0]
        in {title_of(s, who, code) for who in ("self", "loved_one") for code in languages().codes}
    ]
    assert found, f"step {shown + 1} shows {titles[:1]}, no section's title"
    return found[0]


def _item_keys(elements) -> list[str]:
    items = load_questionnaire().items
    return [e.key for e in elements if e.key in items]


def visible_items(at: AppTest) -> list[str]:
    """The item ids shown on this page, radios and pills alike."""
    return _item_keys(at.radio) + _item_keys(at.button_group)


def shown_value(at: AppTest, item_id: str) -> object:
    """What is selected for one question on the page now (None when unanswered)."""
    if item_id in _item_keys(at.radio):
        return at.radio(key=item_id).value
    pills = [b for b in at.button_group if b.key == item_id]
    if pills:
        return pills[0].value or None
    raise KeyError(f"{item_id} is not on the page")


def given(at: AppTest) -> dict:
    """Every answer this test chose in this session, last choice wins (the app may drop some)."""
    return at.__dict__.setdefault("given_answers", {})


def _choose(at: AppTest, item_id: str, value: object) -> None:
    if item_id in _item_keys(at.radio):
        at.radio(key=item_id).set_value(value)
    else:
        assert isinstance(value, list | tuple), f"{item_id} takes a list of values"
        next(b for b in at.button_group if b.key == item_id).set_value(list(value))
    given(at)[item_id] = value


def set_answer(at: AppTest, item_id: str, value: object) -> AppTest:
    """Choose one answer and let the app react (follow-ups, banners, crisis stop)."""
    _choose(at, item_id, value)
    at.run()
    assert not at.exception, at.exception
    return at


def answer_step(
    at: AppTest, answers: Mapping[str, object] | None = None, *, defaults: bool = True
) -> AppTest:
    """Answer every visible, unanswered question of this step (from ``answers``, else a calm
    default), run, and repeat while follow-ups appear. Stops at once if the page changes stage."""
    answers = answers or {}
    start_stage, start_section = stage(at), section(at)
    for _ in range(10):
        todo = [i for i in visible_items(at) if shown_value(at, i) is None and (defaults or i in answers)]
        if not todo:
            return at
        for item_id in todo:
            _choose(at, item_id, answers[item_id] if item_id in answers else default_answer(item_id))
        at.run()
        assert not at.exception, at.exception
        if (stage(at), section(at)) != (start_stage, start_section):
            return at
    raise AssertionError("follow-up questions kept appearing")


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def next_step(at: AppTest) -> AppTest:
    return click(at, "nav-next")


def back(at: AppTest) -> AppTest:
    return click(at, "nav-back")


def go_to_section(at: AppTest, name: str, answers: Mapping[str, object] | None = None) -> AppTest:
    """Answer step by step (with ``answers`` where given) until the step of section ``name``."""
    for _ in range(20):
        if section(at) == name:
            return at
        assert stage(at) == "step", f"stopped at {stage(at)} before reaching {name}"
        answer_step(at, answers)
        if stage(at) != "step":
            continue
        next_step(at)
    raise AssertionError(f"never reached section {name}")


def to_review(at: AppTest, answers: Mapping[str, object] | None = None) -> AppTest:
    """Answer every step (with ``answers`` where given) until the review page."""
    for _ in range(40):
        if stage(at) != "step":
            break
        answer_step(at, answers)
        if stage(at) == "step":
            next_step(at)
    assert stage(at) == "review", f"stopped at {stage(at)}, not the review"
    return at


def to_result(at: AppTest, answers: Mapping[str, object] | None = None) -> AppTest:
    to_review(at, answers)
    click(at, "nav-next")  # "See my result"
    assert stage(at) == "result", f"stopped at {stage(at)}, not the result"
    return at


def save_code(at: AppTest) -> str:
    """Click "Save and get a code" and read the code shown on the page."""
    click(at, "nav-save")
    shown = [c.value for c in at.code]
    assert shown, "no resume code shown after saving"
    match = CODE.fullmatch(shown[-1].strip())
    assert match, f"resume code {shown[-1]!r} is not XXXX-XXXX-XXXX"
    return match.group(0)


def resume(code: str, query: Mapping[str, str] | None = None) -> AppTest:
    """A new session (a new browser) entering ``code`` on the welcome page."""
    at = new_session(query)
    at.text_input(key="resume-code").input(code)
    at.button(key="nav-resume").click().run()
    assert not at.exception, at.exception
    return at


# Every kind of element that shows text, headings first.
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")


def block_text(node) -> str:
    """Everything written in ``node`` (the page, or a block): headings, markdown, alerts, captions."""
    return "\n".join(str(e.value) for kind in TEXT_KINDS for e in getattr(node, kind))


def page_text(at: AppTest) -> str:
    """Everything written on the page (markdown, alerts, headings, captions, code)."""
    return "\n".join([block_text(at), *(str(c.value) for c in at.code)])


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def block(at: AppTest, key: str):
    """The container with this key (``st.container(key=...)``), or None when it is not shown."""
    pending = list(at.main.children.values())
    while pending:
        node = pending.pop(0)
        if getattr(node, "key", None) == key and node.type == "flex_container":
            return node
        pending.extend(getattr(node, "children", {}).values())
    return None


@contextmanager
def database(url: str) -> Iterator[str]:
    """Point the app (and subprocesses) at ``url`` through DATABASE_URL, then put the old one back."""
    from intake.settings import get_settings

    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    try:
        yield url
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before
        get_settings.cache_clear()


@contextmanager
def sqlite_copy(template: Path, directory: Path) -> Iterator[str]:
    """A migrated, empty SQLite database (a copy of conftest's template) as DATABASE_URL."""
    from intake.db import dispose_engine

    path = directory / "iop.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    with database(url):
        yield url
    dispose_engine(url)
