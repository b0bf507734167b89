"""The review of one screen: result, answers as the respondent saw them, contact details on
request, the follow-up workflow (status, assignment, notes) and the FHIR export.

The screen shown is the staff state's ``review_ref`` (set by the queue), or the ``?ref=`` in the
address, so a review can be shared as a link. Everything drawn comes from one read
(``intake.usecases.review.review_bundle``); each action is a use case of its own, followed by a
flash message and a rerun that draws the page afresh.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from intake import clock
from intake.codes import reference_search_prefix
from intake.crypto import UNREADABLE_TEXT, is_unreadable
from intake.review import ScreenDetail, ScreenNotFound
from intake.settings import get_settings
from intake.staff import StaffView
from intake.usecases import review
from intake.usecases.review import ReviewBundle
from intake.vocab import NOTE_MAX_CHARS, TRANSITIONS, Status
from intake.workflow import InvalidTransition
from scoring import RULES_VERSION, load_questionnaire
from scoring.fhir import code_of, intro_of, title_of
from scoring.languages import SOURCE, languages
from ui import labels, texts
from ui.markup import plain
from ui.scores import score_text
from ui.staff import text as t
from ui.staff.auth import StaffContext
from ui.staff.state import StaffState
from ui.widgets import labels as option_labels
from ui.widgets import wording

# The address of a shared review: /staff_review?ref=IOP-7KQ4-M2XD.
REF_PARAM = "ref"


# --- The result -------------------------------------------------------------------------------


def scores_frame(result: dict[str, Any]) -> pd.DataFrame:
    rows = [
        (texts.INSTRUMENT_MEANING.get(name, (name, ""))[0], score_text(name, score or {}))
        for name, score in (result.get("instruments") or {}).items()
    ]
    return pd.DataFrame(rows, columns=["Instrument", "Score and band"])


def domains_frame(result: dict[str, Any]) -> pd.DataFrame:
    rows = [
        (texts.DOMAIN_LABELS.get(name, name.replace("_", " ").capitalize()), value.get("level", ""))
        for name, value in (result.get("domains") or {}).items()
    ]
    return pd.DataFrame(rows, columns=["Domain", "Level"])


def rules_version_note(stored: str | None) -> str | None:
    """Said plainly when a screen was scored by other rules than today's: it is never re-scored
    silently, so staff must know which rules its suggestion and flags come from."""
    if stored == RULES_VERSION:
        return None
    scored = (
        f"Scored with rules {stored}" if stored else "The rules version it was scored with is not recorded"
    )
    return f"{scored}; current rules are {RULES_VERSION}. Not re-scored."


def flag_lines(flags: Iterable[str]) -> list[str]:
    """A line per flag: its label, then what it asks of intake and what the person was told."""
    return [
        f"**{labels.label(labels.ALL_FLAGS, flag)}**"
        + (f": {t.FLAG_ACTIONS[flag]}" if flag in t.FLAG_ACTIONS else "")
        for flag in flags
    ]


def reason_lines(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(reasons for the suggestion, findings also noted), each with its rule id."""
    reasons: tuple[list[str], list[str]] = ([], [])
    for reason in result.get("reasons") or []:
        line = f"- {reason.get('text', '')} `{reason.get('rule', '')}`"
        reasons[1 if reason.get("also_noted") else 0].append(line)
    return reasons


def render_result(detail: ScreenDetail) -> None:
    result = detail.result
    st.subheader("Result")
    note = rules_version_note(detail.rules_version)
    if note:
        st.warning(note, icon=":material/history:")
    st.markdown(f"**Suggestion:** {labels.label(labels.DISPOSITIONS, detail.disposition)}")
    if detail.partial:
        st.warning(
            "Partial screen: the person stopped at an urgent safety answer, so later sections were "
            "not asked and some scores are missing.",
            icon=":material/emergency:",
        )
    if detail.flags:
        st.markdown("**Flags**")
        with st.container(key="review-flags"):
            for line in flag_lines(detail.flags):
                st.markdown(f"- {line}")
    if is_unreadable(result):
        st.warning(f"The reasons, levels and scores of this screen {UNREADABLE_TEXT} (IOP_FIELD_KEY).")
        return
    reasons, also = reason_lines(result)
    st.markdown("**Reasons**")
    for line in reasons:
        st.markdown(line)
    if also:
        st.markdown("**Also noted** (not reasons for this suggestion)")
        for line in also:
            st.markdown(line)
    left, right = st.columns(2)
    with left:
        st.markdown("**Domain levels**")
        st.table(domains_frame(result), hide_index=True)
    with right:
        st.markdown("**Instrument scores**")
        st.table(scores_frame(result), hide_index=True)


