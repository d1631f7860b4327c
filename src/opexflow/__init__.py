"""opexflow: measure, diagnose and standardize operations processes from event data.

Example:
    >>> import opexflow as ox
    >>> log = ox.read_log("activation.csv")      # doctest: +SKIP
    >>> ox.diagnose(log).findings[0].kind        # doctest: +SKIP
    'bottleneck'

The names below are imported lazily, so ``import opexflow`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "ActivityFilter": "opexflow.analysis.filters",
    "AttributeFilter": "opexflow.analysis.filters",
    "BpmnModel": "opexflow.models.bpmn",
    "ConformanceResult": "opexflow.conformance.result",
    "Diagnosis": "opexflow.analysis.diagnose",
    "Dfg": "opexflow.analysis.dfg",
    "Engine": "opexflow.analysis.engine",
    "EventLog": "opexflow.logs.schema",
    "Finding": "opexflow.analysis.findings",
    "Kpi": "opexflow.kpi.definition",
    "KpiComparison": "opexflow.pilot.compare",
    "Model": "opexflow.models.api",
    "OpexflowError": "opexflow.errors",
    "PilotEvaluation": "opexflow.pilot.evaluate",
    "ProcessMap": "opexflow.models.simplify",
    "Quality": "opexflow.models.api",
    "Replay": "opexflow.models.replay",
    "RuleResult": "opexflow.conformance.result",
    "Sop": "opexflow.sop.model",
    "Throughput": "opexflow.analysis.durations",
    "activity_stats": "opexflow.analysis.activities",
    "case_durations": "opexflow.analysis.durations",
    "check_conformance": "opexflow.conformance.check",
    "check_sop": "opexflow.sop.checks",
    "compare_group": "opexflow.pilot.compare",
    "compare_groups": "opexflow.analysis.compare",
    "compare_logs": "opexflow.pilot.compare",
    "dfg": "opexflow.analysis.dfg",
    "diagnose": "opexflow.analysis.diagnose",
    "discover": "opexflow.models.api",
    "end_activities": "opexflow.analysis.dfg",
    "evaluate_pilot": "opexflow.pilot.evaluate",
    "export_sop": "opexflow.sop.export",
    "filter_activity": "opexflow.analysis.filters",
    "filter_attribute": "opexflow.analysis.filters",
    "filter_cases": "opexflow.analysis.filters",
    "filter_time": "opexflow.analysis.filters",
    "filter_variants": "opexflow.analysis.filters",
    "fitness": "opexflow.models.api",
    "handovers": "opexflow.analysis.handovers",
    "import_log": "opexflow.logs.canonical",
    "kpi_series": "opexflow.kpi.evaluate",
    "load_rules": "opexflow.conformance.loading",
    "load_sop": "opexflow.sop.model",
    "model_quality": "opexflow.models.api",
    "parse_kpi": "opexflow.kpi.definition",
    "precision": "opexflow.models.api",
    "read_bpmn": "opexflow.models.bpmn_xml",
    "read_log": "opexflow.logs.read",
    "replay": "opexflow.models.api",
    "simplify_map": "opexflow.models.simplify",
    "start_activities": "opexflow.analysis.dfg",
    "throughput": "opexflow.analysis.durations",
    "variants": "opexflow.analysis.variants",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from opexflow.analysis.activities import activity_stats
    from opexflow.analysis.compare import compare_groups
    from opexflow.analysis.dfg import Dfg, dfg, end_activities, start_activities
    from opexflow.analysis.diagnose import Diagnosis, diagnose
    from opexflow.analysis.durations import Throughput, case_durations, throughput
    from opexflow.analysis.engine import Engine
    from opexflow.analysis.filters import (
        ActivityFilter,
        AttributeFilter,
        filter_activity,
        filter_attribute,
        filter_cases,
        filter_time,
        filter_variants,
    )
    from opexflow.analysis.findings import Finding
    from opexflow.analysis.handovers import handovers
    from opexflow.analysis.variants import variants
    from opexflow.conformance.check import check_conformance
    from opexflow.conformance.loading import load_rules
    from opexflow.conformance.result import ConformanceResult, RuleResult
    from opexflow.errors import OpexflowError
    from opexflow.kpi.definition import Kpi, parse_kpi
    from opexflow.kpi.evaluate import kpi_series
    from opexflow.logs.canonical import import_log
    from opexflow.logs.read import read_log
    from opexflow.logs.schema import EventLog
    from opexflow.models.api import (
        Model,
        Quality,
        discover,
        fitness,
        model_quality,
        precision,
        replay,
    )
    from opexflow.models.bpmn import BpmnModel
    from opexflow.models.bpmn_xml import read_bpmn
    from opexflow.models.replay import Replay
    from opexflow.models.simplify import ProcessMap, simplify_map
    from opexflow.pilot.compare import KpiComparison, compare_group, compare_logs
    from opexflow.pilot.evaluate import PilotEvaluation, evaluate_pilot
    from opexflow.sop.checks import check_sop
    from opexflow.sop.export import export_sop
    from opexflow.sop.model import Sop, load_sop


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'opexflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
