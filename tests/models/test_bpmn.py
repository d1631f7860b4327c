"""BPMN 2.0: export with DI (checked structurally), import, round trip, lanes."""

from __future__ import annotations

import pytest
from lxml import etree
from tests.conftest import dataset

from opexflow.errors import LogFormatError
from opexflow.logs import EventLog
from opexflow.models import (
    BpmnBuilder,
    bpmn_to_net,
    discover,
    from_xml,
    read_bpmn,
    replay_variants,
    to_xml,
    tree_to_bpmn,
)
from opexflow.models.discovery import mine
from opexflow.models.tree import Leaf, Node, Operator

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
NODES = (
    "task",
    "startEvent",
    "endEvent",
    "exclusiveGateway",
    "parallelGateway",
    "intermediateThrowEvent",
    "boundaryEvent",
)


def check_structure(xml: str) -> etree._Element:
    """Every flow's ends exist; every node, flow and lane has a DI shape or edge."""
    root = etree.fromstring(xml.encode())
    process = root.find("bpmn:process", NS)
    assert process is not None
    ids = {el.get("id") for tag in NODES for el in process.iterfind(f"bpmn:{tag}", NS)}
    flows = process.findall("bpmn:sequenceFlow", NS)
    for f in flows:
        assert f.get("sourceRef") in ids and f.get("targetRef") in ids
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge")}
    assert ids <= set(shapes)
    assert {f.get("id") for f in flows} == set(edges)
    for e in edges.values():
        assert len(e.findall("di:waypoint", NS)) >= 2
    for lane in process.iterfind(".//bpmn:lane", NS):
        assert lane.get("id") in shapes
    return root


def test_export_of_a_discovered_model_is_valid_and_left_to_right(tiny_log: EventLog) -> None:
    model = discover(tiny_log, noise=0.0)
    root = check_structure(model.to_bpmn_xml())
    bounds = {
        s.get("bpmnElement"): float(s.find("dc:Bounds", NS).get("x"))
        for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")
    }
    tasks = {t.get("name"): t.get("id") for t in root.iterfind(".//bpmn:task", NS)}
    assert bounds[tasks["A"]] < bounds[tasks["B"]] < bounds[tasks["C"]]


def test_lanes_are_the_departments_most_often_doing_each_activity(tiny_log: EventLog) -> None:
    model = discover(tiny_log)
    lanes = {n.name: n.lane for n in model.bpmn.nodes if n.kind == "task"}
    # A: 运营部 ×3; B: 技术部 ×3 vs 运营部 ×1; C: 运营部 ×2 vs 技术部 ×1.
    assert lanes == {"A": "运营部", "B": "技术部", "C": "运营部"}
    root = check_structure(model.to_bpmn_xml())
    assert root.find("bpmn:collaboration/bpmn:participant", NS) is not None
    names = [lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)]
    assert sorted(names) == ["技术部", "运营部"]


def test_every_operator_round_trips_through_xml() -> None:
    tree = Node(
        Operator.SEQ,
        (
            Leaf("a"),
            Node(Operator.XOR, (Leaf("b"), Leaf(None))),
            Node(Operator.AND, (Leaf("c"), Leaf("d"))),
            Node(Operator.LOOP, (Leaf("e"), Leaf("f"))),
        ),
    )
    model = tree_to_bpmn(tree, lanes={"a": "x", "c": "y"})
    xml = to_xml(model)
    check_structure(xml)
    back = from_xml(xml)
    assert [(n.id, n.kind, n.name, n.lane) for n in back.nodes] == [
        (n.id, n.kind, n.name, n.lane) for n in model.nodes
    ]
    assert back.flows == model.flows
    # Same behaviour: the log of the tree replays perfectly on the re-imported model.
    log = [(("a", "b", "c", "d", "e"), 2), (("a", "d", "c", "e", "f", "e"), 1)]
    assert replay_variants(bpmn_to_net(back), log).fitness == 1.0


