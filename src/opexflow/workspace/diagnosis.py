"""From an event log to the project's records: import, diagnose, Table 1, problems.

The engine does the work (:func:`opexflow.logs.read_log`,
:func:`opexflow.analysis.diagnose`); this module records its results in the
workspace: the log and its diagnosis on the process, Table 1 rows
(``source="diagnosis"``) and problems whose evidence points back at the
finding they came from.

Example:
    >>> with db.session() as s:                                              # doctest: +SKIP
    ...     rec = attach_and_diagnose(s, actor=user, process=p, path="log.csv", sla=1)
    ...     fill_table1(s, actor=user, project_id=1, log_record=rec)
    ...     problem_from_finding(s, actor=user, project_id=1, log_record=rec, finding_index=0)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opexflow.analysis.findings import PROBLEM_TYPE
from opexflow.errors import ConflictError, InputError, NotFoundError
from opexflow.workspace import items
from opexflow.workspace.access import Action, require, require_workspace
from opexflow.workspace.forms import CurrentStateRow
from opexflow.workspace.problems import Problem, ProblemCategory
from opexflow.workspace.processes import EventLogRecord, Process, attach_log
from opexflow.workspace.projects import Project
from opexflow.workspace.reports import store_report_data
from opexflow.workspace.users import Role, User

if TYPE_CHECKING:
    from opexflow.conformance import RuleSet
    from opexflow.logs.staging import ProgressCallback

#: The problem category of each finding kind (seed §2 step 1). Variant sprawl (teams
#: running the same process differently) is "output standards not unified": quality.
#: A finding kind's problem category: the same mapping the diagnosis uses for Table 1.
CATEGORY_OF_FINDING: dict[str, ProblemCategory] = {
    kind: ProblemCategory(category) for kind, category in PROBLEM_TYPE.items()
}

FINDING_NAMES: dict[str, str] = {
    "bottleneck": "瓶颈",
    "long_wait": "等待过长",
    "rework": "返工",
    "data_quality": "数据质量",
    "variant_sprawl": "执行不一致",
    "handover": "来回交接",
    "sla_breach": "超时",
    "control_violation": "违反控制点",
}

#: Column and reader options of :func:`opexflow.logs.read_log` accepted here.
LOG_OPTIONS = frozenset(
    {
        "case",
        "activity",
        "timestamp",
        "start",
        "resource",
        "department",
        "tz",
        "types",
        "format",
        "encoding",
        "delimiter",
        "sheet",
    }
)


def attach_and_diagnose(
    session: Session,
    *,
    actor: User,
    process: Process,
    path: str | Path,
    source_name: str | None = None,
    sla: float | None = None,
    rules: str | Path | RuleSet | None = None,
    data_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> EventLogRecord:
    """Import a log for ``process``, diagnose it and record both.

    Args:
        path: the log file (CSV, XLSX, XES, Parquet) or an imported dataset directory.
        source_name: the name shown for the upload (default the file name).
        sla: a time limit per case in hours (an ``sla_breach`` finding beyond it).
        rules: control points checked as ``control_violation`` findings (a rules file,
            YAML text or a RuleSet; see docs/conformance.md).
        data_dir: where datasets are kept (default ``OPEXFLOW_DATA_DIR``).
        progress: called with (stage, done, total) while importing.
        options: column and reader options of :func:`opexflow.logs.read_log`
            (``case``, ``activity``, ``timestamp``, ``tz``, ``encoding`` ...).

    Example:
        >>> rec = attach_and_diagnose(s, actor=u, process=p, path="a.csv")  # doctest: +SKIP
        >>> rec.diagnosis["findings"][0]["kind"]                           # doctest: +SKIP
        'bottleneck'
    """
    from opexflow.analysis.diagnose import diagnose, report_data
    from opexflow.logs import read_log
    from opexflow.logs.read import keep_source
    from opexflow.logs.staging import no_progress
    from opexflow.settings import get_settings

    require_workspace(actor, Role.leader, Role.member)
    unknown = sorted(set(options) - LOG_OPTIONS)
    if unknown:
        raise InputError(
            f"unknown log option {', '.join(unknown)}; use {', '.join(sorted(LOG_OPTIONS))}"
        )
    folder = Path(data_dir) if data_dir is not None else get_settings().data_dir
    log = read_log(path, data_dir=folder, progress=progress or no_progress, **options)
    if not Path(path).is_dir():
        # Uploads are temporary files: keep a copy, so that a later opexflow that
        # writes datasets differently can import it again (logs.read.reopen).
        keep_source(path, log.path)
    result = diagnose(log, sla=sla, rules=rules)
    record = attach_log(
        session,
        actor=actor,
        process=process,
        log=log,
        source_name=source_name or Path(path).name,
        diagnosis=result,
    )
    store_report_data(record, folder, report_data(result, title=record.source_name))
    return record


def _checked(session: Session, actor: User, project_id: int, log_record: EventLogRecord) -> None:
    require(session, actor, project_id, Action.edit)
    project = session.get(Project, project_id)
    if project is not None and log_record.process_id != project.process_id:
        raise InputError(
            f"event log {log_record.id} belongs to another process than project {project_id}; "
            "import the log for the project's process (该日志不属于本项目的流程)"
        )
    if not log_record.diagnosis:
        raise InputError(
            f"event log {log_record.id} ({log_record.source_name}) has not been diagnosed yet; "
            "diagnose it first (该日志尚未诊断)"
        )


def fill_table1(
    session: Session,
    *,
    actor: User,
    project_id: int,
    log_record: EventLogRecord,
    replace: bool = False,
) -> list[CurrentStateRow]:
    """Add the diagnosis's Table 1 to the project (``source="diagnosis"``).

    Args:
        replace: delete the project's current Table 1 rows first.

    Example:
        >>> [r.activity for r in fill_table1(s, actor=u, project_id=1, log_record=rec)]  # doctest: +SKIP
        ['用户填写信息', '人工审核', '激活完成', '发送短信']
    """
    _checked(session, actor, project_id, log_record)
    assert log_record.diagnosis is not None
    if replace:
        for row in items.list_(session, CurrentStateRow, actor=actor, project_id=project_id):
            items.delete(session, CurrentStateRow, row.id, actor=actor)
    return [
        items.create(
            session,
            CurrentStateRow,
            actor=actor,
            project_id=project_id,
            step=int(row["step"]),
            activity=str(row["activity"])[:200],
            department=(row.get("department") or "")[:120],
            role=(row.get("role") or "")[:120],
            minutes_per_step=row.get("minutes_per_step"),
            problem_types=list(row.get("problem_types") or []),
            description=row.get("description_zh") or "",
            source="diagnosis",
        )
        for row in log_record.diagnosis.get("table1", [])
    ]


def _title(finding: dict[str, Any]) -> str:
    kind = str(finding["kind"])
    name = FINDING_NAMES.get(kind, kind)
    if finding.get("activity"):
        return f"{name}:{finding['activity']}"[:200]
    if finding.get("from") and finding.get("to"):
        return f"{name}:{finding['from']} → {finding['to']}"[:200]
    if kind == "sla_breach":
        share = float(finding.get("share_of_cases") or 0)
        return f"{name}:{share:.0%}的案例超过时限"[:200]
    return name[:200]


def _already(session: Session, project_id: int, log_id: int, index: int) -> Problem | None:
    for problem in session.scalars(select(Problem).where(Problem.project_id == project_id)):
        for ev in problem.evidence or []:
            if isinstance(ev, dict) and (ev.get("log_id"), ev.get("finding_index")) == (
                log_id,
                index,
            ):
                return problem
    return None


def problem_from_finding(
    session: Session,
    *,
    actor: User,
    project_id: int,
    log_record: EventLogRecord,
    finding_index: int,
    impact: int | None = None,
    urgency: int | None = None,
) -> Problem:
    """Register a problem from one finding of a diagnosed log, with the finding as evidence.

    The category follows :data:`CATEGORY_OF_FINDING`; the evidence holds the
    log id, the finding's index and its figures. The same finding cannot
    become two problems of one project.

    Example:
        >>> p = problem_from_finding(s, actor=u, project_id=1, log_record=rec, finding_index=0)  # doctest: +SKIP
        >>> p.category, p.title                                                                 # doctest: +SKIP
        (<ProblemCategory.efficiency: 'efficiency'>, '瓶颈:人工审核')
    """
    _checked(session, actor, project_id, log_record)
    assert log_record.diagnosis is not None
    found = log_record.diagnosis.get("findings", [])
    if not 0 <= finding_index < len(found):
        raise NotFoundError(
            f"event log {log_record.id} has {len(found)} findings; "
            f"there is no finding {finding_index} (numbered from 0)"
        )
    twin = _already(session, project_id, log_record.id, finding_index)
    if twin is not None:
        raise ConflictError(
            f"finding {finding_index} of event log {log_record.id} is already problem "
            f"{twin.id} ({twin.title}) (该发现已登记为问题)"
        )
    finding = found[finding_index]
    evidence = {
        "type": "finding",
        "log_id": log_record.id,
        "finding_index": finding_index,
        **{k: finding.get(k) for k in ("kind", "activity", "from", "to", "metric", "value")},
        "share_of_cases": finding.get("share_of_cases"),
        "severity": finding.get("severity"),
    }
    return items.create(
        session,
        Problem,
        actor=actor,
        project_id=project_id,
        category=CATEGORY_OF_FINDING.get(str(finding["kind"]), ProblemCategory.quality),
        title=_title(finding),
        description=f"{finding.get('message_zh', '')}\n{finding.get('message_en', '')}".strip(),
        evidence=[evidence],
        activity=(finding.get("activity") or finding.get("to") or None),
        impact=impact,
        urgency=urgency,
    )


def diagnosed_logs(session: Session, process_id: int) -> list[EventLogRecord]:
    """The process's diagnosed logs, newest first."""
    query = select(EventLogRecord).where(
        EventLogRecord.process_id == process_id, EventLogRecord.diagnosed_at.is_not(None)
    )
    return list(session.scalars(query.order_by(EventLogRecord.id.desc())))
