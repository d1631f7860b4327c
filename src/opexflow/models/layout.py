"""Automatic left-to-right layout of a BPMN model (BPMN DI coordinates).

Nodes are put in columns by the longest path from the start (flows that go back
in a loop are ignored for this), ordered within a column by the mean position
of their predecessors, and stacked in horizontal bands, one per lane. Flows get
orthogonal waypoints; a flow going back is routed below its lane.
"""

from __future__ import annotations

from dataclasses import dataclass

from opexflow.models.bpmn import BpmnModel, BpmnNode

SIZES = {
    "task": (100.0, 80.0),
    "exclusiveGateway": (50.0, 50.0),
    "parallelGateway": (50.0, 50.0),
    "startEvent": (36.0, 36.0),
    "endEvent": (36.0, 36.0),
    "intermediateEvent": (36.0, 36.0),
}
COLUMN = 160.0
ROW = 110.0
LANE_HEADER = 30.0
MARGIN = 40.0


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True, slots=True)
class Layout:
    """Shapes by node id, waypoints by flow id, lane bands by lane name and the
    pool around them (``None`` without lanes)."""

    shapes: dict[str, Bounds]
    edges: dict[str, list[tuple[float, float]]]
    lanes: dict[str, Bounds]
    pool: Bounds | None


def layout(model: BpmnModel) -> Layout:
    """Coordinates for every node and flow of ``model``."""
    column = _columns(model)
    rows = _rows(model, column)
    lane_names = list(model.lanes) or [""]
    lane_of = {n.id: n.lane if n.lane in model.lanes else lane_names[0] for n in model.nodes}
    x0 = MARGIN + (LANE_HEADER if model.lanes else 0.0)
    shapes: dict[str, Bounds] = {}
    lanes: dict[str, Bounds] = {}
    top = MARGIN
    width = x0 + (max(column.values(), default=0) + 1) * COLUMN + MARGIN
    for lane in lane_names:
        members = [n for n in model.nodes if lane_of[n.id] == lane]
        depth = max((rows[n.id] for n in members), default=0) + 1
        for n in members:
            w, h = SIZES.get(n.kind, SIZES["task"])
            cx = x0 + column[n.id] * COLUMN + COLUMN / 2
            cy = top + MARGIN / 2 + rows[n.id] * ROW + ROW / 2
            shapes[n.id] = Bounds(cx - w / 2, cy - h / 2, w, h)
        height = depth * ROW + MARGIN
        lanes[lane] = Bounds(x0, top, width - x0, height)
        top += height
    pool = None
    if model.lanes:
        pool = Bounds(MARGIN, MARGIN, width - MARGIN, top - MARGIN)
        lanes = {k: v for k, v in lanes.items() if k}
    else:
        lanes = {}
    edges = {f.id: _route(shapes[f.source], shapes[f.target]) for f in model.flows}
    return Layout(shapes, edges, lanes, pool)


def _columns(model: BpmnModel) -> dict[str, int]:
    succ: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    for f in model.flows:
        succ[f.source].append(f.target)
    back = _back_edges(model, succ)
    indeg = {n.id: 0 for n in model.nodes}
    for s, ts in succ.items():
        for t in ts:
            if (s, t) not in back:
                indeg[t] += 1
    column = {n.id: 0 for n in model.nodes}
    ready = [n.id for n in model.nodes if indeg[n.id] == 0]
    while ready:
        s = ready.pop(0)
        for t in succ[s]:
            if (s, t) in back:
                continue
            column[t] = max(column[t], column[s] + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    return column


def _back_edges(model: BpmnModel, succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Flows closing a cycle in a depth-first search from the start events."""
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    roots = [n.id for n in model.nodes if n.kind == "startEvent"] + [n.id for n in model.nodes]
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(succ[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    return back


def _rows(model: BpmnModel, column: dict[str, int]) -> dict[str, int]:
    """Row within the lane: nodes of one column and lane, ordered by the mean row
    of their predecessors."""
    preds: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    for f in model.flows:
        if column[f.source] < column[f.target]:
            preds[f.target].append(f.source)
    rows: dict[str, int] = {}
    cells: dict[tuple[str, int], list[BpmnNode]] = {}
    for n in sorted(model.nodes, key=lambda n: column[n.id]):
        lane = n.lane if n.lane in model.lanes else ""
        cells.setdefault((lane or "", column[n.id]), []).append(n)
    for key in sorted(cells, key=lambda k: k[1]):
        members = cells[key]

        def weight(n: BpmnNode) -> float:
            known = [rows[p] for p in preds[n.id] if p in rows]
            return sum(known) / len(known) if known else 0.0

        members.sort(key=weight)
        used: set[int] = set()
        for n in members:
            want = round(weight(n))
            while want in used:
                want += 1
            used.add(want)
            rows[n.id] = want
    return rows


def _route(a: Bounds, b: Bounds) -> list[tuple[float, float]]:
    ax, ay = a.center
    bx, by = b.center
    if bx > ax:
        start = (a.x + a.width, ay)
        end = (b.x, by)
        if abs(ay - by) < 1:
            return [start, end]
        mid = (start[0] + end[0]) / 2
        return [start, (mid, ay), (mid, by), end]
    # back flow: down from the source, along below both, up into the target
    low = max(a.y + a.height, b.y + b.height) + 20
    return [(ax, a.y + a.height), (ax, low), (bx, low), (bx, b.y + b.height)]
