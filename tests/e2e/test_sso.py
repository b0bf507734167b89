"""Single sign-on end to end: a real OpenID Connect provider (oidc-provider-mock, a Flask app
served by werkzeug in a thread of this process) and a real ``streamlit run`` whose secrets file
(``[auth]``, pointing at that provider) is a temporary one given through Streamlit's
``secrets.files`` option, so the checkout's ``.streamlit/`` is never touched. Chromium goes
through the provider's own pages: st.login to the queue, refusals (no account, a disabled one, an
unverified email) with their reason and audit row, and sign-out ending a second tab's session.

Accounts are made with the admin CLI against the server's database; the audit log and sessions
are read straight from the SQLite file.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import werkzeug.serving
from oidc_provider_mock import User
from oidc_provider_mock import app as provider_app
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser_driver import E2E_FIELD_KEY, free_port, key_class, run_app, server_env
from ui.staff.auth import NOT_LINKED, NOT_VERIFIED, OIDC_BUTTON_KEY, OIDC_SIGNOUT_KEY, SIGNOUT_KEY

from .staff_driver import StaffMember, StaffServer, add_accounts, run_cli

# The provider (Authlib underneath) warns about its own use of deprecated Authlib interfaces.
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib")]

NURSE, DISABLED, UNVERIFIED, STRANGER = (
    "sso.nurse@clinic.example",
    "sso.gone@clinic.example",
    "sso.unverified@clinic.example",
    "visitor@elsewhere.example",
)
IDENTITY_COOKIE = "_streamlit_user"
# Claims the provider puts in each person's ID token (the "email" scope).
PEOPLE = [
    User(sub=NURSE, claims={"email": NURSE, "email_verified": True}),
    User(sub=DISABLED, claims={"email": DISABLED, "email_verified": True}),
    User(sub=UNVERIFIED, claims={"email": UNVERIFIED, "email_verified": False}),
    User(sub=STRANGER, claims={"email": STRANGER, "email_verified": True}),
]


@dataclass(frozen=True)
class SsoSite:
    url: str
    provider: str
    database: Path

    def audit(self, action: str) -> list[tuple[str | None, dict]]:
        """(target, detail) of each audit row with this action, oldest first."""
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as conn:
            rows = conn.execute(
                "SELECT target, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
            )
            return [(target, json.loads(detail)) for target, detail in rows]

    def open_sessions(self, email: str) -> int:
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as conn:
            (count,) = conn.execute(
                "SELECT COUNT(*) FROM staff_sessions s JOIN staff m ON m.id = s.staff_id "
                "WHERE m.email = ? AND s.ended_at IS NULL",
                (email,),
            ).fetchone()
        return count


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider on 127.0.0.1 (the address the browser and the app server both use: its
    issuer is the host it is asked by)."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(user_claims=PEOPLE), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture(scope="module")
def site(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoSite]:
    folder = tmp_path_factory.mktemp("sso")
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "an-e2e-cookie-secret-of-enough-length"\n'
        'client_id = "iop-intake"\n'
        'client_secret = "any secret: the provider takes any unregistered client"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    database = folder / "sso.db"
    env = server_env(f"sqlite:///{database}", {"STREAMLIT_SECRETS_FILES": str(secrets_file)})
    with run_app(env, folder / "server.log", port=port) as url:
        cli = StaffServer(url, database, E2E_FIELD_KEY)
        add_accounts(cli, (NURSE, "intake"), (DISABLED, "intake"), (UNVERIFIED, "intake"))
        run_cli(cli, "staff", "disable", DISABLED)
        yield SsoSite(url, provider, database)


@pytest.fixture
def context(new_context) -> BrowserContext:
    made = new_context()
    # The provider's pages style themselves from a CDN; nothing leaves this machine.
    made.route(re.compile(r"^https://cdn\.jsdelivr\.net/"), lambda route: route.abort())
    return made


def clinic_sign_in(page: Page, site: SsoSite, who: str) -> StaffMember:
    """From the sign-in page, through the provider's page, as ``who``; back at the app."""
    member = StaffMember(page, site.url)
    member.open("/staff_signin")
    page.locator(f"{key_class(OIDC_BUTTON_KEY)} button").click()
    page.wait_for_url(f"{site.provider}/oauth2/authorize**")
    page.locator(f'button[name="sub"][value="{who}"]').click()
    page.wait_for_url(re.compile(re.escape(site.url)))
    return member


