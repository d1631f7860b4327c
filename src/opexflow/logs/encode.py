"""From typed events to the canonical dataset: lifecycle pairing, integer codes,
successor columns, case and variant tables, written as Parquet.

All of it is DuckDB SQL over the import's private database, so it runs out of
core under the connection's memory limit.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from opexflow.logs.columns import quote
from opexflow.logs.duck import run_with_progress
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
    TIMESTAMP,
    VARIANT_IDX,
)
from opexflow.logs.staging import ProgressCallback, no_progress

_PARQUET = "(FORMAT parquet, COMPRESSION lz4_raw, ROW_GROUP_SIZE 122880)"


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
    """Create the codes (``case_codes``, ``acts``) and the view ``events_unsorted``
    (coded, positioned, with successors) over ``ev``."""
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
    by = [c for c in (RESOURCE, DEPARTMENT) if c in has]
    # Resources and departments get integer codes for the windows below (not stored).
    for col in by:
        con.execute(
            f"""CREATE TABLE {col}_codes AS
            SELECT {col} AS v, (row_number() OVER (ORDER BY {col}))::INTEGER AS c
              FROM (SELECT DISTINCT {col} FROM ev WHERE {col} IS NOT NULL)"""
        )
    nexts = [
        f"lead({ACTIVITY_IDX}) OVER w AS {NEXT_ACTIVITY_IDX}",
        f"lead(epoch_us({TIMESTAMP})) OVER w AS {NEXT_TS_US}",
    ]
    if START_TIMESTAMP in has:
        nexts.append(f"lead(epoch_us({START_TIMESTAMP})) OVER w AS {NEXT_START_US}")
    nexts += [f"__{c}, lead(__{c}) OVER w AS __next_{c}" for c in by]
    codes = "".join(f" LEFT JOIN {c}_codes {c}_c ON {c}_c.v = ev.{c}" for c in by)
    micros = [f"epoch_us({TIMESTAMP}) AS ts_us"]
    if START_TIMESTAMP in has:
        micros.append(f"epoch_us({START_TIMESTAMP}) AS start_us")
    extra = [LIFECYCLE] if LIFECYCLE in has else []
    attrs = ", ".join(quote(a) for a in [*extra, *attributes])
    flags = [OCCURRENCE, EDGE_FIRST, *(MOVE_FIRST[c] for c in by), *(PINGPONG_FIRST[c] for c in by)]
    succ = [NEXT_ACTIVITY_IDX, NEXT_TS_US, *([NEXT_START_US] if START_TIMESTAMP in has else [])]
    # Positions, successors and flags are computed on narrow integer rows and joined
    # back to the full rows by file position: a window sorts every column it carries,
    # and strings and attributes would make each of them several times slower.
    con.execute(
        f"""
        CREATE VIEW events_seq AS
        SELECT __pos, {CASE_IDX}, (row_number() OVER w - 1)::INTEGER AS {EVENT_IDX},
               {ACTIVITY_IDX}, {", ".join(nexts)}
          FROM (SELECT __pos, {TIMESTAMP}, {START_TIMESTAMP + ", " if START_TIMESTAMP in has else ""}
                       {CASE_IDX}, {ACTIVITY_IDX}{"".join(f", {c}_c.c AS __{c}" for c in by)}
                  FROM ev JOIN case_codes USING ({CASE_ID}) JOIN acts USING ({ACTIVITY}){codes})
        WINDOW w AS (PARTITION BY {CASE_IDX} ORDER BY {TIMESTAMP}, __pos);
        {_first_flags_sql("events_seq", "events_flags", by)}
        CREATE VIEW events_unsorted AS
        SELECT f.{CASE_IDX}, f.{EVENT_IDX}, f.{ACTIVITY_IDX}, {CASE_ID}, {ACTIVITY}, {TIMESTAMP},
               {"".join("e." + c + ", " for c in optional)}{", ".join(micros)},
               {", ".join("f." + c for c in succ)}{"".join(f", {c}_n.v AS next_{c}" for c in by)},
               __pos AS {ROW}{", " + attrs if attrs else ""}, {", ".join("f." + c for c in flags)}
          FROM ev e JOIN events_flags f USING (__pos)
               {"".join(f" LEFT JOIN {c}_codes {c}_n ON {c}_n.c = f.__next_{c}" for c in by)}
        """
    )


def _first_flags_sql(source: str, target: str, by: list[str]) -> str:
    """Views adding the first-occurrence columns to ``source`` (narrow rows, coded).

    Each flag marks one event per case and thing counted, so that the analyses
    count cases with ``count(*) FILTER (WHERE flag)`` in the same scan instead of
    a ``DISTINCT`` or a ``GROUP BY activity, case``. ``row_number()`` windows,
    because DuckDB runs them about 2x faster than ``min() OVER`` a partition. The
    move and ping-pong flags of a pair share one window: ordered ping-pongs first,
    its first row is the pair's one flagged move, and a ping-pong if the pair has any.
    """
    back = [
        f"lead(CASE WHEN {_is_move(c)} THEN __next_{c} END IGNORE NULLS) OVER "
        f"(PARTITION BY {CASE_IDX} ORDER BY {EVENT_IDX}) AS __back_{c}"
        for c in by
    ]
    pingpong = [f"({_is_move(c)} AND coalesce(__back_{c} = __{c}, false)) AS __pp_{c}" for c in by]
    pairs = []
    for c in by:
        first = (
            f"row_number() OVER (PARTITION BY {CASE_IDX}, __{c}, __next_{c} "
            f"ORDER BY __pp_{c} DESC, {EVENT_IDX}) = 1"
        )
        pairs += [
            f"{_is_move(c)} AND {first} AS {MOVE_FIRST[c]}",
            f"__pp_{c} AND {first} AS {PINGPONG_FIRST[c]}",
        ]
    return f"""
        CREATE VIEW {target}_1 AS
        SELECT *,
               row_number() OVER (PARTITION BY {CASE_IDX}, {ACTIVITY_IDX} ORDER BY {EVENT_IDX})
                   ::INTEGER AS {OCCURRENCE},
               {NEXT_ACTIVITY_IDX} IS NOT NULL AND row_number() OVER (
                   PARTITION BY {CASE_IDX}, {ACTIVITY_IDX}, {NEXT_ACTIVITY_IDX}
                   ORDER BY {EVENT_IDX}) = 1 AS {EDGE_FIRST}
               {"".join(", " + b for b in back)}
          FROM {source};
        CREATE VIEW {target}_2 AS SELECT *{"".join(", " + p for p in pingpong)} FROM {target}_1;
        CREATE VIEW {target} AS SELECT *{"".join(", " + p for p in pairs)} FROM {target}_2;
    """


def _is_move(col: str) -> str:
    c = f"__{col}"
    return f"({c} IS NOT NULL AND __next_{col} IS NOT NULL AND {c} <> __next_{col})"


def write_events(
    con: duckdb.DuckDBPyConnection, out: Path, progress: ProgressCallback = no_progress
) -> None:
    """Sort and write events.parquet in one pass; later steps read the file back."""
    path = _path(out / "events.parquet")
    run_with_progress(
        con,
        f"COPY (SELECT * FROM events_unsorted ORDER BY {CASE_IDX}, {EVENT_IDX}) "
        f"TO '{path}' {_PARQUET}",
        "Sorting and writing",
        progress,
    )
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{path}')")


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
