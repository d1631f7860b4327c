"""pilots: setup, KPIs, daily tracking, retros, satisfaction answers, unmet issues

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 05:34:15.097352
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pilot_days",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("issues", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pilot_days_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_days")),
    )
    with op.batch_alter_table("pilot_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilot_days_project_id"), ["project_id"], unique=False)

    op.create_table(
        "pilot_kpis",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=500), nullable=False),
        sa.Column(
            "statistic",
            sa.Enum("median", "mean", "p90", name="kpistatistic", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("target", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pilot_kpis_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_kpis")),
    )
    with op.batch_alter_table("pilot_kpis", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilot_kpis_project_id"), ["project_id"], unique=False)

    op.create_table(
        "pilot_retros",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pilot_retros_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_retros")),
    )
    with op.batch_alter_table("pilot_retros", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pilot_retros_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "pilots",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("pilot_name", sa.String(length=200), nullable=False),
        sa.Column("scope_attribute", sa.String(length=120), nullable=True),
        sa.Column("scope_value", sa.String(length=200), nullable=True),
        sa.Column("before_log_id", sa.Integer(), nullable=True),
        sa.Column("after_log_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("pilot_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column(
            "control",
            sa.Enum("rest", "group", "none", name="controlkind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("control_value", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned", "running", "finished", name="pilotstatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["after_log_id"],
            ["event_logs.id"],
            name=op.f("fk_pilots_after_log_id_event_logs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["before_log_id"],
            ["event_logs.id"],
            name=op.f("fk_pilots_before_log_id_event_logs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pilots_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilots")),
    )
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilots_project_id"), ["project_id"], unique=False)

    op.create_table(
        "satisfaction_answers",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("respondent", sa.String(length=120), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_satisfaction_answers_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_answers")),
    )
    with op.batch_alter_table("satisfaction_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_satisfaction_answers_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "unmet_issues",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.String(length=300), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_unmet_issues_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmet_issues")),
    )
    with op.batch_alter_table("unmet_issues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unmet_issues_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("unmet_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unmet_issues_project_id"))

    op.drop_table("unmet_issues")
    with op.batch_alter_table("satisfaction_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_answers_project_id"))

    op.drop_table("satisfaction_answers")
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pilots_project_id"))

    op.drop_table("pilots")
    with op.batch_alter_table("pilot_retros", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pilot_retros_project_id"))

    op.drop_table("pilot_retros")
    with op.batch_alter_table("pilot_kpis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pilot_kpis_project_id"))

    op.drop_table("pilot_kpis")
    with op.batch_alter_table("pilot_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pilot_days_project_id"))

    op.drop_table("pilot_days")