# --- The answers --------------------------------------------------------------------------------


def _answer_text(item: Any, value: Any, respondent: str, lang: str = SOURCE) -> str:
    shown = option_labels(item, respondent, lang)
    values = value if isinstance(value, list) else [value]
    return "; ".join(shown[v] if v in shown else plain(v) for v in values)


def _code_text(item: Any, value: Any, respondent: str) -> str:
    # An option's code is the questionnaire's own; anything else is stored data, shown as text.
    return code_of(value) if value in option_labels(item, respondent) else plain(code_of(value))


def answer_sections(
    answers: dict[str, Any], respondent: str, language: str = SOURCE
) -> list[tuple[str, str, pd.DataFrame]]:
    """(section title, its intro, table of question, answer and stored code) in questionnaire order,
    worded as the respondent saw it; answers to items the questionnaire no longer has come last, raw.
    A screen answered in another language also shows each question and answer as the person saw
    them, beside the English staff read."""
    questionnaire = load_questionnaire()
    translated = language in languages().translations
    shown_as = labels.label(labels.LANGUAGES, language)
    columns = ["Question", "Answer"]
    if translated:
        columns += [f"Question as shown ({shown_as})", f"Answer as shown ({shown_as})"]
    sections = []
    for section in questionnaire.sections:
        rows = []
        for item in section.items:
            value = answers.get(item.id)
            if value is None or value == []:
                continue
            question, _help = wording(item, respondent)
            codes = ", ".join(
                _code_text(item, v, respondent) for v in (value if isinstance(value, list) else [value])
            )
            row = [question, _answer_text(item, value, respondent)]
            if translated:
                row += [
                    wording(item, respondent, language)[0],
                    _answer_text(item, value, respondent, language),
                ]
            rows.append((*row, codes, item.id))
        if rows:
            title = title_of(section, respondent)
            intro = intro_of(section, respondent)
            frame = pd.DataFrame(rows, columns=[*columns, "Code", "Item"])
            sections.append((title, intro or "", frame))
    # st.table cells are Markdown: stored values and ids are shown as text.
    unknown = [(plain(k), plain(json.dumps(v))) for k, v in answers.items() if k not in questionnaire.items]
    if unknown:
        frame = pd.DataFrame(unknown, columns=["Item", "Stored answer"])
        sections.append(("Answers to questions no longer asked", "", frame))
    return sections


def render_answers(detail: ScreenDetail) -> None:
    st.subheader("Answers")
    who = labels.label(labels.RESPONDENTS, detail.respondent)
    st.caption(f"Questions as worded for the respondent ({who}).")
    if is_unreadable(detail.answers):
        st.warning(f"The answers of this screen {UNREADABLE_TEXT} (IOP_FIELD_KEY).")
        return
    if detail.language != SOURCE:
        with st.container(key="review-language"):
            st.info(f"Answered in {labels.label(labels.LANGUAGES, detail.language)}.")
    for title, intro, frame in answer_sections(detail.answers, detail.respondent, detail.language):
        st.markdown(f"**{title}**")
        if intro:
            st.caption(intro)
        st.table(frame, hide_index=True)


# --- Summary, contact, follow-up -----------------------------------------------------------------


def first_contact_line(detail: ScreenDetail, now: datetime) -> str:
    if detail.first_contact_at is not None:
        return f"First contact after {t.duration(detail.first_contact_at - detail.submitted_at)}"
    return f"Not contacted yet: waiting {t.duration(now - detail.submitted_at)}"


