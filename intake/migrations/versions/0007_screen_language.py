"""The language a screen was answered in (issue 14): on screens, and on drafts so a resume code
brings the person back in their language.

Every screen and draft before this revision was in English, the only language there was, so
the new NOT NULL column is filled with 'en' for them by its server default. The queue filters
by language like by respondent, with the same kind of index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: rebuilding ``screens`` on SQLite would drop the old table
# and with it, through ON DELETE CASCADE, every contact, note and flag (see 0005).
def upgrade() -> None:
    for table in ("screens", "drafts"):
        op.add_column(table, sa.Column("language", sa.String(8), nullable=False, server_default="en"))
    op.create_index("ix_screens_language_queue", "screens", ["language", "priority", "submitted_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_screens_language_queue", table_name="screens")
    for table in ("drafts", "screens"):
        op.drop_column(table, "language")  # SQLite 3.35+ drops a column in place
