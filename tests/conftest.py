"""Shared fixtures: a migrated database on each backend (SQLite file and PostgreSQL), as a URL.

``database_url`` is parametrised over both backends, so every test that takes it (or ``engine``)
runs twice. PostgreSQL: one throwaway database per test session (``iop_test_<random>``, created
through the ``postgres`` database and dropped at the end), emptied between tests. SQLite: a copy
of a database migrated once per session. Override the server with IOP_TEST_PG_ADMIN_URL.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

# Before anything reads settings: a throwaway field key, development mode, no ./data in the repo.
os.environ["IOP_FIELD_KEY"] = Fernet.generate_key().decode()
os.environ["IOP_ENV"] = "development"
os.environ.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)

PG_ADMIN_URL = os.environ.get("IOP_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run, shared by every browser fixture (e2e, cluster).

    A second ``sync_playwright()`` opened while another is still open fails with "using
    Playwright Sync API inside the asyncio loop", so two session-scoped drivers cannot coexist.
    Every browser here is Debian's Chromium, so a missing one skips here, for all of them.
    """
    from playwright.sync_api import sync_playwright

    from tests.support.browser_driver import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")

    with sync_playwright() as playwright:
        yield playwright


def _clear_settings() -> None:
    from intake.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _default_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Code that falls back to DATABASE_URL must never touch a real ./data/iop.db.
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('default') / 'iop.db'}"
    _clear_settings()
    yield
    _clear_settings()


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    # Still argon2id, with the smallest cost: the default takes a quarter second per hash here.
    from argon2 import PasswordHasher

    from intake import passwords

    production = passwords.hasher
    passwords.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords.hasher = production


def _pg_connect(url: str):
    import psycopg2
    from sqlalchemy import make_url

    u = make_url(url)
    conn = psycopg2.connect(
        host=u.host,
        port=u.port or 5432,
        user=u.username,
        password=u.password,
        dbname=u.database,
        connect_timeout=3,
    )
    conn.autocommit = True
    return conn


def _pg_admin_url() -> str | None:
    candidates = [PG_ADMIN_URL, PG_ADMIN_URL.replace("postgres@", "root@", 1)]
    for attempt in range(2):
        for url in candidates:
            try:
                _pg_connect(url).close()
                return url
            except Exception:
                continue
        if attempt == 0 and shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir():
            for version in os.listdir("/etc/postgresql"):
                subprocess.run(
                    ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                    capture_output=True,
                    check=False,
                )
            time.sleep(1)
    return None


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = _pg_admin_url()
    if url is None:
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def pg_database_factory(pg_admin_url: str) -> Iterator:
    """Call it to get the URL of a new, empty PostgreSQL database; all are dropped at the end."""
    from intake.db import dispose_engine

    made: list[tuple[str, str]] = []

    def make() -> str:
        name = f"iop_test_{secrets.token_hex(6)}"
        conn = _pg_connect(pg_admin_url)
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
        conn.close()
        url = pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
        made.append((name, url))
        return url

    yield make
    conn = _pg_connect(pg_admin_url)
    for name, url in made:
        dispose_engine(url)
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="session")
def pg_session_database(pg_database_factory) -> str:
    from intake.db import get_engine

    url = pg_database_factory()
    get_engine(url)  # migrate once
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from intake.db import dispose_engine, get_engine

    path = tmp_path_factory.mktemp("template") / "iop.db"
    url = f"sqlite:///{path}"
    get_engine(url)
    dispose_engine(url)  # checkpoints the WAL into the file, so a plain copy is complete
    return path


def _empty_pg(url: str) -> None:
    from sqlalchemy import text

    from intake.db import get_engine
    from intake.models import Base

    with get_engine(url).connect() as conn:
        # Replica role skips the audit log's append-only triggers: test clean-up only (needs superuser).
        # DELETE, not TRUNCATE: on a handful of rows it is ten times faster.
        conn.execute(text("SET session_replication_role = replica"))
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text("SET session_replication_role = DEFAULT"))
        conn.commit()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend, as a DATABASE_URL."""
    from intake.db import dispose_engine

    if request.param == "sqlite":
        path = tmp_path / "iop.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        dispose_engine(url)
    else:
        url = request.getfixturevalue("pg_session_database")
        _empty_pg(url)
        yield url


@pytest.fixture
def engine(database_url: str):
    from intake.db import get_engine

    return get_engine(database_url)


@pytest.fixture
def database_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DATABASE_URL set in the environment (for code and subprocesses that read settings)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    _clear_settings()
    yield database_url
    monkeypatch.undo()
    _clear_settings()


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """``settings_env(NAME=value, ...)`` sets variables (None removes one) and re-reads settings."""

    def apply(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        _clear_settings()

    yield apply
    monkeypatch.undo()
    _clear_settings()
