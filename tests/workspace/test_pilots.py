"""A project's pilot evaluated on its recorded logs (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from opexflow.demo import planted
from opexflow.errors import InputError, PermissionDeniedError
from opexflow.kpi import Kpi, parse_kpi
from opexflow.logs import EventLog
from opexflow.workspace import changes, items
from opexflow.workspace.db import Database
from opexflow.workspace.metrics import Metric
from opexflow.workspace.pilot_charts import box_stats, pilot_charts
from opexflow.workspace.pilot_evaluation import (
    display_factor,
    evaluate_project_pilot,
    export_table3,
)
from opexflow.workspace.pilots import (
    ControlKind,
    Pilot,
    PilotKpi,
    SatisfactionAnswer,
    UnmetIssue,
)
from opexflow.workspace.processes import Process, attach_log, create_process
from opexflow.workspace.projects import Project, set_member
from opexflow.workspace.sample import build_sample_workspace
from opexflow.workspace.users import Role, User, authenticate, create_user
from tests.fixtures.demo_logs import demo_log  # noqa: F401

START = planted.PILOT_START


def _metrics(session: Session, admin: User) -> None:
    for name, name_en, kpi, unit in (
        ("激活时长", "activation time", Kpi(name="激活时长", kind="throughput_time"), "分钟"),
        ("错误率", "error rate", Kpi(name="错误率", kind="case_share", activity="补充资料"), "%"),
    ):
        metric = Metric(
            name=name,
            name_en=name_en,
            definition=name,
            formula=kpi.model_dump(mode="json"),
            unit=unit,
        )
        changes.add(session, metric, actor=admin)


def _pilot(
    session: Session,
    actor: User,
    project: Project,
    process: Process,
    logs: Callable[[str], EventLog],
    **fields: Any,
) -> Pilot:
    before = attach_log(
        session, actor=actor, process=process, log=logs("activation"), source_name="before.csv"
    )
    after = attach_log(
        session,
        actor=actor,
        process=process,
        log=logs("activation_after"),
        source_name="after.csv",
    )
    values: dict[str, Any] = {
        "pilot_name": "A组试点",
        "scope_attribute": "团队",
        "scope_value": planted.PILOT_TEAM,
        "before_log_id": before.id,
        "after_log_id": after.id,
        "pilot_start": START,
    } | fields
    return items.create(session, Pilot, actor=actor, project_id=project.id, **values)


@pytest.fixture
def evaluated(
    session: Session,
    admin: User,
    leader: User,
    process: Process,
    project: Project,
    demo_log: Callable[[str], EventLog],  # noqa: F811
) -> Project:
    """The activation project with team A's pilot, two dictionary KPIs, a survey, an issue."""
    _metrics(session, admin)
    _pilot(session, leader, project, process, demo_log)
    for kpi, target, unit in (("激活时长", 8.0, ""), ("错误率", 1.0, "")):
        items.create(
            session,
            PilotKpi,
            actor=leader,
            project_id=project.id,
            kpi=kpi,
            target=target,
            unit=unit,
        )
    for score in (5, 4, 5, 4):
        items.create(session, SatisfactionAnswer, actor=leader, project_id=project.id, score=score)
    items.create(
        session,
        UnmetIssue,
        actor=leader,
        project_id=project.id,
        issue="手机号验证码收不到",
        cause="短信通道需优化",
    )
    return project


def test_the_pilot_shows_the_planted_effect(
    session: Session, leader: User, evaluated: Project
) -> None:
    result = evaluate_project_pilot(session, actor=leader, project_id=evaluated.id)
    time_row, error_row = result.rows
    assert time_row.process == "用户注册激活流程"
    assert time_row.pilot_scope == "团队=A组"
    assert time_row.kpi_zh == "激活时长中位数"  # the metric's name, not the kind's
    assert time_row.before == pytest.approx(planted.MEDIAN_ACTIVATION_MINUTES_BEFORE * 60, rel=0.15)
    assert time_row.after == pytest.approx(planted.MEDIAN_ACTIVATION_MINUTES_PILOT * 60, rel=0.15)
    assert time_row.difference_pct == pytest.approx(-73, abs=6)
    assert time_row.significant
    assert "显著" in time_row.verdict_zh and "Mann-Whitney" in time_row.verdict_en
    assert error_row.before == pytest.approx(planted.ERROR_RATE_BEFORE, abs=0.02)
    assert error_row.after is not None and error_row.after < 0.03
    assert time_row.satisfaction == 4.5 and result.answers == 4
    assert time_row.unmet_issues == "手机号验证码收不到 → 短信通道需优化"
    assert time_row.cells("zh")[6:] == ["4.5", "手机号验证码收不到 → 短信通道需优化"]
    # Pilot vs control over the same period and the difference-in-differences exist too.
    first = result.evaluation.kpis[0]
    assert first.pilot_vs_control is not None and first.pilot_vs_control.significant
    assert first.did is not None and first.did.significant
    # Targets are read in the metric's unit (minutes and percent), not in seconds.
    minutes, percent = result.targets
    assert (minutes.unit, percent.unit) == ("分钟", "%")
    assert minutes.after == pytest.approx(time_row.after / 60)
    assert percent.after == pytest.approx(error_row.after * 100)
    assert minutes.met is (minutes.after <= 8.0)
    data = result.to_dict()
    assert [k["kpi"] for k in data["kpis"]] == ["激活时长", "错误率"]
    assert set(data["kpis"][0]) >= {"ci95", "test", "p_value", "verdict_zh", "n_before"}
    assert data["table3"][0]["satisfaction"] == 4.5


