"""Pages of project records: team, survey, Table 1, Table 2, risks, pilot decisions.

Each page shows one or more record kinds as tables with an add form;
rows are edited in place and deleted with htmx. Problems have their own
pages (board, fishbone, whys, matrix) in ``problems.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from opexflow.errors import NotFoundError
from opexflow.web.api.forms import FORMS, import_form
from opexflow.web.api.records import SCHEMAS
from opexflow.web.deps import Auth, AuthDep, SessionDep
from opexflow.web.i18n import request_lang
from opexflow.web.ui.forms import parse, widgets
from opexflow.web.ui.pages import redirect, render
from opexflow.web.ui.projects import project_context
from opexflow.workspace import items
from opexflow.workspace.problems import Problem
from opexflow.workspace.users import list_users

router = APIRouter()

#: page -> the record kinds it shows, in order.
PAGES: dict[str, tuple[str, ...]] = {
    "team": ("team",),
    "survey": ("survey_plans", "survey_records"),
    "table1": ("table1",),
    "table2": ("measures",),
    "risks": ("risks",),
}
#: Columns shown in the table (all form fields when absent).
COLUMNS: dict[str, tuple[str, ...]] = {
    "table1": (
        "step",
        "activity",
        "department",
        "role",
        "minutes_per_step",
        "problem_types",
        "description",
        "source",
    ),
    "measures": (
        "goal",
        "problem_id",
        "measure",
        "measure_type",
        "owner_department",
        "due_on",
        "expected_effect",
    ),
    "risks": ("title", "symptoms", "mitigation", "owner", "status", "review_on"),
}


def _choices(session: Session, auth: Auth, project_id: int) -> dict[str, dict[int, str]]:
    problems = items.list_(session, Problem, actor=auth.user, project_id=project_id)
    return {
        "problem_id": {p.id: p.title for p in problems},
        "user_id": {u.id: u.display_name for u in list_users(session)},
    }


def _table(kind: str) -> Any:
    if kind not in items.KINDS:
        raise NotFoundError(f"no record kind {kind!r}")
    return items.KINDS[kind][0]


def section(
    session: Session, auth: Auth, project_id: int, kind: str, problem_id: int | None = None
) -> dict[str, Any]:
    """A table of one record kind with its add form; scoped to one problem when given."""
    table = _table(kind)
    form = widgets(table)
    where = {"problem_id": problem_id} if problem_id is not None else {}
    return {
        "kind": kind,
        "rows": items.list_(session, table, actor=auth.user, project_id=project_id, **where),
        "widgets": form,
        "columns": COLUMNS.get(kind, tuple(w.name for w in form if w.name not in where)),
        "choices": _choices(session, auth, project_id),
        "defaults": where,
        "scope": f"?problem_id={problem_id}" if problem_id is not None else "",
    }


def _scope(request: Request) -> int | None:
    value = request.query_params.get("problem_id", "")
    return int(value) if value.isdigit() else None


@router.get("/projects/{project_id}/{page}")
def records_page(
    project_id: int, page: str, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    if page not in PAGES:
        raise NotFoundError(f"no page {page!r}")
    ctx = project_context(session, auth, project_id)
    sections = [section(session, auth, project_id, kind) for kind in PAGES[page]]
    return render(request, "records/page.html", auth, **ctx, sections=sections, page=page)


def _section_response(
    request: Request, session: Session, auth: Auth, project_id: int, kind: str
) -> Response:
    ctx = project_context(session, auth, project_id)
    s = section(session, auth, project_id, kind, _scope(request))
    response = render(request, "records/_section.html", auth, **ctx, s=s)
    response.headers["HX-Trigger"] = "records-changed"  # diagrams on the page redraw
    return response


@router.post("/projects/{project_id}/records/{kind}")
async def create_record_submit(
    project_id: int, kind: str, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    table = _table(kind)
    values = parse(
        await request.form(), table, SCHEMAS[kind][0], request_lang(request), partial=False
    )
    items.create(session, table, actor=auth.user, project_id=project_id, **values)
    return _section_response(request, session, auth, project_id, kind)


@router.get("/projects/{project_id}/records/{kind}/{item_id}/edit")
def edit_record_form(
    project_id: int, kind: str, item_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    table = _table(kind)
    ctx = project_context(session, auth, project_id)
    s = section(session, auth, project_id, kind, _scope(request))
    row = items.get(session, table, item_id, actor=auth.user)
    return render(request, "records/_edit_row.html", auth, **ctx, s=s, row=row)


@router.post("/projects/{project_id}/records/{kind}/{item_id}")
async def update_record_submit(
    project_id: int, kind: str, item_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    table = _table(kind)
    values = parse(
        await request.form(), table, SCHEMAS[kind][1], request_lang(request), partial=True
    )
    version = values.pop("version")
    items.update(session, table, item_id, actor=auth.user, expected_version=version, **values)
    return _section_response(request, session, auth, project_id, kind)


@router.post("/projects/{project_id}/records/{kind}/{item_id}/delete")
def delete_record_submit(
    project_id: int, kind: str, item_id: int, request: Request, session: SessionDep, auth: AuthDep
) -> Response:
    items.delete(session, _table(kind), item_id, actor=auth.user)
    return _section_response(request, session, auth, project_id, kind)


@router.post("/projects/{project_id}/forms/{form}/import")
def import_form_submit(
    project_id: int,
    form: str,
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    replace: Annotated[str, Form()] = "",
) -> Response:
    """Upload Table 1 or Table 2 as Excel (all rows or none), then show the table."""
    if form not in FORMS:
        raise NotFoundError(f"no form {form!r}; use table1 or table2")
    import_form(session, auth.user, project_id, form, file, replace == "1")
    return redirect(request, f"/projects/{project_id}/{form}")
