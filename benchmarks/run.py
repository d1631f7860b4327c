"""opexflow against PM4Py on the same logs, in the same run: ``make bench``.

Usage::

    .venv/bin/python benchmarks/run.py                       # bpic2012, 1M and 10M events
    .venv/bin/python benchmarks/run.py --sizes 1m --only dfg,variants --repeat 5
    .venv/bin/python benchmarks/run.py --big                 # also 100M events (minutes, GBs)

What is measured (see docs/benchmarks.md):

1. ``import``: the 1M-event demo CSV and BPIC2012 (XES), opexflow's ``import_log``
   against pandas ``read_csv`` + ``pm4py.format_dataframe`` and ``pm4py.read_xes``;
2. ``dfg``, ``variants``, ``durations``, ``diagnose`` on the imported logs, each
   library in its own worker process (:mod:`worker`), started and warmed first;
3. ``cli``: ``opexflow diagnose LOG.csv --json`` as a fresh process against a fresh
   Python process doing the same with PM4Py (:mod:`pm4py_diagnose`);
4. ``parquet``: ``opexflow import`` and ``opexflow diagnose`` of the 10M-event
   Parquet log, in fresh processes, with their peak RSS;
5. ``--big``: 100M events imported and diagnosed at all (PM4Py not attempted).

Fast operations are timed as the best of ``--repeat`` runs; an operation whose
first run takes ``--slow`` seconds or more runs once. The table goes to stdout,
progress to stderr, and everything to ``benchmarks/results/<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from measure import ProcessRun, run_process

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
DATASETS = ROOT.parent / "shared" / "datasets"

SIZES = {"1m": 1_000_000, "10m": 10_000_000}
LOGS = ("bpic2012", "1m", "10m")
ANALYSES = ("dfg", "variants", "durations", "diagnose")
OPS = ("import", *ANALYSES, "cli", "parquet", "big")
BIG_EVENTS = 100_000_000
BIG_MIN_FREE_GB = 30
#: Columns of the activation demo log, for PM4Py (opexflow guesses them).
DEMO_COLUMNS = ("工单号", "环节", "完成时间")

OP_LABELS = {
    "startup": "start-up (package, engine)",
    "import": "import",
    "dfg": "DFG with performance",
    "variants": "variants",
    "durations": "case durations",
    "diagnose": "full diagnosis",
}


def log(message: str) -> None:
    """Progress, on stderr (stdout carries the table only)."""
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the table: an operation on a log, by each library."""

    operation: str
    log: str
    events: int | None = None
    opexflow: dict[str, Any] | None = None
    pm4py: dict[str, Any] | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        ox = (self.opexflow or {}).get("best_s")
        pm = (self.pm4py or {}).get("best_s")
        return pm / ox if ox and pm else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "log": self.log,
            "events": self.events,
            "opexflow": self.opexflow,
            "pm4py": self.pm4py,
            "ratio_pm4py_over_opexflow": self.ratio,
            "note": self.note,
        }


@dataclass
class Bench:
    """The run: options, scratch space, and the rows measured so far."""

    args: argparse.Namespace
    work: Path
    rows: list[Row] = field(default_factory=list)
    generated: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def find(self, operation: str, log_name: str) -> Row | None:
        return next((r for r in self.rows if r.operation == operation and r.log == log_name), None)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["OPEXFLOW_DATA_DIR"] = str(self.work / "default-data")  # nothing lands in the repo
        return env


def process_result(runs: list[ProcessRun], error: str | None = None) -> dict[str, Any]:
    """Runs of one command in the shape of :meth:`measure.Timing.to_dict`."""
    ok = [r for r in runs if r.returncode == 0]
    times = [r.wall_s for r in ok]
    if not error and len(ok) < len(runs):
        bad = next(r for r in runs if r.returncode != 0)
        error = bad.failure()
    return {
        "best_s": min(times) if times else None,
        "times_s": times,
        "runs": len(times),
        "spread": (max(times) - min(times)) / min(times) if len(times) > 1 else None,
        "peak_rss_mb": round(runs[0].peak_rss_mb, 1) if runs else None,
        "error": error,
    }


def repeat_process(
    bench: Bench, label: str, make: Callable[[int], list[str | Path]], *, slow: float | None = None
) -> tuple[dict[str, Any], list[ProcessRun]]:
    """Run a command (rebuilt for each run by ``make(i)``) best of ``--repeat``."""
    slow = bench.args.slow if slow is None else slow
    runs: list[ProcessRun] = []
    for i in range(bench.args.repeat):
        run = run_process(
            make(i), out_dir=bench.work / "logs", label=f"{label}-{i}", env=bench.env()
        )
        runs.append(run)
        if run.returncode != 0 or run.wall_s >= slow:
            break
    return process_result(runs), runs


