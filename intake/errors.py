"""The errors intake's use cases raise to the pages that call them."""

from __future__ import annotations


class Unavailable(RuntimeError):
    """The database could not be reached or did not answer: nothing was changed, and the page
    should say so calmly and keep what the person typed. Raised from ``SQLAlchemyError`` (chained),
    so ui/ never needs to know what a database error looks like."""
