"""Problems: the board by category, a problem's fishbone and five whys, the priority matrix."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from opexflow.errors import NotFoundError
from opexflow.web.deps import Auth, AuthDep, SessionDep
from opexflow.web.ui import fishbone
from opexflow.web.ui.pages import render
from opexflow.web.ui.projects import project_context
from opexflow.web.ui.records import section
from opexflow.workspace import items
from opexflow.workspace.problems import FishboneCause, Problem, ProblemCategory, WhyChain

router = APIRouter()


def _problem(session: Session, auth: Auth, project_id: int, problem_id: int) -> Problem:
    problem = items.get(session, Problem, problem_id, actor=auth.user)
    if problem.project_id != project_id:
        raise NotFoundError(f"no problem {problem_id} in project {project_id}")
    return problem


@router.get("/projects/{project_id}/problems")
def board_page(project_id: int, request: Request, session: SessionDep, auth: AuthDep) -> Response:
    ctx = project_context(session, auth, project_id)
    problems = items.list_(session, Problem, actor=auth.user, project_id=project_id)
    causes = items.list_(session, FishboneCause, actor=auth.user, project_id=project_id)
    whys = items.list_(session, WhyChain, actor=auth.user, project_id=project_id)
    rooted = {c.problem_id for c in causes if c.is_root} | {
        w.problem_id for w in whys if w.root_cause
    }
    board = {c: [p for p in problems if p.category is c] for c in ProblemCategory}
    return render(
        request,
        "problems/board.html",
        auth,
        **ctx,
        board=board,
        rooted=rooted,
        s=section(session, auth, project_id, "problems"),
        page="problems",
    )


@router.get("/projects/{project_id}/problems/{problem_id}")
def problem_page(
    project_id: int, problem_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    ctx = project_context(session, auth, project_id)
    problem = _problem(session, auth, project_id, problem_id)
    causes_section = section(session, auth, project_id, "fishbone", problem_id)
    whys_section = section(session, auth, project_id, "whys", problem_id)
    return render(
        request,
        "problems/detail.html",
        auth,
        **ctx,
        problem=problem,
        sections=[causes_section, whys_section],
        page="problems",
    )


@router.get("/projects/{project_id}/problems/{problem_id}/fishbone")
def fishbone_diagram(
    project_id: int, problem_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    """The fishbone as an SVG fragment (redrawn when a cause changes)."""
    problem = _problem(session, auth, project_id, problem_id)
    causes = items.list_(
        session, FishboneCause, actor=auth.user, project_id=project_id, problem_id=problem_id
    )
    return render(
        request,
        "problems/_fishbone.html",
        auth,
        problem=problem,
        bones=fishbone.layout(causes),
        g=fishbone,
    )


@router.get("/projects/{project_id}/matrix")
def matrix_page(project_id: int, request: Request, session: SessionDep, auth: AuthDep) -> Response:
    ctx = project_context(session, auth, project_id)
    problems = items.list_(session, Problem, actor=auth.user, project_id=project_id)
    points = [
        {
            "id": p.id,
            "title": p.title,
            "impact": p.impact,
            "urgency": p.urgency,
            "version": p.version,
            "category": p.category.value,
        }
        for p in problems
    ]
    return render(
        request,
        "problems/matrix.html",
        auth,
        **ctx,
        problems=problems,
        points_json=json.dumps(points, ensure_ascii=False),
        page="matrix",
    )
