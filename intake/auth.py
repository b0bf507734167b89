"""Staff sign-in (password + TOTP, lock-out; or an OpenID Connect identity whose email the
provider verified) and server-side sessions (idle and absolute expiry; sign-out ends them all)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.crypto import is_unreadable
from intake.db import KeepChanges, rows_changed
from intake.models import Staff, StaffSession
from intake.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from intake.staff import StaffView, end_staff_sessions, find, view
from intake.vocab import Actor, AuditAction

LOCK_AFTER_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# last_seen_at is written at most this often, so a page rerun is not always a write.
TOUCH_EVERY = timedelta(seconds=60)
SIGN_IN_FAILED = (
    "That email, password and code do not match an active account. "
    f"After {LOCK_AFTER_FAILURES} failed tries an account is locked for {LOCK_FOR.seconds // 60} minutes."
)
PASSWORD_SIGN_IN_OFF = "Password sign-in is turned off here: sign in with your clinic account."  # noqa: S105  # nosec B105
# Core statements on the table: the counters change in SQL, never from a value read earlier.
_staff = Staff.__table__


class AuthFailed(KeepChanges, PermissionError):
    """Always the same message, whatever went wrong; the failure count is kept (see KeepChanges)."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_FAILED)


class PasswordSignInOff(KeepChanges, PermissionError):
    """IOP_REQUIRE_SSO is on: a password sign-in is refused (and the refusal audited) whatever
    reaches the server, not only hidden from the page."""

    def __init__(self) -> None:
        super().__init__(PASSWORD_SIGN_IN_OFF)


