"""What the audit log page asks of intake: who the staff actors are, and one page of entries,
newest first (keyset paging on the entry id). Errors: ``intake.Unavailable``."""

from __future__ import annotations

from intake import audit, staff
from intake.audit import AuditFilters, AuditPage
from intake.usecases import reading


def actor_emails() -> dict[str, str]:
    """Each staff member's email by the actor string the log records for them (their id)."""
    with reading() as session:
        return {audit.actor_of(m): m.email for m in staff.list_staff(session)}


def entries(filters: AuditFilters, *, before: int | None, page_size: int) -> AuditPage:
    """One page of entries matching ``filters``; pass a page's ``next_before`` as ``before``."""
    with reading() as session:
        return audit.browse(session, filters, before=before, page_size=page_size)
