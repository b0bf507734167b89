"""The Streamlit settings that operations rely on (docs/deployment.md, "Health and metrics")."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def server_config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]


def test_the_readiness_check_is_served():
    # /_stcore/script-health-check: 503 while the app refuses to serve (ui/readiness.py).
    assert server_config()["scriptHealthCheckEnabled"] is True


def test_metrics_carry_no_visitor_attributes_and_no_agent_api_is_served():
    server = server_config()
    assert not server.get("unsafeMetricsUserAttributes")
    assert server["enableAgentApi"] is False
