"""Sizes, chunks, determinism and arguments of the demo generators."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from opexflow.demo import activation_log, fulfilment_log, write_log
from opexflow.demo.chunks import CHUNK_EVENTS, EVENTS_TOLERANCE
from opexflow.errors import InputError

Generator = Callable[..., Iterator[pa.Table]]
GENERATORS: list[Generator] = [activation_log, fulfilment_log]


def _cases(table: pa.Table) -> int:
    return len(pc.unique(table.column(0)))


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("events", [1_000, 7_777, 20_000, 150_000])
def test_events_target_is_met_within_two_percent(make: Generator, events: int) -> None:
    rows = sum(t.num_rows for t in make(events=events, seed=11))
    assert abs(rows - events) <= EVENTS_TOLERANCE * events


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("cases", [1, 17, 18_001])
def test_cases_are_exact(make: Generator, cases: int) -> None:
    assert sum(_cases(t) for t in make(cases=cases)) == cases


@pytest.mark.parametrize("make", GENERATORS)
def test_chunks_hold_whole_cases_of_about_100k_events(make: Generator) -> None:
    chunks = list(make(events=250_000))
    assert len(chunks) == 3
    assert all(0.8 * CHUNK_EVENTS < t.num_rows < 1.2 * CHUNK_EVENTS for t in chunks[:-1])
    ids = [t.column(0) for t in chunks]
    assert sum(_cases(t) for t in chunks) == _cases(pa.concat_tables(chunks))
    for first, second in itertools.pairwise(ids):
        assert first[-1].as_py() != second[0].as_py()
    assert len({t.schema for t in chunks}) == 1


@pytest.mark.parametrize("make", GENERATORS)
def test_events_of_a_case_are_consecutive(make: Generator) -> None:
    ids = pa.concat_tables(make(events=5_000)).column(0).to_pylist()
    changes = sum(a != b for a, b in itertools.pairwise(ids))
    assert changes + 1 == len(set(ids))


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_bytes_other_seed_other_log(make: Generator, tmp_path: Path) -> None:
    paths = [
        write_log(make(events=3_000, seed=seed), tmp_path / f"{i}.csv")
        for i, seed in enumerate((5, 5, 6))
    ]
    first, again, other = (p.read_bytes() for p in paths)
    assert first == again
    assert first != other


def test_after_log_case_ids_do_not_clash_with_before() -> None:
    before = pa.concat_tables(activation_log(events=5_000)).column("工单号")
    after = pa.concat_tables(activation_log(events=5_000, period="after")).column("工单号")
    assert not set(pc.unique(before).to_pylist()) & set(pc.unique(after).to_pylist())
    assert before[0].as_py() == "YH2024000001"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cases": 10, "events": 100}, "not both"),
        ({"cases": 0}, "positive"),
        ({"events": -5}, "positive"),
        ({"seed": -1}, "seed"),
    ],
)
@pytest.mark.parametrize("make", GENERATORS)
def test_bad_arguments_are_refused_at_once(
    make: Generator, kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        make(**kwargs)


def test_bad_period_is_refused() -> None:
    with pytest.raises(InputError, match="period"):
        activation_log(period="during")  # type: ignore[arg-type]


def test_one_million_events_generation_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    path = write_log(activation_log(events=1_000_000), tmp_path / "activation.csv")
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\ndemo: 1M activation events to CSV in {seconds:.2f} s ", end="")  # noqa: T201
    assert path.stat().st_size > 50_000_000
