"""Optimization projects: creation (with phase plan and risk register), members, phases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.errors import InputError, NotFoundError, PermissionDeniedError
from opexflow.workspace import changes, risks
from opexflow.workspace.access import (
    Action,
    Membership,
    ProjectRole,
    require,
    require_workspace,
    visible_project_ids,
)
from opexflow.workspace.base import Record
from opexflow.workspace.phases import Phase, PhaseWindow, Trigger, plan
from opexflow.workspace.processes import get_process
from opexflow.workspace.users import Role, User, get_user


class Project(Record):
    __tablename__ = "projects"

    name: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    trigger: Mapped[Trigger]
    phase: Mapped[Phase] = mapped_column(default=Phase.diagnose)
    goal: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date]


def create_project(
    session: Session,
    *,
    actor: User,
    name: str,
    process_id: int,
    trigger: Trigger | str,
    started_on: date,
    goal: str = "",
    description: str = "",
) -> Project:
    """Open a project: planned phase windows, the seed's risks, the actor as leader."""
    require_workspace(actor, Role.leader)
    if not name.strip():
        raise InputError(
            "the project has no name", errors=[{"field": "name", "message": "required"}]
        )
    try:
        trigger = Trigger(trigger)
    except ValueError:
        allowed = ", ".join(t.value for t in Trigger)
        raise InputError(
            f"trigger {trigger!r}: use one of {allowed}",
            errors=[{"field": "trigger", "message": allowed}],
        ) from None
    get_process(session, process_id)
    project = changes.add(
        session,
        Project(
            name=name.strip(),
            process_id=process_id,
            trigger=trigger,
            started_on=started_on,
            goal=goal,
            description=description,
        ),
        actor=actor,
    )
    for phase, start, end in plan(started_on):
        window = PhaseWindow(
            project_id=project.id, phase=phase, planned_start=start, planned_end=end
        )
        if phase is Phase.diagnose:
            window.actual_start = started_on
        changes.add(session, window, actor=actor)
    changes.add(
        session,
        Membership(project_id=project.id, user_id=actor.id, role=ProjectRole.leader),
        actor=actor,
    )
    risks.seed_risks(session, project_id=project.id, actor=actor)
    return project


def get_project(session: Session, project_id: int, *, actor: User) -> Project:
    """The project, if the actor may see it."""
    require(session, actor, project_id, Action.read)
    project = session.get(Project, project_id)
    if project is None:
        raise NotFoundError(f"no project with id {project_id}")
    return project


def list_projects(session: Session, *, actor: User) -> list[Project]:
    """The projects the actor may see, newest first."""
    query = select(Project).order_by(Project.id.desc())
    ids = visible_project_ids(session, actor)
    if ids is not None:
        query = query.where(Project.id.in_(ids))
    return list(session.scalars(query))


def windows(session: Session, project_id: int) -> list[PhaseWindow]:
    query = select(PhaseWindow).where(PhaseWindow.project_id == project_id)
    by_phase = {w.phase: w for w in session.scalars(query)}
    return [by_phase[p] for p in Phase if p in by_phase]


def set_member(
    session: Session, *, actor: User, project_id: int, user_id: int, role: ProjectRole | str
) -> Membership:
    """Give a user a role in the project (the leader or an admin decides)."""
    require(session, actor, project_id, Action.lead)
    get_user(session, user_id)
    role = ProjectRole(role)
    found = session.scalar(
        select(Membership).where(Membership.project_id == project_id, Membership.user_id == user_id)
    )
    if found is None:
        return changes.add(
            session, Membership(project_id=project_id, user_id=user_id, role=role), actor=actor
        )
    return changes.update(session, found, actor=actor, role=role)


def remove_member(session: Session, *, actor: User, project_id: int, user_id: int) -> None:
    require(session, actor, project_id, Action.lead)
    found = session.scalar(
        select(Membership).where(Membership.project_id == project_id, Membership.user_id == user_id)
    )
    if found is None:
        raise NotFoundError(f"user {user_id} is not a member of project {project_id}")
    leaders = session.scalars(
        select(Membership).where(
            Membership.project_id == project_id, Membership.role == ProjectRole.leader
        )
    ).all()
    if found.role is ProjectRole.leader and len(leaders) == 1:
        raise InputError("a project keeps at least one leader; make someone else leader first")
    changes.remove(session, found, actor=actor)


def members(session: Session, project_id: int) -> list[tuple[Membership, User]]:
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id)
        .order_by(User.username)
    )
    return [(m, u) for m, u in session.execute(query)]


def require_process(session: Session, user: User, process_id: int, *, write: bool = False) -> None:
    """Event data of a process: admins and workspace leaders, and the members of its projects.

    Changing it (uploading logs) also needs a role that edits (not viewer or reviewer).
    """
    if user.is_admin:
        return
    member_of = session.scalar(
        select(Membership.role)
        .join(Project, Project.id == Membership.project_id)
        .where(Project.process_id == process_id, Membership.user_id == user.id)
        .limit(1)
    )
    if member_of is None and user.role is not Role.leader:
        raise NotFoundError(f"no process with id {process_id}")
    if write and (user.role not in (Role.leader, Role.member)):
        raise PermissionDeniedError(
            f"uploading event logs needs the workspace role leader or member; you are {user.role.value}"
        )