def render_summary(detail: ScreenDetail, now: datetime) -> None:
    st.title(f"Screen {detail.reference}")
    if detail.overdue:
        minutes = get_settings().iop_urgent_wait_minutes
        st.error(f"Urgent and waiting longer than {minutes} minutes.", icon=":material/alarm:")
    cols = st.columns(4)
    cols[0].metric("Priority", labels.priority(detail.priority))
    cols[1].metric("Suggestion", labels.label(labels.DISPOSITIONS, detail.disposition))
    cols[2].metric("Status", labels.label(labels.STATUSES, detail.status))
    who = labels.label(labels.RESPONDENTS, detail.respondent)
    if detail.language != SOURCE:
        who += f", in {labels.label(labels.LANGUAGES, detail.language)}"
    cols[3].metric("Answered by", who)
    st.caption(
        f"Submitted {t.when(detail.submitted_at)} · {first_contact_line(detail, now)} · "
        # The consent version may come from an import: shown as text, never as Markdown.
        f"Consent version {plain(detail.consent_version)} "
        f"(given {t.when(detail.consented_at)}) · Rules version {detail.rules_version or 'unknown'}"
        + (" · Partial (urgent stop)" if detail.partial else "")
    )


def render_contact(member: StaffView, detail: ScreenDetail) -> None:
    st.subheader("Contact")
    if not detail.has_contact:
        st.caption("No contact details were left. The person may call and quote the reference.")
        return
    st.caption("Contact details are shown only when you ask, and each look is recorded.")
    if not st.button("Show contact details", key="review-show-contact", icon=":material/visibility:"):
        return
    contact = review.show_contact(detail.reference, member, now=clock.utcnow())
    if contact is None:
        st.info("No contact details were left.")
        return
    if any(is_unreadable(v) for v in (contact.name, contact.phone, contact.email)):
        # Written under a key IOP_FIELD_KEY no longer holds: this box only, not the page, is lost.
        st.warning(
            f"Some of these contact details {UNREADABLE_TEXT}. Tell whoever runs this site "
            "(IOP_FIELD_KEY); the person can still call and quote the reference."
        )
    with st.container(border=True, key="review-contact"):
        # st.text: what a participant typed is shown as plain text, never as markdown.
        st.text(f"Name: {contact.name}")
        st.text(f"Phone: {contact.phone or '-'}")
        st.text(f"Email: {contact.email or '-'}")
        st.text(f"Best time: {texts.BEST_TIMES.get(contact.best_time, contact.best_time)}")
        st.text(f"Voicemail OK: {'yes' if contact.voicemail_ok else 'no'}")


def render_status(ctx: StaffContext, detail: ScreenDetail) -> None:
    st.subheader("Follow-up")
    allowed = [s for s in labels.STATUSES if s in TRANSITIONS[Status(detail.status)]]
    cols = st.columns([3, 2], vertical_alignment="bottom")
    target = cols[0].selectbox(
        f"Move from “{labels.label(labels.STATUSES, detail.status)}” to",
        allowed,
        index=None,
        format_func=labels.STATUSES.__getitem__,
        key="review-status",
        placeholder="Choose the next status",
    )
    if cols[1].button("Update status", key="review-status-submit", disabled=not allowed):
        if target is None:
            st.error("Choose the next status first.")
        else:
            try:
                review.change_status(detail.reference, ctx.member, target, now=clock.utcnow())
            except (InvalidTransition, ScreenNotFound) as exc:
                st.error(f"Not changed: {exc}. Someone may have moved it; the page shows the latest.")
            else:
                ctx.state.clear_widget("review-status")
                ctx.state.flash(f"Status changed to {labels.STATUSES[target]}.")


def render_assignment(ctx: StaffContext, bundle: ReviewBundle) -> None:
    detail = bundle.detail
    emails = {m.id: m.email for m in bundle.assignable}
    current = plain(detail.assigned_email) if detail.assigned_email else "nobody"  # a label is Markdown
    cols = st.columns([5, 2, 3], vertical_alignment="bottom")
    options = [None, *emails]
    chosen = cols[0].selectbox(
        f"Assigned to {current}; assign to",
        options,
        index=options.index(detail.assigned_to) if detail.assigned_to in options else 0,
        format_func=lambda v: "Nobody" if v is None else emails[v],
        key="review-assignee",
    )
    to_me = cols[2].button("Assign to me", key="review-assign-me")
    if cols[1].button("Assign", key="review-assign") or to_me:
        assignee = ctx.member.id if to_me else chosen
        try:
            review.assign_to(detail.reference, ctx.member, assignee, now=clock.utcnow())
        except ValueError as exc:
            st.error(plain(exc))
        else:
            ctx.state.clear_widget("review-assignee")
            ctx.state.flash(f"Assigned to {plain(emails[assignee]) if assignee in emails else 'nobody'}.")


