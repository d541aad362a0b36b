"""Deleted templates wait in a bin: templates.deleted_at; names unique among live ones.

A deleted template keeps its rows (and its name, for a restore) until it is
purged after the grace period; meanwhile its name is free for a new template,
so the unique constraint on (organisation, name) becomes a unique index over
the templates not deleted.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    """Add deleted_at; make names unique among the templates not deleted."""
    with op.batch_alter_table("templates") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True)))
        batch.drop_constraint("uq_templates_organisation_id", type_="unique")
    op.create_index(
        "uq_templates_live_name",
        "templates",
        ["organisation_id", "name"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    """Purge the bin (its names may clash), then restore the plain constraint."""
    op.execute(
        "DELETE FROM template_versions WHERE template_id IN "
        "(SELECT id FROM templates WHERE deleted_at IS NOT NULL)"
    )
    op.execute("DELETE FROM templates WHERE deleted_at IS NOT NULL")
    op.drop_index("uq_templates_live_name", table_name="templates")
    with op.batch_alter_table("templates") as batch:
        batch.create_unique_constraint(
            "uq_templates_organisation_id", ["organisation_id", "name"]
        )
        batch.drop_column("deleted_at")
