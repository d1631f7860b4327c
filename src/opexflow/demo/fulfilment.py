"""The order fulfilment log (订单履约流程, DD-LC01).

An order: 创建订单 (a salesperson, 销售部) → 库存检查 (系统, 销售部) → [财务审批
(财务部) when 金额 >= 10000] → 拣货 → 发货 (仓储部) → 签收 (客户, recorded by
仓储部). Urgent orders of 100000 or more may take 运营负责人审批 (运营部) instead,
with 财务审批 back-filled later. Some orders are cancelled (取消订单, 销售部):
by the system when out of stock, by the salesperson when approval is refused. The log records completion times only,
formatted ``2024/3/1 10:00``.

What is planted (the long finance wait, control-point violations, variant
sprawl), and how much, is in :mod:`opexflow.demo.planted`; which orders carry
a violation is given by :func:`planted_violations`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opexflow.demo import names as nm
from opexflow.demo.calendar import ArrivalClock, working_hours
from opexflow.demo.chunks import Events, check_arguments, flatten, plan_chunks, rng_for
from opexflow.demo.order_timing import DEPARTMENTS, OrderClock, order_slots
from opexflow.demo.orders import Orders, draw_orders, plant_minimum
from opexflow.demo.planted import (
    BEFORE_START,
    FULFILMENT,
    FULFILMENT_CLEAN,
    TARGET_WORKDAYS,
    VIOLATION_KINDS,
    FulfilmentParams,
)
from opexflow.demo.text import identifiers, slash_minutes, width_for

_PROCESS: Final = 2
CHUNK_CASES: Final = 18_000
#: Orders per working day for each unit of scale; a log of moderate size spans
#: about TARGET_WORKDAYS working days.
ORDERS_PER_SCALE_DAY: Final = 150
#: Bigger logs add people up to this scale, then add days.
MAX_SCALE: Final = 100


@dataclass(frozen=True, slots=True)
class _Setup:
    seed: int
    key: tuple[int, ...]
    sizes: list[int]
    params: FulfilmentParams
    clean: bool
    start: date
    scale: int

    def orders(self, k: int, n: int) -> Orders:
        """Structure of the first ``n`` orders of chunk ``k``, violations planted."""
        orders = draw_orders(rng_for(self.seed, *self.key, k, 0), CHUNK_CASES, self.params)
        orders = orders.head(n)
        if k == 0 and not self.clean:
            orders = plant_minimum(orders, rng_for(self.seed, *self.key, k, 2))
        return orders

    def ids(self, done: int, n: int) -> pa.Array:
        number = done + 1 + np.arange(n, dtype=np.int64)
        return identifiers(f"DD{self.start.year}", number, width_for(sum(self.sizes), 7))


def _setup(
    *, cases: int | None, events: int | None, seed: int, clean: bool, start: date | None
) -> _Setup:
    check_arguments(cases=cases, events=events, seed=seed)
    params = FULFILMENT_CLEAN if clean else FULFILMENT
    key = (_PROCESS, int(clean))
    sizes = plan_chunks(
        cases=cases,
        events=events,
        chunk_cases=CHUNK_CASES,
        events_per_case=lambda k: (
            draw_orders(rng_for(seed, *key, k, 0), CHUNK_CASES, params).events
        ),
    )
    scale = min(MAX_SCALE, max(1, round(sum(sizes) / (TARGET_WORKDAYS * ORDERS_PER_SCALE_DAY))))
    return _Setup(seed, key, sizes, params, clean, start or BEFORE_START, scale)


def fulfilment_log(
    *,
    cases: int | None = None,
    events: int | None = None,
    seed: int = 7,
    clean: bool = False,
    start: date | None = None,
) -> Iterator[pa.Table]:
    """Generate the order fulfilment log, a chunk of whole orders (~100k events) at a time.

    Columns: 订单号, 活动, 时间 (``YYYY/M/D H:MM``, naive Asia/Shanghai time,
    completion only), 处理人, 部门 (text), 金额 (float, two decimals), 加急 (bool).
    Events of an order are consecutive and in time order (events in the same
    minute are in their true order).

    Args:
        cases: exactly this many orders.
        events: about this many events (within 2%); the default is 20,000 when
            neither is given.
        seed: the same seed gives the same log, byte for byte.
        clean: the same process without its problems (see :mod:`opexflow.demo.planted`).
        start: first day; defaults to 2024-03-04.

    Returns:
        An iterator of Arrow tables with the same schema.

    Example:
        >>> import pyarrow as pa
        >>> log = pa.concat_tables(fulfilment_log(cases=40, seed=1))
        >>> log.column_names
        ['订单号', '活动', '时间', '处理人', '部门', '金额', '加急']
    """
    return _generate(_setup(cases=cases, events=events, seed=seed, clean=clean, start=start))


def planted_violations(
    *,
    cases: int | None = None,
    events: int | None = None,
    seed: int = 7,
    clean: bool = False,
    start: date | None = None,
) -> pa.Table:
    """The orders of :func:`fulfilment_log` (same arguments) that break a control point.

    Returns:
        A table with columns 订单号 and ``kind`` (one of
        :data:`~opexflow.demo.planted.VIOLATION_KINDS`), in log order; empty for a
        clean log.

    Example:
        >>> truth = planted_violations(events=5000, seed=1)
        >>> sorted(set(truth.column("kind").to_pylist())) == sorted(VIOLATION_KINDS)
        True
    """
    setup = _setup(cases=cases, events=events, seed=seed, clean=clean, start=start)
    parts: list[pa.Table] = []
    done = 0
    for k, n in enumerate(setup.sizes):
        orders = setup.orders(k, n)
        hit = np.flatnonzero(orders.violation > 0)
        kinds = pa.array(("", *VIOLATION_KINDS))
        parts.append(
            pa.table(
                {
                    "订单号": pc.take(setup.ids(done, n), pa.array(hit)),
                    "kind": pc.take(kinds, pa.array(orders.violation[hit])),
                }
            )
        )
        done += n
    return pa.concat_tables(parts)


def _generate(setup: _Setup) -> Iterator[pa.Table]:
    per_week = 5.0 * ORDERS_PER_SCALE_DAY * setup.scale
    clock = ArrivalClock(start=setup.start, per_week=per_week, office_only=setup.clean)
    timing = OrderClock(working_hours(setup.start, clean=setup.clean), setup.params)
    resources = _resources(setup.scale)
    names = pa.array([name for pool in resources.values() for name in pool])
    offsets = np.cumsum([0, *(len(p) for p in resources.values())])
    pools = {key: np.arange(offsets[i], offsets[i + 1]) for i, key in enumerate(resources)}
    done = 0
    for k, n in enumerate(setup.sizes):
        orders = setup.orders(k, n)
        rng = rng_for(setup.seed, *setup.key, k, 1)
        created = clock.next(n, rng)
        slots = order_slots(orders, created, rng, timing, pools)
        events = flatten(slots, n, sort_by_time=True)
        yield _table(setup.ids(done, n), orders, events, names)
        done += n


def _resources(scale: int) -> dict[str, list[str]]:
    """Resource names by pool: the system, the customer, sales, finance, leads, warehouse."""
    return {
        "system": [nm.SYSTEM],
        "customer": [nm.CUSTOMER],
        "sales": nm.person_names("销售", 4 * scale),
        "finance": nm.person_names("财务", 2 * scale),
        "lead": nm.person_names("运营", scale, offset=300),
        "warehouse": nm.person_names("仓储", 3 * scale),
    }


def _table(ids: pa.Array, orders: Orders, ev: Events, names: pa.Array) -> pa.Table:
    case = pa.array(ev.case)
    return pa.table(
        [
            pc.take(ids, case),
            pc.take(pa.array(nm.FULFILMENT_ACTIVITIES), pa.array(ev.activity)),
            slash_minutes(ev.end),
            pc.take(names, pa.array(ev.resource)),
            pc.take(pa.array(DEPARTMENTS), pa.array(ev.department)),
            pa.array(orders.amount[ev.case], type=pa.float64()),
            pa.array(orders.urgent[ev.case], type=pa.bool_()),
        ],
        names=list(nm.FULFILMENT_COLUMNS),
    )
