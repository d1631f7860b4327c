"""The SOP workflow: draft, submit for review, review (会签), sign, publish, new version, verify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from opexflow.errors import (
    ConflictError,
    GateError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from opexflow.sop.checks import check_sop
from opexflow.sop.model import ChangeRecord as SopChange
from opexflow.sop.model import Sop
from opexflow.sop.versioning import bump, content_hash
from opexflow.workspace import changes
from opexflow.workspace.access import Action, project_role, require
from opexflow.workspace.base import utcnow
from opexflow.workspace.metrics import list_metrics
from opexflow.workspace.processes import get_process
from opexflow.workspace.projects import get_project
from opexflow.workspace.sops import (
    ChangeRecord,
    ReviewDecision,
    SopComment,
    SopDocument,
    SopReview,
    SopSignature,
    SopStatus,
    SopVersion,
    _editable,
    _stored,
    content_of,
    get_document,
    get_version,
    parse_content,
    versions_of,
)
from opexflow.workspace.users import User, get_user


def create_sop(
    session: Session,
    *,
    actor: User,
    project_id: int,
    title: str,
    content: Sop | dict[str, Any] | str,
) -> SopVersion:
    """A new SOP for the project's process, with its first draft V1.0."""
    require(session, actor, project_id, Action.edit)
    project = get_project(session, project_id, actor=actor)
    sop = parse_content(content)
    process = get_process(session, project.process_id)
    if sop.process_id != process.code:
        raise InputError(
            f"the SOP is for process {sop.process_id!r} but the project's process is {process.code}",
            errors=[{"field": "process_id", "message": process.code}],
        )
    if not title.strip():
        raise InputError("the SOP has no title", errors=[{"field": "title", "message": "required"}])
    document = changes.add(
        session,
        SopDocument(project_id=project_id, process_id=process.id, title=title.strip()),
        actor=actor,
    )
    version = SopVersion(
        project_id=project_id,
        document_id=document.id,
        number="V1.0",
        content=_stored(sop, "V1.0"),
        editor_id=actor.id,
    )
    return changes.add(session, version, actor=actor)


def draft_for_project(session: Session, *, actor: User, project_id: int, log_id: int) -> Sop:
    """A first SOP from a diagnosed log of the project's process (Table 1) and its Table 2."""
    from opexflow.sop.draft import draft_from_diagnosis
    from opexflow.workspace.forms import Measure
    from opexflow.workspace.items import list_
    from opexflow.workspace.processes import get_log

    project = get_project(session, project_id, actor=actor)
    record = get_log(session, log_id)
    if record.process_id != project.process_id or not record.diagnosis:
        raise InputError(f"event log {log_id} is not a diagnosed log of this project's process")
    process = get_process(session, project.process_id)
    measures = [
        {
            "goal": m.goal,
            "measure": m.measure,
            "department": m.owner_department,
            "due": m.due_on.isoformat() if m.due_on else "",
            "kpi": m.kpi,
            "baseline": m.baseline,
            "target": m.target,
            "unit": m.unit,
            "step": m.step,
        }
        for m in list_(session, Measure, actor=actor, project_id=project_id)
    ]
    return draft_from_diagnosis(
        record.diagnosis, measures=measures, process=process.code, name=process.name
    )


def update_draft(
    session: Session,
    *,
    actor: User,
    version_id: int,
    content: Sop | dict[str, Any] | str,
    expected_version: int | None = None,
) -> SopVersion:
    """Replace a draft's content (a submitted or signed version is refused)."""
    version = get_version(session, version_id, actor=actor)
    require(session, actor, version.project_id, Action.edit)
    _editable(version)
    sop = parse_content(content)
    return changes.update(
        session,
        version,
        actor=actor,
        expected_version=expected_version,
        content=_stored(sop, version.number),
    )


def check_version(session: Session, version: SopVersion) -> list[dict[str, object]]:
    """The checks before review, against the metric dictionary; [] when all pass.

    Each problem says where (section, step, role, rule) in ``message_zh``/``message_en``.
    """
    metrics = {m.name for m in list_metrics(session)}
    return [
        {**issue.to_dict(), "field": issue.section, "message": issue.message_en}
        for issue in check_sop(content_of(version), metrics=metrics)
    ]


