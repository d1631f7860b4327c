"""Hand-built tiny logs for the rule kinds: each case is written out event by event."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from opexflow.logs import EventLog, import_log

Event = tuple[str, str, str]
"""(activity, time as 'D HH:MM' — day of March 2024 and time — , resource)"""


@pytest.fixture
def make_log(tmp_path: Path) -> Callable[..., EventLog]:
    """A log from ``{case: (attributes, [events])}``; attribute columns are the union of keys."""
    counter = iter(range(1000))

    def make(cases: Mapping[str, tuple[Mapping[str, Any], Sequence[Event]]]) -> EventLog:
        columns = sorted({k for attrs, _ in cases.values() for k in attrs})
        lines = [",".join(["case", "activity", "time", "resource", *columns])]
        for case, (attrs, events) in cases.items():
            for activity, when, who in events:
                day, clock = when.split()
                values = ["" if attrs.get(c) is None else str(attrs[c]) for c in columns]
                stamp = f"2024-03-{int(day):02d} {clock}"
                lines.append(",".join([case, activity, stamp, who, *values]))
        n = next(counter)
        path = tmp_path / f"log{n}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        roles = {"case_id": "case", "activity": "activity", "timestamp": "time"}
        return import_log(path, tmp_path / f"ds{n}", mapping=roles | {"resource": "resource"})

    return make