# ----------------------------------------------------------------------------- inputs


def ensure_demo_log(bench: Bench, name: str, events: int, suffix: str) -> Path:
    """The demo activation log of about ``events`` events, generated when missing."""
    from opexflow.demo import activation_log, write_log

    path = DATA / f"activation_{name}.{suffix}"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    log(f"generating {path.name} ({events:,} events)")
    t0 = time.perf_counter()
    write_log(activation_log(events=events), path, format="csv" if suffix == "csv" else "parquet")
    seconds = time.perf_counter() - t0
    bench.generated[path.name] = {"seconds": round(seconds, 1), "bytes": path.stat().st_size}
    log(f"  {path.name}: {path.stat().st_size / 1e6:,.0f} MB in {seconds:.1f} s")
    return path


def bpic2012() -> Path:
    return DATASETS / "bpic2012.xes.gz"


# ----------------------------------------------------------------------------- steps


def run_worker(bench: Bench, lib: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Start ``worker.py`` for one library and log; its result, with the process's peak."""
    work = bench.work / f"{lib}-{name}"
    work.mkdir(parents=True, exist_ok=True)
    spec = {
        "lib": lib,
        "work": str(work),
        "repeat": bench.args.repeat,
        "slow": bench.args.slow,
        "out": str(work / "result.json"),
        **spec,
    }
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    log(f"{lib} on {name}: {', '.join(spec['ops'])}")
    run = run_process(
        [sys.executable, HERE / "worker.py", spec_path],
        out_dir=bench.work / "logs",
        label=f"worker-{lib}-{name}",
        env=bench.env(),
    )
    out = Path(spec["out"])
    result: dict[str, Any] = (
        json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"ops": {}}
    )
    if run.returncode != 0:
        result["error"] = f"worker {run.failure()}"
    if result.get("error"):
        log(f"  {lib} on {name} failed: {result['error']}")
    result["process_peak_rss_mb"] = round(run.peak_rss_mb, 1)
    shutil.rmtree(work / "dataset", ignore_errors=True)
    return result


def step_in_process(bench: Bench, name: str, source: Path, ops: list[str]) -> None:
    """Import and analyses of one log by both libraries, each in its own worker."""
    results = {
        "opexflow": run_worker(bench, "opexflow", name, {"source": str(source), "ops": ops}),
        "pm4py": run_worker(
            bench, "pm4py", name, {"source": str(source), "ops": ops, "columns": DEMO_COLUMNS}
        ),
    }
    add_worker_rows(bench, name, results, ops)


def add_worker_rows(
    bench: Bench, name: str, results: dict[str, dict[str, Any]], ops: Iterable[str]
) -> None:
    ox, pm = results.get("opexflow", {}), results.get("pm4py", {})
    events = ox.get("events") or pm.get("events")
    note = ""
    if ox.get("events") and pm.get("events") and ox["events"] != pm["events"]:
        note = f"opexflow {ox['events']:,} events, PM4Py {pm['events']:,}"
    bench.add(Row("startup", name, events, ox.get("startup"), pm.get("startup") if pm else None))
    for op in ("import", *ANALYSES):
        if op not in ops:
            continue
        row = Row(op, name, events, ox.get("ops", {}).get(op), pm.get("ops", {}).get(op), note)
        if op == "diagnose":
            row.note = "no PM4Py equivalent"
        elif not pm:
            row.note = "PM4Py not run on this log"
        for lib, res in (("opexflow", ox), ("PM4Py", pm)):
            if res.get("error") and not (res.get("ops") or {}).get(op):
                row.note = f"{lib} failed: {res['error'][:80]}"
        bench.add(row)


def opexflow_cmd() -> list[str | Path]:
    script = Path(sys.executable).parent / "opexflow"
    return [script] if script.exists() else [sys.executable, "-m", "opexflow"]


