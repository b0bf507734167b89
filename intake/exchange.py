"""Moving screens in and out: JSONL export/import (whole records) and CSV export of the queue."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, undefer_group

from intake import audit, clock
from intake.codes import new_reference
from intake.contact import ContactRequest, problems_of
from intake.db import read_session, write_session
from intake.models import RESPONDENTS, SEALED, Contact, Screen
from intake.queue import QueueFilters, ScreenSummary, queue_page
from intake.submission import PreparedScreen, insert_prepared, prepare_screen
from intake.vocab import Actor, AuditAction
from scoring.languages import SOURCE, languages
from scoring.strict_json import Refused as JsonRefused
from scoring.strict_json import is_blank, parse, shown, too_long_message

CHUNK = 2000
# A chunk of an import also ends at this much text, so a file of long lines cannot fill memory.
CHUNK_BYTES = 8 << 20
# The widths of screens.submission_key and screens.consent_version: checked before anything is
# stored (SQLite would store a longer value, PostgreSQL refuses it mid-import).
KEY_CHARS = 64
CONSENT_CHARS = 32
# A line without a submission_key gets "import:" and a SHA-256 digest of its content.
DERIVED_KEY_PREFIX = "import:"
# submitted_at and consented_at: from the year 2000 (nothing older was ever screened online here)
# to now, allowing for clocks a few minutes apart; a screen from 2099 is a typo.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SKEW = timedelta(minutes=5)
STORE_ATTEMPTS = 5
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection,
# OWASP); "|" starts a DDE call in some. Tab, CR and every other control character are caught by
# INVISIBLE below.
FORMULA_STARTS = ("=", "+", "-", "@", "|")
# Control (Cc) and format (Cf: zero-width, bidi marks, BOM) characters: a spreadsheet may drop
# them or show nothing, so what counts is the first character after them.
INVISIBLE = ("Cc", "Cf")
# A phone number stored as "+" and digits is a number to a spreadsheet, not a formula: kept as is.
PLAIN_PHONE = re.compile(r"\+[0-9]+")
CONTACT_FIELDS = ("name", "phone", "email", "best_time", "voicemail_ok")
IMPORT_KEYS = {
    "respondent",
    "language",
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
MAX_ITEMS_LISTED = 50


def escape_cell(value: Any) -> Any:
    """A text cell a spreadsheet could run as a formula, with a ``'`` put before it (shown as
    text); every other value as it is."""
    if isinstance(value, str) and _formula_like(value) and not PLAIN_PHONE.fullmatch(value):
        return "'" + value
    return value


def _formula_like(text: str) -> bool:
    """Judged as a spreadsheet would read it: after NFKC normalisation (fullwidth "＝" is "=") and
    past leading blanks and invisible characters (a zero-width space before "=" hides nothing).
    A cell that starts with a control or invisible character is escaped as well (OWASP: tab,
    carriage return)."""
    if not text:
        return False
    if unicodedata.category(text[0]) in INVISIBLE:
        return True
    normalised = unicodedata.normalize("NFKC", text)
    visible = "".join(c for c in normalised if unicodedata.category(c) not in INVISIBLE).lstrip()
    return visible.startswith(FORMULA_STARTS)


def _iter_pages(
    session: Session, filters: QueueFilters | dict[str, Any] | None
) -> Iterator[list[ScreenSummary]]:
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
    filters: QueueFilters | dict[str, Any] | None = None,
    actor: object = Actor.CLI,
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
        audit.record(
            session, actor, AuditAction.EXPORT, None, format=fmt, with_contact=with_contact, count=count
        )


def _write_jsonl(
    session: Session, out: TextIO, with_contact: bool, filters: QueueFilters | dict[str, Any] | None
) -> int:
    count = 0
    for rows in _iter_pages(session, filters):
        references = [r.reference for r in rows]
        screens = {
            s.reference: s
            for s in session.scalars(
                # The sealed answers and result, decrypted with the rest: an export is one of the
                # few places that reads them.
                select(Screen).options(undefer_group(SEALED)).where(Screen.reference.in_(references))
            )
        }
        contacts = _contacts(session, references) if with_contact else {}
        for reference in references:
            s = screens[reference]
            record = {
                "reference": s.reference,
                "respondent": s.respondent,
                "language": s.language,
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
    filters: QueueFilters | dict[str, Any] | None = None,
    actor: object = Actor.CLI,
) -> int:
    """The (filtered) queue as CSV, de-identified unless ``with_contact``; formula-like cells escaped."""
    with read_session(engine) as session:
        count = _write_csv(session, out, with_contact, filters)
    _audit_export(engine, actor, "csv", with_contact, count)
    return count


def _write_csv(
    session: Session, out: TextIO, with_contact: bool, filters: QueueFilters | dict[str, Any] | None
) -> int:
    import pandas as pd  # only the CSV export needs pandas; keep it out of every other start-up

    count = 0
    columns = [
        "reference",
        "submitted_at",
        "respondent",
        "language",
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
                "language": r.language,
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
    # True when the messages are the import's own (a key too long, a date in the future) and
    # quote nothing from the line; scoring's and the contact check's can quote an answer or a
    # phone number, so the command line prints only their item ids.
    printable: bool = False


@dataclass
class ImportReport:
    stored: int = 0
    refused: int = 0
    duplicates: int = 0
    problems: list[LineProblem] = field(default_factory=list)
    # Why the run stopped before the end (the database went away, the file could not be read),
    # and the first line it did not deal with; None when it read every line.
    failure: str | None = None
    failed_at_line: int | None = None
    audited: bool = False


class _Refused(Exception):
    def __init__(self, errors: list[dict[str, str]], *, printable: bool = True) -> None:
        self.errors = errors
        self.printable = printable


def _error(item: str, message: str) -> dict[str, str]:
    return {"item": item, "message": message}


def _default_evaluate() -> Callable[[dict[str, Any]], dict[str, Any]]:
    from scoring import evaluate

    return evaluate


def import_jsonl(
    engine: Engine | str | None,
    lines: Iterable[bytes | str | None],
    *,
    batch_size: int = CHUNK,
    evaluate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    actor: object = Actor.CLI,
    now: datetime | None = None,
    alerts: bool = True,
) -> ImportReport:
    """Validate and score each line (``scoring.evaluate`` unless given) and store the good ones as
    submitted screens, one transaction per batch.

    Per line, not all or nothing: every line is checked in full (strict JSON, every field, the
    answers scored) before it is stored, and a bad line is refused by line number and item ids
    with nothing of it stored, while the good lines are kept. All or nothing would have to hold a
    whole file (a million screens) in one transaction or in memory; instead a run is repeatable:
    a line whose submission_key is already stored is skipped ("already stored"), so the fixed
    file runs again and stores exactly the lines refused before. A line without a submission_key
    gets one derived from its content, so that holds for it too.

    ``lines`` are bytes (``scoring.strict_json.read_lines``: None for a line past the size cap) or
    text. Every run ends with an audit entry of its counts, a run that stopped early included
    (``failure``: the database went away or the file could not be read part-way).

    Stored screens queue staff alerts like any submission, unless ``alerts`` is False (migrating
    a backlog that staff already know of)."""
    evaluate = evaluate or _default_evaluate()
    now = clock.resolve(now)
    report = ImportReport()
    done_through = 0
    try:
        for chunk in _numbered_chunks(lines, batch_size):
            _import_chunk(engine, chunk, evaluate, now, report, alerts=alerts)
            done_through = chunk[-1][0]
    except (SQLAlchemyError, OSError) as exc:
        # Operational: the lines dealt with so far are committed, and a rerun skips them.
        report.failure = _failure_of(exc)
        report.failed_at_line = done_through + 1
    except BaseException as exc:
        # A bug or Ctrl-C: audit what happened, then let it surface as it is.
        report.failure = type(exc).__name__
        report.failed_at_line = done_through + 1
        _audit_import(engine, actor, now, report)
        raise
    _audit_import(engine, actor, now, report)
    return report


def _failure_of(exc: BaseException) -> str:
    # The class name only: a database error's text holds the statement's parameters (answers).
    if isinstance(exc, OSError):
        return f"the file could not be read ({exc.strerror or type(exc).__name__})"
    return f"a database error ({type(exc).__name__})"


def _audit_import(engine: Engine | str | None, actor: object, now: datetime, report: ImportReport) -> None:
    detail: dict[str, Any] = dict(stored=report.stored, refused=report.refused, duplicates=report.duplicates)
    if report.failure is not None:
        detail.update(failed=report.failure, failed_at_line=report.failed_at_line)
    try:
        with write_session(engine) as session:
            audit.record(session, actor, AuditAction.IMPORT, None, at=now, **detail)
    except SQLAlchemyError:
        report.audited = False
    else:
        report.audited = True


Chunk = list[tuple[int, bytes | str | None]]


def _numbered_chunks(lines: Iterable[bytes | str | None], size: int) -> Iterator[Chunk]:
    """Non-blank lines with their numbers, ``size`` lines or CHUNK_BYTES of text at a time
    (whichever comes first), so a file of long lines cannot fill memory either."""
    chunk: Chunk = []
    held = 0
    for number, data in enumerate(lines, start=1):
        if data is None or not is_blank(data):
            chunk.append((number, data))
            held += 0 if data is None else len(data)
        if len(chunk) >= size or held >= CHUNK_BYTES:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _import_chunk(
    engine: Engine | str | None,
    chunk: Chunk,
    evaluate: Callable[[dict[str, Any]], dict[str, Any]],
    now: datetime,
    report: ImportReport,
    *,
    alerts: bool,
) -> None:
    prepared, problems, known = _prepare_chunk(engine, chunk, evaluate, now)
    for _, p in prepared:
        p.alerts = alerts
    report.duplicates += known
    report.refused += len(problems)
    report.problems.extend(problems[: max(0, MAX_PROBLEMS_KEPT - len(report.problems))])
    if prepared:
        stored, duplicates, refused = _store(engine, prepared)
        report.stored += stored
        report.duplicates += duplicates
        report.refused += len(refused)
        report.problems.extend(refused[: max(0, MAX_PROBLEMS_KEPT - len(report.problems))])
        report.problems.sort(key=lambda p: p.line)


Numbered = list[tuple[int, PreparedScreen]]


def _prepare_chunk(
    engine: Engine | str | None,
    chunk: Chunk,
    evaluate: Callable[[dict[str, Any]], dict[str, Any]],
    now: datetime,
) -> tuple[Numbered, list[LineProblem], int]:
    """The chunk's new screens, scored; its bad lines; and how many lines were skipped because
    their submission_key is already stored. Those are not scored at all: a screen already stored
    keeps the result (and rules version) it was scored with, and a retried import of a file made
    under older rules must not be refused for answers the current rules would ask differently."""
    prepared: Numbered = []
    problems: list[LineProblem] = []
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for number, data in chunk:
        try:
            record = _parse_line(data)
            parsed.append((number, _key_for(record), record))
        except _Refused as refused:
            problems.append(_problem(number, refused))
    known = _stored_keys(engine, [key for _, key, _ in parsed])
    fresh = [(number, key, record) for number, key, record in parsed if key not in known]
    for number, key, record in fresh:
        try:
            prepared.append((number, _prepare_line(record, key, evaluate, now)))
        except _Refused as refused:
            problems.append(_problem(number, refused))
    problems.sort(key=lambda p: p.line)
    return prepared, problems, len(parsed) - len(fresh)


def _problem(number: int, refused: _Refused) -> LineProblem:
    # A line of a megabyte of unknown ids has a hundred thousand errors; ten thousand such lines
    # kept whole would fill memory, and the first few say enough.
    errors = refused.errors[:MAX_ITEMS_LISTED]
    more = len(refused.errors) - len(errors)
    items = [shown(str(e["item"])) for e in errors] + ([f"and {more:,} more"] if more else [])
    messages = [shown(str(e["message"]), limit=200) for e in errors]
    return LineProblem(number, items, messages, refused.printable)


def _parse_line(data: bytes | str | None) -> dict[str, Any]:
    if data is None:
        raise _Refused([_error("(line)", too_long_message())])
    try:
        record = parse(data)
    except JsonRefused as exc:
        raise _Refused([_error(exc.item or "(line)", exc.message)]) from None
    if not isinstance(record, dict):
        raise _Refused([_error("(line)", "each line must be a JSON object")])
    return record


def _text_problem(value: object, limit: int) -> str | None:
    """Why ``value`` cannot be stored in a short text column, or None. Control characters (NUL
    among them: PostgreSQL refuses it, SQLite stores it) and lone surrogates never can."""
    if isinstance(value, str) and 1 <= len(value) <= limit and value.isprintable():
        return None
    return f"must be text of 1 to {limit} characters, without control characters"


def _key_for(record: dict[str, Any]) -> str:
    """The line's submission_key, checked; or, when it has none, one derived from its content,
    so the same line imported twice is the same screen ("already stored" the second time)."""
    key = record.get("submission_key")
    if key is None:
        content = {k: record[k] for k in sorted(IMPORT_KEYS - {"submission_key"}) if k in record}
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        return DERIVED_KEY_PREFIX + digest[: KEY_CHARS - len(DERIVED_KEY_PREFIX)]
    problem = _text_problem(key, KEY_CHARS)
    if problem is not None:
        raise _Refused([_error("submission_key", problem)])
    return str(key)  # already a str: _text_problem refuses anything else


def _prepare_line(
    record: dict[str, Any], key: str, evaluate: Callable[[dict[str, Any]], dict[str, Any]], now: datetime
) -> PreparedScreen:
    errors = _shape_errors(record)
    submitted_at = _time(record, "submitted_at", now, errors)
    consented_at = _time(record, "consented_at", now, errors)
    consent_version = record.get("consent_version")
    if consent_version is not None and (problem := _text_problem(consent_version, CONSENT_CHARS)):
        errors.append(_error("consent_version", problem))
    if errors:
        raise _Refused(errors)
    contact = _contact(record.get("contact"))
    result = _scored(record, evaluate)
    submitted_at = submitted_at or now
    try:
        return prepare_screen(
            submission_key=key,
            respondent=record["respondent"],
            answers=record["answers"],
            result=result,
            consent_version=consent_version or "import",
            consented_at=consented_at or submitted_at,
            contact=contact,
            submitted_at=submitted_at,
            now=now,
            # A file from before screens had a language: they were all English.
            language=record.get("language", SOURCE),
        )
    except ValueError as exc:
        # Unreachable past the checks above; kept so a new check there refuses one line, never the run.
        raise _Refused([_error("(line)", str(exc))]) from None


def _shape_errors(record: dict[str, Any]) -> list[dict[str, str]]:
    errors = [_error(k, "unknown key") for k in sorted(set(record) - IMPORT_KEYS - EXPORT_ONLY_KEYS)]
    if record.get("respondent") not in RESPONDENTS:
        errors.append(_error("respondent", f"must be {' or '.join(RESPONDENTS)}"))
    if record.get("language", SOURCE) not in languages().codes:
        errors.append(_error("language", f"must be one of {', '.join(languages().codes)}"))
    if not isinstance(record.get("answers"), dict):
        errors.append(_error("answers", "must be an object of item id to answer"))
    if record.get("contact") is not None and not isinstance(record["contact"], dict):
        errors.append(_error("contact", "must be an object"))
    return errors


def _time(record: dict[str, Any], item: str, now: datetime, errors: list[dict[str, str]]) -> datetime | None:
    """An ISO 8601 time (naive means UTC) from 2000 to now (a few minutes' clock difference
    allowed), or None when absent; a problem goes into ``errors``."""
    value = record.get(item)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors.append(_error(item, "must be an ISO 8601 date and time, as text"))
        return None
    try:
        parsed = datetime.fromisoformat(value)
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        errors.append(_error(item, "not an ISO 8601 date and time"))
        return None
    if not EARLIEST <= parsed <= now + FUTURE_SKEW:
        errors.append(_error(item, f"must be between {EARLIEST.date()} and now"))
        return None
    return parsed


def _contact(contact: dict[str, Any] | None) -> ContactRequest | None:
    if contact is None:
        return None
    try:
        return ContactRequest.model_validate(contact)
    except ValidationError as exc:
        problems = problems_of(exc).items()
        raise _Refused([_error(f"contact.{k}", v) for k, v in problems], printable=False) from None


def _scored(record: dict[str, Any], evaluate: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    try:
        return evaluate({"respondent": record["respondent"], "answers": record["answers"]})
    except Exception as exc:
        errors = getattr(exc, "errors", None)
        if not isinstance(errors, list):
            raise
        raise _Refused(errors, printable=False) from None


def _stored_keys(engine: Engine | str | None, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    with read_session(engine) as session:
        return _known(session, keys)


def _known(session: Session, keys: list[str]) -> set[str]:
    return set(session.scalars(select(Screen.submission_key).where(Screen.submission_key.in_(keys))))


def _store(engine: Engine | str | None, batch: Numbered) -> tuple[int, int, list[LineProblem]]:
    """Store a batch in one transaction: (stored, already stored, refused by the database).

    Another import may store some of the same keys between our look and our insert: SQLite
    serialises writers, but PostgreSQL runs them side by side, and the insert then fails on the
    unique submission_key once the other commits. The insert runs in a savepoint, so on that
    failure the keys are looked up again (READ COMMITTED sees the other's rows now), the ones
    found count as already stored, and the rest are inserted again."""
    with write_session(engine) as session:
        fresh, duplicates = _without_stored(session, batch)
        for _ in range(STORE_ATTEMPTS):
            if not fresh:
                return 0, duplicates, []
            _unique_references(session, [p for _, p in fresh])
            try:
                with session.begin_nested():
                    insert_prepared(session, [p for _, p in fresh])
            except IntegrityError:
                fresh, more = _without_stored(session, fresh)
                duplicates += more
                continue
            except (DBAPIError, ValueError):
                break  # refused by the database for one line's data: find which, line by line
            return len(fresh), duplicates, []
        stored, more, refused = _store_each(session, fresh)
        return stored, duplicates + more, refused


def _without_stored(session: Session, batch: Numbered) -> tuple[Numbered, int]:
    """The batch less keys already stored and repeats within it (the first line of a key wins)."""
    known = _known(session, [p.screen["submission_key"] for _, p in batch]) if batch else set()
    fresh: dict[str, tuple[int, PreparedScreen]] = {}
    for number, p in batch:
        key = p.screen["submission_key"]
        if key not in known:
            fresh.setdefault(key, (number, p))
    return list(fresh.values()), len(batch) - len(fresh)


def _store_each(session: Session, batch: Numbered) -> tuple[int, int, list[LineProblem]]:
    """The slow path, only after the batch insert failed for a reason the checks did not foresee:
    each line in its own savepoint, so one line the database refuses costs that line only."""
    stored, duplicates, refused = 0, 0, []
    for number, p in batch:
        for _ in range(STORE_ATTEMPTS):
            _unique_references(session, [p])
            try:
                with session.begin_nested():
                    insert_prepared(session, [p])
            except IntegrityError:
                if _known(session, [p.screen["submission_key"]]):
                    duplicates += 1
                    break
                continue  # the reference clashed with one stored since: draw again
            except (DBAPIError, ValueError) as exc:
                why = f"the database refused it ({type(getattr(exc, 'orig', exc)).__name__})"
                refused.append(LineProblem(number, ["(line)"], [why], printable=True))
                break
            stored += 1
            break
        else:
            refused.append(
                LineProblem(number, ["(line)"], ["could not be stored: try again"], printable=True)
            )
    return stored, duplicates, refused


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
