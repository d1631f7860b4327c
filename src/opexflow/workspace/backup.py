"""Back up and restore a workspace: the database and the data directory's datasets, together.

An archive (``.tar.gz`` or ``.zip``) holds::

    manifest.json            format, schema revision, row counts, SHA-256 of every file
    tables/<table>.jsonl     every row of every table, one JSON object a line
    datasets/<name>/...      the imported event logs (canonical Parquet datasets)
    sources/<name>/<file>    the uploaded file a dataset was imported from, where kept

The tables are read in one transaction (REPEATABLE READ on PostgreSQL, one
read transaction on SQLite), so a backup taken while the server runs is
consistent; datasets never change once written, so copying them needs no lock.
Rows are stored as JSON values, not SQL, so an archive made on SQLite restores
on PostgreSQL and back.

A restore checks the whole archive first (manifest, checksums, every row),
then, in one transaction, creates the schema at the archive's revision,
inserts the rows, upgrades to the current revision and resets PostgreSQL's id
sequences. It refuses a database that holds data unless ``force``, which
drops and recreates the schema (the audit trail refuses DELETE, by design).
On any error nothing is restored: the transaction rolls back and the datasets
it copied are removed again.

Example:
    >>> backup(db, "opexflow-data", "workspace-2024-03-01.tar.gz")  # doctest: +SKIP
    >>> restore(other_db, "restored-data", "workspace-2024-03-01.tar.gz")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, func, insert, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from opexflow.errors import ConflictError, InputError, OpexflowError
from opexflow.workspace import dialects
from opexflow.workspace.base import jsonable, utcnow
from opexflow.workspace.db import MIGRATIONS, Database
from opexflow.workspace.tables import Base

FORMAT = "opexflow-workspace-backup"
FORMAT_VERSION = 1
BATCH = 1000


@dataclass(frozen=True)
class Manifest:
    """What an archive holds."""

    revision: str
    dialect: str
    created_at: str
    tables: dict[str, int]
    datasets: list[str]
    data_dir: str
    files: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "revision": self.revision,
            "dialect": self.dialect,
            "created_at": self.created_at,
            "tables": self.tables,
            "datasets": self.datasets,
            "data_dir": self.data_dir,
            "files": self.files,
        }


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _alembic(connection: Connection, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


def _known_revision(revision: str) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        found = ScriptDirectory.from_config(config).get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise InputError(
            f"the backup is at schema revision {revision!r}, which this opexflow does not know; "
            "restore it with the opexflow version that made it, or a newer one"
        )


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    if not inspect(connection).has_table("alembic_version"):
        return None
    return MigrationContext.configure(connection).get_current_revision()


# --- backup ------------------------------------------------------------------------------


def _dump(connection: Connection, folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _tables():
        n = 0
        order = list(table.primary_key.columns)
        result = connection.execution_options(yield_per=BATCH).execute(
            select(table).order_by(*order)
        )
        with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as fh:
            for row in result.mappings():
                fh.write(json.dumps({k: jsonable(v) for k, v in row.items()}, ensure_ascii=False))
                fh.write("\n")
                n += 1
        counts[table.name] = n
    return counts


def _datasets(data_dir: Path, referenced: list[str]) -> dict[str, Path]:
    """Complete datasets (those with meta.json) in the data directory or used by a log."""
    found: dict[str, Path] = {}
    logs = data_dir / "logs"
    candidates = sorted(logs.iterdir()) if logs.is_dir() else []
    candidates += [Path(p) for p in referenced]
    for path in candidates:
        if (path / "meta.json").is_file():
            found.setdefault(path.name, path)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _archive_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "tar"
    if name.endswith(".zip"):
        return "zip"
    raise InputError(f"{path}: name the backup file .tar.gz or .zip")


def backup(db: Database, data_dir: str | Path, out: str | Path) -> Manifest:
    """Write the database and the data directory's datasets to one archive.

    Args:
        db: the workspace database (at any revision this opexflow knows).
        data_dir: the data directory whose ``logs/`` datasets go with it.
        out: the archive, ``.tar.gz`` or ``.zip``; written to a temporary name first.

    Example:
        >>> backup(db, "opexflow-data", "backup.tar.gz").tables["users"]  # doctest: +SKIP
        5
    """
    from opexflow.logs.read import kept_source_dir  # the engine only when needed

    out, data_dir = Path(out), Path(data_dir)
    kind = _archive_kind(out)
    with tempfile.TemporaryDirectory(prefix="opexflow-backup-") as tmp:
        folder = Path(tmp) / "tables"
        folder.mkdir()
        with db.engine.connect() as conn:
            conn = conn.execution_options(**dialects.snapshot_options(db.dialect))
            with conn.begin():
                dialects.begin_explicitly(conn)
                revision = _revision(conn)
                if revision is None:
                    raise InputError("the workspace database is empty; run `opexflow init` first")
                counts = _dump(conn, folder)
        referenced = [
            json.loads(line)["dataset"]
            for line in (folder / "event_logs.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        datasets = _datasets(data_dir, referenced)
        members = {f"tables/{p.name}": p for p in sorted(folder.iterdir())}
        for name, path in datasets.items():
            for f in sorted(path.rglob("*")):
                if f.is_file():
                    members[f"datasets/{name}/{f.relative_to(path).as_posix()}"] = f
            for f in sorted(kept_source_dir(path).glob("[!.]*")):
                members[f"sources/{name}/{f.name}"] = f
        manifest = Manifest(
            revision=revision,
            dialect=db.dialect,
            created_at=utcnow().isoformat(),
            tables=counts,
            datasets=sorted(datasets),
            data_dir=str(data_dir.resolve()),
            files={m: _sha256(p) for m, p in members.items()},
        )
        manifest_path = Path(tmp) / "manifest.json"
        manifest_path.write_text(
            json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        _write_archive(out, kind, {"manifest.json": manifest_path, **members})
    return manifest


def _write_archive(out: Path, kind: str, members: dict[str, Path]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    try:
        if kind == "zip":
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, path in members.items():
                    zf.write(path, name)
        else:
            with tarfile.open(part, "w:gz") as tf:
                for name, path in members.items():
                    tf.add(path, arcname=name, recursive=False)
        part.replace(out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InputError(f"cannot write the backup {out}: {exc}") from None


# --- restore -----------------------------------------------------------------------------


def _damaged(path: Path, why: str) -> InputError:
    return InputError(
        f"{path} is damaged or not an opexflow backup ({why}); nothing was restored "
        "(备份文件已损坏或不是opexflow备份,未恢复任何数据). Use another copy of the backup."
    )


def _extract(path: Path, into: Path) -> None:
    if not path.is_file():
        raise InputError(f"{path} does not exist; check the path")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    target = (into / info.filename).resolve()
                    if not target.is_relative_to(into.resolve()):
                        raise _damaged(path, f"member {info.filename!r} points outside")
                zf.extractall(into)
        elif tarfile.is_tarfile(path):
            with tarfile.open(path, "r:*") as tf:
                tf.extractall(into, filter="data")
        else:
            raise _damaged(path, "neither .tar.gz nor .zip")
    except OpexflowError:
        raise
    except (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, ValueError) as exc:
        raise _damaged(path, f"{type(exc).__name__}: {exc}") from None


def _read_manifest(path: Path, folder: Path) -> Manifest:
    try:
        raw = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _damaged(path, f"manifest.json unreadable: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _damaged(path, "no opexflow manifest")
    if raw.get("format_version") != FORMAT_VERSION:
        raise InputError(
            f"{path} is a backup of format {raw.get('format_version')}; "
            f"this opexflow reads format {FORMAT_VERSION}"
        )
    try:
        manifest = Manifest(**{k: raw[k] for k in Manifest.__dataclass_fields__})
    except KeyError as exc:
        raise _damaged(path, f"the manifest lacks {exc}") from None
    for name, digest in manifest.files.items():
        member = folder / name
        if not member.is_file():
            raise _damaged(path, f"{name} is missing")
        if _sha256(member) != digest:
            raise _damaged(path, f"{name} does not match its checksum")
    _known_revision(manifest.revision)
    return manifest


_CONVERT: list[tuple[type, Any]] = [
    (DateTime, datetime.fromisoformat),
    (Date, date.fromisoformat),
]


def _converters(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        kind = column.type
        impl = getattr(kind, "impl", kind)
        for typ, convert in _CONVERT:
            if isinstance(impl, typ):
                out[column.name] = convert
    return out


def _rows(
    path: Path, folder: Path, table: Table, where: dict[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """The table's rows from the archive, one at a time, as values for an INSERT.

    Read twice: once to check every row before anything is written, then to
    insert them; a large audit trail never has to fit in memory.
    """
    convert = _converters(table)
    known = {c.name for c in table.columns}
    file = folder / "tables" / f"{table.name}.jsonl"
    try:
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                raw = json.loads(line)
                row = {k: v for k, v in raw.items() if k in known}
                for name, fn in convert.items():
                    if row.get(name) is not None:
                        row[name] = fn(row[name])
                if where is not None and "dataset" in row:
                    row["dataset"] = where.get(Path(str(row["dataset"])).name, row["dataset"])
                yield row
    except (OSError, ValueError, AttributeError) as exc:
        raise _damaged(path, f"tables/{table.name}.jsonl: {exc}") from None


def _check_rows(path: Path, folder: Path, manifest: Manifest) -> None:
    for table in _tables():
        expected = manifest.tables.get(table.name, 0)
        found = sum(1 for _ in _rows(path, folder, table))
        if found != expected:
            raise _damaged(path, f"{table.name} has {found} rows, the manifest says {expected}")


def _has_data(connection: Connection) -> list[str]:
    names = set(inspect(connection).get_table_names())
    return [
        t.name
        for t in _tables()
        if t.name in names and connection.scalar(select(func.count()).select_from(t))
    ]


def _place_datasets(
    folder: Path, data_dir: Path, names: list[str]
) -> tuple[list[Path], dict[str, str]]:
    """Copy the archive's datasets into ``data_dir/logs``; return the new ones and the moves."""
    from opexflow.logs.read import kept_source_dir

    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    added: list[Path] = []
    where: dict[str, str] = {}
    for name in names:
        target = logs / name
        if not (target / "meta.json").is_file():
            if target.exists():
                shutil.rmtree(target)  # an unfinished copy of an earlier attempt
            shutil.copytree(folder / "datasets" / name, target)
            added.append(target)
        kept = folder / "sources" / name
        if kept.is_dir() and not kept_source_dir(target).exists():
            shutil.copytree(kept, kept_source_dir(target))
            added.append(kept_source_dir(target))
        where[name] = str(target.resolve())
    return added, where


