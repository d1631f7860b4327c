"""Standard process documents: versions, checks, review (会签), signature, publishing, exports, diff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from opexflow.errors import InputError
from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace import sop_workflow as flow
from opexflow.workspace.access import Action, require
from opexflow.workspace.sops import (
    ChangeRecord,
    ReviewDecision,
    SopComment,
    SopStatus,
    SopVersion,
    content_of,
    documents_of,
    get_document,
    get_version,
    versions_of,
)
from opexflow.workspace.users import User

router = APIRouter(tags=["SOP"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "bpmn": "application/xml",
    "json": "application/json",
}


class SopCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    content: dict[str, Any] | None = Field(
        None, description="An SOP document (docs/sop.md); or use from_log_id."
    )
    from_log_id: int | None = Field(
        None, description="Draft from this diagnosed log's Table 1 and the project's Table 2."
    )


class VersionSummary(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    document_id: int
    number: str
    status: SopStatus
    effective_on: date | None
    content_sha256: str | None
    change_summary: str
    version: int


class DocumentRead(BaseModel):
    id: int
    title: str
    versions: list[VersionSummary]


class ReviewRead(BaseModel):
    model_config = {"from_attributes": True}

    reviewer_id: int
    department: str
    decision: ReviewDecision
    note: str
    decided_at: datetime | None


class CommentRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    author_id: int
    anchor: str
    text: str
    created_at: datetime


class VersionRead(VersionSummary):
    content: dict[str, Any]
    checks: list[dict[str, Any]]
    reviews: list[ReviewRead]
    comments: list[CommentRead]


class ContentIn(BaseModel):
    version: int = Field(description="The version you read; a stale one gets 409.")
    content: dict[str, Any]


class SubmitIn(BaseModel):
    reviewer_ids: list[int] = Field(min_length=1)


class CommentIn(BaseModel):
    anchor: str = Field("sop", max_length=60, examples=["step:3", "raci", "purpose"])
    text: str = Field(min_length=1)


class ReviewIn(BaseModel):
    decision: Literal["approved", "changes_requested"]
    note: str = ""


class PublishIn(BaseModel):
    effective_on: date
    summary: str = Field(min_length=1)
    remarks: str = ""


class NewVersionIn(BaseModel):
    kind: Literal["minor", "major"] = Field(
        description="minor: a pilot fix (V1.1); major: a redesign (V2.0)"
    )
    summary: str = ""


class VerifyRead(BaseModel):
    number: str
    intact: bool
    signed_sha256: str | None
    current_sha256: str
    signed_by: str | None
    signed_at: str | None


class ChangeRecordRead(BaseModel):
    model_config = {"from_attributes": True}

    process_code: str
    process_name: str
    number: str
    effective_on: date
    summary: str
    editor: str
    reviewer: str
    remarks: str


def version_read(session: Session, version: SopVersion) -> VersionRead:
    comments = (
        session.query(SopComment)
        .filter(SopComment.version_id == version.id)
        .order_by(SopComment.id)
        .all()
    )
    return VersionRead(
        **VersionSummary.model_validate(version).model_dump(),
        content=version.content,
        checks=flow.check_version(session, version) if version.status is SopStatus.draft else [],
        reviews=[ReviewRead.model_validate(r) for r in flow.reviews_of(session, version.id)],
        comments=[CommentRead.model_validate(c) for c in comments],
    )


def create_document(session: Session, user: User, project_id: int, body: SopCreate) -> SopVersion:
    """A new SOP from content, or drafted from a diagnosed log and Table 2."""
    if (body.content is None) == (body.from_log_id is None):
        raise InputError(
            "give either content or from_log_id",
            errors=[{"field": "content", "message": "content or from_log_id"}],
        )
    content: Any = body.content
    if body.from_log_id is not None:
        content = flow.draft_for_project(
            session, actor=user, project_id=project_id, log_id=body.from_log_id
        )
    return flow.create_sop(
        session, actor=user, project_id=project_id, title=body.title, content=content
    )


@router.get("/projects/{project_id}/sops", response_model=list[DocumentRead])
def list_sops(project_id: int, session: SessionDep, user: CurrentUser) -> list[DocumentRead]:
    """The project's SOPs with their versions."""
    return [
        DocumentRead(
            id=d.id,
            title=d.title,
            versions=[VersionSummary.model_validate(v) for v in versions_of(session, d.id)],
        )
        for d in documents_of(session, actor=user, project_id=project_id)
    ]


