"""The intake staff workspace in Chromium: the guard on a cold server, signing in with a password
and a TOTP code (enrolment included), the queue, a review and its follow-up, the admin-only
pages, signing out, and the screenshots of docs/screenshots/staff-*.png (REFRESH_SCREENSHOTS=1
writes them there; otherwise to a temporary folder).

Accounts and screens are made with the admin CLI (``python -m intake``) against the server's own
database; the audit log is read back with ``intake.audit.browse``.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from intake.audit import AuditFilters, AuditRow, browse
from intake.auth import SIGN_IN_FAILED
from intake.db import dispose_engine, read_session
from intake.settings import get_settings
from scoring import evaluate, load_questionnaire
from scoring.sample import random_screen
from tests.support.browser_driver import CALM_ANSWERS, Participant, full_answers, key_class
from ui import labels as staff_text
from ui import texts
from ui.staff.auth import PASSWORD_KEY, TOTP_KEY
from ui.widgets import labels, wording

from .conftest import VIEWPORT
from .make_screenshots import DESKTOP, full_page
from .staff_driver import (
    STAFF_URLS,
    Account,
    StaffMember,
    StaffServer,
    add_account,
    add_accounts,
    import_screens,
    references_by_key,
    staff_server,
)
from .test_docs_screenshots import png_size

pytestmark = pytest.mark.e2e

URGENT, OUTPATIENT = "e2e-urgent", "e2e-outpatient"
URGENT_ANSWERS = {**CALM_ANSWERS, "safety.harm_others": True}
NOTE = "Phoned at 10:05, no answer; will try again after lunch."
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PRIORITY_RANK = {label: rank for rank, label in staff_text.PRIORITIES.items()}


def seed_screens(now: datetime) -> list[dict]:
    """One urgent screen (ten minutes old), one outpatient screen (the oldest, three hours old),
    and three random ones that are not urgent, in between: oldest-first alone would not put the
    urgent one on top."""
    screens = [
        {
            "respondent": "self",
            "answers": full_answers(URGENT_ANSWERS),
            "submitted_at": (now - timedelta(minutes=10)).isoformat(),
            "submission_key": URGENT,
        },
        {
            "respondent": "self",
            "answers": full_answers(CALM_ANSWERS),
            "submitted_at": (now - timedelta(hours=3)).isoformat(),
            "submission_key": OUTPATIENT,
        },
    ]
    rng = random.Random(7)
    while len(screens) < 5:
        screen = random_screen(rng)
        if evaluate(screen)["disposition"] != "urgent":
            minutes = 30 * len(screens)
            screen["submitted_at"] = (now - timedelta(minutes=minutes)).isoformat()
            screen["submission_key"] = f"e2e-{minutes}"
            screens.append(screen)
    dispositions = [
        evaluate({"respondent": s["respondent"], "answers": s["answers"]})["disposition"] for s in screens
    ]
    assert dispositions[:2] == ["urgent", "outpatient"] and "urgent" not in dispositions[2:], dispositions
    return screens


@dataclass
class Workspace:
    server: StaffServer
    screens: dict[str, dict]  # submission_key -> what was imported
    references: dict[str, str]  # submission_key -> reference

    @property
    def urgent(self) -> str:
        return self.references[URGENT]

    def audit(self, **filters) -> list[AuditRow]:
        # Read with the server's own field key: the database refuses any other (its fingerprint).
        with server_key(self.server), read_session(self.server.database_url) as session:
            return browse(session, AuditFilters(**filters), page_size=500).rows

    def staff_id(self, account: Account) -> int:
        # Straight from the file: intake.staff would decrypt TOTP secrets with this process's key.
        with closing(sqlite3.connect(f"file:{self.server.database}?mode=ro", uri=True)) as conn:
            (staff_id,) = conn.execute("SELECT id FROM staff WHERE email = ?", (account.email,)).fetchone()
        return staff_id


@contextmanager
def server_key(server: StaffServer) -> Iterator[None]:
    """This process's settings take the server's field key for the block."""
    before = os.environ.get("IOP_FIELD_KEY")
    os.environ["IOP_FIELD_KEY"] = server.field_key
    get_settings.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("IOP_FIELD_KEY", None)
        else:
            os.environ["IOP_FIELD_KEY"] = before
        get_settings.cache_clear()


def _start(folder: Path) -> Iterator[Workspace]:
    with staff_server(folder) as server:
        screens = seed_screens(datetime.now(UTC))
        import_screens(server, screens)
        references = references_by_key(server)
        yield Workspace(server, {s["submission_key"]: s for s in screens}, references)
    dispose_engine(server.database_url)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Workspace]:
    """A server on its own fresh database, with five screens imported; shared by this module.

    The welcome page is opened once first, as on any server in use: until some session has run
    app.py's st.navigation, Streamlit serves pages/ by file name, with its own sidebar of every
    file and no "Intake staff" menu (test 1 covers that state)."""
    for started in _start(tmp_path_factory.mktemp("staff-server")):
        context = browser.new_context(viewport=VIEWPORT)
        try:
            Participant(context.new_page(), started.server.url).open("/")
        finally:
            context.close()
        yield started


@pytest.fixture
def cold_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A server started for one test, no page opened yet; screens and a member in its database."""
    yield from _start(tmp_path)


