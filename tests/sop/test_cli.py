from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from opexflow.cli import app
from opexflow.sop import content_hash, load_sop

runner = CliRunner()


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["sop", "demo", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["files"]) == 3
    return tmp_path


def test_check_json_ready_and_failing(demo: Path, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["sop", "check", str(demo / "YH-LC01-V1.1.json"), "--json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout) == {"ok": True, "sop": "YH-LC01", "version": "V1.1", "issues": []}
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps([{"name": "错误率"}]), encoding="utf-8")
    bad = runner.invoke(
        app,
        ["sop", "check", str(demo / "YH-LC01-V1.1.json"), "--dictionary", str(metrics), "--json"],
    )
    assert bad.exit_code == 2
    [issue] = json.loads(bad.stdout)["issues"]
    assert issue["code"] == "kpi_unknown" and issue["section"] == "target"
    text = runner.invoke(
        app,
        [
            "sop",
            "check",
            str(demo / "YH-LC01-V1.1.json"),
            "--dictionary",
            str(metrics),
            "--lang",
            "en",
        ],
    )
    assert "[target] the target KPI '激活时长' is not in the metric dictionary" in text.stdout


def test_diff_json_and_text(demo: Path) -> None:
    args = ["sop", "diff", str(demo / "YH-LC01-V1.0.json"), str(demo / "YH-LC01-V1.1.json")]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["steps_added"] == ["重发短信"] and data["empty"] is False
    assert [r["id"] for r in data["control_points"]] == ["sms-resend"]
    text = runner.invoke(app, args).stdout
    assert "+ 新增: 重发短信" in text and "~ 激活完成 · 序号: 7 → 8" in text


def test_verify_detects_a_change_after_signing(demo: Path) -> None:
    path = demo / "DD-LC01-V1.0.json"
    digest = runner.invoke(app, ["sop", "hash", str(path)]).stdout.strip()
    assert digest == content_hash(load_sop(path.read_text(encoding="utf-8")))
    signature = demo / "sig.json"
    signature.write_text(json.dumps({"sha256": digest, "signed_by": "赵总"}), encoding="utf-8")
    ok = runner.invoke(app, ["sop", "verify", str(path), "--signature", str(signature), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    path.write_text(path.read_text(encoding="utf-8").replace('"4h"', '"8h"'), encoding="utf-8")
    changed = runner.invoke(app, ["sop", "verify", str(path), "--sha256", digest])
    assert changed.exit_code == 2
    assert "签署后内容已被修改" in changed.output
    neither = runner.invoke(app, ["sop", "verify", str(path), "--json"])
    assert neither.exit_code == 1 and "exactly one" in json.loads(neither.stdout)["error"]


def test_export_md_to_stdout_and_docx_to_file(demo: Path, tmp_path: Path) -> None:
    md = runner.invoke(app, ["sop", "export", str(demo / "YH-LC01-V1.0.json"), "--format", "md"])
    assert md.exit_code == 0
    assert md.stdout.startswith("# 用户注册激活流程 标准作业程序\n")
    out = tmp_path / "sop.docx"
    result = runner.invoke(
        app, ["sop", "export", str(demo / "DD-LC01-V1.0.json"), "-f", "docx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert Document(str(out)).paragraphs[0].text == "订单履约流程 标准作业程序"
    refused = runner.invoke(app, ["sop", "export", str(demo / "DD-LC01-V1.0.json"), "-f", "docx"])
    assert refused.exit_code == 1 and "-o FILE" in refused.output


def test_errors_name_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"process_id": "X", "name": "x", "steps": [{"number": 1}]}', encoding="utf-8")
    result = runner.invoke(app, ["sop", "check", str(bad), "--json"])
    body = json.loads(result.stdout)
    assert result.exit_code == 1 and body["ok"] is False
    assert "steps.0.name" in body["error"] and str(bad) in body["error"]
    missing = runner.invoke(app, ["sop", "check", str(tmp_path / "none.json"), "--json"])
    assert missing.exit_code == 1
    assert json.loads(missing.stdout)["code"] == "not_found"


def test_draft_from_diagnose_json(tmp_path: Path) -> None:
    diagnosis = tmp_path / "d.json"
    diagnosis.write_text(
        json.dumps(
            {
                "table1": [
                    {
                        "step": 1,
                        "activity": "填写",
                        "department": "运营部",
                        "role": None,
                        "minutes_per_step": 2.0,
                    },
                    {
                        "step": 2,
                        "activity": "审核",
                        "department": "运营部",
                        "role": "运营专员",
                        "minutes_per_step": 30.0,
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    measures = tmp_path / "m.yaml"
    measures.write_text(
        "- {goal: 快, measure: 自动校验, step: 审核, kpi: 激活时长, baseline: 30, target: 5, unit: 分钟}\n",
        encoding="utf-8",
    )
    out = tmp_path / "sop.json"
    result = runner.invoke(
        app,
        [
            "sop",
            "draft",
            str(diagnosis),
            "-o",
            str(out),
            "--process",
            "YH-LC01",
            "--measures",
            str(measures),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["steps"] == 2
    sop = load_sop(out.read_text(encoding="utf-8"))
    assert sop.steps[1].measures == ("自动校验",) and sop.target is not None


def test_table4_merges_histories(demo: Path, tmp_path: Path) -> None:
    files = [str(demo / n) for n in ("YH-LC01-V1.0.json", "YH-LC01-V1.1.json", "DD-LC01-V1.0.json")]
    result = runner.invoke(
        app, ["sop", "table4", *files, "-o", str(tmp_path / "t4.xlsx"), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["process_id"], r["version"]) for r in rows] == [
        ("DD-LC01", "V1.0"),
        ("YH-LC01", "V1.0"),
        ("YH-LC01", "V1.1"),
    ]
    assert (tmp_path / "t4.xlsx").stat().st_size > 4000
