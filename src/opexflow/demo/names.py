"""Names used by the demo logs: processes, columns, activities, departments, people.

Everything a demo log writes as text is defined here once, in Chinese as a
Chinese system would export it, with English display names beside it.
"""

from __future__ import annotations

from typing import Final

import numpy as np

# --- processes -----------------------------------------------------------------

ACTIVATION_PROCESS_ID: Final = "YH-LC01"
ACTIVATION_PROCESS_NAME: Final = "用户注册激活流程"
FULFILMENT_PROCESS_ID: Final = "DD-LC01"
FULFILMENT_PROCESS_NAME: Final = "订单履约流程"

# --- columns -------------------------------------------------------------------

#: Columns of the activation log, in file order.
ACTIVATION_COLUMNS: Final = (
    "工单号",
    "环节",
    "开始时间",
    "完成时间",
    "处理人",
    "部门",
    "团队",
    "渠道",
)
#: Columns of the fulfilment log, in file order.
FULFILMENT_COLUMNS: Final = ("订单号", "活动", "时间", "处理人", "部门", "金额", "加急")

COLUMN_NAMES_EN: Final[dict[str, str]] = {
    "工单号": "ticket",
    "环节": "activity",
    "开始时间": "start time",
    "完成时间": "completion time",
    "处理人": "resource",
    "部门": "department",
    "团队": "team",
    "渠道": "channel",
    "订单号": "order",
    "活动": "activity",
    "时间": "time",
    "金额": "amount",
    "加急": "urgent",
}

# --- activities ----------------------------------------------------------------

FILL_IN: Final = "用户填写信息"
REVIEW: Final = "人工审核"
TECH_CHECK: Final = "技术核查"
SUPPLEMENT: Final = "补充资料"
ACTIVATE: Final = "系统激活"
SEND_SMS: Final = "发送短信"
SMS_FAILED: Final = "短信发送失败"
RESEND_SMS: Final = "重发短信"
ACTIVATED: Final = "激活完成"

#: Activities of the activation process (YH-LC01), in their normal order.
ACTIVATION_ACTIVITIES: Final = (
    FILL_IN,
    REVIEW,
    TECH_CHECK,
    SUPPLEMENT,
    ACTIVATE,
    SEND_SMS,
    SMS_FAILED,
    RESEND_SMS,
    ACTIVATED,
)

CREATE_ORDER: Final = "创建订单"
CHECK_STOCK: Final = "库存检查"
FINANCE_APPROVAL: Final = "财务审批"
LEAD_APPROVAL: Final = "运营负责人审批"
PICK: Final = "拣货"
SHIP: Final = "发货"
RECEIVED: Final = "签收"
CANCEL: Final = "取消订单"

#: Activities of the fulfilment process (DD-LC01), in their normal order.
FULFILMENT_ACTIVITIES: Final = (
    CREATE_ORDER,
    CHECK_STOCK,
    FINANCE_APPROVAL,
    LEAD_APPROVAL,
    PICK,
    SHIP,
    RECEIVED,
    CANCEL,
)

#: English display names of every demo activity.
ACTIVITY_NAMES_EN: Final[dict[str, str]] = {
    FILL_IN: "Fill in registration",
    REVIEW: "Manual review",
    TECH_CHECK: "Technical check",
    SUPPLEMENT: "Request more information",
    ACTIVATE: "Activate account",
    SEND_SMS: "Send SMS",
    SMS_FAILED: "SMS failed",
    RESEND_SMS: "Resend SMS",
    ACTIVATED: "Activation completed",
    CREATE_ORDER: "Create order",
    CHECK_STOCK: "Check stock",
    FINANCE_APPROVAL: "Finance approval",
    LEAD_APPROVAL: "Operations lead approval",
    PICK: "Pick goods",
    SHIP: "Ship",
    RECEIVED: "Delivered",
    CANCEL: "Cancel order",
}

# --- organisation --------------------------------------------------------------

OPERATIONS: Final = "运营部"
TECHNOLOGY: Final = "技术部"
CUSTOMER_SERVICE: Final = "客服部"
SALES: Final = "销售部"
FINANCE: Final = "财务部"
WAREHOUSE: Final = "仓储部"

DEPARTMENT_NAMES_EN: Final[dict[str, str]] = {
    OPERATIONS: "Operations",
    TECHNOLOGY: "Technology",
    CUSTOMER_SERVICE: "Customer service",
    SALES: "Sales",
    FINANCE: "Finance",
    WAREHOUSE: "Warehouse",
}

#: The operations teams that review activation cases; A组 is the pilot team.
TEAMS: Final = ("A组", "B组", "C组")
#: Channels a user registers through, with their shares.
CHANNELS: Final = ("App", "小程序", "官网")
CHANNEL_SHARES: Final = (0.55, 0.30, 0.15)

SYSTEM: Final = "系统"
"""The resource of every automated step."""
USER: Final = "用户"
"""The resource of the user's own steps (filling in the form)."""
CUSTOMER: Final = "客户"
"""The resource of a customer's own steps (signing for goods)."""

_SURNAMES: Final = "张李王刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN: Final = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 "
    "秀英 桂英 建华 志强 晓东 海燕 丹丹 文博 子涵 雨欣 浩然 思远 佳怡 欣怡 宇航 俊杰 婷婷 鑫 琳 斌"
).split()


def person_names(prefix: str, count: int, *, offset: int = 0) -> list[str]:
    """Distinct, stable resource names such as ``运营-张伟`` for a department pool.

    The order does not depend on any seed, so a pool of a given size always
    holds the same people; ``offset`` skips people used by another pool.

    Example:
        >>> person_names("运营", 2)
        ['运营-张伟', '运营-李芳']
    """
    total = len(_SURNAMES) * len(_GIVEN)
    if offset + count > total:
        raise ValueError(f"at most {total} people per department, asked for {offset + count}")
    # A fixed permutation keeps the first names of every pool common-sounding yet varied.
    order = _NAME_ORDER[offset : offset + count]
    return [f"{prefix}-{_SURNAMES[i % len(_SURNAMES)]}{_GIVEN[i // len(_SURNAMES)]}" for i in order]


def _name_order() -> list[int]:
    s, g = len(_SURNAMES), len(_GIVEN)
    # The diagonal of the surname x given-name grid first: 张伟, 李芳, 王娜...
    head = [k + k * s for k in range(min(s, g))]
    rest = np.random.default_rng(20240304).permutation(s * g).tolist()
    seen = set(head)
    return head + [i for i in rest if i not in seen]


_NAME_ORDER: Final = _name_order()
