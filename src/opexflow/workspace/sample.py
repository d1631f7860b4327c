"""The demo workspace (issue 3 §8): the seed's two processes, their logs, two projects.

:func:`build_sample_workspace` fills an empty workspace with what a team would
have after five weeks of 用户注册激活流程 (YH-LC01) optimization: users and
departments, both processes with their demo logs imported and diagnosed, a
project in phase 4 (pilot) with its team, survey, Table 1 from the diagnosis,
problems with fishbone causes, five whys and impact/urgency scores, Table 2
measures, the risk register and the metric dictionary; and a second project
for 订单履约流程 (DD-LC01) in phase 1. Everything but the passwords (random
unless given) and the audit times is the same on every run; dates are relative
to ``today`` so that the project looks current.

Phases 1 → 2 → 3 are passed through their gates (:func:`~opexflow.workspace.gates.move_phase`).
The design → pilot gate needs an approved SOP version, which the SOP module
will provide; until then the demo sets phase 4 directly and records the move
with that reason.

Example:
    >>> sample = build_sample_workspace(db, "opexflow-data")  # doctest: +SKIP
    >>> sample.admin_password                                  # doctest: +SKIP
    'q3v...'
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opexflow.errors import ConflictError
from opexflow.workspace import changes, items
from opexflow.workspace.base import local_today
from opexflow.workspace.db import Database, upgrade
from opexflow.workspace.diagnosis import attach_and_diagnose, fill_table1, problem_from_finding
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.gates import move_phase
from opexflow.workspace.metrics import Direction, Metric
from opexflow.workspace.phases import Phase, PhaseWindow
from opexflow.workspace.pilots import (
    ControlKind,
    Pilot,
    PilotDay,
    PilotKpi,
    Retro,
    SatisfactionAnswer,
    UnmetIssue,
)
from opexflow.workspace.problems import FishboneCause, Problem, WhyChain
from opexflow.workspace.processes import EventLogRecord, Process, create_process
from opexflow.workspace.projects import Project, create_project, set_member
from opexflow.workspace.risks import Risk, RiskStatus
from opexflow.workspace.teams import TEAM_DUTIES, SurveyPlan, SurveyRecord, TeamMember, TeamRole
from opexflow.workspace.users import Role, User, create_user, department

if TYPE_CHECKING:
    from opexflow.logs.staging import ProgressCallback

DEPARTMENTS = ("运营部", "技术部", "客服部", "合规部", "财务部", "销售部", "仓储部", "产品部")

#: username, display name, workspace role, department, project role, team role
PEOPLE: tuple[tuple[str, str, Role, str, str | None, TeamRole | None], ...] = (
    ("zhang", "张经理", Role.leader, "运营部", None, TeamRole.leader),
    ("li", "李娜", Role.member, "运营部", "member", TeamRole.business),
    ("wang", "王强", Role.member, "技术部", "member", TeamRole.it),
    ("zhao", "赵敏", Role.member, "合规部", "member", TeamRole.compliance),
    ("chen", "陈总监", Role.reviewer, "运营部", "reviewer", None),
    ("liu", "刘洋", Role.viewer, "客服部", "viewer", None),
)

#: Days the YH-LC01 project has run: diagnose 13, analyze 5, design 16 (late), pilot since.
PROJECT_AGE_DAYS = 35

ROLES = {
    "用户填写信息": "用户",
    "人工审核": "运营专员",
    "补充资料": "用户",
    "技术核查": "技术工程师",
    "系统激活": "系统",
    "发送短信": "系统",
    "激活完成": "系统",
}


@dataclass(frozen=True)
class SampleWorkspace:
    """What was built: whom to log in as, and the ids of what the demo shows."""

    admin_username: str
    admin_password: str
    passwords: dict[str, str]
    projects: dict[str, int]
    logs: dict[str, int] = field(default_factory=dict)


def build_sample_workspace(
    db: Database,
    data_dir: str | Path,
    *,
    events: int = 20_000,
    seed: int = 7,
    admin_password: str | None = None,
    password: str | None = None,
    today: date | None = None,
    progress: ProgressCallback | None = None,
) -> SampleWorkspace:
    """Build the demo workspace in an empty database (upgraded first).

    Args:
        data_dir: where the demo logs and their datasets are written.
        events: about this many events per demo log.
        seed: the demo logs' random seed.
        admin_password: the ``admin`` password; generated when None.
        password: every other demo user's password; generated when None.
        today: the day the demo is "now" (default today in ``OPEXFLOW_TZ``).
        progress: called with (stage, done, total) while the logs are imported.
    """
    from opexflow.demo import write_demo_logs

    upgrade(db)
    data_dir = Path(data_dir)
    today = today or local_today()
    admin_password = admin_password or secrets.token_urlsafe(12)
    password = password or secrets.token_urlsafe(12)
    paths = write_demo_logs(data_dir / "demo", events=events, seed=seed)
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(User)):
            raise ConflictError(
                "the workspace already has users; build the demo in an empty data directory "
                "or database (演示数据需要空的工作区)"
            )
        admin = create_user(
            s, username="admin", password=admin_password, display_name="管理员", role=Role.admin
        )
        for name in DEPARTMENTS:
            department(s, name)
        users = {
            u: create_user(
                s, username=u, password=password, display_name=d, role=r, department_name=dep
            )
            for u, d, r, dep, _, _ in PEOPLE
        }
        activation = create_process(
            s, actor=admin, code="YH-LC01", name="用户注册激活流程", department_name="运营部"
        )
        orders = create_process(
            s, actor=admin, code="DD-LC01", name="订单履约流程", department_name="仓储部"
        )
        logs = {
            name: attach_and_diagnose(
                s,
                actor=users["zhang"],
                process=process,
                path=paths[name],
                sla=sla,
                data_dir=data_dir,
                progress=progress,
            )
            for name, process, sla in (
                ("activation_before", activation, 1.0),
                ("activation_after", activation, 1.0),
                ("fulfilment", orders, 72.0),
            )
        }
        _metrics(s)
        pilot = _activation_project(s, users, activation, logs["activation_before"], today)
        _pilot(s, users["zhang"], pilot, logs["activation_before"], logs["activation_after"])
        second = _fulfilment_project(s, users, orders, logs["fulfilment"], today)
        projects = {"YH-LC01": pilot.id, "DD-LC01": second.id}
        log_ids = {name: rec.id for name, rec in logs.items()}
    return SampleWorkspace(
        "admin", admin_password, {u: password for u, *_ in PEOPLE}, projects, log_ids
    )


def _metrics(s: Session) -> None:
    from opexflow.kpi import Kpi

    entries: list[tuple[str, str, str, Kpi, str, Direction, str]] = [
        (
            "激活时长",
            "activation time",
            "从用户提交信息到激活完成的时长,取中位数",
            Kpi(
                name="激活时长",
                kind="throughput_time",
                statistic="median",
                name_zh="激活时长",
                name_en="activation time",
            ),
            "分钟",  # the formula measures seconds; pilots show and target it in minutes
            Direction.lower_is_better,
            "运营部",
        ),
        (
            "错误率",
            "error rate",
            "需要补充资料的注册申请占比(资料错误或不全)",
            Kpi(
                name="错误率",
                kind="case_share",
                activity="补充资料",
                name_zh="错误率",
                name_en="error rate",
            ),
            "%",
            Direction.lower_is_better,
            "运营部",
        ),
        (
            "技术核查转交率",
            "hand-over rate to IT",
            "审核中转交技术部核查的申请占比",
            Kpi(name="技术核查转交率", kind="case_share", activity="技术核查"),
            "%",
            Direction.lower_is_better,
            "技术部",
        ),
        (
            "财务审批等待时长",
            "wait for finance approval",
            "订单进入财务审批前的等待时长,取中位数",
            Kpi(name="财务审批等待时长", kind="waiting_time", activity="财务审批"),
            "小时",
            Direction.lower_is_better,
            "财务部",
        ),
    ]
    for name, name_en, definition, kpi, unit, direction, owner in entries:
        changes.add(
            s,
            Metric(
                name=name,
                name_en=name_en,
                definition=definition,
                formula=kpi.model_dump(mode="json"),
                unit=unit,
                direction=direction,
                source="事件日志 event log",
                owner=owner,
            ),
            actor=None,
        )


def _team(s: Session, users: dict[str, User], project: Project, with_all: bool) -> None:
    leader = users["zhang"]
    for username, display, _, dep, project_role, team_role in PEOPLE:
        if project_role is not None and with_all:
            set_member(
                s,
                actor=leader,
                project_id=project.id,
                user_id=users[username].id,
                role=project_role,
            )
        if team_role is not None and (with_all or team_role is TeamRole.leader):
            items.create(
                s,
                TeamMember,
                actor=leader,
                project_id=project.id,
                user_id=users[username].id,
                name=display,
                role=team_role,
                department=dep,
                duties=TEAM_DUTIES[team_role][0],
            )


def _survey(s: Session, leader: User, project: Project, start: date) -> None:
    pid = project.id
    items.create(
        s,
        SurveyPlan,
        actor=leader,
        project_id=pid,
        scope="用户注册激活全流程:从用户填写信息到激活完成、发送短信",
        departments=["运营部", "技术部", "客服部"],
        methods=["interview", "questionnaire", "observation"],
        start_on=start,
        end_on=start + timedelta(days=6),
    )
    records: list[tuple[str, int, str, str, str, list[str]]] = [
        (
            "interview",
            1,
            "运营专员 李娜",
            "运营部",
            "审核需手动核对3个系统的数据,每单约30分钟;资料不全时要退回用户补充",
            ["人工审核", "补充资料"],
        ),
        (
            "observation",
            2,
            "审核组(A组)",
            "运营部",
            "疑难申请转技术部核查后又退回运营部,来回转交无固定对接人,平均等待40分钟",
            ["人工审核", "技术核查"],
        ),
        (
            "questionnaire",
            4,
            "注册用户(回收 126 份)",
            "客服部",
            "用户最不满意的是等待激活时间长,其次是短信验证码收不到",
            ["发送短信"],
        ),
    ]
    for kind, day, who, dep, summary, steps in records:
        items.create(
            s,
            SurveyRecord,
            actor=leader,
            project_id=pid,
            kind=kind,
            held_on=start + timedelta(days=day),
            respondent=who,
            department=dep,
            summary=summary,
            steps=steps,
        )


#: For each finding kind of the activation diagnosis: impact, urgency, fishbone, five whys.
ANALYSIS: dict[str, tuple[int, int, list[tuple[str, str, bool]], list[str], str]] = {
    "bottleneck": (
        5,
        5,
        [
            ("man", "每个审核组只有1-2名审核员", False),
            ("machine", "3个系统数据未打通,需逐个登录核对", True),
            ("material", "用户提交的资料格式不统一", False),
            ("method", "所有申请都走人工逐条审核", False),
            ("environment", "注册高峰集中在上午", False),
        ],
        [
            "为什么激活要30分钟?因为申请在人工审核前排队",
            "为什么排队?因为每单审核要手动核对3个系统",
            "为什么要手动核对?因为3个系统之间没有接口",
            "为什么没有接口?因为系统建设时未规划数据共享",
        ],
        "3个系统未打通,审核依赖人工核对",
    ),
    "rework": (
        4,
        4,
        [
            ("method", "填写页面没有必填项校验", True),
            ("man", "审核员对资料要求理解不一致", False),
        ],
        [
            "为什么要反复审核?因为资料不全被退回补充",
            "为什么资料不全?因为提交时系统不校验必填项",
        ],
        "提交环节缺少必填项与格式校验",
    ),
    "handover": (
        4,
        3,
        [("method", "运营与技术之间没有明确的对接人和转交规则", True)],
        [
            "为什么在运营和技术之间来回转?因为疑难单不知道该谁处理",
            "为什么不知道?因为职责没有写进流程(无RACI)",
        ],
        "跨部门职责不清,缺少RACI",
    ),
    "sla_breach": (3, 2, [("environment", "高峰期积压导致超时", False)], [], ""),
}


def _problems(s: Session, leader: User, project: Project, rec: EventLogRecord) -> dict[str, int]:
    assert rec.diagnosis is not None
    kinds = [f["kind"] for f in rec.diagnosis["findings"]]
    ids: dict[str, int] = {}
    for kind, (impact, urgency, causes, whys, root) in ANALYSIS.items():
        if kind not in kinds:
            continue
        problem = problem_from_finding(
            s,
            actor=leader,
            project_id=project.id,
            log_record=rec,
            finding_index=kinds.index(kind),
            impact=impact,
            urgency=urgency,
        )
        ids[kind] = problem.id
        for category, text, is_root in causes:
            items.create(
                s,
                FishboneCause,
                actor=leader,
                project_id=project.id,
                problem_id=problem.id,
                category=category,
                text=text,
                is_root=is_root,
            )
        if whys:
            items.create(
                s,
                WhyChain,
                actor=leader,
                project_id=project.id,
                problem_id=problem.id,
                whys=whys,
                root_cause=root,
            )
    sms = items.create(
        s,
        Problem,
        actor=leader,
        project_id=project.id,
        category="quality",
        title="短信验证码收不到",
        description="问卷中用户反映验证码收不到,需要重发",
        activity="发送短信",
        impact=2,
        urgency=3,
    )
    ids["sms"] = sms.id
    return ids


def _measures(
    s: Session, leader: User, project: Project, problems: dict[str, int], due: date
) -> None:
    from opexflow.demo import planted

    rows: list[dict[str, Any]] = [
        {
            "problem": "bottleneck",
            "goal": "激活时长缩短至8分钟",
            "measure": "开发自动校验工具,对接3个系统数据,审核员只处理异常单",
            "measure_type": "automate",
            "owner_department": "技术部",
            "kpi": "激活时长",
            "baseline": planted.MEDIAN_ACTIVATION_MINUTES_BEFORE,
            "target": planted.MEDIAN_ACTIVATION_MINUTES_PILOT,
            "unit": "分钟",
            "step": "人工审核",
        },
        {
            "problem": "rework",
            "goal": "错误率降至1%",
            "measure": "填写页面强制校验必填项和证件格式,资料不全不能提交",
            "measure_type": "validation",
            "owner_department": "产品部",
            "kpi": "错误率",
            "baseline": round(planted.ERROR_RATE_BEFORE * 100, 2),
            "target": round(planted.ERROR_RATE_PILOT * 100, 2),
            "unit": "%",
            "step": "补充资料",
        },
        {
            "problem": "handover",
            "goal": "疑难单一次转交到位",
            "measure": "按RACI明确技术核查对接人,疑难单直接派给值班工程师",
            "measure_type": "raci",
            "owner_department": "运营部",
            "kpi": "技术核查转交率",
            "baseline": round(planted.PING_PONG_SHARE * 100, 2),
            "target": round(planted.PING_PONG_SHARE_PILOT * 100, 2),
            "unit": "%",
            "step": "技术核查",
        },
    ]
    for row in rows:
        problem_id = problems.get(row.pop("problem"))
        items.create(
            s,
            Measure,
            actor=leader,
            project_id=project.id,
            problem_id=problem_id,
            due_on=due,
            **row,
        )


def _activation_project(
    s: Session, users: dict[str, User], process: Process, rec: EventLogRecord, today: date
) -> Project:
    leader = users["zhang"]
    start = today - timedelta(days=PROJECT_AGE_DAYS)
    project = create_project(
        s,
        actor=leader,
        name="用户注册激活流程优化",
        process_id=process.id,
        trigger="low_efficiency",
        started_on=start,
        goal="激活时长从30分钟缩短至8分钟,错误率从5%降至1%",
        description="注册激活积压、用户投诉多;A组试点自动校验工具,B、C组为对照组。",
    )
    _team(s, users, project, with_all=True)
    _survey(s, leader, project, start)
    for row in fill_table1(s, actor=leader, project_id=project.id, log_record=rec):
        if row.activity in ROLES:
            items.update(s, CurrentStateRow, row.id, actor=leader, role=ROLES[row.activity])
    move_phase(s, actor=leader, project=project, to=Phase.analyze)
    problems = _problems(s, leader, project, rec)
    move_phase(s, actor=leader, project=project, to=Phase.design)
    _measures(s, leader, project, problems, start + timedelta(days=40))
    _standardize(s, users, project, today)
    _risk_owners(s, leader, project, today)
    _date_phases(s, leader, project, start, (13, 5, 16))
    return project


def _standardize(s: Session, users: dict[str, User], project: Project, today: date) -> None:
    """The activation SOP V1.0 through review (会签), signature and publishing, so the
    design → pilot gate passes; then V1.1 (the SMS-channel fix) as a draft."""
    from opexflow.demo.sops import activation_sop
    from opexflow.workspace.sop_workflow import (
        create_sop,
        new_version,
        publish,
        review,
        sign,
        submit,
        update_draft,
    )

    leader = users["zhang"]
    v1 = create_sop(
        s,
        actor=users["li"],
        project_id=project.id,
        title="用户注册激活流程SOP",
        content=activation_sop("V1.0"),
    )
    reviewers = [users[name] for name in ("chen", "wang", "zhao")]
    submit(s, actor=users["li"], version_id=v1.id, reviewer_ids=[u.id for u in reviewers])
    for reviewer in reviewers:
        review(s, actor=reviewer, version_id=v1.id, decision="approved")
    sign(s, actor=leader, version_id=v1.id)
    publish(
        s,
        actor=leader,
        version_id=v1.id,
        effective_on=today,
        summary="首次发布:审核环节接入自动校验工具,明确RACI与应急方案",
        remarks="A组试点",
    )
    move_phase(s, actor=leader, project=project, to=Phase.pilot)
    v11 = new_version(
        s,
        actor=users["li"],
        document_id=v1.document_id,
        kind="minor",
        summary="新增短信通道优化步骤",
    )
    update_draft(s, actor=users["li"], version_id=v11.id, content=activation_sop("V1.1"))


def _risk_owners(s: Session, leader: User, project: Project, today: date) -> None:
    owners = {
        "buck_passing": ("张经理", RiskStatus.mitigating),
        "frontline_resistance": ("李娜", RiskStatus.mitigating),
        "data_quality": ("王强", RiskStatus.mitigating),
        "leadership_support": ("张经理", RiskStatus.closed),
        "rigidity": ("赵敏", RiskStatus.open),
    }
    for risk in items.list_(s, Risk, actor=leader, project_id=project.id):
        owner, status = owners.get(risk.key or "", ("张经理", RiskStatus.open))
        items.update(
            s,
            Risk,
            risk.id,
            actor=leader,
            owner=owner,
            status=status,
            review_on=today + timedelta(days=7),
        )


def _date_phases(
    s: Session, leader: User, project: Project, start: date, lengths: tuple[int, ...]
) -> None:
    """Actual phase dates as the demo's story has them (the moves above happened 'today')."""
    query = select(PhaseWindow).where(PhaseWindow.project_id == project.id)
    windows = {w.phase: w for w in s.scalars(query)}
    cursor = start
    for phase, days in zip(list(Phase), lengths, strict=False):
        end = cursor + timedelta(days=days - 1)
        changes.update(s, windows[phase], actor=leader, actual_start=cursor, actual_end=end)
        cursor = end + timedelta(days=1)
    current = list(Phase)[len(lengths)]
    changes.update(s, windows[current], actor=leader, actual_start=cursor, actual_end=None)


