"""Two replicas behind nginx, through HTTPS in Chromium (which trusts only the tests' own CA).

One visit walks every participant page (welcome, levels of care, families, each wizard step,
Save and resume, the crisis stop, review, result with its chart, the PDF, sending) and every
staff page (sign-in, queue with its CSV export, review with its FHIR export, insights, audit
log, staff accounts, alerts), recording every response Chromium sees and every Content
Security Policy violation the pages report. The tests then check what it recorded.
"""

from __future__ import annotations

import re
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from scoring import evaluate
from tests.e2e.make_screenshots import SAFETY_STEP
from tests.e2e.staff_driver import StaffMember, add_account, strong_password
from tests.support.browser_driver import CALM_ANSWERS, Participant, full_answers, key_class

from .cluster import Cluster, cluster_database
from .conftest import VIEWPORT
from .tls import Pki

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]

SECURITY_HEADERS = {
    "strict-transport-security": re.compile(r"^max-age=\d{7,}"),
    "x-frame-options": re.compile(r"^DENY$"),
    "referrer-policy": re.compile(r"^no-referrer$"),
    "x-content-type-options": re.compile(r"^nosniff$"),
    "content-security-policy": re.compile(r"frame-ancestors 'none'"),
}
# Reported by the page itself (an init script runs in every document before the page's own
# scripts), and by Chromium on the console; either is a violation.
_REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
    + ' at ' + (e.sourceFile || '') + ':' + e.lineNumber);
});"""
_CSP_CONSOLE = re.compile(r"CSP violation|Content[- ]Security[- ]Policy|Refused to", re.IGNORECASE)
TOO_MANY = "Too many wrong resume codes"


@dataclass
class Visit:
    """What one walk through every page recorded."""

    responses: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    _pending: list[Response] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # what was seen, in order
    reference: str = ""
    resume_code: str = ""

    def watch(self, context: BrowserContext) -> None:
        # Every response from the network: Chromium's HTTP cache keeps a response without its
        # Strict-Transport-Security header, and routing requests turns that cache off.
        context.route("**/*", lambda route: route.continue_())
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("response", self._record)
        context.on("console", self._console)

    def _record(self, response: Response) -> None:
        self._pending.append(response)

    def read_headers(self) -> None:
        """Every response's headers as received (``all_headers``: ``headers`` leaves out some,
        Strict-Transport-Security among them), read while its page is still open."""
        for response in self._pending:
            self.responses.append((response.url, response.status, response.all_headers()))
        self._pending.clear()

    def _console(self, message) -> None:
        if _CSP_CONSOLE.search(message.text):
            where = message.page.url if message.page else "?"
            self.violations.append(f"{where}: {message.text[:300]}")  # a data: URI can be long
        elif message.type == "error":
            self.console_errors.append(message.text)

    def saw(self, name: str, page: Page) -> None:
        page.evaluate("() => document.fonts.ready")
        self.pages.append(name)


def walk_participant(visit: Visit, context: BrowserContext, url: str) -> None:
    person = Participant(context.new_page(), url)
    for path, name in (("/", "welcome"), ("/levels_of_care", "levels of care"), ("/families", "families")):
        person.open(path)
        visit.saw(name, person.page)
    person.open("/")
    person.start()
    visit.saw("step 1", person.page)
    while not person.on_review():
        person.finish_step(CALM_ANSWERS)
        visit.saw(f"step {person.step_number() or 'review'}", person.page)
    person.see_result()
    expect(person.page.locator('[data-testid="stPlotlyChart"]')).to_be_visible()
    visit.saw("result", person.page)
    with person.page.expect_download() as download:
        person.button("download-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    visit.saw("pdf", person.page)
    visit.reference = person.send()
    visit.saw("sent", person.page)

    # Another person saves at step 1, opens the screen again by its code, and stops at crisis.
    other = Participant(context.new_page(), url)
    other.open("/")
    other.start()
    visit.resume_code = other.save()
    visit.saw("saved", other.page)
    again = Participant(context.new_page(), url)
    again.open("/")
    again.resume(visit.resume_code)
    again.expect_step(1)
    visit.saw("resumed", again.page)
    again.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    again.answer("safety.harm_others", True)
    expect(again.page.locator(key_class("crisis-page"))).to_be_visible()
    visit.saw("crisis", again.page)


def walk_staff(visit: Visit, context: BrowserContext, cluster: Cluster, folder: Path) -> None:
    admin = add_account(cluster_database(cluster, folder), "admin@clinic.example.org", "admin")
    member = StaffMember(context.new_page(), cluster.url, admin)
    member.open("/staff_signin")
    visit.saw("sign-in", member.page)
    member.sign_in()
    member.wait_rendered()
    visit.saw("queue", member.page)
    member.main.get_by_text("Export the filtered queue (CSV)").click()
    member.click(member.button("queue-export"))
    with member.page.expect_download() as download:
        member.button("queue-download").click()
    assert download.value.suggested_filename.endswith(".csv")
    visit.saw("queue export", member.page)

    member.input("queue-open-ref").fill(visit.reference)
    member.click(member.button("queue-open"))
    expect(member.main.get_by_role("heading", name=f"Screen {visit.reference}")).to_be_visible()
    member.wait_rendered()
    visit.saw("review", member.page)
    member.click(member.button("review-fhir"))
    with member.page.expect_download() as download:
        member.button("review-fhir-download").click()
    assert download.value.suggested_filename.endswith(".json")
    visit.saw("review export", member.page)
    for title in ("Insights", "Audit log", "Staff accounts", "Alerts"):
        member.go_to(title)
        expect(member.main.get_by_role("heading", name=title, exact=True)).to_be_visible()
        member.wait_rendered()
        visit.saw(title.lower(), member.page)
        if title == "Staff accounts":  # adding someone shows their QR code (an SVG data: URI)
            member.input("staff-add-email").fill("new.colleague@clinic.example.org")
            member.input("staff-add-password").fill(strong_password())
            member.click(member.button("staff-add-submit"))
            expect(member.page.locator(f"{key_class('staff-new-secret')} img")).to_be_visible()
            visit.saw("new member's QR code", member.page)
    member.sign_out()
    visit.saw("signed out", member.page)


@pytest.fixture(scope="module")
def visit(cluster: Cluster, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    seen = Visit()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    seen.watch(context)
    folder = tmp_path_factory.mktemp("visit")
    try:
        walk_participant(seen, context, cluster.url)
        walk_staff(seen, context, cluster, folder)
        seen.read_headers()
    except Exception:
        for n, page in enumerate(context.pages):
            page.screenshot(path=folder / f"failure-{n}.png", full_page=True)
        print(f"screenshots in {folder}\nrun-cluster.sh output:\n{cluster.tail()}")
        raise
    finally:
        context.close()  # its pages' WebSockets would confuse cluster.serving() later
    yield seen


def test_a_participant_completes_a_screen_through_the_proxy(visit: Visit, cluster: Cluster) -> None:
    answers = full_answers(CALM_ANSWERS)
    stored = [screen for screen in cluster.screens() if screen["reference"] == visit.reference]
    assert len(stored) == 1
    assert stored[0]["answers"] == answers
    assert stored[0]["disposition"] == evaluate({"respondent": "self", "answers": answers})["disposition"]


def test_no_page_breaks_the_content_security_policy(visit: Visit) -> None:
    for name in ("welcome", "step 1", "review", "result", "pdf", "resumed", "crisis", "sign-in"):
        assert name in visit.pages, visit.pages
    for name in ("queue export", "review export", "insights", "audit log", "staff accounts", "alerts"):
        assert name in visit.pages, visit.pages
    for name in ("new member's QR code", "signed out"):
        assert name in visit.pages, visit.pages
    assert visit.violations == [], "\n".join(visit.violations)


def test_every_response_carries_the_security_headers(visit: Visit, cluster: Cluster) -> None:
    ours = [(url, status, headers) for url, status, headers in visit.responses if url.startswith(cluster.url)]
    kinds = {
        "document": any(url.rstrip("/") == cluster.url for url, _, _ in ours),
        "script": any(re.search(r"/static/js/.+\.js$", url) for url, _, _ in ours),
        "style": any(re.search(r"/static/css/.+\.css$", url) for url, _, _ in ours),
        "/_stcore/": any("/_stcore/" in url for url, _, _ in ours),
        "/media/": any("/media/" in url for url, _, _ in ours),
    }
    assert all(kinds.values()), f"the visit did not fetch every kind of response: {kinds}"
    missing = []
    for url, status, headers in ours:
        for name, pattern in SECURITY_HEADERS.items():
            if not pattern.search(headers.get(name, "")):
                missing.append(f"{status} {url}: {name}={headers.get(name)!r}")
    assert not missing, f"{len(missing)} of {len(ours)} responses lack headers:\n" + "\n".join(missing[:30])
    assert len(visit.responses) == len(ours), "a response from another host"


def _get(url: str, context: ssl.SSLContext) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, context=context, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def _outside_address() -> str:
    """This machine's address on its network (not loopback): how another machine reaches it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route
        return probe.getsockname()[0]


