"""Conformance results as diagnosis findings (kind ``control_violation``) and report data.

Example:
    >>> from opexflow.conformance.rules import parse_rule
    >>> from opexflow.conformance.result import ConformanceResult, RuleResult
    >>> rule = parse_rule({"id": "fa", "when": "金额 >= 10000", "require": "财务审批",
    ...                    "before": "发货"})
    >>> result = ConformanceResult((RuleResult(rule, "checked", 400, 12, ("o1",) * 12),), 2000)
    >>> f = control_findings(result)[0]
    >>> f.kind, f.activity, round(f.value, 3), f.severity
    ('control_violation', '财务审批', 0.03, 0.46)
"""

from __future__ import annotations

from typing import Any, Final

from opexflow.analysis.findings import Finding
from opexflow.analysis.humanize import percent
from opexflow.conformance.result import ConformanceResult, RuleResult

SEVERITY_BASE: Final = 0.4
"""A broken control point is a risk however rare: its finding starts at this severity..."""
SEVERITY_PER_RATE: Final = 2.0
"""...and grows by this much per unit of violation rate (capped at 1)."""
REPORT_CASES: Final = 20
"""Violating case ids listed per rule in the HTML report (the JSON lists all)."""


def control_findings(result: ConformanceResult) -> list[Finding]:
    """One ``control_violation`` finding per rule with at least one violation."""
    return [_finding(r, result.cases) for r in result.rules if r.violations > 0]


def _finding(r: RuleResult, cases: int) -> Finding:
    rate = r.violation_rate or 0.0
    share = r.violations / cases if cases else 0.0
    zh = (
        f"违反控制点「{r.id}」：{r.sentence('zh')}检查 {r.cases_checked:,} 个案例，"
        f"{r.violations:,} 个违反（{percent(rate)}）"
    )
    en = (
        f"control point '{r.id}' broken: {r.sentence('en')} {r.violations:,} of "
        f"{r.cases_checked:,} cases checked violate it ({percent(rate)})"
    )
    if r.bypass is not None:
        b = r.bypass
        zh += (
            f"；紧急通道使用率 {percent(b.rate)}，超出条件 {len(b.outside_condition):,} 个，"
            f"未按时补办 {len(b.late_backfill):,} 个"
        )
        en += (
            f"; bypass used in {percent(b.rate)} of cases, {len(b.outside_condition):,} outside "
            f"its condition, {len(b.late_backfill):,} not back-filled in time"
        )
    return Finding(
        "control_violation",
        round(min(1.0, SEVERITY_BASE + SEVERITY_PER_RATE * rate), 4),
        "violation_rate",
        rate,
        share,
        zh,
        en,
        activity=r.rule.activities[0],
    )


def report_section(result: ConformanceResult) -> dict[str, Any]:
    """The ``conformance`` mapping of the diagnosis report (see ``opexflow/report/README.md``)."""
    return {
        "cases": result.cases,
        "source": result.source,
        "rules": [_rule_data(r) for r in result.rules],
    }


def _rule_data(r: RuleResult) -> dict[str, Any]:
    b = r.bypass
    return {
        "id": r.id,
        "kind": r.kind,
        "sentence_zh": r.sentence("zh"),
        "sentence_en": r.sentence("en"),
        "status": r.status,
        "missing": [*r.missing_activities, *r.missing_attributes],
        "cases_checked": r.cases_checked,
        "violations": r.violations,
        "violation_rate": r.violation_rate,
        "violating_cases": list(r.violating_cases[:REPORT_CASES]),
        "excused_cases": r.excused_cases,
        "bypass": None
        if b is None or not r.checked
        else {
            "cases": b.cases,
            "rate": b.rate,
            "eligible_cases": b.eligible_cases,
            "outside_condition": len(b.outside_condition),
            "late_backfill": len(b.late_backfill),
        },
    }
