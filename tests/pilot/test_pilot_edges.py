"""Pilot evaluation on hand-built logs: missing periods, tiny samples, bad arguments, wording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from opexflow.errors import InputError
from opexflow.kpi import parse_kpi
from opexflow.logs import EventLog, import_log
from opexflow.pilot import compare_group, evaluate_pilot, table3
from opexflow.pilot.verdict import percent, value_text, verdict
from opexflow.stats import compare_samples


def _log(write_csv: Callable[..., Path], tmp_path: Path, days: list[str]) -> EventLog:
    """Per day: team A cases take 10 min, team B cases 30 min (two cases each)."""
    rows = []
    for d in days:
        for team, minutes in (("A", 10), ("B", 30)):
            for k in range(2):
                case = f"{team}{d}{k}"
                rows.append(f"{case},start,{d} 10:0{k},{team}\n")
                rows.append(f"{case},end,{d} 10:{minutes + k:02d},{team}\n")
    text = "case,activity,time,组别\n" + "".join(rows)
    return import_log(write_csv(text), tmp_path / "ds")


def test_no_pilot_data_before_the_start_keeps_pilot_vs_control(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    log = _log(write_csv, tmp_path, ["2024-04-08"])
    ev = evaluate_pilot(log, pilot={"组别": "A"}, start=date(2024, 4, 8), kpis=["throughput_time"])
    (k,) = ev.kpis
    assert k.before_after is None and k.did is None
    assert k.pilot_vs_control is not None
    assert (k.pilot_vs_control.before, k.pilot_vs_control.after) == (1800.0, 600.0)
    assert any("no pilot-group data before" in n for n in k.notes)
    assert k.pilot_vs_control.test is None  # 2 cases a side: too few to test
    assert "无法下结论" in k.pilot_vs_control.verdict_zh
    assert "not tested" in k.pilot_vs_control.verdict_en
    rows = table3(ev, process="P")
    assert rows[0].before == k.pilot_vs_control.before


def test_bad_pilot_arguments_are_clear_errors(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    log = _log(write_csv, tmp_path, ["2024-04-08"])
    with pytest.raises(InputError, match="before it starts"):
        evaluate_pilot(
            log, pilot={"组别": "A"}, start=date(2024, 4, 8), until=date(2024, 4, 1), kpis=["count"]
        )
    with pytest.raises(InputError, match="no throughput_time values after the pilot start"):
        evaluate_pilot(log, pilot={"组别": "Z"}, start=date(2024, 4, 8), kpis=["throughput_time"])
    with pytest.raises(InputError, match=r"no attribute 'team'; attributes: .*组别"):
        compare_group(log, group={"team": "A"}, kpis=["count"])
    with pytest.raises(InputError, match="one attribute"):
        compare_group(log, group={"组别": "A", "x": "y"}, kpis=["count"])
    with pytest.raises(InputError, match="no time zone"):
        compare_group(log, group={"组别": "A"}, since=datetime(2024, 4, 8), kpis=["count"])  # noqa: DTZ001
    with pytest.raises(InputError, match="no KPI"):
        compare_group(log, group={"组别": "A"}, kpis=[])


def test_since_takes_aware_datetimes(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    log = _log(write_csv, tmp_path, ["2024-04-07", "2024-04-08"])
    r = compare_group(
        log, group={"组别": "A"}, since=datetime(2024, 4, 8, tzinfo=UTC), kpis=["count"]
    )
    assert r.kpis[0].effect.n_after == 1  # one day with team A cases since then
    assert r.before_label == "≠ 组别=A" and r.after_label == "组别=A"


def test_wording() -> None:
    assert [percent(x) for x in (-0.7333, 0.045, 0.0, None)] == ["−73%", "+4.5%", "0%", "—"]
    assert value_text(30 * 60, "seconds", "zh") == "30分钟"
    assert value_text(2 * 3600, "seconds", "en") == "2 h"
    assert value_text(0.012, "share", "zh") == "1.2%"
    up = compare_samples([10.0] * 20 + [11.0] * 20, [12.0] * 20 + [13.0] * 20)
    kpi = parse_kpi("throughput_time")
    assert "从10秒升到12秒" in verdict(kpi, "median", up, "zh")
    assert verdict(kpi, "median", up, "en").startswith(
        "Median throughput time rose from 10 s to 12 s"
    )
    same = compare_samples([5.0] * 40, [5.0] * 40, statistic="mean")
    assert "stayed at" in verdict(kpi, "mean", same, "en")
