"""The directly-follows graph with frequencies and durations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from opexflow.analysis._expr import micros
from opexflow.analysis.tables import LogTables, log_key, log_tables

if TYPE_CHECKING:
    import ibis.expr.types as ir

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
    return _split(t.engine.run(("dfg", *log_key(log)), lambda: _dfg_expr(t)))


def _dfg_expr(t: LogTables) -> ir.Table:
    ev = t.events
    # One scan, grouped by (activity, next activity): the rows with a successor are
    # the edges; those without one are the case ends (their count is the end
    # activity's); the first events give the start activities. ``edge_first``
    # (written at import) counts each edge once per case without a DISTINCT.
    dur = micros(ev.ts_us, ev.next_ts_us)
    metrics = {
        "events": ev.count(),
        "cases": ev.count(where=ev.edge_first),
        "starts": ev.count(where=ev.event_idx == 0),
        "mean_us": dur.mean(),
        # Rows without a successor (case ends) have no duration: skip them early.
        "q": dur.quantile([0.5, 0.9], where=ev.next_ts_us.notnull()),
    }
    if "next_start_us" in ev.columns:
        # With start times, the wait is from A's completion to B's start.
        wait = micros(ev.ts_us, ev.next_start_us.coalesce(ev.next_ts_us))
        metrics["wait_us"] = wait.quantile(0.5, where=ev.next_ts_us.notnull())
    grouped = ev.group_by(["activity_idx", "next_activity_idx"]).aggregate(**metrics)
    # Start counts per activity, on one row per activity (a window over the small
    # aggregate; building the table in Python would make pyarrow import pandas).
    per_source = ibis.window(group_by=grouped.activity_idx, order_by=grouped.next_activity_idx)
    grouped = grouped.mutate(
        source_starts=grouped.starts.sum().over(group_by=grouped.activity_idx),
    )
    grouped = grouped.mutate(
        is_start=(ibis.row_number().over(per_source) == 0) & (grouped.source_starts > 0)
    )
    names = t.activity_names()
    src = names.rename(source="activity", s_idx="activity_idx")
    dst = names.rename(target="activity", t_idx="activity_idx")
    joined = grouped.left_join(src, grouped.activity_idx == src.s_idx).left_join(
        dst, grouped.next_activity_idx == dst.t_idx
    )
    return joined.select(
        "source",
        "target",
        "events",
        "cases",
        "source_starts",
        "is_start",
        mean_s=joined.mean_us / 1e6,
        median_s=joined.q[0] / 1e6,
        p90_s=joined.q[1] / 1e6,
        wait_median_s=(joined.wait_us if "wait_us" in grouped.columns else joined.q[0]) / 1e6,
    )


def _split(table: pa.Table) -> Dfg:
    """Edges, start and end activities from the (activity, next activity) aggregate."""
    has_next = pc.is_valid(table.column("target"))
    edges = table.filter(has_next).select(_EDGE_COLUMNS)
    ends = table.filter(pc.invert(has_next))
    end = pa.table(
        {"activity": ends.column("source"), "cases": ends.column("events").cast(pa.int64())}
    )
    starts = table.filter(table.column("is_start"))
    start = pa.table(
        {
            "activity": starts.column("source"),
            "cases": starts.column("source_starts").cast(pa.int64()),
        }
    )
    return Dfg(
        edges=edges.sort_by(
            [("events", "descending"), ("source", "ascending"), ("target", "ascending")]
        ),
        start=_by_cases(start),
        end=_by_cases(end),
    )


_EDGE_COLUMNS = [
    "source",
    "target",
    "events",
    "cases",
    "mean_s",
    "median_s",
    "p90_s",
    "wait_median_s",
]


def _by_cases(table: pa.Table) -> pa.Table:
    return table.sort_by([("cases", "descending"), ("activity", "ascending")])


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
