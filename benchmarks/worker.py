"""One library on one log, timed in its own process: ``python worker.py SPEC.json``.

The harness (``run.py``) starts one worker per (library, log), so that PM4Py's
and opexflow's memory never mix and each peak RSS is the library's own. The spec
(JSON) names:

- ``lib``: ``opexflow`` or ``pm4py``;
- ``source``: the log file to import (timed as the ``import`` operation), or
  ``dataset``: an imported opexflow dataset directory (nothing to import);
- ``columns``: case, activity and timestamp column names (PM4Py, CSV only);
- ``ops``: among ``import``, ``dfg``, ``variants``, ``durations``, ``diagnose``;
- ``work``: a scratch directory; ``repeat`` and ``slow``: see :func:`measure.best_of`;
- ``out``: where to write the result (JSON).

The library is imported and (for opexflow) its engine started and warmed with one
unrelated query before anything is timed; that start-up is reported on its own.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import Timing, best_of, peak_rss_mb, reset_peak

ANALYSES = ("dfg", "variants", "durations", "diagnose")


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result: dict[str, Any] = {"lib": spec["lib"], "ops": {}}
    try:
        if spec["lib"] == "opexflow":
            _opexflow(spec, result)
        else:
            _pm4py(spec, result)
    except Exception as exc:  # reported by the harness, next to the figures it has
        result["error"] = f"{type(exc).__name__}: {exc}"[:1000]
    Path(spec["out"]).write_text(json.dumps(result, indent=1), encoding="utf-8")


def _startup(result: dict[str, Any], start: Callable[[], None]) -> None:
    reset_peak()
    t0 = time.perf_counter()
    start()
    result["startup"] = Timing([time.perf_counter() - t0], peak_rss_mb()).to_dict()


def _opexflow(spec: dict[str, Any], result: dict[str, Any]) -> None:
    def start() -> None:
        import ibis

        import opexflow.analysis.diagnose
        import opexflow.logs.canonical  # noqa: F401  (the importer, with DuckDB)
        from opexflow.analysis.engine import get_engine

        get_engine().scalar(ibis.literal(1) + 1)

    _startup(result, start)
    import opexflow as ox
    from opexflow.logs import EventLog

    ops, repeat, slow = spec["ops"], spec["repeat"], spec["slow"]
    out = Path(spec["work"]) / "dataset"
    if spec.get("source"):
        timing = best_of(
            lambda: ox.import_log(spec["source"], out),
            repeat=repeat if "import" in ops else 1,
            slow=slow,
            before=lambda: shutil.rmtree(out, ignore_errors=True),
        )
        if "import" in ops:
            result["ops"]["import"] = timing.to_dict()
        if timing.error:
            raise RuntimeError(f"import failed: {timing.error}")
        dataset = out
    else:
        dataset = Path(spec["dataset"])
    log = EventLog.open(dataset)
    result["events"] = log.meta.events
    result["cases"] = log.meta.cases
    calls: dict[str, Callable[[], object]] = {
        "dfg": lambda: ox.dfg(log),
        "variants": lambda: ox.variants(log),
        "durations": lambda: ox.case_durations(log),
        "diagnose": lambda: ox.diagnose(log),
    }
    for op in ANALYSES:
        if op in ops:
            result["ops"][op] = best_of(calls[op], repeat=repeat, slow=slow).to_dict()


def _pm4py(spec: dict[str, Any], result: dict[str, Any]) -> None:
    warnings.simplefilter("ignore")

    def start() -> None:
        import pandas  # noqa: F401
        import pm4py  # noqa: F401

    _startup(result, start)
    import pandas as pd
    import pm4py

    ops, repeat, slow = spec["ops"], spec["repeat"], spec["slow"]
    source = Path(spec["source"])
    frame: dict[str, Any] = {}

    def load() -> None:
        if source.name.endswith((".xes", ".xes.gz")):
            frame["df"] = pm4py.read_xes(str(source))
            return
        case, activity, timestamp = spec["columns"]
        df = pd.read_csv(source)
        frame["df"] = pm4py.format_dataframe(
            df, case_id=case, activity_key=activity, timestamp_key=timestamp
        )

    timing = best_of(load, repeat=repeat if "import" in ops else 1, slow=slow, before=frame.clear)
    if "import" in ops:
        result["ops"]["import"] = timing.to_dict()
    if timing.error:
        raise RuntimeError(f"import failed: {timing.error}")
    df = frame["df"]
    result["events"] = len(df)
    result["cases"] = int(df["case:concept:name"].nunique())
    calls: dict[str, Callable[[], object]] = {
        "dfg": lambda: pm4py.discover_performance_dfg(df),
        "variants": lambda: pm4py.get_variants(df),
        "durations": lambda: pm4py.get_all_case_durations(df),
    }
    for op in ANALYSES:
        if op in ops and op in calls:
            result["ops"][op] = best_of(calls[op], repeat=repeat, slow=slow).to_dict()


if __name__ == "__main__":
    main(sys.argv[1])
