from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from opexflow.errors import GateError, InputError, PermissionDeniedError
from opexflow.workspace import items
from opexflow.workspace.access import ProjectRole
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.gates import check_gate, move_phase
from opexflow.workspace.phases import Phase, PhaseMove
from opexflow.workspace.pilots import PilotDecision
from opexflow.workspace.problems import FishboneCause, Problem, WhyChain
from opexflow.workspace.projects import Project, set_member, windows
from opexflow.workspace.teams import SurveyPlan, SurveyRecord, TeamMember
from opexflow.workspace.users import User, create_user


def _missing(session: Session, project: Project) -> list[str]:
    return [i.key for i in check_gate(session, project).missing]


def test_leaving_diagnosis_needs_team_survey_evidence_and_table1(
    session: Session, project: Project, leader: User
) -> None:
    assert _missing(session, project) == ["team_leader", "survey_plan", "evidence", "table1"]
    with pytest.raises(GateError) as err:
        move_phase(session, actor=leader, project=project, to="analyze")
    assert [e["field"] for e in err.value.errors] == [
        "team_leader",
        "survey_plan",
        "evidence",
        "table1",
    ]
    assert "the team has a leader" in str(err.value)
    pid = project.id
    items.create(session, TeamMember, actor=leader, project_id=pid, name="张经理", role="leader")
    items.create(
        session,
        SurveyPlan,
        actor=leader,
        project_id=pid,
        scope="注册激活全流程",
        departments=["运营部", "技术部"],
        start_on=date(2024, 3, 1),
        end_on=date(2024, 3, 8),
    )
    items.create(
        session,
        SurveyRecord,
        actor=leader,
        project_id=pid,
        kind="interview",
        held_on=date(2024, 3, 2),
        summary="审核需登录3个系统",
        steps=["人工审核"],
    )
    assert _missing(session, project) == ["table1"]
    items.create(
        session,
        CurrentStateRow,
        actor=leader,
        project_id=pid,
        step=1,
        activity="填写资料",
        minutes_per_step=5,
    )
    move = move_phase(session, actor=leader, project=project, to=Phase.analyze)
    assert (move.from_phase, move.to_phase, move.direction) == (
        Phase.diagnose,
        Phase.analyze,
        "forward",
    )
    assert project.phase is Phase.analyze
    plan = {w.phase: w for w in windows(session, pid)}
    assert (
        plan[Phase.diagnose].actual_end is not None and plan[Phase.analyze].actual_start is not None
    )


def _in_phase(session: Session, project: Project, phase: Phase) -> None:
    """Put the project in ``phase`` directly (the gates before it are tested above)."""
    project.phase = phase
    session.flush()


def test_analysis_needs_scored_problems_with_root_causes(
    session: Session, project: Project, leader: User
) -> None:
    _in_phase(session, project, Phase.analyze)
    assert _missing(session, project) == ["problems", "prioritized"]
    pid = project.id
    slow = items.create(
        session, Problem, actor=leader, project_id=pid, category="efficiency", title="审核慢"
    )
    minor = items.create(
        session,
        Problem,
        actor=leader,
        project_id=pid,
        category="quality",
        title="错别字",
        impact=1,
        urgency=1,
    )
    assert _missing(session, project) == ["prioritized"]
    items.update(session, Problem, slow.id, actor=leader, impact=5, urgency=5)
    assert _missing(session, project) == ["root_causes"]
    cause = items.create(
        session,
        FishboneCause,
        actor=leader,
        project_id=pid,
        problem_id=slow.id,
        category="machine",
        text="3个系统无接口",
    )
    assert _missing(session, project) == ["root_causes"]  # a cause, not yet the root
    items.update(session, FishboneCause, cause.id, actor=leader, is_root=True)
    assert _missing(session, project) == []
    items.update(session, FishboneCause, cause.id, actor=leader, is_root=False)
    items.create(
        session,
        WhyChain,
        actor=leader,
        project_id=pid,
        problem_id=slow.id,
        whys=["为什么慢?", "要查3个系统"],
        root_cause="系统未打通",
    )
    assert _missing(session, project) == []
    assert minor.quadrant is not None
    move_phase(session, actor=leader, project=project, to="design")


def test_design_needs_measures_and_names_the_missing_sop(
    session: Session, project: Project, leader: User
) -> None:
    _in_phase(session, project, Phase.design)
    slow = items.create(
        session,
        Problem,
        actor=leader,
        project_id=project.id,
        category="efficiency",
        title="审核慢",
        impact=5,
        urgency=4,
    )
    report = check_gate(session, project)
    assert [i.key for i in report.missing] == ["measures", "sop_approved"]
    assert "审核慢" in report.missing[0].zh
    items.create(
        session,
        Measure,
        actor=leader,
        project_id=project.id,
        problem_id=slow.id,
        goal="缩短激活时长",
        measure="系统自动校验三方数据",
        measure_type="automate",
        kpi="激活时长",
        baseline=30,
        target=8,
        unit="分钟",
    )
    assert [i.key for i in check_gate(session, project).missing] == ["sop_approved"]
    with pytest.raises(GateError, match="signed by the leader"):
        move_phase(session, actor=leader, project=project, to="pilot")


def test_a_pilot_ends_with_a_decision_either_way(
    session: Session, project: Project, leader: User
) -> None:
    _in_phase(session, project, Phase.pilot)
    with pytest.raises(GateError, match="adopt"):
        move_phase(session, actor=leader, project=project, to="rollout")
    items.create(
        session,
        PilotDecision,
        actor=leader,
        project_id=project.id,
        decision="redesign",
        reasons="短信验证码收不到",
    )
    move = move_phase(session, actor=leader, project=project, to="design", reason="试点未达标")
    assert (move.direction, project.phase) == ("back", Phase.design)
    _in_phase(session, project, Phase.pilot)
    items.create(
        session,
        PilotDecision,
        actor=leader,
        project_id=project.id,
        decision="adopt",
        reasons="激活时长30→8分钟",
    )
    move_phase(session, actor=leader, project=project, to="rollout")
    assert project.phase is Phase.rollout


def test_moving_back_needs_a_reason_and_only_one_step_forward(
    session: Session, project: Project, leader: User
) -> None:
    _in_phase(session, project, Phase.design)
    with pytest.raises(InputError, match="needs a reason"):
        move_phase(session, actor=leader, project=project, to="diagnose")
    with pytest.raises(InputError, match="one at a time"):
        move_phase(session, actor=leader, project=project, to="rollout")
    move_phase(
        session, actor=leader, project=project, to="diagnose", reason="数据口径有误,重新调研"
    )
    assert (
        session.query(PhaseMove).filter_by(project_id=project.id).one().reason
        == "数据口径有误,重新调研"
    )


def test_only_the_leader_moves_phases_and_decides_pilots(
    session: Session, project: Project, leader: User
) -> None:
    member = create_user(session, username="m", password="member-pass")
    set_member(
        session, actor=leader, project_id=project.id, user_id=member.id, role=ProjectRole.member
    )
    with pytest.raises(PermissionDeniedError):
        move_phase(session, actor=member, project=project, to="analyze")
    with pytest.raises(PermissionDeniedError):
        items.create(
            session,
            PilotDecision,
            actor=member,
            project_id=project.id,
            decision="adopt",
            reasons="x",
        )
