"""Automatic left-to-right layout of a BPMN model (BPMN DI coordinates).

Nodes are put in columns by the longest path from the start (flows that go back
in a loop are ignored for this), ordered within a column by the mean position
of their predecessors, and stacked in horizontal bands, one per lane. Flows get
orthogonal waypoints; a flow going back is routed below its lane.
"""

from __future__ import annotations

import itertools

from opexflow.models.bpmn import Bounds, BpmnModel, Layout, SequenceFlow

SIZES = {
    "task": (100.0, 80.0),
    "exclusiveGateway": (50.0, 50.0),
    "parallelGateway": (50.0, 50.0),
    "startEvent": (36.0, 36.0),
    "endEvent": (36.0, 36.0),
    "intermediateEvent": (36.0, 36.0),
    "boundaryEvent": (36.0, 36.0),
}
COLUMN = 160.0
ROW = 110.0
LANE_HEADER = 30.0
MARGIN = 40.0


def layout(model: BpmnModel) -> Layout:
    """Coordinates for every node and flow of ``model`` (ignores ``model.diagram``).

    Boundary events sit on the lower edge of their task; their flows are placed
    as if they left the task.
    """
    ids = {n.id for n in model.nodes}
    hosts = {
        n.id: n.attached_to
        for n in model.nodes
        if n.kind == "boundaryEvent" and n.attached_to in ids
    }
    core = BpmnModel(
        model.id,
        model.name,
        tuple(n for n in model.nodes if n.id not in hosts),
        tuple(
            SequenceFlow(f.id, hosts.get(f.source, f.source), hosts.get(f.target, f.target))
            for f in model.flows
        ),
        model.lanes,
    )
    shapes, lanes, pool, corridors = _place(core)
    for k, (event, host) in enumerate(hosts.items()):
        box = shapes[host]
        shapes[event] = Bounds(
            box.x + box.width - 46 - 40 * (k % 2), box.y + box.height - 18, 36, 36
        )
    return Layout(shapes, _edges(model, shapes, corridors), lanes, pool)


Placed = tuple[dict[str, Bounds], dict[str, Bounds], Bounds | None, dict[str, float]]


def _place(model: BpmnModel) -> Placed:
    """Shapes, lane bands, the pool, and the height of each long flow's corridor."""
    column = _columns(model)
    rows = _rows(model, column)
    lane_names = list(model.lanes) or [""]
    lane_of = {n.id: n.lane if n.lane in model.lanes else lane_names[0] for n in model.nodes}
    x0 = MARGIN + (LANE_HEADER if model.lanes else 0.0)
    shapes: dict[str, Bounds] = {}
    lanes: dict[str, Bounds] = {}
    top = MARGIN
    width = x0 + (max(column.values(), default=0) + 1) * COLUMN + MARGIN
    passing: dict[str, list[tuple[str, float]]] = {}
    for key, row in rows.items():
        if key.startswith("~"):
            flow = key[1:].rsplit("~", 1)[0]
            source = next(f.source for f in model.flows if f.id == flow)
            passing.setdefault(lane_of[source], []).append((flow, row))
    corridors: dict[str, list[float]] = {}
    for lane in lane_names:
        members = [n for n in model.nodes if lane_of[n.id] == lane]
        depth = max([rows[n.id] for n in members] + [r for _, r in passing.get(lane, [])]) + 1
        for flow, row in passing.get(lane, []):
            corridors.setdefault(flow, []).append(top + MARGIN / 2 + row * ROW + ROW / 2)
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
    return shapes, lanes, pool, {f: sum(ys) / len(ys) for f, ys in corridors.items()}


def _edges(
    model: BpmnModel, shapes: dict[str, Bounds], corridors: dict[str, float]
) -> dict[str, list[tuple[float, float]]]:
    outs: dict[str, int] = {}
    ins: dict[str, int] = {}
    for f in model.flows:
        outs[f.source] = outs.get(f.source, 0) + 1
        ins[f.target] = ins.get(f.target, 0) + 1
    edges = {
        f.id: _route(
            shapes[f.source],
            shapes[f.target],
            fan_out=outs[f.source] > 1,
            fan_in=ins[f.target] > 1 and outs[f.source] == 1,
        )
        for f in model.flows
    }
    for f in model.flows:
        a, b = shapes[f.source], shapes[f.target]
        y = corridors.get(f.id)
        if y is not None and b.x > a.x and abs(y - a.center[1]) > 1:
            edges[f.id] = _route_corridor(a, b, y, fan_in=ins[f.target] > 1)
    for k, f in enumerate(f for f in model.flows if shapes[f.target].x <= shapes[f.source].x):
        edges[f.id] = _route_back(shapes[f.source], shapes[f.target], shapes, 15.0 + 8.0 * (k % 4))
    return edges


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


