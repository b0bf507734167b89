"""Single sign-on (st.login, OpenID Connect) as far as AppTest reaches: the ID token's claims are
given as ``at.user`` (AppTest cannot run the provider; tests/e2e/test_sso.py does, in Chromium).
Covered here: which ``email_verified`` values count, the fresh-identity rule (no issue time, or
an old one, signs nobody in), refusals and their audit, landing on the queue, sign-out ending
every session of the member, the 12-hour limit for SSO sessions, and IOP_REQUIRE_SSO."""

from __future__ import annotations

from datetime import timedelta

import pytest
from staff_support import PASSWORD, app, code_for, fill_sign_in, freeze, make_staff, signed_in, texts_of

from intake.audit import browse
from intake.auth import PASSWORD_SIGN_IN_OFF, PasswordSignInOff, oidc_email_verified
from intake.db import read_session, write_session
from intake.staff import disable_staff
from intake.usecases import signin
from ui.readiness import readiness_problem
from ui.sso import SSO_WITHOUT_AUTH
from ui.staff.auth import NOT_LINKED, NOT_VERIFIED, OIDC_BUTTON_KEY, OIDC_SIGNOUT_KEY, oidc_fresh

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


def identity(email: str, now, **claims) -> dict:
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": True,
        "iat": int(now.timestamp()),
        **claims,
    }


def with_identity(user: dict):
    at = app()
    at.secrets = AUTH_SECRETS
    at.user = user
    return at.run()


def audited(action: str) -> list:
    with read_session() as session:
        return browse(session, {"action": action}).rows


def keys(at) -> set[str]:
    return {w.key for w in at.text_input} | {b.key for b in at.button}


@pytest.mark.parametrize("value", [True, "true", "TRUE", " True "])
def test_email_verified_only_as_true_or_the_string_true(value):
    assert oidc_email_verified({"email_verified": value})


@pytest.mark.parametrize("value", [None, False, "False", "false", "", "yes", "1", 1, 0, [True], {"v": True}])
def test_email_verified_missing_false_or_anything_else_is_not(value):
    claims = {} if value is None else {"email_verified": value}
    assert not oidc_email_verified(claims)


def test_only_an_identity_issued_just_now_is_fresh(moving):
    now = moving.now
    assert oidc_fresh({"iat": int(now.timestamp())}, now)
    assert oidc_fresh({"iat": (now - timedelta(minutes=9)).timestamp()}, now)
    assert not oidc_fresh({"iat": (now - timedelta(minutes=11)).timestamp()}, now)
    assert not oidc_fresh({}, now)  # BUG: an identity without an issue time signed in for 30 days
    assert not oidc_fresh({"iat": "1700000000"}, now) and not oidc_fresh({"iat": True}, now)
    assert not oidc_fresh({"iat": (now + timedelta(hours=1)).timestamp()}, now)


@pytest.mark.parametrize("verified", [None, False, "False"])
def test_an_unverified_email_is_refused_and_audited(nurse, moving, verified):
    """BUG: a missing email_verified claim and the string "False" both signed in."""
    member, _ = nurse
    user = identity(member.email, moving.now)
    if verified is None:
        del user["email_verified"]
    else:
        user["email_verified"] = verified
    at = with_identity(user)
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert [e.value for e in at.error] == [NOT_VERIFIED]
    assert "staff-token" not in at.session_state and not at.dataframe
    (failed,) = audited("login_failed")
    assert failed.detail == {"reason": "oidc_email_unverified"}
    assert not audited("login")


def test_a_disabled_account_is_refused_with_the_reason_and_a_way_out(nurse, moving):
    member, _ = nurse
    with write_session() as session:
        disable_staff(session, member.email, now=moving.now)
    at = with_identity(identity(member.email, moving.now))
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert [e.value for e in at.error] == [NOT_LINKED]
    assert OIDC_SIGNOUT_KEY in keys(at) and "staff-signout" not in keys(at)
    assert "staff-token" not in at.session_state and not at.dataframe
    (failed,) = audited("login_failed")
    assert failed.detail == {"reason": "oidc_account_disabled"} and failed.target == f"staff:{member.id}"
    # The way out is st.logout (the e2e test follows it to the provider); the refusal stays once.
    at.run()
    assert len(audited("login_failed")) == 1


