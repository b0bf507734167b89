"""Index for "open screens assigned to me": assigned_to and status together.

With only (assigned_to, ...) SQLite, which keeps no statistics, walked every screen assigned to
a member and read each row's status from a wide row: 2 s cold at 100,000 screens.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_screens_assigned_status_queue",
        "screens",
        ["assigned_to", "status", "priority", "submitted_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_screens_assigned_status_queue", table_name="screens")