@pytest.fixture
def accounts(workspace: Workspace, request: pytest.FixtureRequest):
    """``accounts(*roles)``: new staff members made with the CLI, named after the test (a TOTP code
    is good once, so each test signs in as people of its own)."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]

    def make(*roles: str) -> list[Account]:
        emails = [f"{role}{n}.{name}@clinic.example.org" for n, role in enumerate(roles)]
        return add_accounts(workspace.server, *zip(emails, roles, strict=True))

    return make


@pytest.fixture(autouse=True)
def _server_output_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a failed test, print the end of its server's output (conftest prints the session
    server's, which these tests do not use)."""
    # Taken before the test: the workspace is torn down before this fixture's teardown runs.
    logs = [
        request.getfixturevalue(name).server.database.with_name("server.log")
        for name in ("cold_workspace", "workspace")
        if name in request.fixturenames
    ]
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    for log in logs:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:]) if log.exists() else ""
        print(f"\nserver output ({log}):\n{tail}")


def staff_member(new_context, workspace: Workspace, account: Account | None = None) -> StaffMember:
    return StaffMember(new_context().new_page(), workspace.server.url, account)


def hidden_words(workspace: Workspace) -> list[str]:
    """What must never show before sign-in: every reference, and the answers' and results' words."""
    return [*workspace.references.values(), "Crisis resources given", "Same-day contact", "Answered by"]


# --- 1. A cold server -----------------------------------------------------------------------------


def test_cold_server_shows_only_the_sign_in_form_on_every_staff_url(
    cold_workspace: Workspace, new_context
) -> None:
    member = add_account(cold_workspace.server, "cold.member@clinic.example.org", "admin")
    hidden = [*hidden_words(cold_workspace), member.email]
    visitor = staff_member(new_context, cold_workspace)
    # The very first page this server serves is a staff page (pages/ is served by file name until
    # some session ran app.py's st.navigation).
    for url in STAFF_URLS:
        visitor.open(url)
        visitor.expect_sign_in_only(*hidden)
        expect(visitor.page).to_have_url(re.compile(re.escape(url) + "$"))

    visitor.open("/")
    expect(visitor.page.get_by_role("heading").first).to_be_visible()
    expect(visitor.page).not_to_have_url(re.compile(r"/staff_"))
    for url in STAFF_URLS:
        visitor.open(url)
        visitor.expect_sign_in_only(*hidden)
    assert not cold_workspace.audit(action="login")


# --- 2. Sign-in, queue, review, follow-up, audit ----------------------------------------------------


