"""Processes and their event logs: upload, diagnosis, process map."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from opexflow.errors import InputError
from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace.access import require_workspace
from opexflow.workspace.processes import (
    EventLogRecord,
    Process,
    create_process,
    get_log,
    get_process,
    list_processes,
    logs_of,
)
from opexflow.workspace.projects import require_process
from opexflow.workspace.users import Role

router = APIRouter(tags=["processes"])

MAX_UPLOAD = 2 * 1024**3
SUFFIXES = (".csv", ".txt", ".xlsx", ".xes", ".gz", ".parquet")


class ProcessCreate(BaseModel):
    code: str = Field(min_length=3, max_length=20, examples=["YH-LC01"])
    name: str = Field(min_length=1, max_length=200)
    department: str | None = Field(None, max_length=120)
    description: str = ""


class ProcessRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    code: str
    name: str
    department_id: int | None
    description: str
    version: int


class LogRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    process_id: int
    name: str
    source_name: str
    cases: int
    events: int
    activities: int
    first_event: datetime | None
    last_event: datetime | None
    diagnosed_at: datetime | None


class LogDiagnosis(LogRead):
    diagnosis: dict[str, Any] | None


@router.get("/processes", response_model=list[ProcessRead])
def list_all_processes(session: SessionDep, user: CurrentUser) -> list[Process]:
    """Every registered process (names only; event data needs access to the process)."""
    del user
    return list_processes(session)


@router.post("/processes", response_model=ProcessRead, status_code=201)
def create_new_process(body: ProcessCreate, session: SessionDep, user: CurrentUser) -> Process:
    """Register a process, e.g. YH-LC01 用户注册激活流程 (leaders and admins)."""
    require_workspace(user, Role.leader)
    return create_process(
        session,
        actor=user,
        code=body.code,
        name=body.name,
        department_name=body.department,
        description=body.description,
    )


@router.get("/processes/{process_id}/logs", response_model=list[LogRead])
def list_process_logs(
    process_id: int, session: SessionDep, user: CurrentUser
) -> list[EventLogRecord]:
    """The event logs imported for a process, newest first."""
    get_process(session, process_id)
    require_process(session, user, process_id)
    return logs_of(session, process_id)


def save_upload(upload: UploadFile, folder: Path) -> Path:
    """Stream an upload to ``folder`` under its own (sanitized) name."""
    name = Path(upload.filename or "log.csv").name
    if not name.lower().endswith(SUFFIXES):
        raise InputError(
            f"{name}: upload a CSV, XLSX, XES (.xes/.xes.gz) or Parquet file",
            errors=[{"field": "file", "message": "csv, xlsx, xes, xes.gz, parquet"}],
        )
    path = folder / name
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, length=1024 * 1024)
    if path.stat().st_size > MAX_UPLOAD:
        raise InputError(f"{name} is larger than 2 GB; import it with `opexflow import` instead")
    return path


@router.post("/processes/{process_id}/logs", response_model=LogDiagnosis, status_code=201)
def upload_log(
    process_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="CSV, XLSX, XES or Parquet event log")],
    case: Annotated[str | None, Form()] = None,
    activity: Annotated[str | None, Form()] = None,
    timestamp: Annotated[str | None, Form()] = None,
    start: Annotated[str | None, Form()] = None,
    resource: Annotated[str | None, Form()] = None,
    department: Annotated[str | None, Form()] = None,
    sla_hours: Annotated[float | None, Form()] = None,
) -> EventLogRecord:
    """Upload an event log: it is imported, checked, diagnosed and kept for the process."""
    from opexflow.workspace.diagnosis import attach_and_diagnose

    process = get_process(session, process_id)
    require_process(session, user, process_id, write=True)
    with tempfile.TemporaryDirectory(prefix="opexflow-upload-") as folder:
        path = save_upload(file, Path(folder))
        options: dict[str, Any] = {
            k: v
            for k, v in {
                "case": case,
                "activity": activity,
                "timestamp": timestamp,
                "start": start,
                "resource": resource,
                "department": department,
            }.items()
            if v
        }
        return attach_and_diagnose(
            session,
            actor=user,
            process=process,
            path=path,
            sla=sla_hours,
            data_dir=request.app.state.settings.data_dir,
            **options,
        )


@router.get("/logs/{log_id}", response_model=LogDiagnosis)
def read_log_diagnosis(log_id: int, session: SessionDep, user: CurrentUser) -> EventLogRecord:
    """A log with its diagnosis (findings, Table 1) as stored at import."""
    record = get_log(session, log_id)
    require_process(session, user, record.process_id)
    return record


@router.get("/logs/{log_id}/map")
def read_process_map(
    log_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """The process map (activities, edges with frequencies and durations) of a log."""
    from opexflow.workspace.reports import report_data_for

    record = get_log(session, log_id)
    require_process(session, user, record.process_id)
    data: dict[str, Any] = report_data_for(record, request.app.state.settings.data_dir)[
        "process_map"
    ]
    return data
