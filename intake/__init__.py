"""Storage and workflow: the database, drafts, submitted screens, staff, audit, and the use cases
that pages call (``intake.usecases``). Never imports streamlit.

``intake.Unavailable`` is the one error a page needs to know of: the database could not be
reached, and nothing was changed.
"""

from intake.errors import Unavailable

__all__ = ["Unavailable"]
