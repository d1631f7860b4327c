"""``opexflow sop new|show|submit|approve|sign|publish``: SOPs in the workspace.

These act on SOP versions stored in the workspace (see docs/sop.md and
docs/workspace.md); the file commands (check, export, diff, verify, draft)
live in :mod:`opexflow.cli.sop`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opexflow.cli.common import DataDirOpt, JsonOpt, errors
from opexflow.cli.sop import sop_app
from opexflow.cli.workspace import UserOpt, _actor, _emit, _workspace

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from opexflow.workspace.sops import SopVersion

VersionArg = Annotated[int, typer.Argument(help="The SOP version's id (see `opexflow sop show`).")]


def _summary(session: Session, version: SopVersion) -> dict[str, Any]:
    from opexflow.workspace.sop_workflow import check_version, reviews_of

    return {
        "id": version.id,
        "document_id": version.document_id,
        "number": version.number,
        "status": version.status.value,
        "effective_on": version.effective_on,
        "sha256": version.content_sha256,
        "reviews": [
            {"reviewer_id": r.reviewer_id, "decision": r.decision.value, "note": r.note}
            for r in reviews_of(session, version.id)
        ],
        "checks": check_version(session, version) if version.status.value == "draft" else [],
    }


def _line(data: dict[str, Any]) -> str:
    text = f"#{data['id']} {data['number']} {data['status']}"
    if data["effective_on"]:
        text += f" effective {data['effective_on']}"
    for check in data["checks"]:
        text += f"\n  ✘ {check['message_zh']}"
    for review in data["reviews"]:
        text += f"\n  review by user {review['reviewer_id']}: {review['decision']} {review['note']}".rstrip()
    return text


@sop_app.command("new")
def new(
    project: Annotated[int, typer.Argument(help="The project's id.")],
    title: Annotated[str, typer.Option("--title", help="The SOP's title.")],
    from_log: Annotated[
        int | None, typer.Option("--from-log", help="Draft from this diagnosed log and Table 2.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="An SOP document (JSON).")] = None,
    user: UserOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Start an SOP in a project: draft V1.0 from a file or from a diagnosis."""
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.web.api.sops import SopCreate, create_document

        content = None
        if file is not None:
            import json

            content = json.loads(file.read_text(encoding="utf-8"))
        version = create_document(
            s,
            _actor(s, user),
            project,
            SopCreate(title=title, content=content, from_log_id=from_log),
        )
        data = _summary(s, version)
    _emit(as_json, data, _line(data))


@sop_app.command("show")
def show(
    project: Annotated[int, typer.Argument(help="The project's id.")],
    user: UserOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The project's SOPs and their versions, with checks and reviews."""
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.workspace.sops import documents_of, versions_of

        actor = _actor(s, user)
        docs: list[dict[str, Any]] = [
            {
                "id": d.id,
                "title": d.title,
                "versions": [_summary(s, v) for v in versions_of(s, d.id)],
            }
            for d in documents_of(s, actor=actor, project_id=project)
        ]
    text = "\n".join(
        f"{d['title']} (SOP {d['id']})\n" + "\n".join(_line(v) for v in d["versions"]) for d in docs
    )
    _emit(as_json, {"sops": docs}, text or "no SOP yet (`opexflow sop new`)")


@sop_app.command("submit")
def submit(
    version: VersionArg,
    reviewer: Annotated[
        list[str],
        typer.Option("--reviewer", help="A reviewer's user name (repeat; all must approve)."),
    ],
    user: UserOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Send a draft to review; refused with every failed check when it is not ready."""
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.workspace.sop_workflow import submit as run

        ids = [_actor(s, name).id for name in reviewer]
        data = _summary(s, run(s, actor=_actor(s, user), version_id=version, reviewer_ids=ids))
    _emit(as_json, data, _line(data))


@sop_app.command("approve")
def approve(
    version: VersionArg,
    changes: Annotated[
        str | None, typer.Option("--changes", help="Ask for changes instead, saying what.")
    ] = None,
    user: UserOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Your verdict as a reviewer (--user): approve, or --changes "what to change"."""
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.workspace.sop_workflow import review

        decision = "changes_requested" if changes else "approved"
        result = review(
            s, actor=_actor(s, user), version_id=version, decision=decision, note=changes or ""
        )
        data = _summary(s, result)
    _emit(as_json, data, _line(data))


@sop_app.command("sign")
def sign(
    version: VersionArg, user: UserOpt = None, data_dir: DataDirOpt = None, as_json: JsonOpt = False
) -> None:
    """The project leader signs a version every reviewer approved (records its SHA-256)."""
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.workspace.sop_workflow import sign as run
        from opexflow.workspace.sops import get_version

        actor = _actor(s, user)
        signature = run(s, actor=actor, version_id=version)
        data = _summary(s, get_version(s, version, actor=actor)) | {
            "signed_sha256": signature.sha256
        }
    _emit(as_json, data, _line(data) + f"\n  SHA-256 {data['signed_sha256']}")


@sop_app.command("publish")
def publish(
    version: VersionArg,
    effective: Annotated[str, typer.Option("--effective", help="Effective date, YYYY-MM-DD.")],
    summary: Annotated[str, typer.Option("--summary", help="What changed (修改内容摘要).")],
    remarks: Annotated[str, typer.Option("--remarks", help="Remarks for Table 4.")] = "",
    user: UserOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make a signed version effective; the previous one is superseded; Table 4 gets a row."""
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.errors import InputError
        from opexflow.workspace.sop_workflow import publish as run

        try:
            day = date.fromisoformat(effective)
        except ValueError:
            raise InputError(f"--effective {effective!r}: use YYYY-MM-DD") from None
        row = run(
            s,
            actor=_actor(s, user),
            version_id=version,
            effective_on=day,
            summary=summary,
            remarks=remarks,
        )
        data = {
            "process_id": row.process_code,
            "name": row.process_name,
            "version": row.number,
            "effective_on": row.effective_on,
            "summary": row.summary,
            "editor": row.editor,
            "reviewer": row.reviewer,
            "remarks": row.remarks,
        }
    _emit(as_json, data, " | ".join(str(v) for v in data.values()))
