"""segment roots; analysis cache keyed by the analysis version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:20:00.000000

Adds ``segment_roots`` (filled by the next coding run from the cached analyses) and
keys the cached analyses by the analysis version alone: they were keyed by the
pipeline version ``qualcode-coder.<coder>+<analysis>``, so a new coder version threw
away tokens and root forms that do not depend on it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_OLD_PREFIX = "qualcode-coder."


def upgrade() -> None:
    op.create_table(
        "segment_roots",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("analysis_version", sa.String(length=32), nullable=False),
        sa.Column("roots", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("segment_id"),
    )
    bind = op.get_bind()
    keys = bind.execute(sa.text("SELECT DISTINCT pipeline_version FROM segment_analysis"))
    for (old,) in keys.all():
        if not (old.startswith(_OLD_PREFIX) and "+" in old):
            continue
        # The analysis part of the old key; a stale one simply misses the cache later.
        bind.execute(
            sa.text(
                "UPDATE segment_analysis SET pipeline_version = :new WHERE pipeline_version = :old"
            ),
            {"new": old.split("+", 1)[1], "old": old},
        )


def downgrade() -> None:
    op.drop_table("segment_roots")