@pytest.mark.parametrize(
    ("lang", "headers"),
    [
        ("zh", ["流程名称", "试点范围", "评估指标", "优化前", "优化后", "差异率"]),
        ("en", ["process", "pilot scope", "KPI", "before", "after", "difference %"]),
    ],
)
def test_table3_as_xlsx(
    session: Session, leader: User, evaluated: Project, lang: str, headers: list[str]
) -> None:
    out = io.BytesIO()
    export_table3(session, actor=leader, project_id=evaluated.id, out=out, lang=lang)
    out.seek(0)
    ws = load_workbook(out).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][:6]) == headers
    assert rows[1][0] == "用户注册激活流程"
    assert str(rows[1][5]).startswith("−7")  # about −73%
    assert rows[1][7] == "手机号验证码收不到 → 短信通道需优化"
    assert len(rows) == 3


def test_the_charts_mark_the_pilot_start(
    session: Session, leader: User, evaluated: Project
) -> None:
    duration, share = pilot_charts(session, actor=leader, project_id=evaluated.id)
    assert duration["unit"] == "分钟" and duration["start_week"] == "2024-04-08"
    assert duration["weeks"][0] == "2024-03-04" and "2024-04-08" in duration["weeks"]
    before_box, after_box = duration["box"]["before"], duration["box"]["after"]
    assert before_box[2] == pytest.approx(30, rel=0.15) and after_box[2] == pytest.approx(
        8, rel=0.2
    )
    pilot_before, pilot_after = duration["groups"]["pilot"]
    control_before, control_after = duration["groups"]["control"]
    assert pilot_after < pilot_before / 2
    assert control_after == pytest.approx(control_before, rel=0.2)
    start = duration["weeks"].index("2024-04-08")
    assert max(duration["weekly"]["pilot"][start:]) < min(duration["weekly"]["control"][start:])
    assert share["share"] and share["box"] == {} and share["unit"] == "%"


def test_a_unit_that_does_not_fit_the_kpi_is_refused(
    session: Session, leader: User, evaluated: Project
) -> None:
    row = items.list_(session, PilotKpi, actor=leader, project_id=evaluated.id)[1]
    items.update(session, PilotKpi, row.id, actor=leader, unit="分钟")
    with pytest.raises(InputError, match=r"错误率.*分钟.*does not fit"):
        evaluate_project_pilot(session, actor=leader, project_id=evaluated.id)
    assert display_factor(parse_kpi("throughput_time"), "小时") == 3600
    assert display_factor(parse_kpi("rework_rate"), "%") == 0.01


def test_no_scope_compares_the_two_logs_and_one_log_splits_at_the_start(
    session: Session,
    admin: User,
    leader: User,
    process: Process,
    project: Project,
    demo_log: Callable[[str], EventLog],  # noqa: F811
) -> None:
    pilot = _pilot(session, leader, project, process, demo_log, scope_attribute=None)
    items.create(session, PilotKpi, actor=leader, project_id=project.id, kpi="rework_rate")
    whole = evaluate_project_pilot(session, actor=leader, project_id=project.id)
    assert whole.rows[0].pilot_scope == "全部案例 / all cases"
    assert whole.evaluation.kpis[0].pilot_vs_control is None
    # One log, split at a date inside it: no change was planted there.
    items.update(
        session,
        Pilot,
        pilot.id,
        actor=leader,
        scope_attribute="团队",
        after_log_id=pilot.before_log_id,
        pilot_start=date(2024, 3, 18),
        control=ControlKind.group,
        control_value="B组",
    )
    split = evaluate_project_pilot(session, actor=leader, project_id=project.id)
    row = split.rows[0]
    assert row.difference_pct is not None and abs(row.difference_pct) < 60
    assert split.evaluation.control == "团队=B组"
    del admin


