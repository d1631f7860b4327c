"""Group comparison: the same figures for two parts of a log.

Either an attribute value against the rest of the cases, or the cases that
started before a date against those that started on or after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pyarrow as pa

from opexflow.analysis.activities import activity_stats
from opexflow.analysis.dfg import Dfg, dfg
from opexflow.analysis.durations import Throughput, throughput
from opexflow.analysis.filters import AttributeFilter, TimeFilter
from opexflow.analysis.variants import variants
from opexflow.errors import InputError

if TYPE_CHECKING:
    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """The figures of one group."""

    label: str
    cases: int
    throughput: Throughput
    variants: pa.Table
    activity_stats: pa.Table
    dfg: Dfg


@dataclass(frozen=True, slots=True)
class GroupComparison:
    """Two groups side by side: ``a`` (the group asked for) and ``b`` (the rest / before)."""

    a: GroupFigures
    b: GroupFigures

    @property
    def median_change(self) -> float | None:
        """Relative change of the median throughput time from ``b`` to ``a``."""
        if not self.b.throughput.median_s:
            return None
        return self.a.throughput.median_s / self.b.throughput.median_s - 1.0


def compare_groups(
    log: EventLog,
    *,
    attribute: str | None = None,
    value: object = None,
    since: datetime | None = None,
    engine: Engine | None = None,
) -> GroupComparison:
    """Compare ``attribute == value`` against the other cases, or cases started
    on/after ``since`` against those started before it.

    Example:
        >>> c = compare_groups(log, attribute="团队", value="A组")   # doctest: +SKIP
        >>> c.a.throughput.median_s < c.b.throughput.median_s         # doctest: +SKIP
        True
    """
    if (attribute is None) == (since is None):
        raise InputError("compare either by attribute=... and value=..., or by since=<date>")
    if attribute is not None:
        la = log.with_filters(AttributeFilter(attribute, (value,), True))
        lb = log.with_filters(AttributeFilter(attribute, (value,), False))
        labels = (f"{attribute}={value}", f"{attribute}≠{value}")
    else:
        if since is None or since.tzinfo is None:
            raise InputError("since must be a datetime with a time zone")
        la = log.with_filters(TimeFilter(since=since, mode="started"))
        lb = log.with_filters(TimeFilter(until=since, mode="started"))
        labels = (f"≥ {since.date()}", f"< {since.date()}")
    return GroupComparison(_figures(la, labels[0], engine), _figures(lb, labels[1], engine))


def _figures(log: EventLog, label: str, engine: Engine | None) -> GroupFigures:
    thr = throughput(log, engine=engine)
    return GroupFigures(
        label=label,
        cases=thr.cases,
        throughput=thr,
        variants=variants(log, engine=engine),
        activity_stats=activity_stats(log, engine=engine),
        dfg=dfg(log, engine=engine),
    )
