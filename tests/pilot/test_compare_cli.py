"""``opexflow compare``: both forms, the JSON shape, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opexflow.cli import app
from opexflow.demo import activation_log, write_log

runner = CliRunner()
KEYS = {
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


@pytest.fixture(scope="module")
def csvs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    before = write_log(activation_log(cases=600), root / "before.csv")  # type: ignore[arg-type]
    after = write_log(activation_log(cases=600, period="after"), root / "after.csv")  # type: ignore[arg-type]
    return Path(before), Path(after)


def test_two_logs_json(csvs: tuple[Path, Path]) -> None:
    args = [
        "compare",
        str(csvs[0]),
        str(csvs[1]),
        "--kpi",
        "throughput_time",
        "--kpi",
        "rework_rate",
    ]
    result = runner.invoke(app, [*args, "--statistic", "p90", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"kpis"}
    first, second = data["kpis"]
    assert set(first) == KEYS
    assert (first["kpi"], first["statistic"], first["test"]) == (
        "throughput_time",
        "p90",
        "mann_whitney_u",
    )
    assert (second["statistic"], second["test"]) == ("share", "two_proportion_z")
    assert first["n_before"] == first["n_after"] == 600
    lo, hi = first["ci95"]
    assert lo <= first["difference_pct"] <= hi


def test_group_form_with_since_and_working_hours(csvs: tuple[Path, Path]) -> None:
    result = runner.invoke(
        app,
        [
            "compare", str(csvs[1]), "--group", "团队=A组", "--since", "2024-04-08",
            "--kpi", "throughput_time:用户填写信息>激活完成", "--working-hours", "09:00-18:00", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["kpis"]
    assert row["significant"] and row["difference_pct"] < -50
    assert row["n_before"] + row["n_after"] == 600
    assert row["verdict_zh"].startswith("用户填写信息到激活完成时长中位数从")


def test_table_output(csvs: tuple[Path, Path]) -> None:
    result = runner.invoke(
        app, ["compare", str(csvs[1]), "--group", "团队=A组", "--kpi", "case_share:补充资料"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "含补充资料的案例占比从" in out and "Share of cases with 补充资料 fell from" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kpi", "throughput_time"], "either two logs"),
        (["--kpi", "throughput_time", "--group", "团队"], "ATTR=VALUE"),
        (["--kpi", "throughput_time", "--group", "团队=A组", "--since", "April"], "YYYY-MM-DD"),
        (["--kpi", "speed", "--group", "团队=A组"], "unknown KPI"),
        (
            ["--kpi", "throughput_time", "--group", "团队=A组", "--statistic", "mode"],
            "mean, median or p90",
        ),
        (["--kpi", "throughput_time", "--group", "团队=A组", "--working-hours", "9-18"], "HH:MM"),
        (["--group", "团队=A组"], "at least one --kpi"),
    ],
)
def test_errors_are_json_with_a_message(
    csvs: tuple[Path, Path], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["compare", str(csvs[1]), *args, "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["ok"] is False and message in body["error"]
