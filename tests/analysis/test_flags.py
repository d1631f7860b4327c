"""The first-occurrence columns written at import equal those recomputed for a filtered log.

An event-level filter makes the engine rebuild positions, successors and the flags
(``analysis.tables._flags``); importing the same events gives them from the import
SQL (``logs.encode``). Every analysis that reads the flags must agree on both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import opexflow as ox
from opexflow.analysis.filters import filter_attribute
from opexflow.logs import EventLog, import_log


def _sorted(table: pa.Table, keys: list[str]) -> list[dict[str, object]]:
    return table.sort_by([(k, "ascending") for k in keys]).to_pylist()


def _close(a: list[dict[str, object]], b: list[dict[str, object]]) -> None:
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        assert ra.keys() == rb.keys()
        for k, va in ra.items():
            vb = rb[k]
            if isinstance(va, float) and isinstance(vb, float):
                assert va == pytest.approx(vb, rel=1e-9), k
            else:
                assert va == vb, k


@pytest.mark.parametrize("name", ["activation", "fulfilment"])
def test_filtered_flags_equal_imported(
    name: str, demo_log: Callable[[str], EventLog], tmp_path: Path
) -> None:
    log = demo_log(name)
    top = ox.activity_stats(log).column("activity")[-1].as_py()
    # Dropping an activity creates new edges and new handovers.
    filtered = filter_attribute(log, "activity", [top], keep=False, level="event")
    src = Path(log.meta.source)
    text = src.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    col = header.index(log.meta.mapping["activity"])
    kept = [text[0]] + [ln for ln in text[1:] if ln.split(",")[col] != top]
    smaller = tmp_path / f"{name}-without.csv"
    smaller.write_text("\n".join(kept) + "\n", encoding="utf-8")
    reimported = import_log(smaller, tmp_path / "ds")

    a, b = ox.dfg(filtered), ox.dfg(reimported)
    assert a.edges.num_rows > 0
    _close(_sorted(a.edges, ["source", "target"]), _sorted(b.edges, ["source", "target"]))
    assert a.start.to_pylist() == b.start.to_pylist()
    assert a.end.to_pylist() == b.end.to_pylist()
    _close(
        _sorted(ox.activity_stats(filtered), ["activity"]),
        _sorted(ox.activity_stats(reimported), ["activity"]),
    )
    for by in ("resource", "department"):
        ha = ox.handovers(filtered, by=by)
        assert ha.num_rows > 0
        _close(
            _sorted(ha, ["source", "target"]),
            _sorted(ox.handovers(reimported, by=by), ["source", "target"]),
        )
    pingpong = [
        pc.sum(ox.handovers(filtered, by=by).column("pingpong_cases")).as_py()
        for by in ("resource", "department")
    ]
    assert sum(pingpong) > 0
