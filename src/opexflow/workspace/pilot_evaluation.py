"""A project's pilot evaluated on its recorded logs: KPIs, Table 3, targets, charts.

:func:`evaluate_project_pilot` reads the project's current pilot (the latest
:class:`~opexflow.workspace.pilots.Pilot`), opens its event logs, resolves its
KPIs through the metric dictionary (``Metric.formula`` with the metric's names)
and runs :func:`opexflow.pilot.evaluate_pilot`; Table 3 gets the mean
satisfaction score and the unmet issues with their causes.

Units: a KPI formula measures seconds (durations), shares (0–1) or cases;
the pilot KPI's ``unit`` (else the metric's, else 分钟 / % / 件) is the unit
targets are written in and charts show. :func:`display_factor` converts, and
refuses a unit that does not fit the KPI (分钟 for an error rate).

Example:
    >>> with db.session() as s:                                                  # doctest: +SKIP
    ...     result = evaluate_project_pilot(s, actor=user, project_id=1)
    ...     result.rows[0].verdict_zh
    ...     export_table3(s, actor=user, project_id=1, out="表3.xlsx")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from opexflow.errors import InputError
from opexflow.workspace import items
from opexflow.workspace.metrics import Metric
from opexflow.workspace.pilots import (
    ControlKind,
    Pilot,
    PilotKpi,
    SatisfactionAnswer,
    UnmetIssue,
)
from opexflow.workspace.processes import EventLogRecord, Process
from opexflow.workspace.projects import get_project
from opexflow.workspace.users import User

if TYPE_CHECKING:
    from opexflow.kpi import Kpi
    from opexflow.logs.schema import EventLog
    from opexflow.pilot import PilotEvaluation, PilotResult
    from opexflow.workspace.excel import Target

#: Units a KPI value can be shown in: formula unit -> {display unit: how many formula units}.
UNITS: dict[str, dict[str, float]] = {
    "seconds": {
        "秒": 1,
        "s": 1,
        "seconds": 1,
        "分钟": 60,
        "分": 60,
        "min": 60,
        "minutes": 60,
        "小时": 3600,
        "h": 3600,
        "hours": 3600,
        "天": 86400,
        "d": 86400,
        "days": 86400,
    },
    "share": {"%": 0.01, "share": 1, "比例": 1},
    "cases": {"件": 1, "个": 1, "单": 1, "cases": 1},
}
DEFAULT_UNIT = {"seconds": "分钟", "share": "%", "cases": "件"}


def display_factor(kpi: Kpi, unit: str) -> float:
    """How many of the KPI's own units (seconds, share, cases) one ``unit`` is.

    Example:
        >>> from opexflow.kpi import parse_kpi
        >>> display_factor(parse_kpi("throughput_time"), "分钟")
        60
    """
    known = UNITS[kpi.unit]
    if unit not in known:
        raise InputError(
            f"指标 {kpi.name} 的单位 {unit!r} 与其口径不符 / the unit {unit!r} of KPI {kpi.name} "
            f"does not fit its formula (it measures {kpi.unit}); use one of {', '.join(known)}",
            errors=[{"field": "unit", "message": f"one of {', '.join(known)}"}],
        )
    return known[unit]


@dataclass(frozen=True)
class KpiTarget:
    """A pilot KPI's target and whether the pilot group's value after the start meets it."""

    kpi: str
    unit: str
    target: float | None
    before: float | None
    after: float | None
    met: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi,
            "unit": self.unit,
            "target": self.target,
            "before": self.before,
            "after": self.after,
            "met": self.met,
        }


@dataclass(frozen=True)
class ProjectPilotEvaluation:
    """The evaluation of a project's pilot with everything Table 3 and the page show."""

    project_id: int
    pilot_id: int
    process: str
    evaluation: PilotEvaluation
    rows: tuple[PilotResult, ...]
    targets: tuple[KpiTarget, ...]
    satisfaction: float | None
    answers: int
    unmet_issues: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """``kpis`` is shaped as ``opexflow compare --json``; ``table3`` holds Table 3's rows."""
        return {
            "project_id": self.project_id,
            "pilot_id": self.pilot_id,
            "process": self.process,
            "scope": self.evaluation.scope,
            "control": self.evaluation.control,
            "start": self.evaluation.start.isoformat(),
            "kpis": [k.main.to_dict() for k in self.evaluation.kpis if k.main is not None],
            "table3": [r.to_dict() for r in self.rows],
            "evaluation": self.evaluation.to_dict(),
            "targets": [t.to_dict() for t in self.targets],
            "satisfaction": self.satisfaction,
            "answers": self.answers,
            "unmet_issues": [{"issue": i, "cause": c} for i, c in self.unmet_issues],
        }