def restore(
    db: Database, data_dir: str | Path, inp: str | Path, *, force: bool = False
) -> Manifest:
    """Restore an archive written by :func:`backup` into ``db`` and ``data_dir``.

    Args:
        db: the target database: empty, or holding data only when ``force``.
        data_dir: where the datasets go (``logs/``); log records are pointed there.
        inp: the archive.
        force: replace the data of a non-empty database (its schema is dropped and recreated).

    Example:
        >>> restore(db, "opexflow-data", "backup.tar.gz", force=True).revision  # doctest: +SKIP
        '0001'
    """
    path, data_dir = Path(inp), Path(data_dir)
    with tempfile.TemporaryDirectory(prefix="opexflow-restore-") as tmp:
        folder = Path(tmp)
        _extract(path, folder)
        manifest = _read_manifest(path, folder)
        _check_rows(path, folder, manifest)
        added, where = _place_datasets(folder, data_dir, manifest.datasets)
        try:
            _load(db, path, folder, manifest, force, where)
        except BaseException:
            for p in added:
                shutil.rmtree(p, ignore_errors=True)
            raise
    return manifest


def _load(
    db: Database, path: Path, folder: Path, manifest: Manifest, force: bool, where: dict[str, str]
) -> None:
    with db.engine.connect() as conn, conn.begin():
        dialects.begin_explicitly(conn)
        holding = _has_data(conn)
        if holding and not force:
            raise ConflictError(
                f"the workspace database already holds data (in {', '.join(holding[:5])}); "
                "restore into an empty database, or pass --force to replace everything "
                "(数据库非空;如需覆盖请加 --force)"
            )
        if _revision(conn) is not None:
            _alembic(conn, "downgrade", "base")
        _alembic(conn, "upgrade", manifest.revision)
        for table in _tables():
            for chunk in _chunks(_rows(path, folder, table, where)):
                try:
                    conn.execute(insert(table), chunk)
                except SQLAlchemyError as exc:
                    reason = " ".join(str(getattr(exc, "orig", exc)).split())
                    raise InputError(
                        f"the backup's rows of {table.name} do not fit the database ({reason}); "
                        "nothing was restored (恢复失败,未写入任何数据)"
                    ) from None
        _alembic(conn, "upgrade", "head")
        dialects.reset_sequences(conn, [t.name for t in _tables() if "id" in t.columns])


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
