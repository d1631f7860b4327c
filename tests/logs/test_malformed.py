"""Malformed input never escapes as anything but an OpexflowError, nor leaves files."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opexflow.errors import OpexflowError
from opexflow.logs import import_log

HEADERS = [
    "case,activity,timestamp",
    "工单号,环节,完成时间,处理人",
    "case;activity;timestamp",
    "case,activity",
    "",
    "a,b,c",
]
CELLS = st.sampled_from(
    [
        "1",
        "2",
        "A",
        "审核",
        "2024-03-01 10:00",
        "2024/3/1 9:00",
        "yesterday",
        "",
        '"',
        '"x,y"',
        "1709258400",
        "NA",
        "2024-13-45 99:99",
        "\x00",
        "é",
    ]
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8)


def _check(data: bytes, suffix: str = ".csv") -> None:
    work = Path(tempfile.mkdtemp())
    try:
        src = work / f"log{suffix}"
        src.write_bytes(data)
        try:
            log = import_log(src, work / "out")
        except OpexflowError as exc:
            assert exc.location is not None or "does not exist" in str(exc) or "--" in str(exc)
            assert sorted(p.name for p in work.iterdir()) == [src.name]
        else:
            assert log.events > 0
            assert sorted(p.name for p in work.iterdir()) == [src.name, "out"]
    finally:
        shutil.rmtree(work)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from(HEADERS),
    rows=ROWS,
    encoding=st.sampled_from(["utf-8", "gbk", "utf-16"]),
    cut=st.integers(min_value=0, max_value=400),
)
def test_malformed_csv(header: str, rows: list[list[str]], encoding: str, cut: int) -> None:
    sep = ";" if ";" in header else ","
    text = header + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    data = text.encode(encoding, errors="replace")
    _check(data[: max(cut, 1)] if cut < len(data) else data)


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=0, max_size=300))
def test_random_bytes(data: bytes) -> None:
    _check(b"case,activity,timestamp\n" + data)
