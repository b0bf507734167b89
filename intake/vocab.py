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
