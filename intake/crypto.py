"""Field encryption at rest (Fernet), column types that apply it transparently, and the start-up
check that the key list can read what the database holds.

A value no key of IOP_FIELD_KEY can decrypt is one damaged row, not a broken server: it comes back
as ``Unreadable`` (the text "cannot be read with this key", for text and JSON columns alike) and is
logged, so the page or export around it still works; code that needs a JSON value's contents
checks ``is_unreadable`` first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, select
from sqlalchemy.types import TypeDecorator

from intake.settings import ConfigError, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Column, Connection, Engine, Table
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

UNREADABLE_TEXT = "cannot be read with this key"
# How every Fernet token starts (version byte 0x80, then a timestamp's leading zero bytes).
FERNET_PREFIX = "gAAAAA"
# HMAC-SHA256 of this label under the key: recognises a key without storing anything that leads to it.
FINGERPRINT_LABEL = b"iop field key check v1"
# Serialises first-start recording on PostgreSQL (SQLite serialises on BEGIN IMMEDIATE).
KEY_CHECK_LOCK_ID = 0x10B_4E7C
HOW_TO_ROTATE = (
    "To change keys, put the new key first and keep the old one after it (IOP_FIELD_KEY=new,old), "
    "run `python -m intake rekey`, then drop the old key."
)


class Unreadable(str):
    """What an encrypted text column reads as when no key of IOP_FIELD_KEY decrypts it: shown as
    is wherever the value would be, and refused if anything tries to store it back."""

    def __new__(cls, _text: str = UNREADABLE_TEXT) -> Unreadable:
        # The argument is ignored (always the same words); pickle and copy pass one.
        return super().__new__(cls, UNREADABLE_TEXT)


def is_unreadable(value: object) -> bool:
    return isinstance(value, Unreadable)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    """Encrypts with the first key of IOP_FIELD_KEY, decrypts with any of them."""
    return _fernet(tuple(get_settings().field_keys()))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode("ascii")).decode("utf-8")


def _log_unreadable(kind: str) -> None:
    # Never the token: it is the data itself, and useless to whoever reads the log.
    log.warning(
        "an encrypted %s value cannot be decrypted with any key of IOP_FIELD_KEY; it is shown as "
        "'%s'. Was it written under another key?",
        kind,
        UNREADABLE_TEXT,
    )


class Encrypted(TypeDecorator[Any]):
    """Base of every encrypted column type: ``python -m intake rekey`` finds columns by it."""

    impl = Text
    cache_ok = True


class EncryptedText(Encrypted):
    """A str column stored as a Fernet token; None stays NULL."""

    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if isinstance(value, Unreadable):
            # Writing the stand-in back would destroy the row a right key could still read.
            raise ValueError(f"refusing to store a value that {UNREADABLE_TEXT}")
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        try:
            return decrypt(value)
        except InvalidToken:
            _log_unreadable("text")
            return Unreadable()


class EncryptedJSON(Encrypted):
    """A JSON-serialisable value stored as a Fernet token (health data in drafts)."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if isinstance(value, Unreadable):
            raise ValueError(f"refusing to store a value that {UNREADABLE_TEXT}")
        return None if value is None else encrypt(json.dumps(value, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        try:
            return json.loads(decrypt(value))
        except InvalidToken:
            # The stand-in, not an error: a page or an export listing many rows must not fail
            # for one. Whoever reads answers or a result checks ``is_unreadable`` first.
            _log_unreadable("JSON")
            return Unreadable()


# --- Which columns are encrypted, and does the database hold any? --------------------------------


def encrypted_tables() -> list[tuple[Table, Column[Any], list[Column[Any]]]]:
    """(table, its one-column primary key, its encrypted columns) for every table with any,
    found from the models' column types, so a column made encrypted later is included."""
    from intake.models import Base

    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, Encrypted)]
        if not columns:
            continue
        (pk,) = table.primary_key.columns  # rekey pages by it; every such table has one
        found.append((table, pk, columns))
    return found


def _stored(table: Table, column: Column[Any]) -> tuple[Any, Any]:
    """(FROM, the stored value as text) by name, through no column type (which would decrypt), so
    a database whose schema is older than the models can be asked too (see ``_existing``)."""
    from sqlalchemy import cast
    from sqlalchemy import column as plain_column
    from sqlalchemy import table as plain_table

    return plain_table(table.name), cast(plain_column(column.name), Text)