#: The pilot team's satisfaction answers (1-5) and comments: mean 4.5.
SATISFACTION: tuple[tuple[int, str], ...] = (
    (5, "审核不用再逐个系统核对,省事多了"),
    (5, "异常单才需要人工看,工作量明显下降"),
    (4, "工具偶尔要刷新一次"),
    (5, "用户催单少了"),
    (4, "希望短信问题也能一起解决"),
    (5, ""),
    (4, "刚开始不熟悉,培训后顺手"),
    (4, "验证码收不到的投诉还在"),
)


def _pilot(
    s: Session, leader: User, project: Project, before: EventLogRecord, after: EventLogRecord
) -> None:
    """Team A's pilot of the check tool on the before/after logs, with its KPIs, tracking,
    retros, survey and the unmet SMS issue (the planted effect shows on the pilot page)."""
    from opexflow.demo import planted

    start = planted.PILOT_START
    pid = project.id
    items.create(
        s,
        Pilot,
        actor=leader,
        project_id=pid,
        pilot_name="A组试点自动校验工具",
        scope_attribute="团队",
        scope_value=planted.PILOT_TEAM,
        before_log_id=before.id,
        after_log_id=after.id,
        pilot_start=start,
        period_end=start + timedelta(days=20),
        control=ControlKind.rest,
        purpose="A组使用自动校验工具,B组和C组按原流程作为对照组。",
    )
    for kpi, target, unit in (
        ("激活时长", planted.MEDIAN_ACTIVATION_MINUTES_PILOT, "分钟"),
        ("错误率", round(planted.ERROR_RATE_PILOT * 100, 2), "%"),
    ):
        items.create(s, PilotKpi, actor=leader, project_id=pid, kpi=kpi, target=target, unit=unit)
    notes = (
        ("A组完成工具培训并开始试点", "两名审核员不熟悉异常单标记"),
        ("自动校验覆盖全部申请,人工只处理异常单", ""),
        ("审核排队明显减少", "部分用户反映验证码收不到"),
    )
    for day, (note, issues) in enumerate(notes):
        items.create(
            s,
            PilotDay,
            actor=leader,
            project_id=pid,
            day=start + timedelta(days=day),
            note=note,
            issues=issues,
        )
    items.create(
        s,
        Retro,
        actor=leader,
        project_id=pid,
        week_of=start,
        went_well="激活时长明显缩短,资料错误被填写页拦截",
        problems="短信验证码收不到的投诉没有减少",
        actions="与技术部评估短信通道;下周继续跟踪",
    )
    for i, (score, comment) in enumerate(SATISFACTION):
        items.create(
            s,
            SatisfactionAnswer,
            actor=leader,
            project_id=pid,
            score=score,
            comment=comment,
            respondent=f"A组审核员{i + 1}",
            answered_on=start + timedelta(days=12),
        )
    items.create(
        s,
        UnmetIssue,
        actor=leader,
        project_id=pid,
        issue="手机号验证码收不到",
        cause="短信通道需优化",
    )


def _fulfilment_project(
    s: Session, users: dict[str, User], process: Process, rec: EventLogRecord, today: date
) -> Project:
    leader = users["zhang"]
    project = create_project(
        s,
        actor=leader,
        name="订单履约流程合规优化",
        process_id=process.id,
        trigger="compliance",
        started_on=today - timedelta(days=3),
        goal="金额≥1万元的订单100%经财务审批;财务审批等待时长减半",
        description="履约规则调整:大额订单须财务审批,≥10万元的加急单可走绿色通道,24小时内补录。",
    )
    _team(s, users, project, with_all=False)
    items.create(
        s,
        SurveyPlan,
        actor=leader,
        project_id=project.id,
        scope="订单履约流程:从创建订单到签收",
        departments=["销售部", "财务部", "仓储部"],
        methods=["interview", "observation"],
        start_on=today - timedelta(days=3),
        end_on=today + timedelta(days=4),
    )
    fill_table1(s, actor=leader, project_id=project.id, log_record=rec)
    return project
