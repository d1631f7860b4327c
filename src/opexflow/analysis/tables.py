"""The canonical tables of a (filtered) log as Ibis expressions."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import ibis

from opexflow.analysis.engine import Engine, get_engine
from opexflow.analysis.filters import (
    ActivityFilter,
    AttributeFilter,
    CaseFilter,
    Filter,
    TimeFilter,
    VariantFilter,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from opexflow.logs.schema import EventLog

_NEXT = {
    "start_us": "next_start_us",
    "resource": "next_resource",
    "department": "next_department",
}


class LogTables:
    """Events and cases of a log after its filters, plus the engine that runs them.

    ``clean`` is True when no event-level filter applied: then ``cases.variant_idx``
    is the stored variant; otherwise ``cases`` has a ``trace`` list column instead.
    ``kept`` are the events the filters keep with their stored columns: positions,
    successors and flags as at import (``events`` has them recomputed), so
    ``(case_idx, event_idx)`` still orders them. ``events`` and ``cases`` are built
    on first use: recomputing them is a large expression, and a query that reads
    only ``kept`` should not pay for it.
    """

    def __init__(
        self, log: EventLog, engine: Engine, kept: ir.Table, kept_cases: ir.Table, *, clean: bool
    ) -> None:
        self.log = log
        self.engine = engine
        self.kept = kept
        self.clean = clean
        self._kept_cases = kept_cases

    @cached_property
    def events(self) -> ir.Table:
        return self.kept if self.clean else _resequence(self.kept)

    @cached_property
    def cases(self) -> ir.Table:
        if self.clean:
            return self._kept_cases
        return _cases_from_events(self.events, self._kept_cases)

    def activity_names(self) -> ir.Table:
        return self.engine.parquet(self.log.activities_path).select("activity_idx", "activity")

    def stored_variants(self) -> ir.Table:
        return self.engine.parquet(self.log.variants_path)


def log_key(log: EventLog) -> tuple[object, ...]:
    """What an analysis' expression of ``log`` depends on (for :meth:`Engine.run`): the
    dataset, which import wrote it (a new import may have other columns), the filters."""
    written = log.events_path.stat().st_mtime_ns if log.events_path.exists() else None
    return (str(log.path.resolve()), written, log.meta.imported_at, log.filters)


def log_tables(log: EventLog, engine: Engine | None = None) -> LogTables:
    """Apply ``log.filters`` and return the resulting tables."""
    eng = get_engine(engine)
    events = eng.parquet(log.events_path)
    cases = eng.parquet(log.cases_path)
    clean = True
    for f in log.filters:
        if f.level == "event":
            events = events.filter(_event_predicate(f, events))
            clean = False
        else:
            keep = _case_set(f, log, eng, events, cases)
            cases = cases.filter(cases.case_idx.isin(keep.case_idx))
            events = events.filter(events.case_idx.isin(keep.case_idx))
    return LogTables(log, eng, events, cases, clean=clean)


def _event_predicate(f: Filter, events: ir.Table) -> ir.BooleanValue:
    if isinstance(f, TimeFilter):
        pred = ibis.literal(True)
        if f.since is not None:
            pred &= events.timestamp >= f.since
        if f.until is not None:
            pred &= events.timestamp < f.until
        return pred
    assert isinstance(f, AttributeFilter)
    hit = events[f.attribute].isin(list(f.values))
    return hit if f.keep else ~hit | events[f.attribute].isnull()


def _case_set(f: Filter, log: EventLog, eng: Engine, events: ir.Table, cases: ir.Table) -> ir.Table:
    """The case_idx values a case-level filter keeps."""
    if isinstance(f, TimeFilter):
        return cases.filter(_time_predicate(f, cases)).select("case_idx")
    if isinstance(f, CaseFilter):
        hit = cases.case_id.isin(list(f.case_ids))
        return cases.filter(hit if f.keep else ~hit).select("case_idx")
    if isinstance(f, AttributeFilter):
        attr = log.meta.attribute(f.attribute)
        if attr is not None and attr.case_level:
            col = cases[f.attribute]
            return cases.filter(
                col.isin(list(f.values)) if f.keep else ~col.isin(list(f.values)) | col.isnull()
            ).select("case_idx")
        having = (
            events.filter(events[f.attribute].isin(list(f.values))).select("case_idx").distinct()
        )
        return _keep_or_drop(cases, having, keep=f.keep)
    if isinstance(f, ActivityFilter):
        having = events.filter(events.activity == f.activity).select("case_idx").distinct()
        return _keep_or_drop(cases, having, keep=f.present)
    assert isinstance(f, VariantFilter)
    stored = eng.parquet(log.variants_path)
    wanted = [list(v) for v in f.variants]
    idx = stored.filter(stored.activities.isin(wanted)).select("variant_idx")
    having = cases.filter(cases.variant_idx.isin(idx.variant_idx)).select("case_idx")
    return _keep_or_drop(cases, having, keep=f.keep)


def _keep_or_drop(cases: ir.Table, having: ir.Table, *, keep: bool) -> ir.Table:
    pred = cases.case_idx.isin(having.case_idx)
    return cases.filter(pred if keep else ~pred).select("case_idx")


def _time_predicate(f: TimeFilter, cases: ir.Table) -> ir.BooleanValue:
    start, end = cases.case_start, cases.last_timestamp
    pred = ibis.literal(True)
    if f.mode == "contained":
        if f.since is not None:
            pred &= start >= f.since
        if f.until is not None:
            pred &= end < f.until
    elif f.mode == "started":
        if f.since is not None:
            pred &= start >= f.since
        if f.until is not None:
            pred &= start < f.until
    else:  # intersecting
        if f.since is not None:
            pred &= end >= f.since
        if f.until is not None:
            pred &= start < f.until
    return pred


def _resequence(events: ir.Table) -> ir.Table:
    """Recompute positions, successors and first-occurrence flags after events were dropped."""
    w = ibis.window(group_by=events.case_idx, order_by=events.event_idx)
    cols = set(events.columns)
    updates: dict[str, ir.Value] = {
        "event_idx": ibis.row_number().over(w).cast("int32"),
        "next_activity_idx": events.activity_idx.lead().over(w),
        "next_ts_us": events.ts_us.lead().over(w),
    }
    for col, nxt in _NEXT.items():
        if col in cols:
            updates[nxt] = events[col].lead().over(w)
    events = events.mutate(**updates)
    return _flags(events, [c for c in ("resource", "department") if c in cols])


def _flags(ev: ir.Table, by: list[str]) -> ir.Table:
    """The first-occurrence columns of the import (logs/encode.py), for a filtered log."""

    def first(*keys: str) -> ir.BooleanValue:
        w = ibis.window(group_by=[ev.case_idx, *(ev[k] for k in keys)], order_by=ev.event_idx)
        return ibis.row_number().over(w) == 0

    moves = {
        c: ev[c].notnull() & ev[f"next_{c}"].notnull() & (ev[c] != ev[f"next_{c}"]) for c in by
    }
    later = ibis.window(group_by=ev.case_idx, order_by=ev.event_idx, rows=(1, None))
    updates: dict[str, ir.Value] = {
        "occurrence": (
            ibis.row_number().over(
                ibis.window(group_by=[ev.case_idx, ev.activity_idx], order_by=ev.event_idx)
            )
            + 1
        ).cast("int32"),
        "edge_first": ev.next_activity_idx.notnull() & first("activity_idx", "next_activity_idx"),
    }
    for c in by:
        # The next move's target, over the moves of the case only.
        back = ev[f"next_{c}"].argmin(moves[c].ifelse(ev.event_idx, ibis.null())).over(later)
        updates[f"__pp_{c}"] = moves[c] & (back == ev[c]).fill_null(False)
    ev = ev.mutate(**updates)
    pairs: dict[str, ir.Value] = {}
    for c in by:
        # One flagged move per (case, pair): its first ping-pong if any (as at import).
        pp = ev[f"__pp_{c}"]
        w = ibis.window(
            group_by=[ev.case_idx, ev[c], ev[f"next_{c}"]], order_by=[ibis.desc(pp), ev.event_idx]
        )
        first = ibis.row_number().over(w) == 0
        moved = ev[c].notnull() & ev[f"next_{c}"].notnull() & (ev[c] != ev[f"next_{c}"])
        pairs[f"{c}_move_first"] = moved & first
        pairs[f"{c}_pingpong_first"] = pp & first
    return ev.mutate(**pairs).drop(*(f"__pp_{c}" for c in by))


def _cases_from_events(events: ir.Table, stored: ir.Table) -> ir.Table:
    has_start = "start_us" in events.columns
    start = (
        events.start_timestamp.coalesce(events.timestamp).min()
        if has_start
        else (events.timestamp.min())
    )
    start_us = events.start_us.coalesce(events.ts_us).min() if has_start else events.ts_us.min()
    agg = events.group_by("case_idx").aggregate(
        case_start=start,
        first_timestamp=events.timestamp.min(),
        last_timestamp=events.timestamp.max(),
        case_start_us=start_us,
        first_us=events.ts_us.min(),
        last_us=events.ts_us.max(),
        n_events=events.count().cast("int32"),
        trace=events.activity_idx.collect(order_by=events.event_idx),
    )
    extra = [c for c in stored.columns if c not in agg.columns and c != "variant_idx"]
    return agg.join(stored.select("case_idx", *extra), "case_idx").select(
        "case_idx",
        *extra,
        "case_start",
        "first_timestamp",
        "last_timestamp",
        "case_start_us",
        "first_us",
        "last_us",
        "n_events",
        "trace",
    )
