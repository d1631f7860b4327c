"""Pilots (phase 4): the decision that ends a pilot (adopt → rollout, redesign → design)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from opexflow.errors import InputError
from opexflow.workspace.base import Record, utcnow


class Decision(enum.StrEnum):
    adopt = "adopt"
    redesign = "redesign"


class PilotDecision(Record):
    __tablename__ = "pilot_decisions"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[Decision]
    reasons: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("reasons")
    def _reasons(self, _key: str, value: str) -> str:
        if not value or not value.strip():
            raise InputError(
                "a pilot decision needs its reasons (e.g. the KPI results, the unmet issues)",
                errors=[{"field": "reasons", "message": "required"}],
            )
        return value.strip()
