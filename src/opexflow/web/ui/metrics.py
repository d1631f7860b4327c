"""The metric dictionary page: every KPI's one definition."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from opexflow.web.deps import AuthDep, SessionDep
from opexflow.web.ui.pages import redirect, render
from opexflow.workspace import changes
from opexflow.workspace.access import require_workspace
from opexflow.workspace.metrics import Direction, Metric, list_metrics
from opexflow.workspace.users import Role

router = APIRouter()


@router.get("/metrics")
def metrics_page(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    return render(
        request,
        "metrics.html",
        auth,
        metrics=list_metrics(session),
        directions=list(Direction),
        can_edit=auth.user.role in (Role.admin, Role.leader),
    )


@router.post("/metrics")
def create_metric_submit(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    name: Annotated[str, Form()],
    definition: Annotated[str, Form()],
    name_en: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    direction: Annotated[Direction, Form()] = Direction.lower_is_better,
    source: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
) -> Response:
    require_workspace(auth.user, Role.leader)
    metric = Metric(
        name=name,
        name_en=name_en,
        definition=definition,
        unit=unit,
        direction=direction,
        source=source,
        owner=owner,
    )
    changes.add(session, metric, actor=auth.user)
    return redirect(request, "/metrics")
