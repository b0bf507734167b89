"""What a load balancer, an orchestrator and a made-up header get from a real ``streamlit run``
server (issue 10, section 6): readiness that tells the truth, what /_stcore/metrics gives away,
and a client address that a visitor cannot choose. docs/deployment.md and docs/settings.md say
the same for operators.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from tests.support.browser_driver import Participant, free_port, run_app

pytestmark = pytest.mark.e2e

READY = "/_stcore/script-health-check"
LIVE = "/_stcore/health"
METRICS = "/_stcore/metrics"
TOO_MANY = "Too many wrong resume codes"
NO_MATCH = "No saved screen matches this code"
WRONG_CODE = "2222-2222-2223"
# Few allowed failures, so a handful of browser pages shows whether a limit was reached.
MAX_FAILURES = 2


@contextmanager
def server(folder: Path, **settings: str | None) -> Iterator[str]:
    """A server of its own, in development on a fresh SQLite file unless ``settings`` say
    otherwise (None removes a variable)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'iop.db'}",
        "IOP_ENV": "development",
        "IOP_FIELD_KEY": Fernet.generate_key().decode(),
        "IOP_RESUME_MAX_FAILURES": str(MAX_FAILURES),
    }
    env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    with run_app(env, folder / "server.log") as url:
        yield url


def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a plain GET, as a probe or a curious visitor gets it."""
    try:
        with urllib.request.urlopen(url, timeout=90) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


# --- Readiness -------------------------------------------------------------------------------

MISCONFIGURED = {
    "production without IOP_FIELD_KEY": {
        "IOP_ENV": "production",
        "IOP_FIELD_KEY": None,
        "STREAMLIT_SERVER_COOKIE_SECRET": "c" * 40,
    },
    "production without a cookie secret": {"IOP_ENV": "production"},
    "a database that cannot be reached": {"DATABASE_URL": "postgresql://iop@127.0.0.1:{closed}/iop"},
}


@pytest.mark.parametrize("case", list(MISCONFIGURED))
def test_a_server_that_refuses_to_serve_is_not_ready(case: str, tmp_path: Path) -> None:
    """BUG (issue 10): /_stcore/health answered ``ok`` while every page refused for a missing
    secret, so a load balancer kept sending people to a broken server. There was no readiness
    check at all (/_stcore/script-health-check was off, so it answered 200 with the app's page)."""
    settings = {k: v.format(closed=free_port()) if v else v for k, v in MISCONFIGURED[case].items()}
    with server(tmp_path, **settings) as url:
        status, _, body = get(url + READY)
        assert (status, body) == (503, "error"), (status, body[:200])
        # Streamlit's liveness check still says the process is up: it is not the one to use.
        assert get(url + LIVE)[0] == 200


def test_a_configured_server_is_ready_and_tells_the_probe_nothing_else(tmp_path: Path) -> None:
    with server(tmp_path) as url:
        status, _, body = get(url + READY)
        assert (status, body) == (200, "ok")
        status, _, body = get(url + LIVE)
        assert (status, body) == (200, "ok")


# --- Metrics ---------------------------------------------------------------------------------

# Streamlit's own families: counts of connections and their duration, and cache sizes per cached
# function. No per-user labels: server.unsafeMetricsUserAttributes stays unset.
METRIC_FAMILIES = {"session_events", "session_duration_seconds", "active_sessions", "cache_memory_bytes"}
METRIC_LABELS = {"type", "cache_type", "cache"}


def test_metrics_are_public_and_hold_counts_only(new_context, tmp_path: Path) -> None:
    """Streamlit 1.67 has no setting that turns /_stcore/metrics off, so anyone who can reach
    the server reads it; docs/deployment.md has the proxy refuse it. What it gives away is
    counted here: if a Streamlit upgrade adds anything about a visitor, this fails."""
    with server(tmp_path, IOP_TRUSTED_PROXIES="1") as url:
        visitor = Participant(
            new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.77"}).new_page(), url
        )
        visitor.open()
        visitor.resume(WRONG_CODE)
        status, content_type, body = get(url + METRICS)
    assert status == 200 and content_type.startswith("application/openmetrics-text")
    families = set(re.findall(r"^# TYPE (\S+)", body, re.M))
    assert families and families <= METRIC_FAMILIES, families
    for secret in ("198.51.100.77", WRONG_CODE, "resume", "@"):
        assert secret not in body
    labels = {name for braces in re.findall(r"\{(.*?)\}", body) for name in re.findall(r"(\w+)=", braces)}
    assert labels <= METRIC_LABELS, labels


# --- The client address ----------------------------------------------------------------------


def try_wrong_code(new_context, url: str, forwarded_for: str) -> str:
    """One wrong resume code from a fresh browser whose requests carry this X-Forwarded-For;
    returns the message shown."""
    person = Participant(new_context(extra_http_headers={"X-Forwarded-For": forwarded_for}).new_page(), url)
    person.open()
    person.resume(WRONG_CODE)
    problem = person.page.get_by_text(re.compile(f"{TOO_MANY}|{NO_MATCH}"))
    expect(problem).to_be_visible()
    return problem.inner_text()


def test_without_a_proxy_a_made_up_header_does_not_pick_the_rate_limit_bucket(new_context, tmp_path: Path):
    """BUG (issue 10): with IOP_TRUSTED_PROXIES=0 Streamlit's web server still took the address
    from X-Forwarded-For for connections from this machine: 100 wrong codes from 20 forged
    addresses, none blocked. Every one of these browsers connects from here; whatever each
    claims, they share one limit."""
    with server(tmp_path, IOP_TRUSTED_PROXIES="0") as url:
        shown = [try_wrong_code(new_context, url, f"198.51.100.{n}") for n in range(MAX_FAILURES + 1)]
    assert all(NO_MATCH in s for s in shown[:MAX_FAILURES]), shown
    assert TOO_MANY in shown[-1], shown


def test_behind_one_proxy_the_address_it_appended_is_the_bucket(new_context, tmp_path: Path):
    """With IOP_TRUSTED_PROXIES=1 the test plays the proxy: it appends the address it saw to
    whatever the browser wrote. Made-up entries before it change nothing; another appended
    address is another person."""
    with server(tmp_path, IOP_TRUSTED_PROXIES="1") as url:
        same_person = [
            try_wrong_code(new_context, url, f"10.0.0.{n}, 198.51.100.7") for n in range(MAX_FAILURES + 1)
        ]
        someone_else = try_wrong_code(new_context, url, "10.0.0.1, 198.51.100.8")
    assert all(NO_MATCH in s for s in same_person[:MAX_FAILURES]), same_person
    assert TOO_MANY in same_person[-1], same_person
    assert NO_MATCH in someone_else
