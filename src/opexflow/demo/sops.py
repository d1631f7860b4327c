"""The demo SOPs: the seed's two processes written as standard procedures.

- 用户注册激活流程 (YH-LC01): :func:`activation_sop` V1.0 (automatic check of
  the 3 systems; 激活时长 30 → 5 分钟) and V1.1 (the pilot fix of the seed's
  Table 4: a step for the SMS channel, because users did not receive codes);
- 订单履约流程 (DD-LC01): :func:`fulfilment_sop` with the finance-approval and
  urgent-bypass control points of :func:`opexflow.demo.fulfilment_rules`.

Step names are the activity names of the demo logs, so the control points can
be checked on them (``opexflow check``).

Example:
    >>> from opexflow.sop import check_sop
    >>> check_sop(activation_sop("V1.1"), metrics=DEMO_METRICS)
    []
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from opexflow.conformance import load_rules
from opexflow.demo import names as nm
from opexflow.demo.planted import BACKFILL_HOURS
from opexflow.demo.rules import fulfilment_rules
from opexflow.models.bpmn import BpmnBuilder
from opexflow.sop.model import (
    ChangeRecord,
    ContingencyPlan,
    Flowchart,
    FormTool,
    RaciAssignment,
    RaciLetter,
    Scope,
    Sop,
    Step,
    Target,
)

DEMO_METRICS: Final = frozenset({"激活时长", "激活错误率", "财务审批等待时长", "订单履约时长"})
"""The metric dictionary the demo SOPs' targets come from."""

OPS_CLERK: Final = "运营专员"
OPS_LEAD: Final = "运营主管"
ENGINEER: Final = "技术工程师"
CS_AGENT: Final = "客服专员"
SALES_REP: Final = "销售专员"
WAREHOUSE_CLERK: Final = "仓储专员"
FINANCE_LEAD: Final = "财务负责人"
OPS_HEAD: Final = "运营负责人"

_V10: Final = ChangeRecord(
    process_id=nm.ACTIVATION_PROCESS_ID,
    name=nm.ACTIVATION_PROCESS_NAME,
    version="V1.0",
    effective_on=date(2024, 4, 8),
    summary="首次发布：审核环节接入自动校验工具，明确 RACI 与应急方案",
    editor="王经理",
    reviewer="李总监",
    remarks="A运营团队试点",
)
_V11: Final = ChangeRecord(
    process_id=nm.ACTIVATION_PROCESS_ID,
    name=nm.ACTIVATION_PROCESS_NAME,
    version="V1.1",
    effective_on=date(2024, 5, 6),
    summary="新增短信通道优化步骤",
    editor="王经理",
    reviewer="李总监",
    remarks="解决验证码接收问题",
)


def _activation_steps(version: str) -> list[Step]:
    steps = [
        Step(
            number=1,
            name=nm.FILL_IN,
            role="用户",
            department=nm.OPERATIONS,
            input="手机号、身份信息",
            output="激活申请",
            guidance="用户在注册页填写信息；系统强制校验必填项与手机号格式",
            system_path="App／小程序／官网 > 注册",
        ),
        Step(
            number=2,
            name=nm.REVIEW,
            role=OPS_CLERK,
            department=nm.OPERATIONS,
            input="激活申请",
            output="审核结论（通过／补充资料）",
            guidance="自动校验工具同时核对 3 个系统的数据；只有校验报异常的申请由运营专员人工复核",
            system_path="CRM > 激活审核 > 待审核",
            time_limit="5m",
            measures=("开发自动校验工具，对接 3 个系统数据（技术部）",),
        ),
        Step(
            number=3,
            name=nm.TECH_CHECK,
            role=ENGINEER,
            department=nm.TECHNOLOGY,
            input="校验异常的申请",
            output="核查结论",
            guidance="仅在自动校验报系统数据不一致时，由固定对接工程师核查，不再来回转交",
            system_path="工单系统 > 技术核查",
            time_limit="30m",
            measures=("指定技术部固定对接人（跨部门对接无固定人）",),
        ),
        Step(
            number=4,
            name=nm.SUPPLEMENT,
            role=CS_AGENT,
            department=nm.CUSTOMER_SERVICE,
            input="需补充的材料清单",
            output="补充后的申请",
            guidance="客服一次性告知用户全部缺失材料，用户补充后回到人工审核",
            system_path="CRM > 客户沟通",
            time_limit="24h",
        ),
        Step(
            number=5,
            name=nm.ACTIVATE,
            role="系统",
            department=nm.TECHNOLOGY,
            input="审核通过的申请",
            output="已激活账号",
            guidance="审核通过后系统自动激活账号",
            system_path="账号中心（自动）",
            time_limit="1m",
        ),
        Step(
            number=6,
            name=nm.SEND_SMS,
            role="系统",
            department=nm.TECHNOLOGY,
            input="已激活账号",
            output="激活短信",
            guidance="系统自动发送激活短信",
            system_path="短信平台（自动）",
            time_limit="1m",
        ),
        Step(
            number=7,
            name=nm.ACTIVATED,
            role=OPS_CLERK,
            department=nm.OPERATIONS,
            input="短信送达回执",
            output="激活完成记录",
            guidance="确认短信送达后关闭工单",
            system_path="CRM > 工单 > 关闭",
        ),
    ]
    if version == "V1.1":
        resend = Step(
            number=7,
            name=nm.RESEND_SMS,
            role="系统",
            department=nm.TECHNOLOGY,
            input="短信发送失败回执",
            output="备用通道短信",
            guidance="短信发送失败时自动切换备用短信通道重发；仍失败则转客服电话告知",
            system_path="短信平台 > 通道配置 > 备用通道",
            time_limit="5m",
            measures=("短信通道优化：接入备用短信通道（技术部）",),
        )
        steps = [*steps[:6], resend, steps[6].model_copy(update={"number": 8})]
    return steps


