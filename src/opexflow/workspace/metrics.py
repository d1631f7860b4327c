"""The metric dictionary (指标口径): one definition per KPI name, workspace-wide.

``formula`` is the structured KPI definition the engine evaluates (see
docs/pilot.md); ``definition`` says the same in words for people.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, validates

from opexflow.errors import InputError, NotFoundError
from opexflow.workspace.base import Record


class Direction(enum.StrEnum):
    lower_is_better = "lower_is_better"
    higher_is_better = "higher_is_better"


class Metric(Record):
    __tablename__ = "metrics"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str] = mapped_column(String(120), default="")
    definition: Mapped[str] = mapped_column(Text)
    formula: Mapped[dict[str, Any] | None]
    unit: Mapped[str] = mapped_column(String(20), default="")
    direction: Mapped[Direction] = mapped_column(default=Direction.lower_is_better)
    source: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(120), default="")

    @validates("name", "definition")
    def _required(self, key: str, value: str) -> str:
        if not value or not value.strip():
            raise InputError(f"{key} is empty", errors=[{"field": key, "message": "required"}])
        return value.strip()


def metric_by_name(session: Session, name: str) -> Metric:
    found = session.scalar(select(Metric).where(Metric.name == name))
    if found is None:
        names = ", ".join(session.scalars(select(Metric.name).order_by(Metric.name)))
        raise NotFoundError(f"no metric {name!r} in the dictionary; defined: {names or 'none'}")
    return found


def list_metrics(session: Session) -> list[Metric]:
    return list(session.scalars(select(Metric).order_by(Metric.name)))
