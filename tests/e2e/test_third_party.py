"""Nothing a page does reaches a third party, and no address leaves in a Referer header.

Every request Chromium makes, and every one that fails, is recorded over a whole visit: a staff
URL on a cold server first, then the welcome, levels-of-care and families pages, every wizard
step, the review, the result, the crisis stop, and each staff page after signing in (queue, two
reviews, insights, audit log, staff accounts). The data is hostile: imported consent versions and
a staff email that are Markdown images and Streamlit extras. Any host but the app's own
127.0.0.1:port fails the test, and the hostile values must show as the text they are.

Then the resume code in the address: once a page has loaded, neither a request to another server
(fetch, image, followed link) nor one to the app itself may carry a Referer header.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from intake.db import dispose_engine
from tests.support.browser_driver import CALM_ANSWERS, Participant, full_answers, key_class

from .make_screenshots import SAFETY_STEP
from .staff_driver import (
    Account,
    StaffMember,
    StaffServer,
    add_account,
    import_screens,
    references_by_key,
    staff_server,
)

pytestmark = pytest.mark.e2e

# Each fits a consent version (32 characters). An image from another host, and Streamlit's
# colour, maths and icon Markdown.
IMAGE = "![i](https://tp.example/c.png)"
EXTRAS = ":red[x] $$y$$ :material/home:"
STAFF_EMAIL = "![i](https://tp.example/s.png)@clinic.example.org"
NOTE = "Left a message."
_HAS_NO_REFERRER = """() => document.head.querySelector('meta[name="referrer"]')?.content === 'no-referrer'"""


@dataclass
class Traffic:
    """Every URL the browser asked for (requests, failed requests, websockets), in one context."""

    base_url: str
    seen: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.on("request", lambda request: self.seen.append(request.url))
        context.on("requestfailed", lambda request: self.seen.append(request.url))
        context.on("page", lambda page: page.on("websocket", lambda socket: self.seen.append(socket.url)))

    def elsewhere(self) -> list[str]:
        own = urlsplit(self.base_url).netloc
        return sorted({url for url in self.seen if not _is_own(url, own)})


def _is_own(url: str, own: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):  # made in the page: nothing is sent anywhere
        return True
    return parts.scheme in ("http", "ws") and parts.netloc == own


@dataclass
class Site:
    server: StaffServer
    admin: Account
    image_screen: str
    extras_screen: str


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A server of its own, not yet visited by anyone (cold), with two imported screens whose
    consent versions are Markdown, and an administrator whose email is a Markdown image."""
    with staff_server(tmp_path) as server:
        now = datetime.now(UTC)
        import_screens(
            server,
            [
                {
                    "respondent": "self",
                    "answers": full_answers(CALM_ANSWERS),
                    "submitted_at": (now - timedelta(minutes=n + 1)).isoformat(),
                    "submission_key": key,
                    "consent_version": version,
                }
                for n, (key, version) in enumerate((("image", IMAGE), ("extras", EXTRAS)))
            ],
        )
        references = references_by_key(server)
        admin = add_account(server, STAFF_EMAIL, "admin")
        yield Site(server, admin, references["image"], references["extras"])
    dispose_engine(server.database_url)


def expect_no_referrer_meta(page: Page) -> None:
    page.wait_for_function(_HAS_NO_REFERRER)


def walk_participant_pages(context: BrowserContext, base_url: str) -> None:
    person = Participant(context.new_page(), base_url)
    for path in ("/", "/levels_of_care", "/families", "/"):
        person.open(path)
        expect_no_referrer_meta(person.page)
    person.start()
    person.walk_to_review(CALM_ANSWERS)
    person.see_result()
    expect(person.page.locator('[data-testid="stPlotlyChart"]')).to_be_visible()

    crisis = Participant(context.new_page(), base_url)
    crisis.open()
    crisis.start()
    crisis.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    crisis.answer("safety.harm_others", True)
    expect(crisis.page.locator(key_class("crisis-page"))).to_be_visible()


def open_review(member: StaffMember, reference: str) -> None:
    member.go_to("Queue")
    member.input("queue-open-ref").fill(reference)
    member.click(member.button("queue-open"))
    expect(member.main.get_by_role("heading", name=f"Screen {reference}")).to_be_visible()
    member.wait_rendered()