def test_a_hand_built_model() -> None:
    b = BpmnBuilder(name="订单履约")
    start = b.add("startEvent")
    check = b.add("task", "审核订单", lane="销售部")
    split = b.add("exclusiveGateway", "金额 ≥ 10000?")
    approve = b.add("task", "财务审批", lane="财务部")
    join = b.add("exclusiveGateway")
    ship = b.add("task", "发货", lane="仓储部")
    end = b.add("endEvent")
    for s, t in [
        (start, check),
        (check, split),
        (split, approve),
        (approve, join),
        (split, join),
        (join, ship),
        (ship, end),
    ]:
        b.flow(s, t)
    model = b.build()
    check_structure(to_xml(model))
    log = [(("审核订单", "发货"), 3), (("审核订单", "财务审批", "发货"), 1), (("发货",), 1)]
    r = replay_variants(bpmn_to_net(model), log)
    only_ship = next(v for v in r.variants if v.activities == ("发货",))
    assert only_ship.inserted == ("发货",)
    assert only_ship.skipped == ("审核订单",)
    assert r.fitting_cases == 0.8


@pytest.mark.parametrize("name", ["running-example.bpmn", "receipt.bpmn", "a32f0n00.bpmn"])
def test_dataset_models_import(name: str) -> None:
    model = read_bpmn(dataset(f"models/{name}"))
    net = bpmn_to_net(model)
    assert len(net.activities) == len(set(model.tasks))
    check_structure(to_xml(model))


def test_running_example_log_fits_its_model() -> None:
    model = read_bpmn(dataset("models/running-example.bpmn"))
    variants = [
        (("register request", "examine casually", "check ticket", "decide", "reject request"), 1)
    ]
    assert replay_variants(bpmn_to_net(model), variants).fitness == 1.0


def test_unsupported_elements_are_named() -> None:
    xml = f'<definitions xmlns="{NS["bpmn"]}"><process id="p"><inclusiveGateway id="g1"/></process></definitions>'
    with pytest.raises(LogFormatError, match="inclusiveGateway"):
        from_xml(xml)
    with pytest.raises(LogFormatError, match=r"BPMN 2\.0"):
        from_xml("<definitions/>")


def test_discovered_tree_to_bpmn_keeps_all_activities() -> None:
    tree = mine({("a", "b", "c"): 3, ("a", "c", "b"): 2, ("a", "d"): 1})
    model = tree_to_bpmn(tree)
    assert sorted(model.tasks) == ["a", "b", "c", "d"]


