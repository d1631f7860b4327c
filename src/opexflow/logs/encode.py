"""From typed events to the canonical dataset: lifecycle pairing, integer codes,
successor columns, case and variant tables, written as Parquet.

All of it is DuckDB SQL over the import's private database, so it runs out of
core under the connection's memory limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from opexflow.logs.columns import quote
from opexflow.logs.schema import (
    ACTIVITY,
    ACTIVITY_IDX,
    CASE_ID,
    CASE_IDX,
    DEPARTMENT,
    EDGE_FIRST,
    EVENT_IDX,
    LIFECYCLE,
    MOVE_FIRST,
    NEXT_ACTIVITY_IDX,
    NEXT_START_US,
    NEXT_TS_US,
    OCCURRENCE,
    PINGPONG_FIRST,
    RESOURCE,
    ROW,
    START_TIMESTAMP,
    START_US,
    TIMESTAMP,
    TS_US,
    VARIANT_IDX,
)
from opexflow.logs.sequence import sequence
from opexflow.logs.staging import ProgressCallback, no_progress

_ROW_GROUP = 122_880
_PARQUET = f"(FORMAT parquet, COMPRESSION lz4_raw, ROW_GROUP_SIZE {_ROW_GROUP})"


def pair_lifecycle(con: duckdb.DuckDBPyConnection, columns: list[str]) -> int:
    """Merge ``start``/``complete`` event pairs into one event with a start timestamp.

    The k-th start of an activity in a case pairs with its k-th complete (both in
    time order). Unpaired starts stay as events; events of other transitions stay
    as they are. Returns the number of unpaired starts. Works on table ``ev``.

    The pairs are found on narrow rows (position, case, activity, time) and the
    full rows are written once, joined to them by position: a window or a join
    carries every column of its rows, and attributes would make them slower.
    """
    has = con.execute(f"SELECT count(*) FROM ev WHERE {LIFECYCLE} = 'start'").fetchone()
    if not has or not has[0]:
        return 0
    others = ", ".join(f"e.{quote(c)}" for c in columns if c != START_TIMESTAMP)  # with __pos
    con.execute(
        f"""
        CREATE TABLE lc_num AS
        SELECT __pos, {CASE_ID}, {ACTIVITY}, {TIMESTAMP}, {LIFECYCLE} = 'start' AS is_start,
               row_number() OVER (PARTITION BY {CASE_ID}, {ACTIVITY}, {LIFECYCLE}
                                  ORDER BY {TIMESTAMP}, __pos) AS k
          FROM ev WHERE {LIFECYCLE} IN ('start', 'complete');
        CREATE TABLE lc_pairs AS
        SELECT c.__pos AS complete_pos, s.__pos AS start_pos, s.{TIMESTAMP} AS start_ts
          FROM lc_num c JOIN lc_num s USING ({CASE_ID}, {ACTIVITY}, k)
         WHERE NOT c.is_start AND s.is_start;
        CREATE TABLE ev2 AS
        SELECT {others}, p.start_ts AS {START_TIMESTAMP}
          FROM ev e LEFT JOIN lc_pairs p ON p.complete_pos = e.__pos
               ANTI JOIN lc_pairs d ON d.start_pos = e.__pos;
        DROP VIEW ev; CREATE VIEW ev AS SELECT * FROM ev2;
        """
    )
    row = con.execute(
        "SELECT count(*) FILTER (WHERE is_start) - (SELECT count(*) FROM lc_pairs) FROM lc_num"
    ).fetchone()
    con.execute("DROP TABLE lc_num; DROP TABLE lc_pairs")
    return int(row[0]) if row else 0


def encode(con: duckdb.DuckDBPyConnection, columns: list[str], attributes: list[str]) -> None:
    """Create the codes (``case_codes``, ``acts``) and the view ``events_sorted`` over
    ``ev``: the events coded and in their final order (case, time, file position),
    without the columns that depend on their neighbours (:func:`write_events` adds them)."""
    has = set(columns)
    con.execute(
        f"""
        CREATE TABLE case_codes AS
        SELECT {CASE_ID}, (row_number() OVER (ORDER BY first_ts, {CASE_ID}) - 1)::INTEGER
               AS {CASE_IDX}
          FROM (SELECT {CASE_ID}, min({TIMESTAMP}) AS first_ts FROM ev GROUP BY {CASE_ID});
        CREATE TABLE acts AS
        SELECT {ACTIVITY}, (row_number() OVER (ORDER BY {ACTIVITY}) - 1)::INTEGER AS {ACTIVITY_IDX}
          FROM (SELECT DISTINCT {ACTIVITY} FROM ev);
        """
    )
    optional = [c for c in (START_TIMESTAMP, RESOURCE, DEPARTMENT) if c in has]
    micros = [f"epoch_us({TIMESTAMP}) AS {TS_US}"]
    if START_TIMESTAMP in has:
        micros.append(f"epoch_us({START_TIMESTAMP}) AS {START_US}")
    extra = [LIFECYCLE] if LIFECYCLE in has else []
    rest = [*optional, *micros, f"__pos AS {ROW}", *(quote(a) for a in [*extra, *attributes])]
    con.execute(
        f"""
        CREATE VIEW events_sorted AS
        SELECT {CASE_IDX}, {ACTIVITY_IDX}, {CASE_ID}, {ACTIVITY}, {TIMESTAMP}, {", ".join(rest)}
          FROM ev JOIN case_codes USING ({CASE_ID}) JOIN acts USING ({ACTIVITY})
         ORDER BY {CASE_IDX}, {TIMESTAMP}, __pos
        """
    )


def write_events(
    con: duckdb.DuckDBPyConnection, out: Path, progress: ProgressCallback = no_progress
) -> None:
    """Write events.parquet from ``events_sorted`` in one pass, adding the columns
    that depend on each event's neighbours (:mod:`opexflow.logs.sequence`); later
    steps read the file back."""
    path = out / "events.parquet"
    row = con.execute("SELECT count(*) FROM ev").fetchone()
    total = int(row[0]) if row else 0
    handovers = [c for c in (RESOURCE, DEPARTMENT) if c in _columns(con, "events_sorted")]
    reader = con.execute("SELECT * FROM events_sorted").to_arrow_reader(_ROW_GROUP)
    with _EventsFile(path) as file:
        for cases in _whole_cases(reader):
            file.write(_with_sequence(cases, handovers))
            progress("Sorting and writing", file.rows, total)
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{_path(path)}')")


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall()]


def _whole_cases(reader: pa.RecordBatchReader) -> Iterator[pa.Table]:
    """The sorted events in tables that each hold whole cases."""
    carry: pa.Table | None = None
    for batch in reader:
        table = pa.Table.from_batches([batch])
        if carry is not None:
            table = pa.concat_tables([carry, table])
        case = table[CASE_IDX].to_numpy()
        cut = int(np.searchsorted(case, case[-1]))  # where the last case starts
        carry = table.slice(cut)
        if cut:
            yield table.slice(0, cut)
    if carry is not None and carry.num_rows:
        yield carry


def _with_sequence(cases: pa.Table, handovers: list[str]) -> pa.Table:
    """The final columns of events.parquet, in their order, timestamps in UTC."""
    added = sequence(cases, handovers)
    names = cases.column_names
    first = [CASE_IDX, EVENT_IDX, *names[1 : names.index(ROW)]]
    nexts = [NEXT_ACTIVITY_IDX, NEXT_TS_US, NEXT_START_US, *(f"next_{c}" for c in handovers)]
    flags = [OCCURRENCE, EDGE_FIRST, *(MOVE_FIRST[c] for c in handovers)]
    flags += [PINGPONG_FIRST[c] for c in handovers]
    order = [*first, *(c for c in nexts if c in added), *names[names.index(ROW) :], *flags]
    columns = {**{n: cases[n] for n in names}, **added}
    return pa.table({n: _utc(columns[n]) for n in order})


def _utc(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return column.cast(pa.timestamp(kind.unit, "UTC"))
    return column


def _dictionary_columns(schema: pa.Schema) -> list[str]:
    """Columns worth a dictionary: text and 32-bit codes, as DuckDB chooses. Times and
    64-bit values are nearly all distinct; a dictionary there only slows the scans
    that read them (the DFG on 1M events: about 25%)."""
    kinds = (pa.types.is_string, pa.types.is_large_string, pa.types.is_int32)
    return [f.name for f in schema if any(kind(f.type) for kind in kinds)]


class _EventsFile:
    """events.parquet, written in row groups of ``_ROW_GROUP`` events."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._pending: list[pa.Table] = []
        self._size = 0

    def __enter__(self) -> _EventsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._flush(final=True)
        if self._writer is not None:
            self._writer.close()

    def write(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._size += table.num_rows
        self.rows += table.num_rows
        if self._size >= _ROW_GROUP:
            self._flush(final=False)

    def _flush(self, *, final: bool) -> None:
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        whole = table.num_rows if final else table.num_rows - table.num_rows % _ROW_GROUP
        if self._writer is None:
            self._writer = pq.ParquetWriter(
                self.path,
                table.schema,
                compression="lz4",
                use_dictionary=_dictionary_columns(table.schema),
            )
        self._writer.write_table(table.slice(0, whole), row_group_size=_ROW_GROUP)
        rest = table.slice(whole)
        self._pending, self._size = ([rest], rest.num_rows) if rest.num_rows else ([], 0)


def write_tables(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    case_attributes: list[str],
    *,
    has_start: bool,
) -> None:
    """Write cases, variants and activities tables next to events.parquet."""
    first_start = (
        f"min(coalesce({START_TIMESTAMP}, {TIMESTAMP}))" if has_start else (f"min({TIMESTAMP})")
    )
    # Case attributes are constant within a case, so any non-null value is the value.
    attrs = "".join(f", any_value({quote(a)}) AS {quote(a)}" for a in case_attributes)
    # A variant is identified by an order-sensitive 64-bit fingerprint of its
    # (position, activity) pairs, not by an ordered list per case: ordered
    # aggregates over every case cannot spill to disk, this hash aggregate can.
    # The activity sequence is then read once per variant, from its first case.
    con.execute(
        f"""
        CREATE TABLE case_traces AS
        SELECT {CASE_IDX}, any_value({CASE_ID}) AS {CASE_ID},
               {first_start} AS case_start, min({TIMESTAMP}) AS first_timestamp,
               max({TIMESTAMP}) AS last_timestamp, epoch_us({first_start}) AS case_start_us,
               min(ts_us) AS first_us, max(ts_us) AS last_us, count(*)::INTEGER AS n_events,
               bit_xor(hash(({EVENT_IDX}::BIGINT << 32) | {ACTIVITY_IDX}::BIGINT)) AS fingerprint{attrs}
          FROM events GROUP BY {CASE_IDX};
        CREATE TABLE variants AS
        SELECT (row_number() OVER (ORDER BY cases DESC, first_case) - 1)::INTEGER
               AS {VARIANT_IDX}, fingerprint, n_events, cases, first_case
          FROM (SELECT fingerprint, n_events, count(*)::BIGINT AS cases,
                       min({CASE_IDX}) AS first_case
                  FROM case_traces GROUP BY fingerprint, n_events);
        CREATE TABLE variant_traces AS
        SELECT v.{VARIANT_IDX}, list(e.{ACTIVITY_IDX} ORDER BY e.{EVENT_IDX}) AS trace
          FROM variants v JOIN events e ON e.{CASE_IDX} = v.first_case
         GROUP BY v.{VARIANT_IDX};
        """
    )
    con.execute(
        f"COPY (SELECT c.* EXCLUDE (fingerprint), v.{VARIANT_IDX} FROM case_traces c "
        f"JOIN variants v USING (fingerprint, n_events) ORDER BY {CASE_IDX}) "
        f"TO '{_path(out / 'cases.parquet')}' {_PARQUET}"
    )
    con.execute(
        f"""COPY (
        SELECT v.{VARIANT_IDX}, v.cases, len(t.trace)::INTEGER AS length, t.trace AS activity_idxs,
               list_transform(t.trace, i -> names[i + 1]) AS activities
          FROM variants v JOIN variant_traces t USING ({VARIANT_IDX}),
               (SELECT list({ACTIVITY} ORDER BY {ACTIVITY_IDX}) AS names FROM acts)
         ORDER BY {VARIANT_IDX}) TO '{_path(out / "variants.parquet")}' {_PARQUET}"""
    )
    con.execute(
        f"""COPY (
        SELECT a.{ACTIVITY_IDX}, a.{ACTIVITY}, count(*)::BIGINT AS events,
               count(*) FILTER (WHERE e.{OCCURRENCE} = 1)::BIGINT AS cases
          FROM acts a JOIN events e USING ({ACTIVITY_IDX})
         GROUP BY ALL ORDER BY a.{ACTIVITY_IDX}) TO '{_path(out / "activities.parquet")}' {_PARQUET}"""
    )


def case_level(con: duckdb.DuckDBPyConnection, attributes: list[str]) -> list[str]:
    """Attributes whose non-empty values are constant within every case."""
    if not attributes:
        return []
    exprs = ", ".join(f"max(n{i}) <= 1" for i in range(len(attributes)))
    inner = ", ".join(f"count(DISTINCT {quote(a)}) AS n{i}" for i, a in enumerate(attributes))
    row = con.execute(
        f"SELECT {exprs} FROM (SELECT {inner} FROM events GROUP BY {CASE_IDX})"
    ).fetchone()
    assert row is not None
    return [a for a, flag in zip(attributes, row, strict=True) if flag]


def _path(p: Path) -> str:
    return str(p).replace("'", "''")