def identity_cookie(context: BrowserContext) -> bool:
    return any(c["name"].startswith(IDENTITY_COOKIE) for c in context.cookies())


def test_active_staff_email_lands_on_the_queue(site: SsoSite, context: BrowserContext) -> None:
    before = len(site.audit("login"))
    member = clinic_sign_in(context.new_page(), site, NURSE)
    member.expect_queue()
    expect(member.main.get_by_text(f"Signed in as {NURSE}")).to_be_visible()
    target, detail = site.audit("login")[before]
    assert detail == {"method": "oidc"} and target and target.startswith("staff:")


@pytest.mark.parametrize(
    ("who", "message", "reason"),
    [
        (STRANGER, NOT_LINKED, "oidc_no_staff_account"),
        (DISABLED, NOT_LINKED, "oidc_account_disabled"),
        (UNVERIFIED, NOT_VERIFIED, "oidc_email_unverified"),
    ],
    ids=["no-account", "disabled", "email-unverified"],
)
def test_refused_identity_sees_why_is_audited_and_can_sign_out(
    site: SsoSite, context: BrowserContext, who: str, message: str, reason: str
) -> None:
    before = len(site.audit("login_failed"))
    page = context.new_page()
    member = clinic_sign_in(page, site, who)
    expect(member.main.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff_signin$"))
    expect(member.login_error).to_have_text(message)
    member.expect_sign_in_only()
    expect(page.get_by_test_id("stTopNavSection").filter(has_text="Intake staff")).to_have_count(0)
    assert [detail for _, detail in site.audit("login_failed")[before:]] == [{"reason": reason}]
    assert identity_cookie(context)
    # Read, then signed out of the clinic identity: off to the provider's sign-out page.
    page.locator(f"{key_class(OIDC_SIGNOUT_KEY)} button").click()
    page.wait_for_url(f"{site.provider}/oauth2/end_session**")
    assert not identity_cookie(context)


def test_sign_out_ends_the_other_tab_and_the_identity_cookie(site: SsoSite, context: BrowserContext) -> None:
    first = clinic_sign_in(context.new_page(), site, NURSE)
    first.expect_queue()
    # A second tab of the same browser: its own Streamlit session, signed in from the same
    # (still fresh) identity cookie, with its own server-side session.
    second = StaffMember(context.new_page(), site.url)
    second.open("/staff_queue")
    second.expect_queue()
    assert site.open_sessions(NURSE) >= 2

    first.page.locator(f"{key_class(SIGNOUT_KEY)} button").click()
    first.page.wait_for_url(f"{site.provider}/oauth2/end_session**")
    assert not identity_cookie(context)
    assert site.open_sessions(NURSE) == 0
    assert site.audit("logout")[-1][1]["sessions"] >= 2

    # The second tab's next rerun (a move to another staff page) finds its session ended, and
    # leaves through st.logout (no identity cookie left: straight back to the welcome page).
    second.page.get_by_test_id("stTopNavSection").filter(has_text="Intake staff").click()
    second.page.get_by_test_id("stTopNavDropdownLink").filter(has_text="Insights").click()
    expect(second.page.locator(f"{key_class(SIGNOUT_KEY)} button")).to_have_count(0)
    expect(second.page.get_by_role("heading", name="Insights")).to_have_count(0)
    expect(second.page.get_by_role("heading", name="Intake queue")).to_have_count(0)
    expect(second.page).to_have_url(f"{site.url}/")
