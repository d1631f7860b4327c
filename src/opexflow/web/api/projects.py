"""Optimization projects: list, create, overview, phases and gates, members, audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace import audit, changes
from opexflow.workspace.access import Action, ProjectRole, require
from opexflow.workspace.base import local_today
from opexflow.workspace.gates import check_gate, move_phase
from opexflow.workspace.phases import Phase, Trigger
from opexflow.workspace.projects import (
    Project,
    create_project,
    get_project,
    list_projects,
    members,
    remove_member,
    set_member,
    windows,
)

router = APIRouter(prefix="/projects", tags=["projects"])


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    process_id: int
    trigger: Trigger
    started_on: date
    goal: str = ""
    description: str = ""


class ProjectUpdate(BaseModel):
    version: int = Field(description="The version you read; a stale one gets 409.")
    name: str | None = Field(None, min_length=1, max_length=200)
    goal: str | None = None
    description: str | None = None


class ProjectRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    name: str
    process_id: int
    trigger: Trigger
    phase: Phase
    goal: str
    description: str
    started_on: date
    version: int
    created_at: datetime


class WindowRead(BaseModel):
    phase: Phase
    planned_start: date
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    overdue: bool


class GateItemRead(BaseModel):
    key: str
    met: bool
    message_zh: str
    message_en: str


class GateRead(BaseModel):
    phase: Phase
    to: Phase | None
    passed: bool
    items: list[GateItemRead]


class MemberRead(BaseModel):
    user_id: int
    username: str
    display_name: str
    role: ProjectRole


class ProjectOverview(BaseModel):
    project: ProjectRead
    windows: list[WindowRead]
    gate: GateRead
    members: list[MemberRead]


class PhaseMoveIn(BaseModel):
    to: Phase
    reason: str = ""


class MemberIn(BaseModel):
    role: ProjectRole


class AuditRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def gate_read(session: SessionDep, project: Project, to: Phase | None = None) -> GateRead:
    report = check_gate(session, project, to)
    return GateRead(
        phase=report.phase,
        to=report.to,
        passed=report.passed,
        items=[GateItemRead.model_validate(i.to_dict()) for i in report.items],
    )


def overview(session: SessionDep, project: Project) -> ProjectOverview:
    today = local_today()
    return ProjectOverview(
        project=ProjectRead.model_validate(project),
        windows=[
            WindowRead(
                phase=w.phase,
                planned_start=w.planned_start,
                planned_end=w.planned_end,
                actual_start=w.actual_start,
                actual_end=w.actual_end,
                overdue=w.overdue(today) and (w.phase is project.phase or w.actual_end is not None),
            )
            for w in windows(session, project.id)
        ],
        gate=gate_read(session, project),
        members=[
            MemberRead(user_id=u.id, username=u.username, display_name=u.display_name, role=m.role)
            for m, u in members(session, project.id)
        ],
    )


@router.get("", response_model=list[ProjectRead])
def list_my_projects(session: SessionDep, user: CurrentUser) -> list[Project]:
    """The projects you are a member of (all of them for an admin)."""
    return list_projects(session, actor=user)


@router.post("", response_model=ProjectOverview, status_code=201)
def create_new_project(
    body: ProjectCreate, session: SessionDep, user: CurrentUser
) -> ProjectOverview:
    """Open a project (leaders and admins); you become its leader."""
    project = create_project(session, actor=user, **body.model_dump())
    return overview(session, project)


@router.get("/{project_id}", response_model=ProjectOverview)
def read_project(project_id: int, session: SessionDep, user: CurrentUser) -> ProjectOverview:
    """The project with its phase timeline, the current gate and the members."""
    return overview(session, get_project(session, project_id, actor=user))


@router.patch("/{project_id}", response_model=ProjectRead)
def update_project(
    project_id: int, body: ProjectUpdate, session: SessionDep, user: CurrentUser
) -> Project:
    """Change name, goal or description; send the version you read."""
    project = get_project(session, project_id, actor=user)
    require(session, user, project_id, Action.edit)
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    return changes.update(session, project, actor=user, expected_version=body.version, **values)


@router.get("/{project_id}/gate", response_model=GateRead)
def read_gate(
    project_id: int, session: SessionDep, user: CurrentUser, to: Phase | None = None
) -> GateRead:
    """What leaving the current phase requires, and what is still missing."""
    return gate_read(session, get_project(session, project_id, actor=user), to)


@router.post("/{project_id}/phase", response_model=ProjectOverview)
def move_project_phase(
    project_id: int, body: PhaseMoveIn, session: SessionDep, user: CurrentUser
) -> ProjectOverview:
    """Move to the next phase through its gate (409 lists what is missing), or back with a reason."""
    project = get_project(session, project_id, actor=user)
    move_phase(session, actor=user, project=project, to=body.to, reason=body.reason)
    return overview(session, project)


@router.put("/{project_id}/members/{user_id}", response_model=list[MemberRead])
def set_project_member(
    project_id: int, user_id: int, body: MemberIn, session: SessionDep, user: CurrentUser
) -> list[MemberRead]:
    """Give a user a role in the project (leader only)."""
    set_member(session, actor=user, project_id=project_id, user_id=user_id, role=body.role)
    return overview(session, get_project(session, project_id, actor=user)).members


@router.delete("/{project_id}/members/{user_id}", status_code=204)
def remove_project_member(
    project_id: int, user_id: int, session: SessionDep, user: CurrentUser
) -> None:
    """Take a user out of the project (leader only)."""
    remove_member(session, actor=user, project_id=project_id, user_id=user_id)


@router.get("/{project_id}/audit", response_model=list[AuditRead])
def read_project_audit(
    project_id: int, session: SessionDep, user: CurrentUser, limit: int = 200
) -> list[audit.AuditEntry]:
    """The project's audit trail, newest first (read-only: it cannot be changed)."""
    get_project(session, project_id, actor=user)
    return audit.history(session, project_id=project_id, limit=min(max(limit, 1), 1000))
