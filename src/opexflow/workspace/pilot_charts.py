"""Chart data of a project's pilot: distributions, groups, weekly trend (in display units).

One engine query per KPI and side of the pilot start gives the per-case values
with the scope attribute (:func:`opexflow.kpi.case_values`); the groups, the
box-plot statistics and the weekly values are aggregates of those arrays.

Example:
    >>> charts = pilot_charts(s, actor=user, project_id=1)  # doctest: +SKIP
    >>> charts[0]["groups"]["pilot"]                        # doctest: +SKIP
    [31.3, 8.46]
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.orm import Session

from opexflow.workspace.pilot_evaluation import (
    PilotSetup,
    baseline,
    display_factor,
    pilot_setup,
    windows,
)
from opexflow.workspace.users import User

if TYPE_CHECKING:
    import pyarrow as pa
    from numpy.typing import NDArray

    from opexflow.kpi import Kpi
    from opexflow.logs.schema import EventLog


def box_stats(values: NDArray[np.float64]) -> list[float] | None:
    """Tukey's box plot: the lowest and highest value within 1.5 IQR of the quartiles,
    the quartiles and the median (long duration tails would flatten the box otherwise).

    Example:
        >>> box_stats(np.array([1.0, 2, 3, 4, 100]))
        [1.0, 2.0, 3.0, 4.0, 4.0]
    """
    if values.size == 0:
        return None
    q1, median, q3 = (float(q) for q in np.quantile(values, (0.25, 0.5, 0.75)))
    iqr = q3 - q1
    low = float(values[values >= q1 - 1.5 * iqr].min())
    high = float(values[values <= q3 + 1.5 * iqr].max())
    return [low, q1, median, q3, high]


def _summary(values: NDArray[np.float64], stat: str) -> float | None:
    if values.size == 0:
        return None
    if stat in ("share", "mean"):
        return float(values.mean())
    return float(np.quantile(values, 0.9 if stat == "p90" else 0.5))


def _monday(days: NDArray[Any]) -> NDArray[Any]:
    """The Monday of each day's week (1970-01-01 was a Thursday)."""
    n = days.astype("datetime64[D]").astype(np.int64)
    return (n - (n + 3) % 7).astype("datetime64[D]")


class _Side:
    """The per-case values of one side of the pilot start, split into groups."""

    def __init__(self, table: pa.Table, setup: PilotSetup, kpi: Kpi, factor: float) -> None:
        self.kpi = kpi
        self.values = np.asarray(table["value"].to_numpy(zero_copy_only=False)) / factor
        self.days = np.asarray(table["day"].to_numpy(zero_copy_only=False), dtype="datetime64[D]")
        self.groups = _group_masks(table, setup)

    def sample(self, group: str) -> NDArray[np.float64]:
        """What the statistics compare: per-case values, or cases per day for ``count``."""
        mask = self.groups[group]
        if self.kpi.kind != "count":
            return self.values[mask]
        _, counts = np.unique(self.days[mask], return_counts=True)
        return counts.astype(np.float64)

    def weekly(self, group: str, stat: str) -> dict[str, float | None]:
        mask = self.groups[group]
        weeks, values = _monday(self.days[mask]), self.values[mask]
        out = {}
        for week in np.unique(weeks):
            here = values[weeks == week]
            value = float(here.size) if self.kpi.kind == "count" else _summary(here, stat)
            out[str(week)] = value
        return out


def _group_masks(table: pa.Table, setup: PilotSetup) -> dict[str, NDArray[np.bool_]]:
    n = table.num_rows
    attr, scope, control = setup.pilot.scope_attribute, setup.scope, setup.control
    if scope is None or attr is None:
        return {"pilot": np.ones(n, dtype=bool)}
    column = np.asarray(table[attr].cast("string").to_numpy(zero_copy_only=False), dtype=object)
    pilot = column == str(setup.pilot.scope_value)
    masks = {"pilot": pilot}
    if control == "rest":
        masks["control"] = ~pilot
    elif isinstance(control, dict):
        masks["control"] = column == str(next(iter(control.values())))
    return masks


def _sides(setup: PilotSetup) -> tuple[EventLog, EventLog]:
    pre, post = windows(setup)
    base = baseline(setup) or setup.log
    return base.with_filters(*pre), setup.log.with_filters(*post)


def _kpi_chart(
    kpi: Kpi, unit: str, setup: PilotSetup, handles: tuple[EventLog, EventLog]
) -> dict[str, Any]:
    from opexflow.kpi import case_values
    from opexflow.pilot.compare import statistic_for
    from opexflow.pilot.verdict import kpi_label

    factor = display_factor(kpi, unit)
    stat = statistic_for(kpi)
    by = setup.pilot.scope_attribute if setup.scope is not None else None
    before, after = (_Side(case_values(h, kpi, by=by), setup, kpi, factor) for h in handles)
    groups = list(before.groups)
    box = {}
    if not kpi.is_share:
        box = {
            "before": box_stats(before.sample("pilot")),
            "after": box_stats(after.sample("pilot")),
        }
    weekly = {g: before.weekly(g, stat) | after.weekly(g, stat) for g in groups}
    weeks = sorted(set().union(*(w.keys() for w in weekly.values())))
    start: date = setup.pilot.pilot_start
    return {
        "kpi": kpi.name,
        "label_zh": kpi_label(kpi, stat, "zh"),
        "label_en": kpi_label(kpi, stat, "en"),
        "unit": unit,
        "share": kpi.is_share,
        "box": box,
        "groups": {g: [_summary(side.sample(g), stat) for side in (before, after)] for g in groups},
        "weeks": weeks,
        "weekly": {g: [weekly[g].get(k) for k in weeks] for g in groups},
        "start_week": str(start - timedelta(days=start.weekday())),
    }


def pilot_charts(session: Session, *, actor: User, project_id: int) -> list[dict[str, Any]]:
    """Per KPI, in its display unit: the pilot group's before/after distribution
    (:func:`box_stats`; shares have none), the KPI of the pilot and control groups
    before and after the start, and the weekly trend of both groups (weeks from Monday)
    with the week of the pilot start."""
    setup = pilot_setup(session, actor=actor, project_id=project_id)
    handles = _sides(setup)
    return [
        _kpi_chart(kpi, unit, setup, handles)
        for kpi, unit in zip(setup.kpis, setup.units, strict=True)
    ]
