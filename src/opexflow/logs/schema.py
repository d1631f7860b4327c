"""The canonical event-log schema and the :class:`EventLog` handle.

An imported log is a directory (a *dataset*) in the data directory::

    events.parquet      one row per event, sorted by case_idx, event_idx
    cases.parquet       one row per case, with its variant and case attributes
    activities.parquet  activity_idx -> activity, with event and case counts
    variants.parquet    variant_idx -> activity sequence, ordered by frequency
    meta.json           source, column mapping, attribute types, counts, quality report

Events are ordered within a case by timestamp, then by their position in the
source file. Case and activity names are integer-coded and each event carries
its successor (``next_*`` columns) and first-occurrence flags (``occurrence``,
``edge_first``, ``*_move_first``, ``*_pingpong_first``), so that the frequent
queries (directly-follows graph, variants, durations, rework, handovers) are
single group-bys without ``DISTINCT``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from opexflow.errors import LogFormatError, NotFoundError

if TYPE_CHECKING:
    from opexflow.analysis.filters import Filter

SCHEMA_VERSION = 2
"""2: first-occurrence columns (occurrence, edge_first, *_move_first, *_pingpong_first)."""

# Canonical column names.
CASE_IDX = "case_idx"
EVENT_IDX = "event_idx"
ACTIVITY_IDX = "activity_idx"
CASE_ID = "case_id"
ACTIVITY = "activity"
TIMESTAMP = "timestamp"
START_TIMESTAMP = "start_timestamp"
RESOURCE = "resource"
DEPARTMENT = "department"
LIFECYCLE = "lifecycle"
ROW = "source_row"
NEXT_ACTIVITY_IDX = "next_activity_idx"
TS_US = "ts_us"
"""Completion time as integer microseconds since the epoch (fast arithmetic)."""
START_US = "start_us"
NEXT_TS_US = "next_ts_us"
NEXT_START_US = "next_start_us"
NEXT_RESOURCE = "next_resource"
NEXT_DEPARTMENT = "next_department"
VARIANT_IDX = "variant_idx"
OCCURRENCE = "occurrence"
"""1 for an activity's first event in its case, 2 for its first repeat, ..."""
EDGE_FIRST = "edge_first"
"""True on the first event of its case followed directly by that same next activity."""
#: Per handover column (resource, department): one flagged move per (case, pair)
#: (its first ping-pong if it has one, else its first move), and that same move
#: flagged again when it is a ping-pong (the next move of the case goes back).
MOVE_FIRST = {RESOURCE: "resource_move_first", DEPARTMENT: "department_move_first"}
PINGPONG_FIRST = {RESOURCE: "resource_pingpong_first", DEPARTMENT: "department_pingpong_first"}

#: Roles a source column can be mapped to, in the order they are shown to users.
ROLES: tuple[str, ...] = (CASE_ID, ACTIVITY, TIMESTAMP, START_TIMESTAMP, RESOURCE, DEPARTMENT)
REQUIRED_ROLES: tuple[str, ...] = (CASE_ID, ACTIVITY, TIMESTAMP)
STRUCTURAL_COLUMNS = frozenset(
    {
        CASE_IDX,
        EVENT_IDX,
        ACTIVITY_IDX,
        ROW,
        NEXT_ACTIVITY_IDX,
        TS_US,
        START_US,
        NEXT_TS_US,
        NEXT_START_US,
        NEXT_RESOURCE,
        NEXT_DEPARTMENT,
        OCCURRENCE,
        EDGE_FIRST,
        *MOVE_FIRST.values(),
        *PINGPONG_FIRST.values(),
    }
)

AttributeType = Literal["number", "integer", "boolean", "timestamp", "text"]


@dataclass(frozen=True, slots=True)
class Attribute:
    """A column of the log beyond the canonical ones."""

    name: str
    type: AttributeType
    case_level: bool
    """True when the value is constant within every case (also stored in cases.parquet)."""


@dataclass(frozen=True, slots=True)
class LogMeta:
    """What is known about an imported log without reading its events."""

    name: str
    source: str
    format: str
    mapping: dict[str, str]
    """canonical role -> source column"""
    tz: str
    cases: int
    events: int
    activities: int
    variants: int
    start: datetime | None
    end: datetime | None
    has_start_timestamp: bool
    has_resource: bool
    has_department: bool
    attributes: tuple[Attribute, ...] = ()
    quality: dict[str, Any] = field(default_factory=dict)
    imported_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION
    reader: dict[str, str | None] = field(default_factory=dict)
    """the reader options the import was given (``encoding``, ``delimiter``, ``sheet``;
    None = detected), so that the same file can be imported again the same way"""

    @property
    def case_attributes(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.case_level)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("start", "end", "imported_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)

    @classmethod
    def from_json(cls, text: str) -> LogMeta:
        data = json.loads(text)
        for key in ("start", "end", "imported_at"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        data["attributes"] = tuple(Attribute(**a) for a in data.get("attributes", ()))
        return cls(**data)


@dataclass(frozen=True, slots=True)
class EventLog:
    """An imported event log: a handle on its canonical dataset, plus filters.

    Every analysis function takes an ``EventLog`` first. Filtering returns a new
    handle and never touches the files.

    Example:
        >>> import opexflow as ox
        >>> log = ox.read_log("orders.csv")          # doctest: +SKIP
        >>> log.cases, log.events                    # doctest: +SKIP
        (1200, 9800)
    """

    path: Path
    meta: LogMeta
    filters: tuple[Filter, ...] = ()

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def events_path(self) -> Path:
        return self.path / "events.parquet"

    @property
    def cases_path(self) -> Path:
        return self.path / "cases.parquet"

    @property
    def activities_path(self) -> Path:
        return self.path / "activities.parquet"

    @property
    def variants_path(self) -> Path:
        return self.path / "variants.parquet"

    @property
    def cases(self) -> int:
        """Number of cases in the dataset (before filters)."""
        return self.meta.cases

    @property
    def events(self) -> int:
        """Number of events in the dataset (before filters)."""
        return self.meta.events

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters)

    def with_filters(self, *filters: Filter) -> EventLog:
        return replace(self, filters=self.filters + filters)

    @classmethod
    def open(cls, path: str | Path) -> EventLog:
        """Open a dataset directory written by :func:`opexflow.import_log`."""
        path = Path(path)
        meta_path = path / "meta.json"
        if not meta_path.is_file():
            raise NotFoundError(
                f"{path} is not an imported opexflow log (no meta.json); "
                "import the source file with `opexflow import FILE` first"
            )
        try:
            meta = LogMeta.from_json(meta_path.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError) as exc:
            raise LogFormatError(
                f"{meta_path} is damaged ({exc}); import the source file again"
            ) from exc
        if meta.schema_version != SCHEMA_VERSION:
            raise LogFormatError(
                f"{path} was written with dataset schema {meta.schema_version}, this opexflow "
                f"reads schema {SCHEMA_VERSION}; import the source file again"
            )
        return cls(path=path, meta=meta)

    def __repr__(self) -> str:
        f = f", filters={len(self.filters)}" if self.filters else ""
        return f"EventLog({self.name!r}, cases={self.cases}, events={self.events}{f})"
