"""Workspace commands: db upgrade, init, user add, backup, restore, table1/table2 export|import.

The database is ``OPEXFLOW_DATABASE_URL``, or the SQLite file ``workspace.db``
in the data directory (``--data-dir``, ``OPEXFLOW_DATA_DIR``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opexflow.cli._app import app
from opexflow.cli.common import DataDirOpt, JsonOpt, errors

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from opexflow.workspace.db import Database
    from opexflow.workspace.users import User

db_app = typer.Typer(help="The workspace database.", no_args_is_help=True)
user_app = typer.Typer(help="Workspace users.", no_args_is_help=True)
table1_app = typer.Typer(
    help="Table 1 (现状调研表, current state) of a project as Excel.", no_args_is_help=True
)
table2_app = typer.Typer(
    help="Table 2 (优化方案设计表, improvement plan) of a project as Excel.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(table1_app, name="table1")
app.add_typer(table2_app, name="table2")

UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user", help="Act as this user (their project role applies; default: an admin)."
    ),
]
ProjectArg = Annotated[int, typer.Argument(help="The project's id.")]


def _data_dir(data_dir: Path | None) -> Path:
    from opexflow.settings import get_settings

    return data_dir if data_dir is not None else get_settings().data_dir


def _open(data_dir: Path | None) -> Database:
    from opexflow.settings import get_settings
    from opexflow.workspace.db import open_database

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return open_database(settings=settings)


@contextmanager
def _workspace(data_dir: Path | None) -> Iterator[Database]:
    """The database, which must have been set up with ``opexflow init``."""
    from opexflow.errors import NotFoundError
    from opexflow.workspace.db import current_revision

    db = _open(data_dir)
    try:
        if current_revision(db) is None:
            where = db.engine.url.render_as_string(hide_password=True)
            raise NotFoundError(
                f"no workspace in {where}; run `opexflow init` first (工作区尚未初始化)"
            )
        yield db
    finally:
        db.dispose()


def _emit(as_json: bool, data: dict[str, Any], text: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    else:
        typer.echo(text)


def _actor(session: Session, username: str | None) -> User:
    from sqlalchemy import select

    from opexflow.errors import NotFoundError
    from opexflow.workspace.users import Role, User

    query = select(User).where(User.active.is_(True))
    if username is None:
        query = query.where(User.role == Role.admin)
    else:
        query = query.where(User.username == username)
    found = session.scalars(query.order_by(User.id).limit(1)).first()
    if found is None:
        raise NotFoundError(
            f"no active user {username!r}" if username else "the workspace has no active admin"
        )
    return found


# --- db, init, user ------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """Create the workspace database or bring its schema up to date (idempotent)."""
    with errors(as_json):
        from opexflow.workspace.db import current_revision, upgrade

        db = _open(data_dir)
        try:
            before = current_revision(db)
            upgrade(db)
            after = current_revision(db)
            where = db.engine.url.render_as_string(hide_password=True)
        finally:
            db.dispose()
    _emit(
        as_json,
        {"ok": True, "database": where, "from": before, "revision": after},
        f"{where}: schema at revision {after}"
        + ("" if before == after else f" (was {before or 'empty'})"),
    )


@app.command()
def init(
    admin: Annotated[str, typer.Option("--admin", help="User name of the admin.")] = "admin",
    password: Annotated[
        str | None,
        typer.Option(
            "--password", help="The admin's password; generated and printed when omitted."
        ),
    ] = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set up a workspace: create or upgrade the database and add an admin user."""
    with errors(as_json):
        import secrets

        from sqlalchemy import func, select

        from opexflow.workspace.db import upgrade
        from opexflow.workspace.users import Role, User, create_user

        db = _open(data_dir)
        try:
            upgrade(db)
            generated = None
            with db.session() as s:
                admins = s.scalar(
                    select(func.count()).select_from(User).where(User.role == Role.admin)
                )
                if not admins:
                    generated = password is None
                    password = password or secrets.token_urlsafe(12)
                    create_user(s, username=admin, password=password, role=Role.admin)
            where = db.engine.url.render_as_string(hide_password=True)
        finally:
            db.dispose()
    created = generated is not None
    data = {"ok": True, "database": where, "admin": admin if created else None}
    if generated:
        data["password"] = password
    text = f"workspace ready: {where}"
    if created:
        text += f"\nadmin user: {admin}" + (f"\npassword: {password}" if generated else "")
    else:
        text += " (an admin exists already; no user added)"
    _emit(as_json, data, text)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user name to log in with.")],
    role: Annotated[
        str, typer.Option("--role", help="admin, leader, member, reviewer or viewer.")
    ] = "member",
    password: Annotated[
        str | None, typer.Option("--password", help="The password; asked for when omitted.")
    ] = None,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="The name shown, e.g. 张经理.")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="The user's department (created if new).")
    ] = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a workspace user."""
    with errors(as_json):
        from opexflow.workspace.users import create_user

        if password is None:
            password = typer.prompt(
                f"password for {name}", hide_input=True, confirmation_prompt=True, err=True
            )
        with _workspace(data_dir) as db, db.session() as s:
            user = create_user(
                s,
                username=name,
                password=str(password),
                display_name=display_name,
                role=role,
                department_name=department,
            )
            data = {"ok": True, "id": user.id, "username": user.username, "role": user.role.value}
    _emit(as_json, data, f"user {data['username']} ({data['role']}) added, id {data['id']}")


# --- backup, restore -----------------------------------------------------------------


@app.command("backup")
def backup_cmd(
    out: Annotated[Path, typer.Argument(help="The archive to write: .tar.gz or .zip.")],
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Back up the database and the data directory's datasets into one archive.

    Consistent while the server runs: the tables are read in one transaction.
    """
    with errors(as_json):
        from opexflow.workspace.backup import backup

        with _workspace(data_dir) as db:
            manifest = backup(db, _data_dir(data_dir), out)
    rows = sum(manifest.tables.values())
    _emit(
        as_json,
        {"ok": True, "archive": str(out.resolve()), **manifest.to_dict()} | {"files": None},
        f"{out}: {rows:,} rows in {len(manifest.tables)} tables, "
        f"{len(manifest.datasets)} datasets (schema {manifest.revision})",
    )