@dataclass(frozen=True)
class PilotSetup:
    """A pilot ready to evaluate: its logs opened and its KPIs resolved."""

    pilot: Pilot
    log: EventLog
    before: EventLog | None
    kpis: list[Kpi]
    units: list[str]
    targets: list[float | None]

    @property
    def scope(self) -> dict[str, object] | None:
        p = self.pilot
        return {p.scope_attribute: p.scope_value} if p.scope_attribute and p.scope_value else None

    @property
    def control(self) -> dict[str, object] | str | None:
        p = self.pilot
        if self.scope is None or p.control is ControlKind.none:
            return None
        if p.control is ControlKind.group:
            if not p.control_value:
                raise InputError(
                    "对照组为“指定组”时需填写对照组的取值 / a control group needs its value "
                    f"(e.g. another {p.scope_attribute}); set control_value or use control=rest",
                    errors=[{"field": "control_value", "message": "required"}],
                )
            return {str(p.scope_attribute): p.control_value}
        return "rest"

    @property
    def until(self) -> date | None:
        end = self.pilot.period_end
        return end + timedelta(days=1) if end is not None else None


def current_pilot(session: Session, *, actor: User, project_id: int) -> Pilot:
    """The project's current pilot (the latest one recorded)."""
    pilots = items.list_(session, Pilot, actor=actor, project_id=project_id)
    if not pilots:
        raise InputError(
            f"项目 {project_id} 还没有试点记录 / project {project_id} has no pilot yet: "
            "record its scope, logs and start date first (试点设置)",
            errors=[{"field": "pilots", "message": "required"}],
        )
    return pilots[-1]


def _log(session: Session, log_id: int, process_id: int, what: str) -> EventLog:
    from opexflow.logs.read import reopen

    record = session.get(EventLogRecord, log_id)
    if record is None or record.process_id != process_id:
        raise InputError(
            f"{what} {log_id} 不是本项目流程的事件日志 / the {what} {log_id} is not an event log "
            "of this project's process; pick one of the process's logs",
            errors=[{"field": f"{what.split()[0]}_log_id", "message": "a log of the process"}],
        )
    return reopen(record.dataset)


def _dictionary(session: Session, names: list[str]) -> tuple[dict[str, Kpi], dict[str, str]]:
    """Metric-dictionary KPIs (named as the metric) and their units, for ``names``."""
    from opexflow.kpi import Kpi

    kpis: dict[str, Kpi] = {}
    units: dict[str, str] = {}
    for m in session.scalars(select(Metric).where(Metric.name.in_(names))):
        if m.formula is None:
            raise InputError(
                f"指标 {m.name} 在指标字典中没有计算口径 / metric {m.name!r} has no formula in the "
                "metric dictionary; add one (see docs/pilot.md) or use a short form"
            )
        data = dict(m.formula) | {"name": m.name, "name_zh": m.name}
        if m.name_en:
            data["name_en"] = m.name_en
        try:
            kpis[m.name] = Kpi.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(e["msg"] for e in exc.errors())
            raise InputError(
                f"指标 {m.name} 的计算口径有误 / the formula of metric {m.name!r} is not a KPI "
                f"definition: {problems}; fix it in the metric dictionary"
            ) from None
        units[m.name] = m.unit
    return kpis, units