def test_sign_in_then_review_and_follow_up_a_screen(workspace: Workspace, new_context, accounts) -> None:
    nurse_account, admin_account = accounts("intake", "admin")
    nurse = staff_member(new_context, workspace, nurse_account)
    nurse.open("/staff_signin")
    nurse.expect_sign_in_only(*hidden_words(workspace))

    # A wrong password and an unknown email get the same words, and no enrolment QR code.
    nurse.submit_sign_in(nurse_account.email, nurse_account.password + "x")
    expect(nurse.login_error).to_have_text(SIGN_IN_FAILED)
    wrong_password = nurse.login_error.inner_text()
    expect(nurse.input(PASSWORD_KEY)).to_have_value("")
    nurse.submit_sign_in("nobody.here@clinic.example.org", nurse_account.password)
    expect(nurse.login_error).to_have_text(SIGN_IN_FAILED)
    assert nurse.login_error.inner_text() == wrong_password
    nurse.submit_sign_in(nurse_account.email, nurse_account.password + "x", "123456")
    assert nurse.login_error.inner_text() == wrong_password
    expect(nurse.page.locator(key_class("totp-enrolment"))).to_have_count(0)

    # First sign-in: email and password alone show the QR code and the key, then the code signs in.
    nurse.submit_sign_in(nurse_account.email, nurse_account.password)
    enrolment = nurse.page.locator(key_class("totp-enrolment"))
    expect(enrolment).to_be_visible()
    qr = enrolment.get_by_role("img")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml"), "the QR code is not inline"
    grouped = " ".join(nurse_account.secret[i : i + 4] for i in range(0, len(nurse_account.secret), 4))
    expect(enrolment.get_by_test_id("stCode")).to_contain_text(grouped)
    expect(nurse.login_error).to_have_count(0)
    nurse.submit_sign_in(nurse_account.email, nurse_account.password, nurse_account.next_code())
    nurse.expect_queue()
    expect(nurse.page.get_by_text(f"Signed in as {nurse_account.email} (Intake)")).to_be_visible()

    # The queue: every screen, most urgent first (the urgent one although it is the newest).
    rows = nurse.grid_rows("queue-table", len(workspace.references))
    header, body = rows[0], rows[1:]
    column = {name: n for n, name in enumerate(header)}
    assert body[0][column["Reference"]] == workspace.urgent
    assert body[0][column["Suggestion"]] == "Urgent"
    assert {r[column["Reference"]] for r in body} == set(workspace.references.values())
    ranks = [PRIORITY_RANK[r[column["Priority"]]] for r in body]
    assert ranks == sorted(ranks), body
    outpatient = next(r for r in body if r[column["Reference"]] == workspace.references[OUTPATIENT])
    assert outpatient[column["Suggestion"]] == "Outpatient"

    # The review, opened by selecting the row: answers as worded for the respondent, and scores.
    nurse.select_row("queue-table", 0)
    expect(nurse.page).to_have_url(re.compile(r"/staff_review$"))
    expect(nurse.main.get_by_role("heading", name=f"Screen {workspace.urgent}")).to_be_visible()
    expect_review_shows(nurse, workspace.screens[URGENT])

    nurse.choose("review-status", staff_text.STATUSES["in_review"])
    nurse.click(nurse.button("review-status-submit"))
    expect(nurse.main.get_by_text("Status changed to In review.")).to_be_visible()
    expect(nurse.main.get_by_test_id("stMetric").filter(has_text="Status")).to_contain_text("In review")

    nurse.input("review-note").fill(NOTE)
    nurse.click(nurse.button("review-note-submit"))
    expect(nurse.main.get_by_text("Note added.")).to_be_visible()
    expect(nurse.main.get_by_text(NOTE, exact=True)).to_be_visible()
    history = (
        nurse.main.get_by_test_id("stTable").filter(has_text="From").filter(has_text=nurse_account.email)
    )
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr")).to_contain_text("In review")

    # The audit log: who opened, moved and annotated the screen, and nothing of the note.
    nurse_id = str(workspace.staff_id(nurse_account))
    on_screen = workspace.audit(target=workspace.urgent, actor=nurse_id)
    assert sorted(e.action for e in on_screen) == ["note_added", "screen_view", "status_change"], on_screen
    change = next(e for e in on_screen if e.action == "status_change")
    assert change.detail == {"from": "new", "to": "in_review"}, change
    assert all(NOTE not in repr(e) for e in workspace.audit())
    staff_target = f"staff:{nurse_id}"
    by_action = {e.action: e for e in workspace.audit(target=staff_target)}
    assert {"staff_added", "login_failed", "totp_enrolment_shown", "totp_enrolled", "login"} <= set(by_action)
    assert by_action["staff_added"].actor == "cli"
    failed = [e.detail.get("reason") for e in workspace.audit(action="login_failed")]
    assert "unknown" in failed and "credentials" in failed

    # The same entries on the administrator's audit page.
    admin = staff_member(new_context, workspace, admin_account)
    admin.open("/staff_signin")
    admin.sign_in()
    admin.go_to("Audit log")
    expect(admin.main.get_by_role("heading", name="Audit log")).to_be_visible()
    admin.choose("audit-actor", nurse_account.email)
    admin.input("audit-target").fill(workspace.urgent)
    admin.press_enter("audit-target")
    audit_rows = admin.grid_rows(None, 3)
    actions = {(r[2], r[3], r[4]) for r in audit_rows[1:]}
    assert actions == {
        (nurse_account.email, action, workspace.urgent)
        for action in ("screen_view", "status_change", "note_added")
    }