def step_cli(bench: Bench, csv: Path) -> None:
    """Step 3: the whole command as a user runs it, each library in a fresh process."""
    imported = bench.find("import", "1m")
    events = imported.events if imported and imported.events else SIZES["1m"]
    dirs = [bench.work / f"cli-data-{i}" for i in range(bench.args.repeat)]
    log("opexflow diagnose LOG.csv --json (fresh process, fresh data dir)")
    ox, runs = repeat_process(
        bench,
        "cli-opexflow",
        lambda i: [*opexflow_cmd(), "diagnose", csv, "--json", "--data-dir", dirs[i]],
    )
    ox["error"] = ox["error"] or check_json(runs)
    log("PM4Py: read_csv + format_dataframe + performance DFG + variants + durations")
    pm, _ = repeat_process(
        bench,
        "cli-pm4py",
        lambda _i: [sys.executable, HERE / "pm4py_diagnose.py", csv, *DEMO_COLUMNS],
    )
    bench.add(
        Row("cli", "1m", events, ox, pm, "fresh processes; opexflow imports into a fresh data dir")
    )
    if runs and runs[-1].returncode == 0:
        log("opexflow diagnose LOG.csv --json again (import reused)")
        used = dirs[len(runs) - 1]
        cached, _ = repeat_process(
            bench,
            "cli-opexflow-cached",
            lambda _i: [*opexflow_cmd(), "diagnose", csv, "--json", "--data-dir", used],
        )
        bench.add(Row("cli-cached", "1m", events, cached, pm, "second run: the import is reused"))
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


def check_json(runs: list[ProcessRun]) -> str | None:
    """An error unless every successful run printed one JSON object with findings."""
    for run in runs:
        if run.returncode != 0:
            continue
        try:
            out = json.loads(run.stdout.read_text(encoding="utf-8"))
        except ValueError as exc:
            return f"stdout is not one JSON object: {exc}"
        if "findings" not in out:
            return "stdout JSON has no findings"
    return None


PM4PY_BIG = "PM4Py not attempted: it would need every event as a row in pandas memory"
PM4PY_10M = "opexflow only (PM4Py is compared on 1M events)"


def step_parquet(bench: Bench, name: str, parquet: Path, *, cli: bool, analyses: list[str]) -> None:
    """Steps 4 and 5: ``opexflow import``, then ``opexflow diagnose`` of the dataset."""
    data = bench.work / f"parquet-{name}"
    note = PM4PY_BIG if name == "100m" else PM4PY_10M
    log(f"opexflow import {parquet.name}")
    imp, runs = repeat_process(
        bench,
        f"import-{name}",
        lambda _i: [*opexflow_cmd(), "import", parquet, "--json", "--data-dir", data],
        slow=0,
    )
    imported = import_output(runs)
    events = imported["events"] if imported else SIZES.get(name, BIG_EVENTS)
    bench.add(Row("cli import", name, events, imp, None, f"fresh process; {note}"))
    if imported is None:
        log(f"  import failed: {imp['error']}")
        return
    dataset = Path(imported["path"])
    if cli:
        log(f"opexflow diagnose <dataset dir> --json ({name})")
        diag, runs = repeat_process(
            bench, f"diagnose-{name}", lambda _i: [*opexflow_cmd(), "diagnose", dataset, "--json"]
        )
        diag["error"] = diag["error"] or check_json(runs)
        bench.add(Row("cli diagnose dataset", name, events, diag, None, f"fresh process; {note}"))
    if cli and name != "100m":
        step_parquet_raw(bench, name, parquet, events)
    if analyses:
        result = run_worker(bench, "opexflow", name, {"dataset": str(dataset), "ops": analyses})
        add_worker_rows(bench, name, {"opexflow": result}, analyses)
        for row in bench.rows[-len(analyses) - 1 :]:
            row.note = row.note or note
    shutil.rmtree(data, ignore_errors=True)


def step_parquet_raw(bench: Bench, name: str, parquet: Path, events: int) -> None:
    """``opexflow diagnose LOG.parquet`` with a fresh data directory: import included."""
    log(f"opexflow diagnose {parquet.name} --json --data-dir <fresh> (import included)")
    fresh = bench.work / f"parquet-{name}-fresh"
    raw, runs = repeat_process(
        bench,
        f"diagnose-raw-{name}",
        lambda i: [*opexflow_cmd(), "diagnose", parquet, "--json", "--data-dir", fresh / str(i)],
        slow=0,
    )
    raw["error"] = raw["error"] or check_json(runs)
    note = "fresh process and data dir: import included"
    bench.add(Row("cli diagnose raw file", name, events, raw, None, note))
    shutil.rmtree(fresh, ignore_errors=True)


