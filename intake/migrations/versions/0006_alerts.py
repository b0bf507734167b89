"""Alerts: an outbox of staff alerts, the routes they go to, the admin's policy, escalation checks.

An urgent or same-day screen must reach a person, not wait for someone to watch the queue. Alert
rows are written in the transaction that stores their screen and delivered by a separate worker
(``python -m intake alerts --watch``); nothing in them is health information. Staff get a switch
for their own email alerts (on for everyone already here).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Written out, not imported: a migration must keep doing what it did when the vocabularies change.
ROUTE_KINDS = "kind IN ('urgent', 'same_day', 'all', 'escalation')"
ALERT_KINDS = "kind IN ('urgent', 'same_day', 'all', 'escalation', 'test')"
CHANNELS = "channel IN ('email', 'webhook')"
STATES = "state IN ('queued', 'sending', 'retrying', 'sent', 'given_up')"
OUTCOMES = "outcome IN ('escalated', 'opened')"


def upgrade() -> None:
    # A plain ADD COLUMN, and its default left in place: on SQLite, dropping the default would
    # rebuild the staff table, and dropping the old one cascades through staff_sessions.
    op.add_column("staff", sa.Column("email_alerts", sa.Boolean(), nullable=False, server_default=sa.true()))

    op.create_table(
        "alert_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.String(2048), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.CheckConstraint(ROUTE_KINDS, name=op.f("ck_alert_routes_kind")),
        sa.CheckConstraint(CHANNELS, name=op.f("ck_alert_routes_channel")),
        sa.PrimaryKeyConstraint("id", name="pk_alert_routes"),
        sa.UniqueConstraint("kind", "channel", "target", name="uq_alert_routes_kind_channel_target"),
    )
    op.create_table(
        "alert_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiet_from_hour", sa.SmallInteger(), nullable=True),
        sa.Column("quiet_until_hour", sa.SmallInteger(), nullable=True),
        sa.Column("same_day_escalate_hour", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_alert_policy_single_row")),
        sa.CheckConstraint("quiet_from_hour BETWEEN 0 AND 23", name=op.f("ck_alert_policy_quiet_from_hour")),
        sa.CheckConstraint(
            "quiet_until_hour BETWEEN 0 AND 23", name=op.f("ck_alert_policy_quiet_until_hour")
        ),
        sa.CheckConstraint(
            "same_day_escalate_hour BETWEEN 0 AND 23", name=op.f("ck_alert_policy_same_day_escalate_hour")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_policy"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("screen_id", sa.String(36), nullable=True),
        sa.Column("reference", sa.String(16), nullable=True),
        sa.Column("submitted_at", TS, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.String(2048), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("idempotency_key", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.CheckConstraint(ALERT_KINDS, name=op.f("ck_alerts_kind")),
        sa.CheckConstraint(CHANNELS, name=op.f("ck_alerts_channel")),
        sa.CheckConstraint(STATES, name=op.f("ck_alerts_state")),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_alerts_screen_id_screens", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("idempotency_key", name="uq_alerts_idempotency_key"),
    )
    op.create_index("ix_alerts_screen_id", "alerts", ["screen_id"])
    op.create_index("ix_alerts_state_due", "alerts", ["state", "next_attempt_at"])
    op.create_table(
        "escalation_checks",
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("done_at", TS, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.CheckConstraint(OUTCOMES, name=op.f("ck_escalation_checks_outcome")),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_escalation_checks_screen_id_screens", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("screen_id", name="pk_escalation_checks"),
    )
    op.create_index("ix_escalation_checks_done_due", "escalation_checks", ["done_at", "due_at"])


def downgrade() -> None:
    op.drop_table("escalation_checks")
    op.drop_table("alerts")
    op.drop_table("alert_policy")
    op.drop_table("alert_routes")
    # SQLite 3.35+ drops a column in place (no table rebuild, so no cascade).
    op.drop_column("staff", "email_alerts")
