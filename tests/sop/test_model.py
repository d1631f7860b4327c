from __future__ import annotations

import json
from datetime import timedelta

import pytest

from opexflow.conformance import load_rules
from opexflow.demo.rules import fulfilment_rules
from opexflow.errors import InputError
from opexflow.sop import Sop, Step, load_sop, sequence_flowchart
from opexflow.sop.model import sentence


@pytest.mark.parametrize("name", ["v10", "v11", "orders"])
def test_json_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    sop: Sop = request.getfixturevalue(name)
    again = load_sop(sop.model_dump_json())
    assert again == sop
    assert load_sop(json.loads(sop.model_dump_json(exclude_defaults=True))) == sop


def test_control_points_are_the_conformance_rules(orders: Sop) -> None:
    # The same rules as the rules file `opexflow check` reads, whichever way they came in.
    assert [r.to_dict() for r in orders.control_points] == [
        r.to_dict() for r in load_rules(fulfilment_rules())
    ]
    bypass = orders.control_points[1]
    assert bypass.kind == "bypass"
    assert sentence(bypass, "zh") == (
        "紧急通道：当 加急 且 金额 ≥ 100,000 时，可由「运营负责人审批」代替「财务审批」，"
        "并须在「运营负责人审批」之后 24 小时内补办「财务审批」。"
    )


def test_durations_read_and_written_as_text(v11: Sop) -> None:
    review = v11.steps[1]
    assert review.time_limit == timedelta(minutes=5)
    assert review.time_limit_text("zh") == "5 分钟"
    assert json.loads(v11.model_dump_json())["steps"][1]["time_limit"] == "5m"
    plan = v11.contingency[0]
    assert (
        plan.text("zh")
        == "系统故障（CRM 或自动校验工具不可用） → 临时启用纸质《用户激活申请表》登记，人工核对 → 24 小时内补录系统"
    )


def test_raci_cells_and_roles(v11: Sop) -> None:
    assert v11.raci_roles()[:4] == ["运营专员", "运营主管", "技术工程师", "客服专员"]
    assert "用户" in v11.raci_roles()  # named by the matrix though not in the scope
    assert v11.raci_cell(2, "运营主管") == "A"
    assert v11.raci_cell(2, "客服专员") == ""


def test_invalid_fields_raise_input_error_naming_the_field() -> None:
    with pytest.raises(InputError, match=r"steps\.0\.number") as info:
        load_sop({"process_id": "X", "name": "x", "steps": [{"number": 0, "name": "a"}]})
    assert info.value.errors[0]["field"] == "steps.0.number"
    with pytest.raises(InputError, match=r"raci\.0\.letter"):
        load_sop(
            {"process_id": "X", "name": "x", "raci": [{"step": 1, "role": "r", "letter": "X"}]}
        )
    with pytest.raises(InputError, match="version"):
        load_sop({"process_id": "X", "name": "x", "version": "1.0"})
    with pytest.raises(InputError, match="control_points"):
        load_sop({"process_id": "X", "name": "x", "control_points": [{"id": "a"}]})
    with pytest.raises(InputError, match="SOP"):
        load_sop("{not json")


def test_sequence_flowchart_puts_steps_in_department_lanes() -> None:
    chart = sequence_flowchart(
        [Step(number=2, name="审核", department="运营部"), Step(number=1, name="填写")]
    )
    model = chart.to_bpmn()
    assert model.tasks == ["填写", "审核"]
    assert model.lanes == ("运营部",)
    assert [n.kind for n in model.nodes] == ["startEvent", "task", "task", "endEvent"]
    assert len(model.flows) == 3


def test_an_imported_diagram_is_kept() -> None:
    from pathlib import Path

    from opexflow.models import read_bpmn, to_xml
    from opexflow.sop import Flowchart

    path = Path(__file__).parents[2] / "../shared/datasets/models/receipt.bpmn"
    if not path.is_file():
        pytest.skip("shared BPMN models not available")
    model = read_bpmn(path)
    chart = Flowchart.model_validate_json(Flowchart.from_bpmn(model).model_dump_json())
    again = chart.to_bpmn()
    assert again.has_diagram()
    assert to_xml(again).count("<dc:Bounds") == to_xml(model).count("<dc:Bounds")
    assert again.diagram == model.diagram
