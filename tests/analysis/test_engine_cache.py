"""Engine.run: an analysis' SQL is compiled once per log, filters and import — never stale."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import opexflow as ox
from opexflow.analysis.engine import Engine
from opexflow.logs import import_log


def _write(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    lines = ["case,activity,start,timestamp", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ROWS = [
    ("c1", "a", "2024-03-01 09:00", "2024-03-01 09:10"),
    ("c1", "b", "2024-03-01 10:00", "2024-03-01 10:30"),
    ("c2", "a", "2024-03-01 09:00", "2024-03-01 09:20"),
    ("c2", "c", "2024-03-01 12:00", "2024-03-01 12:10"),
]


def test_same_log_reuses_sql_and_gives_the_same_result(tmp_path: Path) -> None:
    engine = Engine.duckdb()
    log = import_log(_write(tmp_path / "l.csv", ROWS), tmp_path / "ds")
    first = ox.dfg(log, engine=engine)
    assert len(engine._sql) == 1
    again = ox.dfg(log, engine=engine)
    assert len(engine._sql) == 1
    assert again.edges.equals(first.edges)
    assert again.counts() == {("a", "b"): 1, ("a", "c"): 1}


def test_filters_and_analyses_get_their_own_sql(tmp_path: Path) -> None:
    engine = Engine.duckdb()
    log = import_log(_write(tmp_path / "l.csv", ROWS), tmp_path / "ds")
    only_b = ox.filter_activity(log, "b")
    assert ox.dfg(only_b, engine=engine).counts() == {("a", "b"): 1}
    assert ox.dfg(log, engine=engine).counts() == {("a", "b"): 1, ("a", "c"): 1}
    assert ox.variants(log, engine=engine).num_rows == 2
    assert ox.variants(log, top=1, engine=engine).num_rows == 1
    assert ox.case_durations(only_b, engine=engine).column("case_id").to_pylist() == ["c1"]
    assert len(engine._sql) == 5


def test_a_new_import_into_the_same_folder_is_not_served_old_sql(tmp_path: Path) -> None:
    engine = Engine.duckdb()
    with_start = import_log(_write(tmp_path / "a.csv", ROWS), tmp_path / "ds")
    waits = ox.dfg(with_start, engine=engine).edges.column("wait_median_s").to_pylist()
    assert waits == [50 * 60.0, 160 * 60.0]  # a's completion to b's / c's start
    # The same folder, now without start times: the SQL must not read next_start_us.
    plain = [(c, a, t, t) for c, a, _, t in ROWS]
    lines = ["case,activity,timestamp", *(f"{c},{a},{t}" for c, a, _, t in plain)]
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    without = import_log(tmp_path / "b.csv", tmp_path / "ds")
    edges = ox.dfg(without, engine=engine).edges
    assert isinstance(edges, pa.Table)
    assert edges.column("wait_median_s").to_pylist() == edges.column("median_s").to_pylist()


def test_the_cache_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opexflow.analysis import engine as engine_module

    monkeypatch.setattr(engine_module, "_SQL_CACHE", 3)
    engine = Engine.duckdb()
    log = import_log(_write(tmp_path / "l.csv", ROWS), tmp_path / "ds")
    for top in range(1, 6):
        ox.variants(log, top=top, engine=engine)
    assert [key[1] for key in engine._sql] == [3, 4, 5]
