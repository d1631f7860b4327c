"""Pilot evaluation: before vs after for the pilot group, pilot vs control, and DiD.

Example:
    >>> from datetime import date
    >>> ev = evaluate_pilot(after_log, before=before_log, pilot={"团队": "A组"},
    ...                     start=date(2024, 4, 8), kpis=["throughput_time"])   # doctest: +SKIP
    >>> ev.kpis[0].before_after.verdict_zh                                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from opexflow.analysis.filters import Filter, TimeFilter
from opexflow.errors import InputError
from opexflow.kpi.definition import DurationStatistic, Kpi
from opexflow.kpi.evaluate import sample
from opexflow.pilot.compare import (
    KpiComparison,
    KpiLike,
    as_moment,
    attribute_filters,
    compare_kpi,
    group_filters,
    resolve_kpis,
    scope_label,
    statistic_for,
)
from opexflow.pilot.verdict import percent
from opexflow.stats.bootstrap import BootstrapResult, difference_in_differences

if TYPE_CHECKING:
    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

#: Each of the four DiD samples needs at least this many values.
MIN_DID_VALUES = 3


@dataclass(frozen=True, slots=True)
class DidEstimate:
    """Difference-in-differences of one KPI: ``relative`` (ratio of the two changes - 1)
    unless a baseline is 0, then the absolute difference of the two changes."""

    relative: bool
    result: BootstrapResult
    alpha: float

    @property
    def significant(self) -> bool:
        return self.result.p_value < self.alpha

    def text(self, lang: str) -> str:
        r = self.result
        if self.relative:
            est, lo, hi = percent(r.estimate), percent(r.ci.lo), percent(r.ci.hi)
        else:
            est, lo, hi = f"{r.estimate:+.4g}", f"{r.ci.lo:.4g}", f"{r.ci.hi:.4g}"
        sig = self.significant
        if lang == "zh":
            return (
                f"双重差分 {est},95%置信区间[{lo}, {hi}],{'显著' if sig else '不显著'}(Bootstrap)"
            )
        return f"difference-in-differences {est}, 95% CI [{lo}, {hi}], {'significant' if sig else 'not significant'} (bootstrap)"

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "relative": self.relative,
            "estimate": r.estimate,
            "ci95": [r.ci.lo, r.ci.hi],
            "p_value": r.p_value,
            "significant": self.significant,
            "test": "bootstrap",
        }


@dataclass(frozen=True, slots=True)
class KpiEvaluation:
    """One KPI of a pilot: each comparison that the data allow, and notes on the others."""

    kpi: Kpi
    before_after: KpiComparison | None
    pilot_vs_control: KpiComparison | None
    did: DidEstimate | None
    notes: tuple[str, ...] = ()

    @property
    def main(self) -> KpiComparison | None:
        """The comparison Table 3 shows: before vs after, else pilot vs control."""
        return self.before_after or self.pilot_vs_control

    def to_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi.name,
            "definition": self.kpi.model_dump(mode="json"),
            "before_after": self.before_after.to_dict() if self.before_after else None,
            "pilot_vs_control": self.pilot_vs_control.to_dict() if self.pilot_vs_control else None,
            "did": self.did.to_dict() if self.did else None,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class PilotEvaluation:
    """A pilot's evaluation: scope, start, and one :class:`KpiEvaluation` per KPI."""

    scope: str
    control: str | None
    start: datetime
    kpis: tuple[KpiEvaluation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "control": self.control,
            "start": self.start.isoformat(),
            "kpis": [k.to_dict() for k in self.kpis],
        }


@dataclass(frozen=True, slots=True)
class _Groups:
    pilot_before: EventLog
    pilot_after: EventLog
    control_before: EventLog | None
    control_after: EventLog | None


