"""Handovers of work between resources or departments, and ping-pong (A → B → A)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import ibis
import pyarrow as pa

from opexflow.analysis._expr import micros
from opexflow.analysis.tables import log_tables
from opexflow.errors import InputError

if TYPE_CHECKING:
    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

By = Literal["resource", "department"]


def handovers(log: EventLog, *, by: By = "department", engine: Engine | None = None) -> pa.Table:
    """Who hands work to whom: ``source``, ``target``, ``events``, ``cases``,
    ``mean_s``, ``median_s`` (time between the two events), and ``pingpong_cases``
    (cases where the work went source → target → source in consecutive handovers).

    Raises:
        InputError: the log has no ``resource``/``department`` column.
    """
    if by not in ("resource", "department"):
        raise InputError(f"handovers by {by!r}: use resource or department")
    t = log_tables(log, engine)
    ev = t.events
    if by not in ev.columns:
        raise InputError(f"the log has no {by} column; map one with --{by} COLUMN when importing")
    nxt = f"next_{by}"
    moves = ev.filter(ev[nxt].notnull() & ev[by].notnull() & (ev[by] != ev[nxt]))
    dur = micros(moves.ts_us, moves.next_ts_us)
    # The first move of a pair in a case, and its first ping-pong (the next move of
    # the case goes back), are flagged at import: counting them counts cases.
    grouped = moves.group_by(source=moves[by], target=moves[nxt]).aggregate(
        events=moves.count(),
        cases=moves.count(where=moves[f"{by}_move_first"]),
        mean_s=dur.mean() / 1e6,
        median_s=dur.quantile(0.5) / 1e6,
        pingpong_cases=moves.count(where=moves[f"{by}_pingpong_first"]),
    )
    return t.engine.to_arrow(grouped.order_by([ibis.desc("events"), "source", "target"]))
