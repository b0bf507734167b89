"""Staff accounts and sign-in: password rules, argon2id, TOTP, lock-out, sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from intake import passwords
from intake.audit import browse
from intake.auth import SIGN_IN_FAILED, AuthFailed, authenticate, check_session, end_session, start_session
from intake.db import read_session, write_session
from intake.models import Staff
from intake.passwords import PasswordRejected, check_password
from intake.staff import (
    StaffExists,
    add_staff,
    disable_staff,
    list_staff,
    reset_password,
    staff_for_email,
    totp_provisioning_uri,
)
from tests.support.factories import T0

PASSWORD = "lantern orchard velvet compass"
EMAIL = "dana@example.org"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short phrase", "at least 15 characters (this one has 12)"),
        ("passwordpassword", "too easy to guess"),
        ("password1234567", "too easy to guess"),
        ("123456789012345", "too easy to guess"),
        ("qwertyuiopasdfgh", "too easy to guess"),
        ("1qaz2wsx3edc4rfv", "commonly used"),
        ("x" * 1025, "at most 1024"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, message):
    with pytest.raises(PasswordRejected, match=re.escape(message)):
        check_password(password)


@pytest.mark.parametrize(
    "password", [PASSWORD, "my dog likes the blue sofa", "Tr0mb0ne-lantern", "über die brücke gehen wir"]
)
def test_long_passwords_need_no_special_characters(password):
    check_password(password)


def test_a_password_built_from_the_email_is_refused():
    with pytest.raises(PasswordRejected):
        check_password("dana.example.org", email="dana.example.org@example.org")


def _add(engine, email=EMAIL, role="intake"):
    with write_session(engine) as session:
        return add_staff(session, email, role, PASSWORD, now=T0)


def _code(secret, when):
    return pyotp.TOTP(secret).at(when)


def test_add_stores_an_argon2id_hash_and_an_encrypted_totp_secret(engine):
    member, secret = _add(engine, email="  Dana@Example.ORG ")
    assert member.email == EMAIL and member.role == "intake" and not member.totp_enrolled
    assert len(pyotp.TOTP(secret).now()) == 6
    with read_session(engine) as session:
        row = session.scalar(select(Staff))
        raw_secret = session.execute(text("SELECT totp_secret FROM staff")).scalar()
        uri = totp_provisioning_uri(session, EMAIL)
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert secret not in raw_secret
    assert uri.startswith("otpauth://totp/") and secret in uri
    with pytest.raises(StaffExists), write_session(engine) as session:
        add_staff(session, EMAIL, "admin", PASSWORD, now=T0)


def test_sign_in_enrols_totp_and_refuses_a_replayed_code(engine):
    _, secret = _add(engine)
    with write_session(engine) as session:
        member = authenticate(session, EMAIL, PASSWORD, _code(secret, T0), now=T0)
    assert member.email == EMAIL and member.totp_enrolled
    with read_session(engine) as session:
        assert totp_provisioning_uri(session, EMAIL) is None  # the secret is not shown again
    with pytest.raises(AuthFailed), write_session(engine) as session:
        authenticate(session, EMAIL, PASSWORD, _code(secret, T0), now=T0 + timedelta(seconds=5))
    with write_session(engine) as session:
        authenticate(
            session,
            EMAIL,
            PASSWORD,
            _code(secret, T0 + timedelta(seconds=60)),
            now=T0 + timedelta(seconds=60),
        )


def test_unknown_user_wrong_password_and_wrong_code_get_the_same_answer(engine):
    _, secret = _add(engine)
    attempts = [
        ("nobody@example.org", PASSWORD, _code(secret, T0)),
        (EMAIL, "wrong horse battery staple", _code(secret, T0)),
        (EMAIL, PASSWORD, "000000" if _code(secret, T0) != "000000" else "111111"),
    ]
    messages = []
    for email, password, code in attempts:
        with pytest.raises(AuthFailed) as failed, write_session(engine) as session:
            authenticate(session, email, password, code, now=T0)
        messages.append(str(failed.value))
    assert messages == [SIGN_IN_FAILED] * 3


def test_five_failures_lock_the_account_for_15_minutes(engine):
    _, secret = _add(engine)
    for i in range(5):
        with pytest.raises(AuthFailed), write_session(engine) as session:
            authenticate(
                session, EMAIL, "wrong horse battery staple", _code(secret, T0), now=T0 + timedelta(minutes=i)
            )
    locked_at = T0 + timedelta(minutes=4)
    # Now even the right password and code are refused, with the same message.
    later = locked_at + timedelta(minutes=14)
    with pytest.raises(AuthFailed, match="locked for 15 minutes"), write_session(engine) as session:
        authenticate(session, EMAIL, PASSWORD, _code(secret, later), now=later)
    unlocked = locked_at + timedelta(minutes=15, seconds=1)
    with write_session(engine) as session:
        assert authenticate(session, EMAIL, PASSWORD, _code(secret, unlocked), now=unlocked).email == EMAIL
    with read_session(engine) as session:
        actions = [r.action for r in browse(session, page_size=100).rows]
    assert actions.count("account_locked") == 1 and actions.count("login_failed") == 6


def test_reset_password_lifts_the_lock(engine):
    _, secret = _add(engine)
    for _ in range(5):
        with pytest.raises(AuthFailed), write_session(engine) as session:
            authenticate(session, EMAIL, "wrong horse battery staple", _code(secret, T0), now=T0)
    new_password = "quiet harbour maple ledger"
    with write_session(engine) as session:
        reset_password(session, EMAIL, new_password, now=T0)
    when = T0 + timedelta(minutes=1)
    with write_session(engine) as session:
        authenticate(session, EMAIL, new_password, _code(secret, when), now=when)


def test_a_hash_made_with_other_parameters_is_redone_at_sign_in(engine):
    _, secret = _add(engine)
    older = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    with write_session(engine) as session:
        session.scalar(select(Staff)).password_hash = older.hash(PASSWORD)
    with write_session(engine) as session:
        authenticate(session, EMAIL, PASSWORD, _code(secret, T0), now=T0)
    with read_session(engine) as session:
        upgraded = session.scalar(select(Staff.password_hash))
    assert upgraded.startswith("$argon2id$") and not passwords.hasher.check_needs_rehash(upgraded)


def test_disabled_staff_cannot_sign_in_and_lose_their_sessions(engine):
    member, secret = _add(engine)
    with write_session(engine) as session:
        token = start_session(session, member, now=T0)
        disable_staff(session, EMAIL, now=T0)
    with write_session(engine) as session:
        assert check_session(session, token, now=T0) is None
        assert staff_for_email(session, EMAIL) is None
    with pytest.raises(AuthFailed), write_session(engine) as session:
        authenticate(session, EMAIL, PASSWORD, _code(secret, T0), now=T0)


def test_sessions_end_after_30_idle_minutes(engine):
    member, _ = _add(engine)
    with write_session(engine) as session:
        token = start_session(session, member, now=T0)
    for minutes in (29, 58, 87):  # active every 29 minutes: still signed in
        with write_session(engine) as session:
            assert check_session(session, token, now=T0 + timedelta(minutes=minutes)).id == member.id
    with write_session(engine) as session:
        assert check_session(session, token, now=T0 + timedelta(minutes=87 + 31)) is None
    with write_session(engine) as session:  # and it stays ended
        assert check_session(session, token, now=T0 + timedelta(minutes=87 + 32)) is None


def test_sessions_end_after_12_hours_however_active(engine):
    member, _ = _add(engine)
    with write_session(engine) as session:
        token = start_session(session, member, now=T0)
    for minutes in range(20, 12 * 60, 20):
        with write_session(engine) as session:
            assert check_session(session, token, now=T0 + timedelta(minutes=minutes)) is not None
    with write_session(engine) as session:
        assert check_session(session, token, now=T0 + timedelta(hours=12, minutes=1)) is None


def test_sign_out_ends_the_session_at_once(engine):
    member, _ = _add(engine)
    with write_session(engine) as session:
        token = start_session(session, member, now=T0)
        end_session(session, token, now=T0)
        assert check_session(session, token, now=T0) is None
        assert check_session(session, "made-up-token", now=T0) is None


def test_sign_out_ends_every_session_of_that_member_and_no_one_else(engine):
    """BUG (issue 13): a second tab or replica of the member stayed signed in after sign-out."""
    member, _ = _add(engine)
    other, _ = _add(engine, "b@example.org")
    with write_session(engine) as session:
        tokens = [start_session(session, member, now=T0) for _ in range(3)]
        theirs = start_session(session, other, now=T0)
        end_session(session, tokens[1], now=T0)
        assert [check_session(session, t, now=T0) for t in tokens] == [None] * 3
        assert check_session(session, theirs, now=T0) is not None


def test_list_and_lookup(engine):
    _add(engine, "b@example.org", "admin")
    _add(engine, "a@example.org")
    with read_session(engine) as session:
        assert [(m.email, m.role) for m in list_staff(session)] == [
            ("a@example.org", "intake"),
            ("b@example.org", "admin"),
        ]
        assert staff_for_email(session, "B@EXAMPLE.ORG").is_admin
        assert staff_for_email(session, "c@example.org") is None
