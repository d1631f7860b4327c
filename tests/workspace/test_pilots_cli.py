"""``opexflow pilot evaluate`` on SQLite and PostgreSQL (OPEXFLOW_DATABASE_URL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from opexflow.cli import app
from opexflow.logs import EventLog
from opexflow.workspace import items
from opexflow.workspace.db import Database
from opexflow.workspace.pilots import PilotKpi, SatisfactionAnswer, UnmetIssue
from opexflow.workspace.processes import create_process
from opexflow.workspace.projects import create_project
from opexflow.workspace.users import Role, create_user
from tests.fixtures.demo_logs import demo_log  # noqa: F401
from tests.workspace.test_pilots import _metrics, _pilot
from tests.workspace.test_workspace_cli import cli_db  # noqa: F401

runner = CliRunner()
#: The keys of one element of ``opexflow compare --json``'s ``kpis``.
COMPARE_KEYS = {
    "kpi",
    "statistic",
    "before",
    "after",
    "difference_pct",
    "ci95",
    "test",
    "p_value",
    "significant",
    "n_before",
    "n_after",
    "verdict_zh",
    "verdict_en",
}


def _workspace(db: Database, logs: Callable[[str], EventLog], *, with_pilot: bool) -> int:
    with db.session() as s:
        admin = create_user(s, username="admin", password="admin-pass-1", role=Role.admin)
        process = create_process(s, actor=admin, code="YH-LC01", name="用户注册激活流程")
        project = create_project(
            s,
            actor=admin,
            name="激活提效",
            process_id=process.id,
            trigger="low_efficiency",
            started_on=date(2024, 3, 1),
        )
        if with_pilot:
            _metrics(s, admin)
            _pilot(s, admin, project, process, logs)
            for kpi in ("激活时长", "错误率"):
                items.create(s, PilotKpi, actor=admin, project_id=project.id, kpi=kpi)
            items.create(s, SatisfactionAnswer, actor=admin, project_id=project.id, score=4)
            items.create(
                s,
                UnmetIssue,
                actor=admin,
                project_id=project.id,
                issue="验证码收不到",
                cause="短信",
            )
        return project.id


def test_pilot_evaluate_prints_table3_and_json(
    cli_db: Database,  # noqa: F811
    demo_log: Callable[[str], EventLog],  # noqa: F811
    tmp_path: Path,
) -> None:
    project = _workspace(cli_db, demo_log, with_pilot=True)
    out = tmp_path / "表3.xlsx"
    result = runner.invoke(app, ["pilot", "evaluate", "YH-LC01", "--json", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["project_id"] == project and data["scope"] == "团队=A组"
    assert [set(k) for k in data["kpis"]] == [COMPARE_KEYS, COMPARE_KEYS]
    assert data["kpis"][0]["significant"] and data["kpis"][0]["difference_pct"] < -60
    assert data["table3"][1]["kpi"] == "错误率" and data["table3"][1]["satisfaction"] == 4
    assert data["evaluation"]["kpis"][0]["did"]["significant"]
    ws = load_workbook(out).active
    assert ws is not None and ws["A1"].value == "流程名称" and ws["A2"].value == "用户注册激活流程"
    text = runner.invoke(app, ["pilot", "evaluate", str(project)])
    assert text.exit_code == 0, text.output
    for words in (
        "表3 试点效果评估表",
        "激活时长中位数从",
        "Median activation time fell",
        "双重差分",
    ):
        assert words in text.stdout


def test_pilot_evaluate_names_what_is_missing(
    cli_db: Database,  # noqa: F811
    demo_log: Callable[[str], EventLog],  # noqa: F811
) -> None:
    project = _workspace(cli_db, demo_log, with_pilot=False)
    result = runner.invoke(app, ["pilot", "evaluate", str(project), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert error["ok"] is False and "no pilot yet" in error["error"]
    missing = runner.invoke(app, ["pilot", "evaluate", "DD-LC09"])
    assert missing.exit_code == 1 and "DD-LC09" in missing.output
