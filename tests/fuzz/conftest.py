"""The fuzz tests' database: a migrated SQLite file per module (strategies live in junk.py).

Every fuzz test runs 10,000 generated inputs (some database-backed ones a smaller sample, said
where) with ``derandomize=True``: CI runs the same inputs every time, so a red run is never
flaky and its failing example is in the log; new inputs come from changing the strategies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def module_db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty SQLite database of this module's own, as a URL."""
    from intake.db import dispose_engine, get_engine

    path = tmp_path_factory.mktemp("fuzz") / "iop.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    get_engine(url)
    yield url
    dispose_engine(url)
