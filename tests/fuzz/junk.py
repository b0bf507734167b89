"""Shared strategies and checks of the fuzz tests: JSON-like junk, and row counts of every table
(to prove that a refused input wrote nothing)."""

from __future__ import annotations

from hypothesis import strategies as st
from sqlalchemy import func, select

# Scalars of every JSON type, and a few Python types a careless caller might pass.
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
ODD_SCALARS = st.one_of(
    st.binary(max_size=8),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.frozensets(st.integers(), max_size=3),
    st.complex_numbers(allow_nan=True),
    st.dates(),
)


def json_values(*, odd: bool = False) -> st.SearchStrategy:
    """Any JSON-like value, nested up to three levels (with ``odd``: non-JSON Python values too).

    Spelled out rather than ``st.recursive``, which costs twice as much per example: 10,000
    examples per target must fit the time budget.
    """
    leaves = st.one_of(JSON_SCALARS, ODD_SCALARS) if odd else JSON_SCALARS
    shallow = st.one_of(
        st.lists(leaves, max_size=3), st.dictionaries(st.text(max_size=8), leaves, max_size=3)
    )
    return st.one_of(
        leaves,
        shallow,
        st.lists(shallow, max_size=2),
        st.dictionaries(st.text(max_size=8), shallow, max_size=2),
    )


def row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the schema."""
    from intake.db import read_session
    from intake.models import Base

    with read_session(url) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
