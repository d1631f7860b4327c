"""What the demo logs plant: every effect size, as constants tests can assert.

The two processes are the seed's running examples.

用户注册激活流程 (YH-LC01), :func:`~opexflow.demo.activation_log`:

- **bottleneck** (efficiency): few reviewers per team, so cases queue before
  人工审核; the wait on 用户填写信息 → 人工审核 is the largest waiting time x
  frequency of the log. Median case time (用户填写信息, an instant, to the
  completion of 激活完成) is about :data:`MEDIAN_ACTIVATION_MINUTES_BEFORE`.
- **rework** (quality): 人工审核 → 补充资料 → 人工审核 in :data:`ERROR_RATE_BEFORE`
  of cases (a fifth of those twice), and the ping-pong below; 人工审核 repeats
  in about :data:`REWORK_SHARE_BEFORE` of cases.
- **ping-pong handover** (collaboration): 人工审核 (运营部) → 技术核查 (技术部) →
  人工审核 (运营部) in :data:`PING_PONG_SHARE` of cases.
- **SMS failures** (quality): 发送短信 → 短信发送失败 → 重发短信 in
  :data:`SMS_FAILURE_SHARE` of cases.
- **pilot**: in the ``after`` log the pilot team :data:`PILOT_TEAM` uses the
  automatic check tool: median case time about
  :data:`MEDIAN_ACTIVATION_MINUTES_PILOT`, 补充资料 in :data:`ERROR_RATE_PILOT`
  of cases, 技术核查 in :data:`PING_PONG_SHARE_PILOT`. Teams B and C are
  unchanged (the control group).

订单履约流程 (DD-LC01), :func:`~opexflow.demo.fulfilment_log`:

- **long wait** (efficiency): 库存检查 → 财务审批 (offline signatures), median
  :data:`FINANCE_WAIT_HOURS` working hours — a working day, about 25 hours on
  the clock, where the other steps of the main path take one or two (a stock
  re-check, in 6% of orders, waits about 18 hours for goods).
- **control points** (risk): 金额 >= :data:`APPROVAL_THRESHOLD` needs 财务审批
  before 发货; 加急 orders with 金额 >= :data:`BYPASS_THRESHOLD` may instead get
  运营负责人审批, with 财务审批 back-filled within :data:`BACKFILL_HOURS` hours.
  Violations of the kinds in :data:`VIOLATION_KINDS` are planted at
  :attr:`FulfilmentParams.violation_rates`, at least :data:`MIN_VIOLATIONS` each.
- **variant sprawl** (collaboration): small orders often skip 库存检查, stock is
  re-checked (库存检查 twice), shipments are split (拣货, 发货 twice), orders are
  cancelled; the commonest variant covers about a quarter of the orders.

A ``clean`` log has none of these: no loops, failures, violations, bypasses or
cancellations, one dominant variant and short waits. Its cases arrive in
office hours only and its people work :data:`CLEAN_WORKING_HOURS`, so nothing
waits overnight either.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final, Literal

# --- shared --------------------------------------------------------------------

#: First day of a ``before`` log (a Monday).
BEFORE_START: Final = date(2024, 3, 4)
#: First day of the pilot, and of an ``after`` log (a Monday).
PILOT_START: Final = date(2024, 4, 8)
#: A log of moderate size spans about this many working days; bigger logs add
#: people (up to a cap) before they add days.
TARGET_WORKDAYS: Final = 20


@dataclass(frozen=True, slots=True)
class Duration:
    """A log-normal duration: median in minutes and the sigma of its logarithm."""

    median_minutes: float
    sigma: float


# --- activation (YH-LC01) ------------------------------------------------------

PILOT_TEAM: Final = "A组"
#: Median minutes from 用户填写信息 (start = completion) to 激活完成 completion, before the pilot.
MEDIAN_ACTIVATION_MINUTES_BEFORE: Final = 30.0
#: The same for the pilot team in the ``after`` log.
MEDIAN_ACTIVATION_MINUTES_PILOT: Final = 8.0


@dataclass(frozen=True, slots=True)
class ActivationParams:
    """How an activation case runs. Working times are in business time.

    Attributes:
        reviews_per_reviewer_day: first reviews each reviewer receives per working day.
        pickup_minutes: mean delay (exponential) before a filled-in case enters a
            reviewer's queue (reviewers look at the work list now and then).
        review: work time of a first 人工审核 (checking 3 systems by hand).
        rereview_wait: wait before a repeated 人工审核.
        rereview: work time of a repeated 人工审核.
        supplement_share: share of cases with 补充资料 (the error rate).
        supplement_twice_share: share of those with a second 补充资料 loop.
        ping_pong_share: share of cases with 人工审核 → 技术核查 → 人工审核.
        sms_failure_share: share of cases with 短信发送失败 → 重发短信.
    """

    reviews_per_reviewer_day: float = 20.0
    pickup_minutes: float = 6.0
    review: Duration = Duration(11.8, 0.45)
    rereview_wait: Duration = Duration(25.0, 0.7)
    rereview: Duration = Duration(9.0, 0.5)
    tech_wait: Duration = Duration(40.0, 0.7)
    tech_work: Duration = Duration(15.0, 0.5)
    supplement_response: Duration = Duration(150.0, 0.9)
    supplement_share: float = 0.05
    supplement_twice_share: float = 0.2
    ping_pong_share: float = 0.10
    sms_failure_share: float = 0.05


#: Every team before the pilot, and teams B and C after it.
ACTIVATION_BEFORE: Final = ActivationParams()
#: The pilot team after the pilot: the automatic check tool does the 3-system check.
ACTIVATION_PILOT: Final = replace(
    ACTIVATION_BEFORE,
    pickup_minutes=2.0,
    review=Duration(3.5, 0.45),
    rereview=Duration(2.5, 0.5),
    supplement_share=0.01,
    ping_pong_share=0.02,
)
#: Working hours of a clean log (opening, closing hour): its cases arrive 9:00-18:00
#: and are finished the same day, so nothing waits overnight.
CLEAN_WORKING_HOURS: Final = (8, 22)
#: A clean process: enough reviewers, no loops, no failures.
ACTIVATION_CLEAN: Final = replace(
    ACTIVATION_BEFORE,
    reviews_per_reviewer_day=4.0,
    pickup_minutes=0.7,
    supplement_share=0.0,
    ping_pong_share=0.0,
    sms_failure_share=0.0,
)
#: The pilot team after the pilot, in a clean log.
ACTIVATION_PILOT_CLEAN: Final = replace(
    ACTIVATION_PILOT,
    reviews_per_reviewer_day=ACTIVATION_CLEAN.reviews_per_reviewer_day,
    pickup_minutes=ACTIVATION_CLEAN.pickup_minutes,
    supplement_share=0.0,
    ping_pong_share=0.0,
    sms_failure_share=0.0,
)

#: Share of cases with 补充资料 before the pilot (all teams) — the seed's error rate 5%.
ERROR_RATE_BEFORE: Final = ACTIVATION_BEFORE.supplement_share
#: Share of the pilot team's cases with 补充资料 after the pilot — the seed's 1%.
ERROR_RATE_PILOT: Final = ACTIVATION_PILOT.supplement_share
#: Share of cases with 人工审核 → 技术核查 → 人工审核 (运营部 → 技术部 → 运营部).
PING_PONG_SHARE: Final = ACTIVATION_BEFORE.ping_pong_share
PING_PONG_SHARE_PILOT: Final = ACTIVATION_PILOT.ping_pong_share
#: Share of cases in which 人工审核 happens more than once (补充资料 or 技术核查;
#: the two loops never share a case).
REWORK_SHARE_BEFORE: Final = ERROR_RATE_BEFORE + PING_PONG_SHARE
#: Share of cases with 短信发送失败 (then 重发短信), in every team and period.
SMS_FAILURE_SHARE: Final = ACTIVATION_BEFORE.sms_failure_share
#: Case numbers of an ``after`` log start here, so before and after logs can be combined.
AFTER_ID_OFFSET: Final = 500_000

# --- fulfilment (DD-LC01) ------------------------------------------------------

#: 金额 from this amount on needs 财务审批 before 发货.
APPROVAL_THRESHOLD: Final = 10_000
#: 加急 orders from this amount on may use 运营负责人审批 instead (the emergency bypass).
BYPASS_THRESHOLD: Final = 100_000
#: A bypassed 财务审批 must be back-filled within this many hours of 运营负责人审批.
BACKFILL_HOURS: Final = 24
#: Median working hours an order waits from 库存检查 to 财务审批 (the planted long wait).
FINANCE_WAIT_HOURS: Final = 9.0

ViolationKind = Literal[
    "missing_approval", "bypass_outside_rule", "late_backfill", "shipped_before_approval"
]
#: The planted control-point violations:
#: ``missing_approval``: 金额 >= 10000, shipped, no 财务审批 at all;
#: ``bypass_outside_rule``: 运营负责人审批 instead of 财务审批 although the order is
#: not 加急 or 金额 < 100000 (财务审批 is back-filled within 24 h);
#: ``late_backfill``: a rightful bypass whose 财务审批 comes more than 24 h after
#: 运营负责人审批; ``shipped_before_approval``: 发货 before 财务审批 (no bypass).
VIOLATION_KINDS: Final[tuple[ViolationKind, ...]] = (
    "missing_approval",
    "bypass_outside_rule",
    "late_backfill",
    "shipped_before_approval",
)
#: Every non-clean fulfilment log has at least this many cases of each violation.
MIN_VIOLATIONS: Final[dict[ViolationKind, int]] = {
    "missing_approval": 2,
    "bypass_outside_rule": 2,
    "late_backfill": 1,
    "shipped_before_approval": 1,
}


def _rates() -> dict[ViolationKind, float]:
    return {
        "missing_approval": 0.02,
        "bypass_outside_rule": 0.005,
        "late_backfill": 0.25,
        "shipped_before_approval": 0.001,
    }


@dataclass(frozen=True, slots=True)
class FulfilmentParams:
    """How an order runs. Waits before human steps are in business time.

    Attributes:
        violation_rates: per kind, the share of the orders the violation can
            apply to: orders >= 10000 without a rightful bypass (missing,
            outside rule, shipped before), rightful bypasses (late back-fill).
    """

    amount_median: float = 6_000.0
    amount_sigma: float = 1.5
    urgent_share: float = 0.08
    urgent_share_large: float = 0.5
    bypass_use_share: float = 0.8
    cancel_share: float = 0.05
    skip_check_share: float = 0.3
    recheck_share: float = 0.15
    split_share: float = 0.12
    violation_rates: dict[ViolationKind, float] = field(default_factory=_rates)
    finance_wait: Duration = Duration(FINANCE_WAIT_HOURS * 60, 0.8)
    lead_wait: Duration = Duration(30.0, 0.6)
    pick_wait: Duration = Duration(90.0, 0.6)
    ship_wait: Duration = Duration(60.0, 0.5)
    delivery: Duration = Duration(90.0, 0.5)
    backfill_delay: Duration = Duration(360.0, 0.6)


FULFILMENT: Final = FulfilmentParams()
FULFILMENT_CLEAN: Final = replace(
    FULFILMENT,
    urgent_share_large=FULFILMENT.urgent_share,
    bypass_use_share=0.0,
    cancel_share=0.0,
    skip_check_share=0.0,
    recheck_share=0.0,
    split_share=0.0,
    violation_rates=dict.fromkeys(VIOLATION_KINDS, 0.0),
    finance_wait=Duration(20.0, 0.5),
    pick_wait=Duration(30.0, 0.5),
    ship_wait=Duration(30.0, 0.5),
    delivery=Duration(30.0, 0.5),
)
