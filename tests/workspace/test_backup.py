from __future__ import annotations

import json
import tarfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from opexflow.demo import write_demo_logs
from opexflow.errors import ConflictError, InputError
from opexflow.logs.read import kept_source_dir
from opexflow.logs.schema import EventLog
from opexflow.workspace import items
from opexflow.workspace.backup import backup, restore
from opexflow.workspace.base import jsonable
from opexflow.workspace.db import Database, current_revision, open_database, upgrade
from opexflow.workspace.diagnosis import attach_and_diagnose, fill_table1
from opexflow.workspace.forms import CurrentStateRow
from opexflow.workspace.processes import EventLogRecord, create_process
from opexflow.workspace.projects import create_project
from opexflow.workspace.tables import Base
from opexflow.workspace.users import Role, User, create_user
from tests.workspace.conftest import POSTGRES, _postgres_or_skip

MakeDb = Callable[[str], Database]


@pytest.fixture(scope="module")
def demo_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_logs(tmp_path_factory.mktemp("demo"), events=1500)["activation_before"]


@pytest.fixture
def make_db(tmp_path: Path) -> Iterator[MakeDb]:
    """Fresh, empty databases (no schema) of either kind, removed after the test."""
    made: list[tuple[Database, str | None]] = []

    def make(kind: str) -> Database:
        if kind == "sqlite":
            database = open_database(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}")
            made.append((database, None))
            return database
        _postgres_or_skip()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        database = open_database(f"{POSTGRES}?options=-csearch_path%3D{schema}")
        made.append((database, schema))
        return database

    yield make
    for database, schema in made:
        database.dispose()
        if schema:
            admin = create_engine(POSTGRES)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def _populate(db: Database, data_dir: Path, log: Path) -> None:
    with db.session() as s:
        admin = create_user(s, username="admin", password="admin-pass-1", role=Role.admin)
        leader = create_user(s, username="zhang", password="leader-pass", role=Role.leader)
        process = create_process(s, actor=admin, code="YH-LC01", name="用户注册激活流程")
        project = create_project(
            s,
            actor=leader,
            name="激活提效",
            process_id=process.id,
            trigger="low_efficiency",
            started_on=date(2024, 3, 1),
        )
        rec = attach_and_diagnose(
            s, actor=leader, process=process, path=log, sla=1.0, data_dir=data_dir
        )
        fill_table1(s, actor=leader, project_id=project.id, log_record=rec)


def _contents(db: Database) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out[table.name] = [
                {k: jsonable(v) for k, v in r.items() if k != "dataset"} for r in rows
            ]
    return out


@pytest.mark.parametrize(
    "target", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_round_trip_within_and_across_databases(
    db: Database, make_db: MakeDb, tmp_path: Path, demo_log: Path, target: str, suffix: str
) -> None:
    _populate(db, tmp_path / "data", demo_log)
    archive = tmp_path / f"backup{suffix}"
    manifest = backup(db, tmp_path / "data", archive)
    assert manifest.revision == current_revision(db)
    assert manifest.tables["users"] == 2 and manifest.tables["event_logs"] == 1
    assert manifest.tables["audit_entries"] > 20 and len(manifest.datasets) == 1
    other = make_db(target)
    restored = restore(other, tmp_path / "restored", archive)
    assert restored.tables == manifest.tables
    assert _contents(other) == _contents(db)
    assert current_revision(other) == current_revision(db)
    with other.session() as s:
        rec = s.scalars(select(EventLogRecord)).one()
        assert Path(rec.dataset).parent == (tmp_path / "restored" / "logs").resolve()
        assert EventLog.open(rec.dataset).meta.events == rec.events
        # The uploaded file travels with its dataset, for a re-import by a later version.
        kept = kept_source_dir(rec.dataset)
        assert [p.read_bytes() for p in kept.iterdir()] == [demo_log.read_bytes()]
        # ids continue after the restored ones (PostgreSQL sequences were reset)
        user = create_user(s, username="new", password="new-pass-1")
        assert user.id == 3
        leader = s.scalars(select(User).where(User.username == "zhang")).one()
        row = items.create(s, CurrentStateRow, actor=leader, project_id=1, step=9, activity="归档")
        assert row.id == manifest.tables["current_state_rows"] + 1


def test_restore_refuses_a_database_with_data_unless_forced(
    db: Database, make_db: MakeDb, tmp_path: Path, demo_log: Path
) -> None:
    _populate(db, tmp_path / "data", demo_log)
    archive = tmp_path / "b.tar.gz"
    backup(db, tmp_path / "data", archive)
    other = make_db("sqlite")
    upgrade(other)
    with other.session() as s:
        create_user(s, username="someone", password="some-pass-1")
    with pytest.raises(ConflictError, match="already holds data"):
        restore(other, tmp_path / "d2", archive)
    assert not (tmp_path / "d2" / "logs").exists() or not any((tmp_path / "d2" / "logs").iterdir())
    restore(other, tmp_path / "d2", archive, force=True)
    assert _contents(other) == _contents(db)
    # an empty but upgraded database needs no force
    third = make_db("sqlite")
    upgrade(third)
    restore(third, tmp_path / "d3", archive)
    assert _contents(third)["users"] == _contents(db)["users"]


def test_restoring_over_itself_with_force(db: Database, tmp_path: Path, demo_log: Path) -> None:
    _populate(db, tmp_path / "data", demo_log)
    archive = tmp_path / "b.zip"
    backup(db, tmp_path / "data", archive)
    before = _contents(db)
    with db.session() as s:
        create_user(s, username="later", password="later-pass")
    restore(db, tmp_path / "data", archive, force=True)
    assert _contents(db) == before


def _empty(db: Database, data_dir: Path) -> None:
    assert current_revision(db) is None
    logs = data_dir / "logs"
    assert not logs.exists() or not any(logs.iterdir())


def test_a_truncated_archive_is_a_clear_error(
    db: Database, make_db: MakeDb, tmp_path: Path, demo_log: Path
) -> None:
    _populate(db, tmp_path / "data", demo_log)
    archive = tmp_path / "b.tar.gz"
    backup(db, tmp_path / "data", archive)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    other = make_db("sqlite")
    with pytest.raises(InputError, match="damaged or not an opexflow backup") as err:
        restore(other, tmp_path / "r", broken)
    assert "nothing was restored" in str(err.value)
    _empty(other, tmp_path / "r")
    not_archive = tmp_path / "notes.zip"
    not_archive.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"neither \.tar\.gz nor \.zip"):
        restore(other, tmp_path / "r", not_archive)


