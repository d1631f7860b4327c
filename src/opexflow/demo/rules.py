"""The control points of the demo fulfilment process (DD-LC01) as a rules file.

The seed's two rules: orders of :data:`~opexflow.demo.planted.APPROVAL_THRESHOLD`
or more need 财务审批 before 发货; 加急 orders of
:data:`~opexflow.demo.planted.BYPASS_THRESHOLD` or more may take 运营负责人审批
instead (the emergency bypass), with 财务审批 back-filled within
:data:`~opexflow.demo.planted.BACKFILL_HOURS` hours. Checked on a fulfilment
log they find exactly :func:`~opexflow.demo.planted_violations`:
``finance-approval`` the ``missing_approval`` and ``shipped_before_approval``
orders, ``urgent-bypass`` the ``bypass_outside_rule`` (outside its condition)
and ``late_backfill`` orders.

Example:
    >>> print(fulfilment_rules().splitlines()[3].strip())
    - id: finance-approval
"""

from __future__ import annotations

from pathlib import Path

from opexflow.demo import names as nm
from opexflow.demo.planted import APPROVAL_THRESHOLD, BACKFILL_HOURS, BYPASS_THRESHOLD


def fulfilment_rules() -> str:
    """The rules file (YAML) of 订单履约流程 (DD-LC01)."""
    return f"""\
# {nm.FULFILMENT_PROCESS_NAME}({nm.FULFILMENT_PROCESS_ID})的关键控制点 — docs/conformance.md
process: {nm.FULFILMENT_PROCESS_ID}
rules:
  - id: finance-approval
    description: 金额 ≥ {APPROVAL_THRESHOLD:,} 的订单须经财务审批后方可发货
    when: 金额 >= {APPROVAL_THRESHOLD}
    require: {nm.FINANCE_APPROVAL}
    before: {nm.SHIP}
  - id: urgent-bypass
    description: 加急且金额 ≥ {BYPASS_THRESHOLD:,} 的订单可走紧急通道，由运营负责人审批，{BACKFILL_HOURS} 小时内补办财务审批
    when: 加急 and 金额 >= {BYPASS_THRESHOLD}
    instead_of: {nm.FINANCE_APPROVAL}
    require: {nm.LEAD_APPROVAL}
    backfill: {{activity: {nm.FINANCE_APPROVAL}, within: {BACKFILL_HOURS}h}}
"""


def write_fulfilment_rules(path: str | Path) -> Path:
    """Write :func:`fulfilment_rules` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(fulfilment_rules(), encoding="utf-8")
    return target