def _existing(conn: Connection) -> list[tuple[Table, Column[Any], Column[Any]]]:
    """(table, primary key, encrypted column) for every encrypted column this database has."""
    from sqlalchemy import inspect

    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    found = []
    for table, pk, columns in encrypted_tables():
        if table.name in tables:
            names = {c["name"] for c in inspector.get_columns(table.name)}
            found += [(table, pk, c) for c in columns if c.name in names]
    return found


def _samples(conn: Connection, *, first_only: bool = False) -> list[str]:
    """One stored token per encrypted column. Only values shaped like a Fernet token count: a
    column made encrypted by a later migration may still hold plain text in an older database."""
    tokens = []
    for table, _pk, column in _existing(conn):
        source, value = _stored(table, column)
        token = conn.scalar(select(value).select_from(source).where(value.like(f"{FERNET_PREFIX}%")).limit(1))
        if token is not None:
            tokens.append(token)
            if first_only:
                break
    return tokens


def encrypted_data_present(conn: Connection) -> bool:
    """True if any encrypted column of this database holds an encrypted value."""
    return bool(_samples(conn, first_only=True))


def decrypts(key: bytes, token: str) -> bool:
    try:
        Fernet(key).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        return False
    return True


# --- The key check ------------------------------------------------------------------------------


def fingerprint(key: bytes) -> str:
    """HMAC-SHA256 of a fixed label under the key: the same key gives the same 64 hex digits, and
    they reveal nothing of the key."""
    return hmac.new(base64.urlsafe_b64decode(key), FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def _development_key_note() -> str:
    settings = get_settings()
    if settings.iop_field_key is not None and settings.iop_field_key.get_secret_value().strip():
        return ""
    return (
        f" (IOP_FIELD_KEY is not set, so the development key file {settings.development_key_file()} was used)"
    )


def mismatch_message() -> str:
    """Why a start is refused and what to do, naming the variable; never any key material."""
    return (
        "IOP_FIELD_KEY does not hold the key this database's encrypted data was written with"
        f"{_development_key_note()}. Set IOP_FIELD_KEY to that key: its fingerprint is recorded in the "
        f"database, so a wrong one is refused rather than used to write rows nobody can read. {HOW_TO_ROTATE}"
    )


def recorded_fingerprint(session: Session) -> str | None:
    from intake.models import KeyCheck

    return session.scalar(select(KeyCheck.fingerprint).where(KeyCheck.id == 1))


def record_fingerprint(session: Session, value: str) -> None:
    from intake import clock
    from intake.models import KeyCheck

    row = session.get(KeyCheck, 1)
    if row is None:
        session.add(KeyCheck(id=1, fingerprint=value, recorded_at=clock.utcnow()))
    else:
        row.fingerprint, row.recorded_at = value, clock.utcnow()
    session.flush()


def check_key(engine: Engine) -> None:
    """Refuse (ConfigError naming IOP_FIELD_KEY) a key list that cannot read this database.

    The database records the fingerprint of the key its data was written with. A list holding
    that key passes (during a rotation it is the old key, after the new one). A database with no
    encrypted data yet takes the newest key's fingerprint; one from before the check learns it
    from a sample of its data."""
    from intake.db import read_session, write_session

    keys = get_settings().field_keys()
    prints = [fingerprint(k) for k in keys]
    with read_session(engine) as session:
        if recorded_fingerprint(session) in prints:
            return
    with write_session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(_advisory_lock()))
        _check_and_record(session, keys, prints)


def _advisory_lock() -> Any:
    from sqlalchemy import func

    return func.pg_advisory_xact_lock(KEY_CHECK_LOCK_ID)


def _check_and_record(session: Session, keys: list[bytes], prints: list[str]) -> None:
    recorded = recorded_fingerprint(session)
    if recorded in prints:
        return  # another process recorded it first
    conn = session.connection()
    if not encrypted_data_present(conn):
        record_fingerprint(session, prints[0])
        return
    if recorded is not None:
        raise ConfigError(mismatch_message())
    key = _key_of_samples(_samples(conn), keys)
    if key is None:
        raise ConfigError(mismatch_message())
    record_fingerprint(session, fingerprint(key))


def _key_of_samples(tokens: list[str], keys: list[bytes]) -> bytes | None:
    """The oldest key that decrypts any sample: it must stay in IOP_FIELD_KEY until a rekey."""
    matched = [k for k in keys if any(decrypts(k, t) for t in tokens)]
    return matched[-1] if matched else None
