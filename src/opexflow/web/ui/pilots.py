"""The pilot page (phase 4): setup and KPIs, tracking, survey, the evaluation with charts,
Table 3 and the decision that moves the project on (or back).

The record sections are the generic ones of ``records.py``; the evaluation is
loaded after the page (``/pilot/results``) because it reads the event logs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from opexflow.errors import InputError
from opexflow.pilot import HEADERS
from opexflow.pilot.verdict import percent, value_text
from opexflow.web.deps import Auth, AuthDep, SessionDep
from opexflow.web.ui import records
from opexflow.web.ui.pages import redirect, render
from opexflow.web.ui.projects import project_context
from opexflow.web.ui.records import section
from opexflow.workspace import items
from opexflow.workspace.gates import move_phase
from opexflow.workspace.metrics import list_metrics
from opexflow.workspace.phases import Phase
from opexflow.workspace.pilot_charts import pilot_charts
from opexflow.workspace.pilot_evaluation import evaluate_project_pilot
from opexflow.workspace.pilots import Decision, Pilot, PilotDecision
from opexflow.workspace.processes import logs_of

router = APIRouter()

SETUP = ("pilots", "pilot_kpis")
TRACKING = ("pilot_days", "retros", "satisfaction", "unmet_issues")
LOG_FIELDS = ("before_log_id", "after_log_id")
PILOT_COLUMNS = (
    "pilot_name",
    "scope_attribute",
    "scope_value",
    "before_log_id",
    "after_log_id",
    "pilot_start",
    "period_end",
    "control",
    "status",
)


def _setup_section(session: Session, auth: Auth, project_id: int, process_id: int) -> Any:
    """The pilots section with the process's logs to pick from (not log ids to type)."""
    s = section(session, auth, project_id, "pilots")
    logs = {r.id: f"{r.name} ({r.cases:,})" for r in logs_of(session, process_id)}
    s["choices"] = s["choices"] | dict.fromkeys(LOG_FIELDS, logs)
    s["widgets"] = [replace(w, kind="select") if w.name in LOG_FIELDS else w for w in s["widgets"]]
    s["columns"] = PILOT_COLUMNS
    return s


@router.get("/projects/{project_id}/pilot")
def pilot_page(project_id: int, request: Request, session: SessionDep, auth: AuthDep) -> Response:
    ctx = project_context(session, auth, project_id)
    process_id = ctx["project"].process_id
    setup = [_setup_section(session, auth, project_id, process_id)]
    setup += [section(session, auth, project_id, kind) for kind in SETUP[1:]]
    return render(
        request,
        "pilots/page.html",
        auth,
        **ctx,
        page="pilot",
        setup=setup,
        tracking=[section(session, auth, project_id, kind) for kind in TRACKING],
        decisions=section(session, auth, project_id, "pilot_decisions"),
        metric_names="、".join(m.name for m in list_metrics(session) if m.formula),
        decisions_kinds=[d.value for d in Decision],
    )


@router.get("/projects/{project_id}/pilot/results")
def pilot_results(
    project_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    """The evaluation fragment; a pilot not set up completely shows what is missing."""
    ctx = project_context(session, auth, project_id)
    try:
        result = evaluate_project_pilot(session, actor=auth.user, project_id=project_id)
        charts = pilot_charts(session, actor=auth.user, project_id=project_id)
    except InputError as exc:
        return render(request, "pilots/_results.html", auth, **ctx, problem=exc)
    return render(
        request,
        "pilots/_results.html",
        auth,
        **ctx,
        problem=None,
        result=result,
        headers=HEADERS,
        value_text=value_text,
        percent=percent,
        p_text=p_text,
        # Inside <script>: no "</" may end the element early.
        charts_json=json.dumps(charts, ensure_ascii=False).replace("</", "<\\/"),
    )


def p_text(p: float | None) -> str:
    """``<0.001`` or ``0.042``; ``—`` without a test."""
    if p is None:
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


@router.post("/projects/{project_id}/pilot/decide")
def decide_submit(
    project_id: int,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    decision: Annotated[Decision, Form()],
    reasons: Annotated[str, Form()] = "",
    move: Annotated[bool, Form()] = False,
) -> Response:
    """Record the decision; with ``move``, adopt goes to rollout and redesign back to design."""
    ctx = project_context(session, auth, project_id)
    items.create(
        session,
        PilotDecision,
        actor=auth.user,
        project_id=project_id,
        decision=decision,
        reasons=reasons,
    )
    if not move:
        return redirect(request, f"/projects/{project_id}/pilot")
    to = Phase.rollout if decision is Decision.adopt else Phase.design
    # A refused move rolls the request back: neither the decision nor the move is kept.
    move_phase(session, actor=auth.user, project=ctx["project"], to=to, reason=reasons)
    return redirect(request, f"/projects/{project_id}")


# The pilots section keeps its log pickers after an htmx change: these routes do the
# generic record work and answer with this page's version of the section.


def _setup_response(request: Request, session: Session, auth: Auth, project_id: int) -> Response:
    ctx = project_context(session, auth, project_id)
    s = _setup_section(session, auth, project_id, ctx["project"].process_id)
    response = render(request, "records/_section.html", auth, **ctx, s=s)
    response.headers["HX-Trigger"] = "records-changed"
    return response


@router.post("/projects/{project_id}/records/pilots")
async def create_pilot_submit(
    project_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    await records.create_record_submit(project_id, "pilots", request, session, auth)
    return _setup_response(request, session, auth, project_id)


@router.get("/projects/{project_id}/records/pilots/{item_id}/edit")
def edit_pilot_form(
    project_id: int, item_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    ctx = project_context(session, auth, project_id)
    s = _setup_section(session, auth, project_id, ctx["project"].process_id)
    row = items.get(session, Pilot, item_id, actor=auth.user)
    return render(request, "records/_edit_row.html", auth, **ctx, s=s, row=row)


@router.post("/projects/{project_id}/records/pilots/{item_id}")
async def update_pilot_submit(
    project_id: int, item_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    await records.update_record_submit(project_id, "pilots", item_id, request, session, auth)
    return _setup_response(request, session, auth, project_id)


@router.post("/projects/{project_id}/records/pilots/{item_id}/delete")
def delete_pilot_submit(
    project_id: int, item_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    records.delete_record_submit(project_id, "pilots", item_id, request, session, auth)
    return _setup_response(request, session, auth, project_id)
