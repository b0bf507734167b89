"""Failover with nothing lost: the replica serving a browser is SIGKILLed, and the browser goes on
through nginx on another one.

Three replicas, so each test can kill the one serving it and still leave two. What a person
sees is checked, then what was stored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scoring import evaluate
from tests.e2e.staff_driver import StaffMember, add_account
from tests.e2e.test_participant import IOP_ANSWERS
from tests.support.browser_driver import _IDLE_JS, Participant, full_answers

from .cluster import Cluster, cluster_database

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]

CLUSTER_REPLICAS = 3
HALFWAY = 5  # of about ten steps; steps 1 to 4 were saved by Next
_CODE = re.compile(r"[?&]resume=([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})")


def _kill_and_reconnect(cluster: Cluster, person: Participant) -> None:
    """SIGKILL the replica serving this page, and wait until Streamlit's frontend has opened its
    WebSocket again, through nginx, to another replica. The page still shows what it showed:
    the new replica has a fresh session for it and runs nothing until the person does something."""
    dead = cluster.serving()
    cluster.kill(dead)
    assert cluster.serving(timeout=30) != dead
    person.page.wait_for_function(_IDLE_JS)
    assert cluster.running(), "run-cluster.sh stopped when one replica died:\n" + cluster.tail()
    said = f"replica {dead.number} (port {dead.port}) exited with status 137; still serving on"
    assert said in cluster.output.read_text(), cluster.tail()


def test_a_replica_dies_mid_screen_and_nothing_is_lost(cluster: Cluster, new_context) -> None:
    person = Participant(new_context().new_page(), cluster.url)
    person.open("/")
    person.start()
    person.walk_to_step(HALFWAY, IOP_ANSWERS)
    code = _CODE.search(person.page.url)
    assert code, person.page.url

    _kill_and_reconnect(cluster, person)

    # They go on answering: the first click runs on the new replica, which opens the draft
    # named in the address. The same step, the same code, and the earlier answers still chosen.
    person.expect_step(HALFWAY)
    person.answer_step(IOP_ANSWERS)
    person.expect_step(HALFWAY)
    expect(person.page).to_have_url(re.compile(rf"[?&]resume={code.group(1)}"))
    person.back()
    person.expect_step(HALFWAY - 1)
    shown = [item_id for item_id in person.item_ids if person.item(item_id).count()]
    assert shown
    for item_id in shown:
        assert person.checked_label(item_id) == person.label_of(item_id, full_answers(IOP_ANSWERS)[item_id])

    person.walk_to_review(IOP_ANSWERS)
    person.see_result()
    reference = person.send()

    screens = cluster.screens()
    assert [screen["reference"] for screen in screens] == [reference]
    answers = full_answers(IOP_ANSWERS)
    assert screens[0]["answers"] == answers
    assert screens[0]["disposition"] == evaluate({"respondent": "self", "answers": answers})["disposition"]
    assert screens[0]["disposition"] == "iop"


def test_staff_on_a_dead_replica_are_asked_to_sign_in_again(
    cluster: Cluster, new_context, tmp_path: Path
) -> None:
    """The staff session token lives only in the replica's memory (ui/staff/state.py), so a
    staff member whose replica dies is signed out: the next replica shows the sign-in form, with
    nothing of the workspace, and a fresh sign-in works there."""
    account = add_account(cluster_database(cluster, tmp_path), "desk@clinic.example.org", "intake")
    member = StaffMember(new_context().new_page(), cluster.url, account)
    member.open("/staff_signin")
    member.sign_in()

    _kill_and_reconnect(cluster, member)

    # The queue still shows until they do something; the first click asks them to sign in.
    member.expect_queue()
    member.click(member.button("queue-open"))
    member.expect_sign_in_only()
    member.sign_in()
    member.expect_queue()