def submit(
    session: Session, *, actor: User, version_id: int, reviewer_ids: list[int]
) -> SopVersion:
    """Send a draft to review: the checks must pass; each reviewer gets a pending review."""
    version = get_version(session, version_id, actor=actor)
    require(session, actor, version.project_id, Action.edit)
    _editable(version)
    problems = check_version(session, version)
    if problems:
        raise GateError(
            f"SOP {version.number} cannot go to review yet: {len(problems)} check(s) failed; first: "
            + str(problems[0].get("message_en", problems[0])),
            errors=problems,
            message_zh=f"SOP {version.number} 尚不能提交评审:{len(problems)} 项检查未通过",
        )
    if not reviewer_ids:
        raise InputError(
            "name at least one reviewer (会签需要至少一名评审人)",
            errors=[{"field": "reviewer_ids", "message": "required"}],
        )
    for reviewer_id in dict.fromkeys(reviewer_ids):
        reviewer = get_user(session, reviewer_id)
        role = project_role(session, reviewer, version.project_id)
        if role is None:
            raise InputError(f"{reviewer.username} is not a member of this project; add them first")
        if role.value == "viewer":
            raise InputError(
                f"{reviewer.username} only views this project; a reviewer must be a member, reviewer or leader"
            )
        department = _department_name(session, reviewer)
        changes.add(
            session,
            SopReview(
                project_id=version.project_id,
                version_id=version.id,
                reviewer_id=reviewer.id,
                department=department,
            ),
            actor=actor,
        )
    return changes.update(session, version, actor=actor, status=SopStatus.in_review)


def _department_name(session: Session, user: User) -> str:
    from opexflow.workspace.users import Department

    if user.department_id is None:
        return ""
    department = session.get(Department, user.department_id)
    return department.name if department else ""


def comment(
    session: Session, *, actor: User, version_id: int, anchor: str, text: str
) -> SopComment:
    """A comment on a section or step of a version (members and reviewers)."""
    version = get_version(session, version_id, actor=actor)
    role = project_role(session, actor, version.project_id)
    if role is None or role.value == "viewer":
        raise PermissionDeniedError(
            "viewers cannot comment; ask the project leader for a reviewer or member role"
        )
    if not text.strip():
        raise InputError("the comment is empty", errors=[{"field": "text", "message": "required"}])
    return changes.add(
        session,
        SopComment(
            project_id=version.project_id,
            version_id=version.id,
            author_id=actor.id,
            anchor=anchor.strip() or "sop",
            text=text.strip(),
        ),
        actor=actor,
    )


def review(
    session: Session,
    *,
    actor: User,
    version_id: int,
    decision: ReviewDecision | str,
    note: str = "",
) -> SopVersion:
    """A reviewer's verdict; asking for changes sends the version back to draft."""
    version = get_version(session, version_id, actor=actor)
    if version.status is not SopStatus.in_review:
        raise ConflictError(f"SOP {version.number} is {version.status.value}, not in review")
    mine = session.scalar(
        select(SopReview).where(
            SopReview.version_id == version.id, SopReview.reviewer_id == actor.id
        )
    )
    if mine is None:
        raise PermissionDeniedError(f"you are not a reviewer of SOP {version.number}")
    decision = ReviewDecision(decision)
    if decision is ReviewDecision.changes_requested and not note.strip():
        raise InputError(
            "say what should change (请说明需要修改的内容)",
            errors=[{"field": "note", "message": "required"}],
        )
    changes.update(
        session, mine, actor=actor, decision=decision, note=note.strip(), decided_at=utcnow()
    )
    if decision is ReviewDecision.changes_requested:
        for r in reviews_of(session, version.id):
            changes.remove(session, r, actor=actor)
        return changes.update(session, version, actor=actor, status=SopStatus.draft)
    return version


def reviews_of(session: Session, version_id: int) -> list[SopReview]:
    return list(
        session.scalars(
            select(SopReview).where(SopReview.version_id == version_id).order_by(SopReview.id)
        )
    )


