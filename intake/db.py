"""Engines, sessions and automatic migrations.

SQLite: WAL, 30 s busy timeout, foreign keys on. Writes open with BEGIN IMMEDIATE, so a second
writer waits for the lock at BEGIN instead of failing with "database is locked" when a deferred
read transaction tries to upgrade; reads use a plain deferred BEGIN and never take the write lock.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Engine, Executable, Result, create_engine, event, make_url, text
from sqlalchemy.orm import Session

from intake.settings import ConfigError, get_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant will do; it only has to be the same in every process that migrates this database.
MIGRATION_LOCK_ID = 0x10B_1A7E
BUSY_TIMEOUT_SECONDS = 30

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def rows_changed(session: Session, statement: Executable, params: Any = None) -> int:
    """Run an UPDATE or DELETE in ``session`` and return how many rows it matched. (Session.execute
    is typed as returning a plain Result; for these statements it is a CursorResult.)"""
    result: Result[Any] = session.execute(statement, params)
    return cast(CursorResult[Any], result).rowcount


def normalize_url(url: str) -> str:
    # Hosting platforms hand out postgres://, which SQLAlchemy no longer accepts.
    return "postgresql://" + url.removeprefix("postgres://") if url.startswith("postgres://") else url


def make_engine(url: str) -> Engine:
    """A new engine with this project's connection set-up, not migrated (see ``get_engine``)."""
    parsed = make_url(normalize_url(url))
    if parsed.drivername == "postgresql":
        # SQLAlchemy 2.1 picks psycopg 3 for a bare postgresql:// URL; the driver installed is psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() != "sqlite":
        # hide_parameters: a failed statement's error (and log line) must not carry answers.
        return create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    if not parsed.database or parsed.database == ":memory:":
        raise ConfigError("DATABASE_URL: SQLite needs a file path, e.g. sqlite:///./data/iop.db")
    _create_private(Path(parsed.database))
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, hide_parameters=True)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _create_private(path: Path) -> None:
    """Create the database file (empty is a valid SQLite database) readable by its owner only,
    in a directory only its owner can enter: it holds health data, and whatever the umask,
    SQLite gives the -wal and -shm files the database file's own mode. An existing file is left
    as it is (docs/deployment.md says how to tighten one made by an older version)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # SQLAlchemy's documented recipe: take BEGIN away from pysqlite and emit it ourselves.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode, much faster
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("iop_mode")
    # A read session that tries to write fails loudly instead of queueing for the lock. The pragma
    # stays set on the connection, so it is sent only when this transaction needs the other
    # setting (the pooled connection's info dict lives and dies with the connection itself).
    query_only = 1 if mode == "read" else 0
    info = conn.connection.info
    if info.get("query_only") != query_only:
        conn.exec_driver_sql(f"PRAGMA query_only = {query_only}")
        info["query_only"] = query_only
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "write" else "BEGIN")


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for ``url`` (default DATABASE_URL), migrated to head and its field key
    checked on first use."""
    url = normalize_url(url or get_settings().database_url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            _start(engine)
            _engines[url] = engine
        return engine


def _start(engine: Engine) -> None:
    """Migrate, then refuse (ConfigError naming IOP_FIELD_KEY) a field key that cannot read this
    database: started with a wrong key, the process would write rows nobody can decrypt. Nothing
    is cached on a refusal, so every later use refuses the same way."""
    from intake.crypto import check_key

    try:
        migrate(engine)
        check_key(engine)
    except BaseException:
        engine.dispose()
        raise


def dispose_engine(url: str) -> None:
    """Close and forget the cached engine for ``url`` (tests, or before deleting a database file)."""
    with _engines_lock:
        engine = _engines.pop(normalize_url(url), None)
    if engine is not None:
        engine.dispose()


@lru_cache(maxsize=64)
def _writer(engine: Engine) -> Engine:
    return engine.execution_options(iop_mode="write")


@lru_cache(maxsize=64)
def _reader(engine: Engine) -> Engine:
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True)
    return engine.execution_options(iop_mode="read")


def _resolve(engine: Engine | str | None) -> Engine:
    return engine if isinstance(engine, Engine) else get_engine(engine)


class KeepChanges(Exception):
    """Mixed into errors whose side effects must survive them (a failed sign-in or resume try is
    counted, then the caller is told it failed): ``write_session`` commits before re-raising."""


@contextmanager
def write_session(engine: Engine | str | None = None) -> Iterator[Session]:
    """A session in one write transaction: committed on success, rolled back on an error (except
    ``KeepChanges`` errors, committed and re-raised)."""
    with Session(_writer(_resolve(engine)), expire_on_commit=False) as session:
        session.begin()
        try:
            yield session
        except KeepChanges:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()


@contextmanager
def read_session(engine: Engine | str | None = None) -> Iterator[Session]:
    """A read-only session (writes are refused on both backends)."""
    with Session(_reader(_resolve(engine)), expire_on_commit=False) as session, session.begin():
        yield session


def alembic_config(connection: Any = None) -> Config:
    # Alembic is imported where it is used, here and below: a page that never touches the
    # database (the welcome page on a fresh server) need not load it, a fifth of a second.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Upgrade to head. Concurrent starters serialise on BEGIN IMMEDIATE (SQLite) or an advisory
    lock (PostgreSQL); the loser then finds the database at head and does nothing."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    with _writer(engine).connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        command.upgrade(alembic_config(conn), "head")
    if engine.dialect.name == "sqlite":
        _truncate_wal(engine)


def _truncate_wal(engine: Engine) -> None:
    """Copy the WAL into the file and empty it: a migration that seals plain answers must not
    leave their old pages in the WAL (the file's own free pages are zeroed by secure_delete).
    Outside any transaction, as SQLite requires; a reader still holding old pages makes it a
    partial checkpoint, which the next ones complete."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection  # None only once the connection is closed
        if driver is not None:
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()
