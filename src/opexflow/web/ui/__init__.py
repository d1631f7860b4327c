"""The server-rendered UI (Jinja2 + htmx); it calls the same services as the API."""

from __future__ import annotations

from fastapi import APIRouter

from opexflow.web.ui.auth import router as auth_router
from opexflow.web.ui.logs import router as logs_router
from opexflow.web.ui.metrics import router as metrics_router
from opexflow.web.ui.pilots import router as pilots_router
from opexflow.web.ui.problems import router as problems_router
from opexflow.web.ui.projects import router as projects_router
from opexflow.web.ui.records import router as records_router
from opexflow.web.ui.sops import router as sops_router

router = APIRouter(include_in_schema=False)
# records last: its /projects/{id}/{page} route would shadow the specific ones.
for part in (
    auth_router,
    metrics_router,
    projects_router,
    problems_router,
    logs_router,
    pilots_router,
    sops_router,
    records_router,
):
    router.include_router(part)
