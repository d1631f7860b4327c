"""Pilot evaluation (phase 4): KPIs compared with the right test, DiD, Table 3.

The analytics layer of pilots: it takes event logs and KPI definitions and
returns typed results; the workspace stores pilots and calls it.

Example:
    >>> from opexflow.pilot import compare_group
    >>> r = compare_group(log, group={"团队": "A组"}, kpis=["throughput_time"])  # doctest: +SKIP
    >>> r.kpis[0].verdict_zh                                                     # doctest: +SKIP
"""

from opexflow.pilot.compare import (
    Comparison,
    KpiComparison,
    compare_group,
    compare_kpi,
    compare_logs,
)
from opexflow.pilot.evaluate import DidEstimate, KpiEvaluation, PilotEvaluation, evaluate_pilot
from opexflow.pilot.table3 import HEADERS, PilotResult, table3

__all__ = [
    "HEADERS",
    "Comparison",
    "DidEstimate",
    "KpiComparison",
    "KpiEvaluation",
    "PilotEvaluation",
    "PilotResult",
    "compare_group",
    "compare_kpi",
    "compare_logs",
    "evaluate_pilot",
    "table3",
]
