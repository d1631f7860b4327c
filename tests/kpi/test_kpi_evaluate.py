"""KPIs evaluated in the engine on hand-built logs, calendar and working time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from opexflow.errors import InputError
from opexflow.kpi import Kpi, WorkingTime, case_values, kpi_series, parse_kpi, sample
from opexflow.kpi.working_time import day_table
from opexflow.logs import EventLog, import_log


def _values(log: EventLog, text: str) -> dict[str, float]:
    t = case_values(log, parse_kpi(text))
    return dict(zip(t["case_id"].to_pylist(), t["value"].to_pylist(), strict=True))


def test_per_case_values_on_the_tiny_log(tiny_log: EventLog) -> None:
    # c1: A 09:00 B 09:10 C 09:30; c2: A 10:00 B 10:20 B 10:50 C 11:00; c3: A 12:00 B 12:05 C 12:45
    assert _values(tiny_log, "throughput_time") == {"c1": 1800, "c2": 3600, "c3": 2700}
    assert _values(tiny_log, "throughput_time:B>C") == {"c1": 1200, "c2": 2400, "c3": 2400}
    # waits before B: c2 waits 20 min for its first B and 30 min for the second
    assert _values(tiny_log, "waiting_time:B") == {"c1": 600, "c2": 3000, "c3": 300}
    assert _values(tiny_log, "rework_rate") == {"c1": 0, "c2": 1, "c3": 0}
    assert _values(tiny_log, "case_share:C") == {"c1": 1, "c2": 1, "c3": 1}
    assert _values(tiny_log, "churn:C") == {"c1": 0, "c2": 0, "c3": 0}


def test_unknown_activity_lists_the_activities(tiny_log: EventLog) -> None:
    with pytest.raises(InputError, match="activities: A, B, C"):
        sample(tiny_log, parse_kpi("case_share:Z"))


def test_case_day_is_the_local_date(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    # 00:30 in Shanghai is still the previous day in UTC
    log = import_log(
        write_csv("case,activity,time\nx,A,2024-03-02 00:30\nx,B,2024-03-02 01:30\n"),
        tmp_path / "ds",
    )
    assert case_values(log, parse_kpi("count"))["day"].to_pylist() == [date(2024, 3, 2)]


def _span_log(
    write_csv: Callable[..., Path], tmp_path: Path, rows: list[tuple[str, str, str]]
) -> EventLog:
    text = "case,activity,time\n" + "".join(f"{c},{a},{t}\n" for c, a, t in rows)
    return import_log(write_csv(text), tmp_path / "ds")


def test_working_time_skips_nights_weekends_holidays_and_counts_make_up_days(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    log = _span_log(
        write_csv,
        tmp_path,
        [
            # Friday 17:00 -> Monday 10:00: one hour on Friday, one on Monday
            ("weekend", "A", "2024-03-01 17:00"),
            ("weekend", "B", "2024-03-04 10:00"),
            # Sunday 2024-09-29 is a 调休 make-up workday; 10-01..10-07 National Day holidays;
            # Mon 09-30 is a workday: 09-29 16:00 -> 10-08 10:00 = 2h + 9h + 1h
            ("national_day", "A", "2024-09-29 16:00"),
            ("national_day", "B", "2024-10-08 10:00"),
            # the same working day, before opening to after closing: 9h
            ("long_day", "A", "2024-03-05 07:00"),
            ("long_day", "B", "2024-03-05 20:00"),
        ],
    )
    k = parse_kpi('{"kind": "throughput_time", "name": "t", "time": "working"}')
    got = dict(
        zip(*(case_values(log, k)[c].to_pylist() for c in ("case_id", "value")), strict=True)
    )
    assert got == {"weekend": 7200, "national_day": 12 * 3600, "long_day": 9 * 3600}
    calendar = _values(log, "throughput_time")
    assert calendar["weekend"] == (3 * 24 - 7) * 3600
    weekdays = k.model_copy(update={"working_time": WorkingTime(calendar="weekdays")})
    plain = dict(
        zip(*(case_values(log, weekdays)[c].to_pylist() for c in ("case_id", "value")), strict=True)
    )
    assert (
        plain["national_day"] == 6 * 9 * 3600 + 3600
    )  # 09-30..10-07 Mon-Fri count, 09-29 does not


def test_years_outside_the_chinese_calendar_are_a_clear_error(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    log = _span_log(
        write_csv, tmp_path, [("x", "A", "2027-03-01 10:00"), ("x", "B", "2027-03-02 10:00")]
    )
    k = parse_kpi('{"kind": "throughput_time", "name": "t", "time": "working"}')
    with pytest.raises(InputError, match="no data for 2027"):
        case_values(log, k)
    fallback = k.model_copy(update={"working_time": WorkingTime(outside="weekdays")})
    assert case_values(log, fallback)["value"].to_pylist() == [9 * 3600]


def test_day_table_is_cumulative_and_respects_the_time_zone() -> None:
    t = day_table(date(2024, 3, 1), date(2024, 3, 4), WorkingTime(), "Asia/Shanghai")
    assert t["cum_us"].to_pylist() == [0, 9 * 3600 * 10**6, 9 * 3600 * 10**6, 9 * 3600 * 10**6]
    # 2024-03-01 00:00 in Shanghai is 2024-02-29 16:00 UTC
    assert t["day_start_us"][0].as_py() == 1709222400 * 10**6


def test_series_by_period_and_group(demo_log: Callable[[str], EventLog]) -> None:
    log = demo_log("activation_after")
    weekly = kpi_series(log, parse_kpi("throughput_time"), period="week", by="团队")
    assert set(weekly.column_names) == {"period", "团队", "cases", "value"}
    assert all(d.weekday() == 0 for d in weekly["period"].to_pylist())
    assert sum(weekly["cases"].to_pylist()) == 1500
    rows = weekly.to_pylist()
    pilot = np.median([r["value"] for r in rows if r["团队"] == "A组"])
    control = np.median([r["value"] for r in rows if r["团队"] != "A组"])
    assert pilot < control / 2
    monthly = kpi_series(log, parse_kpi("count"), period="month")
    assert sum(monthly["value"].to_pylist()) == 1500
    daily = sample(log, parse_kpi("count"))
    assert daily.sum() == 1500


def test_series_rejects_an_event_attribute_as_group(tiny_log: EventLog) -> None:
    with pytest.raises(InputError, match="not a case attribute"):
        kpi_series(tiny_log, parse_kpi("count"), by="部门")


def test_working_time_never_exceeds_calendar_time(
    demo_log: Callable[[str], EventLog],
) -> None:
    log = demo_log("activation")
    k = Kpi(name="t", kind="throughput_time", time="working")
    working = sample(log, k)
    calendar = sample(log, parse_kpi("throughput_time"))
    assert working.size == calendar.size == 1500
    assert np.all(working <= calendar + 1e-9)


def test_working_waiting_time_and_from_to(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    log = _span_log(
        write_csv,
        tmp_path,
        [
            # Tue 17:30 A, Wed 09:30 B (waits overnight: 1 working hour), Wed 10:00 C
            ("x", "A", "2024-03-05 17:30"),
            ("x", "B", "2024-03-06 09:30"),
            ("x", "C", "2024-03-06 10:00"),
        ],
    )
    working = {"time": "working", "name": "w"}
    wait = Kpi(kind="waiting_time", activity="B", **working)  # type: ignore[arg-type]
    span = Kpi(kind="throughput_time", from_activity="A", to_activity="C", **working)  # type: ignore[arg-type]
    assert case_values(log, wait)["value"].to_pylist() == [3600]
    assert case_values(log, span)["value"].to_pylist() == [5400]
    assert _values(log, "waiting_time:B") == {"x": 16 * 3600}
