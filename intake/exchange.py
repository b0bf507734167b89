"""Moving screens in and out: JSONL export/import (whole records) and CSV export of the queue."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.codes import new_reference
from intake.contact import ContactRequest, problems_of
from intake.db import read_session, write_session
from intake.models import Contact, Screen
from intake.screens import (
    PreparedScreen,
    QueueFilters,
    ScreenSummary,
    insert_prepared,
    prepare_screen,
    queue_page,
)

CHUNK = 2000
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTACT_FIELDS = ("name", "phone", "email", "best_time", "voicemail_ok")
IMPORT_KEYS = {
    "respondent",
    "answers",
    "submitted_at",
    "contact",
    "submission_key",
    "consent_version",
    "consented_at",
}
# Keys an export writes that an import of the same file can ignore.
EXPORT_ONLY_KEYS = {"reference", "result", "status", "created_at"}
MAX_PROBLEMS_KEPT = 10_000


def escape_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iter_pages(session: Session, filters: QueueFilters | dict | None) -> Iterator[list[ScreenSummary]]:
    after = None
    while True:
        page = queue_page(session, filters, page_size=CHUNK, after=after)
        if page.rows:
            yield page.rows
        if not page.has_next:
            return
        after = page.next_after


def _contacts(session: Session, references: list[str]) -> dict[str, Contact]:
    rows = session.execute(
        select(Screen.reference, Contact)
        .join(Contact, Contact.screen_id == Screen.id)
        .where(Screen.reference.in_(references))
    )
    return {reference: contact for reference, contact in rows}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def export_jsonl(
    engine: Engine | str | None,
    out: TextIO,
    *,
    with_contact: bool = False,
    filters: QueueFilters | dict | None = None,
    actor: object = "cli",
) -> int:
    """One JSON object per screen, in queue order; contact details only with ``with_contact``.
    Reads in a read-only session (SQLite writers are not held up), then audits the export."""
    with read_session(engine) as session:
        count = _write_jsonl(session, out, with_contact, filters)
    _audit_export(engine, actor, "jsonl", with_contact, count)
    return count


def _audit_export(
    engine: Engine | str | None, actor: object, fmt: str, with_contact: bool, count: int
) -> None:
    with write_session(engine) as session:
        audit.record(session, actor, "export", None, format=fmt, with_contact=with_contact, count=count)


def _write_jsonl(
    session: Session, out: TextIO, with_contact: bool, filters: QueueFilters | dict | None
) -> int:
    count = 0
    for rows in _iter_pages(session, filters):
        references = [r.reference for r in rows]
        screens = {
            s.reference: s for s in session.scalars(select(Screen).where(Screen.reference.in_(references)))
        }
        contacts = _contacts(session, references) if with_contact else {}
        for reference in references:
            s = screens[reference]
            record = {
                "reference": s.reference,
                "respondent": s.respondent,
                "consent_version": s.consent_version,
                "consented_at": _iso(s.consented_at),
                "answers": s.answers,
                "result": s.result,
                "status": s.status,
                "created_at": _iso(s.created_at),
                "submitted_at": _iso(s.submitted_at),
            }
            if with_contact:
                c = contacts.get(reference)
                record["contact"] = None if c is None else {f: getattr(c, f) for f in CONTACT_FIELDS}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def export_csv(
    engine: Engine | str | None,
    out: TextIO,
    *,
    with_contact: bool = False,
    filters: QueueFilters | dict | None = None,
    actor: object = "cli",
) -> int:
    """The (filtered) queue as CSV, de-identified unless ``with_contact``; formula-like cells escaped."""
    with read_session(engine) as session:
        count = _write_csv(session, out, with_contact, filters)
    _audit_export(engine, actor, "csv", with_contact, count)
    return count


def _write_csv(session: Session, out: TextIO, with_contact: bool, filters: QueueFilters | dict | None) -> int:
    import pandas as pd  # only the CSV export needs pandas; keep it out of every other start-up

    count = 0
    columns = [
        "reference",
        "submitted_at",
        "respondent",
        "disposition",
        "priority",
        "flags",
        "partial",
        "status",
        "assigned_email",
        "first_contact_at",
        "overdue",
    ] + (list(CONTACT_FIELDS) if with_contact else [])
    header = True
    for rows in _iter_pages(session, filters):
        contacts = _contacts(session, [r.reference for r in rows]) if with_contact else {}
        records = []
        for r in rows:
            record = {
                "reference": r.reference,
                "submitted_at": _iso(r.submitted_at),
                "respondent": r.respondent,
                "disposition": r.disposition,
                "priority": r.priority,
                "flags": ";".join(r.flags),
                "partial": r.partial,
                "status": r.status,
                "assigned_email": r.assigned_email,
                "first_contact_at": _iso(r.first_contact_at),
                "overdue": r.overdue,
            }
            if with_contact:
                c = contacts.get(r.reference)
                record.update({f: (getattr(c, f) if c is not None else None) for f in CONTACT_FIELDS})
            records.append({k: escape_cell(v) for k, v in record.items()})
        pd.DataFrame.from_records(records, columns=columns).to_csv(out, index=False, header=header)
        header = False
        count += len(records)
    if header:
        pd.DataFrame(columns=columns).to_csv(out, index=False)
    return count


@dataclass(frozen=True)
class LineProblem:
    line: int
    items: list[str]
    messages: list[str]


@dataclass
class ImportReport:
    stored: int = 0
    refused: int = 0
    duplicates: int = 0
    problems: list[LineProblem] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors


def _default_evaluate() -> Callable[[dict], dict]:
    from scoring import evaluate

    return evaluate


def _parse_time(value: Any, item: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise _Refused([{"item": item, "message": "not an ISO 8601 date and time"}]) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_line(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise _Refused([{"item": "(line)", "message": "not valid JSON"}]) from None
    if not isinstance(data, dict):
        raise _Refused([{"item": "(line)", "message": "each line must be a JSON object"}])
    return data


def _prepare_line(data: dict[str, Any], evaluate: Callable[[dict], dict], now: datetime) -> PreparedScreen:
    unknown = sorted(set(data) - IMPORT_KEYS - EXPORT_ONLY_KEYS)
    if unknown:
        raise _Refused([{"item": k, "message": "unknown key"} for k in unknown])
    if data.get("respondent") not in ("self", "loved_one"):
        raise _Refused([{"item": "respondent", "message": "must be self or loved_one"}])
    if not isinstance(data.get("answers"), dict):
        raise _Refused([{"item": "answers", "message": "must be an object of item id to answer"}])
    contact = data.get("contact")
    if contact is not None:
        if not isinstance(contact, dict):
            raise _Refused([{"item": "contact", "message": "must be an object"}])
        try:
            contact = ContactRequest.model_validate(contact)
        except ValidationError as exc:
            problems = problems_of(exc).items()
            raise _Refused([{"item": f"contact.{k}", "message": v} for k, v in problems]) from None
    submitted_at = _parse_time(data["submitted_at"], "submitted_at") if data.get("submitted_at") else now
    consented_at = (
        _parse_time(data["consented_at"], "consented_at") if data.get("consented_at") else submitted_at
    )
    try:
        result = evaluate({"respondent": data["respondent"], "answers": data["answers"]})
    except Exception as exc:
        errors = getattr(exc, "errors", None)
        if not isinstance(errors, list):
            raise
        raise _Refused(errors) from None
    return prepare_screen(
        submission_key=_key_of(data) or f"import:{uuid.uuid4().hex}",
        respondent=data["respondent"],
        answers=data["answers"],
        result=result,
        consent_version=str(data.get("consent_version") or "import"),
        consented_at=consented_at,
        contact=contact,
        submitted_at=submitted_at,
        now=now,
    )


def import_jsonl(
    engine: Engine | str | None,
    lines: Iterable[str],
    *,
    batch_size: int = CHUNK,
    evaluate: Callable[[dict], dict] | None = None,
    actor: object = "cli",
    now: datetime | None = None,
) -> ImportReport:
    """Validate and score each line (``scoring.evaluate`` unless given) and store the good ones as
    submitted screens, one transaction per batch. A bad line is reported by line number and item
    ids, and nothing of it is stored. A line whose submission_key is already stored is skipped."""
    evaluate = evaluate or _default_evaluate()
    now = clock.resolve(now)
    report = ImportReport()
    for chunk in _numbered_chunks(lines, batch_size):
        prepared, problems, stored = _prepare_chunk(engine, chunk, evaluate, now)
        report.duplicates += stored
        report.refused += len(problems)
        report.problems.extend(problems[: max(0, MAX_PROBLEMS_KEPT - len(report.problems))])
        if prepared:
            _store(engine, prepared, report)
    with write_session(engine) as session:
        audit.record(
            session,
            actor,
            "import",
            None,
            at=now,
            stored=report.stored,
            refused=report.refused,
            duplicates=report.duplicates,
        )
    return report


Chunk = list[tuple[int, str]]


def _numbered_chunks(lines: Iterable[str], size: int) -> Iterator[Chunk]:
    chunk: Chunk = []
    for number, text in enumerate(lines, start=1):
        if text.strip():
            chunk.append((number, text))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepare_chunk(
    engine: Engine | str | None, chunk: Chunk, evaluate: Callable[[dict], dict], now: datetime
) -> tuple[list[PreparedScreen], list[LineProblem], int]:
    """The chunk's new screens, scored; its bad lines; and how many lines were skipped because
    their submission_key is already stored. Those are not scored at all: a screen already stored
    keeps the result (and rules version) it was scored with, and a retried import of a file made
    under older rules must not be refused for answers the current rules would ask differently."""
    prepared: list[PreparedScreen] = []
    problems: list[LineProblem] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, text in chunk:
        try:
            parsed.append((number, _parse_line(text)))
        except _Refused as refused:
            problems.append(_problem(number, refused))
    known = _stored_keys(engine, [_key_of(data) for _, data in parsed])
    fresh = [(number, data) for number, data in parsed if _key_of(data) not in known]
    for number, data in fresh:
        try:
            prepared.append(_prepare_line(data, evaluate, now))
        except _Refused as refused:
            problems.append(_problem(number, refused))
    problems.sort(key=lambda p: p.line)
    return prepared, problems, len(parsed) - len(fresh)


def _problem(number: int, refused: _Refused) -> LineProblem:
    return LineProblem(number, [e["item"] for e in refused.errors], [e["message"] for e in refused.errors])


def _key_of(data: dict[str, Any]) -> str | None:
    key = data.get("submission_key")
    return str(key) if key else None


def _stored_keys(engine: Engine | str | None, keys: list[str | None]) -> set[str]:
    wanted = [k for k in keys if k is not None]
    if not wanted:
        return set()
    with read_session(engine) as session:
        return set(session.scalars(select(Screen.submission_key).where(Screen.submission_key.in_(wanted))))


def _store(engine: Engine | str | None, batch: list[PreparedScreen], report: ImportReport) -> None:
    with write_session(engine) as session:
        keys = [p.screen["submission_key"] for p in batch]
        known = set(session.scalars(select(Screen.submission_key).where(Screen.submission_key.in_(keys))))
        fresh: dict[str, PreparedScreen] = {}
        for p in batch:
            if p.screen["submission_key"] not in known:
                fresh.setdefault(p.screen["submission_key"], p)
        report.duplicates += len(batch) - len(fresh)
        _unique_references(session, list(fresh.values()))
        if fresh:
            insert_prepared(session, list(fresh.values()))
        report.stored += len(fresh)


def _unique_references(session: Session, batch: list[PreparedScreen]) -> None:
    # 40-bit references: among a million screens a collision is likely, so check and redraw.
    while True:
        refs = [p.screen["reference"] for p in batch]
        taken = set(session.scalars(select(Screen.reference).where(Screen.reference.in_(refs))))
        seen: set[str] = set()
        clash = False
        for p in batch:
            ref = p.screen["reference"]
            if ref in taken or ref in seen:
                p.screen["reference"] = new_reference()
                clash = True
            seen.add(p.screen["reference"])
        if not clash:
            return
