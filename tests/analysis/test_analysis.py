from __future__ import annotations

from datetime import UTC, datetime

import pytest

import opexflow as ox
from opexflow.logs import EventLog


def test_dfg_counts_and_durations(tiny_log: EventLog) -> None:
    g = ox.dfg(tiny_log)
    assert g.counts() == {("A", "B"): 3, ("B", "C"): 3, ("B", "B"): 1}
    edges = {(r["source"], r["target"]): r for r in g.edges.to_pylist()}
    ab = edges[("A", "B")]
    assert ab["cases"] == 3
    assert ab["mean_s"] == pytest.approx((10 + 20 + 5) * 60 / 3)
    assert ab["median_s"] == pytest.approx(10 * 60)
    assert g.start.to_pylist() == [{"activity": "A", "cases": 3}]
    assert g.end.to_pylist() == [{"activity": "C", "cases": 3}]


def test_variants_ranked_with_shares(tiny_log: EventLog) -> None:
    v = ox.variants(tiny_log).to_pylist()
    assert [r["activities"] for r in v] == [["A", "B", "C"], ["A", "B", "B", "C"]]
    assert [r["cases"] for r in v] == [2, 1]
    assert v[0]["share"] == pytest.approx(2 / 3)
    assert v[0]["median_s"] == pytest.approx((30 * 60 + 45 * 60) / 2)


def test_case_durations_and_throughput(tiny_log: EventLog) -> None:
    d = ox.case_durations(tiny_log).to_pylist()
    assert [r["case_id"] for r in d] == ["c1", "c2", "c3"]
    assert [r["duration_s"] for r in d] == [1800.0, 3600.0, 2700.0]
    t = ox.throughput(tiny_log)
    assert (t.cases, t.median_s, t.min_s, t.max_s) == (3, 2700.0, 1800.0, 3600.0)
    assert sum(b.cases for b in t.histogram) == 3


def test_activity_stats_rework_and_waiting(tiny_log: EventLog) -> None:
    rows = {r["activity"]: r for r in ox.activity_stats(tiny_log).to_pylist()}
    assert rows["B"]["events"] == 4 and rows["B"]["cases"] == 3
    assert rows["B"]["rework_events"] == 1 and rows["B"]["rework_cases"] == 1
    assert rows["A"]["rework_cases"] == 0
    # waiting before C: 20, 10 and 40 minutes
    assert rows["C"]["waiting_median_s"] == 1200.0
    assert rows["C"]["waiting_total_s"] == 70 * 60
    assert rows["A"]["waiting_total_s"] is None
    assert rows["B"]["department"] == "技术部"


def test_handovers_and_pingpong(tiny_log: EventLog) -> None:
    rows = {(r["source"], r["target"]): r for r in ox.handovers(tiny_log).to_pylist()}
    # c1: 运营→技术→运营 (ping-pong); c3 too; c2: 运营→技术→运营→技术
    assert rows[("运营部", "技术部")]["pingpong_cases"] == 3
    assert rows[("运营部", "技术部")]["events"] == 4


def test_case_filters_keep_stored_successors(tiny_log: EventLog) -> None:
    reworked = ox.filter_activity(tiny_log, "B")
    assert ox.throughput(reworked).cases == 3
    no_c2 = ox.filter_cases(tiny_log, ["c2"], keep=False)
    assert ox.dfg(no_c2).counts() == {("A", "B"): 2, ("B", "C"): 2}
    only_main = ox.filter_variants(tiny_log, [["A", "B", "C"]])
    assert ox.throughput(only_main).cases == 2


def test_event_level_filter_recomputes_successors(tiny_log: EventLog) -> None:
    only_ops = ox.filter_attribute(tiny_log, "department", ["运营部"], level="event")
    counts = ox.dfg(only_ops).counts()
    assert counts[("A", "C")] == 2  # c1 and c3 lose B
    assert counts[("A", "B")] == 1  # c2: A, B(运营部)
    v = ox.variants(only_ops).to_pylist()
    assert v[0]["activities"] == ["A", "C"] and v[0]["cases"] == 2


def test_time_filter_modes(tiny_log: EventLog) -> None:
    noon = datetime(2024, 3, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    assert ox.throughput(ox.filter_time(tiny_log, since=noon)).cases == 1
    assert ox.throughput(ox.filter_time(tiny_log, until=noon)).cases == 2
    trimmed = ox.filter_time(tiny_log, since=datetime(2024, 3, 1, 2, 15, tzinfo=UTC), mode="trim")
    assert ox.dfg(trimmed).counts() == {("B", "B"): 1, ("B", "C"): 2, ("A", "B"): 1}


def test_naive_datetime_filter_is_refused(tiny_log: EventLog) -> None:
    with pytest.raises(ox.OpexflowError, match="time zone"):
        ox.filter_time(tiny_log, since=datetime(2024, 3, 1))  # noqa: DTZ001


def test_compare_groups_by_attribute(tiny_log: EventLog) -> None:
    c = ox.compare_groups(tiny_log, attribute="金额", value=0)
    assert c.a.cases == 1 and c.b.cases == 2


def test_table1_reads_roles_from_a_role_column(write_csv, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "工单号,环节,完成时间,岗位\n" + "".join(
        f"{c},填写,2024-03-01 09:0{c},用户\n{c},审核,2024-03-01 09:3{c},运营专员\n"
        for c in range(4)
    )
    log = ox.import_log(write_csv(text), tmp_path / "ds")
    rows = ox.diagnose(log).table1
    assert [(r.activity, r.role) for r in rows] == [("填写", "用户"), ("审核", "运营专员")]
    assert rows[1].minutes_per_step == 30.0


def test_variants_tell_permutations_and_repeats_apart(write_csv, tmp_path) -> None:  # type: ignore[no-untyped-def]
    traces = ["ABC", "ACB", "BAC", "ABC", "AABC", "ABBC", "AB", "ABCABC"]
    rows = "".join(
        f"{i},{a},2024-03-01 10:{j:02d}\n" for i, t in enumerate(traces) for j, a in enumerate(t)
    )
    log = ox.import_log(write_csv("case,activity,timestamp\n" + rows), tmp_path / "ds")
    got = {"".join(r["activities"]): r["cases"] for r in ox.variants(log).to_pylist()}
    assert got == {"ABC": 2, "ACB": 1, "BAC": 1, "AABC": 1, "ABBC": 1, "AB": 1, "ABCABC": 1}
