"""Create, read, update, list and delete the records that belong to a project.

Team members, survey plans and records, Table 1 rows, problems, fishbone
causes, why chains, measures, risks and pilot decisions all live under a
project and follow the same rules: members read, editors change (the
leader decides pilots), every change is audited, stale updates conflict.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from opexflow.errors import InputError, NotFoundError
from opexflow.workspace import changes
from opexflow.workspace.access import Action, require
from opexflow.workspace.base import Record
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.pilots import (
    Pilot,
    PilotDay,
    PilotDecision,
    PilotKpi,
    Retro,
    SatisfactionAnswer,
    UnmetIssue,
)
from opexflow.workspace.problems import FishboneCause, Problem, WhyChain
from opexflow.workspace.risks import Risk
from opexflow.workspace.teams import SurveyPlan, SurveyRecord, TeamMember
from opexflow.workspace.users import User

R = TypeVar("R", bound=Record)

#: The project's record kinds by their API name, and the action that changes them.
KINDS: dict[str, tuple[type[Record], Action]] = {
    "team": (TeamMember, Action.edit),
    "survey_plans": (SurveyPlan, Action.edit),
    "survey_records": (SurveyRecord, Action.edit),
    "table1": (CurrentStateRow, Action.edit),
    "problems": (Problem, Action.edit),
    "fishbone": (FishboneCause, Action.edit),
    "whys": (WhyChain, Action.edit),
    "measures": (Measure, Action.edit),
    "risks": (Risk, Action.edit),
    "pilot_decisions": (PilotDecision, Action.lead),
    "pilots": (Pilot, Action.edit),
    "pilot_kpis": (PilotKpi, Action.edit),
    "pilot_days": (PilotDay, Action.edit),
    "retros": (Retro, Action.edit),
    "satisfaction": (SatisfactionAnswer, Action.edit),
    "unmet_issues": (UnmetIssue, Action.edit),
}
_ORDER: dict[type[Record], str] = {CurrentStateRow: "step", PilotDay: "day", Retro: "week_of"}


def _action(table: type[Record]) -> Action:
    for kind, action in KINDS.values():
        if kind is table:
            return action
    raise InputError(f"{table.__tablename__} is not a project record")


def _check_parent(
    session: Session, table: type[Record], project_id: int, values: dict[str, Any]
) -> None:
    """A cause, why chain or measure must point at a problem of the same project."""
    problem_id = values.get("problem_id")
    if problem_id is None or table not in (FishboneCause, WhyChain, Measure):
        return
    problem = session.get(Problem, problem_id)
    if problem is None or problem.project_id != project_id:
        raise InputError(
            f"problem {problem_id} is not a problem of project {project_id}",
            errors=[{"field": "problem_id", "message": "a problem of this project"}],
        )


def create(session: Session, table: type[R], *, actor: User, project_id: int, **values: Any) -> R:
    """Add a record to the project."""
    require(session, actor, project_id, _action(table))
    _check_parent(session, table, project_id, values)
    try:
        obj = table(project_id=project_id, **values)
    except TypeError as exc:
        raise InputError(f"{table.__tablename__}: {exc}") from None
    if isinstance(obj, PilotDecision):
        obj.decided_by = actor.id
    return changes.add(session, obj, actor=actor)


def get(session: Session, table: type[R], item_id: int, *, actor: User) -> R:
    """One record, if the actor may see its project."""
    obj = session.get(table, item_id)
    if obj is None:
        raise NotFoundError(f"no {table.__tablename__} record with id {item_id}")
    require(session, actor, obj.project_id, Action.read)  # type: ignore[attr-defined]
    return obj


def list_(
    session: Session, table: type[R], *, actor: User, project_id: int, **where: Any
) -> list[R]:
    """The project's records of one kind, in a stable order."""
    require(session, actor, project_id, Action.read)
    order = getattr(table, _ORDER.get(table, "id"))
    query = select(table).where(table.project_id == project_id)  # type: ignore[attr-defined]
    for key, value in where.items():
        query = query.where(getattr(table, key) == value)
    return list(session.scalars(query.order_by(order, table.id)))


def update(
    session: Session,
    table: type[R],
    item_id: int,
    *,
    actor: User,
    expected_version: int | None = None,
    **values: Any,
) -> R:
    """Change a record; ``expected_version`` guards against overwriting someone's change."""
    obj = get(session, table, item_id, actor=actor)
    project_id: int = obj.project_id  # type: ignore[attr-defined]
    require(session, actor, project_id, _action(table))
    if "project_id" in values and values["project_id"] != project_id:
        raise InputError("a record cannot move to another project")
    values.pop("project_id", None)
    _check_parent(session, table, project_id, values)
    return changes.update(session, obj, actor=actor, expected_version=expected_version, **values)


def delete(session: Session, table: type[Record], item_id: int, *, actor: User) -> None:
    obj = get(session, table, item_id, actor=actor)
    require(session, actor, obj.project_id, _action(table))  # type: ignore[attr-defined]
    changes.remove(session, obj, actor=actor)
