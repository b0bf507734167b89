"""Browser tests: one real ``streamlit run`` server per session, Chromium from Debian, and a
fresh browser context per test. Skipped (with the reason) where /usr/bin/chromium is absent;
install it with ``apt-get install chromium`` (no browser is downloaded).

When a test fails, a full-page screenshot of each of its pages and the tail of the server's
output are saved under the test's temporary folder, and the path is printed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.support.browser_driver import CHROMIUM, LAUNCH_ARGS, Participant, streamlit_server, unseal

from .make_screenshots import OUT_DIR

VIEWPORT = {"width": 1280, "height": 900}
# A cold server imports plotly and friends on the first page: allow some slack on 2 cores.
expect.set_options(timeout=15_000)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshot tests write: a temporary folder, so a test run leaves the checkout
    as it was; docs/screenshots/ (tracked, shown in the README) only with REFRESH_SCREENSHOTS=1."""
    if os.environ.get("REFRESH_SCREENSHOTS") == "1":
        return OUT_DIR
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-server") / "server.log"


@pytest.fixture(scope="session")
def server_url(server_log: Path) -> Iterator[str]:
    database = server_log.parent / "e2e.db"
    with streamlit_server(f"sqlite:///{database}", server_log) as url:
        yield url


@pytest.fixture
def stored_screen(server_log: Path):
    """``stored_screen(reference)``: what the server stored for a sent screen, read straight
    from its database."""

    def read(reference: str) -> dict:
        database = server_log.parent / "e2e.db"
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
            row = conn.execute(
                "SELECT id, respondent, answers, disposition, partial, language FROM screens WHERE reference = ?",
                (reference,),
            ).fetchone()
            assert row is not None, f"no screen stored under {reference}"
            contacts = conn.execute("SELECT COUNT(*) FROM contacts WHERE screen_id = ?", (row[0],)).fetchone()
        return {
            "respondent": row[1],
            "answers": unseal(row[2]),
            "disposition": row[3],
            "partial": bool(row[4]),
            "language": row[5],
            "has_contact": contacts[0] > 0,
        }

    return read


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """``new_context(**options)`` opens another fresh context (another person, or the same person
    on another device); all are closed at the end of the test."""
    made: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(viewport=options.pop("viewport", VIEWPORT), **options)
        context.set_default_timeout(30_000)
        made.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _keep_evidence(made, request, tmp_path)
    for context in made:
        context.close()


def _keep_evidence(contexts: list[BrowserContext], request: pytest.FixtureRequest, folder: Path) -> None:
    shots = []
    for c, context in enumerate(contexts):
        for p, page in enumerate(context.pages):
            path = folder / f"failure-context{c}-page{p}.png"
            try:
                page.screenshot(path=path, full_page=True)
                shots.append(str(path))
            except Exception as exc:  # the page may be gone; the other evidence still helps
                shots.append(f"{path}: {exc}")
    log = request.getfixturevalue("server_log")
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:]) if log.exists() else ""
    print("\nscreenshots:\n  " + "\n  ".join(shots) + f"\nserver output ({log}):\n{tail}")


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture
def participant(page: Page, server_url: str) -> Participant:
    person = Participant(page, server_url)
    person.open()
    return person