def test_an_old_identity_cookie_does_not_sign_in(nurse, moving):
    member, _ = nurse
    at = with_identity(identity(member.email, moving.now - timedelta(minutes=11)))
    assert "staff-token" not in at.session_state
    at.switch_page("pages/staff_signin.py").run()
    assert OIDC_BUTTON_KEY in keys(at) and not at.error
    assert not audited("login") and not audited("login_failed")


def test_sso_session_ends_at_twelve_hours_and_the_cookie_does_not_sign_back_in(nurse, moving):
    member, _ = nurse
    at = with_identity(identity(member.email, moving.now))
    assert [t.value for t in at.title] == ["Intake queue"]
    for _ in range(12 * 60 // 25):  # busy all day: never 30 idle minutes
        moving.advance(minutes=25)
        at.run()
        assert [t.value for t in at.title] == ["Intake queue"]
    moving.advance(minutes=25)  # 12 h 25 min after sign-in
    at.run()
    assert [t.value for t in at.title] == ["Staff sign-in"]
    assert "Your session has ended" in texts_of(at)
    assert audited("session_expired")
    # A new browser session with the same (old) identity cookie is not signed back in.
    again = with_identity(identity(member.email, moving.now - timedelta(hours=12, minutes=25)))
    assert "staff-token" not in again.session_state
    assert len(audited("login")) == 1


def test_sign_out_ends_every_session_of_the_member(nurse, moving):
    member, secret = nurse
    other_tab = with_identity(identity(member.email, moving.now))
    assert [t.value for t in other_tab.title] == ["Intake queue"]
    third = signed_in(member)  # e.g. on another replica
    at = fill_sign_in(
        app().run().switch_page("pages/staff_signin.py").run(),
        member.email,
        PASSWORD,
        code_for(secret, moving.now),
    )
    assert [t.value for t in at.title] == ["Intake queue"]
    at.button(key="staff-signout").click().run()
    assert "You are signed out." in texts_of(at)
    (logout,) = audited("logout")
    assert logout.detail == {"sessions": 3}
    moving.advance(seconds=5)
    for tab in (other_tab, third):
        tab.run()
        assert [t.value for t in tab.title] == ["Staff sign-in"], "a second tab stayed signed in"
        assert "Your session has ended" in texts_of(tab) and not tab.dataframe


def test_require_sso_offers_only_the_clinic_button(nurse, settings_env):
    settings_env(IOP_REQUIRE_SSO="true")
    at = app()
    at.secrets = AUTH_SECRETS
    at.user = {"is_logged_in": False}
    at.run().switch_page("pages/staff_signin.py").run()
    assert not at.exception and not at.error
    assert keys(at) == {OIDC_BUTTON_KEY}


def test_require_sso_refuses_a_password_sign_in_on_the_server(nurse, moving, settings_env):
    member, secret = nurse
    settings_env(IOP_REQUIRE_SSO="true")
    for code in ("", code_for(secret, moving.now)):  # neither the enrolment nor a full sign-in
        with pytest.raises(PasswordSignInOff, match=PASSWORD_SIGN_IN_OFF):
            signin.sign_in(member.email, PASSWORD, code, now=moving.now)
    assert [r.detail for r in audited("login_failed")] == [{"reason": "password_sign_in_off"}] * 2
    assert not audited("login") and not audited("totp_enrolment_shown")


def test_require_sso_without_auth_refuses_to_start_naming_both(database_env, settings_env):
    settings_env(IOP_REQUIRE_SSO="true")
    assert readiness_problem() == SSO_WITHOUT_AUTH
    at = app().run()
    errors = [str(e.value) for e in at.error]
    assert any("IOP_REQUIRE_SSO" in e and "[auth]" in e for e in errors), errors
    assert not at.text_input and not at.button
    cold = app()
    cold.secrets = AUTH_SECRETS
    assert not cold.run().error  # with [auth], the same setting starts