@router.post("/projects/{project_id}/sops", response_model=VersionRead, status_code=201)
def create_sop(
    project_id: int, body: SopCreate, session: SessionDep, user: CurrentUser
) -> VersionRead:
    """Start an SOP (draft V1.0) from a document, or drafted from a diagnosed log and Table 2."""
    return version_read(session, create_document(session, user, project_id, body))


@router.get("/projects/{project_id}/table4", response_model=list[ChangeRecordRead])
def read_table4(project_id: int, session: SessionDep, user: CurrentUser) -> list[ChangeRecord]:
    """Table 4 (流程优化记录表): every published version."""
    return flow.table4(session, actor=user, project_id=project_id)


@router.get(
    "/projects/{project_id}/table4.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def export_table4_xlsx(
    project_id: int, session: SessionDep, user: CurrentUser, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """Table 4 (流程优化记录表) as a workbook with the seed's columns."""
    from urllib.parse import quote

    from opexflow.sop.xlsx import table4_xlsx

    data = table4_xlsx(flow.table4_records(session, actor=user, project_id=project_id), lang=lang)
    name = quote(
        f"{'表4_流程优化记录表' if lang == 'zh' else 'table4_version_record'}_{project_id}.xlsx"
    )
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/sop-versions/{version_id}", response_model=VersionRead)
def read_sop_version(version_id: int, session: SessionDep, user: CurrentUser) -> VersionRead:
    """A version with its content, the checks (for a draft), reviews and comments."""
    return version_read(session, get_version(session, version_id, actor=user))


@router.put("/sop-versions/{version_id}/content", response_model=VersionRead)
def update_sop_content(
    version_id: int, body: ContentIn, session: SessionDep, user: CurrentUser
) -> VersionRead:
    """Replace a draft's content (submitted and signed versions are refused with 409)."""
    version = flow.update_draft(
        session,
        actor=user,
        version_id=version_id,
        content=body.content,
        expected_version=body.version,
    )
    return version_read(session, version)


@router.post("/sop-versions/{version_id}/submit", response_model=VersionRead)
def submit_sop(
    version_id: int, body: SubmitIn, session: SessionDep, user: CurrentUser
) -> VersionRead:
    """Send a draft to review; 409 lists the failed checks with where they are."""
    return version_read(
        session,
        flow.submit(session, actor=user, version_id=version_id, reviewer_ids=body.reviewer_ids),
    )


@router.post("/sop-versions/{version_id}/comments", response_model=CommentRead, status_code=201)
def comment_sop(
    version_id: int, body: CommentIn, session: SessionDep, user: CurrentUser
) -> SopComment:
    """Comment on a section or a step (``step:3``)."""
    return flow.comment(
        session, actor=user, version_id=version_id, anchor=body.anchor, text=body.text
    )


@router.post("/sop-versions/{version_id}/review", response_model=VersionRead)
def review_sop(
    version_id: int, body: ReviewIn, session: SessionDep, user: CurrentUser
) -> VersionRead:
    """Your verdict as a reviewer; asking for changes returns the version to draft."""
    version = flow.review(
        session, actor=user, version_id=version_id, decision=body.decision, note=body.note
    )
    return version_read(session, version)


@router.post("/sop-versions/{version_id}/sign", response_model=VerifyRead)
def sign_sop(version_id: int, session: SessionDep, user: CurrentUser) -> VerifyRead:
    """The leader signs a version every reviewer approved (records the SHA-256)."""
    flow.sign(session, actor=user, version_id=version_id)
    return verify_sop(version_id, session, user)


@router.post("/sop-versions/{version_id}/publish", response_model=ChangeRecordRead)
def publish_sop(
    version_id: int, body: PublishIn, session: SessionDep, user: CurrentUser
) -> ChangeRecord:
    """Make a signed version effective; the previous one is superseded; Table 4 gets a row."""
    return flow.publish(
        session,
        actor=user,
        version_id=version_id,
        effective_on=body.effective_on,
        summary=body.summary,
        remarks=body.remarks,
    )


@router.post("/sops/{document_id}/versions", response_model=VersionRead, status_code=201)
def new_sop_version(
    document_id: int, body: NewVersionIn, session: SessionDep, user: CurrentUser
) -> VersionRead:
    """A new draft from the latest version (V1.1 or V2.0)."""
    get_document(session, document_id, actor=user)
    version = flow.new_version(
        session, actor=user, document_id=document_id, kind=body.kind, summary=body.summary
    )
    return version_read(session, version)


@router.post("/sop-versions/{version_id}/archive", response_model=VersionSummary)
def archive_sop(version_id: int, session: SessionDep, user: CurrentUser) -> SopVersion:
    """Archive a version that is not in force."""
    return flow.archive(session, actor=user, version_id=version_id)


@router.get("/sop-versions/{version_id}/verify", response_model=VerifyRead)
def verify_sop(version_id: int, session: SessionDep, user: CurrentUser) -> VerifyRead:
    """Whether the signed content is unchanged (its SHA-256 against the signature's)."""
    check = flow.verify_version(session, actor=user, version_id=version_id)
    return VerifyRead(
        intact=check.intact,
        **{
            k: getattr(check, k)
            for k in ("number", "signed_sha256", "current_sha256", "signed_by", "signed_at")
        },
    )


@router.get(
    "/sop-versions/{version_id}/export",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
)
def export_sop_version(
    version_id: int,
    session: SessionDep,
    user: CurrentUser,
    format: Literal["docx", "md", "html", "bpmn", "json"] = "docx",
    lang: Literal["zh", "en"] = "zh",
) -> Response:
    """The version as Word, Markdown, HTML, BPMN 2.0 or JSON."""
    from urllib.parse import quote

    from opexflow.sop.export import export_sop

    version = get_version(session, version_id, actor=user)
    sop = flow.document_for_export(session, version)
    data = export_sop(sop, format=format, lang=lang)
    name = quote(f"{sop.process_id}_{sop.name}_{version.number}.{format}")
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        data,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{name}"},
    )


