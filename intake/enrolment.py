"""TOTP enrolment at first sign-in: the secret an authenticator app needs, shown once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.passwords import dummy_hash, verify_password
from intake.staff import ISSUER, find
from intake.vocab import Actor, AuditAction


@dataclass(frozen=True)
class Enrolment:
    """What an authenticator app needs: the base32 secret, and the same as an otpauth:// URI for a QR code."""

    email: str
    secret: str
    uri: str


def pending_enrolment(
    session: Session, email: str, password: str, *, now: datetime | None = None
) -> Enrolment | None:
    """The TOTP secret to enrol, only for an active, unlocked member who has not enrolled yet and
    gave the right password; otherwise None, with no side effects, and the caller then runs
    ``intake.auth.authenticate`` so the failure is counted and answered like any other. One
    password check in every case (a dummy one for unknown emails). Run in ``write_session``."""
    now = clock.resolve(now)
    try:
        member = find(session, email)
    except ValueError:
        member = None
    if member is None:
        verify_password(dummy_hash(), password)
        return None
    password_ok = verify_password(member.password_hash, password)
    locked = member.locked_until is not None and now < member.locked_until
    if not password_ok or member.disabled or locked or member.totp_enrolled:
        return None
    audit.record(
        session, Actor.SYSTEM, AuditAction.TOTP_ENROLMENT_SHOWN, audit.staff_target(member.id), at=now
    )
    uri = pyotp.TOTP(member.totp_secret).provisioning_uri(name=member.email, issuer_name=ISSUER)
    return Enrolment(member.email, member.totp_secret, uri)
