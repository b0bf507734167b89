"""The staff side of the browser tests: accounts and screens made with the admin CLI
(``python -m intake``) against a server's DATABASE_URL, TOTP codes from pyotp, and one staff
member in one browser page (the waiting for Streamlit's reruns comes from ``Participant``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from playwright.sync_api import Locator, Page, expect

from tests.support.browser_driver import APP_ROOT, REFERENCE_PATTERN, Participant, key_class, run_app
from ui.staff.auth import EMAIL_KEY, PASSWORD_KEY, SIGNOUT_KEY, SUBMIT_KEY, TOTP_KEY

# Every staff page by the URL Streamlit serves it under (the file names in pages/).
STAFF_URLS = (
    "/staff_signin",
    "/staff_queue",
    "/staff_review",
    "/staff_insights",
    "/staff_audit",
    "/staff_accounts",
    "/staff_alerts",
)
# Headings a staff page shows only past its guard.
WORKSPACE_TITLES = ("Intake queue", "Screen review", "Insights", "Audit log", "Staff accounts", "Alerts")
STAFF_MENU = "Intake staff"
# Glide data grid's default geometry in Streamlit: a 35 px header, 35 px rows, a row marker column.
GRID_ROW_HEIGHT = 35
GRID_MARKER_X = 16
CLI_TIMEOUT = 60
# What a page shows, in one look: per widget key the types of its visible inputs or buttons, the
# number of text fields, the headings, counts of data elements, and the whole text.
_SIGN_IN_PAGE_JS = """([fields, buttons]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const visible = (el) => el.getClientRects().length > 0;
  const all = (selector) => Array.from(document.querySelectorAll(selector)).filter(visible);
  const keys = {};
  for (const key of fields) keys[key] = all('.st-key-' + key + ' input').map((el) => el.type);
  for (const key of buttons) keys[key] = all('.st-key-' + key + ' button').map(() => 'button');
  const elements = {};
  for (const testid of ['stDataFrame', 'stTable', 'stPlotlyChart', 'stMetric', 'stExpander', 'stDownloadButton']) {
    elements[testid] = document.querySelectorAll('[data-testid="' + testid + '"]').length;
  }
  return {
    keys,
    fields: main.querySelectorAll('[data-testid="stTextInput"], [data-testid="stTextArea"]').length,
    headings: Array.from(main.querySelectorAll('h1, h2, h3')).map((h) => h.innerText.trim()),
    elements,
    text: document.body.innerText,
  };
}"""
_WORDS = (
    "lantern",
    "orchard",
    "velvet",
    "compass",
    "glacier",
    "harbour",
    "meadow",
    "quartz",
    "saddle",
    "tundra",
)


@dataclass
class Account:
    """A staff member made with the CLI: what they type, and the secret in their authenticator."""

    email: str
    password: str
    role: str
    secret: str
    last_step: int | None = None

    def next_code(self) -> str:
        """A code the server takes now: a time step after the last one used (a code is good once),
        at most one step ahead of the clock (the server allows one step of drift)."""
        totp = pyotp.TOTP(self.secret)
        while True:
            current = totp.timecode(datetime.now(UTC))
            step = current if self.last_step is None else max(current, self.last_step + 1)
            if step <= current + 1:
                break
            time.sleep(1)
        self.last_step = step
        return totp.generate_otp(step)


@dataclass(frozen=True)
class StaffServer:
    """A running server and what the CLI needs to work on its database."""

    url: str
    database: Path
    field_key: str

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"


def _env(database_url: str, field_key: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "IOP_ENV": "development", "IOP_FIELD_KEY": field_key}
    env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)
    return env


@contextmanager
def staff_server(folder: Path) -> Iterator[StaffServer]:
    """``streamlit run app.py`` on a fresh SQLite database in ``folder``, as driver.streamlit_server
    starts it (through driver.run_app), but with a field key the CLI can share: TOTP secrets are encrypted with it, so
    accounts made by the CLI under another key could not sign in (driver.streamlit_server draws a
    key of its own and does not tell it)."""
    from cryptography.fernet import Fernet

    unstarted = StaffServer("", folder / "staff.db", Fernet.generate_key().decode())
    with run_app(_env(unstarted.database_url, unstarted.field_key), folder / "server.log") as base_url:
        yield StaffServer(base_url, unstarted.database, unstarted.field_key)


def _start_cli(server: StaffServer, args: tuple[str, ...], stdin: str | None) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", *args],
        cwd=APP_ROOT,
        env=_env(server.database_url, server.field_key),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(stdin or "")  # a line or two: fits the pipe's buffer, never blocks
    process.stdin.close()
    process.stdin = None  # so communicate() does not flush it again
    return process


def _finish_cli(process: subprocess.Popen[str], args: tuple[str, ...]) -> str:
    """Wait for a CLI run; its standard output, or fail the test on a non-zero exit."""
    try:
        out, err = process.communicate(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, f"python -m intake {' '.join(args)} exited {process.returncode}:\n{err}"
    return out


def run_cli(server: StaffServer, *args: str, stdin: str | None = None) -> str:
    """``python -m intake ARGS`` against the server's database and key; its standard output."""
    return _finish_cli(_start_cli(server, args, stdin), args)