def oidc_email_verified(claims: Mapping[str, object]) -> bool:
    """The provider says it verified the ID token's email: ``email_verified`` is boolean true or
    the string "true" (some providers send strings). Missing, false, "False" or anything else is
    not verified: an unverified email could be anyone's, and the email is what maps to a staff
    account."""
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to (allowing one step of clock drift), or None."""
    if is_unreadable(secret):
        return None  # written under another key: this member cannot sign in until it is fixed
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def authenticate(
    session: Session, email: str, password: str, totp_code: str, *, now: datetime | None = None
) -> StaffView:
    """The staff member, or AuthFailed with one message for every failure (unknown, disabled, locked,
    wrong password or code) after comparable work. Run in ``write_session``.

    The row read first only decides what to try: the failure count, the lock and the TOTP step are
    changed by conditional UPDATEs, so sign-ins at once (PostgreSQL runs them side by side) can
    neither lose a failure nor both use one code."""
    now = clock.resolve(now)
    try:
        member = find(session, email)
    except ValueError:
        member = None
    if member is None or member.disabled:
        verify_password(dummy_hash(), password)
        audit.record(
            session,
            Actor.SYSTEM,
            AuditAction.LOGIN_FAILED,
            None if member is None else audit.staff_target(member.id),
            at=now,
            reason="unknown" if member is None else "disabled",
        )
        raise AuthFailed()
    target = audit.staff_target(member.id)
    password_ok = verify_password(member.password_hash, password)
    if member.locked_until is not None and now < member.locked_until:
        audit.record(session, Actor.SYSTEM, AuditAction.LOGIN_FAILED, target, at=now, reason="locked")
        raise AuthFailed()
    step = _totp_step(member.totp_secret, totp_code, now)
    if not password_ok or step is None or not _accept_step(session, member.id, step, now):
        _count_failure(session, member.id, now)
        raise AuthFailed()
    if needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    if not member.totp_enrolled:
        member.totp_enrolled = True
        audit.record(session, member.id, AuditAction.TOTP_ENROLLED, target, at=now)
    audit.record(session, member.id, AuditAction.LOGIN, target, at=now)
    return replace(view(member), locked_until=None)


def _open(staff_id: int, now: datetime) -> ColumnElement[bool]:
    """The member may sign in now: not disabled, not locked (as the row stands when it is written)."""
    return and_(
        _staff.c.id == staff_id,
        _staff.c.disabled.is_(False),
        or_(_staff.c.locked_until.is_(None), _staff.c.locked_until <= now),
    )


def _accept_step(session: Session, staff_id: int, step: int, now: datetime) -> bool:
    """Use TOTP step ``step`` and clear the failures, if no sign-in has used this step or a later one.
    Of two requests with one code, PostgreSQL makes the second wait for the first's row lock and
    then re-checks the condition, so exactly one succeeds."""
    accepted = rows_changed(
        session,
        update(_staff)
        .where(
            _open(staff_id, now),
            or_(_staff.c.totp_last_step.is_(None), _staff.c.totp_last_step < step),
        )
        .values(totp_last_step=step, failed_count=0, locked_until=None),
    )
    return accepted == 1


def _count_failure(session: Session, staff_id: int, now: datetime) -> None:
    """Add one failure in the database, not in Python (concurrent failures each count); the one that
    reaches LOCK_AFTER_FAILURES locks the account. A try that finds it locked meanwhile is not counted."""
    target = audit.staff_target(staff_id)
    failures = session.execute(
        update(_staff)
        .where(_open(staff_id, now))
        .values(failed_count=_staff.c.failed_count + 1)
        .returning(_staff.c.failed_count)
    ).scalar()
    if failures is None:
        audit.record(session, Actor.SYSTEM, AuditAction.LOGIN_FAILED, target, at=now, reason="locked")
        return
    audit.record(session, Actor.SYSTEM, AuditAction.LOGIN_FAILED, target, at=now, reason="credentials")
    if failures >= LOCK_AFTER_FAILURES:
        # This transaction still holds the row lock taken by the UPDATE above: nobody else can
        # count a sixth failure before the lock is in place.
        session.execute(
            update(_staff).where(_staff.c.id == staff_id).values(failed_count=0, locked_until=now + LOCK_FOR)
        )
        audit.record(
            session, Actor.SYSTEM, AuditAction.ACCOUNT_LOCKED, target, at=now, minutes=LOCK_FOR.seconds // 60
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, staff: StaffView | int, *, now: datetime | None = None) -> str:
    """A new random session token (keep it in a cookie or st.session_state); only its hash is stored."""
    now = clock.resolve(now)
    token = secrets.token_urlsafe(32)
    staff_id = staff.id if isinstance(staff, StaffView) else int(staff)
    session.add(StaffSession(token_hash=_hash(token), staff_id=staff_id, created_at=now, last_seen_at=now))
    session.flush()
    return token


def check_session(session: Session, token: str | None, *, now: datetime | None = None) -> StaffView | None:
    """The signed-in member, or None once the session ended, sat idle 30 minutes, reached 12 hours,
    or the member was disabled. Refreshes the idle timer."""
    if not token:
        return None
    now = clock.resolve(now)
    row = session.execute(
        select(StaffSession, Staff)
        .join(Staff, Staff.id == StaffSession.staff_id)
        .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
    ).first()
    if row is None:
        return None
    staff_session, member = row
    expired = (
        now - staff_session.last_seen_at > IDLE_TIMEOUT or now - staff_session.created_at > ABSOLUTE_TIMEOUT
    )
    if expired or member.disabled:
        staff_session.ended_at = now
        audit.record(session, member.id, AuditAction.SESSION_EXPIRED, audit.staff_target(member.id), at=now)
        return None
    if now - staff_session.last_seen_at >= TOUCH_EVERY:
        staff_session.last_seen_at = now
    session.flush()
    return view(member)


def end_session(session: Session, token: str, *, now: datetime | None = None) -> None:
    """Sign out: this token and every other session of the same member stop working at once, so
    another tab or another replica is signed out at its next rerun (a sign-out on a shared
    computer must not leave a second window open)."""
    now = clock.resolve(now)
    staff_session = session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if staff_session is not None and staff_session.ended_at is None:
        staff_id = staff_session.staff_id
        ended = end_staff_sessions(session, staff_id, now=now)
        audit.record(
            session, staff_id, AuditAction.LOGOUT, audit.staff_target(staff_id), at=now, sessions=ended
        )
