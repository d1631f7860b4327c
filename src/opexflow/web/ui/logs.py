"""Event logs of a project's process: upload, diagnosis, report, findings → problems, Table 1."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from opexflow.errors import NotFoundError
from opexflow.web.api.processes import save_upload
from opexflow.web.deps import AuthDep, SessionDep
from opexflow.web.ui.pages import redirect, render
from opexflow.web.ui.projects import project_context
from opexflow.workspace.access import Action, require
from opexflow.workspace.processes import EventLogRecord, get_log, get_process, logs_of
from opexflow.workspace.projects import Project, require_process
from opexflow.workspace.reports import report_html_for

router = APIRouter()


def _project_log(session: SessionDep, project: Project, log_id: int) -> EventLogRecord:
    record = get_log(session, log_id)
    if record.process_id != project.process_id:
        raise NotFoundError(f"event log {log_id} does not belong to this project's process")
    return record


@router.get("/projects/{project_id}/logs")
def logs_page(
    project_id: int, request: Request, session: SessionDep, auth: AuthDep, log: int | None = None
) -> Response:
    ctx = project_context(session, auth, project_id)
    project: Project = ctx["project"]
    records = logs_of(session, project.process_id)
    selected = next((r for r in records if r.id == log), records[0] if records else None)
    return render(
        request,
        "logs/page.html",
        auth,
        **ctx,
        process=get_process(session, project.process_id),
        records=records,
        selected=selected,
        page="logs",
    )


@router.post("/projects/{project_id}/logs")
def upload_submit(
    project_id: int,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    case: Annotated[str, Form()] = "",
    activity: Annotated[str, Form()] = "",
    timestamp: Annotated[str, Form()] = "",
    sla_hours: Annotated[str, Form()] = "",
) -> Response:
    from opexflow.workspace.diagnosis import attach_and_diagnose

    ctx = project_context(session, auth, project_id)
    project: Project = ctx["project"]
    require(session, auth.user, project_id, Action.edit)
    require_process(session, auth.user, project.process_id, write=True)
    options: dict[str, Any] = {
        k: v.strip()
        for k, v in {"case": case, "activity": activity, "timestamp": timestamp}.items()
        if v.strip()
    }
    sla = float(sla_hours) if sla_hours.strip() else None
    with tempfile.TemporaryDirectory(prefix="opexflow-upload-") as folder:
        path = save_upload(file, Path(folder))
        record = attach_and_diagnose(
            session,
            actor=auth.user,
            process=get_process(session, project.process_id),
            path=path,
            sla=sla,
            data_dir=request.app.state.settings.data_dir,
            **options,
        )
    return redirect(request, f"/projects/{project_id}/logs?log={record.id}")


@router.get("/projects/{project_id}/logs/{log_id}/report")
def report_page(
    project_id: int,
    log_id: int,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    lang: Literal["zh", "en"] = "zh",
) -> Response:
    ctx = project_context(session, auth, project_id)
    record = _project_log(session, ctx["project"], log_id)
    return HTMLResponse(report_html_for(record, request.app.state.settings.data_dir, lang))


@router.post("/projects/{project_id}/logs/{log_id}/findings/{index}/problem")
def finding_to_problem(
    project_id: int, log_id: int, index: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    from opexflow.workspace.diagnosis import problem_from_finding

    ctx = project_context(session, auth, project_id)
    record = _project_log(session, ctx["project"], log_id)
    problem = problem_from_finding(
        session, actor=auth.user, project_id=project_id, log_record=record, finding_index=index
    )
    return redirect(request, f"/projects/{project_id}/problems/{problem.id}")


@router.post("/projects/{project_id}/logs/{log_id}/table1")
def fill_table1_submit(
    project_id: int, log_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    from opexflow.workspace.diagnosis import fill_table1

    ctx = project_context(session, auth, project_id)
    record = _project_log(session, ctx["project"], log_id)
    fill_table1(session, actor=auth.user, project_id=project_id, log_record=record)
    return redirect(request, f"/projects/{project_id}/table1")
