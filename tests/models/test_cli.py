"""``opexflow discover`` and ``opexflow replay``: text, --json and -o."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from opexflow.cli import app
from opexflow.models import read_bpmn

runner = CliRunner()
CSV = (
    "case,act,time,dept\n"
    "1,登记,2024-01-01 09:00,前台\n1,审核,2024-01-01 10:00,风控\n1,放款,2024-01-01 11:00,财务\n"
    "2,登记,2024-01-02 09:00,前台\n2,审核,2024-01-02 10:00,风控\n2,放款,2024-01-02 11:00,财务\n"
    "3,登记,2024-01-03 09:00,前台\n3,放款,2024-01-03 10:00,财务\n"
)
MAP = ["--case", "case", "--activity", "act", "--timestamp", "time", "--department", "dept"]


def test_discover_json_and_bpmn_file(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "m.bpmn"
    result = runner.invoke(
        app, ["discover", str(write_csv(CSV)), *MAP, "--noise", "0", "-o", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tree"] == "->( '登记', X( '审核', tau ), '放款' )"
    assert data["fitness"] == 1.0
    assert data["precision"] == 1.0
    assert data["fitness_method"].startswith("token-based replay")
    assert data["replay"]["cases"] == 3
    assert data["bpmn"]["lanes"] == 3
    assert read_bpmn(out).tasks == ["登记", "审核", "放款"]
    assert data["map"] is None


def test_discover_text_output_with_a_simplified_map(write_csv: Callable[..., Path]) -> None:
    result = runner.invoke(app, ["discover", str(write_csv(CSV)), *MAP, "--map", "0.6"])
    assert result.exit_code == 0, result.output
    assert "fitness" in result.stdout and "precision" in result.stdout
    # The main variant (2 of 3 cases) alone covers 0.6: 3 activities, 4 edges of 5.
    assert "3/3 activities, 4/5 edges, covering 66.7% of 3 cases" in result.stdout
    assert "登记 → 审核  2" in result.stdout


def test_replay_on_a_model_lists_deviations(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    model = tmp_path / "m.bpmn"
    # The model from cases 1 and 2 only: 登记 → 审核 → 放款, no way to skip 审核.
    two_cases = CSV.split("\n3,")[0] + "\n"
    runner.invoke(app, ["discover", str(write_csv(two_cases)), *MAP, "-o", str(model)])
    result = runner.invoke(
        app, ["replay", str(write_csv(CSV, "all.csv")), *MAP, "--model", str(model), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["replay"]["deviations"] == [
        {"activity": "放款", "kind": "inserted", "cases": 1, "variants": 1},
        {"activity": "审核", "kind": "skipped", "cases": 1, "variants": 1},
    ]
    assert data["fitness"] < 1.0


def test_missing_model_file_is_a_clear_error(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["replay", str(write_csv(CSV)), *MAP, "--model", str(tmp_path / "no.bpmn")]
    )
    assert result.exit_code == 1
    assert "no.bpmn" in result.output
