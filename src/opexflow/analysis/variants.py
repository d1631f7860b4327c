"""Variants: the distinct activity sequences, with their frequency and durations."""

from __future__ import annotations

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


def variants(log: EventLog, *, top: int | None = None, engine: Engine | None = None) -> pa.Table:
    """Variants ordered by frequency (ties by first occurrence).

    Returns an Arrow table: ``rank`` (1 = most frequent), ``activities`` (list of
    names), ``length``, ``cases``, ``share`` of all cases, ``mean_s`` and
    ``median_s`` throughput time of its cases.

    Example:
        >>> variants(log, top=3).column("share").to_pylist()    # doctest: +SKIP
        [0.62, 0.15, 0.08]
    """
    t = log_tables(log, engine)
    table = t.engine.run(("variants", top, *log_key(log)), lambda: _variants_expr(t, top))
    if not t.clean:
        table = _names_for_traces(table, t.engine.to_arrow(t.activity_names()))
    return pa.table(
        {
            "rank": table.column("rank").cast(pa.int32()),
            "activities": table.column("activities"),
            "length": pc.list_value_length(table.column("activities")).cast(pa.int32()),
            "cases": table.column("cases").cast(pa.int64()),
            "share": table.column("share"),
            "mean_s": table.column("mean_s"),
            "median_s": table.column("median_s"),
        }
    )


def _variants_expr(t: LogTables, top: int | None) -> ir.Table:
    cases = t.cases
    dur = micros(cases.case_start_us, cases.last_us)
    key = "variant_idx" if t.clean else "trace"
    grouped = cases.group_by(key).aggregate(
        cases=cases.count(),
        first_case=cases.case_idx.min(),
        mean_s=dur.mean() / 1e6,
        median_s=dur.quantile(0.5) / 1e6,
    )
    if t.clean:
        stored = t.stored_variants().select("variant_idx", "activities")
        grouped = grouped.join(stored, "variant_idx").drop("variant_idx")
    total = grouped.cases.sum().over()
    order = [ibis.desc(grouped.cases), grouped.first_case]
    ranked = grouped.mutate(
        share=grouped.cases.cast("float64") / total,
        rank=ibis.row_number().over(order_by=order) + 1,
    ).order_by([ibis.desc("cases"), "first_case"])
    return ranked if top is None else ranked.limit(top)


def _names_for_traces(table: pa.Table, names: pa.Table) -> pa.Table:
    lookup = dict(
        zip(names["activity_idx"].to_pylist(), names["activity"].to_pylist(), strict=True)
    )
    traces = table.column("trace").to_pylist()
    acts = pa.array([[lookup[i] for i in tr] for tr in traces], pa.list_(pa.string()))
    return table.drop(["trace"]).append_column("activities", acts)
