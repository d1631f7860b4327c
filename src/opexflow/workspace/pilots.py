"""Pilots (phase 4): the pilot's setup, KPIs, tracking, survey, unmet issues and decision.

A project runs one pilot at a time (the latest :class:`Pilot` record is the
current one; after a redesign, edit it or add a new one). The other records
belong to the project's pilot:

    Pilot               scope (a case attribute and its value, e.g. 团队 = A组, or
                        none: the whole after-log is the pilot), the logs (before and
                        after, or one log split at the pilot start), the period,
                        the control group, the status
    PilotKpi            a KPI: a metric-dictionary name or a short form
                        (``case_share:补充资料``), its statistic, target and unit
    PilotDay            daily tracking notes and issues
    Retro               weekly retro notes
    SatisfactionAnswer  one answer to the satisfaction survey (1–5)
    UnmetIssue          an issue the pilot did not solve, and its cause
    PilotDecision       adopt (→ rollout) or redesign (→ design), with reasons

The evaluation is in :mod:`opexflow.workspace.pilot_evaluation`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from opexflow.errors import InputError
from opexflow.workspace.base import Record, utcnow


class Decision(enum.StrEnum):
    adopt = "adopt"
    redesign = "redesign"


class ControlKind(enum.StrEnum):
    """The control group: every other case, the cases with ``control_value``, or none."""

    rest = "rest"
    group = "group"
    none = "none"


class PilotStatus(enum.StrEnum):
    planned = "planned"
    running = "running"
    finished = "finished"


class KpiStatistic(enum.StrEnum):
    median = "median"
    mean = "mean"
    p90 = "p90"


def _required(key: str, value: str | None) -> str:
    if not value or not value.strip():
        raise InputError(f"{key} is empty", errors=[{"field": key, "message": "required"}])
    return value.strip()


def _project_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)


class Pilot(Record):
    """The pilot's setup: what is piloted where, on which logs, compared with what."""

    __tablename__ = "pilots"

    project_id: Mapped[int] = _project_fk()
    pilot_name: Mapped[str] = mapped_column(String(200))
    scope_attribute: Mapped[str | None] = mapped_column(String(120))
    scope_value: Mapped[str | None] = mapped_column(String(200))
    before_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_logs.id", ondelete="SET NULL")
    )
    after_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_logs.id", ondelete="SET NULL")
    )
    period_start: Mapped[date | None]
    pilot_start: Mapped[date]
    period_end: Mapped[date | None]
    control: Mapped[ControlKind] = mapped_column(default=ControlKind.rest)
    control_value: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[PilotStatus] = mapped_column(default=PilotStatus.running)
    purpose: Mapped[str] = mapped_column(Text, default="")

    @validates("pilot_name")
    def _name(self, key: str, value: str) -> str:
        return _required(key, value)


class PilotKpi(Record):
    """A KPI of the pilot: ``kpi`` is a metric-dictionary name, a short form or JSON."""

    __tablename__ = "pilot_kpis"

    project_id: Mapped[int] = _project_fk()
    kpi: Mapped[str] = mapped_column(String(500))
    statistic: Mapped[KpiStatistic | None]
    target: Mapped[float | None]
    unit: Mapped[str] = mapped_column(String(20), default="")

    @validates("kpi")
    def _kpi(self, key: str, value: str) -> str:
        return _required(key, value)


class PilotDay(Record):
    """Daily tracking during the pilot: what happened, what went wrong."""

    __tablename__ = "pilot_days"

    project_id: Mapped[int] = _project_fk()
    day: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    issues: Mapped[str] = mapped_column(Text, default="")

    @validates("note")
    def _note(self, key: str, value: str) -> str:
        return _required(key, value)


class Retro(Record):
    """A weekly retro: what went well, what did not, what changes next week."""

    __tablename__ = "pilot_retros"

    project_id: Mapped[int] = _project_fk()
    week_of: Mapped[date]
    went_well: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")


class SatisfactionAnswer(Record):
    """One answer to the pilot's satisfaction survey: a score from 1 to 5."""

    __tablename__ = "satisfaction_answers"

    project_id: Mapped[int] = _project_fk()
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    respondent: Mapped[str] = mapped_column(String(120), default="")
    answered_on: Mapped[date | None]

    @validates("score")
    def _score(self, _key: str, value: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise InputError(
                f"a satisfaction score is a whole number from 1 to 5, not {value!r} (满意度为1-5分)",
                errors=[{"field": "score", "message": "1 to 5"}],
            )
        return value


class UnmetIssue(Record):
    """An issue the pilot did not solve, with its cause (Table 3's last column)."""

    __tablename__ = "unmet_issues"

    project_id: Mapped[int] = _project_fk()
    issue: Mapped[str] = mapped_column(String(300))
    cause: Mapped[str] = mapped_column(Text, default="")

    @validates("issue")
    def _issue(self, key: str, value: str) -> str:
        return _required(key, value)


class PilotDecision(Record):
    __tablename__ = "pilot_decisions"

    project_id: Mapped[int] = _project_fk()
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
