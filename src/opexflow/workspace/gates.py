"""Phase gates: what the seed requires before a project leaves a phase.

    diagnose → analyze: a team with a leader, a survey plan, a survey record or
                        a diagnosed log, the as-is process (Table 1 rows)
    analyze  → design:  problems prioritized; each act-now problem has a root cause
    design   → pilot:   measures for the act-now problems; an approved SOP version
    pilot    → rollout: a pilot decision "adopt" (or back to design: "redesign")

Moving back is always allowed to the leader and recorded with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from opexflow.errors import GateError, InputError
from opexflow.workspace import changes
from opexflow.workspace.access import Action, require
from opexflow.workspace.base import local_today, utcnow
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.phases import PHASE_NAMES, Phase, PhaseMove, PhaseWindow
from opexflow.workspace.pilots import Decision, PilotDecision
from opexflow.workspace.problems import FishboneCause, Problem, Quadrant, WhyChain
from opexflow.workspace.processes import EventLogRecord
from opexflow.workspace.projects import Project
from opexflow.workspace.sop_workflow import approved_for_project
from opexflow.workspace.teams import SurveyPlan, SurveyRecord, TeamMember, TeamRole
from opexflow.workspace.users import User


@dataclass(frozen=True)
class GateItem:
    """One requirement of a gate and whether it is met."""

    key: str
    met: bool
    zh: str
    en: str

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "met": self.met, "message_zh": self.zh, "message_en": self.en}


@dataclass(frozen=True)
class GateReport:
    phase: Phase
    to: Phase | None
    items: list[GateItem]

    @property
    def passed(self) -> bool:
        return all(i.met for i in self.items)

    @property
    def missing(self) -> list[GateItem]:
        return [i for i in self.items if not i.met]


def _count(session: Session, table: type, project_id: int, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(table.project_id == project_id, *where)  # type: ignore[attr-defined]
    return int(session.scalar(query) or 0)


def _diagnose_items(session: Session, project: Project) -> list[GateItem]:
    pid = project.id
    leader = _count(session, TeamMember, pid, TeamMember.role == TeamRole.leader)
    plans = _count(session, SurveyPlan, pid)
    records = _count(session, SurveyRecord, pid)
    diagnosed = session.scalar(
        select(func.count())
        .select_from(EventLogRecord)
        .where(
            EventLogRecord.process_id == project.process_id,
            EventLogRecord.diagnosed_at.is_not(None),
        )
    )
    rows = _count(session, CurrentStateRow, pid)
    return [
        GateItem("team_leader", leader > 0, "专项小组已指定组长", "the team has a leader"),
        GateItem("survey_plan", plans > 0, "已制定调研计划", "a survey plan exists"),
        GateItem(
            "evidence",
            records > 0 or bool(diagnosed),
            "至少一条调研记录或一份已诊断的事件日志",
            "at least one survey record or a diagnosed event log",
        ),
        GateItem("table1", rows > 0, "现状调研表(表1)已填写", "Table 1 (current state) has rows"),
    ]


def _act_now(session: Session, project_id: int) -> list[Problem]:
    problems = session.scalars(select(Problem).where(Problem.project_id == project_id)).all()
    return [p for p in problems if p.quadrant is Quadrant.act_now]


def _analyze_items(session: Session, project: Project) -> list[GateItem]:
    pid = project.id
    problems = session.scalars(select(Problem).where(Problem.project_id == pid)).all()
    unscored = [p.title for p in problems if p.quadrant is None]
    rooted = (
        exists().where(FishboneCause.problem_id == Problem.id, FishboneCause.is_root.is_(True))
    ) | (exists().where(WhyChain.problem_id == Problem.id, WhyChain.root_cause != ""))
    without_root = [
        p.title
        for p in session.scalars(select(Problem).where(Problem.project_id == pid, ~rooted))
        if p.quadrant is Quadrant.act_now
    ]
    return [
        GateItem("problems", bool(problems), "已登记问题", "problems are registered"),
        GateItem(
            "prioritized",
            bool(problems) and not unscored,
            "每个问题都已评估影响范围和紧急程度"
            + (f"(未评估:{'、'.join(unscored)})" if unscored else ""),
            "every problem is scored for impact and urgency"
            + (f" (not scored: {', '.join(unscored)})" if unscored else ""),
        ),
        GateItem(
            "root_causes",
            not without_root,
            "每个优先问题都有根因(鱼骨图或5Why)"
            + (f"(缺少:{'、'.join(without_root)})" if without_root else ""),
            "each act-now problem has a root cause (fishbone or five whys)"
            + (f" (missing: {', '.join(without_root)})" if without_root else ""),
        ),
    ]


def _design_items(session: Session, project: Project) -> list[GateItem]:
    covered = set(
        session.scalars(
            select(Measure.problem_id).where(
                Measure.project_id == project.id, Measure.problem_id.is_not(None)
            )
        )
    )
    uncovered = [p.title for p in _act_now(session, project.id) if p.id not in covered]
    measures = _count(session, Measure, project.id)
    return [
        GateItem(
            "measures",
            measures > 0 and not uncovered,
            "优先问题都有优化措施(表2)" + (f"(缺少:{'、'.join(uncovered)})" if uncovered else ""),
            "the act-now problems have measures (Table 2)"
            + (f" (missing: {', '.join(uncovered)})" if uncovered else ""),
        ),
        GateItem(
            "sop_approved",
            approved_for_project(session, project.id),
            "标准化流程文档(SOP)已会签并由组长签字",
            "an SOP version reviewed by every reviewer and signed by the leader",
        ),
    ]


def _latest_decision(session: Session, project_id: int) -> PilotDecision | None:
    query = (
        select(PilotDecision)
        .where(PilotDecision.project_id == project_id)
        .order_by(PilotDecision.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _pilot_items(session: Session, project: Project, to: Phase) -> list[GateItem]:
    decision = _latest_decision(session, project.id)
    wanted = Decision.redesign if to is Phase.design else Decision.adopt
    zh = "试点结论为“推广”" if wanted is Decision.adopt else "试点结论为“重新设计”并说明原因"
    en = (
        "a pilot decision to adopt"
        if wanted is Decision.adopt
        else "a pilot decision to redesign, with reasons"
    )
    return [
        GateItem("pilot_decision", decision is not None and decision.decision is wanted, zh, en)
    ]


def check_gate(session: Session, project: Project, to: Phase | None = None) -> GateReport:
    """What leaving the current phase (towards ``to``, default the next one) requires."""
    phase = project.phase
    to = to or phase.next()
    items: list[GateItem]
    if phase is Phase.diagnose:
        items = _diagnose_items(session, project)
    elif phase is Phase.analyze:
        items = _analyze_items(session, project)
    elif phase is Phase.design:
        items = _design_items(session, project)
    elif phase is Phase.pilot and to is not None:
        items = _pilot_items(session, project, to)
    else:
        items = []
    return GateReport(phase, to, items)


def move_phase(
    session: Session, *, actor: User, project: Project, to: Phase | str, reason: str = ""
) -> PhaseMove:
    """Move the project to ``to``: forward through the gate, or back with a reason."""
    require(session, actor, project.id, Action.lead)
    to = Phase(to)
    current = project.phase
    if to is current:
        raise InputError(f"the project is already in phase {to.number} ({to.value})")
    forward = to.number > current.number
    redesign = current is Phase.pilot and to is Phase.design
    if forward and to.number != current.number + 1:
        raise InputError(
            f"phases are passed one at a time: from {current.number} ({current.value}) "
            f"the next is {current.number + 1}"
        )
    if forward or redesign:
        report = check_gate(session, project, to)
        if not report.passed:
            zh, en = PHASE_NAMES[current]
            raise GateError(
                f"phase {current.number} ({en} / {zh}) cannot be left yet: "
                + "; ".join(i.en for i in report.missing),
                message_zh=f"第{current.number}阶段「{zh}」尚不能结束,还缺:"
                + ";".join(i.zh for i in report.missing),
                errors=[i.to_dict() | {"field": i.key, "message": i.en} for i in report.missing],
            )
    elif not reason.strip():
        raise InputError(
            "moving back to an earlier phase needs a reason",
            errors=[{"field": "reason", "message": "required"}],
        )
    _close_and_open(session, actor, project, current, to)
    changes.update(session, project, actor=actor, phase=to)
    move = PhaseMove(
        project_id=project.id,
        from_phase=current,
        to_phase=to,
        moved_by=actor.id,
        moved_at=utcnow(),
        reason=reason.strip(),
        direction="forward" if forward else "back",
    )
    return changes.add(session, move, actor=actor)


def _close_and_open(
    session: Session, actor: User, project: Project, current: Phase, to: Phase
) -> None:
    today = local_today()
    query = select(PhaseWindow).where(PhaseWindow.project_id == project.id)
    by_phase = {w.phase: w for w in session.scalars(query)}
    if current in by_phase:
        changes.update(session, by_phase[current], actor=actor, actual_end=today)
    if to in by_phase:
        changes.update(session, by_phase[to], actor=actor, actual_start=today, actual_end=None)
