"""Diagnosis findings: what is wrong with a process, ranked by severity.

Each detector turns analysis results into :class:`Finding` objects with a
severity in [0, 1]. The thresholds are module constants so that they are
documented and testable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pyarrow as pa

from opexflow.analysis.humanize import duration, percent

BOTTLENECK_MIN_SHARE = 0.35
"""An activity is a bottleneck when the waiting before it is at least this share of all waiting..."""
BOTTLENECK_DOMINANCE = 2.0
"""...and at least this many times the next activity's share (it dominates)."""
REWORK_MIN_CASE_SHARE = 0.02
LONG_WAIT_FACTOR = 3.0
"""A transition waits long when its median is this many times the median transition's..."""
LONG_WAIT_MIN_SHARE_OF_THROUGHPUT = 0.2
"""...and at least this share of the median case throughput time."""
MIN_CASE_SHARE = 0.05
"""Activities and transitions seen in fewer cases than this are not reported."""
PINGPONG_MIN_CASE_SHARE = 0.02
SPRAWL_MAX_TOP_SHARE = 0.5
SPRAWL_MIN_VARIANTS_80 = 5

KINDS = (
    "bottleneck",
    "rework",
    "long_wait",
    "handover",
    "variant_sprawl",
    "sla_breach",
    "data_quality",
    "control_violation",
)
PROBLEM_TYPE = {
    "bottleneck": "efficiency",
    "long_wait": "efficiency",
    "rework": "quality",
    "data_quality": "quality",
    "handover": "collaboration",
    "variant_sprawl": "quality",  # inconsistent execution: fixed by standards (seed §3)
    "sla_breach": "risk",
    "control_violation": "risk",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the data, with its evidence."""

    kind: str
    severity: float
    metric: str
    value: float
    share_of_cases: float
    message_zh: str
    message_en: str
    activity: str | None = None
    source: str | None = None
    target: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["from"] = d.pop("source")
        d["to"] = d.pop("target")
        order = [
            "kind",
            "activity",
            "from",
            "to",
            "severity",
            "metric",
            "value",
            "share_of_cases",
            "message_zh",
            "message_en",
        ]
        return {k: d[k] for k in order}


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def bottlenecks(acts: pa.Table, cases: int) -> list[Finding]:
    rows = [r for r in acts.to_pylist() if (r["waiting_total_s"] or 0) > 0]
    total = sum(r["waiting_total_s"] for r in rows)
    if not rows or total <= 0:
        return []
    rows.sort(key=lambda r: -r["waiting_total_s"])
    shares = [r["waiting_total_s"] / total for r in rows]
    found = []
    for i, (r, share) in enumerate(zip(rows, shares, strict=True)):
        nxt = shares[i + 1] if i + 1 < len(shares) else 0.0
        if share < BOTTLENECK_MIN_SHARE or share < BOTTLENECK_DOMINANCE * nxt:
            continue
        if r["cases"] < MIN_CASE_SHARE * cases:
            continue
        a, med = r["activity"], r["waiting_median_s"]
        cs = r["cases"] / cases
        found.append(
            Finding(
                "bottleneck",
                _clip(share),
                "waiting_time_share",
                share,
                cs,
                f"「{a}」是瓶颈:其前的等待占全部等待时间的 {percent(share)},"
                f"中位等待 {duration(med, 'zh')},涉及 {percent(cs)} 的案例",
                f"'{a}' is the bottleneck: waiting before it is {percent(share)} of all waiting "
                f"time, median wait {duration(med, 'en')}, in {percent(cs)} of cases",
                activity=a,
            )
        )
    return found


def rework(acts: pa.Table, cases: int) -> list[Finding]:
    found = []
    for r in acts.to_pylist():
        share = r["rework_cases"] / cases if cases else 0.0
        if share < REWORK_MIN_CASE_SHARE or r["rework_cases"] < 3:
            continue
        a = r["activity"]
        found.append(
            Finding(
                "rework",
                _clip(share * 1.5),
                "rework_case_share",
                share,
                share,
                f"「{a}」在 {percent(share)} 的案例中重复执行(共多做 {r['rework_events']} 次)",
                f"'{a}' is repeated within {percent(share)} of cases "
                f"({r['rework_events']} extra executions)",
                activity=a,
            )
        )
    return found


def long_waits(edges: pa.Table, cases: int, median_throughput_s: float) -> list[Finding]:
    rows = [r for r in edges.to_pylist() if r["cases"] >= MIN_CASE_SHARE * cases]
    if not rows:
        return []
    medians = sorted(r["wait_median_s"] or 0.0 for r in rows)
    typical = medians[len(medians) // 2]
    weight = sum((r["wait_median_s"] or 0.0) * r["cases"] for r in rows) or 1.0
    found = []
    for r in rows:
        med = r["wait_median_s"] or 0.0
        if med < LONG_WAIT_FACTOR * max(typical, 1.0):
            continue
        if med < LONG_WAIT_MIN_SHARE_OF_THROUGHPUT * median_throughput_s:
            continue
        s, t = r["source"], r["target"]
        cs = r["cases"] / cases
        sev = _clip(med * r["cases"] / weight)
        found.append(
            Finding(
                "long_wait",
                sev,
                "median_wait_s",
                med,
                cs,
                f"从「{s}」到「{t}」中位等待 {duration(med, 'zh')},"
                f"是一般环节间隔的 {med / max(typical, 1.0):.0f} 倍,涉及 {percent(cs)} 的案例",
                f"from '{s}' to '{t}' waits a median {duration(med, 'en')}, "
                f"{med / max(typical, 1.0):.0f}x a typical "
                f"transition, in {percent(cs)} of cases",
                source=s,
                target=t,
            )
        )
    return found


def handover_findings(table: pa.Table, cases: int, by: str) -> list[Finding]:
    """Ping-pong between two parties, reported once per pair (the direction with more cases)."""
    best: dict[frozenset[str], dict[str, Any]] = {}
    for r in table.to_pylist():
        pair = frozenset((r["source"], r["target"]))
        if pair not in best or r["pingpong_cases"] > best[pair]["pingpong_cases"]:
            best[pair] = r
    found = []
    what_zh = "部门" if by == "department" else "处理人"
    for r in best.values():
        share = r["pingpong_cases"] / cases if cases else 0.0
        if share < PINGPONG_MIN_CASE_SHARE:
            continue
        s, t = r["source"], r["target"]
        found.append(
            Finding(
                "handover",
                _clip(share * 1.5),
                "pingpong_case_share",
                share,
                share,
                f"{what_zh}间来回推诿:{percent(share)} 的案例出现「{s}」→「{t}」→「{s}」的往返交接",
                f"ping-pong between {by}s: {percent(share)} of cases go '{s}' → '{t}' → '{s}'",
                source=s,
                target=t,
            )
        )
    return found


def variant_sprawl(var: pa.Table, cases: int) -> list[Finding]:
    shares = var.column("share").to_pylist()
    if not shares or cases < 20:
        return []
    top = shares[0]
    covered, n80 = 0.0, 0
    for s in shares:
        covered += s
        n80 += 1
        if covered >= 0.8:
            break
    if top >= SPRAWL_MAX_TOP_SHARE or n80 < SPRAWL_MIN_VARIANTS_80:
        return []
    total = var.num_rows
    return [
        Finding(
            "variant_sprawl",
            _clip((1 - top) * 0.8),
            "variants_covering_80pct_cases",
            float(n80),
            1 - top,
            f"执行方式不统一:共 {total} 种流程变体,覆盖 80% 案例需 {n80} 种,"
            f"最常见的一种仅占 {percent(top)}",
            f"inconsistent execution: {total} variants; {n80} are needed to cover 80% of cases, "
            f"the most common covers only {percent(top)}",
        )
    ]


GROUP_MIN_CASES = 30
"""Groups smaller than this are not compared."""


def group_divergence(
    attribute: str, tops: dict[str, tuple[tuple[str, ...], float, int]], cases: int
) -> list[Finding]:
    """Groups (values of a case attribute) whose most common variant differs.

    ``tops`` maps a group to (its most common variant, that variant's share, its cases).
    """
    groups = {g: t for g, t in tops.items() if t[2] >= GROUP_MIN_CASES}
    distinct = {t[0] for t in groups.values()}
    if len(groups) < 2 or len(distinct) < 2:
        return []
    names = "、".join(sorted(groups))
    covered = sum(t[2] for t in groups.values()) / max(cases, 1)
    severity = _clip(0.3 + 0.1 * (len(distinct) - 1))
    return [
        Finding(
            "variant_sprawl",
            severity,
            "groups_with_different_main_variant",
            float(len(distinct)),
            covered,
            f"执行方式因「{attribute}」而异:{names} 的主流程变体各不相同({len(distinct)} 种)",
            f"groups run the process differently: by '{attribute}', {', '.join(sorted(groups))} "
            f"have {len(distinct)} different main variants",
        )
    ]


def sla_breach(durations_s: list[float], sla_hours: float) -> list[Finding]:
    if not durations_s:
        return []
    limit = sla_hours * 3600
    over = sum(1 for d in durations_s if d > limit)
    share = over / len(durations_s)
    if over == 0:
        return []
    return [
        Finding(
            "sla_breach",
            _clip(share * 2),
            "sla_breach_share",
            share,
            share,
            f"{over} 个案例({percent(share)})超过 {sla_hours:g} 小时的时限",
            f"{over} cases ({percent(share)}) exceed the {sla_hours:g} h SLA",
        )
    ]


def data_quality(quality: dict[str, Any], events: int) -> list[Finding]:
    found = []
    for c in quality.get("checks", ()):
        n = c["count"]
        if n <= 0:
            continue
        share = n / max(events, 1)
        found.append(
            Finding(
                "data_quality",
                _clip(share * 2),
                c["check"],
                float(n),
                0.0,
                "数据质量:" + c["message_zh"],
                "data quality: " + c["message_en"],
            )
        )
    return found
