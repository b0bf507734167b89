"""What the review of one screen asks of intake: everything the page shows in one transaction,
and each thing staff do there (move the status, assign, add a note, look at the contact
details, export the answers as FHIR), each audited and in a transaction of its own.

Errors: ``intake.Unavailable``; ``ScreenNotFound`` and ``InvalidTransition`` when a screen is
gone or someone moved it meanwhile; ``ValueError`` for an assignee who is not an active member
or a note that is empty or too long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake import audit, notes, workflow
from intake.contact import ContactRequest
from intake.notes import NoteView
from intake.review import ScreenDetail, contact_details, get_screen
from intake.staff import StaffView, list_staff
from intake.usecases import reading, transaction
from intake.vocab import AuditAction
from intake.workflow import StatusChangeView
from scoring.fhir import Resource
from scoring.fhir_response import build_response

FHIR_FORMAT = "fhir_questionnaire_response"


@dataclass(frozen=True)
class ReviewBundle:
    """One screen with its notes, its status history and the staff who may be named beside it."""

    detail: ScreenDetail
    notes: list[NoteView]
    history: list[StatusChangeView]
    # Every member, disabled ones too: the history names whoever made a change.
    staff: list[StaffView]

    @property
    def assignable(self) -> list[StaffView]:
        return [m for m in self.staff if not m.disabled]

    @property
    def emails(self) -> dict[int, str]:
        return {m.id: m.email for m in self.staff}


def review_bundle(
    reference: str, viewer: StaffView, *, first_look: bool, now: datetime
) -> ReviewBundle | None:
    """The screen and all the page draws of it, or None when there is no such screen. The first
    look at a screen (not every rerun of the page) is audited as a ``screen_view``."""
    with transaction() if first_look else reading() as session:
        detail = get_screen(session, reference, viewer=viewer if first_look else None, now=now)
        if detail is None:
            return None
        return ReviewBundle(
            detail=detail,
            notes=notes.notes(session, reference),
            history=workflow.status_history(session, reference),
            staff=list_staff(session),
        )


def change_status(reference: str, member: StaffView, status: str, *, now: datetime) -> None:
    with transaction() as session:
        workflow.set_status(session, reference, member, status, now=now)


def assign_to(reference: str, member: StaffView, assignee: int | None, *, now: datetime) -> None:
    """Give the screen to the member with id ``assignee``, or to nobody with None."""
    with transaction() as session:
        workflow.assign(session, reference, member, assignee, now=now)


def add_note(reference: str, member: StaffView, text: str, *, now: datetime) -> NoteView:
    with transaction() as session:
        return notes.add_note(session, reference, member, text, now=now)


def show_contact(reference: str, member: StaffView, *, now: datetime) -> ContactRequest | None:
    """The decrypted contact details (None if none were left); every look is audited."""
    with transaction() as session:
        return contact_details(session, reference, member, now=now)


def fhir_export(detail: ScreenDetail, member: StaffView, *, now: datetime) -> Resource:
    """The screen's answers as a FHIR R4 QuestionnaireResponse; the export is audited."""
    resource = build_response(
        reference=detail.reference,
        respondent=detail.respondent,
        answers=detail.answers,
        submitted_at=detail.submitted_at,
        partial=detail.partial,
        exported_at=now,
    )
    with transaction() as session:
        audit.record(session, member, AuditAction.EXPORT, detail.reference, at=now, format=FHIR_FORMAT)
    return resource
