"""Conformance to control points: rules (YAML/JSON) checked on event logs.

A rule set is the control points of a process — finance approval above an
amount, approval before shipment, time limits, four eyes, forbidden steps,
an emergency bypass with its back-fill deadline — written in one documented
schema (``docs/conformance.md``) that the SOP documents share.
:func:`check_conformance` evaluates every rule over every case as engine
queries and reports, per rule, the cases checked, the violations and every
violating case id.

Example:
    >>> import opexflow as ox
    >>> log = ox.read_log("orders.csv")                        # doctest: +SKIP
    >>> result = ox.check_conformance(log, '''
    ... - id: finance-approval
    ...   when: 金额 >= 10000
    ...   require: 财务审批
    ...   before: 发货
    ... ''')                                                    # doctest: +SKIP
    >>> result["finance-approval"].violation_rate              # doctest: +SKIP
    0.024
"""

from opexflow.conformance.check import check_conformance
from opexflow.conformance.conditions import Condition, ConditionError, parse_condition
from opexflow.conformance.durations import format_duration, parse_duration
from opexflow.conformance.loading import RuleSet, load_rules
from opexflow.conformance.result import BypassUse, ConformanceResult, RuleResult, RuleStatus
from opexflow.conformance.rules import (
    KINDS,
    AbsentRule,
    BypassRule,
    FourEyesRule,
    OrderRule,
    RequireRule,
    Rule,
    WithinRule,
    parse_rule,
)
from opexflow.conformance.sentences import describe

__all__ = [
    "KINDS",
    "AbsentRule",
    "BypassRule",
    "BypassUse",
    "Condition",
    "ConditionError",
    "ConformanceResult",
    "FourEyesRule",
    "OrderRule",
    "RequireRule",
    "Rule",
    "RuleResult",
    "RuleSet",
    "RuleStatus",
    "WithinRule",
    "check_conformance",
    "describe",
    "format_duration",
    "load_rules",
    "parse_condition",
    "parse_duration",
    "parse_rule",
]
