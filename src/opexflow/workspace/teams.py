"""The optimization team (专项优化小组) and the survey of the current state."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from opexflow.errors import InputError
from opexflow.workspace.base import Record


class TeamRole(enum.StrEnum):
    """The seed's four team roles."""

    leader = "leader"
    business = "business"
    it = "it"
    compliance = "compliance"


TEAM_DUTIES: dict[TeamRole, tuple[str, str]] = {
    TeamRole.leader: (
        "统筹推进、协调资源、决策与签字",
        "drives the project, coordinates, decides and signs",
    ),
    TeamRole.business: (
        "梳理现状、参与方案设计与试点",
        "maps the current process, designs and pilots",
    ),
    TeamRole.it: ("提供数据与系统支持、实现自动化", "provides data and system support, automates"),
    TeamRole.compliance: ("审核合规与风险控制点", "reviews compliance and control points"),
}


class SurveyKind(enum.StrEnum):
    interview = "interview"
    questionnaire = "questionnaire"
    observation = "observation"


class TeamMember(Record):
    __tablename__ = "team_members"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[TeamRole]
    department: Mapped[str] = mapped_column(String(120), default="")
    duties: Mapped[str] = mapped_column(Text, default="")

    @validates("name")
    def _name(self, _key: str, value: str) -> str:
        return _required("name", value)


class SurveyPlan(Record):
    __tablename__ = "survey_plans"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(Text)
    departments: Mapped[list[str]] = mapped_column(default=list)
    methods: Mapped[list[str]] = mapped_column(default=list)
    start_on: Mapped[date]
    end_on: Mapped[date]

    @validates("scope")
    def _scope(self, _key: str, value: str) -> str:
        return _required("scope", value)

    @validates("end_on")
    def _end(self, _key: str, value: date) -> date:
        if self.start_on is not None and value < self.start_on:
            raise InputError(
                f"the survey ends ({value}) before it starts ({self.start_on})",
                errors=[{"field": "end_on", "message": "on or after start_on"}],
            )
        return value


class SurveyRecord(Record):
    """An interview, questionnaire or observation, linked to process steps."""

    __tablename__ = "survey_records"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SurveyKind]
    held_on: Mapped[date]
    respondent: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[str]] = mapped_column(default=list)

    @validates("summary")
    def _summary(self, _key: str, value: str) -> str:
        return _required("summary", value)


def _required(field: str, value: str) -> str:
    if not value or not value.strip():
        raise InputError(f"{field} is empty", errors=[{"field": field, "message": "required"}])
    return value.strip()
