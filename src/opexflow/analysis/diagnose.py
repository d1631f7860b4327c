"""``diagnose``: all analyses of a log, ranked findings and Table 1 (现状调研表)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from opexflow.analysis import findings as fd
from opexflow.analysis.activities import activity_stats
from opexflow.analysis.dfg import Dfg, dfg
from opexflow.analysis.durations import Throughput, case_durations, throughput
from opexflow.analysis.filters import filter_attribute
from opexflow.analysis.handovers import handovers
from opexflow.analysis.humanize import duration
from opexflow.analysis.tables import LogTables, log_tables
from opexflow.analysis.variants import variants

if TYPE_CHECKING:
    from pathlib import Path

    from opexflow.analysis.engine import Engine
    from opexflow.conformance import ConformanceResult, RuleSet
    from opexflow.logs.schema import EventLog

TABLE1_MIN_CASE_SHARE = 0.1
"""Table 1 lists the activities seen in at least this share of cases (the main flow)."""

_TYPE_ZH = {
    "efficiency": "效率低",
    "quality": "质量差",
    "collaboration": "协同难",
    "risk": "风险高",
}


@dataclass(frozen=True, slots=True)
class Table1Row:
    """One step of the current-state survey (现状调研表)."""

    step: int
    activity: str
    department: str | None
    role: str | None
    minutes_per_step: float
    problem_types: tuple[str, ...]
    description_zh: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "activity": self.activity,
            "department": self.department,
            "role": self.role,
            "minutes_per_step": self.minutes_per_step,
            "problem_types": list(self.problem_types),
            "description_zh": self.description_zh,
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Everything :func:`diagnose` found, with the analyses behind it."""

    log: EventLog
    cases: int
    events: int
    activities: int
    start: datetime | None
    end: datetime | None
    findings: tuple[fd.Finding, ...]
    table1: tuple[Table1Row, ...]
    dfg: Dfg
    variants: pa.Table
    activity_stats: pa.Table
    throughput: Throughput
    conformance: ConformanceResult | None = None
    """The control points checked, when ``diagnose`` was given rules."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object printed by ``opexflow diagnose --json``."""
        out = {
            "log": {
                "cases": self.cases,
                "events": self.events,
                "activities": self.activities,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
            },
            "findings": [f.to_dict() for f in self.findings],
            "table1": [r.to_dict() for r in self.table1],
        }
        if self.conformance is not None:
            out["conformance"] = self.conformance.to_dict()
        return out

    def by_kind(self, kind: str) -> list[fd.Finding]:
        return [f for f in self.findings if f.kind == kind]


def diagnose(
    log: EventLog,
    *,
    sla: float | None = None,
    rules: str | Path | RuleSet | None = None,
    engine: Engine | None = None,
) -> Diagnosis:
    """Diagnose a log: ranked findings with evidence, and Table 1 filled from the data.

    Args:
        log: the event log.
        sla: a time limit per case in hours; cases over it become an ``sla_breach`` finding.
        rules: control points (a rules file, YAML text or a RuleSet, see
            ``docs/conformance.md``); each rule broken becomes a ``control_violation`` finding.
        engine: the engine to run on (default DuckDB).

    Example:
        >>> d = diagnose(log, sla=24)                 # doctest: +SKIP
        >>> d.findings[0].kind, d.findings[0].activity  # doctest: +SKIP
        ('bottleneck', '人工审核')
    """
    acts = activity_stats(log, engine=engine)
    graph = dfg(log, engine=engine)
    var = variants(log, engine=engine)
    thr = throughput(log, engine=engine)
    cases = thr.cases
    events = int(pa.compute.sum(acts.column("events")).as_py() or 0)
    found = [
        *fd.bottlenecks(acts, cases),
        *fd.rework(acts, cases),
        *fd.long_waits(graph.edges, cases, thr.median_s),
        *fd.variant_sprawl(var, cases),
        *fd.data_quality(log.meta.quality, events),
    ]
    for by in ("department", "resource"):
        if getattr(log.meta, f"has_{by}"):
            found += fd.handover_findings(handovers(log, by=by, engine=engine), cases, by)
    found += _group_divergence(log, cases, engine)
    if sla is not None:
        d = case_durations(log, engine=engine).column("duration_s").to_pylist()
        found += fd.sla_breach(d, sla)
    conformance = None
    if rules is not None:
        from opexflow.conformance import check_conformance
        from opexflow.conformance.findings import control_findings

        conformance = check_conformance(log, rules, engine=engine)
        found += control_findings(conformance)
    found.sort(key=lambda f: (-f.severity, fd.KINDS.index(f.kind)))
    return Diagnosis(
        log=log,
        cases=cases,
        events=events,
        activities=acts.num_rows,
        start=log.meta.start,
        end=log.meta.end,
        findings=tuple(found),
        table1=tuple(table1(acts, found, cases, roles=_roles(log, engine))),
        dfg=graph,
        variants=var,
        activity_stats=acts,
        throughput=thr,
        conformance=conformance,
    )


