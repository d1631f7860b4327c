"""The SOP (标准化流程文档) as typed, frozen data with a JSON round trip.

The sections follow the seed (§三 步骤2): purpose with a quantified target,
scope, RACI, detailed steps, the flowchart (BPMN 2.0, built and written by
:mod:`opexflow.models`), key control points (rules of
:mod:`opexflow.conformance`, the same schema ``opexflow check`` reads), forms
and tools, contingency plans, and the revision history (Table 4).

Steps are referred to by ``number`` in the RACI and by ``name`` in control
points and the flowchart (a step's name is the activity name in event logs).

Example:
    >>> sop = Sop(process_id="YH-LC01", name="用户注册激活流程",
    ...           steps=[Step(number=1, name="用户填写信息", role="用户")])
    >>> Sop.model_validate_json(sop.model_dump_json()) == sop
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
)

from opexflow.conformance.durations import duration_text, format_duration, parse_duration
from opexflow.conformance.rules import RuleBase, RuleKindError, parse_rule
from opexflow.conformance.sentences import describe
from opexflow.errors import InputError
from opexflow.models.bpmn import (
    Bounds,
    BpmnBuilder,
    BpmnModel,
    BpmnNode,
    Kind,
    Layout,
    SequenceFlow,
)

if TYPE_CHECKING:
    from opexflow.conformance.rules import Rule

Lang = Literal["zh", "en"]
RaciLetter = Literal["R", "A", "C", "I"]
VERSION_PATTERN = r"^V(0|[1-9]\d*)\.(0|[1-9]\d*)$"


def _duration(value: object) -> object:
    if isinstance(value, str):
        return parse_duration(value)
    return value


Duration = Annotated[
    timedelta, BeforeValidator(_duration), PlainSerializer(duration_text, return_type=str)
]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _rule(value: object) -> RuleBase:
    # Re-parsed from its mapping so that where it was read from (file, line) is dropped:
    # the same control point compares equal whether it came from YAML or from JSON.
    if isinstance(value, RuleBase):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise ValueError("a control point is a rule mapping (id, when, require, ...)")
    try:
        return parse_rule(dict(value))
    except RuleKindError as exc:
        raise ValueError(str(exc)) from None


ControlRule = Annotated[
    RuleBase,
    PlainValidator(_rule),
    PlainSerializer(lambda r: r.to_dict(), return_type=dict[str, Any]),
]
"""A control point: a conformance rule (``docs/conformance.md``), stored as its mapping."""


def sentence(rule: RuleBase, lang: Lang = "zh") -> str:
    """The control point as the sentence the document prints (:func:`opexflow.conformance.describe`)."""
    return describe(cast("Rule", rule), lang)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Frozen):
    """The quantified target of the purpose: ``kpi`` from ``baseline`` to ``target`` ``unit``
    (激活时长 30 → 5 分钟). ``kpi`` is a name in the metric dictionary."""

    kpi: Text
    baseline: float
    target: float
    unit: str = ""

    def text(self) -> str:
        """``激活时长 30 → 5 分钟`` (the seed's tables write it so in both languages)."""
        return f"{self.kpi} {self.baseline:g} → {self.target:g} {self.unit}".rstrip()


class Scope(_Frozen):
    """Where the SOP applies: business scenarios, departments, roles."""

    scenarios: tuple[Text, ...] = ()
    departments: tuple[Text, ...] = ()
    roles: tuple[Text, ...] = ()


class RaciAssignment(_Frozen):
    """One letter of the RACI matrix: ``role`` is R/A/C/I for step ``step`` (its number)."""

    step: Annotated[int, Field(ge=1)]
    role: Text
    letter: RaciLetter


class Step(_Frozen):
    """One step of the detailed procedure (详细步骤).

    ``name`` is the activity as event logs and control points name it; ``role``
    the responsible role (责任岗位); ``time_limit`` a duration (``5m``, ``24h``);
    ``measures`` the Table 2 measures that change this step; ``as_is_minutes`` and
    ``as_is_problems`` what the diagnosis found (Table 1), kept while drafting.
    """

    number: Annotated[int, Field(ge=1)]
    name: Text
    role: str = ""
    department: str = ""
    input: str = ""
    output: str = ""
    guidance: str = ""
    system_path: str = ""
    time_limit: Duration | None = None
    measures: tuple[Text, ...] = ()
    as_is_minutes: Annotated[float, Field(ge=0)] | None = None
    as_is_problems: str = ""

    def time_limit_text(self, lang: Lang = "zh") -> str:
        return "" if self.time_limit is None else format_duration(self.time_limit, lang)


class FormTool(_Frozen):
    """A form (《用户激活申请表》) or a tool (CRM 系统, 自动校验脚本) the procedure uses."""

    kind: Literal["form", "tool"]
    name: Text
    description: str = ""


class ContingencyPlan(_Frozen):
    """What to do when something fails: ``trigger`` → ``procedure`` → ``recovery`` within
    ``recovery_within`` (系统故障 → 启用纸质表单 → 24 小时内补录系统)."""

    trigger: Text
    procedure: Text
    recovery: Text
    recovery_within: Duration | None = None
    owner: str = ""

    def recovery_text(self, lang: Lang = "zh") -> str:
        """``24 小时内补录系统`` / ``within 24 hours: enter into the system``."""
        if self.recovery_within is None:
            return self.recovery
        d = format_duration(self.recovery_within, lang)
        return f"{d}内{self.recovery}" if lang == "zh" else f"within {d}: {self.recovery}"

    def text(self, lang: Lang = "zh") -> str:
        return f"{self.trigger} → {self.procedure} → {self.recovery_text(lang)}"


class ChangeRecord(_Frozen):
    """One row of Table 4 (流程优化记录表)."""

    process_id: Text
    name: Text
    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    effective_on: date | None = None
    summary: str = ""
    editor: str = ""
    reviewer: str = ""
    remarks: str = ""


class FlowNode(_Frozen):
    """A BPMN flow node (mirrors :class:`opexflow.models.BpmnNode`)."""

    id: Text
    kind: Kind
    name: str = ""
    lane: str | None = None
    attached_to: str | None = None


class Flow(_Frozen):
    """A BPMN sequence flow between two nodes by id; ``name`` labels a gateway's branch."""

    id: Text
    source: Text
    target: Text
    name: str = ""


Box = tuple[float, float, float, float]
"""x, y, width, height of a shape in the BPMN diagram."""


class Diagram(_Frozen):
    """Where a modeller placed each element (BPMN DI): kept from an imported file so
    that the document shows the flowchart as it was drawn."""

    shapes: dict[str, Box] = {}
    edges: dict[str, tuple[tuple[float, float], ...]] = {}
    lanes: dict[str, Box] = {}
    pool: Box | None = None

    def to_layout(self) -> Layout:
        return Layout(
            {k: Bounds(*v) for k, v in self.shapes.items()},
            {k: list(v) for k, v in self.edges.items()},
            {k: Bounds(*v) for k, v in self.lanes.items()},
            Bounds(*self.pool) if self.pool is not None else None,
        )

    @classmethod
    def from_layout(cls, lay: Layout) -> Diagram:
        def box(b: Bounds) -> Box:
            return (b.x, b.y, b.width, b.height)

        return cls(
            shapes={k: box(b) for k, b in lay.shapes.items()},
            edges={k: tuple(v) for k, v in lay.edges.items()},
            lanes={k: box(b) for k, b in lay.lanes.items()},
            pool=box(lay.pool) if lay.pool is not None else None,
        )


class Flowchart(_Frozen):
    """The flowchart as a BPMN 2.0 process: nodes, flows and lanes (departments).

    Convert with :meth:`to_bpmn` / :meth:`from_bpmn`. ``diagram`` keeps the layout
    of an imported file; without it (or when it does not place every element)
    :func:`opexflow.models.to_xml` lays the model out.
    """

    nodes: tuple[FlowNode, ...] = ()
    flows: tuple[Flow, ...] = ()
    lanes: tuple[str, ...] = ()
    diagram: Diagram | None = None

    def to_bpmn(self, *, model_id: str = "Process_1", name: str = "process") -> BpmnModel:
        nodes = tuple(BpmnNode(n.id, n.kind, n.name, n.lane, n.attached_to) for n in self.nodes)
        flows = tuple(SequenceFlow(f.id, f.source, f.target, f.name) for f in self.flows)
        layout = self.diagram.to_layout() if self.diagram is not None else None
        return BpmnModel(model_id, name, nodes, flows, self.lanes, layout)

    @classmethod
    def from_bpmn(cls, model: BpmnModel) -> Flowchart:
        return cls(
            nodes=tuple(
                FlowNode(id=n.id, kind=n.kind, name=n.name, lane=n.lane, attached_to=n.attached_to)
                for n in model.nodes
            ),
            flows=tuple(
                Flow(id=f.id, source=f.source, target=f.target, name=f.name) for f in model.flows
            ),
            lanes=model.lanes,
            diagram=Diagram.from_layout(model.diagram) if model.diagram is not None else None,
        )


class Sop(_Frozen):
    """A standard operating procedure, one version of it.

    Cover fields: ``document_no`` (文件编号), ``version`` (V1.0), ``effective_on``
    (生效日期), ``editor`` (编制), ``reviewer`` (审核), ``approver`` (批准).
    """

    process_id: Annotated[str, Field(min_length=1, max_length=40)]
    name: Text
    version: Annotated[str, Field(pattern=VERSION_PATTERN)] = "V1.0"
    document_no: str = ""
    effective_on: date | None = None
    editor: str = ""
    reviewer: str = ""
    approver: str = ""
    purpose: str = ""
    target: Target | None = None
    scope: Scope = Scope()
    raci: tuple[RaciAssignment, ...] = ()
    steps: tuple[Step, ...] = ()
    flowchart: Flowchart | None = None
    control_points: tuple[ControlRule, ...] = ()
    forms_tools: tuple[FormTool, ...] = ()
    contingency: tuple[ContingencyPlan, ...] = ()
    history: tuple[ChangeRecord, ...] = ()

    def step(self, number: int) -> Step | None:
        return next((s for s in self.steps if s.number == number), None)

    def raci_roles(self) -> list[str]:
        """The RACI columns: the scope's roles, then any other role the matrix names."""
        roles = list(self.scope.roles)
        roles += [a.role for a in self.raci if a.role not in roles]
        return list(dict.fromkeys(roles))

    def raci_cell(self, step: int, role: str) -> str:
        """The letters of one cell, e.g. ``"A/R"`` or ``""``."""
        letters = sorted({a.letter for a in self.raci if a.step == step and a.role == role})
        return "/".join(letters)

    def bpmn(self) -> BpmnModel:
        """The flowchart as a :class:`BpmnModel`; without one, the steps in sequence."""
        if self.flowchart is not None:
            return self.flowchart.to_bpmn(name=self.name)
        return sequence_flowchart(self.steps, name=self.name).to_bpmn(name=self.name)


def sequence_flowchart(steps: tuple[Step, ...] | list[Step], *, name: str = "process") -> Flowchart:
    """A flowchart of the steps one after another, each in its department's lane.

    Example:
        >>> sequence_flowchart([Step(number=1, name="填写", department="运营部")]).lanes
        ('运营部',)
    """
    b = BpmnBuilder(name=name)
    ordered = sorted(steps, key=lambda s: s.number)
    first_lane = next((s.department for s in ordered if s.department), None)
    last = b.add("startEvent", "开始", first_lane)
    lane = first_lane
    for s in ordered:
        lane = s.department or lane
        task = b.add("task", s.name, lane)
        b.flow(last, task)
        last = task
    end = b.add("endEvent", "结束", lane)
    b.flow(last, end)
    return Flowchart.from_bpmn(b.build())


def load_sop(data: str | bytes | Mapping[str, Any], *, source: str = "SOP") -> Sop:
    """An SOP from JSON text or a parsed mapping.

    Raises:
        InputError: the JSON is malformed or a field is invalid; the message names
            the field path (``steps.2.name``) and what was expected.
    """
    try:
        if isinstance(data, Mapping):
            return Sop.model_validate(dict(data))
        return Sop.model_validate_json(data)
    except ValidationError as exc:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        first = problems[0]
        raise InputError(
            f"{source}: {first['field'] or 'document'}: {first['message']}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            message_zh=f"{source} 的字段 {first['field'] or '文档'} 无效：{first['message']}",
            errors=problems,  # type: ignore[arg-type]
        ) from None
