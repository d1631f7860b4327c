"""KPIs from the metric dictionary: definitions (pydantic, JSON) and their evaluation.

A :class:`Kpi` is a structured formula (kind, activity, statistic, calendar or
working time) with unit, direction and zh/en names; :func:`parse_kpi` reads
the command-line short forms; :func:`case_values`, :func:`sample` and
:func:`kpi_series` evaluate it in the engine.

Example:
    >>> from opexflow.kpi import parse_kpi
    >>> parse_kpi("case_share:补充资料").direction
    'lower'
"""

from opexflow.kpi.definition import Kpi, KpiKind, WorkingTime, parse_kpi
from opexflow.kpi.evaluate import Period, case_values, kpi_series, sample

__all__ = [
    "Kpi",
    "KpiKind",
    "Period",
    "WorkingTime",
    "case_values",
    "kpi_series",
    "parse_kpi",
    "sample",
]
