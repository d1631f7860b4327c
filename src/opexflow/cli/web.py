"""Commands that run the web workspace: ``serve`` and ``demo``."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opexflow.cli._app import app
from opexflow.cli.common import errors, progress_bar

if TYPE_CHECKING:
    from opexflow.settings import Settings

HostOpt = Annotated[
    str | None,
    typer.Option("--host", help="Address to listen on (default: OPEXFLOW_WEB_HOST or 127.0.0.1)."),
]
PortOpt = Annotated[
    int | None, typer.Option("--port", help="Port (default: OPEXFLOW_WEB_PORT or 8000).")
]


def _settings(data_dir: Path | None) -> Settings:
    from opexflow.settings import get_settings

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from opexflow.web.app import create_app

    web = create_app(settings)
    host = host or settings.web.host
    port = port or settings.web.port
    typer.echo(f"opexflow: http://{host}:{port}/  (Ctrl+C to stop)", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def serve(
    host: HostOpt = None,
    port: PortOpt = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Data directory (default: OPEXFLOW_DATA_DIR).")
    ] = None,
) -> None:
    """Serve the workspace UI and API (the database is upgraded first)."""
    with errors(False):
        settings = _settings(data_dir)
        _serve(settings, host, port)


@app.command()
def demo(
    events: Annotated[
        int, typer.Option("--events", help="About how many events per demo log.")
    ] = 20000,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Where to build the demo workspace.")
    ] = Path("opexflow-data"),
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the workspace, do not serve it.")
    ] = False,
    host: HostOpt = None,
    port: PortOpt = None,
) -> None:
    """Build the demo workspace (both seed processes, a project in phase 4) and serve it.

    Run again on the same data directory, it keeps the workspace and gives the
    admin a new password.
    """
    with errors(False):
        from sqlalchemy import func, select

        from opexflow.workspace.db import open_database, upgrade
        from opexflow.workspace.sample import build_sample_workspace
        from opexflow.workspace.users import User, set_password

        settings = _settings(data_dir)
        db = open_database(settings=settings)
        upgrade(db)
        with db.session() as s:
            admin = s.scalar(select(User).where(User.username == "admin"))
            users = s.scalar(select(func.count()).select_from(User))
            if admin is not None:
                password = secrets.token_urlsafe(12)
                set_password(s, user=admin, password=password)
        if not users:
            with progress_bar(True) as progress:
                built = build_sample_workspace(db, data_dir, events=events, progress=progress)
            password = built.admin_password
            typer.echo(f"demo workspace built in {data_dir.resolve()}", err=True)
            others = ", ".join(sorted(built.passwords))
            typer.echo(
                f"other demo users ({others}) share the password: {next(iter(built.passwords.values()))}"
            )
        elif admin is None:
            from opexflow.errors import ConflictError

            raise ConflictError(
                f"{data_dir} holds a workspace without an 'admin' user; use another --data-dir for the demo"
            )
        db.dispose()
    host = host or settings.web.host
    port = port or settings.web.port
    typer.echo(f"open http://{host}:{port}/  and log in as admin / {password}")
    if not no_serve:
        with errors(False):
            _serve(settings, host, port)
