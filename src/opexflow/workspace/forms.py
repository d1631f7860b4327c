"""Table 1 (现状调研表, the current state) and Table 2 (优化方案设计表, the measures)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from opexflow.errors import InputError
from opexflow.workspace.base import Record
from opexflow.workspace.problems import ProblemCategory


class MeasureType(enum.StrEnum):
    """The seed's measures by problem type (§3)."""

    remove_approval = "remove_approval"  # efficiency: 精简冗余审批
    automate = "automate"  # efficiency: 系统自动化
    parallelize = "parallelize"  # efficiency: 串行改并行
    standardize = "standardize"  # quality: 统一标准
    validation = "validation"  # quality: 校验规则
    training = "training"  # quality: 培训
    raci = "raci"  # collaboration: 明确职责 RACI
    meeting = "meeting"  # collaboration: 例会机制
    compliance_step = "compliance_step"  # risk: 合规环节
    risk_alert = "risk_alert"  # risk: 风险预警
    other = "other"


MEASURES_FOR: dict[ProblemCategory, tuple[MeasureType, ...]] = {
    ProblemCategory.efficiency: (
        MeasureType.remove_approval,
        MeasureType.automate,
        MeasureType.parallelize,
    ),
    ProblemCategory.quality: (
        MeasureType.standardize,
        MeasureType.validation,
        MeasureType.training,
    ),
    ProblemCategory.collaboration: (MeasureType.raci, MeasureType.meeting),
    ProblemCategory.risk: (MeasureType.compliance_step, MeasureType.risk_alert),
}


class CurrentStateRow(Record):
    """One step of the as-is process (Table 1)."""

    __tablename__ = "current_state_rows"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[int]
    activity: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    minutes_per_step: Mapped[float | None]
    problem_types: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="entered")

    @validates("problem_types")
    def _types(self, _key: str, value: list[str]) -> list[str]:
        allowed = {c.value for c in ProblemCategory}
        bad = [v for v in value if v not in allowed]
        if bad:
            raise InputError(
                f"problem type {', '.join(bad)}: use {', '.join(sorted(allowed))}",
                errors=[{"field": "problem_types", "message": ", ".join(sorted(allowed))}],
            )
        return list(dict.fromkeys(value))

    @validates("minutes_per_step")
    def _minutes(self, _key: str, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise InputError(
                f"minutes per step {value}: a duration cannot be negative",
                errors=[{"field": "minutes_per_step", "message": ">= 0"}],
            )
        return value


class Measure(Record):
    """One row of Table 2: a measure against a problem, with its quantified target."""

    __tablename__ = "measures"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="SET NULL"))
    goal: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    measure_type: Mapped[MeasureType] = mapped_column(default=MeasureType.other)
    owner_department: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None]
    kpi: Mapped[str] = mapped_column(String(120), default="")
    baseline: Mapped[float | None]
    target: Mapped[float | None]
    unit: Mapped[str] = mapped_column(String(20), default="")
    step: Mapped[str | None] = mapped_column(String(200))

    @validates("goal", "measure")
    def _required(self, key: str, value: str) -> str:
        if not value or not value.strip():
            raise InputError(f"{key} is empty", errors=[{"field": key, "message": "required"}])
        return value.strip()

    @property
    def expected_effect(self) -> str:
        """e.g. ``激活时长 30 → 8 分钟``."""
        if not self.kpi:
            return ""
        if self.baseline is None or self.target is None:
            return self.kpi
        return f"{self.kpi} {self.baseline:g} → {self.target:g} {self.unit}".rstrip()