@app.command("restore")
def restore_cmd(
    inp: Annotated[Path, typer.Argument(help="An archive written by `opexflow backup`.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace everything in a database that holds data."),
    ] = False,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore a backup into the database and the data directory (all or nothing)."""
    with errors(as_json):
        from opexflow.workspace.backup import restore

        db = _open(data_dir)
        try:
            manifest = restore(db, _data_dir(data_dir), inp, force=force)
        finally:
            db.dispose()
    rows = sum(manifest.tables.values())
    _emit(
        as_json,
        {"ok": True, **manifest.to_dict()} | {"files": None},
        f"restored {rows:,} rows and {len(manifest.datasets)} datasets "
        f"from {inp} (made {manifest.created_at} on {manifest.dialect})",
    )


# --- Table 1 and Table 2 -------------------------------------------------------------


def _export(
    table: int, project: int, file: Path, lang: str, user: str | None, data_dir: Path | None
) -> dict[str, Any]:
    from opexflow.errors import InputError
    from opexflow.workspace import excel

    if lang not in ("zh", "en"):
        raise InputError(f"--lang {lang!r}: use zh or en")
    write = excel.export_table1 if table == 1 else excel.export_table2
    with _workspace(data_dir) as db, db.session() as s:
        write(s, actor=_actor(s, user), project_id=project, out=file, lang=lang)  # type: ignore[arg-type]
    return {"ok": True, "file": str(file.resolve()), "table": table, "lang": lang}


def _import(
    table: int,
    project: int,
    file: Path,
    sheet: str | None,
    replace: bool,
    user: str | None,
    data_dir: Path | None,
) -> dict[str, Any]:
    from opexflow.workspace import excel

    read = excel.import_table1 if table == 1 else excel.import_table2
    with _workspace(data_dir) as db, db.session() as s:
        result = read(
            s, actor=_actor(s, user), project_id=project, source=file, sheet=sheet, replace=replace
        )
    return {"ok": True, "table": table, **result.to_dict()}


LangOpt = Annotated[str, typer.Option("--lang", help="Header language: zh or en.")]
SheetOpt = Annotated[
    str | None,
    typer.Option("--sheet", help="Sheet to read (default: the form's sheet, else the first)."),
]
ReplaceOpt = Annotated[
    bool, typer.Option("--replace", help="Delete the project's current rows first.")
]
FileArg = Annotated[Path, typer.Argument(help="The .xlsx file.")]


def _register(sub: typer.Typer, table: int) -> None:
    @sub.command("export")
    def export(
        project: ProjectArg,
        file: FileArg,
        lang: LangOpt = "zh",
        user: UserOpt = None,
        data_dir: DataDirOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        with errors(as_json):
            data = _export(table, project, file, lang, user, data_dir)
        _emit(as_json, data, f"Table {table} of project {project} → {data['file']}")

    @sub.command("import")
    def import_(
        project: ProjectArg,
        file: FileArg,
        sheet: SheetOpt = None,
        replace: ReplaceOpt = False,
        user: UserOpt = None,
        data_dir: DataDirOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        with errors(as_json):
            data = _import(table, project, file, sheet, replace, user, data_dir)
        ignored = f"; ignored columns: {', '.join(data['ignored_columns'])}" * bool(
            data["ignored_columns"]
        )
        _emit(
            as_json,
            data,
            f"Table {table}: {data['rows']} rows imported into project {project} "
            f"from sheet {data['sheet']!r}" + ignored,
        )

    name = "Table 1 (现状调研表)" if table == 1 else "Table 2 (优化方案设计表)"
    export.__doc__ = f"Write a project's {name} as a styled .xlsx."
    import_.__doc__ = (
        f"Import {name} rows from an .xlsx with zh or en headers. A bad sheet "
        "imports nothing and lists every bad cell."
    )


_register(table1_app, 1)
_register(table2_app, 2)
