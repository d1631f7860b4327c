"""A project's pilot evaluated: the evaluation as JSON, chart data, Table 3 as Excel.

The pilot's records (setup, KPIs, tracking, retros, survey answers, unmet
issues, decisions) have their CRUD routes in ``records.py``.
"""

from __future__ import annotations

import io
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from opexflow.web.api.forms import XLSX
from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace.pilot_charts import pilot_charts
from opexflow.workspace.pilot_evaluation import evaluate_project_pilot, export_table3

router = APIRouter(prefix="/projects/{project_id}/pilot", tags=["pilot evaluation"])


@router.get("/evaluation")
def read_pilot_evaluation(
    project_id: int, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """The current pilot evaluated on its logs: ``kpis`` as ``opexflow compare --json``
    (before vs after for the pilot group), ``evaluation`` (pilot vs control and
    difference-in-differences too), ``table3``, ``targets``, ``satisfaction``,
    ``unmet_issues``. A pilot that is not set up completely is a 422 naming what is missing."""
    return evaluate_project_pilot(session, actor=user, project_id=project_id).to_dict()


@router.get("/charts")
def read_pilot_charts(
    project_id: int, session: SessionDep, user: CurrentUser
) -> list[dict[str, Any]]:
    """Per KPI in its display unit: before/after box-plot quantiles of the pilot group,
    the KPI of the pilot and control groups before and after, and the weekly trend."""
    return pilot_charts(session, actor=user, project_id=project_id)


@router.get("/table3.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def export_table3_xlsx(
    project_id: int, session: SessionDep, user: CurrentUser, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """Table 3 (试点效果评估表) as a workbook, headers in ``lang``."""
    buffer = io.BytesIO()
    export_table3(session, actor=user, project_id=project_id, out=buffer, lang=lang)
    stem = "表3_试点效果评估表" if lang == "zh" else "table3_pilot_evaluation"
    name = quote(f"{stem}_{project_id}.xlsx")
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
