"""Unfinished screens saved server-side under a resume code the participant writes down."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from intake import clock
from intake.codes import ALPHABET, group, random_symbols
from intake.db import KeepChanges, rows_changed
from intake.models import RESPONDENTS, Draft, ResumeAttempt
from intake.settings import get_settings
from scoring.languages import SOURCE, languages

CODE_LENGTH = 12  # 12 symbols of 32 = 60 bits


class DraftNotFound(KeepChanges, LookupError):
    """No live draft has this code (wrong, expired or already submitted). The failed try recorded
    for rate limiting is committed by ``write_session`` even as this propagates."""


class TooManyAttempts(RuntimeError):
    def __init__(self, retry_at: datetime) -> None:
        super().__init__("Too many wrong resume codes. Please wait a few minutes and try again.")
        self.retry_at = retry_at


@dataclass(frozen=True)
class DraftView:
    code: str
    respondent: str
    answers: dict[str, Any]
    step: str
    consent_version: str
    consented_at: datetime
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    language: str = SOURCE


def new_code() -> str:
    """A fresh resume code shown as XXXX-XXXX-XXXX."""
    return group(random_symbols(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """Accept what people type (lower case, spaces, dashes); return the code as XXXX-XXXX-XXXX."""
    symbols = "".join(ch for ch in text.upper() if ch not in " -\t")
    bad = sorted({ch for ch in symbols if ch not in ALPHABET})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        hint = " (codes use no 0, 1, I or O)" if set(bad) & set("01IO") else ""
        raise ValueError(f"A resume code cannot contain {shown}{hint}.")
    if len(symbols) != CODE_LENGTH:
        raise ValueError(f"A resume code has {CODE_LENGTH} letters and digits; this one has {len(symbols)}.")
    return group(symbols)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _live(session: Session, code: str, now: datetime) -> Draft | None:
    return session.scalar(select(Draft).where(Draft.code_hash == _hash(code), Draft.expires_at > now))


def _view(code: str, d: Draft) -> DraftView:
    return DraftView(
        code,
        d.respondent,
        d.answers,
        d.step,
        d.consent_version,
        d.consented_at,
        d.created_at,
        d.updated_at,
        d.expires_at,
        d.language,
    )


# The two writes of a draft, built once: a save runs at every step of every screen. Core
# statements, not ORM objects or an ORM update built per call: loading a draft would decrypt
# answers about to be replaced, and the ORM's unit of work and a fresh statement's cache key cost
# more than the write itself. Values still take their columns' types, so answers are encrypted.
_drafts = Draft.__table__
# What a save writes over: everything but the key, the code and the creation time. A column added
# to drafts joins the UPDATE, and a save that does not give it fails at once.
_SAVED_COLUMNS = tuple(c.name for c in _drafts.c if c.name not in ("id", "code_hash", "created_at"))
_UPDATE_LIVE = (
    update(_drafts)
    .where(_drafts.c.code_hash == bindparam("hash"), _drafts.c.expires_at > bindparam("now"))
    .values({name: bindparam(f"new_{name}") for name in _SAVED_COLUMNS})
)
_INSERT = insert(_drafts)


def save_draft(
    session: Session,
    *,
    code: str | None = None,
    respondent: str,
    answers: dict[str, Any],
    step: str,
    consent_version: str,
    consented_at: datetime,
    now: datetime | None = None,
    language: str = SOURCE,
) -> str:
    """Create a draft (no code) or update the one with ``code``; returns the code. Each save pushes
    the expiry IOP_DRAFT_TTL_DAYS ahead. ``language``: the one the person answers in, which a
    resume brings back."""
    now = clock.resolve(now)
    if respondent not in RESPONDENTS:
        raise ValueError(f"respondent must be one of {', '.join(RESPONDENTS)}")
    if language not in languages().codes:
        raise ValueError(f"language must be one of {', '.join(languages().codes)}")
    saved = {
        "respondent": respondent,
        "language": language,
        "answers": answers,
        "step": step,
        "consent_version": consent_version,
        "consented_at": clock.resolve(consented_at),
        "updated_at": now,
        "expires_at": now + timedelta(days=get_settings().iop_draft_ttl_days),
    }
    if code is not None:
        code = normalize_code(code)
        params = {"hash": _hash(code), "now": now, **{f"new_{name}": value for name, value in saved.items()}}
        if rows_changed(session, _UPDATE_LIVE, params) != 1:
            raise DraftNotFound("This draft has expired or was already submitted.")
        return code
    code = new_code()
    session.execute(_INSERT, {"code_hash": _hash(code), "created_at": now, **saved})
    return code


def load_draft(session: Session, code: str, client_key: str, *, now: datetime | None = None) -> DraftView:
    """The draft for ``code``. Raises ValueError (malformed code, not counted), DraftNotFound (counted
    against ``client_key``) or TooManyAttempts once a client has IOP_RESUME_MAX_FAILURES wrong codes
    inside IOP_RESUME_WINDOW_MINUTES; then even a right code waits until the window has passed.
    Run it in a write session: wrong codes are recorded."""
    now = clock.resolve(now)
    settings = get_settings()
    window = timedelta(minutes=settings.iop_resume_window_minutes)
    client = _hash(f"resume:{client_key}")
    _serialise_client(session, client)
    count, oldest = session.execute(
        select(func.count(), func.min(ResumeAttempt.at)).where(
            ResumeAttempt.client_hash == client, ResumeAttempt.at > now - window
        )
    ).one()
    if count >= settings.iop_resume_max_failures:
        # Refused tries are not recorded, so the block lifts when the oldest failure leaves the window.
        raise TooManyAttempts(retry_at=oldest + window)
    code = normalize_code(code)
    draft = _live(session, code, now)
    if draft is None:
        session.add(ResumeAttempt(client_hash=client, at=now))
        session.flush()
        raise DraftNotFound("No saved screen matches this code. Check it, or it may have expired.")
    return _view(code, draft)


# The first key of PostgreSQL's two-key advisory locks: a namespace for resume-code clients, apart
# from the single-key lock that migrations take. Any constant will do, the same in every process.
RESUME_LOCK_SPACE = 0x2E5E
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")


def _serialise_client(session: Session, client: str) -> None:
    """Make one client's tries take turns until this transaction ends, so a count and the failure
    recorded after it cannot interleave with another try's. SQLite needs nothing: a write session
    holds the database's write lock from BEGIN. On PostgreSQL, tries at once would all count the
    same committed failures and all be let through; a transaction-scoped advisory lock on the
    client lines them up (two clients whose keys collide merely take turns too). The count after
    it sees the tries committed meanwhile because PostgreSQL's default READ COMMITTED gives each
    statement a fresh snapshot (docs/deployment.md says to keep it)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int(client[:8], 16) - 2**31  # a signed 32-bit integer, as the two-key form takes
    session.execute(_ADVISORY_LOCK, {"space": RESUME_LOCK_SPACE, "key": key})


def delete_draft(session: Session, code: str) -> bool:
    """Remove the draft (after submission). True if there was one."""
    return bool(rows_changed(session, delete(Draft).where(Draft.code_hash == _hash(normalize_code(code)))))
