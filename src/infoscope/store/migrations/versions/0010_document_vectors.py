"""document_vectors: one embedding of each document's opening passage, for cross-language search

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_vectors",
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_vectors_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_vectors")),
    )


def downgrade() -> None:
    op.drop_table("document_vectors")
