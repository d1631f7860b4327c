"""``opexflow check``: the JSON contract, the table, exit codes and column mapping."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from opexflow.cli import app
from opexflow.demo import planted_violations, write_fulfilment_rules
from opexflow.logs import EventLog
from tests.fixtures.demo_logs import CASES

runner = CliRunner()
CONTRACT = {"id", "kind", "cases_checked", "violations", "violation_rate", "violating_cases"}
DOCUMENTED = {
    "status",
    "missing_activities",
    "missing_attributes",
    "excused_cases",
    "bypass_cases",
    "bypass_rate",
    "eligible_cases",
    "outside_condition",
    "late_backfill",
}


def test_json_contract_on_the_demo_log(demo_log: Callable[[str], EventLog], tmp_path: Path) -> None:
    rules = write_fulfilment_rules(tmp_path / "rules.yaml")
    log = demo_log("fulfilment")
    result = runner.invoke(app, ["check", str(log.path), "--rules", str(rules), "--json"])
    assert result.exit_code == 0, result.output  # violations do not change the exit code
    data = json.loads(result.stdout)
    assert set(data) == {"rules", "cases"} and data["cases"] == CASES
    for rule in data["rules"]:
        assert CONTRACT <= set(rule) <= CONTRACT | DOCUMENTED
        assert rule["violations"] == len(rule["violating_cases"])
        assert rule["violation_rate"] == rule["violations"] / rule["cases_checked"]
    found = {c for rule in data["rules"] for c in rule["violating_cases"]}
    assert found == set(planted_violations(cases=CASES)["订单号"].to_pylist())


def test_strict_exit_code_when_rules_are_violated(
    demo_log: Callable[[str], EventLog], tmp_path: Path
) -> None:
    rules = write_fulfilment_rules(tmp_path / "rules.yaml")
    args = ["check", str(demo_log("fulfilment").path), "--rules", str(rules), "--json"]
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 2
    clean = ["check", str(demo_log("fulfilment_clean").path), "--rules", str(rules)]
    # the clean log breaks nothing, but its bypass rule cannot be checked (never used)
    assert runner.invoke(app, [*clean, "--strict"]).exit_code == 2
    only_finance = tmp_path / "finance.yaml"
    only_finance.write_text(
        "- {id: fa, when: 金额 >= 10000, require: 财务审批, before: 发货}\n", encoding="utf-8"
    )
    clean[-1] = str(only_finance)
    assert runner.invoke(app, [*clean, "--strict"]).exit_code == 0


def test_table_shows_rules_as_sentences(
    demo_log: Callable[[str], EventLog], tmp_path: Path
) -> None:
    rules = write_fulfilment_rules(tmp_path / "rules.yaml")
    log = str(demo_log("fulfilment").path)
    zh = runner.invoke(app, ["check", log, "--rules", str(rules)], env={"COLUMNS": "200"})
    assert zh.exit_code == 0, zh.output
    assert "当 金额 ≥ 10,000 时，「发货」之前必须先完成「财务审批」。" in zh.stdout
    assert "紧急通道使用" in zh.stdout and "urgent-bypass" in zh.stdout
    en = runner.invoke(
        app, ["check", log, "--rules", str(rules), "--lang", "en"], env={"COLUMNS": "200"}
    )
    assert "When 金额 ≥ 10,000, '财务审批' must be done before '发货'." in en.stdout
    assert "outside its condition" in en.stdout


def test_column_mapping_options(tmp_path: Path) -> None:
    csv = tmp_path / "odd.csv"
    csv.write_text(
        "单号;步骤;完成;人;额\n"
        "k1;审批;2024-03-01 09:00;甲;500\nk1;付款;2024-03-01 10:00;甲;500\n"
        "k2;审批;2024-03-01 09:00;甲;50\nk2;付款;2024-03-01 10:00;乙;50\n",
        encoding="utf-8",
    )
    rules = tmp_path / "r.yaml"
    rules.write_text("- {id: 4e, when: 额 >= 100, four_eyes: [审批, 付款]}\n", encoding="utf-8")
    args = ["check", str(csv), "--rules", str(rules), "--json"]
    mapping = ["--case", "单号", "--activity", "步骤", "--timestamp", "完成", "--resource", "人"]
    result = runner.invoke(app, [*args, *mapping, "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    rule = json.loads(result.stdout)["rules"][0]
    assert (rule["cases_checked"], rule["violating_cases"]) == (1, ["k1"])


def test_bad_rules_exit_1_with_file_and_line(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text("- id: fa\n  require: A\n  befor: B\n", encoding="utf-8")
    missing_log = tmp_path / "never-read.csv"  # rules are read first
    result = runner.invoke(app, ["check", str(missing_log), "--rules", str(rules), "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["ok"] is False and body["location"] == {"file": str(rules), "line": 3}
    assert "'befor'" in body["error"]
    plain = runner.invoke(
        app, ["check", str(missing_log), "--rules", str(rules)], env={"COLUMNS": "300"}
    )
    assert plain.exit_code == 1 and "bad.yaml, line 3: rule 'fa'" in plain.stderr
