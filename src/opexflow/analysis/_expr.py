"""Small Ibis expression helpers shared by the analyses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir


def seconds(start_us: ir.IntegerValue, end_us: ir.IntegerValue) -> ir.FloatingValue:
    """``end - start`` in seconds, from the stored epoch-microsecond columns.

    Integer arithmetic on ``*_us`` columns is exact and an order of magnitude
    faster than time-zone aware timestamp differences.
    """
    return (end_us - start_us).cast("float64") / 1e6


def duration_stats(value: ir.NumericValue, prefix: str = "") -> dict[str, ir.Value]:
    """Mean, median and 90th percentile of a duration column (named ``<prefix>mean_s``...)."""
    return {
        f"{prefix}mean_s": value.mean(),
        f"{prefix}median_s": value.quantile(0.5),
        f"{prefix}p90_s": value.quantile(0.9),
    }
