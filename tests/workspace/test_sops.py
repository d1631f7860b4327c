"""The SOP workflow: draft, review by all (会签), the leader's signature, publishing, versions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from opexflow.demo.sops import activation_sop
from opexflow.errors import ConflictError, GateError, InputError, PermissionDeniedError
from opexflow.workspace import changes
from opexflow.workspace.access import ProjectRole
from opexflow.workspace.gates import check_gate
from opexflow.workspace.metrics import Metric
from opexflow.workspace.phases import Phase
from opexflow.workspace.projects import Project, set_member
from opexflow.workspace.sop_workflow import (
    comment,
    create_sop,
    new_version,
    publish,
    review,
    sign,
    submit,
    table4,
    update_draft,
    verify_version,
)
from opexflow.workspace.sops import SopStatus, SopVersion, content_of
from opexflow.workspace.users import User, create_user


@pytest.fixture
def reviewers(session: Session, project: Project, leader: User) -> list[User]:
    people = [
        create_user(
            session,
            username="chen",
            password="review-pass-1",
            display_name="陈总监",
            department_name="技术部",
        ),
        create_user(
            session,
            username="sun",
            password="review-pass-1",
            display_name="孙主管",
            department_name="客服部",
        ),
    ]
    for user in people:
        set_member(
            session, actor=leader, project_id=project.id, user_id=user.id, role=ProjectRole.reviewer
        )
    return people


@pytest.fixture
def draft(session: Session, project: Project, leader: User) -> SopVersion:
    return create_sop(
        session,
        actor=leader,
        project_id=project.id,
        title="用户注册激活SOP",
        content=activation_sop(),
    )


def _define_kpis(session: Session, version: SopVersion) -> None:
    target = content_of(version).target
    assert target is not None
    changes.add(
        session,
        Metric(name=target.kpi, definition="从提交资料到激活完成的时长", unit=target.unit),
        actor=None,
    )


def test_review_needs_the_checks_to_pass_and_says_what_fails(
    session: Session, leader: User, draft: SopVersion, reviewers: list[User]
) -> None:
    with pytest.raises(GateError) as failed:
        submit(session, actor=leader, version_id=draft.id, reviewer_ids=[u.id for u in reviewers])
    kpi = content_of(draft).target.kpi  # type: ignore[union-attr]
    assert any(kpi in str(e["message_zh"]) for e in failed.value.errors)
    assert draft.status is SopStatus.draft
    _define_kpis(session, draft)
    submit(session, actor=leader, version_id=draft.id, reviewer_ids=[u.id for u in reviewers])
    assert draft.status is SopStatus.in_review


def test_all_reviewers_approve_then_the_leader_signs(
    session: Session, project: Project, leader: User, draft: SopVersion, reviewers: list[User]
) -> None:
    _define_kpis(session, draft)
    submit(session, actor=leader, version_id=draft.id, reviewer_ids=[u.id for u in reviewers])
    with pytest.raises(ConflictError, match="only a draft can be changed"):
        update_draft(session, actor=leader, version_id=draft.id, content=activation_sop())
    comment(
        session,
        actor=reviewers[0],
        version_id=draft.id,
        anchor="step:2",
        text="核对三个系统的顺序要写清楚",
    )
    review(session, actor=reviewers[0], version_id=draft.id, decision="approved")
    with pytest.raises(GateError, match=r"not every reviewer approved .*孙主管"):
        sign(session, actor=leader, version_id=draft.id)
    with pytest.raises(PermissionDeniedError):
        review(session, actor=leader, version_id=draft.id, decision="approved")  # not a reviewer
    review(session, actor=reviewers[1], version_id=draft.id, decision="approved")
    with pytest.raises(PermissionDeniedError):
        sign(session, actor=reviewers[1], version_id=draft.id)  # only the leader signs
    signature = sign(session, actor=leader, version_id=draft.id)
    assert (
        draft.status is SopStatus.approved
        and draft.content_sha256 == signature.sha256
        and len(signature.sha256) == 64
    )
    assert verify_version(session, actor=leader, version_id=draft.id).intact
    project.phase = Phase.design
    assert "sop_approved" not in [i.key for i in check_gate(session, project).missing]


def test_asking_for_changes_returns_the_draft(
    session: Session, leader: User, draft: SopVersion, reviewers: list[User]
) -> None:
    _define_kpis(session, draft)
    submit(session, actor=leader, version_id=draft.id, reviewer_ids=[u.id for u in reviewers])
    with pytest.raises(InputError, match="say what should change"):
        review(session, actor=reviewers[0], version_id=draft.id, decision="changes_requested")
    review(
        session,
        actor=reviewers[0],
        version_id=draft.id,
        decision="changes_requested",
        note="补充应急方案",
    )
    assert draft.status is SopStatus.draft
    update_draft(session, actor=leader, version_id=draft.id, content=activation_sop())


def test_publishing_supersedes_and_writes_table_4(
    session: Session, project: Project, leader: User, draft: SopVersion, reviewers: list[User]
) -> None:
    _define_kpis(session, draft)

    def approve(version: SopVersion) -> None:
        submit(session, actor=leader, version_id=version.id, reviewer_ids=[u.id for u in reviewers])
        for user in reviewers:
            review(session, actor=user, version_id=version.id, decision="approved")
        sign(session, actor=leader, version_id=version.id)

    approve(draft)
    publish(
        session,
        actor=leader,
        version_id=draft.id,
        effective_on=date(2024, 4, 8),
        summary="首次发布",
    )
    fix = new_version(
        session,
        actor=leader,
        document_id=draft.document_id,
        kind="minor",
        summary="新增短信通道优化步骤",
    )
    assert fix.number == "V1.1" and fix.status is SopStatus.draft
    update_draft(session, actor=leader, version_id=fix.id, content=activation_sop("V1.1"))
    approve(fix)
    row = publish(
        session,
        actor=leader,
        version_id=fix.id,
        effective_on=date(2024, 5, 6),
        summary="新增短信通道优化步骤",
        remarks="解决验证码接收问题",
    )
    assert draft.status is SopStatus.superseded and fix.status is SopStatus.effective
    rows = table4(session, actor=leader, project_id=project.id)
    assert [(r.process_code, r.number, r.effective_on) for r in rows] == [
        ("YH-LC01", "V1.0", date(2024, 4, 8)),
        ("YH-LC01", "V1.1", date(2024, 5, 6)),
    ]
    assert row.reviewer == "陈总监、孙主管" and row.remarks == "解决验证码接收问题"
    assert (
        new_version(session, actor=leader, document_id=draft.document_id, kind="major").number
        == "V2.0"
    )


def test_verify_shows_a_change_made_behind_the_workflows_back(
    session: Session, leader: User, draft: SopVersion, reviewers: list[User]
) -> None:
    _define_kpis(session, draft)
    submit(session, actor=leader, version_id=draft.id, reviewer_ids=[reviewers[0].id])
    review(session, actor=reviewers[0], version_id=draft.id, decision="approved")
    sign(session, actor=leader, version_id=draft.id)
    tampered = dict(draft.content, purpose="被人偷偷改过")
    session.execute(
        text("UPDATE sop_versions SET content = :c WHERE id = :i"),
        {"c": __import__("json").dumps(tampered, ensure_ascii=False), "i": draft.id},
    )
    session.expire(draft)
    check = verify_version(session, actor=leader, version_id=draft.id)
    assert not check.intact and check.signed_sha256 != check.current_sha256


def test_an_sop_for_another_process_is_refused(
    session: Session, project: Project, leader: User
) -> None:
    other = activation_sop().model_copy(update={"process_id": "DD-LC01"})
    with pytest.raises(InputError, match="project's process is YH-LC01"):
        create_sop(session, actor=leader, project_id=project.id, title="x", content=other)
