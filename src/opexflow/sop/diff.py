"""What changed between two versions of an SOP: sections, steps, RACI, control
points and flowchart elements.

Steps are matched by name (a step inserted in V1.1 renumbers the ones after it;
that shows as a changed ``number``, not as every later step replaced). RACI
cells are matched by (step name, role). Control points by rule id. Flowchart
nodes by kind and name (unnamed gateways by id), flows by their two ends.

Example:
    >>> from opexflow.sop.model import Sop, Step
    >>> a = Sop(process_id="X", name="x", steps=[Step(number=1, name="审核")])
    >>> b = a.model_copy(update={"version": "V1.1",
    ...     "steps": (*a.steps, Step(number=2, name="重发短信"))})
    >>> diff(a, b).steps_added
    ('重发短信',)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from opexflow.sop.model import Flowchart, Lang, Sop, sentence

SECTION_FIELDS = (
    "process_id",
    "name",
    "document_no",
    "effective_on",
    "editor",
    "reviewer",
    "approver",
    "purpose",
    "target",
    "scope",
    "forms_tools",
    "contingency",
    "history",
)
STEP_FIELDS = (
    "number",
    "role",
    "department",
    "input",
    "output",
    "guidance",
    "system_path",
    "time_limit",
    "measures",
    "as_is_minutes",
    "as_is_problems",
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field with its old and new value (as JSON values)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class StepChange:
    name: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class RaciChange:
    """A RACI cell: letters before and after (``""`` for an empty cell)."""

    step: str
    role: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A control point added, removed or changed, with its sentence(s)."""

    id: str
    change: str  # added | removed | changed
    old_zh: str = ""
    new_zh: str = ""
    old_en: str = ""
    new_en: str = ""