def import_output(runs: list[ProcessRun]) -> dict[str, Any] | None:
    """What ``opexflow import --json`` printed (path, events, ...), if it succeeded."""
    if not runs or runs[-1].returncode != 0:
        return None
    try:
        out = json.loads(runs[-1].stdout.read_text(encoding="utf-8"))
    except ValueError:
        return None
    return out if isinstance(out, dict) and "path" in out else None


def step_big(bench: Bench) -> None:
    """Step 5: 100M events imported and diagnosed at all (opexflow only)."""
    free_gb = shutil.disk_usage(DATA.parent).free / 1e9
    if free_gb < BIG_MIN_FREE_GB:
        message = f"skipped: {free_gb:.0f} GB free on disk, the 100M-event test needs {BIG_MIN_FREE_GB} GB"
        log(message)
        bench.add(Row("cli diagnose dataset", "100m", BIG_EVENTS, None, None, message))
        return
    path = ensure_demo_log(bench, "100m", BIG_EVENTS, "parquet")
    step_parquet(bench, "100m", path, cli=True, analyses=[])


# ----------------------------------------------------------------------------- report


def fmt_s(result: dict[str, Any] | None) -> str:
    if not result:
        return "-"
    if result.get("best_s") is None:
        return "failed" if result.get("error") else "-"
    s = result["best_s"]
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def fmt_mb(result: dict[str, Any] | None) -> str:
    mb = (result or {}).get("peak_rss_mb")
    return f"{mb:,.0f}" if mb else "-"


def fmt_spread(result: dict[str, Any] | None) -> str:
    if not result or result.get("spread") is None:
        return "-" if not result or not result.get("runs") else f"n={result['runs']}"
    return f"{result['spread'] * 100:.0f}% n={result['runs']}"


def print_table(rows: list[Row]) -> None:
    header = (
        "operation",
        "log",
        "opexflow s",
        "PM4Py s",
        "PM4Py/ox",
        "ox RSS MB",
        "PM4Py RSS MB",
        "ox spread",
        "PM4Py spread",
        "note",
    )
    lines = [header]
    for r in rows:
        ratio = f"{r.ratio:.1f}x" if r.ratio else "-"
        lines.append(
            (
                OP_LABELS.get(r.operation, r.operation),
                r.log,
                fmt_s(r.opexflow),
                fmt_s(r.pm4py),
                ratio,
                fmt_mb(r.opexflow),
                fmt_mb(r.pm4py),
                fmt_spread(r.opexflow),
                fmt_spread(r.pm4py),
                r.note,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    right = {2, 3, 4, 5, 6}
    for n, line in enumerate(lines):
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line[:-1], widths, strict=True))
        ]
        print("  ".join([*cells, line[-1]]).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def targets(bench: Bench) -> list[dict[str, Any]]:
    """The issue's targets, each with what was measured and whether it is met (None: not run)."""
    out: list[dict[str, Any]] = []

    def ratio_target(target: str, op: str, log_name: str, at_least: float) -> None:
        row = bench.find(op, log_name)
        r = row.ratio if row else None
        measured = "not run" if row is None else (f"{r:.1f}x" if r else f"failed: {row.note}")
        met = None if row is None else (r is not None and r >= at_least)
        out.append({"target": target, "met": met, "measured": measured})

    for op in ("dfg", "variants", "durations"):
        ratio_target(f"{OP_LABELS[op]} on 1M events >= 10x faster than PM4Py", op, "1m", 10)
    ratio_target("XES import of BPIC2012 >= 5x faster than pm4py.read_xes", "import", "bpic2012", 5)
    ratio_target("the opexflow diagnose LOG.csv process >= 5x faster (1M)", "cli", "1m", 5)

    row = bench.find("cli diagnose dataset", "10m")
    res = (row.opexflow if row else None) or {}
    s, mb = res.get("best_s"), res.get("peak_rss_mb")
    measured = "not run" if row is None else "failed"
    if s is not None and mb is not None:
        measured = f"{s:.1f} s, {mb:,.0f} MB peak RSS (diagnose of the imported dataset)"
    raw = bench.find("cli diagnose raw file", "10m")
    if raw and (raw.opexflow or {}).get("best_s"):
        measured += f"; {raw.opexflow['best_s']:.1f} s with the import included"
    met = None if row is None else (s is not None and s <= 5 and mb is not None and mb <= 2048)
    out.append(
        {
            "target": "opexflow diagnose of a 10M-event Parquet log <= 5 s wall, <= 2 GB RSS",
            "met": met,
            "measured": measured,
        }
    )

    row = bench.find("cli diagnose dataset", "100m")
    imp = bench.find("cli import", "100m")
    if row is None and imp is not None:  # the import failed
        met, measured = False, f"import failed: {str((imp.opexflow or {}).get('error'))[:300]}"
    elif row is None:
        met, measured = None, "not run (run with --big)"
    elif row.opexflow is None:
        met, measured = None, row.note
    else:
        s = row.opexflow.get("best_s")
        met = s is not None
        imp_s = ((imp.opexflow if imp else None) or {}).get("best_s")
        measured = f"import {imp_s:.0f} s + diagnose {s:.0f} s" if s and imp_s else "failed"
        limit = os.environ.get("OPEXFLOW_ENGINE_MEMORY_LIMIT")
        if limit:
            measured += f" (with OPEXFLOW_ENGINE_MEMORY_LIMIT={limit})"
    out.append({"target": "a 100M-event log diagnosed at all", "met": met, "measured": measured})
    return out


def print_targets(found: list[dict[str, Any]]) -> None:
    print()
    for t in found:
        mark = {True: "MET   ", False: "MISSED", None: "n/a   "}[t["met"]]
        print(f"{mark} {t['target']}: {t['measured']}")


# ----------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    versions = {}
    for dist in ("opexflow", "duckdb", "ibis-framework", "pyarrow", "pm4py", "pandas"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gb": round(mem_kb / 1024**2, 1),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "git": git_state(),
    }


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            return ""

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "changed_files_in_src": len(git("status", "--porcelain", "--", "src").splitlines()),
    }