def pilot_setup(session: Session, *, actor: User, project_id: int) -> PilotSetup:
    """The current pilot with its logs opened and KPIs resolved (units checked)."""
    from opexflow.kpi import parse_kpi

    project = get_project(session, project_id, actor=actor)
    pilot = current_pilot(session, actor=actor, project_id=project_id)
    rows = items.list_(session, PilotKpi, actor=actor, project_id=project_id)
    if not rows:
        raise InputError(
            "试点还没有指标 / the pilot has no KPIs: add at least one "
            "(a metric-dictionary name such as 激活时长, or e.g. case_share:补充资料)"
        )
    log_id = pilot.after_log_id or pilot.before_log_id
    if log_id is None:
        raise InputError(
            "试点还没有指定事件日志 / the pilot names no event log: set after_log_id "
            "(and before_log_id, or one log holding both periods)",
            errors=[{"field": "after_log_id", "message": "required"}],
        )
    log = _log(session, log_id, project.process_id, "after log")
    before = None
    if pilot.before_log_id is not None and pilot.after_log_id is not None:
        before = _log(session, pilot.before_log_id, project.process_id, "before log")
    dictionary, metric_units = _dictionary(session, [r.kpi for r in rows])
    kpis, units = [], []
    for r in rows:
        stat = r.statistic.value if r.statistic is not None else None
        kpi = parse_kpi(r.kpi, dictionary=dictionary, statistic=stat)  # type: ignore[arg-type]
        unit = r.unit or metric_units.get(r.kpi) or DEFAULT_UNIT[kpi.unit]
        display_factor(kpi, unit)
        kpis.append(kpi)
        units.append(unit)
    return PilotSetup(pilot, log, before, kpis, units, [r.target for r in rows])


def baseline(setup: PilotSetup) -> EventLog | None:
    """The before-log (None: the after-log holds both periods), from ``period_start`` on."""
    from opexflow.analysis.filters import TimeFilter
    from opexflow.pilot.compare import as_moment

    start = setup.pilot.period_start
    if start is None:
        return setup.before
    since = TimeFilter(since=as_moment(start, setup.log), mode="started")
    return (setup.before or setup.log).with_filters(since)


def _evaluate(setup: PilotSetup) -> PilotEvaluation:
    from opexflow.pilot import evaluate_pilot

    pilot = setup.pilot
    before = baseline(setup)
    if setup.scope is not None:
        return evaluate_pilot(
            setup.log,
            before=before,
            pilot=setup.scope,
            start=pilot.pilot_start,
            until=setup.until,
            kpis=setup.kpis,
            control=setup.control,  # type: ignore[arg-type]
        )
    return _whole_log(setup, before or setup.log)


def _whole_log(setup: PilotSetup, before_log: EventLog) -> PilotEvaluation:
    """No scope: every case after the start is the pilot, every case before the baseline."""
    from opexflow.pilot import KpiEvaluation, PilotEvaluation, compare_kpi

    pre, post = windows(setup)
    before, after = before_log.with_filters(*pre), setup.log.with_filters(*post)
    rows = tuple(KpiEvaluation(k, compare_kpi(before, after, k), None, None) for k in setup.kpis)
    return PilotEvaluation("全部案例 / all cases", None, pre[0].until, rows)