GROUP_MAX_VALUES = 8
"""Case attributes with 2 to this many values are compared as groups (teams, channels...)."""


def _group_divergence(log: EventLog, cases: int, engine: Engine | None) -> list[fd.Finding]:
    """Variant-sprawl findings for case attributes whose groups run different main variants."""
    t = log_tables(log, engine)
    candidates = [
        a.name for a in log.meta.case_attributes if a.type in ("text", "boolean", "integer")
    ]
    found: list[fd.Finding] = []
    for name in candidates[:5]:
        c = t.cases
        if t.clean:
            # One query: cases per (value, stored variant); the top variant of each
            # value is picked from that small table (same order as ``variants``).
            known = c.filter(c[name].notnull())
            per_variant = t.engine.to_arrow(
                known.group_by(value=known[name], variant_idx=known.variant_idx).aggregate(
                    n=known.count(), first_case=known.case_idx.min()
                )
            ).to_pylist()
            values = {r["value"] for r in per_variant}
            if not 2 <= len(values) <= GROUP_MAX_VALUES:
                continue
            found += fd.group_divergence(name, _tops(t, per_variant), cases)
            continue
        per = t.engine.to_arrow(
            c.group_by(value=c[name]).aggregate(n=c.count()).filter(lambda x: x.value.notnull())
        ).to_pylist()
        if not 2 <= len(per) <= GROUP_MAX_VALUES:
            continue
        tops = {}
        for row in per:
            v = filter_attribute(log, name, [row["value"]])
            top = variants(v, top=1, engine=engine).to_pylist()
            if top:
                tops[str(row["value"])] = (tuple(top[0]["activities"]), top[0]["share"], row["n"])
        found += fd.group_divergence(name, tops, cases)
    return found


def _tops(
    t: LogTables, per_variant: list[dict[str, Any]]
) -> dict[str, tuple[tuple[str, ...], float, int]]:
    """Group value -> (its most frequent variant, that variant's share, its cases)."""
    totals: dict[Any, int] = {}
    best: dict[Any, dict[str, Any]] = {}
    for r in per_variant:
        v = r["value"]
        totals[v] = totals.get(v, 0) + r["n"]
        b = best.get(v)
        if b is None or (r["n"], -r["first_case"]) > (b["n"], -b["first_case"]):
            best[v] = r
    stored = t.stored_variants()
    wanted = sorted({b["variant_idx"] for b in best.values()})
    rows = t.engine.to_arrow(
        stored.filter(stored.variant_idx.isin(wanted)).select("variant_idx", "activities")
    ).to_pylist()
    acts = {r["variant_idx"]: tuple(r["activities"]) for r in rows}
    return {
        str(v): (acts[b["variant_idx"]], b["n"] / totals[v], totals[v]) for v, b in best.items()
    }


ROLE_COLUMNS = ("org:role", "role", "岗位", "角色", "责任岗位", "职位")
"""Attribute names read as the role (责任岗位) that performs an activity."""


