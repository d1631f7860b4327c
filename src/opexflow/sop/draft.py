"""A first SOP from the diagnosis, not from a blank page (issue 4 §4).

The as-is model gives the steps (Table 1: activity, department, role, minutes
per step, problems found), the scope (departments, roles) and the flowchart
(a discovered model's BPMN, or the steps in sequence); the Table 2 measures
are listed on the step they change, and the first measure with a quantified
target becomes the SOP's target. What the diagnosis cannot know — the A of
each step, control points, contingency plans — is left for the author, and
:func:`opexflow.sop.check_sop` lists it.

Example:
    >>> d = {"table1": [{"step": 1, "activity": "人工审核", "department": "运营部",
    ...                  "role": "运营专员", "minutes_per_step": 30.0,
    ...                  "problem_types": ["efficiency"], "description_zh": "等待长"}]}
    >>> m = Measure(goal="激活时长缩短至5分钟", measure="开发自动校验工具", step="人工审核",
    ...             kpi="激活时长", baseline=30, target=5, unit="分钟")
    >>> sop = draft_from_diagnosis(d, measures=[m], process="YH-LC01", name="用户注册激活流程")
    >>> sop.steps[0].measures, sop.target.text()
    (('开发自动校验工具',), '激活时长 30 → 5 分钟')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from opexflow.errors import InputError
from opexflow.models.bpmn import BpmnModel
from opexflow.sop.model import (
    Flowchart,
    RaciAssignment,
    Scope,
    Sop,
    Step,
    Target,
    Text,
    _Frozen,
    sequence_flowchart,
)

if TYPE_CHECKING:
    from opexflow.models.api import Model


class Measure(_Frozen):
    """A Table 2 row (优化方案设计表) as the draft reads it; ``step`` names the
    step (activity) it changes, if any."""

    goal: Text
    measure: Text
    problem: str = ""
    department: str = ""
    due: str = ""
    kpi: str = ""
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    step: str | None = None

    def text(self) -> str:
        extra = "，".join(x for x in (self.department, self.due) if x)
        return f"{self.measure}（{extra}）" if extra else self.measure


def draft_from_diagnosis(
    diagnosis: Mapping[str, Any],
    *,
    measures: Iterable[Measure | Mapping[str, Any]] = (),
    process: str,
    name: str | None = None,
    model: Model | BpmnModel | None = None,
) -> Sop:
    """A draft SOP (V1.0) from a diagnosis and the Table 2 measures.

    Args:
        diagnosis: the JSON object of ``opexflow diagnose --json`` (``Diagnosis.to_dict()``);
            its ``table1`` rows become the steps.
        measures: Table 2 rows (:class:`Measure` or mappings with its keys).
        process: the process ID (e.g. ``YH-LC01``).
        name: the process name (default: the ID).
        model: a discovered model (:func:`opexflow.models.discover`) or a BPMN model
            for the flowchart; default the steps in sequence, in department lanes.

    Raises:
        InputError: the diagnosis has no ``table1`` rows, or a measure is malformed.
    """
    rows = diagnosis.get("table1")
    if not isinstance(rows, list) or not rows:
        raise InputError(
            "the diagnosis has no 'table1' rows; pass the output of `opexflow diagnose --json`",
            message_zh="诊断结果中没有 table1（现状调研表）；请使用 `opexflow diagnose --json` 的输出",
        )
    table2 = [_measure(m, i) for i, m in enumerate(measures, start=1)]
    steps = [_step(r, i, table2) for i, r in enumerate(rows, start=1)]
    known = {s.name for s in steps}
    loose = [m for m in table2 if m.step not in known]
    purpose = "；".join(dict.fromkeys(m.goal for m in table2))
    if loose:
        purpose += (
            ("。" if purpose else "") + "待落实的优化措施：" + "；".join(m.text() for m in loose)
        )
    bpmn = model if isinstance(model, BpmnModel) or model is None else model.bpmn
    return Sop(
        process_id=process,
        name=name or process,
        purpose=purpose,
        target=next((_target(m) for m in table2 if _target(m) is not None), None),
        scope=Scope(
            departments=tuple(dict.fromkeys(s.department for s in steps if s.department)),
            roles=tuple(
                dict.fromkeys(s.role or s.department for s in steps if s.role or s.department)
            ),
        ),
        # The one who does a step is its first R; without a role column, its department.
        raci=tuple(
            RaciAssignment(step=s.number, role=s.role or s.department, letter="R")
            for s in steps
            if s.role or s.department
        ),
        steps=tuple(steps),
        flowchart=Flowchart.from_bpmn(bpmn)
        if bpmn is not None
        else sequence_flowchart(steps, name=name or process),
    )


def _measure(m: Measure | Mapping[str, Any], index: int) -> Measure:
    if isinstance(m, Measure):
        return m
    try:
        return Measure.model_validate(dict(m))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(
            f"measure #{index}: {where}: {err['msg']}; a measure needs goal and measure",
            message_zh=f"第 {index} 条优化措施的 {where} 无效：{err['msg']}",
        ) from None


def _step(row: Mapping[str, Any], index: int, table2: list[Measure]) -> Step:
    activity = str(row.get("activity") or "").strip()
    if not activity:
        raise InputError(
            f"table1 row {index} has no activity",
            message_zh=f"table1 第 {index} 行没有环节名称",
        )
    minutes = row.get("minutes_per_step")
    return Step(
        number=int(row.get("step") or index),
        name=activity,
        role=str(row.get("role") or ""),
        department=str(row.get("department") or ""),
        measures=tuple(m.text() for m in table2 if m.step == activity),
        as_is_minutes=float(minutes) if isinstance(minutes, int | float) else None,
        as_is_problems=str(row.get("description_zh") or ""),
    )


def _target(m: Measure) -> Target | None:
    if not m.kpi or m.baseline is None or m.target is None:
        return None
    return Target(kpi=m.kpi, baseline=m.baseline, target=m.target, unit=m.unit)
