"""Oracle: our DFG, variants, start/end activities and case durations equal PM4Py's.

Counts must match exactly, durations to 1e-9 relative. Where a log has
lifecycle start/complete events, PM4Py's log is filtered to the complete
events and ours is measured on completion timestamps (DESIGN.md §5).
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import dataset

import opexflow as ox
from opexflow.logs import EventLog, import_log

pytestmark = pytest.mark.oracle

XES = [
    "running-example.xes",
    "roadtraffic100traces.xes",
    "04_reviewing.xes.gz",
    "03_repairExample.xes.gz",
    "08_receipt.xes.gz",
    "helpdesk.xes.gz",
    "02_teleclaims.xes.gz",
    "07_bpic2013_incidents.xes.gz",
    pytest.param("bpic2012.xes.gz", marks=pytest.mark.slow),
]
CSV = {
    "running-example.csv": ("case:concept:name", "concept:name", "time:timestamp"),
    "sepsis.csv": ("Case ID", "Activity", "Complete Timestamp"),
    "interval_event_log.csv": ("case:concept:name", "concept:name", "time:timestamp"),
}


def _pm4py() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py

    return pm4py


def _pm4py_xes(path: Path) -> Any:
    pm4py = _pm4py()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pm4py.read_xes(str(path), variant="iterparse", return_legacy_log_object=False)
    if "lifecycle:transition" in df.columns:
        lc = df["lifecycle:transition"].astype(str).str.lower()
        if (lc == "start").any():
            df = df[lc == "complete"]
    return pm4py.format_dataframe(
        df, case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp"
    )


def _pm4py_csv(path: Path, case: str, activity: str, ts: str) -> Any:
    import pandas as pd

    pm4py = _pm4py()
    sep = ";" if path.name == "sepsis.csv" else ","
    df = pd.read_csv(path, sep=sep, keep_default_na=False, na_values=[""], dtype={case: str})
    df[ts] = pd.to_datetime(df[ts], utc=True, format="mixed")
    # PM4Py's case statistics fail on a frame with a start_timestamp column; we
    # compare on completion timestamps anyway.
    df = df.drop(columns=[c for c in ("start_timestamp",) if c in df.columns])
    return pm4py.format_dataframe(df, case_id=case, activity_key=activity, timestamp_key=ts)


def _ours(log: EventLog) -> EventLog:
    """Our log measured like PM4Py's complete-only frame (when the XES had start events)."""
    if log.meta.has_start_timestamp and log.meta.attribute("lifecycle") is not None:
        return ox.filter_attribute(log, "lifecycle", ["complete"], level="event")
    return log


def _compare(df: Any, log: EventLog) -> None:
    pm4py = _pm4py()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dfg, start, end = pm4py.discover_dfg(df)
        variants = pm4py.get_variants(df)
        durations = sorted(pm4py.get_all_case_durations(df))
    g = ox.dfg(log)
    assert g.counts() == dict(dfg)
    assert {r["activity"]: r["cases"] for r in g.start.to_pylist()} == dict(start)
    assert {r["activity"]: r["cases"] for r in g.end.to_pylist()} == dict(end)
    ours_v = Counter({tuple(r["activities"]): r["cases"] for r in ox.variants(log).to_pylist()})
    assert ours_v == Counter({tuple(k): int(v) for k, v in variants.items()})
    ours_d = sorted(
        ox.case_durations(log, measure="first_completion").column("duration_s").to_pylist()
    )
    assert ours_d == pytest.approx(durations, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("name", XES)
def test_xes_matches_pm4py(name: str, tmp_path: Path) -> None:
    path = dataset(name)
    log = _ours(import_log(path, tmp_path / "ds", tz="UTC"))
    _compare(_pm4py_xes(path), log)


@pytest.mark.parametrize("name", sorted(CSV))
def test_csv_matches_pm4py(name: str, tmp_path: Path) -> None:
    path = dataset(name)
    case, activity, ts = CSV[name]
    log = import_log(
        path,
        tmp_path / "ds",
        tz="UTC",
        mapping={"case_id": case, "activity": activity, "timestamp": ts},
    )
    _compare(_pm4py_csv(path, case, activity, ts), log)
