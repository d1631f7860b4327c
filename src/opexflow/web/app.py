"""The FastAPI application: ``create_app(settings)``.

>>> from opexflow.web.app import create_app   # doctest: +SKIP
>>> app = create_app()                         # then: uvicorn.run(app)
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from opexflow import __version__
from opexflow.settings import Settings, get_settings
from opexflow.web import errors
from opexflow.web.api import router as api_router
from opexflow.web.i18n import fmt_date, fmt_number
from opexflow.web.security import LoginLimiter, Sessions, secret_key
from opexflow.web.ui import router as ui_router
from opexflow.workspace.db import Database, open_database, upgrade

HERE = Path(__file__).parent


def _operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids: the route function's name."""
    return route.name


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    """The web application; the database schema is brought up to date first."""
    settings = settings or get_settings()
    db = db or open_database(settings=settings)
    upgrade(db)
    app = FastAPI(
        title="opexflow",
        version=__version__,
        description="运营流程优化工作台 API — operations-process optimization workbench.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.sessions = Sessions(secret_key(settings), settings.web.session_hours * 3600)
    app.state.limiter = LoginLimiter(settings.web.login_attempts, settings.web.login_window_seconds)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(
        fmt_number=fmt_number,
        fmt_date=functools.partial(fmt_date, tz=settings.tz),
        version=__version__,
    )
    app.state.templates = templates
    errors.install(app)
    app.include_router(api_router, prefix=errors.API_PREFIX)
    app.include_router(ui_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
