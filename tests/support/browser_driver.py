"""Drive the participant wizard in Chromium through the automation contract.

Each question renders inside ``.st-key-<item id with dots as dashes>``; an answer is chosen by
clicking its label text there. Streamlit reruns the script after every click, so every action
waits for the run it caused to finish (the server's ``script_finished`` message on the
websocket, then an idle page) instead of sleeping. Also here: starting a real
``streamlit run`` server on a free port (``IOP_E2E_APP_ROOT`` points it at another checkout).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from google.protobuf.message import DecodeError
from playwright.sync_api import Locator, Page, WebSocket, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from scoring import load_questionnaire
from scoring.domains import urgent_answers
from scoring.questionnaire import condition_holds
from scoring.vocab import Respondent
from tests.support.answers import BROWSER_WALK
from tests.support.step_label import STEP_LABELS
from ui import texts
from ui.i18n import localize
from ui.widgets import labels

ROOT = Path(__file__).resolve().parents[2]
# The checkout whose app.py the server runs (default: this one).
APP_ROOT = Path(os.environ.get("IOP_E2E_APP_ROOT", ROOT))
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 60.0

CODE_PATTERN = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
REFERENCE_PATTERN = re.compile(r"IOP-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")

# A calm, complete screen: what the walk answers when a test does not say otherwise.
CALM_ANSWERS = BROWSER_WALK

# Which of the given item ids are on screen (and not stale) with no answer chosen yet.
_UNANSWERED_JS = """(ids) => ids.filter((id) => {
  const el = document.querySelector('.st-key-' + id.replaceAll('.', '-'));
  if (!el || el.getAttribute('data-stale') === 'true') return false;
  if (el.querySelector('[data-testid="stRadio"]')) return !el.querySelector('input[type="radio"]:checked');
  if (el.querySelector('[data-testid="stButtonGroup"]')) return !el.querySelector('button[aria-pressed="true"]');
  return false;
})"""

_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]');
}"""
_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    script: app && app.getAttribute('data-test-script-state'),
    connection: app && app.getAttribute('data-test-connection-state'),
    status_widget: !!document.querySelector('[data-testid="stStatusWidget"]'),
    stale: Array.from(document.querySelectorAll('[data-stale="true"]')).map((e) => e.className).slice(0, 5),
  };
}"""
# Click each (container selector, option label) radio option; return the pairs not found.
_CLICK_OPTIONS_JS = """(pairs) => pairs.filter(([selector, label]) => {
  const box = document.querySelector(selector);
  const options = box ? Array.from(box.querySelectorAll('[data-testid="stRadioOption"]')) : [];
  const option = options.find((o) => o.innerText.trim() === label);
  if (option) option.click();
  return !option;
})"""
# A run that ends for a rerun (a callback, st.rerun, st.switch_page) is followed by another.
_FINAL = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
RUN_TIMEOUT = 30.0


def full_answers(answers: Mapping[str, object]) -> dict[str, object]:
    """Every answer a walk gives with these preferred answers: each question the earlier answers
    call for, in order, answered from ``answers`` or else ``CALM_ANSWERS`` or else its first option."""
    questionnaire = load_questionnaire()
    chosen: dict[str, object] = {}
    for item_id, item in questionnaire.items.items():
        if condition_holds(item.asked_if, chosen):
            chosen[item_id] = value_for(item_id, answers)
    return chosen


def value_for(item_id: str, answers: Mapping[str, object]) -> object:
    if item_id in answers:
        return answers[item_id]
    if item_id in CALM_ANSWERS:
        return CALM_ANSWERS[item_id]
    item = load_questionnaire().items[item_id]
    return False if item.type == "yes_no" else item.options[0].value


def _stops_screen(item_id: str, value: object, answers: Mapping[str, object]) -> bool:
    """Whether this answer, after the walk's earlier ones, makes the screen urgent (the rule is
    scoring's: the driver does not restate it)."""
    return item_id in urgent_answers({**full_answers(answers), item_id: value})


