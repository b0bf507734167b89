"""Staff sign-in and sign-out as the pages ask for them, each in one transaction: password (and
TOTP, or the enrolment shown at a first sign-in), OpenID Connect, the check of a session token on
every run, and the audit of a page refused to a non-administrator.

Errors: ``intake.auth.AuthFailed`` (one message for every failed sign-in; its audit rows and
failure count are kept) and ``intake.Unavailable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake import audit
from intake.auth import authenticate, check_session, end_session, start_session
from intake.enrolment import Enrolment, pending_enrolment
from intake.staff import StaffView, staff_for_email
from intake.usecases import transaction
from intake.vocab import Actor, AuditAction


@dataclass(frozen=True)
class SignedIn:
    """A new staff session: keep ``token`` server-side (it is the session)."""

    member: StaffView
    token: str


# A first sign-in without a code gets the TOTP enrolment to show; otherwise a session.
SignInOutcome = SignedIn | Enrolment


def sign_in(email: str, password: str, code: str, *, now: datetime) -> SignInOutcome:
    """Password and TOTP code; with no code, the enrolment of a member who has not set up their
    app yet (right password only). Raises ``AuthFailed`` otherwise."""
    with transaction() as session:
        if not code:
            enrolment = pending_enrolment(session, email, password, now=now)
            if enrolment is not None:
                return enrolment
        member = authenticate(session, email, password, code, now=now)
        return SignedIn(member, start_session(session, member, now=now))


def sign_in_oidc(email: str | None, verified: bool, *, now: datetime) -> SignedIn | None:
    """A fresh OpenID Connect identity turned into a session for the active account with that
    (verified) email; None, audited as a failed sign-in, when there is none."""
    with transaction() as session:
        member = staff_for_email(session, email) if email is not None and verified else None
        if member is None:
            audit.record(
                session, Actor.SYSTEM, AuditAction.LOGIN_FAILED, None, at=now, reason="oidc_no_staff_account"
            )
            return None
        token = start_session(session, member, now=now)
        audit.record(
            session, member.id, AuditAction.LOGIN, audit.staff_target(member.id), at=now, method="oidc"
        )
        return SignedIn(member, token)


def check(token: str, *, now: datetime) -> StaffView | None:
    """The member whose session this is, if it is still good (and keeps it alive); else None."""
    with transaction() as session:
        return check_session(session, token, now=now)


def sign_out(token: str, *, now: datetime) -> None:
    with transaction() as session:
        end_session(session, token, now=now)


def deny_access(member: StaffView, page: str, *, now: datetime) -> None:
    """Audit a non-administrator's attempt to open an administrators' page (``page:<file stem>``)."""
    with transaction() as session:
        audit.record(session, member, AuditAction.ACCESS_DENIED, f"page:{page}", at=now, role=member.role)