def evaluate_pilot(
    log: EventLog,
    *,
    pilot: Mapping[str, object],
    start: date | datetime,
    kpis: Sequence[KpiLike],
    control: Mapping[str, object] | Literal["rest"] | None = "rest",
    before: EventLog | None = None,
    until: date | datetime | None = None,
    statistic: DurationStatistic | None = None,
    dictionary: Mapping[str, Kpi] | None = None,
    alpha: float = 0.05,
    engine: Engine | None = None,
) -> PilotEvaluation:
    """Evaluate a pilot on its KPIs.

    Cases are assigned by the time they started: before ``start`` (from
    ``before`` when given, else from ``log``) and from ``start`` up to ``until``
    (from ``log``). The pilot group is ``pilot`` (``{attribute: value}``); the
    control group is ``control`` (another group, ``"rest"`` for every other
    case, or None). For each KPI: before vs after for the pilot group, pilot vs
    control after the start, and difference-in-differences when both exist.
    """
    defs = resolve_kpis(kpis, statistic=statistic, dictionary=dictionary)
    groups = _groups(log, before or log, pilot, control, start, until)
    out = tuple(_evaluate(k, groups, alpha, engine) for k in defs)
    control_label = None
    if control == "rest":
        control_label = f"≠ {scope_label(pilot)}"
    elif control is not None:
        control_label = scope_label(control)
    return PilotEvaluation(scope_label(pilot), control_label, as_moment(start, log), out)


def _groups(
    log: EventLog,
    before_log: EventLog,
    pilot: Mapping[str, object],
    control: Mapping[str, object] | Literal["rest"] | None,
    start: date | datetime,
    until: date | datetime | None,
) -> _Groups:
    moment = as_moment(start, log)
    end = as_moment(until, log) if until is not None else None
    if end is not None and end <= moment:
        raise InputError(
            f"the pilot ends ({end.isoformat()}) before it starts ({moment.isoformat()})"
        )
    pre: tuple[Filter, ...] = (TimeFilter(until=moment, mode="started"),)
    post: tuple[Filter, ...] = (TimeFilter(since=moment, until=end, mode="started"),)
    inside, rest = group_filters(log, pilot)
    ctrl: tuple[Filter, ...] | None
    if control == "rest":
        ctrl = rest
    elif control is None:
        ctrl = None
    else:
        ctrl = attribute_filters(log, control)
    return _Groups(
        before_log.with_filters(*pre, *inside),
        log.with_filters(*post, *inside),
        before_log.with_filters(*pre, *ctrl) if ctrl is not None else None,
        log.with_filters(*post, *ctrl) if ctrl is not None else None,
    )


def _evaluate(kpi: Kpi, g: _Groups, alpha: float, engine: Engine | None) -> KpiEvaluation:
    notes: list[str] = []
    pb, pa = sample(g.pilot_before, kpi, engine=engine), sample(g.pilot_after, kpi, engine=engine)
    if pa.size == 0:
        raise InputError(
            f"试点组在试点开始后没有 {kpi.name} 的数据 / the pilot group has no {kpi.name} "
            "values after the pilot start; check the group, the start date and the log"
        )
    before_after = None
    if pb.size:
        before_after = compare_kpi(g.pilot_before, g.pilot_after, kpi, engine=engine)
    else:
        notes.append("试点组在开始前没有数据 / no pilot-group data before the start")
    vs_control = did = None
    if g.control_after is not None and g.control_before is not None:
        ca = sample(g.control_after, kpi, engine=engine)
        cb = sample(g.control_before, kpi, engine=engine)
        if ca.size:
            vs_control = compare_kpi(g.control_after, g.pilot_after, kpi, engine=engine)
        else:
            notes.append("对照组在试点期间没有数据 / no control-group data during the pilot")
        if min(pb.size, pa.size, cb.size, ca.size) >= MIN_DID_VALUES:
            did = _did(kpi, pb, pa, cb, ca, alpha)
        else:
            notes.append(
                "数据不足,无法计算双重差分 / too little data for difference-in-differences"
            )
    return KpiEvaluation(kpi, before_after, vs_control, did, tuple(notes))


def _did(kpi: Kpi, pb: Any, pa: Any, cb: Any, ca: Any, alpha: float) -> DidEstimate:
    stat = statistic_for(kpi)
    boot_stat: DurationStatistic = "mean" if stat == "share" else stat
    relative = all(float(x.mean() if stat in ("share", "mean") else 1) != 0 for x in (pb, cb))
    try:
        res = difference_in_differences(
            pb, pa, cb, ca, statistic=boot_stat, relative=relative, confidence=1 - alpha
        )
    except InputError:
        relative = False
        res = difference_in_differences(pb, pa, cb, ca, statistic=boot_stat, confidence=1 - alpha)
    return DidEstimate(relative, res, alpha)