@router.get("/sop-versions/{version_id}/diff")
def diff_sop_versions(
    version_id: int,
    against: int,
    session: SessionDep,
    user: CurrentUser,
    lang: Literal["zh", "en"] = "zh",
) -> dict[str, Any]:
    """What changed from version ``against`` to this one: sections, steps, RACI, control points, BPMN."""
    from opexflow.sop.diff import diff

    new = get_version(session, version_id, actor=user)
    old = get_version(session, against, actor=user)
    if old.document_id != new.document_id:
        raise InputError(
            "compare two versions of the same SOP",
            errors=[{"field": "against", "message": "same SOP"}],
        )
    changes = diff(content_of(old), content_of(new))
    out: dict[str, Any] = changes.to_dict()
    out["text"] = changes.text(lang)
    return out


class FlowchartIn(BaseModel):
    version: int = Field(description="The version you read; a stale one gets 409.")
    xml: str = Field(min_length=1, description="BPMN 2.0 XML, e.g. saved by bpmn-js")


@router.put("/sop-versions/{version_id}/flowchart", response_model=VersionRead)
def update_sop_flowchart(
    version_id: int, body: FlowchartIn, session: SessionDep, user: CurrentUser
) -> VersionRead:
    """Replace a draft's flowchart with BPMN 2.0 XML (elements, flows and lanes are kept; the layout is redone on export)."""
    from opexflow.models.bpmn_xml import from_xml
    from opexflow.sop.model import Flowchart

    version = get_version(session, version_id, actor=user)
    require(session, user, version.project_id, Action.edit)
    sop = content_of(version)
    chart = Flowchart.from_bpmn(from_xml(body.xml, source=f"SOP {version.number}"))
    updated = flow.update_draft(
        session,
        actor=user,
        version_id=version_id,
        content=sop.model_copy(update={"flowchart": chart}),
        expected_version=body.version,
    )
    return version_read(session, updated)