def _activation_raci(steps: list[Step]) -> list[RaciAssignment]:
    letters: dict[str, dict[str, RaciLetter]] = {
        nm.FILL_IN: {"用户": "R", OPS_LEAD: "A", CS_AGENT: "C"},
        nm.REVIEW: {OPS_CLERK: "R", OPS_LEAD: "A", ENGINEER: "C"},
        nm.TECH_CHECK: {ENGINEER: "R", OPS_LEAD: "A", OPS_CLERK: "I"},
        nm.SUPPLEMENT: {CS_AGENT: "R", OPS_LEAD: "A", OPS_CLERK: "I"},
        nm.ACTIVATE: {ENGINEER: "R", OPS_LEAD: "A", OPS_CLERK: "I"},
        nm.SEND_SMS: {ENGINEER: "R", OPS_LEAD: "A", CS_AGENT: "I"},
        nm.RESEND_SMS: {ENGINEER: "R", OPS_LEAD: "A", CS_AGENT: "C"},
        nm.ACTIVATED: {OPS_CLERK: "R", OPS_LEAD: "A"},
    }
    return [
        RaciAssignment(step=s.number, role=role, letter=letter)
        for s in steps
        for role, letter in letters[s.name].items()
    ]


def activation_sop(version: Literal["V1.0", "V1.1"] = "V1.0") -> Sop:
    """用户注册激活流程 (YH-LC01) as an SOP, V1.0 or V1.1 (with the SMS-channel step)."""
    steps = _activation_steps(version)
    rules: list[dict[str, object]] = [
        {
            "id": "review-before-activation",
            "order": [nm.REVIEW, nm.ACTIVATE],
            "description": "未经审核不得激活账号",
        },
        {
            "id": "activation-time",
            "within": {"from": nm.FILL_IN, "to": nm.ACTIVATED, "max": "5m"},
            "description": "激活时长目标 5 分钟",
        },
    ]
    if version == "V1.1":
        rules.append(
            {
                "id": "sms-resend",
                "within": {"from": nm.SEND_SMS, "to": nm.RESEND_SMS, "max": "5m"},
                "description": "短信发送失败后 5 分钟内经备用通道重发",
            }
        )
    return Sop(
        process_id=nm.ACTIVATION_PROCESS_ID,
        name=nm.ACTIVATION_PROCESS_NAME,
        version=version,
        document_no=f"SOP-{nm.ACTIVATION_PROCESS_ID}",
        effective_on=(_V11 if version == "V1.1" else _V10).effective_on,
        editor="王经理",
        reviewer="李总监",
        approver="赵总（运营负责人）",
        purpose="规范用户注册激活的审核与激活操作，消除手动核对 3 个系统和跨部门来回转交，缩短激活时长、降低错误率。",
        target=Target(kpi="激活时长", baseline=30, target=5, unit="分钟"),
        scope=Scope(
            scenarios=("新用户通过 App、小程序、官网注册并激活账号",),
            departments=(nm.OPERATIONS, nm.TECHNOLOGY, nm.CUSTOMER_SERVICE),
            roles=(OPS_CLERK, OPS_LEAD, ENGINEER, CS_AGENT),
        ),
        raci=_activation_raci(steps),
        steps=steps,
        flowchart=_activation_flowchart(steps),
        control_points=rules,
        forms_tools=(
            FormTool(kind="form", name="《用户激活申请表》", description="系统故障时的纸质登记表"),
            FormTool(kind="tool", name="CRM 系统", description="审核、工单与客户沟通"),
            FormTool(kind="tool", name="自动校验工具", description="对接 3 个系统数据，自动核对"),
        ),
        contingency=(
            ContingencyPlan(
                trigger="系统故障（CRM 或自动校验工具不可用）",
                procedure="临时启用纸质《用户激活申请表》登记，人工核对",
                recovery="补录系统",
                recovery_within="24h",
                owner=OPS_LEAD,
            ),
            ContingencyPlan(
                trigger="短信平台故障",
                procedure="客服电话通知用户激活结果",
                recovery="通道恢复后补发短信",
                recovery_within="2h",
                owner=CS_AGENT,
            ),
        ),
        history=(_V10, _V11) if version == "V1.1" else (_V10,),
    )


