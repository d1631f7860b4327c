"""BPMN 2.0 XML (OMG 2.0.2) with diagram interchange: write and read.

Written files use the standard namespaces, one ``process`` (inside a
``collaboration`` with one participant when there are lanes, as bpmn.io and
Camunda Modeler expect), and a ``BPMNDiagram`` with a shape for every node and
lane and an edge for every flow, laid out by :mod:`opexflow.models.layout`.

Reading accepts what we write and what common modellers write: tasks (any
task type, call activities and collapsed sub-processes are read as tasks),
start/end/intermediate events, exclusive, event-based and parallel gateways,
sequence flows and lanes. Other elements raise an error that names them.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from opexflow.errors import LogFormatError, NotFoundError
from opexflow.models.bpmn import Bounds, BpmnModel, BpmnNode, Kind, Layout, SequenceFlow
from opexflow.models.layout import layout

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

_TASKS = {
    "task",
    "userTask",
    "serviceTask",
    "manualTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
    "subProcess",
}
_EVENTS = {"intermediateCatchEvent", "intermediateThrowEvent"}
_IGNORED = {
    "incoming",
    "outgoing",
    "laneSet",
    "documentation",
    "extensionElements",
    "textAnnotation",
    "association",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "dataInputAssociation",
    "dataOutputAssociation",
    "ioSpecification",
    "property",
    "group",
    "category",
}


def to_xml(model: BpmnModel) -> str:
    """The model as BPMN 2.0 XML with its diagram: the one read with it when it
    places every node and flow, otherwise laid out automatically."""
    lay = model.diagram if model.diagram is not None and model.has_diagram() else layout(model)
    pid = model.id
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<bpmn:definitions xmlns:bpmn="{MODEL}" xmlns:bpmndi="{BPMNDI}" '
        f'xmlns:dc="{DC}" xmlns:di="{DI}" id="Definitions_1" '
        'targetNamespace="http://opexflow.org/bpmn" exporter="opexflow" exporterVersion="0.1.0">',
    ]
    plane_of = pid
    if model.lanes:
        plane_of = "Collaboration_1"
        out.append(f'  <bpmn:collaboration id="{plane_of}">')
        out.append(
            f'    <bpmn:participant id="Participant_1" name={quoteattr(model.name)} '
            f'processRef="{pid}" />'
        )
        out.append("  </bpmn:collaboration>")
    out.append(f'  <bpmn:process id="{pid}" name={quoteattr(model.name)} isExecutable="false">')
    out.extend(_lane_set(model))
    flows_in: dict[str, list[str]] = {}
    flows_out: dict[str, list[str]] = {}
    for f in model.flows:
        flows_out.setdefault(f.source, []).append(f.id)
        flows_in.setdefault(f.target, []).append(f.id)
    for n in model.nodes:
        tag = "intermediateThrowEvent" if n.kind == "intermediateEvent" else n.kind
        host = f' attachedToRef="{n.attached_to}"' if n.attached_to else ""
        out.append(f'    <bpmn:{tag} id="{n.id}" name={quoteattr(n.name)}{host}>')
        out.extend(f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in flows_in.get(n.id, []))
        out.extend(f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in flows_out.get(n.id, []))
        out.append(f"    </bpmn:{tag}>")
    for f in model.flows:
        name = f" name={quoteattr(f.name)}" if f.name else ""
        out.append(
            f'    <bpmn:sequenceFlow id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}"{name} />'
        )
    out.append("  </bpmn:process>")
    out.append('  <bpmndi:BPMNDiagram id="BPMNDiagram_1">')
    out.append(f'    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{plane_of}">')
    if model.lanes:
        out.append(_shape("Participant_1", _pool(lay), ' isHorizontal="true"'))
    for i, lane in enumerate(model.lanes, start=1):
        out.append(_shape(f"Lane_{i}", lay.lanes[lane], ' isHorizontal="true"'))
    for n in model.nodes:
        extra = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
        out.append(_shape(n.id, lay.shapes[n.id], extra))
    for f in model.flows:
        points = "".join(f'<di:waypoint x="{_num(x)}" y="{_num(y)}" />' for x, y in lay.edges[f.id])
        out.append(
            f'      <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">{points}</bpmndi:BPMNEdge>'
        )
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(out)


def _lane_set(model: BpmnModel) -> list[str]:
    if not model.lanes:
        return []
    out = ['    <bpmn:laneSet id="LaneSet_1">']
    first = model.lanes[0]
    for i, lane in enumerate(model.lanes, start=1):
        out.append(f'      <bpmn:lane id="Lane_{i}" name={quoteattr(lane)}>')
        for n in model.nodes:
            if (n.lane if n.lane in model.lanes else first) == lane:
                out.append(f"        <bpmn:flowNodeRef>{escape(n.id)}</bpmn:flowNodeRef>")
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    return out


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _pool(lay: Layout) -> Bounds:
    if lay.pool is not None:
        return lay.pool
    boxes = list(lay.lanes.values())
    x, y = min(b.x for b in boxes), min(b.y for b in boxes)
    right = max(b.x + b.width for b in boxes)
    bottom = max(b.y + b.height for b in boxes)
    return Bounds(x - 30, y, right - x + 30, bottom - y)


def _shape(element: str, b: Bounds, extra: str = "") -> str:
    return (
        f'      <bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}"{extra}>'
        f'<dc:Bounds x="{_num(b.x)}" y="{_num(b.y)}" width="{_num(b.width)}" '
        f'height="{_num(b.height)}" />'
        "</bpmndi:BPMNShape>"
    )


def write_bpmn(model: BpmnModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` as a ``.bpmn`` file (UTF-8)."""
    p = Path(path)
    p.write_text(to_xml(model), encoding="utf-8")
    return p