def _roles(log: EventLog, engine: Engine | None) -> dict[str, str]:
    """Activity -> its most frequent role, when the log has a role attribute."""
    name = next((a.name for a in log.meta.attributes if a.name.lower() in ROLE_COLUMNS), None)
    if name is None:
        return {}
    t = log_tables(log, engine)
    ev = t.events
    modes = ev.group_by("activity").aggregate(role=ev[name].mode())
    return {r["activity"]: r["role"] for r in t.engine.to_arrow(modes).to_pylist()}


def table1(
    acts: pa.Table, found: list[fd.Finding], cases: int, *, roles: dict[str, str] | None = None
) -> list[Table1Row]:
    """Table 1 rows: the main-flow activities in their usual order."""
    rows = [r for r in acts.to_pylist() if r["cases"] >= TABLE1_MIN_CASE_SHARE * cases]
    rows.sort(key=lambda r: (r["median_position"], -r["events"]))
    out = []
    for step, r in enumerate(rows, start=1):
        a = r["activity"]
        mine = [f for f in found if a in (f.activity, f.target)]
        types = tuple(dict.fromkeys(fd.PROBLEM_TYPE[f.kind] for f in mine))
        minutes = (
            r["service_median_s"] if r["service_median_s"] is not None else r["waiting_median_s"]
        )
        desc = ";".join(f.message_zh for f in mine) or (
            f"中位耗时 {duration(minutes, 'zh')},未发现明显问题"
            if minutes is not None
            else "首个环节"
        )
        out.append(
            Table1Row(
                step=step,
                activity=a,
                department=r["department"],
                role=(roles or {}).get(a),
                minutes_per_step=round((minutes or 0.0) / 60, 2),
                problem_types=types,
                description_zh=desc,
            )
        )
    return out


def report_data(d: Diagnosis, *, title: str | None = None) -> dict[str, Any]:
    """The mapping rendered by :func:`opexflow.report.render_report`."""
    meta = d.log.meta
    acts = d.activity_stats.to_pylist()
    data = {
        "title": title or meta.name,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "log": {
            "name": meta.name,
            "source": meta.source,
            "cases": d.cases,
            "events": d.events,
            "activities": d.activities,
            "variants": d.variants.num_rows,
            "start": d.start.isoformat() if d.start else None,
            "end": d.end.isoformat() if d.end else None,
            "tz": meta.tz,
        },
        "throughput": {
            "mean_s": d.throughput.mean_s,
            "median_s": d.throughput.median_s,
            "p90_s": d.throughput.p90_s,
            "min_s": d.throughput.min_s,
            "max_s": d.throughput.max_s,
            "histogram": [
                {"lo_s": b.lo_s, "hi_s": b.hi_s, "cases": b.cases} for b in d.throughput.histogram
            ],
        },
        "process_map": {
            "nodes": [
                {
                    "activity": r["activity"],
                    "events": r["events"],
                    "cases": r["cases"],
                    "service_median_s": r["service_median_s"],
                    "waiting_median_s": r["waiting_median_s"],
                    "rework_cases": r["rework_cases"],
                }
                for r in acts
            ],
            "edges": [
                {
                    ("from" if k == "source" else "to" if k == "target" else k): v
                    for k, v in e.items()
                }
                for e in d.dfg.edges.to_pylist()
            ],
            "start": d.dfg.start.to_pylist(),
            "end": d.dfg.end.to_pylist(),
        },
        "variants": [
            {
                "rank": v["rank"],
                "activities": v["activities"],
                "cases": v["cases"],
                "share": v["share"],
                "mean_s": v["mean_s"],
                "median_s": v["median_s"],
            }
            for v in d.variants.slice(0, 20).to_pylist()
        ],
        "findings": [f.to_dict() for f in d.findings],
        "table1": [r.to_dict() for r in d.table1],
        "quality": {"checks": [c for c in meta.quality.get("checks", []) if c["count"] > 0]},
    }
    if d.conformance is not None:
        from opexflow.conformance.findings import report_section

        data["conformance"] = report_section(d.conformance)
    return data
