"""The six phases of an optimization project, their time boxes and overdue flags.

Time boxes follow the seed: diagnose 1–2 weeks, analyze 3–5 days, design
1–2 weeks, pilot 2–3 weeks, rollout 1–2 weeks, monitor ongoing. A project
is planned with the upper bound of each box.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opexflow.workspace.base import Record


class Phase(enum.StrEnum):
    diagnose = "diagnose"
    analyze = "analyze"
    design = "design"
    pilot = "pilot"
    rollout = "rollout"
    monitor = "monitor"

    @property
    def number(self) -> int:
        return list(Phase).index(self) + 1

    def next(self) -> Phase | None:
        phases = list(Phase)
        i = phases.index(self)
        return phases[i + 1] if i + 1 < len(phases) else None


class Trigger(enum.StrEnum):
    """Why a project was opened (the seed's five triggers)."""

    new_business = "new_business"
    low_efficiency = "low_efficiency"
    inconsistent_execution = "inconsistent_execution"
    compliance = "compliance"
    poor_experience = "poor_experience"


@dataclass(frozen=True)
class TimeBox:
    min_days: int
    max_days: int | None  # None: ongoing
    zh: str
    en: str


TIME_BOXES: dict[Phase, TimeBox] = {
    Phase.diagnose: TimeBox(7, 14, "1–2周", "1–2 weeks"),
    Phase.analyze: TimeBox(3, 5, "3–5天", "3–5 days"),
    Phase.design: TimeBox(7, 14, "1–2周", "1–2 weeks"),
    Phase.pilot: TimeBox(14, 21, "2–3周", "2–3 weeks"),
    Phase.rollout: TimeBox(7, 14, "1–2周", "1–2 weeks"),
    Phase.monitor: TimeBox(0, None, "持续", "ongoing"),
}

PHASE_NAMES: dict[Phase, tuple[str, str]] = {
    Phase.diagnose: ("全面诊断与现状梳理", "Diagnose the current state"),
    Phase.analyze: ("根因分析与问题聚焦", "Analyze root causes"),
    Phase.design: ("优化方案设计与标准化输出", "Design and standardize"),
    Phase.pilot: ("试点验证与效果评估", "Pilot and evaluate"),
    Phase.rollout: ("全面推广与落地执行", "Roll out"),
    Phase.monitor: ("持续监控与迭代优化", "Monitor and iterate"),
}


class PhaseWindow(Record):
    """Planned and actual dates of one phase of one project."""

    __tablename__ = "phase_windows"
    __table_args__ = (UniqueConstraint("project_id", "phase"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[Phase]
    planned_start: Mapped[date]
    planned_end: Mapped[date | None]
    actual_start: Mapped[date | None]
    actual_end: Mapped[date | None]

    def overdue(self, today: date) -> bool:
        """Past its planned end: still running, or finished late."""
        if self.planned_end is None or self.actual_start is None:
            return False
        finished = self.actual_end or today
        return finished > self.planned_end


class PhaseMove(Record):
    """A recorded move between phases (forward through a gate, or back)."""

    __tablename__ = "phase_moves"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    from_phase: Mapped[Phase]
    to_phase: Mapped[Phase]
    moved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moved_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[str] = mapped_column(String(10))


def plan(start: date) -> list[tuple[Phase, date, date | None]]:
    """Planned (phase, start, end) from ``start``, each box at its upper bound."""
    rows: list[tuple[Phase, date, date | None]] = []
    cursor = start
    for phase, box in TIME_BOXES.items():
        if box.max_days is None:
            rows.append((phase, cursor, None))
            continue
        end = cursor + timedelta(days=box.max_days - 1)
        rows.append((phase, cursor, end))
        cursor = end + timedelta(days=1)
    return rows
