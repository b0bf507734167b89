"""The tables (SQLAlchemy 2 typed ORM). Migrations in intake/migrations must match this file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from intake.contact import BEST_TIMES
from intake.crypto import EncryptedJSON, EncryptedText
from intake.vocab import (
    EMAIL_MAX_CHARS,
    ROUTE_KINDS,
    AlertKind,
    AlertState,
    Channel,
    EscalationOutcome,
    Priority,
    Role,
    Status,
)
from scoring.languages import SOURCE
from scoring.vocab import Respondent

RESPONDENTS = tuple(Respondent)
STATUSES = tuple(Status)
ROLES = tuple(Role)
# The deferred group of a screen's sealed columns: ``undefer_group(SEALED)`` loads them at once.
SEALED = "sealed"
# Domains whose level insights charts: each has a plain ``<domain>_level`` column on screens.
CHARTED_DOMAINS = ("relapse_risk", "dual_diagnosis", "prior_care", "home_support")

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit id for the append-only log.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(column: str, values: Iterable[str]) -> str:
    # str() first: a StrEnum member's repr is not its stored string.
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    # Every model here is a plain table (no joined or select mapping), so Core statements such as
    # ``insert(Screen.__table__)`` may take it as one.
    __table__: ClassVar[Table]
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_CHARS), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str] = mapped_column(EncryptedText)
    totp_enrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Last TOTP time step accepted, so one code cannot be replayed within its window.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Their own switch: an email route to this address is skipped while it is off.
    email_alerts: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Screen(Base):
    __tablename__ = "screens"
    __table_args__ = (
        CheckConstraint(_in("respondent", RESPONDENTS), name="respondent"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(f"priority BETWEEN {int(min(Priority))} AND {int(max(Priority))}", name="priority"),
        # Every queue listing is ORDER BY priority, submitted_at, id: one index per filter keeps it a range scan.
        Index("ix_screens_queue", "priority", "submitted_at", "id"),
        Index("ix_screens_status_queue", "status", "priority", "submitted_at", "id"),
        Index("ix_screens_disposition_queue", "disposition", "priority", "submitted_at", "id"),
        Index("ix_screens_respondent_queue", "respondent", "priority", "submitted_at", "id"),
        Index("ix_screens_language_queue", "language", "priority", "submitted_at", "id"),
        Index("ix_screens_assigned_queue", "assigned_to", "priority", "submitted_at", "id"),
        Index("ix_screens_assigned_status_queue", "assigned_to", "status", "priority", "submitted_at", "id"),
        Index("ix_screens_submitted_at", "submitted_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    respondent: Mapped[str] = mapped_column(String(16))
    # The language the person answered in (locales/languages.yaml); staff read it in English.
    language: Mapped[str] = mapped_column(String(8), default=SOURCE, server_default=SOURCE)
    # Sealed like contact details: suicide-risk and substance answers must not be readable from
    # the database file or a backup. Only the review page, exports and rescore decrypt them; the
    # queue, filters and insights read the plain columns below, copied from the result on insert.
    # Deferred: loading a screen to change its status or add a note leaves them sealed.
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, deferred=True, deferred_group=SEALED)
    result: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, deferred=True, deferred_group=SEALED)
    disposition: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(SmallInteger)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_version: Mapped[str] = mapped_column(String(32))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rules_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(32), default=Status.NEW)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The levels of the domains insights charts (``CHARTED_DOMAINS``), NULL when the result has
    # none (a screen stopped early at an urgent answer).
    relapse_risk_level: Mapped[str | None] = mapped_column(String(32))
    dual_diagnosis_level: Mapped[str | None] = mapped_column(String(32))
    prior_care_level: Mapped[str | None] = mapped_column(String(32))
    home_support_level: Mapped[str | None] = mapped_column(String(32))


class ScreenFlag(Base):
    """One row per flag; priority and submitted_at are copied so a flag filter pages through its
    own index in queue order. Priority changes only when a screen is re-scored, which rewrites
    the screen's flag rows in the same transaction (``intake.results.replace_result``)."""

    __tablename__ = "screen_flags"
    __table_args__ = (Index("ix_screen_flags_queue", "flag", "priority", "submitted_at", "screen_id"),)

    screen_id: Mapped[str] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True)
    flag: Mapped[str] = mapped_column(String(40), primary_key=True)
    priority: Mapped[int] = mapped_column(SmallInteger)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScreenResult(Base):
    """A result a screen no longer shows: kept when ``python -m intake rescore`` replaced it with
    one from newer rules, so what staff saw before stays on record (and goes with the screen)."""

    __tablename__ = "screen_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[str] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), index=True)
    rules_version: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who ran the re-score, as the audit log names actors ("cli", or a staff id).
    replaced_by: Mapped[str] = mapped_column(String(64))


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (CheckConstraint(_in("best_time", BEST_TIMES), name="best_time"),)

    screen_id: Mapped[str] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    best_time: Mapped[str] = mapped_column(String(16))
    voicemail_ok: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[str] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # Staff write names and phone calls into notes, so they are encrypted like contacts.
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen_id: Mapped[str] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    respondent: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default=SOURCE, server_default=SOURCE)
    consent_version: Mapped[str] = mapped_column(String(32))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    step: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ResumeAttempt(Base):
    """A wrong resume code, keyed by a hash of the client key; no code or answers."""

    __tablename__ = "resume_attempts"
    __table_args__ = (Index("ix_resume_attempts_client_at", "client_hash", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEntry(Base):
    """Append-only: triggers created by the migration refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action_id", "action", "id"),
        Index("ix_audit_log_actor_id", "actor", "id"),
        Index("ix_audit_log_target_id", "target", "id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict[str, Any])


class FunnelCount(Base):
    """Anonymous counts per day and step: no ids, nothing to link back to a person."""

    __tablename__ = "funnel_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    step: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class KeyCheck(Base):
    """The fingerprint of the field key this database is written under (one row, never the key):
    a process whose IOP_FIELD_KEY does not hold that key refuses to start (``intake.crypto``)."""

    __tablename__ = "key_check"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Longest webhook URL a route keeps (Teams' incoming webhook URLs run to about 300 characters).
ROUTE_TARGET_MAX_CHARS = 2048
ALERT_ERROR_MAX_CHARS = 300


class AlertRoute(Base):
    """Who is alerted for which kind of screen: an email address or a webhook URL. Set by an
    admin (the Alerts page or ``python -m intake alerts route add``), never in code."""

    __tablename__ = "alert_routes"
    __table_args__ = (
        CheckConstraint(_in("kind", ROUTE_KINDS), name="kind"),
        CheckConstraint(_in("channel", tuple(Channel)), name="channel"),
        UniqueConstraint("kind", "channel", "target", name="uq_alert_routes_kind_channel_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(ROUTE_TARGET_MAX_CHARS))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class AlertPolicy(Base):
    """The admin's alert settings (one row; absent means the defaults in intake.alerts.policy)."""

    __tablename__ = "alert_policy"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("quiet_from_hour BETWEEN 0 AND 23", name="quiet_from_hour"),
        CheckConstraint("quiet_until_hour BETWEEN 0 AND 23", name="quiet_until_hour"),
        CheckConstraint("same_day_escalate_hour BETWEEN 0 AND 23", name="same_day_escalate_hour"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Quiet hours (clinic time, IOP_CLINIC_TIMEZONE) hold back same-day and every-screen alerts
    # until they end; both NULL means none. Urgent alerts and escalations never wait.
    quiet_from_hour: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_until_hour: Mapped[int | None] = mapped_column(SmallInteger)
    # A same-day screen not opened by this hour (clinic time) alerts the escalation list.
    same_day_escalate_hour: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class Alert(Base):
    """The outbox: one row per message to send, written in the transaction that stores its screen.
    Holds what the message says (a reference and the time submitted), never answers or contact
    details. Workers claim due rows (``intake.alerts.worker``)."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(_in("kind", tuple(AlertKind)), name="kind"),
        CheckConstraint(_in("channel", tuple(Channel)), name="channel"),
        CheckConstraint(_in("state", tuple(AlertState)), name="state"),
        Index("ix_alerts_state_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # NULL for a test alert. Deleted with its screen (purge).
    screen_id: Mapped[str | None] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str | None] = mapped_column(String(16))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(ROUTE_TARGET_MAX_CHARS))
    state: Mapped[str] = mapped_column(String(16), default=AlertState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # While SENDING: the worker holding it, and when another may take it over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(ALERT_ERROR_MAX_CHARS))
    # Sent as the email's Message-ID and the webhook's Idempotency-Key: a resend after a crash
    # carries the same key, so the receiver can tell it is the same alert.
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EscalationCheck(Base):
    """An urgent or same-day screen's pending escalation, written with the screen: at ``due_at``
    a worker alerts the escalation list unless staff have opened the screen's review page."""

    __tablename__ = "escalation_checks"
    __table_args__ = (
        CheckConstraint(_in("outcome", tuple(EscalationOutcome)), name="outcome"),
        # Pending checks are done_at IS NULL: a range scan on due_at within them.
        Index("ix_escalation_checks_done_due", "done_at", "due_at"),
    )

    screen_id: Mapped[str] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