def _activation_flowchart(steps: list[Step]) -> Flowchart:
    """Fill in → review → (technical check | more information → review) → activate → SMS."""
    by = {s.name: s for s in steps}
    b = BpmnBuilder(name=nm.ACTIVATION_PROCESS_NAME)

    def task(name: str) -> str:
        return b.add("task", name, by[name].department)

    start = b.add("startEvent", "开始", nm.OPERATIONS)
    fill, review = task(nm.FILL_IN), task(nm.REVIEW)
    choice = b.add("exclusiveGateway", "校验结果?", nm.OPERATIONS)
    tech, more = task(nm.TECH_CHECK), task(nm.SUPPLEMENT)
    activate, sms = task(nm.ACTIVATE), task(nm.SEND_SMS)
    b.flow(start, fill)
    b.flow(fill, review)
    b.flow(review, choice)
    b.flow(choice, activate, "通过")
    b.flow(choice, tech, "系统数据异常")
    b.flow(choice, more, "缺材料")
    b.flow(tech, review)
    b.flow(more, review)
    b.flow(activate, sms)
    last = sms
    if nm.RESEND_SMS in by:
        sent = b.add("exclusiveGateway", "送达?", nm.TECHNOLOGY)
        resend = task(nm.RESEND_SMS)
        b.flow(sms, sent)
        b.flow(sent, resend, "失败")
        join = b.add("exclusiveGateway", "", nm.TECHNOLOGY)
        b.flow(sent, join, "已送达")
        b.flow(resend, join)
        last = join
    done = task(nm.ACTIVATED)
    b.flow(last, done)
    b.flow(done, b.add("endEvent", "结束", nm.OPERATIONS))
    return Flowchart.from_bpmn(b.build())


