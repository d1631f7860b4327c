"""KPI definitions: short forms, JSON round trip, validation."""

from __future__ import annotations

import pytest

from opexflow.errors import InputError
from opexflow.kpi import Kpi, WorkingTime, parse_kpi


@pytest.mark.parametrize(
    ("text", "kind", "unit", "direction"),
    [
        ("throughput_time", "throughput_time", "seconds", "lower"),
        ("throughput_time:用户填写信息>激活完成", "throughput_time", "seconds", "lower"),
        ("waiting_time:人工审核", "waiting_time", "seconds", "lower"),
        ("case_share:补充资料", "case_share", "share", "lower"),
        ("completion_rate:激活完成", "completion_rate", "share", "higher"),
        ("churn:激活完成", "churn", "share", "lower"),
        ("rework_rate", "rework_rate", "share", "lower"),
        ("count", "count", "cases", "higher"),
    ],
)
def test_short_forms_round_trip_through_json(
    text: str, kind: str, unit: str, direction: str
) -> None:
    k = parse_kpi(text)
    assert (k.name, k.kind, k.unit, k.direction) == (text, kind, unit, direction)
    assert k.name_zh and k.name_en
    assert Kpi.model_validate_json(k.model_dump_json()) == k
    assert parse_kpi(k.model_dump_json()) == k


def test_from_to_short_form_sets_both_activities() -> None:
    k = parse_kpi("throughput_time:用户填写信息>激活完成")
    assert (k.from_activity, k.to_activity) == ("用户填写信息", "激活完成")
    assert k.name_zh == "用户填写信息到激活完成时长"


def test_statistic_override_only_touches_durations() -> None:
    assert parse_kpi("throughput_time", statistic="p90").statistic == "p90"
    assert parse_kpi("rework_rate", statistic="p90").statistic == "median"


def test_dictionary_names_win_over_short_forms() -> None:
    activation = Kpi(
        name="激活时长",
        kind="throughput_time",
        from_activity="用户填写信息",
        to_activity="激活完成",
        name_zh="激活时长",
        name_en="activation time",
        time="working",
    )
    k = parse_kpi("激活时长", dictionary={"激活时长": activation}, statistic="mean")
    assert k.name_en == "activation time" and k.statistic == "mean"
    assert k.working_time == WorkingTime()  # working time defaults to 09:00-18:00, cn calendar
    assert Kpi.model_validate_json(k.model_dump_json()) == k


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("speed", "unknown KPI 'speed'"),
        ("waiting_time", "needs an activity"),
        ("throughput_time:A", "FROM>TO"),
        ("rework_rate:A", "takes no activity"),
        ('{"kind": "case_share", "activity": "A", "time": "working"}', "working time applies"),
        (
            '{"kind": "throughput_time", "working_time": {"start": "18:00", "end": "09:00"}}',
            "after start",
        ),
        ('{"kind": "throughput_time", "working_time": {"start": "9am"}}', "HH:MM"),
        ('{"kind": "count", "colour": "red"}', "Extra inputs"),
    ],
)
def test_bad_definitions_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_kpi(text)
