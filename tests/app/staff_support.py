"""Shortcuts for the staff workspace tests: a movable clock, staff accounts, signed-in AppTests.

The database comes from tests/conftest.py (``database_env``: DATABASE_URL on SQLite and on
PostgreSQL); nothing is mocked. The clock is moved by replacing ``intake.clock.utcnow``, which
every time comparison in intake/ and the staff pages reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from streamlit.testing.v1 import AppTest

from intake import clock
from intake.auth import start_session
from intake.db import write_session
from intake.staff import StaffView, add_staff
from tests.support.factories import T0

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PASSWORD = "lantern orchard velvet compass"
STAFF_PAGES = (
    "pages/staff_signin.py",
    "pages/staff_queue.py",
    "pages/staff_review.py",
    "pages/staff_insights.py",
    "pages/staff_audit.py",
    "pages/staff_accounts.py",
    "pages/staff_alerts.py",
)
TIMEOUT = 30


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def freeze(monkeypatch: pytest.MonkeyPatch, start: datetime = T0 + timedelta(minutes=5)) -> Clock:
    moving = Clock(start)
    monkeypatch.setattr(clock, "utcnow", lambda: moving.now)
    return moving


def make_staff(email: str = "nurse.kim@example.org", role: str = "intake") -> tuple[StaffView, str]:
    """A staff member (in DATABASE_URL) and their TOTP secret."""
    with write_session() as session:
        return add_staff(session, email, role, PASSWORD, now=clock.utcnow())


def code_for(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def cold(page: str) -> AppTest:
    """A page run on its own, as a fresh server serves pages/ by URL before app.py's navigation."""
    return AppTest.from_file(ROOT / page, default_timeout=TIMEOUT)


def signed_in(staff: StaffView, page: str = "pages/staff_queue.py", state: dict | None = None) -> AppTest:
    """The app on ``page`` for ``staff``, with a server-side session made directly (the sign-in form
    itself is tested in test_staff_signin.py); ``state`` goes into st.session_state first."""
    with write_session() as session:
        token = start_session(session, staff)
    at = app()
    at.session_state["staff-token"] = token
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    return at


def fill_sign_in(at: AppTest, email: str, password: str, code: str = "") -> AppTest:
    at.text_input(key="login-email").input(email)
    at.text_input(key="login-password").input(password)
    at.text_input(key="login-totp").input(code)
    return at.button(key="login-submit").click().run()


def texts_of(at: AppTest) -> str:
    """Everything the page wrote as text, for 'is this shown' checks."""
    parts = []
    for kind in ("markdown", "caption", "title", "subheader", "header", "text", "error", "info", "warning"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [str(e.value) for e in at.get("code")]
    return "\n".join(parts)


def qr_codes(at: AppTest) -> list[str]:
    """The inline SVG QR codes on the page (data URIs, never /media/ files)."""
    return [i.url for e in at.get("image") for i in e.proto.imgs if i.url.startswith("data:image/svg+xml")]


def shows_sign_in_only(at: AppTest) -> bool:
    keys = {w.key for w in at.text_input} | {b.key for b in at.button}
    return (
        {"login-email", "login-password", "login-totp", "login-submit"} <= keys
        and "staff-signout" not in keys
        and not at.dataframe
        and not at.table
        and not at.get("plotly_chart")
        and not qr_codes(at)
        and not at.exception
    )
