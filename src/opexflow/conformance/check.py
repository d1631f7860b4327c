"""``check_conformance``: every rule over every case, as one engine query.

The query builds one row per case — the first position and completion time
of each activity the rules name, the attributes their conditions read, the
end of each ``within`` interval, the ``four_eyes`` clashes — then computes
each rule's flags as columns and aggregates them: counts and the ids of the
violating cases. Nothing loops over cases in Python.

Positions follow the log's event order (timestamp, then position in the
source file), so "A before B" holds for two events with the same timestamp
when A comes first in the file. Time limits compare completion times in
microseconds; a limit is met when the difference is at most the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis

from opexflow.analysis.tables import LogTables, log_tables
from opexflow.conformance.expressions import ConditionTypeError, compile_condition
from opexflow.conformance.loading import RuleSet, load_rules
from opexflow.conformance.result import BypassUse, ConformanceResult, RuleResult, RuleStatus
from opexflow.conformance.rules import (
    AbsentRule,
    BypassRule,
    FourEyesRule,
    OrderRule,
    RequireRule,
    Rule,
    WithinRule,
)
from opexflow.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    import ibis.expr.types as ir

    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

_US = 1_000_000


def check_conformance(
    log: EventLog,
    rules: str | Path | Sequence[Mapping[str, Any]] | RuleSet,
    *,
    engine: Engine | None = None,
) -> ConformanceResult:
    """Check every rule on every case of ``log``.

    Args:
        log: the event log.
        rules: a rules file (YAML or JSON), YAML text, a list of rule mappings,
            or a :class:`~opexflow.conformance.RuleSet` (see ``docs/conformance.md``).
        engine: the engine to run on (default DuckDB).

    Returns:
        Per rule: cases checked, violations, violation rate and every violating
        case id; for a bypass its use and the split of its violations. A rule
        naming an activity absent from the log, or an attribute the log lacks,
        has status ``missing_activity`` / ``missing_attribute`` and is not evaluated.

    Raises:
        InputError: a rule is malformed, or its condition compares an attribute
            with a value of another type (the message names file, line and rule).

    Example:
        >>> import opexflow as ox
        >>> result = ox.check_conformance(log, "rules.yaml")     # doctest: +SKIP
        >>> result["finance-approval"].violations                # doctest: +SKIP
        41
    """
    ruleset = load_rules(rules)
    t = log_tables(log, engine)
    names = {
        r["activity"]: r["activity_idx"] for r in t.engine.to_arrow(t.activity_names()).to_pylist()
    }
    available = _attributes(log, t)
    statuses = {r.id: _status(r, names, available) for r in ruleset}
    ready = [r for r in ruleset if statuses[r.id][0] == "checked"]
    row: dict[str, Any] = {}
    if ready:
        query = _Query(t, names, available, log.meta.tz, ready)
        row = t.engine.to_arrow(query.aggregate()).to_pylist()[0]
        cases = int(row["_cases"])
    else:
        cases = int(t.engine.scalar(t.cases.count()))
    keys = {r.id: f"_r{i}" for i, r in enumerate(ready)}
    results = tuple(_result(r, statuses[r.id], row, keys.get(r.id, ""), cases) for r in ruleset)
    return ConformanceResult(rules=results, cases=cases, source=ruleset.source)


def _attributes(log: EventLog, t: LogTables) -> dict[str, tuple[str, bool]]:
    """Name -> (column, True for a case attribute, False for one lifted from events).

    The canonical ``case_id``, ``resource`` and ``department`` are also known by
    the source column they were mapped from (``处理人``, ``部门``...).
    """
    found = {
        a.name: (a.name, a.case_level and a.name in t.cases.columns) for a in log.meta.attributes
    }
    roles = {"case_id": True, "resource": log.meta.has_resource}
    roles["department"] = log.meta.has_department
    for role, present in roles.items():
        if present:
            found.setdefault(role, (role, role == "case_id"))
            source = log.meta.mapping.get(role)
            if source:
                found.setdefault(source, found[role])
    return found


def _status(
    rule: Rule, names: Mapping[str, int], available: Mapping[str, tuple[str, bool]]
) -> tuple[RuleStatus, tuple[str, ...], tuple[str, ...]]:
    acts = tuple(dict.fromkeys(a for a in rule.activities if a not in names))
    attrs = tuple(sorted(a for a in rule.attributes if a not in available))
    status: RuleStatus = "missing_attribute" if attrs else "missing_activity" if acts else "checked"
    return status, acts, attrs


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def _result(
    rule: Rule,
    status: tuple[RuleStatus, tuple[str, ...], tuple[str, ...]],
    row: Mapping[str, Any],
    key: str,
    cases: int,
) -> RuleResult:
    state, acts, attrs = status
    if state != "checked":
        return RuleResult(rule, state, 0, 0, (), acts, attrs, bypass=_no_use(rule))
    bypass = None
    if isinstance(rule, BypassRule):
        used = int(row[f"{key}.checked"] or 0)
        bypass = BypassUse(
            cases=used,
            rate=used / cases if cases else 0.0,
            eligible_cases=int(row[f"{key}.eligible"] or 0),
            outside_condition=_ids(row[f"{key}.outside"]),
            late_backfill=_ids(row[f"{key}.late"]),
        )
    return RuleResult(
        rule,
        "checked",
        cases_checked=int(row[f"{key}.checked"] or 0),
        violations=int(row[f"{key}.violations"] or 0),
        violating_cases=_ids(row[f"{key}.ids"]),
        excused_cases=int(row.get(f"{key}.excused") or 0),
        bypass=bypass,
    )


def _no_use(rule: Rule) -> BypassUse | None:
    return BypassUse(0, 0.0, 0, (), ()) if isinstance(rule, BypassRule) else None


@dataclass
class _Flags:
    """A rule's per-case columns: which cases it checks and which violate it."""

    checked: ir.BooleanValue
    violated: ir.BooleanValue
    counts: dict[str, ir.BooleanValue] = field(default_factory=dict)
    lists: dict[str, ir.BooleanValue] = field(default_factory=dict)


