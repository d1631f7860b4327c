"""Process models from data and against data (DESIGN.md §2, issue 5).

- :func:`discover`: Inductive Miner infrequent on the variants → :class:`Model`
  (process tree, Petri net, BPMN 2.0 with lanes = departments);
- :func:`replay`, :func:`fitness`, :func:`precision`, :func:`quality`: token-based
  replay with PM4Py's semantics and ETConformance precision;
- :func:`simplify_map`: the activities and edges covering a share of cases;
- :func:`read_bpmn` / :func:`write_bpmn` / :func:`to_xml`: BPMN 2.0 XML with DI.
"""

from __future__ import annotations

from opexflow.models.api import (
    Model,
    Quality,
    activity_departments,
    discover,
    fitness,
    log_variants,
    model_from,
    model_quality,
    precision,
    replay,
)
from opexflow.models.bpmn import (
    BpmnBuilder,
    BpmnModel,
    BpmnNode,
    SequenceFlow,
    bpmn_to_net,
    tree_to_bpmn,
)
from opexflow.models.bpmn_xml import from_xml, read_bpmn, to_xml, write_bpmn
from opexflow.models.discovery import mine
from opexflow.models.petri import PetriNet, Transition, tree_to_net
from opexflow.models.precision import etc_precision
from opexflow.models.replay import Deviation, Replay, VariantFit, replay_variants
from opexflow.models.simplify import ProcessMap, simplify_map
from opexflow.models.tree import Leaf, Node, Operator, ProcessTree

__all__ = [
    "BpmnBuilder",
    "BpmnModel",
    "BpmnNode",
    "Deviation",
    "Leaf",
    "Model",
    "Node",
    "Operator",
    "PetriNet",
    "ProcessMap",
    "ProcessTree",
    "Quality",
    "Replay",
    "SequenceFlow",
    "Transition",
    "VariantFit",
    "activity_departments",
    "bpmn_to_net",
    "discover",
    "etc_precision",
    "fitness",
    "from_xml",
    "log_variants",
    "mine",
    "model_from",
    "model_quality",
    "precision",
    "read_bpmn",
    "replay",
    "replay_variants",
    "simplify_map",
    "to_xml",
    "tree_to_bpmn",
    "tree_to_net",
    "write_bpmn",
]