def expect_review_shows(member: StaffMember, screen: dict) -> None:
    """The result (suggestion, reasons, domain levels, instrument scores) and the answers, each
    question worded as the respondent saw it with the answer's label."""
    main = member.main
    result = evaluate({"respondent": screen["respondent"], "answers": screen["answers"]})
    expect(main.get_by_test_id("stMetric").filter(has_text="Suggestion")).to_contain_text(
        staff_text.DISPOSITIONS[result["disposition"]]
    )
    for reason in result["reasons"]:
        expect(main.get_by_text(reason["text"])).to_be_visible()
    tables = main.get_by_test_id("stTable")
    domains = tables.filter(has_text="Domain").first
    for name, value in result["domains"].items():
        label = texts.DOMAIN_LABELS.get(name, name.replace("_", " ").capitalize())
        expect(
            domains.get_by_role("row", name=f"{label} {value.get('level', '')}", exact=True)
        ).to_have_count(1)
    scores = tables.filter(has_text="Score and band").first
    for name in ("auditc", "phq9", "gad7"):
        row = scores.locator("tr").filter(has_text=texts.INSTRUMENT_MEANING[name][0])
        score = result["instruments"][name]
        expect(row).to_contain_text(f"{score['score']} ({texts.BAND_WORDS[score['band']]})")
    questionnaire = load_questionnaire()
    for item_id in ("about.age_band", "phq9.1", "safety.harm_others", "readiness.ruler"):
        item = questionnaire.items[item_id]
        question, _ = wording(item, screen["respondent"])
        answer = labels(item, screen["respondent"])[screen["answers"][item_id]]
        row = tables.locator("tr").filter(has_text=item_id)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(question)
        expect(row.locator("td").nth(1)).to_have_text(answer)


# --- 3. Admin pages refuse an intake member ----------------------------------------------------------


def test_an_intake_member_cannot_open_the_admin_pages(workspace: Workspace, new_context, accounts) -> None:
    nurse_account, _ = accounts("intake", "admin")  # an admin too: someone the accounts page would list
    nurse = staff_member(new_context, workspace, nurse_account)
    # Following a link to the audit log: the sign-in form there, then the refusal on that page.
    nurse.open("/staff_audit")
    nurse.expect_sign_in_only(*hidden_words(workspace))
    nurse.submit_sign_in(nurse_account.email, nurse_account.password, nurse_account.next_code())
    expect_refused(nurse, "/staff_audit")
    # The menu offers the intake pages only; typing the other address in this session is refused too.
    assert nurse.staff_menu() == ["Queue", "Screen review", "Insights"]
    nurse.visit("/staff_accounts")
    expect_refused(nurse, "/staff_accounts")

    nurse_id = str(workspace.staff_id(nurse_account))
    denied = {e.target for e in workspace.audit(action="access_denied", actor=nurse_id)}
    assert denied == {"page:staff_audit", "page:staff_accounts"}