class _Query:
    """The per-case profile of a log for a set of rules, and their aggregate."""

    def __init__(
        self,
        t: LogTables,
        names: Mapping[str, int],
        available: Mapping[str, tuple[str, bool]],
        tz: str,
        rules: list[Rule],
    ) -> None:
        self.t, self.names, self.tz, self.rules = t, names, tz, rules
        acts = {a for r in rules for a in r.activities}
        attrs = sorted({a for r in rules if r.when is not None for a in r.when.attributes})
        self.alias = {a: f"_a{i}" for i, a in enumerate(attrs)}
        self.within = {r.id: i for i, r in enumerate(rules) if isinstance(r, WithinRule)}
        self.eyes = {r.id: i for i, r in enumerate(rules) if isinstance(r, FourEyesRule)}
        self.prof = self._profile(acts, {a: available[a] for a in attrs})

    # -- the profile: one row per case ------------------------------------------------

    def _profile(self, acts: set[str], attrs: Mapping[str, tuple[str, bool]]) -> ir.Table:
        ev, cases = self.t.events, self.t.cases
        idx = sorted(self.names[a] for a in acts)
        firsts: dict[str, ir.Value] = {}
        for k in idx:
            hit = ev.activity_idx == k
            firsts[f"_p{k}"] = ev.event_idx.min(where=hit)
            firsts[f"_t{k}"] = ev.ts_us.min(where=hit)
        occ = ev.filter(ev.activity_idx.isin(idx)).group_by("case_idx").aggregate(**firsts)
        prof = cases.select(
            "case_idx",
            "case_id",
            **{self.alias[a]: cases[col] for a, (col, case_level) in attrs.items() if case_level},
        )
        prof = _attach(prof, occ)
        lifted = {
            self.alias[a]: ev[col].first(where=ev[col].notnull(), order_by=ev.event_idx)
            for a, (col, case_level) in attrs.items()
            if not case_level
        }
        if lifted:
            prof = _attach(prof, ev.group_by("case_idx").aggregate(**lifted))
        for rule in self.rules:
            if isinstance(rule, WithinRule):
                prof = _attach(prof, self._within_end(rule, occ))
            elif isinstance(rule, FourEyesRule):
                prof = _attach(prof, self._same_person(rule))
        return prof

    def _within_end(self, rule: WithinRule, occ: ir.Table) -> ir.Table:
        """Completion time of the first ``to`` after the first ``from``, per case."""
        ev = self.t.events
        a, b = self.names[rule.within.from_], self.names[rule.within.to]
        start = occ.select("case_idx", _start=occ[f"_p{a}"]).filter(lambda s: s._start.notnull())
        ends = ev.filter(ev.activity_idx == b).select("case_idx", "event_idx", "ts_us")
        j = ends.join(start, "case_idx")
        j = j.filter(j.event_idx > j._start)
        return j.group_by("case_idx").aggregate(**{f"_w{self.within[rule.id]}": j.ts_us.min()})

    def _same_person(self, rule: FourEyesRule) -> ir.Table:
        """Cases in which one resource did both activities."""
        ev = self.t.events

        def who(activity: str) -> ir.Table:
            keep = (ev.activity_idx == self.names[activity]) & ev.resource.notnull()
            return ev.filter(keep).select("case_idx", "resource").distinct()

        a, b = (who(x) for x in rule.four_eyes)
        same = a.join(b, ["case_idx", "resource"]).select("case_idx").distinct()
        return same.mutate(**{f"_e{self.eyes[rule.id]}": ibis.literal(True)})

    # -- per rule -----------------------------------------------------------------------

    def pos(self, activity: str) -> ir.IntegerValue:
        return self.prof[f"_p{self.names[activity]}"]

    def ts(self, activity: str) -> ir.IntegerValue:
        return self.prof[f"_t{self.names[activity]}"]

    def condition(self, rule: Rule) -> ir.BooleanValue:
        cols = {a: self.prof[alias] for a, alias in self.alias.items()}
        try:
            return compile_condition(rule.when, cols, tz=self.tz)
        except ConditionTypeError as exc:
            raise InputError(f"rule {rule.id!r}: when: {exc}", location=rule.location) from None

    def flags(self, rule: Rule) -> _Flags:
        cond = self.condition(rule)
        match rule:
            case RequireRule():
                return self._require(rule, cond)
            case OrderRule(order=[a, b]):
                checked = cond & self.pos(a).notnull() & self.pos(b).notnull()
                return _Flags(checked, checked & (self.pos(b) < self.pos(a)))
            case WithinRule(within=w):
                end = self.prof[f"_w{self.within[rule.id]}"]
                checked = cond & end.notnull()
                limit = int(w.max.total_seconds() * _US)
                return _Flags(checked, checked & (end - self.ts(w.from_) > limit))
            case FourEyesRule(four_eyes=[a, b]):
                checked = cond & self.pos(a).notnull() & self.pos(b).notnull()
                same = self.prof[f"_e{self.eyes[rule.id]}"].fill_null(False)
                return _Flags(checked, checked & same)
            case AbsentRule(absent=a):
                return _Flags(cond, cond & self.pos(a).notnull())
            case BypassRule():
                return self._bypass(rule, cond)
        raise AssertionError(rule.kind)

    def _require(self, rule: RequireRule, cond: ir.BooleanValue) -> _Flags:
        a, b = rule.require, rule.before
        applies = cond & self.pos(b).notnull() if b else cond
        excused: ir.BooleanValue = ibis.literal(False)
        for alt in self._alternatives(rule):
            used = self.pos(alt).notnull()
            excused = excused | (used & (self.pos(alt) < self.pos(b)) if b else used)
        excused = excused.fill_null(False)
        checked = applies & ~excused
        missing = self.pos(a).isnull()
        late = (self.pos(a) > self.pos(b)).fill_null(False) if b else ibis.literal(False)
        return _Flags(checked, checked & (missing | late), counts={"excused": applies & excused})

    def _alternatives(self, rule: RequireRule) -> list[str]:
        """Approvals of bypass rules that may replace the required activity."""
        return [
            r.require
            for r in self.rules
            if isinstance(r, BypassRule) and r.instead_of == rule.require
        ]

    def _bypass(self, rule: BypassRule, cond: ir.BooleanValue) -> _Flags:
        used = self.pos(rule.require).notnull()
        outside = used & ~cond
        late: ir.BooleanValue = ibis.literal(False)
        if rule.backfill is not None:
            limit = int(rule.backfill.within.total_seconds() * _US)
            done = self.ts(rule.backfill.activity) <= self.ts(rule.require) + limit
            late = used & ~done.fill_null(False)
        return _Flags(
            used,
            outside | late,
            counts={"eligible": cond},
            lists={"outside": outside, "late": late},
        )

    def aggregate(self) -> ir.Table:
        p = self.prof
        metrics: dict[str, ir.Value] = {"_cases": p.count()}
        for i, rule in enumerate(self.rules):
            f = self.flags(rule)
            key = f"_r{i}"
            metrics[f"{key}.checked"] = f.checked.fill_null(False).sum()
            violated = f.violated.fill_null(False)
            metrics[f"{key}.violations"] = violated.sum()
            metrics[f"{key}.ids"] = p.case_id.collect(where=violated, order_by=p.case_idx)
            for name, flag in f.counts.items():
                metrics[f"{key}.{name}"] = flag.fill_null(False).sum()
            for name, flag in f.lists.items():
                metrics[f"{key}.{name}"] = p.case_id.collect(
                    where=flag.fill_null(False), order_by=p.case_idx
                )
        return p.aggregate(**metrics)


def _attach(prof: ir.Table, other: ir.Table) -> ir.Table:
    joined = prof.left_join(other, "case_idx")
    return joined.drop(*(c for c in joined.columns if c == "case_idx_right"))