def _rows(model: BpmnModel, column: dict[str, int]) -> dict[str, float]:
    """Row within the lane (0 = top; fractional rows centre a node on its
    neighbours): sweeps left to right and back, each placing a node at the mean
    row of its neighbours in the previous column, then spreading the nodes of one
    column and lane at least a row apart. A flow spanning several columns gets a
    placeholder in each column it crosses (``~flow~column``), so that no node is
    put in its way; its corridor is the placeholders' row."""
    lanes = {n.id: n.lane if n.lane in model.lanes else "" for n in model.nodes}
    preds: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    succs: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    col = dict(column)
    for f in model.flows:
        a, z = column[f.source], column[f.target]
        if a >= z:
            continue
        chain = [f.source]
        for c in range(a + 1, z):
            dummy = f"~{f.id}~{c}"
            col[dummy] = c
            lanes[dummy] = lanes[f.source]
            preds[dummy], succs[dummy] = [], []
            chain.append(dummy)
        chain.append(f.target)
        for u, v in itertools.pairwise(chain):
            succs[u].append(v)
            preds[v].append(u)
    cells: dict[tuple[str, int], list[str]] = {}
    for node_id in preds:
        cells.setdefault((lanes[node_id], col[node_id]), []).append(node_id)
    order = sorted(cells, key=lambda k: k[1])
    rows: dict[str, float] = {}
    for key in order:
        _spread(cells[key], rows, preds, default=0.0)
    for _ in range(3):
        for key in reversed(order):
            _spread(cells[key], rows, succs, default=None)
        for key in order:
            _spread(cells[key], rows, preds, default=None)
    for lane in set(lanes.values()):
        ids = [node_id for node_id in rows if lanes[node_id] == lane]
        low = min(rows[node_id] for node_id in ids)
        for node_id in ids:
            rows[node_id] -= low
    return rows


def _spread(
    members: list[str],
    rows: dict[str, float],
    near: dict[str, list[str]],
    default: float | None,
) -> None:
    def want(n: str) -> float:
        known = [rows[m] for m in near[n] if m in rows]
        if known:
            return sum(known) / len(known)
        return rows.get(n, 0.0) if default is None else default

    wanted = sorted((want(n), i, n) for i, n in enumerate(members))
    placed: list[float] = []
    for w, _, _ in wanted:
        placed.append(w if not placed else max(w, placed[-1] + 1))
    shift = sum(p - w for p, (w, _, _) in zip(placed, wanted, strict=True)) / len(placed)
    for p, (_, _, n) in zip(placed, wanted, strict=True):
        rows[n] = p - shift


def _route_corridor(a: Bounds, b: Bounds, y: float, *, fan_in: bool) -> list[tuple[float, float]]:
    """A flow across several columns: out of the source, along its corridor, into
    the target."""
    ax, ay = a.center
    bx, by = b.center
    out = [(ax, a.y if y < ay else a.y + a.height), (ax, y)]
    if fan_in:
        return [*out, (bx, y), (bx, b.y if y < by else b.y + b.height)]
    bend = b.x - 20
    return [*out, (bend, y), (bend, by), (b.x, by)]


def _route_back(
    a: Bounds, b: Bounds, shapes: dict[str, Bounds], gap: float
) -> list[tuple[float, float]]:
    """A loop-back flow: down from the source, left below every node in between,
    up into the target."""
    ax, bx = a.center[0], b.center[0]
    band = [s for s in shapes.values() if bx - 1 <= s.center[0] <= ax + 1 and _overlaps(s, a, b)]
    low = max(s.y + s.height for s in band) + gap
    return [(ax, a.y + a.height), (ax, low), (bx, low), (bx, b.y + b.height)]


def _overlaps(s: Bounds, a: Bounds, b: Bounds) -> bool:
    """``s`` lies vertically near the two ends (same lane band, roughly)."""
    top = min(a.y, b.y) - 2 * ROW
    bottom = max(a.y + a.height, b.y + b.height) + 2 * ROW
    return s.y < bottom and s.y + s.height > top


def _route(a: Bounds, b: Bounds, *, fan_out: bool, fan_in: bool) -> list[tuple[float, float]]:
    """Orthogonal waypoints: out of a split vertically then across, into a join
    across then vertically, otherwise across with one bend before the target."""
    ax, ay = a.center
    bx, by = b.center
    if abs(ay - by) < 1:
        return [(a.x + a.width, ay), (b.x, by)]
    if fan_out:
        return [(ax, a.y if by < ay else a.y + a.height), (ax, by), (b.x, by)]
    if fan_in:
        return [(a.x + a.width, ay), (bx, ay), (bx, b.y if ay < by else b.y + b.height)]
    bend = b.x - 20
    return [(a.x + a.width, ay), (bend, ay), (bend, by), (b.x, by)]
