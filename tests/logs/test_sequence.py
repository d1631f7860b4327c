"""Positions, successors and first-occurrence flags (opexflow.logs.sequence).

A hand-checked case, then random logs against the SQL window definitions the
flags are specified by, then an import in tiny batches against a normal one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opexflow.logs import encode, import_log
from opexflow.logs.sequence import sequence

Case = list[tuple[int, str | None]]


def events(cases: list[Case]) -> pa.Table:
    """Events of ``cases`` (activity, resource), one microsecond apart, in order."""
    rows = [(c, a, r) for c, case in enumerate(cases) for a, r in case]
    return pa.table(
        {
            "case_idx": pa.array([r[0] for r in rows], pa.int32()),
            "activity_idx": pa.array([r[1] for r in rows], pa.int32()),
            "ts_us": pa.array(range(len(rows)), pa.int64()),
            "resource": pa.array([r[2] for r in rows], pa.string()),
        }
    )


def test_a_case_with_rework_and_a_ping_pong() -> None:
    # A(ann) -> B(bob) -> A(ann) -> B(bob) -> C(bob) -> A(None)
    case: Case = [(0, "ann"), (1, "bob"), (0, "ann"), (1, "bob"), (2, "bob"), (0, None)]
    out = sequence(events([case, [(2, "cat")]]), ["resource"])
    assert out["event_idx"].to_pylist() == [0, 1, 2, 3, 4, 5, 0]
    assert out["next_activity_idx"].to_pylist() == [1, 0, 1, 2, 0, None, None]
    assert out["next_ts_us"].to_pylist() == [1, 2, 3, 4, 5, None, None]
    assert out["next_resource"].to_pylist() == ["bob", "ann", "bob", "bob", None, None, None]
    assert out["occurrence"].to_pylist() == [1, 1, 2, 2, 1, 3, 1]
    # A->B twice (first flagged), B->A, B->C, C->A; the last events have no successor.
    assert out["edge_first"].to_pylist() == [True, True, False, True, True, False, False]
    # Moves: ann->bob at 0 and 2, bob->ann at 1. 0 and 1 are ping-pongs (the next move
    # goes back), 2 is not (no move follows): 0 is its pair's flagged move, 1 its own.
    assert out["resource_move_first"].to_pylist() == [True, True, False, False, False, False, False]
    assert out["resource_pingpong_first"].to_pylist() == [True, True] + [False] * 5


def test_the_first_ping_pong_of_a_pair_wins_over_its_first_move() -> None:
    # ann->bob at 0 is a plain move (the next move, bob->cat, does not go back);
    # ann->bob at 3 is a ping-pong (bob->ann follows): it is the pair's flagged move.
    case: Case = [(0, "ann"), (0, "bob"), (0, "cat"), (0, "ann"), (0, "bob"), (0, "ann")]
    out = sequence(events([case]), ["resource"])
    assert out["resource_move_first"].to_pylist() == [False, True, True, True, True, False]
    assert out["resource_pingpong_first"].to_pylist() == [False, False, False, True, False, False]


ORACLE = """
WITH n AS (
  SELECT *, row_number() OVER w - 1 AS event_idx, lead(activity_idx) OVER w AS next_act,
         lead(resource) OVER w AS next_r
    FROM t WINDOW w AS (PARTITION BY case_idx ORDER BY ts_us)),
m AS (SELECT *, (resource IS NOT NULL AND next_r IS NOT NULL AND resource <> next_r) AS mv FROM n),
b AS (SELECT *, lead(CASE WHEN mv THEN next_r END IGNORE NULLS)
                  OVER (PARTITION BY case_idx ORDER BY event_idx) AS back FROM m),
p AS (SELECT *, mv AND coalesce(back = resource, false) AS pp FROM b)
SELECT event_idx::INTEGER AS event_idx,
       row_number() OVER (PARTITION BY case_idx, activity_idx ORDER BY event_idx)::INTEGER
           AS occurrence,
       next_act IS NOT NULL AND row_number() OVER (
           PARTITION BY case_idx, activity_idx, next_act ORDER BY event_idx) = 1 AS edge_first,
       mv AND row_number() OVER (
           PARTITION BY case_idx, resource, next_r ORDER BY pp DESC, event_idx) = 1
           AS resource_move_first,
       pp AND row_number() OVER (
           PARTITION BY case_idx, resource, next_r ORDER BY pp DESC, event_idx) = 1
           AS resource_pingpong_first
  FROM p ORDER BY case_idx, event_idx
"""

cases_strategy = st.lists(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([None, "ann", "bob", "cat"])),
        min_size=1,
        max_size=12,
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(cases_strategy)
def test_flags_follow_their_sql_definitions(cases: list[Case]) -> None:
    t = events(cases)
    out = sequence(t, ["resource"])
    expected = duckdb.connect().execute(ORACLE).to_arrow_table()
    for name in expected.column_names:
        assert out[name].to_pylist() == expected[name].to_pylist(), name


@pytest.mark.parametrize("rows", [1, 3, 7])
def test_an_import_in_small_batches_writes_the_same_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    source = tmp_path / "log.csv"
    steps = [("A", "x"), ("B", "y"), ("A", "x"), ("C", "y")]
    lines = ["case,activity,time,resource"]
    for case in range(5):
        for i, (activity, who) in enumerate(steps[: case + 1]):
            lines.append(f"c{case},{activity},2024-03-0{case + 1} 10:0{i}:00,{who}")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = pq.read_table(import_log(source, tmp_path / "whole").path / "events.parquet")
    monkeypatch.setattr(encode, "_ROW_GROUP", rows)
    batched = import_log(source, tmp_path / "batched").path / "events.parquet"
    assert pq.read_table(batched).equals(whole)
    assert pq.ParquetFile(batched).metadata.row_group(0).num_rows == min(rows, whole.num_rows)
    assert whole["occurrence"].to_pylist() == [1, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1]
    assert whole["resource_pingpong_first"].to_pylist().count(True) == 5  # x->y->x: 1, 2, 2