def sign(session: Session, *, actor: User, version_id: int) -> SopSignature:
    """The leader signs once every reviewer approved; the content's SHA-256 is recorded."""
    version = get_version(session, version_id, actor=actor)
    require(session, actor, version.project_id, Action.lead)
    if version.status is not SopStatus.in_review:
        raise ConflictError(
            f"SOP {version.number} is {version.status.value}; only a reviewed version is signed"
        )
    pending = [
        r for r in reviews_of(session, version.id) if r.decision is not ReviewDecision.approved
    ]
    if pending:
        names = ", ".join(get_user(session, r.reviewer_id).display_name for r in pending)
        raise GateError(
            f"not every reviewer approved SOP {version.number} yet: {names}",
            message_zh=f"会签未完成:{names} 尚未同意",
            errors=[{"field": "reviews", "message": names}],
        )
    sha = content_hash(version.content)
    signature = changes.add(
        session,
        SopSignature(
            project_id=version.project_id, version_id=version.id, signer_id=actor.id, sha256=sha
        ),
        actor=actor,
    )
    changes.update(session, version, actor=actor, status=SopStatus.approved, content_sha256=sha)
    return signature


def publish(
    session: Session,
    *,
    actor: User,
    version_id: int,
    effective_on: date,
    summary: str,
    remarks: str = "",
) -> ChangeRecord:
    """Make an approved version effective from a date; the previous one is superseded; Table 4 gets a row."""
    version = get_version(session, version_id, actor=actor)
    require(session, actor, version.project_id, Action.lead)
    if version.status is not SopStatus.approved:
        raise ConflictError(
            f"SOP {version.number} is {version.status.value}; only an approved (signed) version is published"
        )
    if not summary.strip():
        raise InputError(
            "say what changed in this version (修改内容摘要)",
            errors=[{"field": "summary", "message": "required"}],
        )
    for older in versions_of(session, version.document_id):
        if older.status is SopStatus.effective:
            changes.update(session, older, actor=actor, status=SopStatus.superseded)
    changes.update(
        session,
        version,
        actor=actor,
        status=SopStatus.effective,
        effective_on=effective_on,
        change_summary=summary.strip(),
    )
    document = session.get(SopDocument, version.document_id)
    assert document is not None
    process = get_process(session, document.process_id)
    editor = get_user(session, version.editor_id).display_name if version.editor_id else ""
    reviewers = "、".join(
        get_user(session, r.reviewer_id).display_name for r in reviews_of(session, version.id)
    )
    return changes.add(
        session,
        ChangeRecord(
            project_id=version.project_id,
            version_id=version.id,
            process_code=process.code,
            process_name=process.name,
            number=version.number,
            effective_on=effective_on,
            summary=summary.strip(),
            editor=editor,
            reviewer=reviewers,
            remarks=remarks.strip(),
        ),
        actor=actor,
    )


def new_version(
    session: Session,
    *,
    actor: User,
    document_id: int,
    kind: Literal["minor", "major"],
    summary: str = "",
) -> SopVersion:
    """A new draft from the latest version: V1.0 → V1.1 (minor, a pilot fix) or V2.0 (major, a redesign)."""
    document = get_document(session, document_id, actor=actor)
    require(session, actor, document.project_id, Action.edit)
    versions = versions_of(session, document.id)
    if any(v.status in (SopStatus.draft, SopStatus.in_review) for v in versions):
        raise ConflictError(
            "this SOP already has a version in draft or review; finish that one first"
        )
    latest = versions[-1]
    number = bump(latest.number, kind)
    sop = content_of(latest)
    version = SopVersion(
        project_id=document.project_id,
        document_id=document.id,
        number=number,
        content=_stored(sop, number),
        editor_id=actor.id,
        change_summary=summary,
    )
    return changes.add(session, version, actor=actor)


def archive(session: Session, *, actor: User, version_id: int) -> SopVersion:
    version = get_version(session, version_id, actor=actor)
    require(session, actor, version.project_id, Action.lead)
    if version.status is SopStatus.effective:
        raise ConflictError("the effective version cannot be archived; publish its successor first")
    return changes.update(session, version, actor=actor, status=SopStatus.archived)


@dataclass(frozen=True)
class Verification:
    number: str
    signed_sha256: str | None
    current_sha256: str
    signed_by: str | None
    signed_at: str | None

    @property
    def intact(self) -> bool:
        return self.signed_sha256 is not None and self.signed_sha256 == self.current_sha256


