"""SOP documents, versions, reviews, comments, signatures and Table 4 rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:41:03.918495
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sop_documents",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"], ["processes.id"], name=op.f("fk_sop_documents_process_id_processes")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sop_documents_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_documents")),
    )
    with op.batch_alter_table("sop_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sop_documents_process_id"), ["process_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sop_documents_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "sop_versions",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "approved",
                "effective",
                "superseded",
                "archived",
                name="sopstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("change_summary", sa.Text(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["sop_documents.id"],
            name=op.f("fk_sop_versions_document_id_sop_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["editor_id"], ["users.id"], name=op.f("fk_sop_versions_editor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sop_versions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_versions")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_sop_versions_document_id")),
    )
    with op.batch_alter_table("sop_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sop_versions_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sop_versions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "change_records",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("process_code", sa.String(length=20), nullable=False),
        sa.Column("process_name", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("editor", sa.String(length=120), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_change_records_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_change_records_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_records")),
    )
    with op.batch_alter_table("change_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_records_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "sop_comments",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_sop_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sop_comments_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_sop_comments_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_comments")),
    )
    with op.batch_alter_table("sop_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sop_comments_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sop_comments_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "sop_reviews",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "pending",
                "approved",
                "changes_requested",
                name="reviewdecision",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sop_reviews_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_sop_reviews_reviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_sop_reviews_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_reviews")),
        sa.UniqueConstraint("version_id", "reviewer_id", name=op.f("uq_sop_reviews_version_id")),
    )
    with op.batch_alter_table("sop_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sop_reviews_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sop_reviews_version_id"), ["version_id"], unique=False)

    op.create_table(
        "sop_signatures",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sop_signatures_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["users.id"], name=op.f("fk_sop_signatures_signer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_sop_signatures_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_signatures")),
    )
    with op.batch_alter_table("sop_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sop_signatures_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sop_signatures_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sop_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sop_signatures_version_id"))
        batch_op.drop_index(batch_op.f("ix_sop_signatures_project_id"))

    op.drop_table("sop_signatures")
    with op.batch_alter_table("sop_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sop_reviews_version_id"))
        batch_op.drop_index(batch_op.f("ix_sop_reviews_project_id"))

    op.drop_table("sop_reviews")
    with op.batch_alter_table("sop_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sop_comments_version_id"))
        batch_op.drop_index(batch_op.f("ix_sop_comments_project_id"))

    op.drop_table("sop_comments")
    with op.batch_alter_table("change_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_records_project_id"))

    op.drop_table("change_records")
    with op.batch_alter_table("sop_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sop_versions_project_id"))
        batch_op.drop_index(batch_op.f("ix_sop_versions_document_id"))

    op.drop_table("sop_versions")
    with op.batch_alter_table("sop_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sop_documents_project_id"))
        batch_op.drop_index(batch_op.f("ix_sop_documents_process_id"))

    op.drop_table("sop_documents")
