"""What a reader hands to the canonical import: a *staged* source.

Each reader (CSV, XLSX, XES, Parquet) turns its file into something DuckDB can
scan in a streaming way (the file itself, or a temporary Parquet file written
batch by batch) and describes it with a :class:`Staged`. The canonical import
(:mod:`opexflow.logs.canonical`) then does the rest in DuckDB: mapping, typing,
quality checks, sorting and encoding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from opexflow.logs.schema import AttributeType

#: Called with (stage label, units done, units in total or None).
ProgressCallback = Callable[[str, float, float | None], None]


def no_progress(stage: str, done: float, total: float | None) -> None:
    """The default progress callback: reports nothing."""


@dataclass(frozen=True, slots=True)
class Staged:
    """A source ready for DuckDB to scan.

    Attributes:
        relation: a DuckDB table expression, e.g. ``read_parquet('/tmp/x.parquet')``.
        columns: the source's column names, in file order.
        file: the user's file, for messages.
        location: how a source position is named in messages: ``row`` (data row,
            1-based, header excluded), ``line`` (line in the file) or ``event``
            (n-th event in an XES file).
        position_column: a column of ``relation`` holding that position (1-based);
            None means the scan order is the file order and positions are numbered
            on the fly.
        typed: True when the columns carry real types (Parquet, XES); False when
            every column is text to be parsed (CSV, XLSX).
        cleanup: temporary files to delete after the import, whatever happens.
    """

    relation: str
    columns: tuple[str, ...]
    file: Path
    location: Literal["row", "line", "event"] = "row"
    position_column: str | None = None
    typed: bool = False
    cleanup: tuple[Path, ...] = field(default=())
    materialize: bool = True
    """Copy the source into the import's database first. Sources that are already
    Parquet with a position column need no copy: they are scanned in place."""
    position_offset: int = 0
    """Added to the position column (1 for a 0-based row number)."""
    position_base: int = 1
    """Without a position column: position = 0-based scan index + position_base
    (2 for a CSV file with a header line, so that positions are file lines)."""
    declared_types: dict[str, AttributeType] = field(default_factory=dict)
    """Types the source declares for text columns (XES ``<date>``, ``<int>``...); the
    import casts these in bulk instead of inferring them."""
    notes: tuple[str, ...] = ()
    """Facts about the source worth a line in the quality report (English)."""
