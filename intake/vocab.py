"""The intake workflow's vocabularies and limits, named once.

Codes are ``StrEnum`` members (priorities an ``IntEnum``): each member *is* its stored value, so
the database, exports and the command line keep exactly the strings and numbers they had.
Display labels live in ``ui`` (one place), never here.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from scoring.vocab import Disposition


class Status(StrEnum):
    """A screen's follow-up status."""

    NEW = "new"
    IN_REVIEW = "in_review"
    CONTACTED = "contacted"
    SCHEDULED = "scheduled"
    ADMITTED = "admitted"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    CLOSED_NO_CONTACT = "closed_no_contact"


# Not yet reached by intake: the wait shown in the queue counts for these.
WAITING = (Status.NEW, Status.IN_REVIEW)
# Still needing intake's work: the queue shows these unless asked otherwise.
OPEN = (Status.NEW, Status.IN_REVIEW, Status.CONTACTED, Status.SCHEDULED)
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(
        {Status.IN_REVIEW, Status.CONTACTED, Status.REFERRED_ELSEWHERE, Status.CLOSED_NO_CONTACT}
    ),
    Status.IN_REVIEW: frozenset({Status.CONTACTED, Status.REFERRED_ELSEWHERE, Status.CLOSED_NO_CONTACT}),
    Status.CONTACTED: frozenset({Status.SCHEDULED, Status.REFERRED_ELSEWHERE, Status.CLOSED_NO_CONTACT}),
    Status.SCHEDULED: frozenset({Status.ADMITTED, Status.REFERRED_ELSEWHERE, Status.CLOSED_NO_CONTACT}),
    # A closed screen can be reopened when the person gets back in touch.
    Status.ADMITTED: frozenset({Status.IN_REVIEW}),
    Status.REFERRED_ELSEWHERE: frozenset({Status.IN_REVIEW}),
    Status.CLOSED_NO_CONTACT: frozenset({Status.IN_REVIEW}),
}


class Priority(IntEnum):
    """The queue's order: lower is seen first. Stored as the int (CHECK BETWEEN 0 AND 5)."""

    URGENT = 0
    SAME_DAY = 1
    HIGHER_LEVEL = 2
    IOP = 3
    IOP_WITH_SUPPORTS = 4
    OUTPATIENT = 5


# A screen's priority comes from its disposition, except that same-day contact outranks all but
# urgent (see intake's priority_for).
PRIORITY_OF_DISPOSITION: dict[Disposition, Priority] = {
    Disposition.URGENT: Priority.URGENT,
    Disposition.HIGHER_LEVEL: Priority.HIGHER_LEVEL,
    Disposition.IOP: Priority.IOP,
    Disposition.IOP_WITH_SUPPORTS: Priority.IOP_WITH_SUPPORTS,
    Disposition.OUTPATIENT: Priority.OUTPATIENT,
}


class AuditAction(StrEnum):
    """What an audit-log row records. Stored as the string; the log is append-only."""

    ACCESS_DENIED = "access_denied"
    ACCOUNT_LOCKED = "account_locked"
    ALERT_ESCALATED = "alert_escalated"
    ALERT_FAILED = "alert_failed"
    ALERT_GIVEN_UP = "alert_given_up"
    ALERT_ROUTE_ADDED = "alert_route_added"
    ALERT_ROUTE_REMOVED = "alert_route_removed"
    ALERT_SENT = "alert_sent"
    ALERT_SETTINGS_CHANGED = "alert_settings_changed"
    ALERT_TEST_QUEUED = "alert_test_queued"
    ALERTS_SWITCHED = "alerts_switched"
    ASSIGN = "assign"
    CONTACT_VIEW = "contact_view"
    EXPORT = "export"
    IMPORT = "import"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    NOTE_ADDED = "note_added"
    PASSWORD_RESET = "password_reset"  # noqa: S105  # nosec B105  # an audit action, not a password
    PURGE = "purge"
    REKEY = "rekey"
    SCREEN_RESCORED = "screen_rescored"
    SCREEN_RESCORE_REFUSED = "screen_rescore_refused"
    SCREEN_SUBMITTED = "screen_submitted"
    SCREEN_VIEW = "screen_view"
    SESSION_EXPIRED = "session_expired"
    STAFF_ADDED = "staff_added"
    STAFF_DISABLED = "staff_disabled"
    STATUS_CHANGE = "status_change"
    TOTP_ENROLLED = "totp_enrolled"
    TOTP_ENROLMENT_SHOWN = "totp_enrolment_shown"


class Actor(StrEnum):
    """Audit actors that are not a staff member (a member is recorded by their id)."""

    SYSTEM = "system"
    CLI = "cli"
    ALERTS = "alerts"  # the alert worker (python -m intake alerts)


# Limits shared by storage, validation and the forms that collect the value.
EMAIL_MAX_CHARS = 254  # RFC 5321's longest forward path, less its angle brackets
NOTE_MAX_CHARS = 10_000
# "IOP-" and two groups of four symbols from intake.codes.ALPHABET.
REFERENCE_SYMBOLS = 8
REFERENCE_LENGTH = len("IOP-XXXX-XXXX")
# How many overdue urgent screens the queue's banner names before saying "and more".
OVERDUE_SHOWN = 20


class Role(StrEnum):
    """A staff member's role: intake staff, or an administrator (who also manages accounts)."""

    INTAKE = "intake"
    ADMIN = "admin"


class AlertKind(StrEnum):
    """Why an alert goes out, and which routes receive it (``alert_routes.kind``)."""

    URGENT = "urgent"  # an urgent screen
    SAME_DAY = "same_day"  # a screen carrying same-day contact
    ALL = "all"  # every new screen (optional)
    ESCALATION = "escalation"  # an urgent or same-day screen nobody opened in time
    TEST = "test"  # "send a test alert" on the admin page; never a screen


# Kinds a route can be added for (a test alert goes to every route).
ROUTE_KINDS = (AlertKind.URGENT, AlertKind.SAME_DAY, AlertKind.ALL, AlertKind.ESCALATION)
# Held back during quiet hours: urgent screens and escalations never wait.
QUIET_KINDS = frozenset({AlertKind.SAME_DAY, AlertKind.ALL})


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class AlertState(StrEnum):
    """An outbox row's delivery state."""

    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker until its lease runs out
    RETRYING = "retrying"  # failed; tried again at next_attempt_at
    SENT = "sent"
    GIVEN_UP = "given_up"  # a permanent failure, or out of attempts


# Rows a worker may claim (a SENDING row only once its lease has run out).
DUE_STATES = (AlertState.QUEUED, AlertState.RETRYING, AlertState.SENDING)


class EscalationOutcome(StrEnum):
    ESCALATED = "escalated"
    OPENED = "opened"  # opened in time: nothing to send
