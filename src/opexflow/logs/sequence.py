"""Positions, successors and first-occurrence flags of events, case by case, in NumPy.

The import (:mod:`opexflow.logs.encode`) streams the events from DuckDB sorted
by case, time and file position, in batches that hold whole cases, and
:func:`sequence` adds the columns that depend on an event's neighbours in its
case: ``event_idx``, the ``next_*`` successors, ``occurrence``, ``edge_first``
and, per handover column (resource, department), ``*_move_first`` and
``*_pingpong_first`` (:mod:`opexflow.logs.schema` says what each means).

Why NumPy: in SQL each of these is a window with its own partition and order,
five sorts of every event plus a join back to the full rows; here they are a
few stable sorts of small integer arrays per batch.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opexflow.logs.schema import (
    ACTIVITY_IDX,
    CASE_IDX,
    EDGE_FIRST,
    EVENT_IDX,
    MOVE_FIRST,
    NEXT_ACTIVITY_IDX,
    NEXT_START_US,
    NEXT_TS_US,
    OCCURRENCE,
    PINGPONG_FIRST,
    START_US,
    TS_US,
)

__all__ = ["sequence"]

_NULL = -1


def sequence(batch: pa.Table, handovers: list[str]) -> dict[str, pa.Array]:
    """The neighbour-dependent columns of ``batch``: whole cases, in event order.

    Args:
        batch: events with ``case_idx``, ``activity_idx``, ``ts_us``, optionally
            ``start_us``, and the ``handovers`` columns, sorted by case then event.
        handovers: the handover columns present (``resource``, ``department``).

    Returns:
        column name -> values, for ``event_idx``, the successors (``next_<col>``
        for each handover column), ``occurrence``, ``edge_first`` and the move
        and ping-pong flags of each handover column.
    """
    case = batch[CASE_IDX].to_numpy()
    n = len(case)
    has_next = np.zeros(n, dtype=bool)
    has_next[:-1] = case[1:] == case[:-1]
    following = pa.array(np.minimum(np.arange(1, n + 1), n - 1), mask=~has_next)
    activity = batch[ACTIVITY_IDX].to_numpy()
    next_activity = np.where(has_next, np.roll(activity, -1), _NULL)
    out: dict[str, pa.Array] = {
        EVENT_IDX: pa.array(_event_idx(case), pa.int32()),
        NEXT_ACTIVITY_IDX: pa.array(next_activity, pa.int32(), mask=~has_next),
        NEXT_TS_US: _take(batch[TS_US], following),
    }
    if START_US in batch.column_names:
        out[NEXT_START_US] = _take(batch[START_US], following)
    for col in handovers:
        out[f"next_{col}"] = _take(batch[col], following)
    out[OCCURRENCE] = pa.array(_occurrence(case, activity), pa.int32())
    out[EDGE_FIRST] = pa.array(has_next & _first_of_group(case, activity, next_activity))
    flags = {col: _handover_flags(case, _codes(batch[col]), has_next) for col in handovers}
    out |= {MOVE_FIRST[col]: pa.array(move) for col, (move, _) in flags.items()}
    out |= {PINGPONG_FIRST[col]: pa.array(pingpong) for col, (_, pingpong) in flags.items()}
    return out


def _event_idx(case: np.ndarray) -> np.ndarray:
    new = np.ones(len(case), dtype=bool)
    new[1:] = case[1:] != case[:-1]
    return _rank(new)


def _rank(starts: np.ndarray) -> np.ndarray:
    """0, 1, 2... from each group start on."""
    index = np.arange(len(starts))
    return index - np.maximum.accumulate(np.where(starts, index, 0))


def _take(column: pa.ChunkedArray, following: pa.Array) -> pa.Array:
    """The column's value at the next event of the case; null at a case's last."""
    return column.combine_chunks().take(following)


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """Equal values, equal codes (within this batch); null is ``_NULL``."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    return np.asarray(pc.fill_null(encoded.indices, _NULL), dtype=np.int64)


def _group_order(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Events ordered by the keys (the first is most significant), then by event,
    and whether each starts a group of equal keys in that order."""
    order = np.lexsort((np.arange(len(keys[0])), *reversed(keys)))
    return order, _starts(order, keys)


def _starts(order: np.ndarray, keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Whether each of ``order`` has other keys than the one before it."""
    starts = np.zeros(len(order), dtype=bool)
    starts[:1] = True
    for key in keys:
        ordered = key[order]
        starts[1:] |= ordered[1:] != ordered[:-1]
    return starts


def _occurrence(case: np.ndarray, activity: np.ndarray) -> np.ndarray:
    """1 for an activity's first event in its case, 2 for the next, ..."""
    order, starts = _group_order(case, activity)
    occurrence = np.empty(len(order), dtype=np.int32)
    occurrence[order] = _rank(starts) + 1
    return occurrence


def _first_of_group(*keys: np.ndarray) -> np.ndarray:
    """Whether each event is the first of its case with its keys."""
    order, starts = _group_order(*keys)
    first = np.zeros(len(order), dtype=bool)
    first[order[starts]] = True
    return first


def _handover_flags(
    case: np.ndarray, code: np.ndarray, has_next: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Move-first and ping-pong-first flags of a handover column's codes.

    A move hands over to another value at the next event. It is a ping-pong
    when the case's next move goes back to its own value. Of the moves of one
    (case, from, to) pair, the first ping-pong is flagged, else the first move.
    """
    n = len(case)
    following = np.where(has_next, np.roll(code, -1), _NULL)
    moves = np.flatnonzero((code != _NULL) & (following != _NULL) & (code != following))
    later = np.append(moves[1:], moves[-1:])  # each move's next move (itself for the last)
    back = (later > moves) & (case[later] == case[moves]) & (following[later] == code[moves])
    pingpong = np.zeros(n, dtype=bool)
    pingpong[moves] = back
    # By pair, ping-pongs first, then by event: the first of each pair is flagged.
    pairs = moves[np.lexsort((moves, ~back, following[moves], code[moves], case[moves]))]
    starts = _starts(pairs, (case, code, following))
    move_first = np.zeros(n, dtype=bool)
    move_first[pairs[starts]] = True
    return move_first, move_first & pingpong
