"""Staff sign-in through the app: password and TOTP, enrolment by QR code, one message for every
failure, lock-out, idle expiry, sign-out, and OpenID Connect mapped to a staff account."""

from __future__ import annotations

import pytest
from staff_support import PASSWORD, app, code_for, fill_sign_in, freeze, make_staff, qr_codes, texts_of

from intake.audit import browse
from intake.auth import SIGN_IN_FAILED
from intake.db import read_session
from intake.staff import list_staff

AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-test-cookie-secret-of-enough-length",
        "client_id": "iop",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration",
    }
}


@pytest.fixture
def moving(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def nurse(database_env, moving):
    return make_staff()


def sign_in_page():
    at = app().run()
    return at.switch_page("pages/staff_signin.py").run()


def actions(**filters) -> list[str]:
    with read_session() as session:
        return [row.action for row in browse(session, filters).rows]


def test_first_sign_in_enrols_totp_with_a_qr_code_then_signs_in(nurse, moving):
    member, secret = nurse
    at = fill_sign_in(sign_in_page(), member.email, PASSWORD)
    assert not at.error
    (qr,) = qr_codes(at)
    assert "otpauth" not in qr  # inside the base64 image only, never as page text
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in texts_of(at)
    assert "totp_enrolment_shown" in actions()

    at = fill_sign_in(at, member.email, PASSWORD, code_for(secret, moving.now))
    assert not at.exception
    assert [t.value for t in at.title] == ["Intake queue"]
    assert at.button(key="staff-signout")
    assert not qr_codes(at)  # the secret is not shown again
    with read_session() as session:
        assert list_staff(session)[0].totp_enrolled
    assert actions()[:2] == ["login", "totp_enrolled"]


def test_no_qr_code_without_the_right_password(nurse):
    member, _ = nurse
    at = fill_sign_in(sign_in_page(), member.email, "not the password at all")
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert not qr_codes(at) and "totp_enrolment_shown" not in actions()
    assert actions(action="login_failed")  # counted towards the lock-out like any failure
    assert at.text_input(key="login-password").value == ""


def test_enrolled_member_signs_in_with_password_and_code_and_signs_out(nurse, moving):
    member, secret = nurse
    at = fill_sign_in(sign_in_page(), member.email, PASSWORD, code_for(secret, moving.now))
    assert [t.value for t in at.title] == ["Intake queue"]
    assert "staff-token" in at.session_state
    moving.advance(minutes=1)
    at = fill_sign_in(app().run().switch_page("pages/staff_signin.py").run(), member.email, PASSWORD)
    assert not qr_codes(at)  # enrolled: no QR code for a password alone
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]


def test_sign_out_ends_the_server_session(nurse, moving):
    member, secret = nurse
    at = fill_sign_in(sign_in_page(), member.email, PASSWORD, code_for(secret, moving.now))
    token = at.session_state["staff-token"]
    at.button(key="staff-signout").click().run()
    assert at.text_input(key="login-email")
    assert "staff-token" not in at.session_state
    assert "You are signed out." in texts_of(at)
    assert actions(action="logout")
    from intake.auth import check_session
    from intake.db import write_session

    with write_session() as session:
        assert check_session(session, token) is None


def test_unknown_email_and_wrong_password_get_the_identical_message(nurse, moving):
    member, secret = nurse
    code = code_for(secret, moving.now)
    unknown = fill_sign_in(sign_in_page(), "nobody@example.org", PASSWORD, code)
    wrong = fill_sign_in(sign_in_page(), member.email, PASSWORD + " typo", code)
    assert [e.value for e in unknown.error] == [e.value for e in wrong.error] == [SIGN_IN_FAILED]
    for at in (unknown, wrong):
        assert "staff-token" not in at.session_state
        assert not qr_codes(at)


def test_five_failures_lock_the_account_for_fifteen_minutes(nurse, moving):
    member, secret = nurse
    at = sign_in_page()
    for _ in range(5):
        at = fill_sign_in(at, member.email, "wrong password entirely", code_for(secret, moving.now))
        moving.advance(seconds=1)
    assert "account_locked" in actions()
    moving.advance(seconds=40)  # a fresh TOTP step, so the right code is not a replay
    at = fill_sign_in(at, member.email, PASSWORD, code_for(secret, moving.now))
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert "staff-token" not in at.session_state

    moving.advance(minutes=15)
    at = fill_sign_in(at, member.email, PASSWORD, code_for(secret, moving.now))
    assert not at.error
    assert [t.value for t in at.title] == ["Intake queue"]


def test_idle_session_ends_after_thirty_minutes(nurse, moving):
    member, secret = nurse
    at = fill_sign_in(sign_in_page(), member.email, PASSWORD, code_for(secret, moving.now))
    moving.advance(minutes=29)
    at.run()
    assert [t.value for t in at.title] == ["Intake queue"]
    moving.advance(minutes=31)
    at.run()
    assert at.text_input(key="login-email")
    assert not at.dataframe
    assert "Your session has ended" in texts_of(at)
    assert "session_expired" in actions()


def test_clinic_sign_in_button_only_when_configured(database_env):
    at = sign_in_page()
    assert not [b for b in at.button if b.key == "login-oidc"]
    at = app()
    at.secrets = AUTH_SECRETS
    at.user = {"is_logged_in": False}
    at.run().switch_page("pages/staff_signin.py").run()
    assert at.button(key="login-oidc")


def test_clinic_identity_maps_to_an_active_staff_account(nurse, moving):
    member, _ = nurse
    at = app()
    at.secrets = AUTH_SECRETS
    at.user = {
        "is_logged_in": True,
        "email": member.email.upper(),
        "email_verified": True,
        "iat": int(moving.now.timestamp()),
    }
    at.run()  # the welcome page, where Streamlit's callback returns: on to the queue
    assert not at.exception
    assert [t.value for t in at.title] == ["Intake queue"]
    with read_session() as session:
        login = browse(session, {"action": "login"}).rows[0]
    assert login.detail == {"method": "oidc"} and login.actor == str(member.id)


def test_clinic_identity_without_a_staff_account_is_refused(nurse, moving):
    at = app()
    at.secrets = AUTH_SECRETS
    at.user = {
        "is_logged_in": True,
        "email": "visitor@example.org",
        "email_verified": True,
        "iat": int(moving.now.timestamp()),
    }
    at.run().switch_page("pages/staff_queue.py").run()
    assert at.text_input(key="login-email") and not at.dataframe
    assert any("not linked to an active intake staff member" in e.value for e in at.error)
    assert "staff-token" not in at.session_state
    with read_session() as session:
        assert browse(session, {"action": "login_failed"}).rows[0].detail == {
            "reason": "oidc_no_staff_account"
        }
