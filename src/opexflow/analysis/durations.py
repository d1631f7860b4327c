"""Case throughput times and their distribution."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

from opexflow.analysis._expr import micros, seconds
from opexflow.analysis.tables import log_key, log_tables

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

Measure = Literal["first_start", "first_completion"]


@dataclass(frozen=True, slots=True)
class Bin:
    lo_s: float
    hi_s: float
    cases: int


@dataclass(frozen=True, slots=True)
class Throughput:
    """The distribution of case throughput times, in seconds."""

    cases: int
    mean_s: float
    median_s: float
    p90_s: float
    min_s: float
    max_s: float
    histogram: tuple[Bin, ...]


def case_durations(
    log: EventLog, *, measure: Measure = "first_start", engine: Engine | None = None
) -> pa.Table:
    """Per case: ``case_id``, ``start``, ``end``, ``duration_s``, ``events``.

    ``measure="first_start"`` measures from the first event's start (its
    start timestamp where the log has them) to the last completion;
    ``"first_completion"`` from the first to the last completion timestamp
    (PM4Py's definition).
    """
    t = log_tables(log, engine)

    def build() -> ir.Table:
        c = t.cases
        start = c.case_start if measure == "first_start" else c.first_timestamp
        start_us = c.case_start_us if measure == "first_start" else c.first_us
        return c.order_by("case_idx").select(
            "case_id",
            start=start,
            end=c.last_timestamp,
            duration_s=seconds(start_us, c.last_us),
            events=c.n_events,
        )

    return t.engine.run(("case_durations", measure, *log_key(log)), build)


def throughput(
    log: EventLog, *, bins: int = 20, measure: Measure = "first_start", engine: Engine | None = None
) -> Throughput:
    """Summary and histogram of case throughput times (log-spaced bins when skewed)."""
    t = log_tables(log, engine)
    c = t.cases
    start_us = c.case_start_us if measure == "first_start" else c.first_us
    d = micros(start_us, c.last_us)
    stats = t.engine.to_arrow(
        c.aggregate(
            n=c.count(),
            mean=d.mean() / 1e6,
            median=d.quantile(0.5) / 1e6,
            p90=d.quantile(0.9) / 1e6,
            lo=d.min() / 1e6,
            hi=d.max() / 1e6,
        )
    ).to_pylist()[0]
    n = int(stats["n"] or 0)
    if n == 0:
        return Throughput(0, 0.0, 0.0, 0.0, 0.0, 0.0, ())
    edges = _bin_edges(float(stats["lo"]), float(stats["hi"]), float(stats["median"]), bins)

    bucket = seconds(start_us, c.last_us).bucket(edges, include_over=True, close_extreme=True)
    binned = c.mutate(b=bucket)
    counts = t.engine.to_arrow(
        binned.group_by("b").aggregate(k=binned.count()).order_by("b")
    ).to_pylist()
    by_bin = {r["b"]: int(r["k"]) for r in counts if r["b"] is not None}
    hist = tuple(Bin(edges[i], edges[i + 1], by_bin.get(i, 0)) for i in range(len(edges) - 1))
    return Throughput(
        n,
        float(stats["mean"]),
        float(stats["median"]),
        float(stats["p90"]),
        float(stats["lo"]),
        float(stats["hi"]),
        hist,
    )


def _bin_edges(lo: float, hi: float, median: float, bins: int) -> list[float]:
    if hi <= lo:
        return [lo, lo + 1.0]
    if lo > 0 and hi / max(lo, 1.0) > 100 and hi > 10 * median:
        a, b = math.log10(max(lo, 1.0)), math.log10(hi)
        return [lo] + [10 ** (a + (b - a) * i / bins) for i in range(1, bins)] + [hi]
    step = (hi - lo) / bins
    return [lo + step * i for i in range(bins)] + [hi]
