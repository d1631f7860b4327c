from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from opexflow.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from opexflow.workspace import audit, items
from opexflow.workspace.access import ProjectRole
from opexflow.workspace.phases import Phase
from opexflow.workspace.problems import Problem, Quadrant
from opexflow.workspace.processes import Process, create_process
from opexflow.workspace.projects import (
    Project,
    create_project,
    get_project,
    list_projects,
    remove_member,
    set_member,
    windows,
)
from opexflow.workspace.risks import risks_of
from opexflow.workspace.users import Role, User, create_user


def test_a_new_project_has_its_plan_risks_and_leader(
    session: Session, project: Project, leader: User
) -> None:
    plan = windows(session, project.id)
    assert [w.phase for w in plan] == list(Phase)
    assert (plan[0].planned_start, plan[0].planned_end) == (date(2024, 3, 1), date(2024, 3, 14))
    assert (plan[1].planned_start, plan[1].planned_end) == (date(2024, 3, 15), date(2024, 3, 19))
    assert plan[-1].planned_end is None  # monitoring is ongoing
    assert plan[0].actual_start == date(2024, 3, 1)
    assert plan[0].overdue(date(2024, 3, 15)) and not plan[0].overdue(date(2024, 3, 14))
    keys = [r.key for r in risks_of(session, project.id)]
    assert keys == [
        "leadership_support",
        "buck_passing",
        "frontline_resistance",
        "rigidity",
        "data_quality",
    ]
    assert project.phase is Phase.diagnose
    assert list_projects(session, actor=leader) == [project]


def test_only_members_see_a_project(session: Session, project: Project, admin: User) -> None:
    outsider = create_user(session, username="out", password="out-pass-1")
    assert list_projects(session, actor=outsider) == []
    with pytest.raises(NotFoundError):
        get_project(session, project.id, actor=outsider)
    assert get_project(session, project.id, actor=admin) is project


def test_viewers_and_reviewers_change_nothing(
    session: Session, project: Project, leader: User
) -> None:
    viewer = create_user(session, username="v", password="viewer-pass", role=Role.viewer)
    reviewer = create_user(session, username="r", password="review-pass")
    set_member(session, actor=leader, project_id=project.id, user_id=viewer.id, role="member")
    set_member(session, actor=leader, project_id=project.id, user_id=reviewer.id, role="reviewer")
    for user in (viewer, reviewer):
        assert items.list_(session, Problem, actor=user, project_id=project.id) == []
        with pytest.raises(PermissionDeniedError, match="ask the project leader"):
            items.create(
                session,
                Problem,
                actor=user,
                project_id=project.id,
                category="efficiency",
                title="x",
            )


def test_members_edit_but_do_not_lead(session: Session, project: Project, leader: User) -> None:
    member = create_user(session, username="m", password="member-pass")
    set_member(
        session, actor=leader, project_id=project.id, user_id=member.id, role=ProjectRole.member
    )
    problem = items.create(
        session,
        Problem,
        actor=member,
        project_id=project.id,
        category="efficiency",
        title="人工审核慢",
        impact=5,
        urgency=4,
    )
    assert problem.quadrant is Quadrant.act_now
    with pytest.raises(PermissionDeniedError):
        set_member(session, actor=member, project_id=project.id, user_id=member.id, role="leader")
    with pytest.raises(InputError, match="at least one leader"):
        remove_member(session, actor=leader, project_id=project.id, user_id=leader.id)


def test_members_cannot_create_projects(session: Session, process: Process) -> None:
    member = create_user(session, username="m2", password="member-pass")
    with pytest.raises(PermissionDeniedError, match="workspace role admin, leader"):
        create_project(
            session,
            actor=member,
            name="x",
            process_id=process.id,
            trigger="compliance",
            started_on=date(2024, 1, 1),
        )


def test_bad_project_input_names_the_field(
    session: Session, leader: User, process: Process
) -> None:
    with pytest.raises(InputError, match="trigger 'boredom'") as err:
        create_project(
            session,
            actor=leader,
            name="x",
            process_id=process.id,
            trigger="boredom",
            started_on=date(2024, 1, 1),
        )
    assert err.value.errors[0]["field"] == "trigger"
    with pytest.raises(InputError, match="YH-LC01"):
        create_process(session, actor=leader, code="activation", name="激活")
    with pytest.raises(ConflictError, match="already taken"):
        create_process(session, actor=leader, code="YH-LC01", name="重复")


def test_a_stale_update_conflicts_and_overwrites_nothing(
    session: Session, project: Project, leader: User
) -> None:
    problem = items.create(
        session, Problem, actor=leader, project_id=project.id, category="quality", title="资料错误"
    )
    read_version = problem.version
    items.update(
        session, Problem, problem.id, actor=leader, expected_version=read_version, impact=4
    )
    with pytest.raises(ConflictError, match="reload it"):
        items.update(
            session, Problem, problem.id, actor=leader, expected_version=read_version, impact=1
        )
    assert problem.impact == 4 and problem.version == read_version + 1


def test_every_change_is_audited_with_before_and_after(
    session: Session, project: Project, leader: User
) -> None:
    problem = items.create(
        session, Problem, actor=leader, project_id=project.id, category="risk", title="越权审批"
    )
    items.update(session, Problem, problem.id, actor=leader, urgency=5)
    items.delete(session, Problem, problem.id, actor=leader)
    trail = audit.history(session, entity="problems", entity_id=problem.id)
    assert [(e.action, e.actor) for e in reversed(trail)] == [
        ("create", "zhang"),
        ("update", "zhang"),
        ("delete", "zhang"),
    ]
    update = trail[1]
    assert (update.before, update.after) == ({"urgency": None}, {"urgency": 5})
    assert trail[0].before is not None and trail[0].before["title"] == "越权审批"
    assert all(e.project_id == project.id for e in trail)


def test_scores_outside_one_to_five_are_refused(
    session: Session, project: Project, leader: User
) -> None:
    with pytest.raises(InputError, match="score from 1") as err:
        items.create(
            session,
            Problem,
            actor=leader,
            project_id=project.id,
            category="quality",
            title="x",
            impact=9,
        )
    assert err.value.errors == [{"field": "impact", "message": "1–5"}]
