"""Readiness through the router (ui/readiness.py), in AppTest: what a visitor sees and what is
logged when the server cannot take a screen. tests/e2e/test_operations.py checks the answer a
load balancer gets from /_stcore/script-health-check on a real server."""

from __future__ import annotations

import logging
import socket

from streamlit.testing.v1 import AppTest

from tests.support import wizard_driver as d
from ui import texts

PASSWORD = "hunter2-not-logged"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_database_that_cannot_be_reached_stops_the_screen_before_it_starts(settings_env, caplog):
    """BUG (issue 10): with the database down the welcome page offered the screen as usual; the
    answers were lost at the first save. Now the visitor gets the notice (and the crisis
    numbers) instead, and no form."""
    settings_env(DATABASE_URL=f"postgresql://iop:{PASSWORD}@127.0.0.1:{closed_port()}/iop")
    caplog.set_level(logging.INFO)
    at = AppTest.from_file(d.APP, default_timeout=d.TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [str(e.value) for e in at.error]
    assert any(texts.UNAVAILABLE in e and "DATABASE_URL" in e for e in errors), errors
    for kind in ("radio", "checkbox", "button", "text_input"):
        assert not getattr(at, kind), f"the refusal shows a {kind}"
    assert any(str(m.value) == texts.CRISIS_FOOTER for m in at.markdown), "no crisis numbers"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "database unavailable" in logged
    assert PASSWORD not in logged and all(PASSWORD not in e for e in errors)


def test_a_ready_server_serves_the_welcome_page(database_env: str):
    # On SQLite and PostgreSQL: readiness reaches the database the app would save to.
    at = AppTest.from_file(d.APP, default_timeout=d.TIMEOUT).run()
    assert not at.exception and not at.error
    assert at.button(key="nav-start") is not None
