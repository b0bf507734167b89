"""``python -m intake rekey``: re-encrypt every encrypted column under the newest key of IOP_FIELD_KEY.

Rotation: put the new key first and keep the old one after it (IOP_FIELD_KEY=new,old) on every
process, run rekey, then drop the old key. Batches of rows are committed one at a time, so an
interrupted run loses nothing and the next run skips what is already under the newest key. Only
a run that reaches the end records the newest key's fingerprint, which is what lets the old key go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, Text, bindparam, select, type_coerce, update

from intake import audit
from intake.crypto import encrypted_tables, fingerprint, record_fingerprint
from intake.db import get_engine, write_session
from intake.settings import get_settings
from intake.vocab import Actor, AuditAction

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.orm import Session

BATCH_SIZE = 500


@dataclass
class RekeyReport:
    """Counts only: rows re-encrypted, rows already under the newest key, values no key reads."""

    rewritten: int = 0
    current: int = 0
    unreadable: int = 0
    batches: int = 0
    complete: bool = False
    unreadable_by_table: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Keys:
    newest: Fernet
    any: MultiFernet


class _Stopped(Exception):
    """The batch limit was reached; the next run carries on."""


def rekey(
    engine: Engine | str | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
    actor: object = Actor.CLI,
) -> RekeyReport:
    """Re-encrypt under the newest key, ``batch_size`` rows per transaction; stop after
    ``max_batches`` (None: run to the end). Every run, finished or not, is audited with its counts."""
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    engine = engine if isinstance(engine, Engine) else get_engine(engine)
    keys = get_settings().field_keys()
    fernets = _Keys(Fernet(keys[0]), MultiFernet([Fernet(k) for k in keys]))
    report = RekeyReport()
    try:
        for table, pk, columns in encrypted_tables():
            _rekey_table(engine, table, pk, columns, fernets, report, batch_size, max_batches)
        report.complete = True
    except _Stopped:
        pass
    finally:
        _finish(engine, report, keys[0], actor)
    return report


def _rekey_table(
    engine: Engine,
    table: Table,
    pk: Column[Any],
    columns: list[Column[Any]],
    fernets: _Keys,
    report: RekeyReport,
    batch_size: int,
    max_batches: int | None,
) -> None:
    last: Any = None
    while True:
        if max_batches is not None and report.batches >= max_batches:
            raise _Stopped()
        with write_session(engine) as session:
            rows = _batch(session, pk, columns, last, batch_size)
            changed = [c for c in (_rekey_row(table, columns, row, fernets, report) for row in rows) if c]
            if changed:
                session.execute(_update(table, pk, columns), changed)
        report.batches += 1
        if len(rows) < batch_size:
            return
        last = rows[-1][0]


def _batch(session: Session, pk: Column[Any], columns: list[Column[Any]], after: Any, size: int) -> list[Any]:
    # The stored tokens as text (not through the column types, which would decrypt them), locked
    # on PostgreSQL so a concurrent edit of the same row waits instead of being overwritten.
    stmt = select(pk, *[type_coerce(c, Text) for c in columns]).order_by(pk).limit(size).with_for_update()
    if after is not None:
        stmt = stmt.where(pk > after)
    return list(session.execute(stmt).all())


def _update(table: Table, pk: Column[Any], columns: list[Column[Any]]) -> Any:
    # One statement for the batch (executemany); tokens are bound as text, not encrypted again.
    return (
        update(table)
        .where(pk == bindparam("row_pk", type_=pk.type))
        .values({c.name: bindparam(f"new_{c.name}", type_=Text) for c in columns})
    )


def _rekey_row(
    table: Table, columns: list[Column[Any]], row: Any, fernets: _Keys, report: RekeyReport
) -> dict[str, Any] | None:
    """The row's parameters for ``_update`` if any value moved to the newest key, else None."""
    values = {}
    moved = unreadable = 0
    for column, token in zip(columns, row[1:], strict=True):
        new = None if token is None else _reencrypt(token, fernets)
        if token is not None and new is None:
            unreadable += 1
            new = token  # left as it is
        moved += new != token
        values[f"new_{column.name}"] = new
    if unreadable:
        report.unreadable += unreadable
        report.unreadable_by_table[table.name] = report.unreadable_by_table.get(table.name, 0) + unreadable
    if moved:
        report.rewritten += 1
        return {"row_pk": row[0], **values}
    if not unreadable:
        report.current += 1
    return None


def _reencrypt(token: str, fernets: _Keys) -> str | None:
    """The token itself if the newest key reads it, a new token under the newest key if an older
    one does, None if none does (the value is left as it is)."""
    data = token.encode("ascii")
    try:
        fernets.newest.decrypt(data)
        return token
    except InvalidToken:
        pass
    try:
        plain = fernets.any.decrypt(data)
    except InvalidToken:
        return None
    return fernets.newest.encrypt(plain).decode("ascii")


def _finish(engine: Engine, report: RekeyReport, newest: bytes, actor: object) -> None:
    with write_session(engine) as session:
        if report.complete:
            # Every readable value is under the newest key now: older keys may leave IOP_FIELD_KEY.
            record_fingerprint(session, fingerprint(newest))
        audit.record(
            session,
            actor,
            AuditAction.REKEY,
            None,
            rewritten=report.rewritten,
            current=report.current,
            unreadable=report.unreadable,
            batches=report.batches,
            complete=report.complete,
        )
