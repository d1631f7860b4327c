"""`opexflow sop new|show|submit|approve|sign|publish` on the workspace (both databases)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from opexflow.cli import app
from opexflow.demo.sops import activation_sop
from opexflow.workspace import changes
from opexflow.workspace.access import ProjectRole
from opexflow.workspace.db import Database
from opexflow.workspace.metrics import Metric
from opexflow.workspace.processes import create_process
from opexflow.workspace.projects import create_project, set_member
from opexflow.workspace.users import Role, create_user
from tests.workspace.test_workspace_cli import _run, cli_db, runner  # noqa: F401 - fixture


def _project(db: Database) -> int:
    with db.session() as s:
        admin = create_user(s, username="admin", password="admin-pass-1", role=Role.admin)
        leader = create_user(s, username="zhang", password="leader-pass-1", role=Role.leader)
        chen = create_user(s, username="chen", password="review-pass-1", display_name="陈总监")
        process = create_process(s, actor=admin, code="YH-LC01", name="用户注册激活流程")
        project = create_project(
            s,
            actor=leader,
            name="激活提效",
            process_id=process.id,
            trigger="low_efficiency",
            started_on=date(2024, 3, 1),
        )
        set_member(
            s, actor=leader, project_id=project.id, user_id=chen.id, role=ProjectRole.reviewer
        )
        _kpi(s)
        return project.id


def _kpi(s: Session) -> None:
    target = activation_sop().target
    assert target is not None
    changes.add(s, Metric(name=target.kpi, definition="提交到激活完成"), actor=None)


def test_an_sop_from_file_to_table_4(cli_db: Database, tmp_path: Path) -> None:  # noqa: F811
    project = _project(cli_db)
    file = tmp_path / "sop.json"
    file.write_text(activation_sop().model_dump_json(), encoding="utf-8")
    created = _run(
        "sop", "new", str(project), "--title", "激活SOP", "--file", str(file), "--user", "zhang"
    )
    assert created["number"] == "V1.0" and created["checks"] == []
    vid = str(created["id"])
    assert (
        _run("sop", "submit", vid, "--reviewer", "chen", "--user", "zhang")["status"] == "in_review"
    )
    refused = runner.invoke(app, ["sop", "sign", vid, "--user", "zhang"])
    assert refused.exit_code == 1 and "陈总监" in refused.output
    assert _run("sop", "approve", vid, "--user", "chen")["reviews"][0]["decision"] == "approved"  # type: ignore[index]
    signed = _run("sop", "sign", vid, "--user", "zhang")
    assert signed["status"] == "approved" and len(str(signed["signed_sha256"])) == 64
    row = _run(
        "sop",
        "publish",
        vid,
        "--effective",
        "2024-04-08",
        "--summary",
        "首次发布",
        "--user",
        "zhang",
    )
    assert (row["process_id"], row["version"], row["reviewer"]) == ("YH-LC01", "V1.0", "陈总监")
    shown = _run("sop", "show", str(project), "--user", "chen")
    assert json.dumps(shown, ensure_ascii=False).count('"effective"') == 1
    markdown = runner.invoke(app, ["sop", "export", "YH-LC01", "--format", "md"])
    assert markdown.exit_code == 0, markdown.output
    assert activation_sop().name in markdown.stdout and "V1.0" in markdown.stdout
    # the cover shows the workflow's people and date, not the file's placeholders
    assert "2024-04-08" in markdown.stdout and "陈总监" in markdown.stdout
    word = tmp_path / "sop.docx"
    assert (
        runner.invoke(app, ["sop", "export", "YH-LC01", "-f", "docx", "-o", str(word)]).exit_code
        == 0
    )
    assert word.read_bytes()[:2] == b"PK"
    missing = runner.invoke(app, ["sop", "export", "YH-LC01", "--version", "V9.0", "-f", "md"])
    assert missing.exit_code == 1 and "has no SOP version V9.0; it has V1.0" in missing.output
