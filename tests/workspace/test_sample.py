from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opexflow.errors import ConflictError
from opexflow.workspace import items
from opexflow.workspace.access import ProjectRole, project_role
from opexflow.workspace.db import Database, open_database
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.gates import check_gate
from opexflow.workspace.metrics import list_metrics
from opexflow.workspace.phases import Phase, PhaseMove
from opexflow.workspace.problems import FishboneCause, Problem, Quadrant, WhyChain
from opexflow.workspace.projects import get_project, windows
from opexflow.workspace.risks import Risk
from opexflow.workspace.sample import SampleWorkspace, build_sample_workspace
from opexflow.workspace.teams import SurveyPlan, SurveyRecord, TeamMember, TeamRole
from opexflow.workspace.users import User, authenticate

TODAY = date(2024, 4, 15)


def _build(db: Database, data_dir: Path) -> SampleWorkspace:
    return build_sample_workspace(
        db,
        data_dir,
        events=3000,
        admin_password="admin-pass-1",
        password="demo-pass-1",
        today=TODAY,
    )


def test_the_sample_workspace(db: Database, tmp_path: Path) -> None:
    sample = _build(db, tmp_path)
    assert sample.passwords.keys() == {"zhang", "li", "wang", "zhao", "chen", "liu"}
    with db.session() as s:
        admin = authenticate(s, username="admin", password="admin-pass-1")
        leader = authenticate(s, username="zhang", password="demo-pass-1")
        assert leader.display_name == "张经理"
        pilot = get_project(s, sample.projects["YH-LC01"], actor=leader)
        assert pilot.phase is Phase.pilot
        pid = pilot.id
        for table in (
            TeamMember,
            SurveyPlan,
            SurveyRecord,
            CurrentStateRow,
            Problem,
            FishboneCause,
            WhyChain,
            Measure,
            Risk,
        ):
            assert items.list_(s, table, actor=leader, project_id=pid), table.__tablename__
        team = items.list_(s, TeamMember, actor=leader, project_id=pid)
        assert {m.role for m in team} == set(TeamRole)
        rows = items.list_(s, CurrentStateRow, actor=leader, project_id=pid)
        review = next(r for r in rows if r.activity == "人工审核")
        assert (review.source, review.role) == ("diagnosis", "运营专员")
        problems = items.list_(s, Problem, actor=leader, project_id=pid)
        assert problems[0].title == "瓶颈:人工审核"
        assert problems[0].quadrant is Quadrant.act_now
        assert {p.quadrant for p in problems} >= {Quadrant.act_now, Quadrant.quick_fix}
        measures = items.list_(s, Measure, actor=leader, project_id=pid)
        assert [m.expected_effect for m in measures][:2] == [
            "激活时长 30 → 8 分钟",
            "错误率 5 → 1 %",
        ]
        risks = items.list_(s, Risk, actor=leader, project_id=pid)
        assert len(risks) == 5 and all(r.owner and r.review_on for r in risks)
        assert [m.name for m in list_metrics(s)] == sorted(
            ["激活时长", "错误率", "技术核查转交率", "财务审批等待时长"]
        )
        moves = s.scalars(select(PhaseMove).where(PhaseMove.project_id == pid)).all()
        assert [(m.from_phase, m.to_phase) for m in moves] == [
            (Phase.diagnose, Phase.analyze),
            (Phase.analyze, Phase.design),
            (Phase.design, Phase.pilot),
        ]
        # Phase 4 through its gate: the activation SOP was reviewed, signed and published.
        from opexflow.workspace.sops import SopStatus, SopVersion

        versions = s.scalars(
            select(SopVersion).where(SopVersion.project_id == pid).order_by(SopVersion.id)
        ).all()
        assert [(v.number, v.status) for v in versions] == [
            ("V1.0", SopStatus.effective),
            ("V1.1", SopStatus.draft),
        ]
        assert versions[0].content_sha256 is not None
        plan = {w.phase: w for w in windows(s, pid)}
        assert plan[Phase.pilot].actual_start == TODAY - timedelta(days=1)
        assert plan[Phase.design].overdue(TODAY) and not plan[Phase.diagnose].overdue(TODAY)
        viewer = s.scalars(select(User).where(User.username == "liu")).one()
        assert project_role(s, viewer, pid) is ProjectRole.viewer
        orders = get_project(s, sample.projects["DD-LC01"], actor=admin)
        assert orders.phase is Phase.diagnose
        assert check_gate(s, orders).passed
        assert set(sample.logs) == {"activation_before", "activation_after", "fulfilment"}


def _story(db: Database) -> list[Any]:
    with db.session() as s:
        return [
            [(p.title, p.category, p.impact, p.urgency) for p in s.scalars(select(Problem))],
            [(r.activity, r.minutes_per_step) for r in s.scalars(select(CurrentStateRow))],
            [(m.goal, m.baseline, m.target) for m in s.scalars(select(Measure))],
        ]


def test_the_sample_is_deterministic_and_needs_an_empty_workspace(
    db: Database, tmp_path: Path
) -> None:
    _build(db, tmp_path / "a")
    other = open_database(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        _build(other, tmp_path / "b")
        assert _story(other) == _story(db)
    finally:
        other.dispose()
    with pytest.raises(ConflictError, match="already has users"):
        _build(db, tmp_path / "a")
