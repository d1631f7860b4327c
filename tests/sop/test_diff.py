from __future__ import annotations

from datetime import timedelta

from opexflow.sop import RaciAssignment, Sop, diff


def test_same_content_no_changes(v11: Sop) -> None:
    d = diff(v11, v11)
    assert d.empty
    assert d.text("en") == "Changes from V1.1 to V1.1\nThe two versions have the same content."


def test_v11_adds_the_sms_step(v10: Sop, v11: Sop) -> None:
    d = diff(v10, v11)
    assert (d.version_a, d.version_b) == ("V1.0", "V1.1")
    assert d.steps_added == ("重发短信",) and d.steps_removed == ()
    # 激活完成 moved from 7 to 8: a changed number, not a removed and an added step.
    [moved] = d.steps_changed
    assert moved.name == "激活完成"
    assert [(c.field, c.old, c.new) for c in moved.changes] == [("number", 7, 8)]
    assert {(c.step, c.role, c.old, c.new) for c in d.raci} == {
        ("重发短信", "技术工程师", "", "R"),
        ("重发短信", "运营主管", "", "A"),
        ("重发短信", "客服专员", "", "C"),
    }
    [rule] = d.control_points
    assert (rule.id, rule.change) == ("sms-resend", "added")
    assert rule.new_zh == "「重发短信」必须在「发送短信」之后 5 分钟内完成。"
    fields = {c.field for c in d.sections}
    assert fields == {"effective_on", "history"}
    assert "~ 修订记录: V1.0 → V1.0, V1.1" in d.text("zh").splitlines()
    nodes = {(e.key, e.change) for e in d.flowchart if e.element == "node"}
    assert ("task:重发短信", "added") in nodes and ("exclusiveGateway:送达?", "added") in nodes
    flows = {(e.key, e.change) for e in d.flowchart if e.element == "flow"}
    assert ("task:发送短信 → task:激活完成", "removed") in flows
    assert ("exclusiveGateway:送达? → task:重发短信", "added") in flows


def test_changed_fields_raci_cells_and_rules(orders: Sop) -> None:
    steps = list(orders.steps)
    steps[2] = steps[2].model_copy(update={"time_limit": timedelta(hours=2), "role": "财务经理"})
    raci = [a for a in orders.raci if not (a.step == 3 and a.letter == "R")]
    raci.append(RaciAssignment(step=3, role="财务经理", letter="R"))
    rules = [orders.control_points[0].to_dict() | {"when": "金额 >= 20000"}]  # bypass removed
    rules.append({"id": "four-eyes", "four_eyes": ["财务审批", "发货"]})
    nodes = tuple(
        n.model_copy(update={"lane": "运营部"}) if n.name == "拣货" else n
        for n in orders.flowchart.nodes  # type: ignore[union-attr]
    )
    chart = orders.flowchart.model_copy(update={"nodes": nodes})  # type: ignore[union-attr]
    b = Sop.model_validate(
        orders.model_dump()
        | {
            "version": "V2.0",
            "steps": steps,
            "raci": raci,
            "control_points": rules,
            "flowchart": chart,
            "purpose": "新的目的",
        }
    )
    d = diff(orders, b)
    [step] = d.steps_changed
    assert step.name == "财务审批"
    assert {(c.field, c.old, c.new) for c in step.changes} == {
        ("time_limit", "4h", "2h"),
        ("role", "财务负责人", "财务经理"),
    }
    assert {(c.step, c.role, c.old, c.new) for c in d.raci} == {
        ("财务审批", "财务负责人", "R", ""),
        ("财务审批", "财务经理", "", "R"),
    }
    changes = {r.id: r for r in d.control_points}
    assert changes["urgent-bypass"].change == "removed"
    assert changes["four-eyes"].change == "added"
    assert changes["finance-approval"].change == "changed"
    assert "10,000" in changes["finance-approval"].old_zh
    assert "20,000" in changes["finance-approval"].new_zh
    assert [(e.key, e.change, e.detail) for e in d.flowchart] == [
        ("task:拣货", "changed", "lane: '仓储部' → '运营部'")
    ]
    assert [c.field for c in d.sections] == ["purpose"]
    text = d.text("zh").splitlines()
    assert "~ 财务审批 · 时限: 4h → 2h" in text
    assert "~ 财务审批 × 财务经理: （空） → R" in text
    assert "- 删除 urgent-bypass: " + changes["urgent-bypass"].old_zh in text
    assert "~ 修改 节点 task:拣货 (lane: '仓储部' → '运营部')" in text
    assert d.to_dict()["empty"] is False


def test_a_moved_shape_is_a_layout_change(v10: Sop) -> None:
    from dataclasses import replace

    from opexflow.models.layout import layout
    from opexflow.sop import Flowchart

    drawn = Flowchart.from_bpmn(replace(v10.bpmn(), diagram=layout(v10.bpmn())))
    assert drawn.diagram is not None
    shapes = dict(drawn.diagram.shapes)
    x, y, w, h = shapes["Task_1"]
    diagram = drawn.diagram.model_copy(update={"shapes": shapes | {"Task_1": (x + 40, y, w, h)}})
    a = v10.model_copy(update={"flowchart": drawn})
    b = v10.model_copy(update={"flowchart": drawn.model_copy(update={"diagram": diagram})})
    assert [(e.element, e.change) for e in diff(a, b).flowchart] == [("diagram", "changed")]
    assert "~ 修改 布局 diagram (layout)" in diff(a, b).text("zh").splitlines()
