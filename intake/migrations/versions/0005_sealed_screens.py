"""Sealed screens: answers and results encrypted like contact details; plain domain levels for insights.

Suicide-risk and substance answers were plain JSON, readable from the database file and from any
backup of it. This revision encrypts ``screens.answers``, ``screens.result`` and
``screen_results.result`` with the field key (``intake.crypto``, the first key of IOP_FIELD_KEY)
in place, in batches, inside the migration's one transaction: a failure leaves every row as it
was. Insights charted four domain levels read from inside the result JSON; they get plain columns,
filled here from each stored result. The downgrade decrypts every row back into JSON (it needs a
key that opens them) and drops the level columns.

SQLite cannot change a column's type in place, and rebuilding ``screens`` as a new table would
DROP the old one, which with foreign keys on deletes every contact, note and flag row through
ON DELETE CASCADE. So each column is renamed aside, a TEXT one added under its name, filled, and
the old one dropped (SQLite 3.35+ drops a column by rewriting the rows, not the table).
``secure_delete`` zeroes the space the plain JSON leaves, and ``intake.db.migrate`` then
truncates the WAL, so no plain answer is left behind in free pages. PostgreSQL changes the type
in place (``USING``); the old row versions stay on disk until ``VACUUM FULL`` (docs/deployment.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import InvalidToken

from intake.crypto import decrypt, decrypts, encrypt, fingerprint, mismatch_message
from intake.settings import ConfigError, get_settings

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration must keep doing what it did when models change.
CHARTED_DOMAINS = ("relapse_risk", "dual_diagnosis", "prior_care", "home_support")
SEALED = {"screens": ("answers", "result"), "screen_results": ("result",)}
# Rows read, changed and written back at a time: bounded memory on a million screens.
BATCH = 500
# Columns encrypted before this revision: a sample of each tells whether the key fits.
ENCRYPTED_BEFORE = (("staff", "totp_secret"), ("contacts", "name"), ("notes", "text"), ("drafts", "answers"))


def _seal(plain: str) -> str:
    # The exact form EncryptedJSON writes (PostgreSQL's jsonb text has spaces after separators).
    return encrypt(json.dumps(json.loads(plain), separators=(",", ":")))


def _levels(plain_result: str) -> dict[str, Any]:
    domains = json.loads(plain_result).get("domains") or {}
    return {f"{name}_level": (domains.get(name) or {}).get("level") for name in CHARTED_DOMAINS}


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    _refuse_a_key_that_cannot_read_this_database()
    for name in CHARTED_DOMAINS:
        op.add_column("screens", sa.Column(f"{name}_level", sa.String(32), nullable=True))
    if _is_sqlite():
        op.execute("PRAGMA secure_delete = ON")
    for table, columns in SEALED.items():
        levels = _levels if table == "screens" else None
        _convert(table, columns, "TEXT", "''", _seal, levels)
    if _is_sqlite():
        op.execute("PRAGMA secure_delete = OFF")


def _refuse_a_key_that_cannot_read_this_database() -> None:
    """Screens sealed under a key other than the one the rest of the data was written with would
    be unreadable once the right key is back. ``intake.crypto.check_key`` refuses such a key only
    after migrating, too late for this revision, so it refuses here first, changing nothing."""
    conn = op.get_bind()
    keys = get_settings().field_keys()
    key_check = sa.table("key_check", sa.column("id"), sa.column("fingerprint"))
    recorded = conn.scalar(sa.select(key_check.c.fingerprint).where(key_check.c.id == 1))
    if recorded is not None:
        fits = recorded in {fingerprint(k) for k in keys}
    else:  # not recorded yet (first start after 0004): learn it from the data, as check_key does
        samples = [_sample(conn, table, column) for table, column in ENCRYPTED_BEFORE]
        tokens = [token for token in samples if token is not None]
        fits = not tokens or any(decrypts(k, token) for k in keys for token in tokens)
    if not fits:
        raise ConfigError(mismatch_message())


def _sample(conn: sa.Connection, table: str, column: str) -> str | None:
    t = sa.table(table, sa.column(column))
    return conn.scalar(sa.select(t.c[column]).where(t.c[column].is_not(None)).limit(1))


def downgrade() -> None:
    for table, columns in SEALED.items():
        _convert(table, columns, "JSON", "'{}'", _opener(table), None)
    for name in CHARTED_DOMAINS:
        op.drop_column("screens", f"{name}_level")


def _opener(table: str) -> Callable[[str], str]:
    def open_(token: str) -> str:
        try:
            return decrypt(token)
        except InvalidToken:
            raise ConfigError(
                f"{table}: a row cannot be decrypted with IOP_FIELD_KEY; list the key it was "
                "written under in IOP_FIELD_KEY and downgrade again (nothing was changed)"
            ) from None

    return open_


def _convert(
    table: str,
    columns: tuple[str, ...],
    sqlite_type: str,
    sqlite_default: str,
    change: Callable[[str], str],
    levels: Callable[[str], dict[str, Any]] | None,
) -> None:
    """Rewrite every value of ``columns`` through ``change`` (and fill the level columns from the
    plain result when ``levels`` is given), ending with the column type of the other revision."""
    if _is_sqlite():
        for column in columns:
            op.execute(f"ALTER TABLE {table} RENAME COLUMN {column} TO {column}_old")
            # ADD COLUMN NOT NULL needs a default; every row gets its value just below.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} {sqlite_type} NOT NULL DEFAULT {sqlite_default}"
            )
        _rewrite(table, {c: f"{c}_old" for c in columns}, change, levels)
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}_old")
        return
    if sqlite_type == "TEXT":  # sealing: JSONB to text first, then each value sealed
        for column in columns:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT USING {column}::text")
        _rewrite(table, {c: c for c in columns}, change, levels)
    else:  # opening: each value back to JSON text, then the column to JSONB
        _rewrite(table, {c: c for c in columns}, change, levels)
        for column in columns:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE JSONB USING {column}::jsonb")


def _rewrite(
    table: str,
    sources: dict[str, str],
    change: Callable[[str], str],
    levels: Callable[[str], dict[str, Any]] | None,
) -> None:
    """Keyset batches by primary key: each row's new values computed in Python (the key never
    reaches the database), written back with one executemany per batch."""
    conn = op.get_bind()
    targets = list(sources)
    level_columns = [f"{name}_level" for name in CHARTED_DOMAINS] if levels else []
    names = dict.fromkeys(["id", *sources.values(), *targets, *level_columns])
    t = sa.table(table, *(sa.column(n) for n in names))
    read = (
        sa.select(t.c.id, *(t.c[sources[target]] for target in targets))
        .where(t.c.id > sa.bindparam("after"))
        .order_by(t.c.id)
        .limit(BATCH)
    )
    written = targets + level_columns
    write = (
        t.update()
        .where(t.c.id == sa.bindparam("row_id"))
        .values({c: sa.bindparam(f"new_{c}") for c in written})
    )
    after: Any = "" if table == "screens" else -1  # screens.id is a uuid string, the rest integers
    while rows := conn.execute(read, {"after": after}).all():
        updates = []
        for row in rows:
            plain = dict(zip(targets, row[1:], strict=True))
            new = {c: change(v) for c, v in plain.items()}
            if levels:  # only when sealing: ``plain`` holds the plain result
                new.update(levels(plain["result"]))
            updates.append({"row_id": row[0], **{f"new_{c}": v for c, v in new.items()}})
        conn.execute(write, updates)
        after = rows[-1][0]
