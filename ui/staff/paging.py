"""One paged table's place in the address bar: its filters and its keyset cursors live in
``st.query_params``, so a view of the queue or the audit log can be bookmarked and shared (as
Datasette keeps them in the URL), and a reload shows the same page.

- Filters: each filter widget is bound to a query parameter named after its key
  (Streamlit's ``bind="query-params"``): a bookmarked address sets the widgets on a fresh
  session, and a change writes back. Changing a filter goes back to the first page.
- Cursors: the stack of keyset cursors that led to the page shown, one repeated query parameter
  (absent on the first page). "Next" pushes the page's next cursor; "Previous" pops one.

Example (the audit log)::

    PAGER = Pager("audit-page", previous=("Newer", "audit-newer"), next=("Older", "audit-older"))

    action = st.selectbox("Action", [None, *ACTIONS], key="audit-action", **PAGER.filter_widget)
    page = PAGER.load(lambda cursor: browse(filters, before=cursor, page_size=100))
    ...draw page.rows...
    PAGER.controls(next_cursor=page.next_before, caption=f"Page {PAGER.number()}, newest first.")

A cursor is opaque text to this module; ``load`` goes back to the first page when a cursor from
an edited or outdated address is refused (the loader raises ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

Page = TypeVar("Page")


@dataclass(frozen=True)
class Pager:
    """The cursors of one paged table, kept in the query parameter ``param``. ``previous`` and
    ``next`` are the buttons' (label, widget key)."""

    param: str
    previous: tuple[str, str]
    next: tuple[str, str]

    @property
    def filter_widget(self) -> dict[str, Any]:
        """Keyword arguments for every filter widget of this table: bound to the address, and a
        change starts again at the first page."""
        return {"bind": "query-params", "on_change": self.restart}

    def stack(self) -> list[str]:
        """The cursors that led to the page shown; empty on the first page."""
        return st.query_params.get_all(self.param)

    def cursor(self) -> str | None:
        """The keyset cursor of the page shown (None: the first page)."""
        stack = self.stack()
        return stack[-1] if stack else None

    def number(self) -> int:
        """The page shown, counting from 1."""
        return len(self.stack()) + 1

    def restart(self) -> None:
        """Back to the first page (new filters; or a cursor that is no longer any good)."""
        if self.param in st.query_params:
            del st.query_params[self.param]

    def load(self, fetch: Callable[[str | None], Page]) -> Page:
        """``fetch(cursor)`` for the page shown; the first page if the address held a cursor
        the loader refuses."""
        cursor = self.cursor()
        if cursor is None:
            return fetch(None)
        try:
            return fetch(cursor)
        except ValueError:
            self.restart()
            return fetch(None)

    def _go_next(self, cursor: str) -> None:
        st.query_params[self.param] = [*self.stack(), cursor]

    def _go_previous(self) -> None:
        stack = self.stack()[:-1]
        if stack:
            st.query_params[self.param] = stack
        else:
            self.restart()

    def controls(self, *, next_cursor: str | int | None, caption: str) -> None:
        """The Previous and Next buttons under the table, and a caption beside them."""
        cols = st.columns([1, 1, 4])
        label, key = self.previous
        cols[0].button(label, key=key, on_click=self._go_previous, disabled=self.number() <= 1)
        label, key = self.next
        cols[1].button(
            label,
            key=key,
            on_click=self._go_next,
            args=(str(next_cursor),),
            disabled=next_cursor is None,
        )
        cols[2].caption(caption)
