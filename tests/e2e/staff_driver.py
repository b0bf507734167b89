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

from ui.staff_auth import EMAIL_KEY, PASSWORD_KEY, SIGNOUT_KEY, SUBMIT_KEY, TOTP_KEY

from .driver import APP_ROOT, REFERENCE_PATTERN, Participant, _wait_healthy, free_port, key_class

# Every staff page by the URL Streamlit serves it under (the file names in pages/).
STAFF_URLS = ("/staff_signin", "/staff_queue", "/staff_review", "/staff_insights", "/staff_audit", "/staff_accounts")
ADMIN_URLS = ("/staff_audit", "/staff_accounts")
# Headings a staff page shows only past its guard.
WORKSPACE_TITLES = ("Intake queue", "Screen review", "Insights", "Audit log", "Staff accounts")
CLI_TIMEOUT = 60
_WORDS = ("lantern", "orchard", "velvet", "compass", "glacier", "harbour", "meadow", "quartz", "saddle", "tundra")


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
    starts it, but with a field key the CLI can share: TOTP secrets are encrypted with it, so
    accounts made by the CLI under another key could not sign in (driver.streamlit_server draws a
    key of its own and does not tell it)."""
    from cryptography.fernet import Fernet

    database = folder / "staff.db"
    server = StaffServer("", database, Fernet.generate_key().decode())
    port = free_port()
    command = [
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
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=APP_ROOT,
            env=_env(server.database_url, server.field_key),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(process, base_url, log_path)
        yield StaffServer(base_url, database, server.field_key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run_cli(server: StaffServer, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m intake ARGS`` against the server's database and key; fails the test on a
    non-zero exit."""
    env = _env(server.database_url, server.field_key)
    done = subprocess.run(
        [sys.executable, "-m", "intake", *args],
        cwd=APP_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"python -m intake {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
    return done


def strong_password() -> str:
    """Four unrelated words and a random tail: 15+ characters, on no list of common passwords."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return " ".join(words) + " " + secrets.token_hex(3)


def add_account(server: StaffServer, email: str, role: str) -> Account:
    password = strong_password()
    done = run_cli(server, "staff", "add", email, "--role", role, "--password-stdin", stdin=password + "\n")
    secret = done.stdout.strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), f"not a base32 TOTP secret: {secret!r}"
    return Account(email, password, role, secret)


def import_screens(server: StaffServer, screens: Iterable[dict]) -> None:
    """Import these screens (dicts with respondent, answers, submitted_at, submission_key)."""
    lines = [json.dumps(screen) for screen in screens]
    path = server.database.with_name(f"import-{secrets.token_hex(4)}.jsonl")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli(server, "import", "--format", "jsonl", str(path))
    assert done.stdout.strip().startswith(f"{len(lines)} stored, 0 refused"), done.stdout + done.stderr


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
        """The sign-in form and nothing of the workspace: no staff page heading, table, chart or
        sign-out button, no reference number, and none of ``hidden`` anywhere on the page."""
        main = self.main
        expect(main.get_by_role("heading", name="Staff sign-in")).to_be_visible()
        for key in (EMAIL_KEY, PASSWORD_KEY, TOTP_KEY):
            expect(self.input(key)).to_be_visible()
        expect(self.button(SUBMIT_KEY)).to_be_visible()
        expect(self.input(PASSWORD_KEY)).to_have_attribute("type", "password")
        expect(self.button(SIGNOUT_KEY)).to_have_count(0)
        for title in WORKSPACE_TITLES:
            expect(main.get_by_role("heading", name=title, exact=True)).to_have_count(0)
        for testid in ("stDataFrame", "stTable", "stPlotlyChart", "stMetric", "stExpander", "stDownloadButton"):
            expect(self.page.get_by_test_id(testid)).to_have_count(0)
        # Only the form's three text inputs: no reference box, filter or note field.
        expect(main.locator('[data-testid="stTextInput"], [data-testid="stTextArea"]')).to_have_count(3)
        text = self.page.locator("body").inner_text()
        assert not REFERENCE_PATTERN.search(text), f"a reference number on the sign-in page: {text!r}"
        for word in hidden:
            assert word not in text, f"{word!r} shown on the sign-in page"

    def grid_rows(self, testid_key: str) -> list[list[str]]:
        """The rows of an st.dataframe (a canvas grid) from its accessible table, header first."""
        grid = self.page.locator(f"{key_class(testid_key)} table[role='grid']")
        expect(grid).to_have_count(1)
        return grid.evaluate(
            """(table) => Array.from(table.querySelectorAll('tr')).map((tr) =>
                 Array.from(tr.querySelectorAll("th, td")).map((cell) => cell.textContent.trim()))"""
        )
