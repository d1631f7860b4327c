"""Problems, their root causes (fishbone, five whys) and their priority.

Impact and urgency are scored 1–5; 3 or more is "high". The quadrant of a
problem follows the impact × urgency matrix: ``act_now`` (high, high),
``plan`` (high impact, low urgency), ``quick_fix`` (low impact, high
urgency), ``watch`` (low, low).
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from opexflow.errors import InputError
from opexflow.workspace.base import Record

HIGH = 3


class ProblemCategory(enum.StrEnum):
    efficiency = "efficiency"
    quality = "quality"
    collaboration = "collaboration"
    risk = "risk"


class CauseCategory(enum.StrEnum):
    """人、机、料、法、环."""

    man = "man"
    machine = "machine"
    material = "material"
    method = "method"
    environment = "environment"


class Quadrant(enum.StrEnum):
    act_now = "act_now"
    plan = "plan"
    quick_fix = "quick_fix"
    watch = "watch"


def quadrant(impact: int | None, urgency: int | None) -> Quadrant | None:
    """The matrix cell of a problem, or None while it is not scored."""
    if impact is None or urgency is None:
        return None
    high_impact, high_urgency = impact >= HIGH, urgency >= HIGH
    if high_impact:
        return Quadrant.act_now if high_urgency else Quadrant.plan
    return Quadrant.quick_fix if high_urgency else Quadrant.watch


class Problem(Record):
    __tablename__ = "problems"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[ProblemCategory]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    impact: Mapped[int | None]
    urgency: Mapped[int | None]
    activity: Mapped[str | None] = mapped_column(String(200))

    @property
    def quadrant(self) -> Quadrant | None:
        return quadrant(self.impact, self.urgency)

    @validates("impact", "urgency")
    def _score(self, key: str, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 5:
            raise InputError(
                f"{key} {value}: score from 1 (low) to 5 (high)",
                errors=[{"field": key, "message": "1–5"}],
            )
        return value

    @validates("title")
    def _title(self, _key: str, value: str) -> str:
        if not value or not value.strip():
            raise InputError(
                "the problem has no title", errors=[{"field": "title", "message": "required"}]
            )
        return value.strip()


class FishboneCause(Record):
    """One cause on the fishbone of a problem; ``is_root`` marks a confirmed root cause."""

    __tablename__ = "fishbone_causes"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[CauseCategory]
    text: Mapped[str] = mapped_column(Text)
    is_root: Mapped[bool] = mapped_column(default=False)


class WhyChain(Record):
    """Five whys: each answer asks the next why; ``root_cause`` is where it ends."""

    __tablename__ = "why_chains"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    whys: Mapped[list[str]] = mapped_column(default=list)
    root_cause: Mapped[str] = mapped_column(Text, default="")

    @validates("whys")
    def _whys(self, _key: str, value: list[str]) -> list[str]:
        if len(value) > 7:
            raise InputError(
                f"{len(value)} whys: keep the chain to at most 7 steps (five is the method)",
                errors=[{"field": "whys", "message": "at most 7"}],
            )
        return [w.strip() for w in value if w and w.strip()]
