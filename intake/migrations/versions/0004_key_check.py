"""Key check: the fingerprint of the field key this database's encrypted columns were written under.

A process that starts with a key list not holding that key would write rows nobody can read, so
it refuses to start instead (``intake.crypto.check_key``). One row at most; never key material.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "key_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_key_check_single_row")),
        sa.PrimaryKeyConstraint("id", name="pk_key_check"),
    )


def downgrade() -> None:
    op.drop_table("key_check")
