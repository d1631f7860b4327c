"""Where opexflow's time goes: every DuckDB statement of an import or an analysis, timed.

Usage::

    .venv/bin/python benchmarks/breakdown.py import LOG            # the import's statements
    .venv/bin/python benchmarks/breakdown.py dfg DATASET_DIR       # or variants, durations, diagnose
    .venv/bin/python benchmarks/breakdown.py diagnose DATASET_DIR --cprofile

For an import, the reader's staging (e.g. parsing XES into Parquet) is timed as a
whole and each statement on the import's DuckDB connection on its own. For an
analysis, each expression the engine runs is timed twice over: compiling it to
SQL (Ibis) and the rest (DuckDB execution and the transfer to Arrow). Nothing in
``src/`` is changed; the functions are wrapped for this process only.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Statements:
    """Timed statements, in the order they ran."""

    rows: list[tuple[str, float, float]] = field(default_factory=list)

    def add(self, label: str, seconds: float, compile_s: float = 0.0) -> None:
        self.rows.append((label, seconds, compile_s))

    def report(self, total: float, top: int) -> None:
        timed = sum(s for _, s, _ in self.rows)
        print(f"total {total:.3f} s; {len(self.rows)} statements take {timed:.3f} s")
        print(f"{'s':>8} {'share':>6} {'compile':>8}  statement")
        for label, s, c in sorted(self.rows, key=lambda r: -r[1])[:top]:
            text = " ".join(label.split())
            print(f"{s:8.3f} {s / total:6.1%} {c:8.3f}  {text[:160]}")


class TimedConnection:
    """A DuckDB connection whose ``execute`` calls are timed; everything else passes."""

    def __init__(self, con: Any, stats: Statements) -> None:
        self._con = con
        self._stats = stats

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            result = self._con.execute(sql, *args, **kwargs)
        except Exception:
            self._stats.add(f"[FAILED] {sql}", time.perf_counter() - t0)
            raise
        self._stats.add(sql, time.perf_counter() - t0)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@contextmanager
def timed_import(stats: Statements) -> Iterator[None]:
    """Time the import's staging and every statement on its DuckDB connection."""
    import opexflow.logs.canonical as canonical

    original_connect, original_stage = canonical.connect, canonical._stage

    @contextmanager
    def connect(*args: Any, **kwargs: Any) -> Iterator[TimedConnection]:
        with original_connect(*args, **kwargs) as con:
            yield TimedConnection(con, stats)

    def stage(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        staged = original_stage(*args, **kwargs)
        stats.add(f"[staging: {args[0]} reader, before DuckDB]", time.perf_counter() - t0)
        return staged

    canonical.connect, canonical._stage = connect, stage  # type: ignore[assignment]
    try:
        yield
    finally:
        canonical.connect, canonical._stage = original_connect, original_stage


@contextmanager
def timed_engine(stats: Statements) -> Iterator[None]:
    """Time every expression :class:`opexflow.analysis.engine.Engine` runs."""
    import ibis

    from opexflow.analysis.engine import Engine

    originals = {name: getattr(Engine, name) for name in ("to_arrow", "scalar")}

    def wrap(name: str) -> Callable[..., Any]:
        original = originals[name]

        def timed(self: Engine, expr: Any) -> Any:
            t0 = time.perf_counter()
            sql = ibis.to_sql(expr, dialect="duckdb")
            compiled = time.perf_counter() - t0
            result = original(self, expr)
            stats.add(str(sql), time.perf_counter() - t0, compiled)
            return result

        return timed

    run = Engine.run

    def timed_run(self: Engine, key: Any, build: Callable[[], Any]) -> Any:
        # Analyses that reuse their SQL (Engine.run): timed whole, build and compile
        # included on the first call; a run that falls back to to_arrow is timed there.
        t0 = time.perf_counter()
        result = run(self, key, build)
        sql = self._sql.get(key)
        if sql is not None:
            stats.add(f"[Engine.run {key[0]}] {sql}", time.perf_counter() - t0)
        return result

    for name in originals:
        setattr(Engine, name, wrap(name))
    Engine.run = timed_run  # type: ignore[method-assign]
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(Engine, name, original)
        Engine.run = run  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("what", choices=("import", "dfg", "variants", "durations", "diagnose"))
    p.add_argument("log", type=Path, help="a log file (import) or an imported dataset dir")
    p.add_argument("--top", type=int, default=15, help="statements to show")
    p.add_argument("--cprofile", action="store_true", help="also show a cProfile summary")
    args = p.parse_args(argv)

    import ibis

    import opexflow as ox
    from opexflow.analysis.engine import get_engine
    from opexflow.logs import EventLog

    get_engine().scalar(ibis.literal(1) + 1)  # engine start-up is not what we look at
    stats = Statements()
    profiler = cProfile.Profile() if args.cprofile else None
    out = Path(tempfile.mkdtemp(prefix="opexflow-breakdown-"))
    try:
        if args.what == "import":
            ctx = timed_import(stats)

            def call() -> object:
                return ox.import_log(args.log, out / "ds")

        else:
            log = EventLog.open(args.log)
            function = {
                "dfg": ox.dfg,
                "variants": ox.variants,
                "durations": ox.case_durations,
                "diagnose": ox.diagnose,
            }[args.what]
            function(log)  # once untimed: the files' metadata is then cached
            ctx = timed_engine(stats)

            def call() -> object:
                return function(log)

        with ctx:
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            try:
                call()
            except Exception as exc:
                stats.report(time.perf_counter() - t0, args.top)
                print(f"\nfailed: {type(exc).__name__}: {exc}")
                for label, s, _ in stats.rows:
                    if label.startswith("[FAILED]"):
                        print(f"after {s:.1f} s in: {' '.join(label.split())[:2000]}")
                return 1
            finally:
                if profiler:
                    profiler.disable()
            total = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    stats.report(total, args.top)
    if profiler:
        print()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
