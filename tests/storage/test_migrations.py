"""Migrations build the schema from nothing on both backends, and agree with the models."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from intake.db import current_revision, dispose_engine, get_engine, head_revision, make_engine, migrate
from intake.models import Base


def _empty_url(backend: str, tmp_path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'sub' / 'fresh.db'}"
    return request.getfixturevalue("pg_database_factory")()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_first_use_migrates_an_empty_database_to_match_the_models(backend, tmp_path, request):
    url = _empty_url(backend, tmp_path, request)
    engine = get_engine(url)  # first use: creates ./sub/ for SQLite and migrates
    try:
        assert current_revision(engine) == head_revision() is not None
        assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        dispose_engine(url)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_processes_starting_at_once_migrate_once(backend, tmp_path, request):
    url = _empty_url(backend, tmp_path, request)
    engines = [make_engine(url) for _ in range(3)]
    errors: list[BaseException] = []

    def start(engine):
        try:
            migrate(engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert current_revision(engines[0]) == head_revision()
    finally:
        for e in engines:
            e.dispose()
