from __future__ import annotations

import pytest

from opexflow.demo.sops import DEMO_METRICS
from opexflow.sop import Issue, RaciAssignment, Sop, check_sop


@pytest.mark.parametrize("name", ["v10", "v11", "orders"])
def test_demo_sops_are_ready_for_review(name: str, request: pytest.FixtureRequest) -> None:
    assert check_sop(request.getfixturevalue(name), metrics=DEMO_METRICS) == []


def _only(issues: list[Issue], code: str) -> Issue:
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, [i.code for i in issues]
    return found[0]


def test_raci_needs_exactly_one_a_and_an_r(v10: Sop) -> None:
    raci = [a for a in v10.raci if not (a.step == 2 and a.letter in "AR")]
    raci += [
        RaciAssignment(step=3, role="技术工程师", letter="A"),  # step 3 gets a second A
    ]
    issues = check_sop(v10.model_copy(update={"raci": tuple(raci)}))
    no_a = _only(issues, "raci_no_a")
    assert (no_a.section, no_a.step) == ("raci", 2)
    assert "步骤 2「人工审核」没有批准人（A）" in no_a.message_zh
    assert "step 2 '人工审核' has no accountable role (A)" in no_a.message_en
    no_r = _only(issues, "raci_no_r")
    assert no_r.step == 2
    many = _only(issues, "raci_many_a")
    assert (many.step, many.role) == (3, "运营主管")
    assert "技术工程师、运营主管" in many.message_zh


def test_raci_cell_on_a_missing_step_and_a_repeated_letter(v10: Sop) -> None:
    extra = (
        RaciAssignment(step=9, role="运营专员", letter="I"),
        RaciAssignment(step=1, role="运营主管", letter="A"),
    )
    issues = check_sop(v10.model_copy(update={"raci": (*v10.raci, *extra)}))
    unknown = _only(issues, "raci_unknown_step")
    assert (unknown.step, unknown.role) == (9, "运营专员")
    repeated = _only(issues, "raci_repeated")
    assert (repeated.step, repeated.role) == (1, "运营主管")


def test_control_point_names_a_missing_step(orders: Sop) -> None:
    steps = tuple(s for s in orders.steps if s.name != "发货")
    issues = check_sop(orders.model_copy(update={"steps": steps}))
    bad = _only(issues, "control_unknown_step")
    assert bad.rule == "finance-approval" and bad.section == "control_points"
    assert "「发货」" in bad.message_zh and "'发货'" in bad.message_en
    # The flowchart still draws 发货, and RACI row 6 now points nowhere.
    assert _only(issues, "flowchart_unknown_step").section == "flowchart"
    assert {i.step for i in issues if i.code == "raci_unknown_step"} == {6}


def test_target_kpi_must_be_in_the_dictionary(v10: Sop) -> None:
    issue = _only(check_sop(v10, metrics={"错误率", "满意度"}), "kpi_unknown")
    assert issue.section == "target"
    assert "「激活时长」不在指标字典中" in issue.message_zh
    assert "错误率" in issue.message_zh
    assert check_sop(v10, metrics={"激活时长": {"unit": "分钟"}}) == []
    assert check_sop(v10) == []  # no dictionary, no KPI check


def test_empty_required_sections_are_named() -> None:
    issues = check_sop(Sop(process_id="X", name="x"))
    assert [i.section for i in issues if i.code == "section_empty"] == [
        "purpose",
        "target",
        "scope",
        "steps",
        "raci",
        "control_points",
        "contingency",
    ]
    assert issues[0].message("en") == "the section 'purpose' is empty; fill it in before review"
    assert issues[0].message("zh") == "「流程目的」一节为空，请填写后再提交评审"


def test_step_numbers_and_names_unique(v10: Sop) -> None:
    dup = v10.steps[1].model_copy(update={"number": 1})
    issues = check_sop(v10.model_copy(update={"steps": (v10.steps[0], dup, *v10.steps[2:])}))
    assert _only(issues, "step_number_repeated").step == 1


def test_flowchart_must_be_a_bpmn_process(v10: Sop) -> None:
    assert v10.flowchart is not None
    nodes = tuple(n for n in v10.flowchart.nodes if n.kind != "endEvent")
    chart = v10.flowchart.model_copy(update={"nodes": nodes})
    issue = _only(check_sop(v10.model_copy(update={"flowchart": chart})), "flowchart_invalid")
    assert issue.section == "flowchart"
    assert "流程图不是可执行的 BPMN 流程" in issue.message_zh