def test_what_is_missing_is_named(
    session: Session,
    leader: User,
    process: Process,
    project: Project,
    demo_log: Callable[[str], EventLog],  # noqa: F811
) -> None:
    with pytest.raises(InputError, match="no pilot yet"):
        evaluate_project_pilot(session, actor=leader, project_id=project.id)
    pilot = _pilot(session, leader, project, process, demo_log)
    with pytest.raises(InputError, match="no KPIs"):
        evaluate_project_pilot(session, actor=leader, project_id=project.id)
    items.create(session, PilotKpi, actor=leader, project_id=project.id, kpi="激活时长")
    with pytest.raises(InputError, match="unknown KPI '激活时长'"):
        evaluate_project_pilot(session, actor=leader, project_id=project.id)
    other = create_process(session, actor=leader, code="DD-LC01", name="订单履约流程")
    foreign = attach_log(
        session, actor=leader, process=other, log=demo_log("activation"), source_name="x.csv"
    )
    items.update(session, Pilot, pilot.id, actor=leader, after_log_id=foreign.id)
    with pytest.raises(InputError, match="not an event log of this project's process"):
        evaluate_project_pilot(session, actor=leader, project_id=project.id)
    kpi = items.list_(session, PilotKpi, actor=leader, project_id=project.id)[0]
    items.update(session, PilotKpi, kpi.id, actor=leader, kpi="throughput_time")
    items.update(
        session,
        Pilot,
        pilot.id,
        actor=leader,
        after_log_id=pilot.before_log_id,
        control=ControlKind.group,
    )
    with pytest.raises(InputError, match="control group needs its value"):
        evaluate_project_pilot(session, actor=leader, project_id=project.id)


def test_records_are_checked_and_need_an_editor(
    session: Session, leader: User, project: Project
) -> None:
    for score in (0, 6):
        with pytest.raises(InputError, match="1 to 5"):
            items.create(
                session, SatisfactionAnswer, actor=leader, project_id=project.id, score=score
            )
    with pytest.raises(InputError, match="issue is empty"):
        items.create(session, UnmetIssue, actor=leader, project_id=project.id, issue=" ")
    reviewer = create_user(session, username="chen", password="reviewer-pass-1", role=Role.member)
    set_member(session, actor=leader, project_id=project.id, user_id=reviewer.id, role="reviewer")
    with pytest.raises(PermissionDeniedError):
        items.create(session, SatisfactionAnswer, actor=reviewer, project_id=project.id, score=4)
    assert items.list_(session, SatisfactionAnswer, actor=reviewer, project_id=project.id) == []


def test_the_demo_workspace_pilot_shows_the_planted_effect(db: Database, tmp_path: Path) -> None:
    sample = build_sample_workspace(
        db, tmp_path, events=6000, admin_password="admin-pass-1", password="demo-pass-1"
    )
    with db.session() as s:
        leader = authenticate(s, username="zhang", password="demo-pass-1")
        result = evaluate_project_pilot(s, actor=leader, project_id=sample.projects["YH-LC01"])
    time_row, error_row = result.rows
    assert (time_row.kpi_zh, error_row.kpi_zh) == ("激活时长中位数", "错误率")
    assert time_row.before == pytest.approx(planted.MEDIAN_ACTIVATION_MINUTES_BEFORE * 60, rel=0.15)
    assert time_row.after == pytest.approx(planted.MEDIAN_ACTIVATION_MINUTES_PILOT * 60, rel=0.15)
    assert time_row.significant and error_row.significant
    assert error_row.after is not None and error_row.after < planted.ERROR_RATE_BEFORE / 2
    assert time_row.satisfaction == 4.5
    assert time_row.unmet_issues == "手机号验证码收不到 → 短信通道需优化"
    minutes, percent = result.targets
    assert (minutes.unit, minutes.target, percent.unit, percent.target) == ("分钟", 8.0, "%", 1.0)
    assert minutes.after == pytest.approx(8, rel=0.15)


def test_box_plot_whiskers_stop_at_one_and_a_half_iqr() -> None:
    import numpy as np

    values = np.array([10.0, 20, 30, 40, 50, 60, 70, 80, 90, 1000])
    low, q1, median, q3, high = box_stats(values) or []
    assert (q1, median, q3) == (32.5, 55.0, 77.5)
    assert (low, high) == (10.0, 90.0)  # 1000 is beyond Q3 + 1.5 IQR = 145
    assert box_stats(np.array([])) is None
