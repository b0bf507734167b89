"""Sending a screen to intake: an optional, validated contact request, then one stored screen.

The submit is idempotent (the wizard's submission key is chosen before the first try), so a
double click or a retry after a dropped connection stores the screen once.
"""

from __future__ import annotations

import logging

import streamlit as st

from intake import Unavailable
from intake.contact import contact_problems
from intake.usecases import participant
from intake.vocab import EMAIL_MAX_CHARS
from scoring import ScreenInvalid, evaluate, load_questionnaire
from scoring.vocab import Disposition
from ui.i18n import current_language, texts
from ui.participant import state as ws
from ui.participant.state import Stage

log = logging.getLogger(__name__)

CONTACT_KEYS = {
    "name": "contact-name",
    "phone": "contact-phone",
    "email": "contact-email",
    "best_time": "contact-best-time",
    "voicemail_ok": "contact-voicemail",
}
WANTED_KEY = "contact-wanted"


def screen_of(wizard: ws.Wizard) -> dict:
    return {"respondent": wizard.respondent, "answers": load_questionnaire().prune(wizard.answers)}


def _contact_from_widgets() -> dict:
    held = ws.widget_values(CONTACT_KEYS.values())
    data = {field: held.get(key) for field, key in CONTACT_KEYS.items()}
    data["name"] = str(data["name"] or "").strip()
    data["best_time"] = data["best_time"] or "any"
    data["voicemail_ok"] = bool(data["voicemail_ok"])  # unanswered: do not leave a voicemail
    return data


def on_submit() -> None:
    wizard = ws.current()
    if wizard is None or wizard.reference is not None:
        return
    contact = None
    wizard.contact_problems = {}
    if ws.widget_values([WANTED_KEY]).get(WANTED_KEY):
        contact = _contact_from_widgets()
        problems = contact_problems(contact)
        if problems:
            wizard.contact_problems = problems
            return
    screen = screen_of(wizard)
    try:
        result = evaluate(screen)
    except ScreenInvalid:
        wizard.problem = texts.SUBMIT_INCOMPLETE
        return
    try:
        reference = participant.submit(
            submission_key=wizard.submission_key,
            respondent=wizard.respondent,
            answers=screen["answers"],
            result=result,
            consent_version=wizard.consent_version,
            consented_at=wizard.consented_at,
            contact=contact,
            draft_code=wizard.code,
            language=current_language(),
        )
    except Unavailable:
        log.warning("screen submit failed")
        wizard.problem = texts.SUBMIT_FAILED
        return
    wizard.reference, wizard.problem, wizard.code = reference, None, None
    if wizard.stage is Stage.RESULT:
        wizard.stage = Stage.SENT
    ws.forget_widgets(CONTACT_KEYS.values())  # contact details need not linger in the session
    ws.forget_code()
    # Apart from the screen's own transaction: a retried submit (same key) must not count twice.
    ws.count(wizard, "submit")
    ws.write_counts(wizard)


def what_happens_next(result: dict) -> str:
    if result["disposition"] == Disposition.URGENT:
        return texts.WHAT_HAPPENS_NEXT["urgent"]
    if "same_day_contact" in result["flags"]:
        return texts.WHAT_HAPPENS_NEXT["same_day"]
    return texts.WHAT_HAPPENS_NEXT["routine"]


def _problem(wizard: ws.Wizard, field: str) -> None:
    message = wizard.contact_problems.get(field)
    if message:
        st.error(message.split(": ", 1)[-1].capitalize())


def submit_form(wizard: ws.Wizard) -> None:
    if wizard.reference is not None:
        st.success(texts.SUBMITTED.format(reference=wizard.reference))
        st.markdown(what_happens_next(evaluate(screen_of(wizard))))
        return
    st.header(texts.SUBMIT_TITLE, anchor=False)
    st.write(texts.SUBMIT_INTRO)
    if wizard.problem:
        st.error(wizard.problem)
    if st.checkbox(texts.CONTACT_WANTED, key=WANTED_KEY):
        st.text_input(texts.CONTACT_FIELDS["name"], key=CONTACT_KEYS["name"], max_chars=80)
        _problem(wizard, "name")
        st.text_input(texts.CONTACT_FIELDS["phone"], key=CONTACT_KEYS["phone"], max_chars=25)
        _problem(wizard, "phone")
        st.text_input(texts.CONTACT_FIELDS["email"], key=CONTACT_KEYS["email"], max_chars=EMAIL_MAX_CHARS)
        _problem(wizard, "email")
        st.radio(
            texts.CONTACT_FIELDS["best_time"],
            list(texts.BEST_TIMES),
            index=None,
            format_func=texts.BEST_TIMES.__getitem__,
            key=CONTACT_KEYS["best_time"],
            horizontal=True,
        )
        st.radio(
            texts.CONTACT_FIELDS["voicemail_ok"],
            [True, False],
            index=None,
            format_func=lambda v: "Yes" if v else "No",
            key=CONTACT_KEYS["voicemail_ok"],
            horizontal=True,
        )
    st.button(texts.NAV["submit"], key="nav-submit", on_click=on_submit, type="primary")
