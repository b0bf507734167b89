"""The staff workspace's renderers, one module per page (``queue``, ``review``, ``insights``,
``audit_log``, ``accounts``) and their shared parts: the sign-in guard (``auth``), the one staff
state object (``state``, the staff side's only use of ``st.session_state``), the paged-table
helper that keeps filters and cursors in the address (``paging``), charts and text formatting.
May import ``ui``'s shared modules, ``intake`` (its use cases, vocabularies and plain data
classes) and ``scoring``; never SQLAlchemy, never ``ui.participant``, never ``pages``.
"""
