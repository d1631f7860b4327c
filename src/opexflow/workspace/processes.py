"""Operations processes (YH-LC01 ...) and the event logs imported for them.

The event data itself stays in Parquet in the data directory; the database
keeps where it is, its size and its latest diagnosis.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.errors import InputError, NotFoundError
from opexflow.workspace import changes
from opexflow.workspace.base import Record, utcnow
from opexflow.workspace.users import User, department

if TYPE_CHECKING:
    from opexflow.analysis.diagnose import Diagnosis
    from opexflow.logs.schema import EventLog

PROCESS_CODE = re.compile(r"^[A-Z]{1,6}-[A-Z]{0,4}\d{1,4}$")


class Process(Record):
    __tablename__ = "processes"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    description: Mapped[str] = mapped_column(Text, default="")


class EventLogRecord(Record):
    """An event log imported for a process."""

    __tablename__ = "event_logs"

    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(300))
    dataset: Mapped[str] = mapped_column(String(500))
    cases: Mapped[int]
    events: Mapped[int]
    activities: Mapped[int]
    first_event: Mapped[datetime | None]
    last_event: Mapped[datetime | None]
    diagnosis: Mapped[dict[str, Any] | None]
    diagnosed_at: Mapped[datetime | None]
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


def create_process(
    session: Session,
    *,
    actor: User | None,
    code: str,
    name: str,
    department_name: str | None = None,
    description: str = "",
) -> Process:
    """Register a process; its ID looks like YH-LC01."""
    code = code.strip().upper()
    if not PROCESS_CODE.match(code):
        raise InputError(
            f"process ID {code!r}: use letters, a hyphen and a number, e.g. YH-LC01",
            errors=[{"field": "code", "message": "e.g. YH-LC01"}],
        )
    if not name.strip():
        raise InputError(
            "the process name is empty", errors=[{"field": "name", "message": "required"}]
        )
    dep = department(session, department_name) if department_name else None
    process = Process(
        code=code, name=name.strip(), department_id=dep.id if dep else None, description=description
    )
    return changes.add(session, process, actor=actor)


def get_process(session: Session, process_id: int) -> Process:
    found = session.get(Process, process_id)
    if found is None:
        raise NotFoundError(f"no process with id {process_id}")
    return found


def process_by_code(session: Session, code: str) -> Process:
    found = session.scalar(select(Process).where(Process.code == code.upper()))
    if found is None:
        raise NotFoundError(f"no process {code!r}; `opexflow` lists them under Processes")
    return found


def list_processes(session: Session) -> list[Process]:
    return list(session.scalars(select(Process).order_by(Process.code)))


def attach_log(
    session: Session,
    *,
    actor: User | None,
    process: Process,
    log: EventLog,
    source_name: str,
    diagnosis: Diagnosis | None = None,
) -> EventLogRecord:
    """Record an imported log (and optionally its diagnosis) for ``process``."""
    meta = log.meta
    record = EventLogRecord(
        process_id=process.id,
        name=meta.name,
        source_name=source_name,
        dataset=str(Path(log.path).resolve()),
        cases=meta.cases,
        events=meta.events,
        activities=meta.activities,
        first_event=meta.start,
        last_event=meta.end,
        diagnosis=diagnosis.to_dict() if diagnosis is not None else None,
        diagnosed_at=utcnow() if diagnosis is not None else None,
        uploaded_by=actor.id if actor else None,
    )
    return changes.add(session, record, actor=actor)


def get_log(session: Session, log_id: int) -> EventLogRecord:
    found = session.get(EventLogRecord, log_id)
    if found is None:
        raise NotFoundError(f"no event log with id {log_id}")
    return found


def logs_of(session: Session, process_id: int) -> list[EventLogRecord]:
    query = select(EventLogRecord).where(EventLogRecord.process_id == process_id)
    return list(session.scalars(query.order_by(EventLogRecord.id.desc())))
