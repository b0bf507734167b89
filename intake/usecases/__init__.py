"""What the pages ask of intake, one function per thing a page does, each owning its transaction.

Every use case opens its own session (``transaction()`` to write, ``reading()`` to read), takes
``now`` explicitly where time matters, and raises ``intake.Unavailable`` when the database cannot
be reached; domain errors (a failed sign-in, a wrong resume code, a ValueError) pass unchanged.
So ui/ and pages/ never import SQLAlchemy. May import the rest of intake and scoring; never ui,
pages or streamlit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from intake.db import read_session, write_session
from intake.errors import Unavailable


@contextmanager
def transaction() -> Iterator[Session]:
    """One write transaction (``intake.db.write_session``): committed on success, rolled back
    on an error; a database error comes out as ``Unavailable``."""
    try:
        with write_session() as session:
            yield session
    except SQLAlchemyError as exc:
        raise Unavailable("the database could not be reached") from exc


@contextmanager
def reading() -> Iterator[Session]:
    """One read-only transaction (``intake.db.read_session``); a database error comes out as
    ``Unavailable``."""
    try:
        with read_session() as session:
            yield session
    except SQLAlchemyError as exc:
        raise Unavailable("the database could not be reached") from exc
