from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from opexflow.cli import app

runner = CliRunner()

CSV = (
    "工单号,环节,完成时间,部门\n"
    "1,A,2024-03-01 09:00,运营部\n1,B,2024-03-01 09:30,技术部\n1,B,2024-03-01 10:00,技术部\n"
    "2,A,2024-03-01 10:00,运营部\n2,B,2024-03-01 10:20,技术部\n"
)


def test_diagnose_json_is_one_object(write_csv: Callable[..., Path]) -> None:
    result = runner.invoke(app, ["diagnose", str(write_csv(CSV)), "--json", "--sla", "0.5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"log", "findings", "table1"}
    assert data["log"]["cases"] == 2 and data["log"]["events"] == 5
    kinds = {f["kind"] for f in data["findings"]}
    assert "sla_breach" in kinds
    f = data["findings"][0]
    assert set(f) == {
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
    }
    assert [r["activity"] for r in data["table1"]] == ["A", "B"]
    assert data["table1"][1]["department"] == "技术部"


def test_errors_are_messages_not_tracebacks(write_csv: Callable[..., Path]) -> None:
    bad = write_csv("case,activity\n1,A\n")
    result = runner.invoke(app, ["diagnose", str(bad)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "--timestamp COLUMN" in result.output
    as_json = runner.invoke(app, ["diagnose", str(bad), "--json"])
    body = json.loads(as_json.stdout)
    assert body["ok"] is False and body["code"] == "column_mapping"


def test_column_options(write_csv: Callable[..., Path]) -> None:
    path = write_csv("id,step,when\n1,A,2024-03-01 09:00\n1,B,2024-03-01 09:30\n")
    result = runner.invoke(
        app,
        [
            "import",
            str(path),
            "--case",
            "id",
            "--activity",
            "step",
            "--timestamp",
            "when",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mapping"] == {
        "case_id": "id",
        "activity": "step",
        "timestamp": "when",
    }


def test_help_does_not_import_engines() -> None:
    code = (
        "import sys, opexflow.cli\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(opexflow.cli.app, ['--help'])\n"
        "print(sorted(m for m in ('duckdb', 'ibis', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_type_option_and_bad_type(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "case,activity,timestamp,code\n1,A,2024-03-01 09:00,12\n1,B,2024-03-01 09:30,12\n"
    )
    ok = runner.invoke(app, ["import", str(path), "--type", "code=text", "--json"])
    assert ok.exit_code == 0, ok.output
    attrs = json.loads(ok.stdout)
    assert attrs["cases"] == 1
    bad = runner.invoke(app, ["import", str(path), "--type", "code=float"])
    assert bad.exit_code == 1 and "COLUMN=TYPE" in bad.output


def test_html_report_in_a_new_folder(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "reports" / "r.html"
    result = runner.invoke(
        app, ["diagnose", str(write_csv(CSV)), "--html", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<html" in html and "Process map" in html