# -- reading ---------------------------------------------------------------------------


def read_bpmn(path: str | Path) -> BpmnModel:
    """Read a ``.bpmn`` file.

    Raises:
        NotFoundError: the file does not exist.
        LogFormatError: not BPMN 2.0 XML, or it uses elements we cannot replay.
    """
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"找不到 BPMN 文件 {p} / BPMN file {p} not found")
    return from_xml(p.read_bytes(), source=str(p))


def from_xml(data: bytes | str, *, source: str = "BPMN") -> BpmnModel:
    """Parse BPMN 2.0 XML (the first process that has flow nodes)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        root = etree.fromstring(
            raw, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise LogFormatError(f"{source}: 不是有效的 XML / not valid XML: {exc}") from exc
    if etree.QName(root).namespace != MODEL or etree.QName(root).localname != "definitions":
        raise LogFormatError(
            f"{source}: 不是 BPMN 2.0 文件（根元素应为 {{{MODEL}}}definitions） / "
            f"not a BPMN 2.0 file (the root must be {{{MODEL}}}definitions)"
        )
    processes = root.findall(f"{{{MODEL}}}process")
    if not processes:
        raise LogFormatError(f"{source}: 没有 process 元素 / no process element")
    process = max(processes, key=len)
    lanes = _read_lanes(process)
    nodes: list[BpmnNode] = []
    flows: list[SequenceFlow] = []
    for el in process:
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag == "sequenceFlow":
            flows.append(
                SequenceFlow(
                    el.get("id", ""),
                    el.get("sourceRef", ""),
                    el.get("targetRef", ""),
                    el.get("name") or "",
                )
            )
            continue
        kind = _kind(tag, source, el.get("id", ""))
        if kind is not None:
            node_id = el.get("id", "")
            name = (el.get("name") or "").strip()
            host = el.get("attachedToRef")
            nodes.append(BpmnNode(node_id, kind, name, lanes.get(node_id), host))
    lane_names = tuple(dict.fromkeys(v for v in lanes.values()))
    return BpmnModel(
        process.get("id", "Process_1"),
        process.get("name") or "process",
        tuple(nodes),
        tuple(flows),
        lane_names,
        _read_diagram(root, process),
    )


def _read_diagram(root: etree._Element, process: etree._Element) -> Layout | None:
    """Shapes and edges of the first diagram, keyed like the model (lanes by name)."""
    plane = root.find(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    if plane is None:
        return None
    lane_name = {
        lane.get("id"): lane.get("name") or lane.get("id") or "lane"
        for lane in process.iter(f"{{{MODEL}}}lane")
    }
    participants = {p.get("id") for p in root.iter(f"{{{MODEL}}}participant")}
    shapes: dict[str, Bounds] = {}
    lanes: dict[str, Bounds] = {}
    pool = None
    for shape in plane.iter(f"{{{BPMNDI}}}BPMNShape"):
        b = shape.find(f"{{{DC}}}Bounds")
        element = shape.get("bpmnElement", "")
        if b is None:
            continue
        box = Bounds(*(float(b.get(k, "0")) for k in ("x", "y", "width", "height")))
        if element in lane_name:
            lanes[lane_name[element]] = box
        elif element in participants:
            pool = box
        else:
            shapes[element] = box
    edges = {
        e.get("bpmnElement", ""): [
            (float(p.get("x", "0")), float(p.get("y", "0"))) for p in e.iter(f"{{{DI}}}waypoint")
        ]
        for e in plane.iter(f"{{{BPMNDI}}}BPMNEdge")
    }
    return Layout(shapes, edges, lanes, pool)


def _kind(tag: str, source: str, element: str) -> Kind | None:
    if tag in _TASKS:
        return "task"
    if tag in ("startEvent", "endEvent", "exclusiveGateway", "parallelGateway"):
        return tag  # type: ignore[return-value]
    if tag == "eventBasedGateway":
        return "exclusiveGateway"
    if tag in _EVENTS:
        return "intermediateEvent"
    if tag == "boundaryEvent":
        return "boundaryEvent"
    if tag in _IGNORED:
        return None
    raise LogFormatError(
        f"{source}: 元素 {tag} ({element}) 暂不支持回放；请改用排他/并行网关 / "
        f"element {tag} ({element}) is not supported for replay; "
        "model it with exclusive or parallel gateways"
    )


def _read_lanes(process: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for lane in process.iter(f"{{{MODEL}}}lane"):
        name = lane.get("name") or lane.get("id") or "lane"
        for ref in lane.findall(f"{{{MODEL}}}flowNodeRef"):
            if ref.text:
                out.setdefault(ref.text.strip(), name)
    return out
