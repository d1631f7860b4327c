"""Checks before review: what must hold before an SOP goes to 会签.

- every step has exactly one A and at least one R in the RACI (seed §四.2:
  "都管=都不管"); RACI cells name existing steps; no cell repeats a letter;
- every control point names existing steps (activities);
- the target KPI is in the metric dictionary (when one is given);
- no required section is empty (purpose, target, scope, steps, RACI,
  control points, contingency plans); step numbers are unique;
- the flowchart is a well-formed BPMN process (start and end events, flows
  between existing nodes) whose tasks are the steps.

Each :class:`Issue` says where (section, step number, role, rule id) in
Chinese and English.

Example:
    >>> from opexflow.sop.model import Sop, Step
    >>> sop = Sop(process_id="X", name="x", steps=[Step(number=1, name="审核")])
    >>> [i.code for i in check_sop(sop) if i.step == 1]
    ['raci_no_a', 'raci_no_r']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from opexflow.errors import InputError
from opexflow.models.bpmn import bpmn_to_net
from opexflow.sop.model import Lang, Sop


@dataclass(frozen=True, slots=True)
class Issue:
    """One failed check, with where it is."""

    code: str
    section: str
    message_zh: str
    message_en: str
    step: int | None = None
    role: str | None = None
    rule: str | None = None

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


REQUIRED_SECTIONS: dict[str, tuple[str, str]] = {
    "purpose": ("流程目的", "purpose"),
    "target": ("量化目标", "quantified target"),
    "scope": ("适用范围", "scope"),
    "steps": ("详细步骤", "detailed steps"),
    "raci": ("职责分工（RACI）", "RACI matrix"),
    "control_points": ("关键控制点", "control points"),
    "contingency": ("应急方案", "contingency plans"),
}


def check_sop(sop: Sop, *, metrics: Collection[str] | None = None) -> list[Issue]:
    """Every problem that blocks review, in document order; empty when ready.

    Args:
        sop: the SOP.
        metrics: the metric dictionary's KPI names (a set, or a mapping by name);
            ``None`` skips the KPI check.

    Example:
        >>> from opexflow.demo.sops import activation_sop   # doctest: +SKIP
        >>> check_sop(activation_sop(), metrics={"激活时长"})  # doctest: +SKIP
        []
    """
    return [
        *_empty_sections(sop),
        *_kpi(sop, metrics),
        *_step_numbers(sop),
        *_raci(sop),
        *_control_points(sop),
        *_flowchart(sop),
    ]


def _empty_sections(sop: Sop) -> Iterator[Issue]:
    filled = {
        "purpose": bool(sop.purpose.strip()),
        "target": sop.target is not None,
        "scope": bool(sop.scope.scenarios or sop.scope.departments or sop.scope.roles),
        "steps": bool(sop.steps),
        "raci": bool(sop.raci),
        "control_points": bool(sop.control_points),
        "contingency": bool(sop.contingency),
    }
    for key, ok in filled.items():
        if not ok:
            zh, en = REQUIRED_SECTIONS[key]
            yield Issue(
                "section_empty",
                key,
                f"「{zh}」一节为空，请填写后再提交评审",
                f"the section '{en}' is empty; fill it in before review",
            )


def _kpi(sop: Sop, metrics: Collection[str] | None) -> Iterator[Issue]:
    if metrics is None or sop.target is None or sop.target.kpi in metrics:
        return
    known = "、".join(sorted(metrics)[:10]) or "（空）"
    known_en = ", ".join(sorted(metrics)[:10]) or "(empty)"
    yield Issue(
        "kpi_unknown",
        "target",
        f"目标指标「{sop.target.kpi}」不在指标字典中（字典中有：{known}）；请使用字典中的指标或先在字典中定义它",
        f"the target KPI '{sop.target.kpi}' is not in the metric dictionary (it has: {known_en}); "
        "use one of those or define it there first",
    )


def _step_numbers(sop: Sop) -> Iterator[Issue]:
    for number, n in sorted(Counter(s.number for s in sop.steps).items()):
        if n > 1:
            yield Issue(
                "step_number_repeated",
                "steps",
                f"步骤编号 {number} 出现了 {n} 次；每个步骤须有唯一编号",
                f"step number {number} is used {n} times; number each step once",
                step=number,
            )
    for name, n in sorted(Counter(s.name for s in sop.steps).items()):
        if n > 1:
            yield Issue(
                "step_name_repeated",
                "steps",
                f"步骤名称「{name}」出现了 {n} 次；控制点和流程图按名称引用步骤，名称须唯一",
                f"step name '{name}' is used {n} times; control points and the flowchart refer "
                "to steps by name, so names must be unique",
            )


def _raci(sop: Sop) -> Iterator[Issue]:
    numbers = {s.number for s in sop.steps}
    for a in sop.raci:
        if a.step not in numbers:
            yield Issue(
                "raci_unknown_step",
                "raci",
                f"RACI 中角色「{a.role}」的 {a.letter} 指向不存在的步骤 {a.step}",
                f"the RACI gives role '{a.role}' {a.letter} on step {a.step}, which does not exist",
                step=a.step,
                role=a.role,
            )
    cells = Counter((a.step, a.role, a.letter) for a in sop.raci)
    for (step, role, letter), n in sorted(cells.items()):
        if n > 1:
            yield Issue(
                "raci_repeated",
                "raci",
                f"步骤 {step} 的角色「{role}」重复填写了 {letter}",
                f"step {step}: role '{role}' has {letter} more than once",
                step=step,
                role=role,
            )
    for s in sorted(sop.steps, key=lambda s: s.number):
        yield from _raci_step(sop, s.number, s.name)


def _raci_step(sop: Sop, number: int, name: str) -> Iterator[Issue]:
    roles = {
        letter: sorted({a.role for a in sop.raci if a.step == number and a.letter == letter})
        for letter in "AR"
    }
    accountable = roles["A"]
    if not accountable:
        yield Issue(
            "raci_no_a",
            "raci",
            f"步骤 {number}「{name}」没有批准人（A）；每个步骤须有且仅有一个 A",
            f"step {number} '{name}' has no accountable role (A); give it exactly one",
            step=number,
        )
    elif len(accountable) > 1:
        who = "、".join(accountable)
        yield Issue(
            "raci_many_a",
            "raci",
            f"步骤 {number}「{name}」有 {len(accountable)} 个批准人（A：{who}）；只能有一个",
            f"step {number} '{name}' has {len(accountable)} accountable roles "
            f"(A: {', '.join(accountable)}); keep exactly one",
            step=number,
            role=accountable[1],
        )
    if not roles["R"]:
        yield Issue(
            "raci_no_r",
            "raci",
            f"步骤 {number}「{name}」没有负责人（R）；至少指定一个 R",
            f"step {number} '{name}' has no responsible role (R); name at least one",
            step=number,
        )


def _control_points(sop: Sop) -> Iterator[Issue]:
    names = {s.name for s in sop.steps}
    for rule in sop.control_points:
        for activity in rule.activities:
            if activity not in names:
                listed = "、".join(sorted(names)) or "（无步骤）"
                yield Issue(
                    "control_unknown_step",
                    "control_points",
                    f"控制点「{rule.id}」引用的活动「{activity}」不是本 SOP 的步骤（步骤有：{listed}）",
                    f"control point '{rule.id}' names '{activity}', which is not a step of this "
                    f"SOP (steps: {', '.join(sorted(names)) or 'none'})",
                    rule=rule.id,
                )


def _flowchart(sop: Sop) -> Iterator[Issue]:
    if sop.flowchart is None:
        return
    try:
        bpmn_to_net(sop.bpmn())
    except InputError as exc:
        yield Issue(
            "flowchart_invalid",
            "flowchart",
            f"流程图不是可执行的 BPMN 流程：{exc}",
            f"the flowchart is not a well-formed BPMN process: {exc}",
        )
    names = {s.name for s in sop.steps}
    for node in sop.flowchart.nodes:
        if node.kind == "task" and node.name not in names:
            yield Issue(
                "flowchart_unknown_step",
                "flowchart",
                f"流程图中的任务「{node.name}」（{node.id}）不是本 SOP 的步骤",
                f"the flowchart task '{node.name}' ({node.id}) is not a step of this SOP",
            )
    tasks = {n.name for n in sop.flowchart.nodes if n.kind == "task"}
    for s in sop.steps:
        if s.name not in tasks:
            yield Issue(
                "step_not_in_flowchart",
                "flowchart",
                f"步骤 {s.number}「{s.name}」不在流程图中",
                f"step {s.number} '{s.name}' is not in the flowchart",
                step=s.number,
            )
