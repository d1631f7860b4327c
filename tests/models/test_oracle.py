"""Oracle: replay fitness equals PM4Py's on the same Petri net, and our discovered
models are at least as fitting as PM4Py's IMf and about as precise.

(a) Our net is given to PM4Py as a PM4Py net; ``fitness_token_based_replay`` and
    ``precision_token_based_replay`` must give our figures (1e-9).
(b) PM4Py's IMf (same threshold) on the same log: our fitness >= PM4Py's, our
    precision >= PM4Py's - 0.05.
Logs are read the way tests/oracle/test_pm4py.py reads them (complete events).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import dataset
from tests.oracle.test_pm4py import _ours, _pm4py, _pm4py_csv, _pm4py_xes

from opexflow.logs import EventLog, import_log
from opexflow.models import PetriNet, bpmn_to_net, discover, model_quality, read_bpmn

pytestmark = pytest.mark.oracle

LOGS = [
    "running-example.xes",
    "08_receipt.xes.gz",
    "03_repairExample.xes.gz",
    "04_reviewing.xes.gz",
    "02_teleclaims.xes.gz",
    "helpdesk.xes.gz",
    "sepsis.csv",
    "roadtraffic100traces.xes",
    "07_bpic2013_incidents.xes.gz",
    pytest.param("bpic2012.xes.gz", marks=pytest.mark.slow),
]
SEPSIS = ("Case ID", "Activity", "Complete Timestamp")


def _logs(name: str, tmp: Path) -> tuple[EventLog, Any]:
    path = dataset(name)
    if name == "sepsis.csv":
        case, act, ts = SEPSIS
        mapping = {"case_id": case, "activity": act, "timestamp": ts}
        log = import_log(path, tmp / "ds", tz="UTC", mapping=mapping)
        return log, _pm4py_csv(path, case, act, ts)
    return _ours(import_log(path, tmp / "ds", tz="UTC")), _pm4py_xes(path)


def to_pm4py(net: PetriNet) -> tuple[Any, Any, Any]:
    from pm4py.objects.petri_net.obj import Marking
    from pm4py.objects.petri_net.obj import PetriNet as Net
    from pm4py.objects.petri_net.utils import petri_utils

    pn = Net("opexflow")
    nodes: dict[str, Any] = {}
    for p in net.places:
        nodes[p] = Net.Place(p)
        pn.places.add(nodes[p])
    for t in net.transitions:
        nodes[t.name] = Net.Transition(t.name, t.label)
        pn.transitions.add(nodes[t.name])
    for s, d in net.arcs:
        petri_utils.add_arc_from_to(nodes[s], nodes[d], pn)
    im = Marking({nodes[p]: 1 for p in net.initial})
    fm = Marking({nodes[p]: 1 for p in net.final})
    return pn, im, fm


def _pm4py_quality(df: Any, net: Any, im: Any, fm: Any) -> tuple[float, float]:
    pm4py = _pm4py()
    os.environ["TQDM_DISABLE"] = "1"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pm4py.fitness_token_based_replay(df, net, im, fm)["log_fitness"]
        prec = pm4py.precision_token_based_replay(df, net, im, fm)
    return float(fit), float(prec)


@pytest.mark.parametrize("name", LOGS)
def test_discovery_and_replay_against_pm4py(name: str, tmp_path: Path) -> None:
    log, df = _logs(name, tmp_path)
    model = discover(log, noise=0.2)
    ours = model_quality(log, model)
    fit, prec = _pm4py_quality(df, *to_pm4py(model.net))
    assert ours.fitness == pytest.approx(fit, abs=1e-9)  # (a) same net, same fitness
    assert ours.precision == pytest.approx(prec, abs=1e-9)
    pm4py = _pm4py()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        imf = pm4py.discover_petri_net_inductive(df, noise_threshold=0.2)
    imf_fit, imf_prec = _pm4py_quality(df, *imf)
    assert ours.fitness >= imf_fit - 1e-12  # (b)
    assert ours.precision >= imf_prec - 0.05


@pytest.mark.parametrize(
    ("model_file", "log_name"),
    [("running-example.bpmn", "running-example.xes"), ("receipt.bpmn", "08_receipt.xes.gz")],
)
def test_replay_on_imported_bpmn_equals_pm4py(
    model_file: str, log_name: str, tmp_path: Path
) -> None:
    log, df = _logs(log_name, tmp_path)
    net = bpmn_to_net(read_bpmn(dataset(f"models/{model_file}")))
    ours = model_quality(log, net)
    fit, prec = _pm4py_quality(df, *to_pm4py(net))
    assert ours.fitness == pytest.approx(fit, abs=1e-9)
    assert ours.precision == pytest.approx(prec, abs=1e-9)