def strong_password() -> str:
    """Four unrelated words and a random tail: 15+ characters, on no list of common passwords."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return " ".join(words) + " " + secrets.token_hex(3)


def add_accounts(server: StaffServer, *members: tuple[str, str]) -> list[Account]:
    """``python -m intake staff add EMAIL --role ROLE --password-stdin`` for each (email, role), all
    at once (each run is mostly start-up and one argon2 hash); the TOTP secret is what it prints."""
    runs = []
    for email, role in members:
        password = strong_password()
        args = ("staff", "add", email, "--role", role, "--password-stdin")
        runs.append((email, role, password, args, _start_cli(server, args, password + "\n")))
    accounts = []
    for email, role, password, args, process in runs:
        secret = _finish_cli(process, args).strip()
        assert re.fullmatch(r"[A-Z2-7]{16,}", secret), f"not a base32 TOTP secret: {secret!r}"
        accounts.append(Account(email, password, role, secret))
    return accounts


def add_account(server: StaffServer, email: str, role: str) -> Account:
    return add_accounts(server, (email, role))[0]


def import_screens(server: StaffServer, screens: Iterable[dict]) -> None:
    """Import these screens (dicts with respondent, answers, submitted_at, submission_key)."""
    lines = [json.dumps(screen) for screen in screens]
    path = server.database.with_name(f"import-{secrets.token_hex(4)}.jsonl")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_cli(server, "import", "--format", "jsonl", str(path))
    assert out.strip().startswith(f"{len(lines)} stored, 0 refused"), out


def references_by_key(server: StaffServer) -> dict[str, str]:
    """submission_key -> reference of every stored screen, read straight from the SQLite file."""
    with closing(sqlite3.connect(f"file:{server.database}?mode=ro", uri=True)) as conn:
        return dict(conn.execute("SELECT submission_key, reference FROM screens").fetchall())


class StaffMember(Participant):
    """One person at the staff pages in one browser page."""

    def __init__(self, page: Page, base_url: str, account: Account | None = None) -> None:
        super().__init__(page, base_url)
        self.account = account

    def input(self, key: str) -> Locator:
        return self.page.locator(f"{key_class(key)} input, {key_class(key)} textarea")

    @property
    def main(self) -> Locator:
        return self.page.locator('[data-testid="stMain"]')

    @property
    def login_error(self) -> Locator:
        return self.main.locator('[data-testid="stAlertContentError"]')

    def submit_sign_in(self, email: str, password: str, code: str = "") -> None:
        self.input(EMAIL_KEY).fill(email)
        self.input(PASSWORD_KEY).fill(password)
        self.input(TOTP_KEY).fill(code)
        self.click(self.button(SUBMIT_KEY))

    def sign_in(self, account: Account | None = None) -> None:
        """Email, password and a fresh code (no enrolment step: a code is given at once); lands on
        the queue."""
        account = account or self.account
        assert account is not None
        self.submit_sign_in(account.email, account.password, account.next_code())
        self.expect_queue()

    def sign_out(self) -> None:
        self.click(self.button(SIGNOUT_KEY))

    def expect_queue(self) -> None:
        expect(self.main.get_by_role("heading", name="Intake queue")).to_be_visible()
        expect(self.page).to_have_url(re.compile(r"/staff_queue$"))

    def expect_sign_in_only(self, *hidden: str) -> None:
        """The sign-in form and nothing of the workspace: no staff page heading, table, chart,
        metric or sign-out button, no other input, no reference number, none of ``hidden``."""
        expect(self.main.get_by_role("heading", name="Staff sign-in")).to_be_visible()
        for key in (EMAIL_KEY, PASSWORD_KEY, TOTP_KEY):
            expect(self.input(key)).to_be_visible()
        seen = self.page.evaluate(
            _SIGN_IN_PAGE_JS, [[EMAIL_KEY, PASSWORD_KEY, TOTP_KEY], [SUBMIT_KEY, SIGNOUT_KEY]]
        )
        problems = []
        for key, kind in ((EMAIL_KEY, "text"), (PASSWORD_KEY, "password"), (TOTP_KEY, "text")):
            if seen["keys"][key] != [kind]:
                problems.append(f"{key}: {seen['keys'][key]} (want one visible {kind} input)")
        if seen["keys"][SUBMIT_KEY] != ["button"]:
            problems.append(f"{SUBMIT_KEY}: {seen['keys'][SUBMIT_KEY]}")
        if seen["keys"][SIGNOUT_KEY]:
            problems.append("a sign-out button")
        if seen["fields"] != 3:  # the form's three: no reference box, filter or note field
            problems.append(f"{seen['fields']} text fields")
        problems += [f"heading {h!r}" for h in seen["headings"] if h in WORKSPACE_TITLES]
        problems += [f"{testid} x{n}" for testid, n in seen["elements"].items() if n]
        problems += [f"a reference: {m.group(0)}" for m in REFERENCE_PATTERN.finditer(seen["text"])]
        problems += [f"{word!r} shown" for word in hidden if word in seen["text"]]
        assert not problems, f"not the sign-in form alone at {self.page.url}: {problems}\n{seen['text']}"

    # -- moving around in one session --------------------------------------------------------
    def go_to(self, title: str) -> None:
        """Open a staff page from the "Intake staff" menu at the top."""
        self.page.get_by_test_id("stTopNavSection").filter(has_text=STAFF_MENU).click()
        self.click(self.page.get_by_test_id("stTopNavDropdownLink").filter(has_text=title))

    def staff_menu(self) -> list[str]:
        """The page titles in the "Intake staff" menu (which is then closed again)."""
        self.page.get_by_test_id("stTopNavSection").filter(has_text=STAFF_MENU).click()
        links = self.page.get_by_test_id("stTopNavDropdownLink")
        expect(links.first).to_be_visible()
        titles = [text.splitlines()[-1].strip() for text in links.all_inner_texts()]
        self.page.keyboard.press("Escape")
        expect(links).to_have_count(0)
        return titles

    def visit(self, path: str) -> None:
        """Go to ``path`` in this same session, as an address typed into a single-page app would be
        (the history entry changes, the page is not reloaded, so session state stays)."""
        since = self.runs_finished
        self.page.evaluate(
            """(path) => { history.pushState({}, '', path); dispatchEvent(new PopStateEvent('popstate', {state: {}})); }""",
            path,
        )
        self.wait_runs(since, f"visiting {path}")

    def back_in_history(self) -> None:
        """The browser's Back button (Streamlit keeps the session: no reload)."""
        since = self.runs_finished
        self.page.go_back()
        self.wait_runs(since, "going back")

    # -- widgets ------------------------------------------------------------------------------
    def choose(self, key: str, option: str) -> None:
        """Pick ``option`` in the select box with this key."""
        self.page.locator(key_class(key)).get_by_role("combobox").click()
        self.click(self.page.get_by_role("option", name=option, exact=True))

    def press_enter(self, key: str) -> None:
        since = self.runs_finished
        self.input(key).press("Enter")
        self.wait_runs(since, f"pressing Enter in {key}")

    def wait_rendered(self) -> None:
        """Wait until lazily loaded elements (tables, metrics, code) have replaced their skeletons."""
        self.page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')")
        self.page.evaluate("() => document.fonts.ready")

    # -- st.dataframe (a canvas grid; its cells are read from the grid's accessible table) ----
    # A dataframe with a key gets its .st-key- class only when it is selectable (a widget); pass
    # key=None for the one grid of the page.
    def grid(self, key: str | None) -> Locator:
        scope = self.page.locator(key_class(key)) if key else self.main
        return scope.locator("table[role='grid']")

    def grid_rows(self, key: str | None, count: int) -> list[list[str]]:
        """The header and the ``count`` rows of this st.dataframe (waits for them)."""
        grid = self.grid(key)
        expect(grid).to_have_count(1)
        expect(grid.locator("tbody tr")).to_have_count(count)
        return grid.evaluate(
            """(table) => Array.from(table.querySelectorAll('tr')).map((tr) =>
                 Array.from(tr.querySelectorAll('th, td')).map((cell) => cell.textContent.trim()))"""
        )

    def select_row(self, key: str, index: int) -> None:
        """Click the row marker at the left of row ``index`` (rows are drawn on a canvas)."""
        expect(self.grid(key).locator("tbody tr")).not_to_have_count(0)
        canvas = self.page.locator(f"{key_class(key)} canvas").first
        box = canvas.bounding_box()
        assert box is not None
        since = self.runs_finished
        self.page.mouse.click(box["x"] + GRID_MARKER_X, box["y"] + GRID_ROW_HEIGHT * (index + 1.5))
        self.wait_runs(since, f"selecting row {index} of {key}")
