"""Filters: new :class:`~opexflow.logs.schema.EventLog` handles that see part of a log.

Case-level filters keep or drop whole cases, so the successor columns and
variants stored at import stay valid. Event-level filters (``TimeFilter`` with
``mode="trim"``, ``AttributeFilter`` with ``level="event"``) drop events; the
analyses then recompute successors and variants over what is left.

Example:
    >>> from datetime import datetime, UTC
    >>> from opexflow.analysis.filters import filter_time, filter_activity
    >>> recent = filter_time(log, since=datetime(2024, 3, 1, tzinfo=UTC))   # doctest: +SKIP
    >>> reworked = filter_activity(log, "补充资料")                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from opexflow.errors import InputError

if TYPE_CHECKING:
    from opexflow.logs.schema import EventLog

TimeMode = Literal["contained", "started", "intersecting", "trim"]
_CANONICAL = ("activity", "resource", "department", "case_id")


@dataclass(frozen=True, slots=True)
class TimeFilter:
    """Cases (or, with ``mode="trim"``, events) in a time window [since, until)."""

    since: datetime | None = None
    until: datetime | None = None
    mode: TimeMode = "contained"

    @property
    def level(self) -> str:
        return "event" if self.mode == "trim" else "case"


@dataclass(frozen=True, slots=True)
class AttributeFilter:
    """Cases with (or without) an attribute value; or, at event level, those events only."""

    attribute: str
    values: tuple[object, ...]
    keep: bool = True
    level: Literal["case", "event"] = "case"


@dataclass(frozen=True, slots=True)
class VariantFilter:
    """Cases whose activity sequence is (or is not) one of ``variants``."""

    variants: tuple[tuple[str, ...], ...]
    keep: bool = True
    level: Literal["case"] = "case"


@dataclass(frozen=True, slots=True)
class ActivityFilter:
    """Cases that contain (``present=True``) or lack an activity."""

    activity: str
    present: bool = True
    level: Literal["case"] = "case"


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Cases whose id is (or is not) in ``case_ids``."""

    case_ids: tuple[str, ...]
    keep: bool = True
    level: Literal["case"] = "case"


Filter = TimeFilter | AttributeFilter | VariantFilter | ActivityFilter | CaseFilter


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InputError(
            f"{name}={value.isoformat()} has no time zone; pass an aware datetime "
            "(e.g. datetime(2024, 3, 1, tzinfo=ZoneInfo('Asia/Shanghai')))"
        )
    return value


def filter_time(
    log: EventLog,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    mode: TimeMode = "contained",
) -> EventLog:
    """Keep cases within [since, until): ``contained`` (start and end inside),
    ``started`` (start inside), ``intersecting`` (any overlap), or ``trim``
    (keep only the events inside, cutting cases)."""
    if mode not in ("contained", "started", "intersecting", "trim"):
        raise InputError(
            f"unknown time filter mode {mode!r}; use contained, started, intersecting or trim"
        )
    return log.with_filters(TimeFilter(_aware(since, "since"), _aware(until, "until"), mode))


def filter_attribute(
    log: EventLog,
    attribute: str,
    values: Iterable[object],
    *,
    keep: bool = True,
    level: Literal["case", "event"] = "case",
) -> EventLog:
    """Keep (or drop, ``keep=False``) cases having ``attribute`` in ``values``; at
    ``level="event"`` keep only the matching events."""
    known = {a.name for a in log.meta.attributes} | set(_CANONICAL)
    if attribute not in known:
        raise InputError(
            f"the log has no attribute {attribute!r}; attributes: {', '.join(sorted(known))}"
        )
    return log.with_filters(AttributeFilter(attribute, tuple(values), keep, level))


def filter_variants(
    log: EventLog, variants: Iterable[Sequence[str]], *, keep: bool = True
) -> EventLog:
    """Keep (or drop) the cases that follow one of the given activity sequences."""
    return log.with_filters(VariantFilter(tuple(tuple(v) for v in variants), keep))


def filter_activity(log: EventLog, activity: str, *, present: bool = True) -> EventLog:
    """Keep the cases that contain ``activity`` (or, ``present=False``, that lack it)."""
    return log.with_filters(ActivityFilter(activity, present))


def filter_cases(log: EventLog, case_ids: Iterable[str], *, keep: bool = True) -> EventLog:
    """Keep (or drop) the cases with these ids."""
    return log.with_filters(CaseFilter(tuple(str(c) for c in case_ids), keep))
