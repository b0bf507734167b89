"""Resume-code rate limiting as a participant meets it, on a server of its own: wrong codes
counted against an address must never leak into the other browser tests' address.

Two people share an address here the way a clinic's or a household's network shares one: the
deployment's proxy passes the client address as X-Forwarded-For (docs/deployment.md), and each
context sends the same one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser_driver import CALM_ANSWERS, Participant, streamlit_server

pytestmark = pytest.mark.e2e

SHARED_ADDRESS = {"X-Forwarded-For": "198.51.100.20"}
TOO_MANY = "Too many wrong resume codes"
WRONG_CODES = [f"2222-2222-22{a}{b}" for a, b in ("23", "24", "25", "26", "27", "28")]


@pytest.fixture(scope="module")
def limits_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("e2e-limits")
    with streamlit_server(f"sqlite:///{folder / 'limits.db'}", folder / "server.log") as url:
        yield url


def test_reload_while_the_address_is_blocked_keeps_the_resume_code(new_context, limits_server: str) -> None:
    """BUG (ui/participant/state.py restore_from_query): on any problem, including the temporary
    TooManyAttempts, the resume code is dropped from the address. Someone who never clicked
    Save has the code only there: after a reload during the block their answers are out of
    reach for good, and the page just says no screen is open."""
    person = Participant(new_context(extra_http_headers=SHARED_ADDRESS).new_page(), limits_server)
    person.open()
    person.start()
    person.finish_step(CALM_ANSWERS)
    person.expect_step(2)
    code = re.search(r"resume=([2-9A-HJ-NP-Z-]{14})", person.page.url)
    assert code, person.page.url

    # Someone else on the same network mistypes a code until the address is blocked.
    neighbour = Participant(new_context(extra_http_headers=SHARED_ADDRESS).new_page(), limits_server)
    neighbour.open()
    for wrong in WRONG_CODES:
        neighbour.resume(wrong)
    expect(neighbour.page.get_by_text(re.compile(TOO_MANY))).to_be_visible()

    person.reload()
    # Refusing a right code during the block is by design; forgetting it is not.
    expect(person.page).to_have_url(re.compile(rf"[?&]resume={code.group(1)}\b"))
