"""Storage and workflow: the database (``db``, ``models``, ``migrations``), drafts, a submitted
screen's life (``submission`` stores it once, ``queue`` pages it, ``review`` reads it whole,
``workflow`` moves its status and assignment, ``notes``, ``results`` for re-scored results),
staff accounts, sign-in and TOTP enrolment (``staff``, ``auth``, ``enrolment``), the audit log,
exchange, retention and key rotation, with the names they share in ``vocab``; and the use cases
that pages call (``intake.usecases``), each owning its transaction. May import ``scoring`` and
libraries; never ``ui``, ``pages`` or streamlit.

``intake.Unavailable`` is the one error a page needs to know of: the database could not be
reached, and nothing was changed.
"""

from intake.errors import Unavailable

__all__ = ["Unavailable"]
