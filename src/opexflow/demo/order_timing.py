"""When each step of a fulfilment order completes, laid out in slots."""

from __future__ import annotations

from typing import Final

import numpy as np

from opexflow.demo import names as nm
from opexflow.demo.calendar import HOUR, Seconds, WorkingHours, lognormal_seconds
from opexflow.demo.chunks import Slot, pick
from opexflow.demo.orders import BEFORE, CANCEL_AFTER_APPROVAL, LATE, NOT_CANCELLED, Orders
from opexflow.demo.planted import BACKFILL_HOURS, Duration, FulfilmentParams

#: Departments of the fulfilment log, indexed by the slots' codes.
DEPARTMENTS: Final = (nm.SALES, nm.FINANCE, nm.OPERATIONS, nm.WAREHOUSE)
_SALES, _FINANCE, _OPS, _WAREHOUSE = range(4)
_ACT = {a: i for i, a in enumerate(nm.FULFILMENT_ACTIVITIES)}
# Steps whose durations are not planted, in minutes.
_CHECK: Final = Duration(3.0, 0.5)
_RESTOCK: Final = Duration(18 * 60.0, 0.5)
_SECOND_PICK: Final = Duration(240.0, 0.5)
_LATE_APPROVAL: Final = Duration(120.0, 0.6)
_CANCEL: Final = Duration(60.0, 0.6)
_MAX_ON_TIME: Final = BACKFILL_HOURS * HOUR - HOUR // 2
_LATE_RANGE: Final = ((BACKFILL_HOURS + 2) * HOUR, 72 * HOUR)


class OrderClock:
    """Draws completion times: people's steps in working hours, the rest on the clock."""

    def __init__(self, hours: WorkingHours, params: FulfilmentParams) -> None:
        self.hours, self.params = hours, params

    def business(self, after: Seconds, d: Duration, rng: np.random.Generator) -> Seconds:
        """Completion of a step done by people, ``d`` working time after ``after``."""
        wait = lognormal_seconds(rng, d.median_minutes, d.sigma, len(after))
        return self.hours.from_business(self.hours.to_business(after) + wait, end=True)

    @staticmethod
    def calendar(after: Seconds, d: Duration, rng: np.random.Generator) -> Seconds:
        """Completion of an automated or external step, ``d`` clock time after ``after``."""
        return after + lognormal_seconds(rng, d.median_minutes, d.sigma, len(after))


def order_slots(
    orders: Orders,
    created: Seconds,
    rng: np.random.Generator,
    clock: OrderClock,
    pools: dict[str, Seconds],
) -> list[Slot]:
    """The slots of a chunk's orders: every possible step, with who did it and when."""
    p, n = clock.params, len(created)
    check = clock.calendar(created, _CHECK, rng)
    recheck = clock.calendar(check, _RESTOCK, rng)
    stock = np.where(orders.recheck, recheck, np.where(orders.skip_check, created, check))
    finance = clock.business(stock, p.finance_wait, rng)
    lead = clock.business(stock, p.lead_wait, rng)
    before_ship = orders.finance & (orders.violation != BEFORE)
    approved = np.where(before_ship, finance, np.where(orders.bypass, lead, stock))
    picked = clock.business(approved, p.pick_wait, rng)
    shipped = clock.business(picked, p.ship_wait, rng)
    picked2 = clock.business(shipped, _SECOND_PICK, rng)
    shipped2 = clock.business(picked2, p.ship_wait, rng)
    received = clock.calendar(np.where(orders.split, shipped2, shipped), p.delivery, rng)
    finance = np.where(
        orders.violation == BEFORE, clock.business(shipped, _LATE_APPROVAL, rng), finance
    )
    backfill = lead + _backfill_delay(orders, p, rng)
    after_approval = orders.cancel == CANCEL_AFTER_APPROVAL
    cancelled = clock.business(np.where(after_approval, finance, stock), _CANCEL, rng)
    return _slots(orders, rng, pools, n, (created, check, recheck, finance, lead, picked,
                  shipped, picked2, shipped2, backfill, received, cancelled))  # fmt: skip


def _slots(
    orders: Orders,
    rng: np.random.Generator,
    pools: dict[str, Seconds],
    n: int,
    times: tuple[Seconds, ...],
) -> list[Slot]:
    """Who did each step, and in which department (people drawn from their pools)."""
    created, check, recheck, finance, lead, picked, shipped, picked2, shipped2 = times[:9]
    backfill, received, cancelled = times[9:]
    sales = pick(rng, pools["sales"], n)
    finance_staff = pick(rng, pools["finance"], n)
    picker, shipper = (pick(rng, pools["warehouse"], n) for _ in range(2))
    system, customer = int(pools["system"][0]), int(pools["customer"][0])
    delivered = orders.cancel == NOT_CANCELLED
    # Out of stock: the system cancels; a rejected approval: the salesperson does.
    canceller = np.where(orders.cancel == CANCEL_AFTER_APPROVAL, sales, system)
    return [
        Slot(True, _ACT[nm.CREATE_ORDER], created, sales, _SALES),
        Slot(~orders.skip_check, _ACT[nm.CHECK_STOCK], check, system, _SALES),
        Slot(orders.recheck, _ACT[nm.CHECK_STOCK], recheck, system, _SALES),
        Slot(orders.finance, _ACT[nm.FINANCE_APPROVAL], finance, finance_staff, _FINANCE),
        Slot(orders.bypass, _ACT[nm.LEAD_APPROVAL], lead, pick(rng, pools["lead"], n), _OPS),
        Slot(delivered, _ACT[nm.PICK], picked, picker, _WAREHOUSE),
        Slot(delivered, _ACT[nm.SHIP], shipped, shipper, _WAREHOUSE),
        Slot(orders.split, _ACT[nm.PICK], picked2, shipper, _WAREHOUSE),
        Slot(orders.split, _ACT[nm.SHIP], shipped2, shipper, _WAREHOUSE),
        Slot(orders.bypass, _ACT[nm.FINANCE_APPROVAL], backfill, finance_staff, _FINANCE),
        Slot(delivered, _ACT[nm.RECEIVED], received, customer, _WAREHOUSE),
        Slot(orders.cancel != NOT_CANCELLED, _ACT[nm.CANCEL], cancelled, canceller, _SALES),
    ]


def _backfill_delay(orders: Orders, p: FulfilmentParams, rng: np.random.Generator) -> Seconds:
    """Clock time from 运营负责人审批 to the back-filled 财务审批: on time, or late where planted."""
    n = len(orders.amount)
    on_time = lognormal_seconds(rng, p.backfill_delay.median_minutes, p.backfill_delay.sigma, n)
    late = rng.integers(*_LATE_RANGE, n)
    return np.where(orders.violation == LATE, late, np.minimum(on_time, _MAX_ON_TIME))
