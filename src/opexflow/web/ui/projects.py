"""Projects: the list, a new project, the overview (timeline, gate, members), phase moves."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from opexflow.web.api.projects import overview
from opexflow.web.deps import AuthDep, SessionDep
from opexflow.web.ui.pages import redirect, render
from opexflow.workspace import audit
from opexflow.workspace.access import ProjectRole, project_role
from opexflow.workspace.base import local_today
from opexflow.workspace.gates import move_phase
from opexflow.workspace.phases import PHASE_NAMES, TIME_BOXES, Phase, Trigger
from opexflow.workspace.processes import list_processes
from opexflow.workspace.projects import create_project, get_project, list_projects
from opexflow.workspace.users import Role

router = APIRouter()


@router.get("/")
def home() -> Response:
    return RedirectResponse("/projects", status_code=303)


@router.get("/projects")
def projects_page(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    processes = {p.id: p for p in list_processes(session)}
    return render(
        request,
        "projects/list.html",
        auth,
        projects=list_projects(session, actor=auth.user),
        processes=processes,
        can_create=auth.user.role in (Role.admin, Role.leader),
        triggers=list(Trigger),
        today=local_today().isoformat(),
    )


@router.post("/projects")
def create_project_submit(
    session: SessionDep,
    auth: AuthDep,
    name: Annotated[str, Form()],
    process_id: Annotated[int, Form()],
    trigger: Annotated[Trigger, Form()],
    started_on: Annotated[date, Form()],
    goal: Annotated[str, Form()] = "",
) -> Response:
    project = create_project(
        session,
        actor=auth.user,
        name=name,
        process_id=process_id,
        trigger=trigger,
        started_on=started_on,
        goal=goal,
    )
    return RedirectResponse(f"/projects/{project.id}", status_code=303)


def project_context(session: SessionDep, auth: AuthDep, project_id: int) -> dict[str, Any]:
    """What every project page shows in its header and navigation."""
    project = get_project(session, project_id, actor=auth.user)
    role = project_role(session, auth.user, project_id)
    return {
        "project": project,
        "role": role,
        "can_edit": role in (ProjectRole.leader, ProjectRole.member),
        "can_lead": role is ProjectRole.leader,
    }


@router.get("/projects/{project_id}")
def project_page(project_id: int, request: Request, session: SessionDep, auth: AuthDep) -> Response:
    ctx = project_context(session, auth, project_id)
    project = ctx["project"]
    view = overview(session, project)
    return render(
        request,
        "projects/overview.html",
        auth,
        **ctx,
        view=view,
        phases=list(Phase),
        boxes=TIME_BOXES,
        names=PHASE_NAMES,
        trail=audit.history(session, project_id=project_id, limit=15),
        page="overview",
    )


@router.post("/projects/{project_id}/phase")
def move_phase_submit(
    project_id: int,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    to: Annotated[Phase, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    project = get_project(session, project_id, actor=auth.user)
    move_phase(session, actor=auth.user, project=project, to=to, reason=reason)
    return redirect(request, f"/projects/{project_id}")