def key_class(key: str) -> str:
    """The CSS class Streamlit gives a widget or container key: ``phq9.1`` -> ``.st-key-phq9-1``."""
    return ".st-key-" + key.replace(".", "-")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A throwaway field key for the servers these tests start (so none writes a key file beside its
# database), drawn once per test process so a test can read what its server sealed.
E2E_FIELD_KEY = Fernet.generate_key().decode()


def unseal(token: str) -> object:
    """A value the server stored encrypted (answers, results), read with the tests' key."""
    return json.loads(Fernet(E2E_FIELD_KEY).decrypt(token.encode("ascii")))


def server_env(database_url: str, settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment ``streamlit_server`` runs its server with: this process's, in development
    on ``database_url`` under the tests' field key, plus ``settings``. A command a test runs
    against that server's database (``python -m intake ...``) takes the same."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "IOP_ENV": "development",
        "IOP_FIELD_KEY": E2E_FIELD_KEY,
        **(settings or {}),
    }
    env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)
    return env


@contextmanager
def streamlit_server(
    database_url: str, log_path: Path, *, settings: Mapping[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """Run ``streamlit run app.py`` until the block ends; yields the base URL. ``settings`` are
    extra environment variables; ``port`` (default: a free one) lets a test know the URL before
    the server starts, e.g. to give it as IOP_PUBLIC_URL."""
    with run_app(server_env(database_url, settings), log_path, port=port) as base_url:
        yield base_url


def streamlit_command(port: int) -> list[str]:
    """``streamlit run app.py`` (in the working directory) headless on 127.0.0.1:``port``, with
    no usage statistics sent: every server a test or benchmark starts."""
    return [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


@contextmanager
def run_app(env: dict[str, str], log_path: Path, *, port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` with exactly this environment on ``port`` (default: a free one),
    output to ``log_path``; yields the base URL once healthy, and stops the server when the
    block ends. The one launcher every browser test and benchmark server goes through."""
    port = port or free_port()
    # An edit to the checkout mid-run would otherwise show "File change / Rerun" and stall waits.
    command = [*streamlit_command(port), "--server.fileWatcherType", "none"]
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=APP_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(process, base_url, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode} before it was healthy:\n"
                + log_path.read_text(errors="replace")
            )
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"streamlit did not answer /_stcore/health within {SERVER_START_TIMEOUT:.0f} s:\n"
        + log_path.read_text(errors="replace")
    )


class Participant:
    """One person in one browser page, answering the screen."""

    def __init__(self, page: Page, base_url: str, respondent: str = "self", lang: str = "en") -> None:
        self.page = page
        self.base_url = base_url
        self.respondent = respondent
        self.lang = lang  # the language the app is expected to speak (chosen by the test)
        self.questionnaire = load_questionnaire()
        self.item_ids = list(self.questionnaire.items)
        self.runs_started = 0
        self.runs_finished = 0
        page.on("websocket", self._watch_websocket)

    # -- waiting for Streamlit -------------------------------------------------------------
    # The page's own "running" marker is no help: a fast run can start and end within one
    # render, so the DOM never changes. The server's own word is: every script run ends with a
    # ``script_finished`` message on the websocket, which is counted here.
    def _watch_websocket(self, socket: WebSocket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framereceived", self._on_frame)

    def _on_frame(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        try:
            message = ForwardMsg.FromString(payload)
        except DecodeError:
            return
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.runs_started += 1
        elif kind == "script_finished" and message.script_finished in _FINAL:
            self.runs_finished += 1

    def wait_runs(self, since: int, what: str, *, quiet: float = 0.0) -> None:
        """Wait until a script run has finished after ``since`` and the page shows its result.

        With ``quiet`` (seconds), also wait until no new run starts for that long after the
        last one finished: a burst of clicks may be served by several runs, each of which
        sends ``new_session`` at once when it starts.
        """
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            while self.runs_finished <= since:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"no script run finished within {RUN_TIMEOUT:.0f} s after {what}: "
                        f"{self.page.evaluate(_STATE_JS)}"
                    )
                self.page.wait_for_timeout(15)  # lets Playwright deliver the websocket events
            started, since = self.runs_started, self.runs_finished
            if quiet:
                self.page.wait_for_timeout(quiet * 1000)
            if self.runs_started == started:
                break
        self.page.wait_for_function(_IDLE_JS)

    def click(self, target: Locator) -> None:
        """Click something that reruns the script, and wait for that run to finish."""
        since = self.runs_finished
        target.click()
        self.wait_runs(since, f"clicking {target}")

    # -- pages -----------------------------------------------------------------------------
    def open(self, path: str = "/") -> None:
        since = self.runs_finished
        self.page.goto(self.base_url + path)
        self.wait_runs(since, f"opening {path}")

    def reload(self) -> None:
        since = self.runs_finished
        self.page.reload()
        self.wait_runs(since, "reloading")

    def start(self) -> None:
        """From the welcome page: choose who is answering, consent, and start at step 1."""
        self.click(self.option("respondent", self.t(texts.RESPONDENT_OPTIONS)[Respondent(self.respondent)]))
        if self.respondent == "loved_one":
            expect(self.page.get_by_text(self.t(texts.LOVED_ONE_NOTE)[:40])).to_be_visible()
        self.click(self.page.locator(key_class("consent")).get_by_text(self.t(texts.CONSENT_LABEL)))
        self.click(self.button("nav-start"))
        self.expect_step(1)

    def button(self, key: str) -> Locator:
        return self.page.locator(f"{key_class(key)} button")

    def next(self) -> None:
        self.click(self.button("nav-next"))

    def back(self) -> None:
        self.click(self.button("nav-back"))

    def save(self) -> str:
        """Click Save and return the resume code shown."""
        self.click(self.button("nav-save"))
        code = self.page.locator('[data-testid="stCode"]')
        expect(code).to_be_visible()
        return code.inner_text().strip()

    def resume(self, code: str) -> None:
        self.page.locator(f"{key_class('resume-code')} input").fill(code)
        self.click(self.button("nav-resume"))

    def t(self, text: Any) -> Any:
        """A text of ui/texts.py as the app shows it in this participant's language."""
        return localize(text, self.lang)

    # -- where we are ----------------------------------------------------------------------
    def step_number(self) -> int | None:
        progress = self.page.locator('[data-testid="stProgress"]')
        if progress.count() == 0:
            return None
        shown = progress.first.inner_text()
        match = next((m for pattern in STEP_LABELS if (m := pattern.search(shown))), None)
        return int(match.group(1)) if match else None

    def expect_step(self, number: int) -> None:
        # The total depends on the answers (a section with no question for this person is skipped).
        label = re.escape(self.t(texts.STEP_LABEL).format(number=number, total="TOTAL")).replace(
            "TOTAL", r"\d+"
        )
        expect(self.page.locator('[data-testid="stProgress"]')).to_contain_text(re.compile(label))

    def on_review(self) -> bool:
        return self.page.get_by_role("heading", name=self.t(texts.REVIEW_TITLE)).count() > 0

    # -- answering -------------------------------------------------------------------------
    def label_of(self, item_id: str, value: object) -> str:
        return labels(self.questionnaire.items[item_id], self.respondent, self.lang)[value]

    def item(self, item_id: str) -> Locator:
        return self.page.locator(key_class(item_id))

    def option(self, key: str, label: str) -> Locator:
        return self.page.locator(key_class(key)).get_by_text(label, exact=True)

    def answer(self, item_id: str, value: object) -> None:
        """Choose one answer (a list of values for the multi-choice item) and wait for the rerun."""
        values = value if isinstance(value, list) else [value]
        for one in values:
            self.click(self.option(item_id, self.label_of(item_id, one)))

    def unanswered(self) -> list[str]:
        return self.page.evaluate(_UNANSWERED_JS, self.item_ids)

    def answer_step(self, answers: Mapping[str, object]) -> None:
        """Answer every question on screen that has no answer yet, until none is left (answers
        can bring follow-up questions).

        Radio answers go in a burst: their labels are clicked in one go in the page, and only
        the run after them is waited for. Every click's rerun carries the value of every widget,
        so none is lost, and a step takes one run instead of one per question. Pills (a second
        click would undo the first) and answers that stop the screen go one at a time, as a
        person clicks them.
        """
        for _ in range(20):
            todo = self.unanswered()
            if not todo:
                return
            burst: list[tuple[str, str]] = []
            for item_id in todo:
                value = value_for(item_id, answers)
                if isinstance(value, list) or _stops_screen(item_id, value, answers):
                    self._click_burst(burst)
                    burst = []
                    self.answer(item_id, value)
                    if self.in_crisis():
                        return
                else:
                    burst.append((key_class(item_id), self.label_of(item_id, value)))
            self._click_burst(burst)
        raise AssertionError(f"questions still unanswered on step {self.step_number()}: {self.unanswered()}")

    def _click_burst(self, burst: list[tuple[str, str]]) -> None:
        if not burst:
            return
        since = self.runs_finished
        not_found = self.page.evaluate(_CLICK_OPTIONS_JS, burst)
        assert not not_found, f"no such option on screen: {not_found}"
        self.wait_runs(since, f"answering {[key for key, _ in burst]}", quiet=0.15)

    def in_crisis(self) -> bool:
        return self.page.locator(key_class("crisis-page")).count() > 0

    def finish_step(
        self, answers: Mapping[str, object], before_next: Callable[[], object] | None = None
    ) -> None:
        """Answer this step (then call ``before_next``, if given) and click Next; fail if the
        wizard does not move on.

        A follow-up question may show only after the run its parent answer caused; if Next
        finds it unanswered, the wizard marks it and stays, and it is answered on the next try.
        """
        before = self.step_number()
        for _ in range(3):
            self.answer_step(answers)
            if self.in_crisis():
                return
            if before_next is not None:
                before_next()
            self.next()
            if self.on_review() or self.step_number() != before:
                return
        raise AssertionError(f"Next did not leave step {before}: unanswered {self.unanswered()}")

    def walk_to_step(self, number: int, answers: Mapping[str, object]) -> None:
        while (self.step_number() or 0) < number:
            assert not self.in_crisis(), f"the screen stopped at the crisis page before step {number}"
            self.finish_step(answers)
        self.expect_step(number)

    def walk_to_review(self, answers: Mapping[str, object]) -> None:
        for _ in range(len(self.questionnaire.sections) + 2):
            if self.on_review():
                return
            self.finish_step(answers)
        expect(self.page.get_by_role("heading", name=self.t(texts.REVIEW_TITLE))).to_be_visible()

    def see_result(self) -> None:
        """On the review page: "See my result"."""
        self.next()
        expect(self.page.locator(key_class("result-headline"))).to_be_visible()

    def send(self) -> str:
        """Send to intake without contact details; return the reference shown."""
        self.click(self.button("nav-submit"))
        sent = self.page.get_by_text(re.compile(re.escape(self.t(texts.SUBMITTED).split("**")[0].strip())))
        expect(sent).to_be_visible()
        match = REFERENCE_PATTERN.search(sent.inner_text())
        assert match, sent.inner_text()
        return match.group(0)

    def checked_label(self, item_id: str) -> str | None:
        """The label of the radio option chosen for this question, if any."""
        checked = self.item(item_id).locator('[data-testid="stRadioOption"]:has(input:checked)')
        return checked.inner_text().strip() if checked.count() else None
