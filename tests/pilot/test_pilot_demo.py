"""The demo's pilot: team A's after-log shows the planted effect at its planted size."""

from __future__ import annotations

from datetime import date

import pytest

from opexflow.demo import planted as p
from opexflow.kpi import Kpi
from opexflow.logs import EventLog
from opexflow.pilot import PilotEvaluation, compare_group, compare_logs, evaluate_pilot, table3

PLANTED_CHANGE = p.MEDIAN_ACTIVATION_MINUTES_PILOT / p.MEDIAN_ACTIVATION_MINUTES_BEFORE - 1
ACTIVATION = Kpi(
    name="激活时长",
    kind="throughput_time",
    from_activity="用户填写信息",
    to_activity="激活完成",
    name_zh="激活时长",
    name_en="activation time",
)
ERRORS = Kpi(
    name="错误率", kind="case_share", activity="补充资料", name_zh="错误率", name_en="error rate"
)


@pytest.fixture(scope="module")
def logs(pilot_logs: tuple[EventLog, EventLog]) -> tuple[EventLog, EventLog]:
    return pilot_logs


@pytest.fixture(scope="module")
def evaluation(logs: tuple[EventLog, EventLog]) -> PilotEvaluation:
    before, after = logs
    return evaluate_pilot(
        after,
        before=before,
        pilot={"团队": p.PILOT_TEAM},
        start=p.PILOT_START,
        kpis=[ACTIVATION, ERRORS],
    )


def test_activation_median_falls_from_30_to_8_minutes(evaluation: PilotEvaluation) -> None:
    ba = evaluation.kpis[0].before_after
    assert ba is not None
    assert ba.before / 60 == pytest.approx(p.MEDIAN_ACTIVATION_MINUTES_BEFORE, rel=0.15)
    assert ba.after / 60 == pytest.approx(p.MEDIAN_ACTIVATION_MINUTES_PILOT, rel=0.15)
    assert ba.difference_pct == pytest.approx(PLANTED_CHANGE * 100, abs=6)
    assert ba.test == "mann_whitney_u" and ba.significant
    assert ba.ci95 is not None and ba.ci95[0] < ba.difference_pct < ba.ci95[1]
    assert ba.ci95[1] - ba.ci95[0] < 10  # 2,000 cases a side pin it down
    assert ba.verdict_zh.startswith("激活时长中位数从")
    assert "显著" in ba.verdict_zh and "95%置信区间[−" in ba.verdict_zh


def test_error_rate_falls_from_5_to_1_percent(evaluation: PilotEvaluation) -> None:
    ba = evaluation.kpis[1].before_after
    assert ba is not None and ba.statistic == "share"
    assert ba.before == pytest.approx(p.ERROR_RATE_BEFORE, abs=0.012)
    assert ba.after == pytest.approx(p.ERROR_RATE_PILOT, abs=0.006)
    assert ba.test in ("two_proportion_z", "fisher_exact") and ba.significant
    assert ba.effect.difference_ci is not None
    assert ba.effect.difference_ci.contains(p.ERROR_RATE_PILOT - p.ERROR_RATE_BEFORE)


def test_pilot_beats_control_and_did_isolates_the_effect(evaluation: PilotEvaluation) -> None:
    k = evaluation.kpis[0]
    assert k.pilot_vs_control is not None and k.pilot_vs_control.significant
    assert k.pilot_vs_control.difference_pct == pytest.approx(PLANTED_CHANGE * 100, abs=6)
    assert k.did is not None and k.did.relative and k.did.significant
    assert k.did.result.ci.lo < PLANTED_CHANGE + 0.06 and k.did.result.ci.hi > PLANTED_CHANGE - 0.06
    assert evaluation.scope == "团队=A组" and evaluation.control == "≠ 团队=A组"


def test_control_teams_do_not_change(logs: tuple[EventLog, EventLog]) -> None:
    before, after = logs
    ev = evaluate_pilot(
        after,
        before=before,
        pilot={"团队": ["B组", "C组"]},
        start=p.PILOT_START,
        kpis=[ACTIVATION],
        control=None,
    )
    ba = ev.kpis[0].before_after
    assert ba is not None and ba.difference_pct is not None
    assert abs(ba.difference_pct) < 10


def test_table3_rows(evaluation: PilotEvaluation) -> None:
    rows = table3(
        evaluation, process="用户注册激活流程", satisfaction=4.5, unmet_issues="短信验证码收不到"
    )
    assert [r.kpi for r in rows] == ["激活时长", "错误率"]
    cells = rows[0].cells("zh")
    assert cells[:3] == ["用户注册激活流程", "团队=A组", "激活时长中位数"]
    assert cells[3].endswith("分钟") and cells[5].startswith("−7")
    assert cells[6:] == ["4.5", "短信验证码收不到"]
    assert rows[1].cells("en")[2] == "error rate"


def test_compare_logs_and_group_forms(logs: tuple[EventLog, EventLog]) -> None:
    before, after = logs
    group = compare_group(
        after, group={"团队": p.PILOT_TEAM}, since=date(2024, 4, 8), kpis=[ACTIVATION]
    )
    k = group.kpis[0]
    assert k.significant and k.difference_pct is not None and k.difference_pct < -60
    assert k.effect.n_after + k.effect.n_before == after.cases
    whole = compare_logs(before, after, ["throughput_time", "case_share:补充资料"]).to_dict()
    assert [r["kpi"] for r in whole["kpis"]] == ["throughput_time", "case_share:补充资料"]
    # a third of the cases improved by 73%: the whole log's median falls by roughly a quarter
    assert -45 < whole["kpis"][0]["difference_pct"] < -15
