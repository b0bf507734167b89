"""Earlier results of re-scored screens: ``python -m intake rescore`` keeps the result it replaces.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "screen_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.String(36), nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("replaced_at", TS, nullable=False),
        sa.Column("replaced_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["screens.id"], name="fk_screen_results_screen_id_screens", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screen_results"),
    )
    op.create_index("ix_screen_results_screen_id", "screen_results", ["screen_id"])


def downgrade() -> None:
    # The earlier results go with the table: a screen keeps only the result it shows now.
    op.drop_table("screen_results")