def fulfilment_sop() -> Sop:
    """订单履约流程 (DD-LC01) V1.0 with the finance-approval and urgent-bypass control points."""
    steps = [
        Step(
            number=1,
            name=nm.CREATE_ORDER,
            role=SALES_REP,
            department=nm.SALES,
            input="客户订单",
            output="订单记录",
            guidance="录入订单，金额与加急标识必填",
            system_path="ERP > 销售 > 新建订单",
            time_limit="1h",
        ),
        Step(
            number=2,
            name=nm.CHECK_STOCK,
            role=WAREHOUSE_CLERK,
            department=nm.WAREHOUSE,
            input="订单记录",
            output="库存确认",
            guidance="确认可用库存；缺货时通知销售",
            system_path="WMS > 库存查询",
            time_limit="2h",
        ),
        Step(
            number=3,
            name=nm.FINANCE_APPROVAL,
            role=FINANCE_LEAD,
            department=nm.FINANCE,
            input="金额 ≥ 10,000 的订单",
            output="审批结论",
            guidance="财务负责人在系统中在线审批，不再线下签字",
            system_path="OA > 审批 > 订单审批",
            time_limit="4h",
            measures=("取消线下签字，改为 OA 在线审批（财务部）",),
        ),
        Step(
            number=4,
            name=nm.LEAD_APPROVAL,
            role=OPS_HEAD,
            department=nm.OPERATIONS,
            input="加急且金额 ≥ 100,000 的订单",
            output="紧急审批结论",
            guidance="紧急通道：运营负责人直接审批，财务审批 24 小时内补办",
            system_path="OA > 审批 > 紧急订单",
            time_limit="1h",
        ),
        Step(
            number=5,
            name=nm.PICK,
            role=WAREHOUSE_CLERK,
            department=nm.WAREHOUSE,
            input="已审批订单",
            output="拣货单",
            system_path="WMS > 拣货",
            time_limit="4h",
        ),
        Step(
            number=6,
            name=nm.SHIP,
            role=WAREHOUSE_CLERK,
            department=nm.WAREHOUSE,
            input="拣货单",
            output="发货单与运单号",
            system_path="WMS > 发货",
            time_limit="4h",
        ),
        Step(
            number=7,
            name=nm.RECEIVED,
            role=SALES_REP,
            department=nm.SALES,
            input="运单号",
            output="签收记录",
            guidance="跟踪物流至客户签收",
            system_path="ERP > 订单 > 签收确认",
        ),
    ]
    accountable = {
        nm.CREATE_ORDER: SALES_REP,
        nm.CHECK_STOCK: WAREHOUSE_CLERK,
        nm.FINANCE_APPROVAL: FINANCE_LEAD,
        nm.LEAD_APPROVAL: OPS_HEAD,
        nm.PICK: WAREHOUSE_CLERK,
        nm.SHIP: WAREHOUSE_CLERK,
        nm.RECEIVED: SALES_REP,
    }
    raci = []
    for s in steps:
        raci.append(RaciAssignment(step=s.number, role=s.role, letter="R"))
        lead = OPS_HEAD if accountable[s.name] != OPS_HEAD else "总经理"
        raci.append(RaciAssignment(step=s.number, role=lead, letter="A"))
        if s.name in (nm.FINANCE_APPROVAL, nm.LEAD_APPROVAL):
            raci.append(RaciAssignment(step=s.number, role=SALES_REP, letter="I"))
    return Sop(
        process_id=nm.FULFILMENT_PROCESS_ID,
        name=nm.FULFILMENT_PROCESS_NAME,
        version="V1.0",
        document_no=f"SOP-{nm.FULFILMENT_PROCESS_ID}",
        effective_on=date(2024, 4, 8),
        editor="陈经理",
        reviewer="周总监",
        approver="赵总（运营负责人）",
        purpose="规范订单从创建到签收的处理，财务审批改为在线审批以缩短等待，同时守住金额审批和紧急通道的风险控制点。",
        target=Target(kpi="财务审批等待时长", baseline=25, target=4, unit="小时"),
        scope=Scope(
            scenarios=("客户订单的创建、审批、拣货、发货与签收", "加急大额订单的紧急通道"),
            departments=(nm.SALES, nm.WAREHOUSE, nm.FINANCE, nm.OPERATIONS),
            roles=(SALES_REP, WAREHOUSE_CLERK, FINANCE_LEAD, OPS_HEAD, "总经理"),
        ),
        raci=raci,
        steps=steps,
        flowchart=_fulfilment_flowchart(),
        control_points=tuple(load_rules(fulfilment_rules())),
        forms_tools=(
            FormTool(kind="form", name="《紧急订单审批单》", description="紧急通道审批记录"),
            FormTool(kind="tool", name="ERP 系统"),
            FormTool(kind="tool", name="WMS 仓储系统"),
            FormTool(kind="tool", name="OA 审批"),
        ),
        contingency=(
            ContingencyPlan(
                trigger="OA 审批系统故障",
                procedure="财务负责人书面签批《订单审批单》",
                recovery="在 OA 中补录审批",
                recovery_within=f"{BACKFILL_HOURS}h",
                owner=FINANCE_LEAD,
            ),
        ),
        history=(
            ChangeRecord(
                process_id=nm.FULFILMENT_PROCESS_ID,
                name=nm.FULFILMENT_PROCESS_NAME,
                version="V1.0",
                effective_on=date(2024, 4, 8),
                summary="首次发布",
                editor="陈经理",
                reviewer="周总监",
            ),
        ),
    )


def _fulfilment_flowchart() -> Flowchart:
    b = BpmnBuilder(name=nm.FULFILMENT_PROCESS_NAME)
    start = b.add("startEvent", "开始", nm.SALES)
    create = b.add("task", nm.CREATE_ORDER, nm.SALES)
    stock = b.add("task", nm.CHECK_STOCK, nm.WAREHOUSE)
    split = b.add("exclusiveGateway", "金额与加急?", nm.WAREHOUSE)
    finance = b.add("task", nm.FINANCE_APPROVAL, nm.FINANCE)
    lead = b.add("task", nm.LEAD_APPROVAL, nm.OPERATIONS)
    join = b.add("exclusiveGateway", "", nm.WAREHOUSE)
    pick = b.add("task", nm.PICK, nm.WAREHOUSE)
    ship = b.add("task", nm.SHIP, nm.WAREHOUSE)
    received = b.add("task", nm.RECEIVED, nm.SALES)
    end = b.add("endEvent", "结束", nm.SALES)
    for a, z, label in (
        (start, create, ""),
        (create, stock, ""),
        (stock, split, ""),
        (split, finance, "金额 ≥ 10,000"),
        (split, lead, "加急且金额 ≥ 100,000"),
        (split, join, "金额 < 10,000"),
        (finance, join, ""),
        (lead, join, ""),
        (join, pick, ""),
        (pick, ship, ""),
        (ship, received, ""),
        (received, end, ""),
    ):
        b.flow(a, z, label)
    return Flowchart.from_bpmn(b.build())


__all__ = ["DEMO_METRICS", "activation_sop", "fulfilment_sop"]
