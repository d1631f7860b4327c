"""Standard process documents (SOP) in the workspace: versions, review, sign-off, publishing.

A version moves ``draft → in_review → approved → effective → superseded``
(or ``archived``). Reviewers of the departments concerned each approve or
ask for changes (会签: all must approve); the project leader then signs,
which stores the SHA-256 of the canonical content; publishing sets the
effective date, supersedes the previous effective version and writes the
Table 4 row (流程优化记录表). Nobody edits a version once it is submitted:
changes go into a new version (V1.1 for a pilot fix, V2.0 for a redesign).

The document itself is :class:`opexflow.sop.model.Sop`, stored as JSON.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.errors import ConflictError, InputError, NotFoundError
from opexflow.sop.model import Sop
from opexflow.workspace.access import Action, require
from opexflow.workspace.base import Record, utcnow
from opexflow.workspace.users import User


class SopStatus(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    effective = "effective"
    superseded = "superseded"
    archived = "archived"


class ReviewDecision(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    changes_requested = "changes_requested"


class SopDocument(Record):
    """One standard process of a project's process; its versions hold the content."""

    __tablename__ = "sop_documents"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))


class SopVersion(Record):
    __tablename__ = "sop_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("sop_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(10))
    status: Mapped[SopStatus] = mapped_column(default=SopStatus.draft)
    content: Mapped[dict[str, Any]]
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    change_summary: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    effective_on: Mapped[date | None]


class SopReview(Record):
    """One reviewer's verdict on a version (all must approve)."""

    __tablename__ = "sop_reviews"
    __table_args__ = (UniqueConstraint("version_id", "reviewer_id"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    department: Mapped[str] = mapped_column(String(120), default="")
    decision: Mapped[ReviewDecision] = mapped_column(default=ReviewDecision.pending)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]


class SopComment(Record):
    """A reviewer's comment on a section or a step (anchor ``step:3``, ``raci``, ``purpose`` ...)."""

    __tablename__ = "sop_comments"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    anchor: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False)


class SopSignature(Record):
    """The leader's sign-off: who, when, and the SHA-256 of exactly what was signed."""

    __tablename__ = "sop_signatures"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True
    )
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))


class ChangeRecord(Record):
    """A row of Table 4 (流程优化记录表), written when a version is published."""

    __tablename__ = "change_records"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_versions.id", ondelete="CASCADE"))
    process_code: Mapped[str] = mapped_column(String(20))
    process_name: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(10))
    effective_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text)
    editor: Mapped[str] = mapped_column(String(120), default="")
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    remarks: Mapped[str] = mapped_column(Text, default="")


def parse_content(content: Sop | dict[str, Any] | str) -> Sop:
    """The SOP document, validated (a bad one names each bad field)."""
    if isinstance(content, Sop):
        return content
    from pydantic import ValidationError

    try:
        return (
            Sop.model_validate_json(content)
            if isinstance(content, str)
            else Sop.model_validate(content)
        )
    except ValidationError as exc:
        errors: list[dict[str, object]] = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        raise InputError(
            f"the SOP document is not valid: {len(errors)} problem(s), first at {errors[0]['field']}: {errors[0]['message']}",
            errors=errors,
        ) from None


def get_version(session: Session, version_id: int, *, actor: User) -> SopVersion:
    version = session.get(SopVersion, version_id)
    if version is None:
        raise NotFoundError(f"no SOP version with id {version_id}")
    require(session, actor, version.project_id, Action.read)
    return version


def get_document(session: Session, document_id: int, *, actor: User) -> SopDocument:
    document = session.get(SopDocument, document_id)
    if document is None:
        raise NotFoundError(f"no SOP with id {document_id}")
    require(session, actor, document.project_id, Action.read)
    return document


def documents_of(session: Session, *, actor: User, project_id: int) -> list[SopDocument]:
    require(session, actor, project_id, Action.read)
    query = select(SopDocument).where(SopDocument.project_id == project_id).order_by(SopDocument.id)
    return list(session.scalars(query))


def versions_of(session: Session, document_id: int) -> list[SopVersion]:
    query = select(SopVersion).where(SopVersion.document_id == document_id).order_by(SopVersion.id)
    return list(session.scalars(query))


def _editable(version: SopVersion) -> None:
    if version.status is not SopStatus.draft:
        raise ConflictError(
            f"SOP {version.number} is {version.status.value}: only a draft can be changed; "
            "start a new version (V1.1 for a fix, V2.0 for a redesign) "
            f"(SOP {version.number} 已{version.status.value},不能修改,请新建版本)"
        )


def content_of(version: SopVersion) -> Sop:
    return parse_content(version.content)


def _stored(sop: Sop, number: str) -> dict[str, Any]:
    """The JSON kept for a version: its number is the version's own."""
    data: dict[str, Any] = sop.model_copy(update={"version": number}).model_dump(mode="json")
    return data
