"""The workspace commands, on SQLite and PostgreSQL (OPEXFLOW_DATABASE_URL)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from opexflow.cli import app
from opexflow.settings import get_settings
from opexflow.workspace import items
from opexflow.workspace.db import Database
from opexflow.workspace.forms import CurrentStateRow
from opexflow.workspace.processes import create_process
from opexflow.workspace.projects import create_project
from opexflow.workspace.users import User, authenticate
from tests.workspace.test_db import HEAD

runner = CliRunner()


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The commands use this test's database."""
    monkeypatch.setenv("OPEXFLOW_DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def _run(*args: str, input: str | None = None) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"], input=input)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_help_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys, opexflow.cli\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(opexflow.cli.app, ['--help'])\n"
        "CliRunner().invoke(opexflow.cli.app, ['table1', '--help'])\n"
        "print(sorted(m for m in ('sqlalchemy', 'openpyxl', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_init_creates_an_admin_once_and_prints_its_password(
    cli_db: Database, tmp_path: Path
) -> None:
    first = runner.invoke(app, ["init", "--data-dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    password = first.stdout.split("password: ")[1].strip()
    with cli_db.session() as s:
        assert authenticate(s, username="admin", password=password).is_admin
    again = _run("init", "--data-dir", str(tmp_path))
    assert again["admin"] is None and "password" not in again
    upgraded = _run("db", "upgrade", "--data-dir", str(tmp_path))
    assert upgraded["revision"] == upgraded["from"] == HEAD


def test_user_add_with_a_prompted_password(cli_db: Database, tmp_path: Path) -> None:
    _run("init", "--data-dir", str(tmp_path), "--password", "admin-pass-1")
    added = _run(
        "user",
        "add",
        "zhang",
        "--role",
        "leader",
        "--display-name",
        "张经理",
        "--department",
        "运营部",
        "--data-dir",
        str(tmp_path),
        input="leader-pass-1\nleader-pass-1\n",
    )
    assert (added["username"], added["role"]) == ("zhang", "leader")
    with cli_db.session() as s:
        user = authenticate(s, username="zhang", password="leader-pass-1")
        assert user.display_name == "张经理" and user.department_id is not None
    bad = runner.invoke(
        app, ["user", "add", "x", "--role", "boss", "--password", "long-enough", "--json"]
    )
    assert bad.exit_code == 1 and json.loads(bad.stdout)["code"] == "invalid_input"
    taken = runner.invoke(app, ["user", "add", "zhang", "--password", "long-enough"])
    assert taken.exit_code == 1 and "is taken" in taken.output and "Traceback" not in taken.output


def test_backup_and_restore(cli_db: Database, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run("init", "--data-dir", str(data), "--password", "admin-pass-1")
    archive = tmp_path / "b.tar.gz"
    made = _run("backup", str(archive), "--data-dir", str(data))
    tables = made["tables"]
    assert isinstance(tables, dict) and tables["users"] == 1
    refused = runner.invoke(app, ["restore", str(archive), "--data-dir", str(data), "--json"])
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["code"] == "conflict"
    restored = _run("restore", str(archive), "--data-dir", str(data), "--force")
    assert restored["tables"] == tables
    with cli_db.session() as s:
        assert authenticate(s, username="admin", password="admin-pass-1").is_admin
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:100])
    failed = runner.invoke(app, ["restore", str(broken), "--force"])
    assert failed.exit_code == 1 and "damaged" in failed.output


def _project(db: Database) -> int:
    with db.session() as s:
        admin = s.query(User).filter_by(username="admin").one()
        process = create_process(s, actor=admin, code="YH-LC01", name="用户注册激活流程")
        project = create_project(
            s,
            actor=admin,
            name="激活提效",
            process_id=process.id,
            trigger="low_efficiency",
            started_on=date(2024, 3, 1),
        )
        return project.id


def test_table1_import_and_export(cli_db: Database, tmp_path: Path) -> None:
    _run("init", "--password", "admin-pass-1")
    pid = str(_project(cli_db))
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["环节", "单步耗时(分钟)", "问题类型"])
    ws.append(["填写信息", 5, ""])
    ws.append(["人工审核", 30, "效率"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    result = _run("table1", "import", pid, str(source))
    assert (result["rows"], result["lang"]) == (2, "zh")
    out = tmp_path / "out.xlsx"
    _run("table1", "export", pid, str(out), "--lang", "en")
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.cell(3, 4).value == "人工审核"
    assert sheet.cell(1, 4).value == "Activity"
    ws.append(["", "thirty", "slow"])
    book.save(source)
    bad = runner.invoke(app, ["table1", "import", pid, str(source), "--json"])
    assert bad.exit_code == 1
    body = json.loads(bad.stdout)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (4, "activity"),
        (4, "minutes_per_step"),
        (4, "problem_types"),
    ]
    with cli_db.session() as s:
        admin = s.query(User).filter_by(username="admin").one()
        assert len(items.list_(s, CurrentStateRow, actor=admin, project_id=int(pid))) == 2


def test_table2_as_a_user_without_access(cli_db: Database, tmp_path: Path) -> None:
    _run("init", "--password", "admin-pass-1")
    pid = str(_project(cli_db))
    _run("user", "add", "li", "--password", "member-pass-1")
    out = tmp_path / "t2.xlsx"
    denied = runner.invoke(app, ["table2", "export", pid, str(out), "--user", "li", "--json"])
    assert denied.exit_code == 1 and json.loads(denied.stdout)["code"] == "not_found"
    _run("table2", "export", pid, str(out))
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.cell(1, 1).value == "优化目标" and sheet.max_row == 1


def test_commands_need_an_initialized_workspace(tmp_path: Path) -> None:
    get_settings.cache_clear()
    result = runner.invoke(app, ["backup", str(tmp_path / "b.zip"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "opexflow init" in result.output
