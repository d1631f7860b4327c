"""What :func:`~opexflow.conformance.check_conformance` returns.

``ConformanceResult.to_dict()`` is the JSON printed by ``opexflow check --json``::

    {"rules": [{"id", "kind", "cases_checked", "violations", "violation_rate",
                "violating_cases": [...], "status", ...}], "cases": int}

Keys beyond the six of the contract (``status``, ``missing_activities``,
``missing_attributes``, ``excused_cases``, the ``bypass_*`` figures) are
documented on :meth:`RuleResult.to_dict` and in ``docs/conformance.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from opexflow.conformance.rules import Rule
from opexflow.conformance.sentences import describe

RuleStatus = Literal["checked", "missing_activity", "missing_attribute"]
"""``checked``: evaluated. ``missing_activity`` / ``missing_attribute``: the rule names an
activity that does not occur in the log, or an attribute the log lacks; it was not evaluated."""


@dataclass(frozen=True, slots=True)
class BypassUse:
    """How an emergency bypass was used.

    Attributes:
        cases: cases that used it (its approval occurs).
        rate: ``cases`` / all cases of the log.
        eligible_cases: cases meeting its condition (whether they used it or not).
        outside_condition: ids of cases that used it without meeting the condition.
        late_backfill: ids of cases whose back-fill is missing or later than allowed.
    """

    cases: int
    rate: float
    eligible_cases: int
    outside_condition: tuple[str, ...]
    late_backfill: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule checked on one log."""

    rule: Rule
    status: RuleStatus
    cases_checked: int
    violations: int
    violating_cases: tuple[str, ...]
    missing_activities: tuple[str, ...] = ()
    missing_attributes: tuple[str, ...] = ()
    excused_cases: int = 0
    """``require`` rules: cases left to a bypass rule that replaces the required activity."""
    bypass: BypassUse | None = None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def checked(self) -> bool:
        return self.status == "checked"

    @property
    def violation_rate(self) -> float | None:
        """violations / cases checked; 0 when no case was checked, None when not evaluated."""
        if not self.checked:
            return None
        return self.violations / self.cases_checked if self.cases_checked else 0.0

    def sentence(self, lang: Literal["zh", "en"] = "zh") -> str:
        """The rule as a sentence, e.g. ``当 金额 ≥ 10,000 时，「发货」之前必须先完成「财务审批」。``."""
        return describe(self.rule, lang)

    def to_dict(self) -> dict[str, Any]:
        """The rule's JSON object.

        Always: ``id``, ``kind``, ``cases_checked``, ``violations``,
        ``violation_rate`` (null when not evaluated), ``violating_cases`` (every
        id, in log order), ``status``. When not empty: ``missing_activities``,
        ``missing_attributes``. ``require`` rules: ``excused_cases``. ``bypass``
        rules: ``bypass_cases``, ``bypass_rate``, ``eligible_cases``,
        ``outside_condition`` and ``late_backfill`` (case ids; a case can be in both).
        """
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "cases_checked": self.cases_checked,
            "violations": self.violations,
            "violation_rate": self.violation_rate,
            "violating_cases": list(self.violating_cases),
            "status": self.status,
        }
        if self.missing_activities:
            out["missing_activities"] = list(self.missing_activities)
        if self.missing_attributes:
            out["missing_attributes"] = list(self.missing_attributes)
        if self.kind == "require":
            out["excused_cases"] = self.excused_cases
        if self.bypass is not None:
            out |= {
                "bypass_cases": self.bypass.cases,
                "bypass_rate": self.bypass.rate,
                "eligible_cases": self.bypass.eligible_cases,
                "outside_condition": list(self.bypass.outside_condition),
                "late_backfill": list(self.bypass.late_backfill),
            }
        return out


@dataclass(frozen=True, slots=True)
class ConformanceResult:
    """Every rule of a rule set checked on a log."""

    rules: tuple[RuleResult, ...]
    cases: int
    source: str | None = None
    """The rules file, when the rules came from one."""

    def to_dict(self) -> dict[str, Any]:
        """``{"rules": [...], "cases": n}``, the JSON of ``opexflow check --json``."""
        return {"rules": [r.to_dict() for r in self.rules], "cases": self.cases}

    def __getitem__(self, rule_id: str) -> RuleResult:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def violations(self) -> int:
        """Violations over all rules (a case breaking two rules counts twice)."""
        return sum(r.violations for r in self.rules)

    @property
    def unchecked(self) -> tuple[RuleResult, ...]:
        """Rules that could not be evaluated (missing activity or attribute)."""
        return tuple(r for r in self.rules if not r.checked)
