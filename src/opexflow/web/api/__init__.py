"""The JSON API under ``/api/v1``; every route needs a logged-in user except login."""

from __future__ import annotations

from fastapi import APIRouter

from opexflow.web.api.auth import router as auth_router
from opexflow.web.api.forms import router as forms_router
from opexflow.web.api.metrics import router as metrics_router
from opexflow.web.api.pilots import router as pilots_router
from opexflow.web.api.processes import router as processes_router
from opexflow.web.api.projects import router as projects_router
from opexflow.web.api.records import router as records_router
from opexflow.web.api.sops import router as sops_router
from opexflow.web.api.users import router as users_router

router = APIRouter()
for part in (
    auth_router,
    users_router,
    processes_router,
    projects_router,
    records_router,
    forms_router,
    sops_router,
    pilots_router,
    metrics_router,
):
    router.include_router(part)
