"""Evaluating a KPI on a log in the engine: per-case values, and values by period and group.

Example:
    >>> from opexflow.kpi import parse_kpi, case_values, kpi_series
    >>> values = case_values(log, parse_kpi("throughput_time"))          # doctest: +SKIP
    >>> weekly = kpi_series(log, parse_kpi("case_share:补充资料"), period="week", by="团队")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import ibis
import numpy as np
import pyarrow as pa

from opexflow.analysis.tables import LogTables, log_tables
from opexflow.errors import InputError
from opexflow.kpi.definition import Kpi
from opexflow.kpi.working_time import attach_day, day_range, day_table, working_us

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from numpy.typing import NDArray

    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

Period = Literal["day", "week", "month"]
_TRUNC = {"day": "D", "week": "W", "month": "M"}


def case_values(
    log: EventLog, kpi: Kpi, *, by: str | None = None, engine: Engine | None = None
) -> pa.Table:
    """Per case: ``case_id``, ``day`` (local date the case started), ``value`` and, with
    ``by``, that case attribute. Durations are in seconds, shares 0/1, counts 1.

    Cases the KPI does not apply to (no FROM/TO, never waiting for the activity)
    are left out.
    """
    t = log_tables(log, engine)
    per_case = _per_case(t, kpi)
    if by is not None:
        per_case = _with_group(t, per_case, by)
    dated = _with_local_day(t, per_case, kpi)
    cols = ["case_id", "day", "value", *([by] if by else [])]
    result = t.engine.to_arrow(dated.select(*cols).order_by("case_id"))
    return result.set_column(2, "value", result["value"].cast(pa.float64()))


def sample(log: EventLog, kpi: Kpi, *, engine: Engine | None = None) -> NDArray[np.float64]:
    """The values a statistical comparison uses: per case, or for ``count`` cases per day."""
    if kpi.kind == "count":
        series = kpi_series(log, kpi, period="day", engine=engine)
        return np.asarray(series["value"].to_numpy(zero_copy_only=False), dtype=np.float64)
    values = case_values(log, kpi, engine=engine)["value"]
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)


def kpi_series(
    log: EventLog,
    kpi: Kpi,
    *,
    period: Period = "week",
    by: str | None = None,
    engine: Engine | None = None,
) -> pa.Table:
    """The KPI per period (``day``, ``week`` from Monday, ``month``; by the local start
    date of each case) and, with ``by``, per value of a case attribute.

    Columns: ``period`` (date), [``by``], ``cases``, ``value`` — the KPI's statistic
    of durations in seconds, the share for share KPIs, the number of cases for ``count``.
    """
    if period not in _TRUNC:
        raise InputError(f"period {period!r}: use day, week or month")
    t = log_tables(log, engine)
    per_case = _per_case(t, kpi)
    if by is not None:
        per_case = _with_group(t, per_case, by)
    dated = _with_local_day(t, per_case, kpi)
    dated = dated.mutate(period=dated.day.truncate(_TRUNC[period]).cast("date"))
    keys = ["period", *([by] if by else [])]
    v = dated.value.cast("float64")
    if kpi.kind == "count":
        value = dated.count().cast("float64")
    elif kpi.is_share or kpi.statistic == "mean":
        value = v.mean()
    else:
        value = v.quantile(0.5 if kpi.statistic == "median" else 0.9)
    agg = dated.group_by(keys).aggregate(cases=dated.count(), value=value)
    return t.engine.to_arrow(agg.order_by(keys))


def _with_group(t: LogTables, per_case: ir.Table, by: str) -> ir.Table:
    attr = t.log.meta.attribute(by)
    if attr is None or not attr.case_level:
        names = ", ".join(a.name for a in t.log.meta.case_attributes) or "none"
        raise InputError(
            f"{by!r} is not a case attribute of {t.log.name}; case attributes: {names}"
        )
    return per_case.join(t.cases.select("case_idx", by), "case_idx")


def _per_case(t: LogTables, kpi: Kpi) -> ir.Table:
    """case_idx, case_id, start_us (for the period) and value (µs for durations)."""
    base = t.cases.select("case_idx", "case_id", start_us=t.cases.case_start_us)
    if kpi.kind == "throughput_time":
        spans = _spans(t, kpi)
    elif kpi.kind == "waiting_time":
        spans = _waits(t, _activity(t, kpi.activity))
    else:
        return base.mutate(value=_flag(t, base, kpi))
    if kpi.time == "working":
        return _working(t, kpi, spans, base)
    per = spans.group_by("case_idx").aggregate(value=(spans.end_us - spans.begin_us).sum())
    return base.join(per, "case_idx").select(
        "case_idx", "case_id", "start_us", value=per.value / 1e6
    )


def _spans(t: LogTables, kpi: Kpi) -> ir.Table:
    """One row per case: begin_us and end_us of the measured span."""
    c = t.cases
    if kpi.from_activity is None:
        return c.select("case_idx", begin_us=c.case_start_us, end_us=c.last_us)
    ev = t.events
    src, dst = _activity(t, kpi.from_activity), _activity(t, kpi.to_activity)
    begin = ev.start_us.coalesce(ev.ts_us) if "start_us" in ev.columns else ev.ts_us
    first = ev.filter(ev.activity == src).group_by("case_idx").aggregate(begin_us=begin.min())
    to = ev.filter(ev.activity == dst).select("case_idx", "ts_us")
    joined = to.join(first, "case_idx")
    joined = joined.filter(joined.ts_us >= joined.begin_us)
    return joined.group_by("case_idx").aggregate(
        begin_us=joined.begin_us.min(), end_us=joined.ts_us.min()
    )


def _waits(t: LogTables, activity: str) -> ir.Table:
    """One row per occurrence of ``activity`` after another event: begin_us, end_us."""
    ev = t.events
    names = t.activity_names()
    idx = names.filter(names.activity == activity).select(nxt="activity_idx")
    pred = ev.join(idx, ev.next_activity_idx == idx.nxt)
    arrive = (
        pred.next_start_us.coalesce(pred.next_ts_us)
        if "start_us" in ev.columns
        else pred.next_ts_us
    )
    return pred.select("case_idx", begin_us=pred.ts_us, end_us=arrive)


def _flag(t: LogTables, base: ir.Table, kpi: Kpi) -> ir.Value:
    ev = t.events
    if kpi.kind == "count":
        return ibis.literal(1.0)
    if kpi.kind == "rework_rate":
        per = ev.group_by(["case_idx", "activity_idx"]).aggregate(n=ev.count())
        having = per.filter(per.n > 1).select("case_idx")
    else:
        having = ev.filter(ev.activity == _activity(t, kpi.activity)).select("case_idx")
    hit = base.case_idx.isin(having.case_idx)
    return (~hit if kpi.kind == "churn" else hit).cast("float64")


def _working(t: LogTables, kpi: Kpi, spans: ir.Table, base: ir.Table) -> ir.Table:
    days = _days(t, kpi)
    s = attach_day(spans, "begin_us", days, "b_")
    s = attach_day(s, "end_us", days, "e_")
    s = s.select("case_idx", w=working_us(s, "end_us", "e_") - working_us(s, "begin_us", "b_"))
    per = s.group_by("case_idx").aggregate(value=s.w.sum())
    return base.join(per, "case_idx").select(
        "case_idx", "case_id", "start_us", value=per.value / 1e6
    )


def _with_local_day(t: LogTables, per_case: ir.Table, kpi: Kpi) -> ir.Table:
    days = _days(t, kpi, hours=False)
    j = attach_day(per_case, "start_us", days, "d_")
    return j.mutate(day=j.d_day).drop(*[c for c in j.columns if c.startswith("d_")])


def _days(t: LogTables, kpi: Kpi, *, hours: bool = True) -> ir.Table:
    meta = t.log.meta
    wt = kpi.working_time if hours else None
    tz = (wt.tz if wt and wt.tz else None) or meta.tz
    if meta.start is None or meta.end is None:
        raise InputError(f"{meta.name} has no events with a timestamp; nothing to measure")
    lo_us = int(meta.start.timestamp() * 1_000_000)
    hi_us = int(meta.end.timestamp() * 1_000_000)
    first, last = day_range(lo_us, hi_us, tz)
    return ibis.memtable(day_table(first, last, wt, tz))


def _activity(t: LogTables, activity: str | None) -> str:
    names = t.engine.to_arrow(t.activity_names().select("activity"))["activity"].to_pylist()
    if activity is None or activity not in names:
        shown = ", ".join(sorted(str(n) for n in names)[:30])
        raise InputError(
            f"{t.log.name} 中没有活动 {activity!r} / {t.log.name} has no activity {activity!r}; "
            f"activities: {shown}"
        )
    return activity
