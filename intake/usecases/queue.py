"""What the staff queue asks of intake: one page of it, the overdue urgent screens, and the
CSV export of the filtered queue (audited). Errors: ``intake.Unavailable``; a filter that cannot
match (a staff id out of range, a malformed cursor) is a ``ValueError``."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from intake import exchange, queue
from intake.errors import Unavailable
from intake.queue import QueueFilters, QueuePage, ScreenSummary
from intake.staff import StaffView
from intake.usecases import reading
from intake.vocab import OVERDUE_SHOWN


def queue_page(filters: QueueFilters, *, after: str | None, page_size: int, now: datetime) -> QueuePage:
    """One page of the queue, most urgent first, then oldest first; pass a page's ``next_after``
    as ``after`` for the next one."""
    with reading() as session:
        return queue.queue_page(session, filters, page_size=page_size, after=after, now=now)


def overdue(now: datetime, limit: int = OVERDUE_SHOWN) -> list[ScreenSummary]:
    """Urgent screens nobody has contacted in time, oldest first, at most ``limit`` of them."""
    with reading() as session:
        return queue.overdue_urgent(session, now=now, limit=limit)


def export_csv(
    member: StaffView, filters: QueueFilters, *, with_contact: bool, now: datetime
) -> tuple[bytes, int]:
    """The filtered queue as CSV and its row count; audited as an ``export`` by ``member``.
    Contact details only for an administrator who asks: anyone else gets a de-identified file."""
    out = io.StringIO()
    try:
        count = exchange.export_csv(
            None, out, with_contact=with_contact and member.is_admin, filters=filters, actor=member
        )
    except SQLAlchemyError as exc:
        raise Unavailable("the database could not be reached") from exc
    return _with_export_time(out.getvalue(), now).encode("utf-8"), count


def _with_export_time(text: str, exported_at: datetime) -> str:
    """Add an exported_at column, so each download is a different file (Streamlit serves downloads
    by content hash, without a session check)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(csv.reader(io.StringIO(text))):
        writer.writerow([*row, "exported_at" if number == 0 else exported_at.isoformat()])
    return out.getvalue()
