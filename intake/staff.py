"""Staff accounts: add, disable, reset password, list; TOTP secrets generated here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.crypto import is_unreadable
from intake.db import rows_changed
from intake.models import ROLES, Staff, StaffSession
from intake.passwords import check_password, hash_password
from intake.vocab import EMAIL_MAX_CHARS, Actor, AuditAction, Role

EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
ISSUER = "IOP intake"


class StaffExists(ValueError):
    pass


class StaffNotFound(LookupError):
    pass


@dataclass(frozen=True)
class StaffView:
    id: int
    email: str
    role: str
    totp_enrolled: bool
    disabled: bool
    locked_until: datetime | None
    created_at: datetime
    # False when no key of IOP_FIELD_KEY decrypts the TOTP secret: listed, but they cannot sign in.
    secret_readable: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def view(member: Staff) -> StaffView:
    return StaffView(
        member.id,
        member.email,
        member.role,
        member.totp_enrolled,
        member.disabled,
        member.locked_until,
        member.created_at,
        not is_unreadable(member.totp_secret),
    )


def staff_id_of(staff: Any) -> int:
    """A staff member's id, from the member (anything with ``.id``) or the id itself."""
    return int(staff.id if hasattr(staff, "id") else staff)


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > EMAIL_MAX_CHARS or not EMAIL.match(email):
        raise ValueError(f"not an email address: {email!r}")
    return email


def find(session: Session, email: str) -> Staff | None:
    return session.scalar(select(Staff).where(Staff.email == normalize_email(email)))


def _get(session: Session, email: str) -> Staff:
    member = find(session, email)
    if member is None:
        raise StaffNotFound(f"no staff member {normalize_email(email)}")
    return member


def add_staff(
    session: Session,
    email: str,
    role: str,
    password: str,
    *,
    actor: object = Actor.CLI,
    now: datetime | None = None,
) -> tuple[StaffView, str]:
    """Create a staff member; returns it and the new TOTP secret (base32) to put in an authenticator."""
    now = clock.resolve(now)
    email = normalize_email(email)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    check_password(password, email=email)
    if find(session, email) is not None:
        raise StaffExists(f"{email} is already a staff member")
    secret = pyotp.random_base32()
    member = Staff(
        email=email,
        role=role,
        password_hash=hash_password(password),
        totp_secret=secret,
        totp_enrolled=False,
        disabled=False,
        failed_count=0,
        created_at=now,
    )
    session.add(member)
    session.flush()
    audit.record(session, actor, AuditAction.STAFF_ADDED, audit.staff_target(member.id), at=now, role=role)
    return view(member), secret


def disable_staff(
    session: Session, email: str, *, actor: object = Actor.CLI, now: datetime | None = None
) -> StaffView:
    """Stop a member signing in and end their open sessions."""
    now = clock.resolve(now)
    member = _get(session, email)
    member.disabled = True
    end_staff_sessions(session, member.id, now=now)
    audit.record(session, actor, AuditAction.STAFF_DISABLED, audit.staff_target(member.id), at=now)
    return view(member)


def reset_password(
    session: Session, email: str, password: str, *, actor: object = Actor.CLI, now: datetime | None = None
) -> StaffView:
    """Set a new password, lift any lock-out and end the member's open sessions."""
    now = clock.resolve(now)
    member = _get(session, email)
    check_password(password, email=member.email)
    member.password_hash = hash_password(password)
    member.failed_count, member.locked_until = 0, None
    end_staff_sessions(session, member.id, now=now)
    audit.record(session, actor, AuditAction.PASSWORD_RESET, audit.staff_target(member.id), at=now)
    return view(member)


def list_staff(session: Session) -> list[StaffView]:
    return [view(m) for m in session.scalars(select(Staff).order_by(Staff.email))]


def staff_for_email(session: Session, email: str) -> StaffView | None:
    """The active member with this email (for mapping an OpenID Connect identity), else None."""
    try:
        member = find(session, email)
    except ValueError:
        return None
    return None if member is None or member.disabled else view(member)


def totp_provisioning_uri(session: Session, email: str) -> str | None:
    """otpauth:// URI for a QR code (segno), only until the member has enrolled; None afterwards."""
    member = _get(session, email)
    if member.totp_enrolled:
        return None
    return pyotp.TOTP(member.totp_secret).provisioning_uri(name=member.email, issuer_name=ISSUER)


def end_staff_sessions(session: Session, staff_id: int, *, now: datetime | None = None) -> int:
    """End every open session of this member; how many there were."""
    return rows_changed(
        session,
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
        .values(ended_at=clock.resolve(now)),
    )
