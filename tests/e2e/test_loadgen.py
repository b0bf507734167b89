"""The load generator's protocol client stores what a browser stores (issue 13).

bench/capacity.py measures the app with virtual participants that speak Streamlit's WebSocket
protocol without a browser (bench/loadgen/). Its figures mean something only if such a
participant does what a person in Chromium does: here one walks through the screen with the
protocol client and one with the Playwright driver, with the same answers, on one fresh server,
and the two stored screens must be the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bench.loadgen.plan import plan_for
from bench.loadgen.streamlit_client import StreamlitSession
from bench.loadgen.walk import walk
from tests.support.browser_driver import Participant, streamlit_server, unseal

pytestmark = pytest.mark.e2e

# What makes two screens the same screen; ids, references, keys and times differ by nature.
COMPARED = "respondent, answers, result, disposition, priority, partial, consent_version, rules_version"


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = tmp_path / "loadgen.db"
    with streamlit_server(f"sqlite:///{database}", tmp_path / "server.log") as url:
        yield url, database


def stored(database: Path, reference: str) -> dict:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        row = conn.execute(f"SELECT {COMPARED} FROM screens WHERE reference = ?", (reference,)).fetchone()
        contacts = conn.execute(
            "SELECT COUNT(*) FROM contacts JOIN screens ON screens.id = contacts.screen_id "
            "WHERE screens.reference = ?",
            (reference,),
        ).fetchone()[0]
    assert row is not None, f"no screen stored under {reference}"
    screen = dict(zip([name.strip() for name in COMPARED.split(",")], row, strict=True))
    screen["answers"], screen["result"] = unseal(screen["answers"]), unseal(screen["result"])
    screen["contacts"] = contacts
    return screen


def test_protocol_client_stores_the_same_screen_as_the_browser(fresh_server, new_context) -> None:
    url, database = fresh_server
    session = StreamlitSession(url)
    try:
        by_protocol = walk(session, plan_for("self"))
    finally:
        session.close()

    person = Participant(new_context().new_page(), url)  # the driver's calm walk: the same answers
    person.open()
    person.start()
    person.walk_to_review({})
    person.see_result()
    by_browser = person.send()

    assert by_protocol != by_browser
    protocol_screen, browser_screen = stored(database, by_protocol), stored(database, by_browser)
    assert protocol_screen["respondent"] == "self"
    assert not protocol_screen["partial"]
    assert protocol_screen["contacts"] == 0
    assert protocol_screen == browser_screen