def test_metrics_and_readiness_are_not_for_the_internet(
    cluster: Cluster, tls_context: ssl.SSLContext, pki: Pki
) -> None:
    status, headers = _get(f"{cluster.url}/_stcore/metrics", tls_context)
    assert status == 403
    assert headers.get("x-frame-options") == "DENY"  # the proxy's own answer has the headers too
    assert _get(f"{cluster.url}/_stcore/script-health-check", tls_context)[0] == 200  # from this machine

    outside = _outside_address()
    assert not outside.startswith("127."), outside
    # The certificate names localhost, not this address: the chain is still checked.
    unchecked_name = ssl.create_default_context(cafile=str(pki.ca_cert))
    unchecked_name.check_hostname = False
    base = f"https://{outside}:{cluster.port}"
    assert _get(f"{base}/_stcore/script-health-check", unchecked_name)[0] == 403
    assert _get(f"{base}/_stcore/metrics", unchecked_name)[0] == 403
    assert _get(f"{base}/_stcore/health", unchecked_name)[0] == 200  # liveness stays open


def test_wrong_codes_spread_over_both_replicas_still_block(cluster: Cluster, new_context) -> None:
    """Five wrong resume codes, some on each replica, from one address: the sixth try is refused
    on either replica, even with a right code and a made-up X-Forwarded-For (nginx appends the
    address it saw, and the app takes the last entry: IOP_TRUSTED_PROXIES=1). Runs last in this
    module: the block lasts IOP_RESUME_WINDOW_MINUTES for every page from this machine."""
    right_code = _saved_code(cluster, new_context)
    first = Participant(new_context().new_page(), cluster.url)
    first.open("/")
    on_first = cluster.serving()
    second = None
    for _ in range(12):  # each new browser gets a random route: about one in two lands elsewhere
        candidate = Participant(new_context().new_page(), cluster.url)
        candidate.open("/")
        counts = cluster.connections()
        if any(n for replica, n in counts.items() if replica != on_first):
            second = candidate
            break
        candidate.page.context.close()
    assert second is not None, "every new browser was sent to the same replica"

    wrong = [f"2222-2222-22{n}" for n in (23, 24, 25, 26, 27)]
    for person, code in zip((first, second, first, second, first), wrong, strict=True):
        person.resume(code)
        expect(person.page.get_by_text(re.compile(TOO_MANY))).to_have_count(0)

    # A right code, from a browser claiming another address, on the replica that saw only two.
    forged = Participant(
        new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.9"}).new_page(), cluster.url
    )
    forged.open("/")
    forged.resume(right_code)
    expect(forged.page.get_by_text(re.compile(TOO_MANY))).to_be_visible()
    first.resume("2222-2222-2228")
    expect(first.page.get_by_text(re.compile(TOO_MANY))).to_be_visible()


def _saved_code(cluster: Cluster, new_context) -> str:
    person = Participant(new_context().new_page(), cluster.url)
    person.open("/")
    person.start()
    code = person.save()
    person.page.context.close()
    return code