def verify_version(session: Session, *, actor: User, version_id: int) -> Verification:
    """Compare a signed version's content with the hash recorded at signing."""
    version = get_version(session, version_id, actor=actor)
    signature = session.scalar(
        select(SopSignature)
        .where(SopSignature.version_id == version.id)
        .order_by(SopSignature.id.desc())
        .limit(1)
    )
    if signature is None:
        raise ConflictError(
            f"SOP {version.number} has not been signed yet; there is nothing to verify",
            message_zh=f"SOP {version.number} 尚未签字,无可校验",
        )
    return Verification(
        number=version.number,
        signed_sha256=signature.sha256,
        current_sha256=content_hash(version.content),
        signed_by=get_user(session, signature.signer_id).display_name,
        signed_at=signature.signed_at.isoformat(),
    )


def approved_for_project(session: Session, project_id: int) -> bool:
    """Whether the project has an approved (signed) or effective SOP version (gate 3 → 4)."""
    query = select(SopVersion.id).where(
        SopVersion.project_id == project_id,
        SopVersion.status.in_([SopStatus.approved, SopStatus.effective]),
    )
    return session.scalar(query.limit(1)) is not None


def table4(session: Session, *, actor: User, project_id: int) -> list[ChangeRecord]:
    require(session, actor, project_id, Action.read)
    query = (
        select(ChangeRecord).where(ChangeRecord.project_id == project_id).order_by(ChangeRecord.id)
    )
    return list(session.scalars(query))


def version_for_process(session: Session, code: str, number: str | None = None) -> SopVersion:
    """The SOP version of a process (e.g. YH-LC01): ``number``, else the effective one, else the latest."""
    from opexflow.workspace.processes import process_by_code

    process = process_by_code(session, code)
    query = (
        select(SopVersion)
        .join(SopDocument, SopDocument.id == SopVersion.document_id)
        .where(SopDocument.process_id == process.id)
        .order_by(SopVersion.id)
    )
    versions = list(session.scalars(query))
    if not versions:
        raise NotFoundError(
            f"process {process.code} has no SOP yet; start one with `opexflow sop new`"
        )
    if number is not None:
        found = [v for v in versions if v.number == number]
        if not found:
            have = ", ".join(dict.fromkeys(v.number for v in versions))
            raise NotFoundError(f"{process.code} has no SOP version {number}; it has {have}")
        return found[-1]
    effective = [v for v in versions if v.status is SopStatus.effective]
    return (effective or versions)[-1]


def document_for_export(session: Session, version: SopVersion) -> Sop:
    """The version's document with its cover filled from the workflow records.

    The signed content stays as signed; an export shows who edited, reviewed
    (会签) and signed it, and the date it took effect, as recorded here.
    """
    sop = content_of(version)
    update: dict[str, Any] = {"version": version.number}
    if version.effective_on is not None:
        update["effective_on"] = version.effective_on
    if version.editor_id is not None:
        update["editor"] = get_user(session, version.editor_id).display_name
    reviewers = [
        get_user(session, r.reviewer_id).display_name for r in reviews_of(session, version.id)
    ]
    if reviewers:
        update["reviewer"] = "、".join(reviewers)
    signature = session.scalar(
        select(SopSignature)
        .where(SopSignature.version_id == version.id)
        .order_by(SopSignature.id.desc())
        .limit(1)
    )
    if signature is not None:
        update["approver"] = get_user(session, signature.signer_id).display_name
    published = _published_rows(session, version)
    if published:
        update["history"] = published
    return sop.model_copy(update=update)


def table4_records(session: Session, *, actor: User, project_id: int) -> list[SopChange]:
    """The project's Table 4 as the SOP package's rows (for the XLSX export)."""
    return [_as_change(r) for r in table4(session, actor=actor, project_id=project_id)]


def _as_change(r: ChangeRecord) -> SopChange:
    return SopChange(
        process_id=r.process_code,
        name=r.process_name,
        version=r.number,
        effective_on=r.effective_on,
        summary=r.summary,
        editor=r.editor,
        reviewer=r.reviewer,
        remarks=r.remarks,
    )


def _published_rows(session: Session, version: SopVersion) -> tuple[SopChange, ...]:
    """Table 4 rows of this SOP up to this version, as the document's revision history."""
    query = (
        select(ChangeRecord)
        .join(SopVersion, SopVersion.id == ChangeRecord.version_id)
        .where(SopVersion.document_id == version.document_id, ChangeRecord.version_id <= version.id)
        .order_by(ChangeRecord.id)
    )
    return tuple(_as_change(r) for r in session.scalars(query))
