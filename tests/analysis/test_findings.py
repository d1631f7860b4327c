"""Every finding kind is found where the demo plants it and absent where it does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import opexflow as ox
from opexflow.logs import EventLog, import_log

Demo = Callable[[str], EventLog]


def kinds(d: ox.Diagnosis) -> set[str]:
    return {f.kind for f in d.findings}


def test_activation_review_is_the_first_bottleneck(demo_log: Demo) -> None:
    d = ox.diagnose(demo_log("activation"))
    first = d.by_kind("bottleneck")[0]
    assert first.activity == "人工审核"
    assert first.value > 0.6
    assert d.findings == tuple(sorted(d.findings, key=lambda f: -f.severity))


def test_activation_rework_and_pingpong(demo_log: Demo) -> None:
    d = ox.diagnose(demo_log("activation"))
    rework = {f.activity: f for f in d.by_kind("rework")}
    assert rework["人工审核"].share_of_cases == pytest.approx(0.15, abs=0.03)
    handover = [f for f in d.by_kind("handover") if {f.source, f.target} == {"运营部", "技术部"}]
    assert len(handover) == 1 and handover[0].share_of_cases == pytest.approx(0.10, abs=0.03)


def test_fulfilment_sprawl_and_approval_wait(demo_log: Demo) -> None:
    d = ox.diagnose(demo_log("fulfilment"))
    assert "variant_sprawl" in kinds(d)
    waits = {(f.source, f.target): f for f in d.by_kind("long_wait")}
    assert waits[("库存检查", "财务审批")].value > 12 * 3600


def test_sla_breach_only_with_an_sla(demo_log: Demo) -> None:
    log = demo_log("activation")
    assert "sla_breach" not in kinds(ox.diagnose(log))
    breach = ox.diagnose(log, sla=1.0).by_kind("sla_breach")[0]
    assert 0.05 < breach.share_of_cases < 0.6
    assert "sla_breach" not in kinds(ox.diagnose(log, sla=24 * 365))


@pytest.mark.parametrize("name", ["activation_clean", "fulfilment_clean"])
def test_clean_logs_have_no_findings(demo_log: Demo, name: str) -> None:
    assert ox.diagnose(demo_log(name)).findings == ()


def test_data_quality_finding_where_planted(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    rows = "".join(f"{c},A,2024-03-01 10:0{c}\n{c},B,2024-03-01 11:0{c}\n" for c in range(5))
    path.write_text("case,activity,timestamp\n" + rows + "1,A,2024-03-01 10:01\n", encoding="utf-8")
    d = ox.diagnose(import_log(path, tmp_path / "ds"))
    dq = {f.metric: f for f in d.by_kind("data_quality")}
    assert dq["duplicates"].value == 1
    assert dq["out_of_order"].value == 1  # the repeated A is listed after B at 11:01


def test_table1_follows_the_main_flow(demo_log: Demo) -> None:
    rows = ox.diagnose(demo_log("activation")).table1
    names = [r.activity for r in rows]
    assert names[:2] == ["用户填写信息", "人工审核"]
    review = rows[1]
    assert review.department == "运营部"
    assert "efficiency" in review.problem_types and "quality" in review.problem_types
    assert 5 < review.minutes_per_step < 60
    assert "瓶颈" in review.description_zh


def test_after_log_team_a_is_faster(demo_log: Demo) -> None:
    c = ox.compare_groups(demo_log("activation_after"), attribute="团队", value="A组")
    assert c.a.throughput.median_s == pytest.approx(8 * 60, rel=0.2)
    assert c.b.throughput.median_s == pytest.approx(30 * 60, rel=0.2)


def test_groups_running_the_process_differently(tmp_path: Path) -> None:
    rows = []
    for i in range(80):
        team, seq = ("A组", "ABC") if i % 2 else ("B组", "ACB")
        rows += [f"{i},{a},2024-03-01 10:{j:02d},{team}\n" for j, a in enumerate(seq)]
    path = tmp_path / "teams.csv"
    path.write_text("case,activity,timestamp,团队\n" + "".join(rows), encoding="utf-8")
    d = ox.diagnose(import_log(path, tmp_path / "ds"))
    groups = [
        f for f in d.by_kind("variant_sprawl") if f.metric == "groups_with_different_main_variant"
    ]
    assert len(groups) == 1 and "团队" in groups[0].message_zh and groups[0].value == 2


def test_groups_running_the_same_way_are_not_a_finding(demo_log: Demo) -> None:
    d = ox.diagnose(demo_log("activation"))
    assert not [f for f in d.by_kind("variant_sprawl") if f.metric.startswith("groups")]
