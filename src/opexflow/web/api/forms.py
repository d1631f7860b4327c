"""Tables 1 and 2 as Excel workbooks: download, and upload (all rows or none)."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace import excel

router = APIRouter(prefix="/projects/{project_id}", tags=["forms (Excel)"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMS = {
    "table1": (excel.export_table1, excel.import_table1),
    "table2": (excel.export_table2, excel.import_table2),
}
FILE_NAMES = {
    ("table1", "zh"): "表1_现状调研表",
    ("table1", "en"): "table1_current_state",
    ("table2", "zh"): "表2_优化方案设计表",
    ("table2", "en"): "table2_improvement_plan",
}


class ImportRead(BaseModel):
    sheet: str
    lang: str
    rows: int
    replaced: int


def export_form(
    session: SessionDep, user: CurrentUser, project_id: int, form: str, lang: Literal["zh", "en"]
) -> Response:
    buffer = io.BytesIO()
    FORMS[form][0](session, actor=user, project_id=project_id, out=buffer, lang=lang)
    from urllib.parse import quote

    name = quote(f"{FILE_NAMES[(form, lang)]}_{project_id}.xlsx")
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


def import_form(
    session: SessionDep,
    user: CurrentUser,
    project_id: int,
    form: str,
    upload: UploadFile,
    replace: bool,
) -> ImportRead:
    data = io.BytesIO(upload.file.read())
    result = FORMS[form][1](
        session, actor=user, project_id=project_id, source=data, replace=replace
    )
    return ImportRead(
        sheet=result.sheet, lang=result.lang, rows=result.rows, replaced=result.replaced
    )


@router.get("/table1.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def export_table1_xlsx(
    project_id: int, session: SessionDep, user: CurrentUser, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """Table 1 (现状调研表) as a workbook, headers in ``lang``."""
    return export_form(session, user, project_id, "table1", lang)


@router.get("/table2.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def export_table2_xlsx(
    project_id: int, session: SessionDep, user: CurrentUser, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """Table 2 (优化方案设计表) as a workbook, headers in ``lang``."""
    return export_form(session, user, project_id, "table2", lang)


@router.post("/table1.xlsx", response_model=ImportRead)
def import_table1_xlsx(
    project_id: int,
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[
        UploadFile, File(description="An .xlsx with Table 1's columns (zh or en headers)")
    ],
    replace: Annotated[bool, Form()] = False,
) -> ImportRead:
    """Import Table 1 rows; a bad sheet imports nothing and names every bad cell."""
    return import_form(session, user, project_id, "table1", file, replace)


@router.post("/table2.xlsx", response_model=ImportRead)
def import_table2_xlsx(
    project_id: int,
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[
        UploadFile, File(description="An .xlsx with Table 2's columns (zh or en headers)")
    ],
    replace: Annotated[bool, Form()] = False,
) -> ImportRead:
    """Import Table 2 measures; a bad sheet imports nothing and names every bad cell."""
    return import_form(session, user, project_id, "table2", file, replace)
