"""One virtual participant's walk through the screen, over the protocol client: open the site,
say who is answering and consent, start, answer each step one question at a time (a rerun per
answer, as a browser sends one per click), press Next, see the result, send it.

It reads the page only through widget keys (the app's automation contract: keys are item ids,
``nav-*`` for the wizard's buttons), so the same walk drives the app and the bare floor.
``record(name, seconds)`` gets every request's time: "open", "answer", "start", "next" (a
step's Next), "result" (the review's "See my result", the same ``nav-next`` key: it draws the
result page, chart and PDF, a cost of its own) and "submit". Nothing about the answers is
recorded.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from bench.loadgen.plan import Plan
from bench.loadgen.streamlit_client import ProtocolError, Run, StreamlitSession

REFERENCE = re.compile(r"IOP-[0-9A-Z]{4}-[0-9A-Z]{4}")
MAX_REQUESTS = 300  # a walk is about 100 requests; more means the page stopped moving on

Record = Callable[[str, float], None]


def _checked(run: Run, what: str) -> Run:
    if run.exceptions:
        raise ProtocolError(f"{what}: the page showed {run.exceptions}")
    return run


def walk(
    session: StreamlitSession,
    plan: Plan,
    *,
    think: float = 0.0,
    record: Record | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Walk from the welcome page to a sent screen; return the reference the page shows.
    ``think`` seconds pass before every answer and every button press."""
    note = record or (lambda _name, _seconds: None)

    def act(name: str, request: Callable[[], Run]) -> Run:
        if think:
            sleep(think)
        run = _checked(request(), name)
        note(name, run.seconds)
        return run

    note("open", _checked(session.open("/"), "open").seconds)
    session.select("respondent", plan.respondent_label)
    act("answer", session.rerun)
    session.check("consent")
    act("answer", session.rerun)
    act("start", lambda: session.click("nav-start"))
    for _ in range(MAX_REQUESTS):
        if "nav-submit" in session.widgets:
            break
        todo = [key for key in session.widgets if key in plan.choices and not session.has_value(key)]
        if todo:
            # One answer per request: a follow-up question may appear after its parent's.
            choice = plan.choices[todo[0]]
            if isinstance(choice, list):
                session.pick(todo[0], choice)
            else:
                session.select(todo[0], choice)
            act("answer", session.rerun)
        elif "nav-next" in session.widgets:
            # The review is the page with "Change this section" buttons (edit-<section>).
            review = any(key.startswith("edit-") for key in session.widgets)
            act("result" if review else "next", lambda: session.click("nav-next"))
        else:
            raise ProtocolError("a page with neither questions to answer nor a Next button")
    else:
        raise ProtocolError(f"no result page after {MAX_REQUESTS} requests")
    sent = act("submit", lambda: session.click("nav-submit"))
    found = [m.group(0) for text in sent.texts() if (m := REFERENCE.search(text))]
    if not found or "nav-submit" in session.widgets:
        raise ProtocolError("the send did not show a reference")
    return found[0]
