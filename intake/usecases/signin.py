"""Staff sign-in and sign-out as the pages ask for them, each in one transaction: password (and
TOTP, or the enrolment shown at a first sign-in), OpenID Connect, the check of a session token on
every run, and the audit of a page refused to a non-administrator.

Errors: ``intake.auth.AuthFailed`` (one message for every failed sign-in; its audit rows and
failure count are kept), ``intake.auth.PasswordSignInOff`` (IOP_REQUIRE_SSO; audited) and
``intake.Unavailable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from intake import audit
from intake.auth import (
    PasswordSignInOff,
    authenticate,
    check_session,
    end_session,
    oidc_email_verified,
    start_session,
)
from intake.enrolment import Enrolment, pending_enrolment
from intake.models import Staff
from intake.settings import get_settings
from intake.staff import StaffView, find, view
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
    app yet (right password only). Raises ``AuthFailed`` otherwise, and ``PasswordSignInOff``
    whatever was typed when IOP_REQUIRE_SSO is on."""
    with transaction() as session:
        if get_settings().iop_require_sso:
            audit.record(
                session, Actor.SYSTEM, AuditAction.LOGIN_FAILED, None, at=now, reason="password_sign_in_off"
            )
            raise PasswordSignInOff()
        if not code:
            enrolment = pending_enrolment(session, email, password, now=now)
            if enrolment is not None:
                return enrolment
        member = authenticate(session, email, password, code, now=now)
        return SignedIn(member, start_session(session, member, now=now))


class OidcRefusal(StrEnum):
    """Why an OpenID Connect identity got no session (the audit row's ``reason``)."""

    UNVERIFIED = "oidc_email_unverified"
    NO_ACCOUNT = "oidc_no_staff_account"
    DISABLED = "oidc_account_disabled"


def sign_in_oidc(claims: Mapping[str, object], *, now: datetime) -> SignedIn | OidcRefusal:
    """A fresh OpenID Connect identity (the ID token's claims) turned into a session for the
    active account with its email, which the provider must have verified; else why not, audited
    as a failed sign-in. No TOTP: the clinic's provider did the second factor (README)."""
    email = claims.get("email")
    with transaction() as session:
        member = _member(session, email)
        target = None if member is None else audit.staff_target(member.id)
        if not oidc_email_verified(claims):
            refusal = OidcRefusal.UNVERIFIED
        elif member is None:
            refusal = OidcRefusal.NO_ACCOUNT
        elif member.disabled:
            refusal = OidcRefusal.DISABLED
        else:
            token = start_session(session, member.id, now=now)
            audit.record(session, member.id, AuditAction.LOGIN, target, at=now, method="oidc")
            return SignedIn(view(member), token)
        audit.record(session, Actor.SYSTEM, AuditAction.LOGIN_FAILED, target, at=now, reason=refusal.value)
        return refusal


def _member(session: Session, email: object) -> Staff | None:
    """The account with this email, disabled or not (a refusal names which), if it is an email."""
    try:
        return find(session, email) if isinstance(email, str) else None
    except ValueError:
        return None


def check(token: str, *, now: datetime) -> StaffView | None:
    """The member whose session this is, if it is still good (and keeps it alive); else None."""
    with transaction() as session:
        return check_session(session, token, now=now)


def sign_out(token: str, *, now: datetime) -> None:
    """End this session and every other one of the same member (other tabs, other replicas)."""
    with transaction() as session:
        end_session(session, token, now=now)


def deny_access(member: StaffView, page: str, *, now: datetime) -> None:
    """Audit a non-administrator's attempt to open an administrators' page (``page:<file stem>``)."""
    with transaction() as session:
        audit.record(session, member, AuditAction.ACCESS_DENIED, f"page:{page}", at=now, role=member.role)