def expect_consent_as_text(member: StaffMember, version: str) -> None:
    caption = member.main.get_by_test_id("stCaptionContainer").filter(has_text="Consent version")
    # ui.markup puts an invisible word joiner after the colon of ":material/" (no icon is drawn).
    shown = version.replace(":material/", ":\u2060material/")
    expect(caption).to_contain_text(f"Consent version {shown} (given")
    expect(caption.locator("img, a, .katex, [data-testid='stIconMaterial']")).to_have_count(0)


def walk_staff_pages(context: BrowserContext, site: Site) -> None:
    member = StaffMember(context.new_page(), site.server.url, site.admin)
    member.open("/staff_signin")
    member.sign_in()
    expect(member.page.get_by_text(f"Signed in as {STAFF_EMAIL} (Admin)")).to_be_visible()

    open_review(member, site.image_screen)
    expect_consent_as_text(member, IMAGE)
    member.click(member.button("review-assign-me"))  # the email in the message and the label
    expect(member.main.get_by_text(f"Assigned to {STAFF_EMAIL}.", exact=True)).to_be_visible()
    member.input("review-note").fill(NOTE)
    member.click(member.button("review-note-submit"))
    expect(member.main.get_by_text(NOTE, exact=True)).to_be_visible()
    note_caption = member.main.get_by_test_id("stCaptionContainer").filter(has_text=f"{STAFF_EMAIL} · ")
    expect(note_caption).to_have_count(1)
    expect(member.main.locator("img[src*='tp.example'], a[href*='tp.example']")).to_have_count(0)

    open_review(member, site.extras_screen)
    expect_consent_as_text(member, EXTRAS)
    for title in ("Insights", "Audit log", "Staff accounts"):
        member.go_to(title)
        expect(member.main.get_by_role("heading", name=title)).to_be_visible()
        member.wait_rendered()
    expect(member.main.locator("img[src*='tp.example'], a[href*='tp.example']")).to_have_count(0)


def test_no_page_asks_any_other_host_for_anything(site: Site, new_context) -> None:
    traffic = Traffic(site.server.url)
    context = new_context()
    traffic.watch(context)

    # The first page this server ever serves is a staff page, straight from pages/ (no router).
    cold = StaffMember(context.new_page(), site.server.url)
    cold.open("/staff_queue")
    expect(cold.main.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    expect_no_referrer_meta(cold.page)

    walk_participant_pages(context, site.server.url)
    walk_staff_pages(context, site)
    for page in context.pages:
        page.evaluate("() => document.fonts.ready")

    assert len(traffic.seen) > 100, "the visit was not recorded"
    assert traffic.elsewhere() == [], f"requests to other hosts: {traffic.elsewhere()}"


# --- The Referer header ----------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    """Another web server: notes the path and Referer of every request."""

    seen: list[tuple[str, str | None]]

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Referer")))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def other_server() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    seen: list[tuple[str, str | None]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def wait_for(seen: list, count: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while len(seen) < count:
        assert time.monotonic() < deadline, f"the other server got {seen}, not {count} requests"
        time.sleep(0.05)


def test_no_request_or_link_carries_the_address_with_the_resume_code(
    page: Page, server_url: str, other_server
) -> None:
    other, seen = other_server
    person = Participant(page, server_url)
    person.open()
    person.start()
    code = person.save()
    assert code.replace("-", "") in page.url.replace("-", ""), page.url  # the code is in the address
    expect_no_referrer_meta(page)

    with page.expect_request(lambda r: r.url.endswith("/_stcore/health")) as own:
        page.evaluate("() => fetch('/_stcore/health')")
    assert "referer" not in own.value.all_headers(), own.value.all_headers()

    page.evaluate(
        """(other) => {
          fetch(other + '/fetch', {mode: 'no-cors'});
          new Image().src = other + '/image';
        }""",
        other,
    )
    wait_for(seen, 2)
    page.evaluate(
        """(other) => {
          const link = document.createElement('a');
          link.href = other + '/link';
          link.textContent = 'elsewhere';
          document.body.append(link);
          link.click();
        }""",
        other,
    )
    page.wait_for_url(f"{other}/link")
    wait_for(seen, 3)
    # Only what the app's page sent: the page at /link may go on to ask for its own favicon.
    sent = {path: referer for path, referer in seen if path in ("/fetch", "/image", "/link")}
    assert sent == {"/fetch": None, "/image": None, "/link": None}
