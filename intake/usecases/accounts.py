"""What the staff accounts page asks of intake: the accounts, and an administrator adding,
disabling or resetting one (each audited with the administrator as actor, in one transaction).

Errors: ``ValueError`` (not an email, already a member, a weak password), ``StaffNotFound``, and
``intake.Unavailable``.
"""

from __future__ import annotations

from datetime import datetime

from intake import staff
from intake.staff import StaffView
from intake.usecases import reading, transaction


def accounts_page() -> list[StaffView]:
    """Every staff account, by email."""
    with reading() as session:
        return staff.list_staff(session)


def add(email: str, role: str, password: str, *, admin: StaffView, now: datetime) -> tuple[StaffView, str]:
    """The new member and their TOTP secret (base32), to show the administrator once."""
    with transaction() as session:
        return staff.add_staff(session, email, role, password, actor=admin, now=now)


def disable(email: str, *, admin: StaffView, now: datetime) -> StaffView:
    """They can no longer sign in; their open sessions end now."""
    with transaction() as session:
        return staff.disable_staff(session, email, actor=admin, now=now)


def reset(email: str, password: str, *, admin: StaffView, now: datetime) -> StaffView:
    """A new password; any lock-out is lifted and their sessions end."""
    with transaction() as session:
        return staff.reset_password(session, email, password, actor=admin, now=now)
