"""A half-set SMTP configuration stops the worker at start, naming the variable to set, rather
than failing alert after alert hours later. Run as intake IT runs it: ``python -m intake alerts``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMTP = {"IOP_SMTP_HOST": "127.0.0.1", "IOP_SMTP_PORT": "2525", "IOP_SMTP_SECURITY": "none"}
SENDER = {"IOP_ALERT_FROM": "intake-alerts@clinic.example", "IOP_PUBLIC_URL": "https://intake.clinic.example"}


def alerts_cli(database_url: str, settings: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``python -m intake alerts ...`` with these alert settings and no others from this process."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("IOP_SMTP_", "IOP_ALERT_")) and name != "IOP_PUBLIC_URL"
    }
    env = {**inherited, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **settings}
    return subprocess.run(
        [sys.executable, "-m", "intake", "alerts", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        (SMTP, "IOP_ALERT_FROM"),
        ({"IOP_ALERT_FROM": SENDER["IOP_ALERT_FROM"]}, "IOP_SMTP_HOST"),
        ({**SMTP, **SENDER, "IOP_SMTP_USER": "alerts"}, "IOP_SMTP_PASSWORD"),
        ({**SMTP, **SENDER, "IOP_SMTP_PASSWORD": "made-up-password"}, "IOP_SMTP_USER"),
        ({**SMTP, "IOP_ALERT_FROM": SENDER["IOP_ALERT_FROM"]}, "IOP_PUBLIC_URL"),
    ],
    ids=[
        "host-without-from",
        "from-without-host",
        "user-without-password",
        "password-without-user",
        "no-public-url",
    ],
)
def test_a_half_set_smtp_configuration_is_refused_naming_what_is_missing(database_url, settings, missing):
    done = alerts_cli(database_url, settings, "--once")
    assert done.returncode != 0
    assert done.stdout == ""
    assert f"Configuration error: {missing} must be set" in done.stderr
    assert "made-up-password" not in done.stderr  # a secret is never echoed


def test_the_worker_refuses_to_start_too_and_a_whole_configuration_runs(database_url):
    refused = alerts_cli(database_url, SMTP, "--watch")  # would run until stopped if it started
    assert refused.returncode != 0
    assert "IOP_ALERT_FROM" in refused.stderr

    whole = alerts_cli(
        database_url, {**SMTP, **SENDER, "IOP_SMTP_USER": "alerts", "IOP_SMTP_PASSWORD": "x" * 16}, "--once"
    )
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout == "0 sent, 0 to retry, 0 given up, 0 escalated\n"
