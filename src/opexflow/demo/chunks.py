"""Shared machinery of the demo generators: sizes, seeds, chunks and event assembly.

A generator works a chunk of cases at a time. It first draws each case's
*structure* (its path: loops, failures, violations), then its *timing*. The
structure of chunk ``k`` comes from its own random stream and is drawn for a
full chunk whatever the log's size, so that counting events for an
``events=`` target (:func:`plan_chunks`) and generating them agree.

Each case's events are laid out in *slots*, one per possible step; a slot is a
column of values over the chunk's cases with a mask saying which cases have
it. :func:`flatten` turns the slots into events, case by case, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from opexflow.errors import InputError

#: Events in a log when neither ``cases`` nor ``events`` is given.
DEFAULT_EVENTS: Final = 20_000
#: About this many events per chunk (Arrow table) a generator yields.
CHUNK_EVENTS: Final = 100_000
#: ``events=N`` yields N events within this relative tolerance (in practice within one case).
EVENTS_TOLERANCE: Final = 0.02

Int = NDArray[np.int64]
Mask = NDArray[np.bool_]


def rng_for(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream for ``seed`` and a key (process, chunk, purpose...)."""
    return np.random.default_rng(np.random.SeedSequence([seed, *key]))


def check_arguments(*, cases: int | None, events: int | None, seed: int) -> None:
    """Raise :class:`InputError` for a size or seed a generator cannot use."""
    if cases is not None and events is not None:
        raise InputError(f"give cases= or events=, not both (got cases={cases}, events={events})")
    for name, value in (("cases", cases), ("events", events)):
        if value is not None and (isinstance(value, bool) or value < 1):
            raise InputError(f"{name} must be a positive whole number, got {value!r}")
    if isinstance(seed, bool) or seed < 0:
        raise InputError(f"seed must be a whole number >= 0, got {seed!r}")


def plan_chunks(
    *,
    cases: int | None,
    events: int | None,
    chunk_cases: int,
    events_per_case: Callable[[int], Int],
) -> list[int]:
    """Number of cases in each chunk, for exactly ``cases`` cases or about ``events`` events.

    ``events_per_case(k)`` gives the event count of every case of a full chunk
    ``k``; the log stops at the case whose running total is closest to ``events``.

    Example:
        >>> plan_chunks(cases=None, events=23, chunk_cases=4,
        ...             events_per_case=lambda k: np.full(4, 5, dtype=np.int64))
        [4, 1]
    """
    if cases is not None:
        full, rest = divmod(cases, chunk_cases)
        return [chunk_cases] * full + ([rest] if rest else [])
    target = events if events is not None else DEFAULT_EVENTS
    sizes: list[int] = []
    total = 0
    while True:
        running = total + np.cumsum(events_per_case(len(sizes)))
        if running[-1] < target:
            sizes.append(chunk_cases)
            total = int(running[-1])
            continue
        i = int(np.searchsorted(running, target))
        below = int(running[i - 1]) if i else total
        if target - below < int(running[i]) - target:
            i -= 1  # stop one case earlier: closer to the target
        if i >= 0 or not sizes:
            sizes.append(max(i, 0) + 1)
        return sizes


@dataclass(frozen=True, slots=True)
class Slot:
    """One possible step of a case, over all cases of a chunk.

    Scalars apply to every case. ``start`` is None for logs that record only
    completion times.
    """

    present: Mask | bool
    activity: Int | int
    end: Int
    resource: Int | int
    department: Int | int
    start: Int | None = None


@dataclass(frozen=True, slots=True)
class Events:
    """Events of a chunk, case after case; ``case`` indexes the chunk's cases."""

    case: Int
    activity: Int
    end: Int
    resource: Int
    department: Int
    start: Int | None


def flatten(slots: Sequence[Slot], n: int, *, sort_by_time: bool = False) -> Events:
    """Events of ``n`` cases from their slots, in slot order or, if asked, in time order.

    Example:
        >>> end = np.array([10, 20])
        >>> ev = flatten([Slot(True, 0, end, 0, 0), Slot(np.array([False, True]), 1, end + 5, 1, 0)], 2)
        >>> ev.case.tolist(), ev.activity.tolist(), ev.end.tolist()
        ([0, 1, 1], [0, 0, 1], [10, 20, 25])
    """
    present = np.stack([np.broadcast_to(s.present, (n,)) for s in slots], axis=1)

    def column(values: Sequence[Int | int]) -> Int:
        stacked = np.stack([np.broadcast_to(np.asarray(v, dtype=np.int64), (n,)) for v in values])
        return np.asarray(stacked.T[present], dtype=np.int64)

    case = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None], present.shape)[present]
    end = column([s.end for s in slots])
    starts = [s.start for s in slots]
    start = None if any(s is None for s in starts) else column([s for s in starts if s is not None])
    ev = Events(
        case=case,
        activity=column([s.activity for s in slots]),
        end=end,
        resource=column([s.resource for s in slots]),
        department=column([s.department for s in slots]),
        start=start,
    )
    if not sort_by_time:
        return ev
    slot = np.broadcast_to(np.arange(len(slots), dtype=np.int64), present.shape)[present]
    order = np.lexsort((slot, end, case))
    return Events(
        case=case[order],
        activity=ev.activity[order],
        end=end[order],
        resource=ev.resource[order],
        department=ev.department[order],
        start=None if start is None else start[order],
    )


def pick(rng: np.random.Generator, pool: Int, n: int) -> Int:
    """``n`` members drawn uniformly from ``pool`` (resource codes)."""
    return np.asarray(pool[rng.integers(0, len(pool), n)], dtype=np.int64)
