"""The alert tests' servers and settings: a real SMTP server (aiosmtpd) and a real webhook
receiver on this machine, and the settings that send alerts to them (cache cleared, so the next
``get_settings()`` reads them). The database is the shared ``database_url`` fixture: every test
runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.mailbox import Mailbox, WebhookReceiver, running_mailbox, running_webhook

from .alert_support import PUBLIC_URL, WEBHOOK_SECRET


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with running_mailbox() as box:
        yield box


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    with running_webhook(WEBHOOK_SECRET) as receiver:
        yield receiver


@pytest.fixture
def alert_env(database_env: str, mailbox: Mailbox, settings_env) -> dict[str, str]:
    """DATABASE_URL, the SMTP settings of ``mailbox`` and the webhook secret, in the environment
    and in ``get_settings()``; returns the alert settings."""
    env = {**mailbox.env(public_url=PUBLIC_URL), "IOP_ALERT_WEBHOOK_SECRET": WEBHOOK_SECRET}
    settings_env(**env)
    return env
