"""The structure of fulfilment orders: amounts, urgency, path, planted violations."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Final

import numpy as np
from numpy.typing import NDArray

from opexflow.demo.planted import (
    APPROVAL_THRESHOLD,
    BYPASS_THRESHOLD,
    MIN_VIOLATIONS,
    VIOLATION_KINDS,
    FulfilmentParams,
    ViolationKind,
)

Int = NDArray[np.int64]
Mask = NDArray[np.bool_]

#: Code of each violation kind in :attr:`Orders.violation` (0 means none).
VIOLATION_CODES: Final[dict[ViolationKind, int]] = {k: i + 1 for i, k in enumerate(VIOLATION_KINDS)}
MISSING, OUTSIDE, LATE, BEFORE = (VIOLATION_CODES[k] for k in VIOLATION_KINDS)
#: :attr:`Orders.cancel` codes.
NOT_CANCELLED, CANCEL_AFTER_CHECK, CANCEL_AFTER_APPROVAL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Orders:
    """Per-order facts of a chunk, before any time is drawn."""

    amount: NDArray[np.float64]
    urgent: Mask
    bypass: Mask
    """运营负责人审批 instead of 财务审批 (rightful or not), 财务审批 back-filled."""
    cancel: Int
    violation: Int
    skip_check: Mask
    """No 库存检查 (the salesperson knows the stock)."""
    recheck: Mask
    """库存检查 twice (out of stock, restocked)."""
    split: Mask
    """拣货 and 发货 twice."""

    def head(self, n: int) -> Orders:
        return Orders(*(getattr(self, f.name)[:n] for f in fields(self)))

    @property
    def finance(self) -> Mask:
        """Orders with a normal (not back-filled) 财务审批."""
        big = self.amount >= APPROVAL_THRESHOLD
        return np.asarray(
            big & ~self.bypass & (self.violation != MISSING) & (self.cancel != CANCEL_AFTER_CHECK)
        )

    @property
    def events(self) -> Int:
        shipped = self.cancel == NOT_CANCELLED
        count = (
            1
            + ~self.skip_check
            + self.recheck
            + self.finance
            + 2 * self.bypass
            + 3 * shipped
            + 2 * self.split
            + (self.cancel != NOT_CANCELLED)
        )
        return np.asarray(count, dtype=np.int64)


def draw_orders(rng: np.random.Generator, n: int, p: FulfilmentParams) -> Orders:
    """The structure of ``n`` orders: every random draw is made for all of them, in a fixed order."""
    z = rng.standard_normal(n)
    amount = np.maximum(np.round(np.exp(np.log(p.amount_median) + p.amount_sigma * z), 2), 10.0)
    big, large = amount >= APPROVAL_THRESHOLD, amount >= BYPASS_THRESHOLD
    urgent = rng.random(n) < np.where(large, p.urgent_share_large, p.urgent_share)
    u = rng.random((7, n))
    rightful = urgent & large & (u[0] < p.bypass_use_share)
    cancelled = ~rightful & (u[1] < p.cancel_share)
    cancel = np.where(
        cancelled, np.where(big & (u[2] < 0.5), CANCEL_AFTER_APPROVAL, CANCEL_AFTER_CHECK), 0
    )
    shipped = cancel == NOT_CANCELLED
    rates = np.cumsum([p.violation_rates[k] for k in ("missing_approval", "bypass_outside_rule")])
    normal = big & ~(urgent & large) & shipped
    before = rates[-1] + p.violation_rates["shipped_before_approval"]
    violation = np.select(
        [
            normal & (u[3] < rates[0]),
            normal & (u[3] < rates[1]),
            normal & (u[3] < before),
            rightful & shipped & (u[3] < p.violation_rates["late_backfill"]),
        ],
        [MISSING, OUTSIDE, BEFORE, LATE],
        0,
    )
    bypass = rightful | (violation == OUTSIDE)
    return Orders(
        amount=amount,
        urgent=urgent,
        bypass=bypass,
        cancel=cancel.astype(np.int64),
        violation=violation.astype(np.int64),
        skip_check=u[4] < p.skip_check_share,
        recheck=(u[4] >= p.skip_check_share) & (u[5] < p.recheck_share),
        split=shipped & (u[6] < p.split_share),
    )


def plant_minimum(orders: Orders, rng: np.random.Generator) -> Orders:
    """``orders`` with at least :data:`MIN_VIOLATIONS` of each kind, where orders allow."""
    for kind, minimum in MIN_VIOLATIONS.items():
        code = VIOLATION_CODES[kind]
        need = minimum - int(np.count_nonzero(orders.violation == code))
        if need > 0:
            orders = _plant(orders, code, need, rng)
    return orders


def _plant(orders: Orders, code: int, need: int, rng: np.random.Generator) -> Orders:
    big = orders.amount >= APPROVAL_THRESHOLD
    large = orders.amount >= BYPASS_THRESHOLD
    free = big & (orders.violation == 0) & (orders.cancel == NOT_CANCELLED)
    if code == LATE:
        candidates = np.flatnonzero(free & orders.bypass)
        if len(candidates) < need:  # too few rightful bypasses: make some
            candidates = np.flatnonzero(free & ~(orders.urgent & large))
    else:
        candidates = np.flatnonzero(free & ~orders.bypass & ~(orders.urgent & large))
    chosen = rng.permutation(candidates)[:need]
    amount, urgent, bypass = orders.amount.copy(), orders.urgent.copy(), orders.bypass.copy()
    violation = orders.violation.copy()
    violation[chosen] = code
    if code == OUTSIDE:
        bypass[chosen] = True
    if code == LATE:
        made = chosen[~bypass[chosen]]
        amount[made] = np.round(rng.uniform(BYPASS_THRESHOLD, 3 * BYPASS_THRESHOLD, len(made)), 2)
        urgent[made], bypass[made] = True, True
    return replace(orders, amount=amount, urgent=urgent, bypass=bypass, violation=violation)