@dataclass(frozen=True, slots=True)
class ElementChange:
    """A flowchart element (node or flow) added, removed or changed."""

    key: str
    element: str  # node | flow | diagram
    change: str  # added | removed | changed
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SopDiff:
    """Every difference from version ``a`` to version ``b``."""

    version_a: str
    version_b: str
    sections: tuple[FieldChange, ...] = ()
    steps_added: tuple[str, ...] = ()
    steps_removed: tuple[str, ...] = ()
    steps_changed: tuple[StepChange, ...] = ()
    raci: tuple[RaciChange, ...] = ()
    control_points: tuple[RuleChange, ...] = ()
    flowchart: tuple[ElementChange, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (
            self.sections
            or self.steps_added
            or self.steps_removed
            or self.steps_changed
            or self.raci
            or self.control_points
            or self.flowchart
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["empty"] = self.empty
        return out

    def text(self, lang: Lang = "zh") -> str:
        """The changes as lines of text (for the CLI)."""
        from opexflow.sop.diff_text import diff_text

        return diff_text(self, lang)


def diff(a: Sop, b: Sop) -> SopDiff:
    """The differences from ``a`` to ``b``.

    Example:
        >>> from opexflow.sop.model import Sop
        >>> diff(Sop(process_id="X", name="x"), Sop(process_id="X", name="y")).sections[0].field
        'name'
    """
    da = a.model_dump(mode="json")
    db = b.model_dump(mode="json")
    sections = tuple(FieldChange(k, da[k], db[k]) for k in SECTION_FIELDS if da[k] != db[k])
    sa = {s["name"]: s for s in da["steps"]}
    sb = {s["name"]: s for s in db["steps"]}
    changed = tuple(
        StepChange(
            name,
            tuple(
                FieldChange(f, sa[name][f], sb[name][f])
                for f in STEP_FIELDS
                if sa[name][f] != sb[name][f]
            ),
        )
        for name in sb
        if name in sa and sa[name] != sb[name]
    )
    return SopDiff(
        version_a=a.version,
        version_b=b.version,
        sections=sections,
        steps_added=tuple(n for n in sb if n not in sa),
        steps_removed=tuple(n for n in sa if n not in sb),
        steps_changed=changed,
        raci=_raci(a, b),
        control_points=_rules(a, b),
        flowchart=_flowchart(a.flowchart, b.flowchart),
    )


def _cells(sop: Sop) -> dict[tuple[str, str], str]:
    names = {s.number: s.name for s in sop.steps}
    keys = {(names.get(x.step, f"#{x.step}"), x.role, x.step) for x in sop.raci}
    return {(name, role): sop.raci_cell(number, role) for name, role, number in keys}


def _raci(a: Sop, b: Sop) -> tuple[RaciChange, ...]:
    ca, cb = _cells(a), _cells(b)
    order = {s.name: s.number for s in b.steps} | {
        s.name: s.number for s in a.steps if s.name not in {t.name for t in b.steps}
    }
    keys = sorted(set(ca) | set(cb), key=lambda k: (order.get(k[0], 10**9), k[0], k[1]))
    return tuple(
        RaciChange(step, role, ca.get((step, role), ""), cb.get((step, role), ""))
        for step, role in keys
        if ca.get((step, role), "") != cb.get((step, role), "")
    )


def _rules(a: Sop, b: Sop) -> tuple[RuleChange, ...]:
    ra = {r.id: r for r in a.control_points}
    rb = {r.id: r for r in b.control_points}
    out: list[RuleChange] = []
    for rid, rule in ra.items():
        if rid not in rb:
            out.append(RuleChange(rid, "removed", sentence(rule, "zh"), "", sentence(rule, "en")))
    for rid, rule in rb.items():
        old = ra.get(rid)
        if old is None:
            out.append(RuleChange(rid, "added", "", sentence(rule, "zh"), "", sentence(rule, "en")))
        elif old.to_dict() != rule.to_dict():
            out.append(
                RuleChange(
                    rid,
                    "changed",
                    sentence(old, "zh"),
                    sentence(rule, "zh"),
                    sentence(old, "en"),
                    sentence(rule, "en"),
                )
            )
    return tuple(out)


def _node_keys(chart: Flowchart) -> dict[str, str]:
    """Node id → a key stable across versions: ``kind:name`` when that is unique."""
    counts: dict[str, int] = {}
    for n in chart.nodes:
        if n.name:
            counts[f"{n.kind}:{n.name}"] = counts.get(f"{n.kind}:{n.name}", 0) + 1
    return {
        n.id: f"{n.kind}:{n.name}"
        if n.name and counts[f"{n.kind}:{n.name}"] == 1
        else f"{n.kind}#{n.id}"
        for n in chart.nodes
    }


def _flowchart(a: Flowchart | None, b: Flowchart | None) -> tuple[ElementChange, ...]:
    a = a or Flowchart()
    b = b or Flowchart()
    ka, kb = _node_keys(a), _node_keys(b)
    na = {ka[n.id]: n for n in a.nodes}
    nb = {kb[n.id]: n for n in b.nodes}
    out = [ElementChange(k, "node", "removed") for k in na if k not in nb]
    for k, n in nb.items():
        old = na.get(k)
        if old is None:
            out.append(ElementChange(k, "node", "added", n.lane or ""))
            continue
        what = [
            f"{f}: {getattr(old, f)!r} → {getattr(n, f)!r}"
            for f in ("name", "lane")
            if getattr(old, f) != getattr(n, f)
        ]
        if what:
            out.append(ElementChange(k, "node", "changed", "; ".join(what)))
    fa = {(ka[f.source], ka[f.target]): f for f in a.flows if f.source in ka and f.target in ka}
    fb = {(kb[f.source], kb[f.target]): f for f in b.flows if f.source in kb and f.target in kb}
    if a.diagram != b.diagram:
        # Only where things are drawn: still a change of the signed content.
        out.append(ElementChange("diagram", "diagram", "changed", "layout"))
    out += [ElementChange(f"{s} → {t}", "flow", "removed") for s, t in fa if (s, t) not in fb]
    for (s, t), f in fb.items():
        old_flow = fa.get((s, t))
        if old_flow is None:
            out.append(ElementChange(f"{s} → {t}", "flow", "added", f.name))
        elif old_flow.name != f.name:
            out.append(
                ElementChange(
                    f"{s} → {t}", "flow", "changed", f"name: {old_flow.name!r} → {f.name!r}"
                )
            )
    return tuple(out)
