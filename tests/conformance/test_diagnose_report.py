"""Rules in the diagnosis: control_violation findings, JSON, and the report section."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from opexflow.analysis.diagnose import diagnose, report_data
from opexflow.cli import app
from opexflow.demo import fulfilment_rules, planted_violations, write_fulfilment_rules
from opexflow.logs import EventLog
from opexflow.report import render_report
from tests.fixtures.demo_logs import CASES

EXTRA = fulfilment_rules() + "  - {id: no-manager, absent: 经理审批}\n"


def test_each_broken_rule_is_a_control_violation_finding(
    demo_log: Callable[[str], EventLog],
) -> None:
    d = diagnose(demo_log("fulfilment"), rules=fulfilment_rules())
    found = d.by_kind("control_violation")
    assert len(found) == 2
    truth = planted_violations(cases=CASES).num_rows
    assert round(sum(f.share_of_cases for f in found) * CASES) == truth
    finance = next(f for f in found if "finance-approval" in f.message_en)
    assert finance.activity == "财务审批" and finance.metric == "violation_rate"
    assert "违反控制点「finance-approval」" in finance.message_zh
    assert d.to_dict()["conformance"]["cases"] == CASES


def test_without_rules_the_diagnosis_is_unchanged(demo_log: Callable[[str], EventLog]) -> None:
    d = diagnose(demo_log("fulfilment_clean"))
    assert d.conformance is None and "conformance" not in d.to_dict()
    assert "conformance" not in report_data(d)
    assert 'id="conformance"' not in render_report(report_data(d), lang="zh")


def test_report_section_in_both_languages(demo_log: Callable[[str], EventLog]) -> None:
    data = report_data(diagnose(demo_log("fulfilment"), rules=EXTRA))
    zh = render_report(data, lang="zh")
    assert 'id="conformance"' in zh and 'href="#conformance"' in zh
    assert "控制点检查" in zh and "当 金额 ≥ 10,000 时，「发货」之前必须先完成「财务审批」。" in zh
    assert "紧急通道使用" in zh and "日志中没有活动「经理审批」" in zh
    assert zh.count('class="chip status-violated"') == 2
    assert zh.count('class="chip status-unchecked"') == 1
    en = render_report(data, lang="en")
    assert "Control points" in en
    assert "When 金额 ≥ 10,000, &#39;财务审批&#39; must be done before &#39;发货&#39;." in en
    assert "The log has no activity &#39;经理审批&#39;" in en
    rows = data["conformance"]["rules"]
    assert [r["status"] for r in rows] == ["checked", "checked", "missing_activity"]


def test_diagnose_cli_with_rules(demo_log: Callable[[str], EventLog], tmp_path: Path) -> None:
    rules = write_fulfilment_rules(tmp_path / "rules.yaml")
    log = str(demo_log("fulfilment").path)
    html = tmp_path / "report.html"
    args = ["diagnose", log, "--rules", str(rules), "--json", "--html", str(html)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    kinds = [f["kind"] for f in data["findings"]]
    assert kinds.count("control_violation") == 2
    assert [r["id"] for r in data["conformance"]["rules"]] == ["finance-approval", "urgent-bypass"]
    assert 'id="conformance"' in html.read_text(encoding="utf-8")


def test_diagnose_reads_the_rules_before_the_log(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text("- id: x\n  absent: A\n  when: amount >= \n", encoding="utf-8")
    never = tmp_path / "not-read.csv"
    result = CliRunner().invoke(app, ["diagnose", str(never), "--rules", str(rules), "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["location"] == {"file": str(rules), "line": 3} and "rule 'x'" in body["error"]
