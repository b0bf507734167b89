"""Initial schema: screens and their flags, contacts, notes and status changes; drafts and resume
attempts; staff and their sessions; the append-only audit log; anonymous funnel counts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)
APPEND_ONLY = "audit_log is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_action_id", "audit_log", ["action", "id"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor", "id"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_target_id", "audit_log", ["target", "id"])
    _audit_triggers()

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("respondent", sa.String(16), nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=False),
        sa.Column("consented_at", TS, nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_drafts"),
        sa.UniqueConstraint("code_hash", name="uq_drafts_code_hash"),
    )
    op.create_index("ix_drafts_created_at", "drafts", ["created_at"])
    op.create_index("ix_drafts_expires_at", "drafts", ["expires_at"])

    op.create_table(
        "funnel_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "step", name="pk_funnel_counts"),
    )

    op.create_table(
        "resume_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_resume_attempts"),
    )
    op.create_index("ix_resume_attempts_at", "resume_attempts", ["at"])
    op.create_index("ix_resume_attempts_client_at", "resume_attempts", ["client_hash", "at"])

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("totp_secret", sa.Text(), nullable=False),
        sa.Column("totp_enrolled", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("role IN ('intake', 'admin')", name=op.f("ck_staff_role")),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("email", name="uq_staff_email"),
    )

    op.create_table(
        "screens",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("submission_key", sa.String(64), nullable=False),
        sa.Column("respondent", sa.String(16), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("disposition", sa.String(32), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=False),
        sa.Column("consented_at", TS, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("first_contact_at", TS, nullable=True),
        sa.CheckConstraint("respondent IN ('self', 'loved_one')", name=op.f("ck_screens_respondent")),
        sa.CheckConstraint(
            "status IN ('new', 'in_review', 'contacted', 'scheduled', 'admitted', 'referred_elsewhere', "
            "'closed_no_contact')",
            name=op.f("ck_screens_status"),
        ),
        sa.CheckConstraint("priority BETWEEN 0 AND 5", name=op.f("ck_screens_priority")),
        sa.ForeignKeyConstraint(
            ["assigned_to"], ["staff.id"], name="fk_screens_assigned_to_staff", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screens"),
        sa.UniqueConstraint("reference", name="uq_screens_reference"),
        sa.UniqueConstraint("submission_key", name="uq_screens_submission_key"),
    )
    order = ["priority", "submitted_at", "id"]
    op.create_index("ix_screens_queue", "screens", order)
    op.create_index("ix_screens_status_queue", "screens", ["status", *order])
    op.create_index("ix_screens_disposition_queue", "screens", ["disposition", *order])
    op.create_index("ix_screens_respondent_queue", "screens", ["respondent", *order])
    op.create_index("ix_screens_assigned_queue", "screens", ["assigned_to", *order])
    op.create_index("ix_screens_submitted_at", "screens", ["submitted_at"])

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_staff_sessions_staff_id_staff", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
    )
    op.create_index("ix_staff_sessions_created_at", "staff_sessions", ["created_at"])
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])

    op.create_table(
        "contacts",
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("best_time", sa.String(16), nullable=False),
        sa.Column("voicemail_ok", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(
            "best_time IN ('morning', 'afternoon', 'evening', 'any')", name=op.f("ck_contacts_best_time")
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_contacts_screen_id_screens", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("screen_id", name="pk_contacts"),
    )

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_notes_screen_id_screens", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_notes_staff_id_staff", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notes"),
    )
    op.create_index("ix_notes_screen_id", "notes", ["screen_id"])

    op.create_table(
        "screen_flags",
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("flag", sa.String(40), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_screen_flags_screen_id_screens", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("screen_id", "flag", name="pk_screen_flags"),
    )
    op.create_index(
        "ix_screen_flags_queue", "screen_flags", ["flag", "priority", "submitted_at", "screen_id"]
    )

    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(32), nullable=False),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_status_changes_screen_id_screens", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_status_changes_staff_id_staff", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_status_changes"),
    )
    op.create_index("ix_status_changes_screen_id", "status_changes", ["screen_id"])


def _audit_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    for table in (
        "status_changes",
        "screen_flags",
        "notes",
        "contacts",
        "staff_sessions",
        "screens",
        "staff",
        "resume_attempts",
        "funnel_counts",
        "drafts",
        "audit_log",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
