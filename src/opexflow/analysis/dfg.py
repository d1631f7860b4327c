"""The directly-follows graph with frequencies and durations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa
from ibis import _

from opexflow.analysis._expr import micros
from opexflow.analysis.tables import LogTables, log_tables

if TYPE_CHECKING:
    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog


@dataclass(frozen=True, slots=True)
class Dfg:
    """A directly-follows graph.

    Attributes:
        edges: ``source``, ``target``, ``events`` (times B directly followed A),
            ``cases`` (cases where it happened), ``mean_s``, ``median_s``, ``p90_s``
            (A's completion to B's completion), ``wait_median_s`` (A's completion to
            B's start; equal to ``median_s`` without start times), sorted by events
            descending.
        start: ``activity``, ``cases`` — how cases begin.
        end: ``activity``, ``cases`` — how cases end.
    """

    edges: pa.Table
    start: pa.Table
    end: pa.Table

    def counts(self) -> dict[tuple[str, str], int]:
        """Edge -> number of times it occurs."""
        e = self.edges.to_pydict()
        return {(s, t): n for s, t, n in zip(e["source"], e["target"], e["events"], strict=True)}


def dfg(log: EventLog, *, engine: Engine | None = None) -> Dfg:
    """The directly-follows graph of ``log`` in one group-by over the stored successors.

    Example:
        >>> g = dfg(log)                                         # doctest: +SKIP
        >>> g.counts()[("人工审核", "系统激活")]                   # doctest: +SKIP
        1830
    """
    t = log_tables(log, engine)
    ev = t.events
    pairs = ev.filter(ev.next_activity_idx.notnull())
    dur = micros(pairs.ts_us, pairs.next_ts_us)
    keys = ["activity_idx", "next_activity_idx"]
    # One list quantile instead of two, and the distinct case count as a separate
    # hash aggregate: DuckDB runs DISTINCT aggregates far slower inside a big group-by.
    metrics = {"events": pairs.count(), "mean_s": dur.mean() / 1e6, "q": dur.quantile([0.5, 0.9])}
    if "next_start_us" in pairs.columns:
        # With start times, the wait is from A's completion to B's start.
        wait = micros(pairs.ts_us, pairs.next_start_us.coalesce(pairs.next_ts_us))
        metrics["wait_median_s"] = wait.quantile(0.5) / 1e6
    stats = pairs.group_by(keys).aggregate(**metrics)
    per_case = pairs.select(*keys, "case_idx").distinct()
    case_counts = per_case.group_by(keys).aggregate(cases=per_case.count())
    grouped = stats.join(case_counts, keys).mutate(median_s=_.q[0] / 1e6, p90_s=_.q[1] / 1e6)
    names = t.activity_names()
    src = names.rename(source="activity", s_idx="activity_idx")
    dst = names.rename(target="activity", t_idx="activity_idx")
    edges = (
        grouped.join(src, grouped.activity_idx == src.s_idx)
        .join(dst, grouped.next_activity_idx == dst.t_idx)
        .select(
            "source",
            "target",
            "events",
            "cases",
            "mean_s",
            "median_s",
            "p90_s",
            wait_median_s=(
                grouped.wait_median_s if "wait_median_s" in grouped.columns else grouped.median_s
            ),
        )
        .order_by([ibis.desc("events"), "source", "target"])
    )
    return Dfg(
        edges=t.engine.to_arrow(edges),
        start=_boundary(t, first=True),
        end=_boundary(t, first=False),
    )


def _boundary(t: LogTables, *, first: bool) -> pa.Table:
    ev = t.events
    edge = ev.filter(ev.event_idx == 0) if first else ev.filter(ev.next_activity_idx.isnull())
    counted = edge.group_by("activity").aggregate(cases=edge.count())
    return t.engine.to_arrow(counted.order_by([ibis.desc("cases"), "activity"]))


def start_activities(log: EventLog, *, engine: Engine | None = None) -> pa.Table:
    """``activity``, ``cases``: the first activity of each case, counted."""
    return _boundary(log_tables(log, engine), first=True)


def end_activities(log: EventLog, *, engine: Engine | None = None) -> pa.Table:
    """``activity``, ``cases``: the last activity of each case, counted."""
    return _boundary(log_tables(log, engine), first=False)