def expect_refused(member: StaffMember, url: str) -> None:
    assert member.account is not None
    expect(member.page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(
        member.main.get_by_text("This page is for administrators only. The attempt has been recorded.")
    ).to_be_visible()
    for title in ("Audit log", "Staff accounts", "Add a staff member"):
        expect(member.main.get_by_role("heading", name=title)).to_have_count(0)
    for testid in ("stDataFrame", "stTable", "stForm", "stTextInput", "stSelectbox"):
        expect(member.main.get_by_test_id(testid)).to_have_count(0)
    shown = member.main.inner_text()
    assert {m.group(0) for m in EMAIL_PATTERN.finditer(shown)} == {member.account.email}, shown
    assert not re.search(r"\b(login|screen_view|staff:\d+)\b", shown), shown


# --- 4. Sign-out ------------------------------------------------------------------------------------


def test_sign_out_returns_to_the_sign_in_form(workspace: Workspace, new_context, accounts) -> None:
    (nurse_account,) = accounts("intake")
    nurse = staff_member(new_context, workspace, nurse_account)
    nurse.open("/staff_signin")
    nurse.sign_in()
    nurse.select_row("queue-table", 0)
    expect(nurse.main.get_by_role("heading", name=f"Screen {workspace.urgent}")).to_be_visible()

    nurse.sign_out()
    nurse.expect_sign_in_only(*hidden_words(workspace))
    expect(nurse.main.get_by_text("You are signed out.")).to_be_visible()
    for key in (PASSWORD_KEY, TOTP_KEY):
        expect(nurse.input(key)).to_have_value("")
    # Still the same browser session (nothing reloaded): Back, then every staff address in turn.
    nurse.back_in_history()
    expect(nurse.page).to_have_url(re.compile(r"/staff_queue$"))
    nurse.expect_sign_in_only(*hidden_words(workspace))
    for url in STAFF_URLS:
        nurse.visit(url)
        expect(nurse.page).to_have_url(re.compile(re.escape(url) + "$"))
        nurse.expect_sign_in_only(*hidden_words(workspace))
    # And in a new session, by address.
    nurse.open("/staff_review")
    nurse.expect_sign_in_only(*hidden_words(workspace))

    nurse_id = str(workspace.staff_id(nurse_account))
    assert [e.action for e in workspace.audit(actor=nurse_id, action="logout")] == ["logout"]


# --- 5. Screenshots -----------------------------------------------------------------------------


def test_screenshots_of_the_staff_pages(
    workspace: Workspace, new_context, accounts, screenshot_dir: Path
) -> None:
    nurse = staff_member(new_context, workspace, *accounts("intake"))
    nurse.page.set_viewport_size(DESKTOP)
    shots = []
    nurse.open("/staff_signin")
    nurse.expect_sign_in_only()
    shots.append(full_page(nurse, screenshot_dir / "staff-signin.png"))

    nurse.sign_in()
    nurse.grid_rows("queue-table", len(workspace.references))
    shots.append(full_page(nurse, screenshot_dir / "staff-queue.png"))

    nurse.select_row("queue-table", 0)
    expect_review_shows(nurse, workspace.screens[URGENT])
    nurse.wait_rendered()
    shots.append(full_page(nurse, screenshot_dir / "staff-review.png"))

    nurse.go_to("Insights")
    expect(nurse.main.get_by_role("heading", name="Insights")).to_be_visible()
    expect(nurse.main.get_by_test_id("stMetric").first).to_contain_text("Screens submitted")
    expect(nurse.main.get_by_test_id("stMetric").first).to_contain_text(str(len(workspace.references)))
    charts = nurse.main.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(4)
    for n in range(4):
        expect(charts.nth(n).locator(".main-svg").first).to_be_visible()
    nurse.wait_rendered()
    shots.append(full_page(nurse, screenshot_dir / "staff-insights.png"))

    for path in shots:
        width, height = png_size(path)
        assert width == DESKTOP["width"], path.name
        assert height >= DESKTOP["height"], path.name


# --- App bugs found here (strict xfail: they pass, and so fail the run, once fixed) ---------------


def test_cold_server_menu_lists_no_staff_page_to_a_visitor(cold_workspace: Workspace, new_context) -> None:
    # Until some session runs app.py, Streamlit would list every file in pages/ in its own
    # sidebar; client.showSidebarNavigation = false in .streamlit/config.toml turns that off.
    visitor = staff_member(new_context, cold_workspace)
    visitor.open("/staff_signin")
    visitor.expect_sign_in_only()
    shown = [
        text.strip().lower()
        for text in visitor.page.get_by_role("navigation").get_by_role("link").all_inner_texts()
    ]
    assert not [text for text in shown if "staff" in text], shown
    assert visitor.page.get_by_test_id("stSidebarNav").count() == 0


def test_insights_week_axes_show_days_not_clock_times(workspace: Workspace, new_context, accounts) -> None:
    weeks = {
        datetime.fromisoformat(s["submitted_at"]).date().isocalendar()[:2] for s in workspace.screens.values()
    }
    if len(weeks) != 1:
        pytest.skip("the screens span two weeks (run early on a Monday, UTC); the bug shows with one")
    nurse = staff_member(new_context, workspace, *accounts("intake"))
    nurse.open("/staff_signin")
    nurse.sign_in()
    nurse.go_to("Insights")
    ticks = {}
    for key in ("chart-weeks", "chart-urgent"):
        chart = nurse.page.locator(key_class(key))
        expect(chart.locator(".xtick").first).to_be_visible()
        ticks[key] = chart.locator(".xtick text").all_text_contents()
    clock_times = {key: [t for t in shown if re.search(r"\d\d:\d\d", t)] for key, shown in ticks.items()}
    assert not any(clock_times.values()), ticks
