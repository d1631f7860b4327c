"""The demo fulfilment rules find exactly the orders planted as violations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opexflow.conformance import check_conformance
from opexflow.demo import fulfilment_rules, planted_violations, write_fulfilment_rules
from opexflow.logs import EventLog
from tests.fixtures.demo_logs import CASES


def test_check_finds_exactly_the_planted_violations(demo_log: Callable[[str], EventLog]) -> None:
    result = check_conformance(demo_log("fulfilment"), fulfilment_rules())
    truth = planted_violations(cases=CASES)
    planted: dict[str, set[str]] = {}
    for case, kind in zip(truth["订单号"].to_pylist(), truth["kind"].to_pylist(), strict=True):
        planted.setdefault(kind, set()).add(case)
    finance, bypass = result["finance-approval"], result["urgent-bypass"]
    assert (
        set(finance.violating_cases)
        == planted["missing_approval"] | planted["shipped_before_approval"]
    )
    assert bypass.bypass is not None
    assert set(bypass.bypass.outside_condition) == planted["bypass_outside_rule"]
    assert set(bypass.bypass.late_backfill) == planted["late_backfill"]
    assert set(bypass.violating_cases) == planted["bypass_outside_rule"] | planted["late_backfill"]
    assert finance.violations + bypass.violations == truth.num_rows
    assert result.cases == CASES
    assert finance.excused_cases == bypass.cases_checked > 0


def test_a_clean_log_breaks_no_rule_and_never_uses_the_bypass(
    demo_log: Callable[[str], EventLog],
) -> None:
    result = check_conformance(demo_log("fulfilment_clean"), fulfilment_rules())
    assert result["finance-approval"].violations == 0
    assert result["finance-approval"].cases_checked > 100
    # nobody used the bypass: its approval is not in the log, which is said, not passed
    assert result["urgent-bypass"].status == "missing_activity"
    assert result["urgent-bypass"].missing_activities == ("运营负责人审批",)


def test_the_rules_file_is_written_for_the_demo(tmp_path: Path) -> None:
    path = write_fulfilment_rules(tmp_path / "rules.yaml")
    text = path.read_text(encoding="utf-8")
    assert "when: 金额 >= 10000" in text and "within: 24h" in text