def render_notes(ctx: StaffContext, bundle: ReviewBundle) -> None:
    st.markdown("**Notes**")
    for note in bundle.notes:
        with st.container(border=True):
            who = plain(note.staff_email) if note.staff_email else "former staff"
            st.caption(f"{who} · {t.when(note.created_at)}")
            st.text(note.text)
    if not bundle.notes:
        st.caption("No notes yet.")
    with st.form("review-note-form", clear_on_submit=True, border=False):
        text = st.text_area("Add a note", key="review-note", max_chars=NOTE_MAX_CHARS, height=100)
        submitted = st.form_submit_button("Add note", key="review-note-submit")
    if submitted:
        if not text.strip():
            st.error("Write something first.")
        else:
            review.add_note(bundle.detail.reference, ctx.member, text, now=clock.utcnow())
            ctx.state.flash("Note added.")
    if bundle.history:
        emails = bundle.emails
        st.markdown("**Status history**")
        st.table(
            pd.DataFrame(
                [
                    (
                        t.when(h.at),
                        labels.label(labels.STATUSES, h.from_status),
                        labels.label(labels.STATUSES, h.to_status),
                        plain(emails.get(h.staff_id, "") if h.staff_id is not None else ""),
                    )
                    for h in bundle.history
                ],
                columns=["When", "From", "To", "By"],
            ),
            hide_index=True,
        )


def render_fhir_export(member: StaffView, detail: ScreenDetail) -> None:
    st.subheader("Export")
    st.caption("This screen's answers as a FHIR R4 QuestionnaireResponse (JSON). Recorded in the audit log.")
    if is_unreadable(detail.answers):
        st.caption(f"Not available: the answers {UNREADABLE_TEXT}.")
        return
    if not st.button("Prepare FHIR export", key="review-fhir", icon=":material/download:"):
        return
    exported_at = clock.utcnow()
    resource = review.fhir_export(detail, member, now=exported_at)
    st.download_button(
        "Download QuestionnaireResponse",
        data=json.dumps(resource, indent=2, ensure_ascii=False).encode("utf-8"),
        file_name=f"{detail.reference}-questionnaire-response-{t.stamp(exported_at)}.json",
        mime="application/fhir+json",
        key="review-fhir-download",
        on_click="ignore",
        type="primary",
    )


# --- The page -------------------------------------------------------------------------------------


def open_reference(state: StaffState) -> str | None:
    """The reference to show: one typed into the box at the top, else one in the address
    (``?ref=``), else the one the queue opened. A newly opened screen is audited as a new look."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        typed = st.text_input("Reference", key="review-open-ref", max_chars=20, placeholder="IOP-7KQ4-M2XD")
        opened = st.button("Open", key="review-open")
    shared = st.query_params.get(REF_PARAM)
    if opened and typed.strip():
        state.open_review(reference_search_prefix(typed))
        if shared is not None:
            # The address names the screen shown, so a reload or a shared link shows the same one.
            st.query_params[REF_PARAM] = state.review_ref or ""
    elif shared and reference_search_prefix(shared) != state.review_ref:
        state.open_review(reference_search_prefix(shared))
    return state.review_ref


def render_review(ctx: StaffContext) -> None:
    reference = open_reference(ctx.state)
    if not reference:
        st.info("Choose a screen in the queue, or enter its reference above.")
        return
    now = clock.utcnow()
    # Each opening of a screen is audited once (screen_view), not every rerun on the page.
    first_look = ctx.state.review_viewed != reference
    bundle = review.review_bundle(reference, ctx.member, first_look=first_look, now=now)
    if bundle is None:
        st.error(f"There is no screen with the reference {reference}.")
        return
    ctx.state.review_viewed = reference
    ctx.state.show_flash()
    detail = bundle.detail
    render_summary(detail, now)
    main_col, side_col = st.columns([3, 2], gap="large")
    with side_col:
        render_contact(ctx.member, detail)
        render_status(ctx, detail)
        render_assignment(ctx, bundle)
        render_notes(ctx, bundle)
        render_fhir_export(ctx.member, detail)
    with main_col:
        render_result(detail)
        render_answers(detail)