def results_path(date: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{date}.json"
    n = 2
    while path.exists():
        path = RESULTS / f"{date}-{n}.json"
        n += 1
    return path


# ----------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", default=",".join(LOGS), help=f"logs, among {', '.join(LOGS)}")
    p.add_argument(
        "--only",
        default=",".join(op for op in OPS if op != "big"),
        help=f"steps, among {', '.join(OPS)} (default: all but big)",
    )
    p.add_argument("--big", action="store_true", help="also import and diagnose 100M events")
    p.add_argument("--repeat", type=int, default=3, help="runs of a fast operation (best kept)")
    p.add_argument("--slow", type=float, default=10.0, help="seconds from which one run is enough")
    args = p.parse_args(argv)
    args.sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    args.only = [s.strip().lower() for s in args.only.split(",") if s.strip()]
    for value, allowed, opt in ((args.sizes, LOGS, "--sizes"), (args.only, OPS, "--only")):
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            p.error(f"{opt}: unknown {', '.join(unknown)}; choose among {', '.join(allowed)}")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.big and "big" not in args.only:
        args.only.append("big")
    return args


def run(bench: Bench) -> None:
    args = bench.args
    in_process = [op for op in ("import", *ANALYSES) if op in args.only]
    if "bpic2012" in args.sizes and in_process:
        step_in_process(bench, "bpic2012", bpic2012(), in_process)
    if "1m" in args.sizes and (in_process or "cli" in args.only):
        csv = ensure_demo_log(bench, "1m", SIZES["1m"], "csv")
        if in_process:
            step_in_process(bench, "1m", csv, in_process)
        if "cli" in args.only:
            step_cli(bench, csv)
    analyses = [op for op in ANALYSES if op in args.only]
    if "10m" in args.sizes and ("parquet" in args.only or analyses):
        parquet = ensure_demo_log(bench, "10m", SIZES["10m"], "parquet")
        step_parquet(bench, "10m", parquet, cli="parquet" in args.only, analyses=analyses)
    if "big" in args.only:
        step_big(bench)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now().astimezone()
    DATA.mkdir(parents=True, exist_ok=True)
    work = DATA / f"work-{os.getpid()}"
    bench = Bench(args, work)
    load_start = os.getloadavg()
    info = machine()
    log(f"{info['cpu']}, {info['nproc']} CPUs, {info['memory_gb']} GB; load {load_start[0]:.2f}")
    try:
        run(bench)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = targets(bench)
    print_table(bench.rows)
    print_targets(found)
    out = results_path(f"{started:%Y-%m-%d}")
    result = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": info,
        "args": vars(args),
        "env": {k: v for k, v in os.environ.items() if k.startswith("OPEXFLOW_")},
        "loadavg_start": load_start,
        "loadavg_end": os.getloadavg(),
        "generated": bench.generated,
        "rows": [r.to_dict() for r in bench.rows],
        "targets": found,
    }
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nresults: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