def windows(setup: PilotSetup) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Case filters before the pilot start and from it to the end of the period."""
    from opexflow.analysis.filters import TimeFilter
    from opexflow.pilot.compare import as_moment

    start = as_moment(setup.pilot.pilot_start, setup.log)
    end = as_moment(setup.until, setup.log) if setup.until is not None else None
    return (TimeFilter(until=start, mode="started"),), (
        TimeFilter(since=start, until=end, mode="started"),
    )


def _targets(setup: PilotSetup, evaluation: PilotEvaluation) -> tuple[KpiTarget, ...]:
    out = []
    for kpi_eval, unit, target in zip(evaluation.kpis, setup.units, setup.targets, strict=True):
        factor = display_factor(kpi_eval.kpi, unit)
        main = kpi_eval.before_after or kpi_eval.pilot_vs_control
        before = main.before / factor if main is not None else None
        after = main.after / factor if main is not None else None
        met = None
        if target is not None and after is not None:
            met = after <= target if kpi_eval.kpi.direction == "lower" else after >= target
        out.append(KpiTarget(kpi_eval.kpi.name, unit, target, before, after, met))
    return tuple(out)


def survey_summary(
    session: Session, *, actor: User, project_id: int, since: date | None = None
) -> tuple[float | None, int, tuple[tuple[str, str], ...]]:
    """Mean satisfaction (answers dated on/after ``since`` or undated), their number,
    and the unmet issues with causes."""
    answers = [
        a.score
        for a in items.list_(session, SatisfactionAnswer, actor=actor, project_id=project_id)
        if since is None or a.answered_on is None or a.answered_on >= since
    ]
    mean = round(sum(answers) / len(answers), 2) if answers else None
    issues = items.list_(session, UnmetIssue, actor=actor, project_id=project_id)
    return mean, len(answers), tuple((i.issue, i.cause) for i in issues)


def unmet_text(issues: tuple[tuple[str, str], ...]) -> str | None:
    """``手机号验证码收不到 → 短信通道需优化``, one issue per line."""
    if not issues:
        return None
    return "\n".join(f"{issue} → {cause}" if cause else issue for issue, cause in issues)


def evaluate_project_pilot(
    session: Session, *, actor: User, project_id: int
) -> ProjectPilotEvaluation:
    """Evaluate the project's current pilot on its logs and fill Table 3.

    Example:
        >>> r = evaluate_project_pilot(s, actor=user, project_id=1)  # doctest: +SKIP
        >>> r.rows[0].cells("zh")[3:6]                                # doctest: +SKIP
        ['30分钟', '8.1分钟', '−73%']
    """
    from opexflow.pilot import table3

    setup = pilot_setup(session, actor=actor, project_id=project_id)
    evaluation = _evaluate(setup)
    satisfaction, answers, issues = survey_summary(
        session, actor=actor, project_id=project_id, since=setup.pilot.pilot_start
    )
    project = get_project(session, project_id, actor=actor)
    process = session.get(Process, project.process_id)
    name = process.name if process is not None else project.name
    rows = table3(
        evaluation, process=name, satisfaction=satisfaction, unmet_issues=unmet_text(issues)
    )
    return ProjectPilotEvaluation(
        project_id,
        setup.pilot.id,
        name,
        evaluation,
        tuple(rows),
        _targets(setup, evaluation),
        satisfaction,
        answers,
        issues,
    )


def export_table3(
    session: Session, *, actor: User, project_id: int, out: Target, lang: str = "zh"
) -> ProjectPilotEvaluation:
    """Write Table 3 (试点效果评估表) of the project's pilot as a styled .xlsx.

    Example:
        >>> export_table3(s, actor=user, project_id=1, out="表3.xlsx", lang="en")  # doctest: +SKIP
    """
    from opexflow.pilot import HEADERS
    from opexflow.workspace.excel import _write
    from opexflow.workspace.excel_columns import Column

    if lang not in ("zh", "en"):
        raise InputError(f"lang {lang!r}: use zh or en")
    result = evaluate_project_pilot(session, actor=actor, project_id=project_id)
    widths = (18, 14, 22, 12, 12, 10, 12, 40)
    spec = [
        Column(f"c{i}", zh, en, str, width=w)
        for i, ((zh, en), w) in enumerate(zip(HEADERS, widths, strict=True))
    ]
    rows = [dict(zip((c.key for c in spec), r.cells(lang), strict=True)) for r in result.rows]
    _write(out, spec, rows, ("表3 试点效果评估表", "Table 3 Pilot evaluation"), lang)  # type: ignore[arg-type]
    return result