def _rewrite(archive: Path, out: Path, edit: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit(info.filename, src.read(info.filename)))


def test_a_changed_member_fails_its_checksum(
    db: Database, make_db: MakeDb, tmp_path: Path, demo_log: Path
) -> None:
    _populate(db, tmp_path / "data", demo_log)
    archive = tmp_path / "b.zip"
    backup(db, tmp_path / "data", archive)
    tampered = tmp_path / "t.zip"
    _rewrite(
        archive,
        tampered,
        lambda name, data: (
            data.replace(b"zhang", b"wang") if name == "tables/users.jsonl" else data
        ),
    )
    other = make_db("sqlite")
    with pytest.raises(InputError, match=r"tables/users.jsonl does not match its checksum"):
        restore(other, tmp_path / "r", tampered)
    _empty(other, tmp_path / "r")


@pytest.mark.parametrize(
    "target", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_rows_that_do_not_fit_roll_everything_back(
    db: Database, make_db: MakeDb, tmp_path: Path, demo_log: Path, target: str
) -> None:
    _populate(db, tmp_path / "data", demo_log)
    archive = tmp_path / "b.zip"
    backup(db, tmp_path / "data", archive)
    # A consistent archive (checksums recomputed) whose last filled table has a duplicate key:
    # the schema and all earlier tables are already written when the insert fails.
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        last = [t.name for t in Base.metadata.sorted_tables if manifest["tables"][t.name]][-1]
        body = zf.read(f"tables/{last}.jsonl")
    first_line = body.splitlines()[0] + b"\n" if body else b""
    assert first_line, f"the sample has rows in {last}"
    doubled = body + first_line
    import hashlib

    manifest["files"][f"tables/{last}.jsonl"] = hashlib.sha256(doubled).hexdigest()
    manifest["tables"][last] += 1
    bad = tmp_path / "bad.zip"
    _rewrite(
        archive,
        bad,
        lambda name, data: (
            json.dumps(manifest).encode()
            if name == "manifest.json"
            else doubled
            if name == f"tables/{last}.jsonl"
            else data
        ),
    )
    other = make_db(target)
    with pytest.raises(InputError, match=f"rows of {last} do not fit"):
        restore(other, tmp_path / "r", bad)
    _empty(other, tmp_path / "r")


def test_backup_needs_a_known_suffix(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.tar\.gz or \.zip"):
        backup(db, tmp_path, tmp_path / "b.rar")
    assert not list(tmp_path.glob("b.*"))


def test_tar_members_cannot_escape(db: Database, tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "p.txt"
    payload.write_text("x", encoding="utf-8")
    with tarfile.open(evil, "w:gz") as tf:
        tf.add(payload, arcname="../../escaped.txt")
    with pytest.raises(InputError, match="damaged"):
        restore(db, tmp_path / "r", evil)
    assert not (tmp_path.parent / "escaped.txt").exists()
