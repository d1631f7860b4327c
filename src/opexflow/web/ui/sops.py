"""SOP pages: the list with Table 4, a version (document, checks, review, signature, publishing), a diff."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from opexflow.errors import InputError, NotFoundError
from opexflow.web.api.sops import SopCreate, create_document, version_read
from opexflow.web.deps import Auth, AuthDep, SessionDep
from opexflow.web.i18n import request_lang
from opexflow.web.ui.pages import redirect, render
from opexflow.web.ui.projects import project_context
from opexflow.workspace import sop_workflow as flow
from opexflow.workspace.base import local_today
from opexflow.workspace.processes import logs_of
from opexflow.workspace.projects import members
from opexflow.workspace.sops import (
    SopStatus,
    SopVersion,
    content_of,
    documents_of,
    get_version,
    versions_of,
)
from opexflow.workspace.users import get_user

router = APIRouter()


def _version(session: Session, auth: Auth, project_id: int, version_id: int) -> SopVersion:
    version = get_version(session, version_id, actor=auth.user)
    if version.project_id != project_id:
        raise NotFoundError(f"no SOP version {version_id} in project {project_id}")
    return version


@router.get("/projects/{project_id}/sop")
def sops_page(project_id: int, request: Request, session: SessionDep, auth: AuthDep) -> Response:
    ctx = project_context(session, auth, project_id)
    documents = [
        (d, versions_of(session, d.id))
        for d in documents_of(session, actor=auth.user, project_id=project_id)
    ]
    logs = [r for r in logs_of(session, ctx["project"].process_id) if r.diagnosis]
    return render(
        request,
        "sops/list.html",
        auth,
        **ctx,
        documents=documents,
        logs=logs,
        table4=flow.table4(session, actor=auth.user, project_id=project_id),
        page="sop",
    )


@router.post("/projects/{project_id}/sop")
def create_sop_submit(
    project_id: int,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    title: Annotated[str, Form()],
    log_id: Annotated[str, Form()] = "",
    content: Annotated[str, Form()] = "",
) -> Response:
    body = SopCreate(
        title=title,
        from_log_id=int(log_id) if log_id.isdigit() and not content.strip() else None,
        content=_json(content) if content.strip() else None,
    )
    version = create_document(session, auth.user, project_id, body)
    return redirect(request, f"/projects/{project_id}/sop/{version.id}")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the SOP content is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}",
            message_zh=f"SOP内容不是有效的JSON:第{exc.lineno}行第{exc.colno}列:{exc.msg}",
        ) from None


@router.get("/projects/{project_id}/sop/{version_id}")
def sop_page(
    project_id: int, version_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    ctx = project_context(session, auth, project_id)
    version = _version(session, auth, project_id, version_id)
    view = version_read(session, version)
    sop = content_of(version)
    siblings = versions_of(session, version.document_id)
    verification = (
        flow.verify_version(session, actor=auth.user, version_id=version.id)
        if version.content_sha256
        else None
    )
    people = {
        u.id: (u, m.role.value) for m, u in members(session, project_id) if m.role.value != "viewer"
    }
    anchors = ["purpose", "target", "scope", "raci", "control_points", "contingency"] + [
        f"step:{s.number}" for s in sop.steps
    ]
    return render(
        request,
        "sops/detail.html",
        auth,
        **ctx,
        version=version,
        view=view,
        sop=sop,
        siblings=siblings,
        verification=verification,
        people=people,
        reviewer_ids={r.reviewer_id for r in view.reviews},
        anchors=anchors,
        content_json=json.dumps(version.content, ensure_ascii=False, indent=2),
        editable=version.status is SopStatus.draft and bool(ctx["can_edit"]),
        name_of=lambda user_id: get_user(session, user_id).display_name,
        today=local_today().isoformat(),
        page="sop",
    )


@router.post("/projects/{project_id}/sop/{version_id}/{action}")
async def sop_action(
    project_id: int,
    version_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
) -> Response:
    """Every button of the version page: save, submit, comment, review, sign, publish, new version, archive."""
    version = _version(session, auth, project_id, version_id)
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    target = f"/projects/{project_id}/sop/{version_id}"
    if action == "save":
        flow.update_draft(
            session,
            actor=auth.user,
            version_id=version.id,
            content=_json(text("content")),
            expected_version=int(text("version") or 0) or None,
        )
    elif action == "submit":
        ids = [int(v) for v in form.getlist("reviewer_ids") if isinstance(v, str) and v.isdigit()]
        flow.submit(session, actor=auth.user, version_id=version.id, reviewer_ids=ids)
    elif action == "comment":
        flow.comment(
            session,
            actor=auth.user,
            version_id=version.id,
            anchor=text("anchor"),
            text=text("text"),
        )
    elif action == "review":
        flow.review(
            session,
            actor=auth.user,
            version_id=version.id,
            decision=text("decision"),
            note=text("note"),
        )
    elif action == "sign":
        flow.sign(session, actor=auth.user, version_id=version.id)
    elif action == "publish":
        flow.publish(
            session,
            actor=auth.user,
            version_id=version.id,
            effective_on=_date(text("effective_on")),
            summary=text("summary"),
            remarks=text("remarks"),
        )
    elif action in ("minor", "major"):
        kind: Literal["minor", "major"] = "minor" if action == "minor" else "major"
        new = flow.new_version(
            session,
            actor=auth.user,
            document_id=version.document_id,
            kind=kind,
            summary=text("summary"),
        )
        target = f"/projects/{project_id}/sop/{new.id}"
    elif action == "archive":
        flow.archive(session, actor=auth.user, version_id=version.id)
    else:
        raise NotFoundError(f"no SOP action {action!r}")
    return redirect(request, target)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"effective date {text!r}: use YYYY-MM-DD",
            errors=[{"field": "effective_on", "message": "YYYY-MM-DD"}],
        ) from None


@router.get("/projects/{project_id}/sop/{version_id}/diff")
def diff_page(
    project_id: int,
    version_id: int,
    against: int,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
) -> Response:
    from opexflow.sop.diff import diff

    ctx = project_context(session, auth, project_id)
    new = _version(session, auth, project_id, version_id)
    old = _version(session, auth, project_id, against)
    if old.document_id != new.document_id:
        raise InputError("compare two versions of the same SOP")
    changes = diff(content_of(old), content_of(new))
    return render(
        request,
        "sops/diff.html",
        auth,
        **ctx,
        old=old,
        new=new,
        changes=changes,
        text=changes.text(request_lang(request)),
        page="sop",
    )