def test_layout_keeps_shapes_apart_and_in_their_lane(tiny_log: EventLog) -> None:
    from opexflow.models.layout import layout

    model = discover(tiny_log, noise=0.0).bpmn
    lay = layout(model)
    boxes = list(lay.shapes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a.x + a.width <= b.x or b.x + b.width <= a.x
            apart_y = a.y + a.height <= b.y or b.y + b.height <= a.y
            assert apart_x or apart_y
    for n in model.nodes:
        band, box = lay.lanes[n.lane or ""], lay.shapes[n.id]
        assert band.y <= box.y and box.y + box.height <= band.y + band.height


def test_a_bare_petri_net_has_no_bpmn_form() -> None:
    from opexflow.errors import InputError
    from opexflow.models import model_from, tree_to_net

    with pytest.raises(InputError, match="Petri"):
        model_from(tree_to_net(Leaf("a"))).to_bpmn_xml()


CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="x">
  <bpmn:collaboration id="Collab"><bpmn:participant id="P" processRef="Order" /></bpmn:collaboration>
  <bpmn:process id="Order" name="订单" isExecutable="true">
    <bpmn:laneSet id="LS">
      <bpmn:lane id="L1" name="销售部"><bpmn:flowNodeRef>S</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Check</bpmn:flowNodeRef><bpmn:flowNodeRef>G</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="L2" name="仓储部"><bpmn:flowNodeRef>Wait</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Ship</bpmn:flowNodeRef><bpmn:flowNodeRef>E</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Check" name="审核订单" camunda:assignee="sales">
      <bpmn:documentation>人工审核</bpmn:documentation>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:eventBasedGateway id="G"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:eventBasedGateway>
    <bpmn:intermediateCatchEvent id="Wait" name="付款到账"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>
    <bpmn:serviceTask id="Ship" name="发货"><bpmn:incoming>f5</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="E"><bpmn:incoming>f6</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Check" />
    <bpmn:sequenceFlow id="f2" sourceRef="Check" targetRef="G" />
    <bpmn:sequenceFlow id="f3" sourceRef="G" targetRef="Wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="G" targetRef="E" name="超时 timeout" />
    <bpmn:sequenceFlow id="f5" sourceRef="Wait" targetRef="Ship" />
    <bpmn:sequenceFlow id="f6" sourceRef="Ship" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_camunda_style_file_with_lanes_and_typed_tasks() -> None:
    model = from_xml(CAMUNDA)
    assert model.name == "订单"
    assert model.lanes == ("销售部", "仓储部")
    assert {n.id: n.kind for n in model.nodes} == {
        "S": "startEvent",
        "Check": "task",
        "G": "exclusiveGateway",
        "Wait": "intermediateEvent",
        "Ship": "task",
        "E": "endEvent",
    }
    assert model.node("Ship").lane == "仓储部"
    r = replay_variants(bpmn_to_net(model), [(("审核订单", "发货"), 3), (("审核订单",), 1)])
    assert r.fitness == 1.0
    check_structure(to_xml(model))


def test_an_imported_diagram_is_kept_on_export() -> None:
    model = read_bpmn(dataset("models/running-example.bpmn"))
    assert model.has_diagram()
    again = from_xml(to_xml(model))
    assert again.diagram is not None and model.diagram is not None
    assert again.diagram.shapes == model.diagram.shapes
    assert again.diagram.edges == model.diagram.edges


def test_a_model_without_diagram_is_laid_out() -> None:
    model = from_xml(CAMUNDA)
    assert not model.has_diagram()
    again = from_xml(to_xml(model))
    assert again.has_diagram()
    assert set(again.diagram.lanes) == {"销售部", "仓储部"}  # type: ignore[union-attr]


def test_a_boundary_event_is_an_alternative_exit_of_its_task() -> None:
    b = BpmnBuilder()
    start = b.add("startEvent")
    pay = b.add("task", "付款")
    timeout = b.add("boundaryEvent", "超时", attached_to=pay)
    remind = b.add("task", "催办")
    done = b.add("task", "归档")
    end = b.add("endEvent")
    for s, t in [(start, pay), (pay, done), (timeout, remind), (remind, done), (done, end)]:
        b.flow(s, t)
    model = b.build()
    root = check_structure(to_xml(model))
    event = root.find(".//bpmn:boundaryEvent", NS)
    assert event is not None and event.get("attachedToRef") == pay
    back = from_xml(to_xml(model))
    assert back.node(timeout).attached_to == pay
    # The event sits on the task's lower edge.
    lay = back.diagram
    assert lay is not None
    task, ev = lay.shapes[pay], lay.shapes[timeout]
    assert task.x <= ev.x and ev.x + ev.width <= task.x + task.width
    assert ev.y < task.y + task.height < ev.y + ev.height
    log = [(("付款", "归档"), 3), (("催办", "归档"), 2), (("付款", "催办", "归档"), 1)]
    r = replay_variants(bpmn_to_net(back), log)
    fits = {v.activities: v.fits for v in r.variants}
    assert fits == {("付款", "归档"): True, ("催办", "归档"): True, ("付款", "催办", "归档"): False}


def test_a_task_nothing_leads_to_costs_missing_tokens() -> None:
    b = BpmnBuilder()
    start, a, orphan, end = (
        b.add("startEvent"),
        b.add("task", "a"),
        b.add("task", "x"),
        b.add("endEvent"),
    )
    b.flow(start, a)
    b.flow(a, end)
    b.flow(orphan, end)
    net = bpmn_to_net(b.build())
    r = replay_variants(net, [(("a",), 1), (("x",), 1)])
    assert {v.activities: v.missing for v in r.variants} == {("a",): 0, ("x",): 1}
