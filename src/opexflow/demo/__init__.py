"""Demo event logs: the seed's two example processes, with realistic, planted problems.

Deterministic (seeded) generators of 用户注册激活流程 (YH-LC01) and 订单履约流程
(DD-LC01) logs, from a thousand events to hundreds of millions: they yield
Arrow tables of whole cases, about 100k events at a time, and never loop in
Python per event. What each log plants, and how much, is in
:mod:`opexflow.demo.planted`.

Example:
    >>> import pyarrow as pa
    >>> from opexflow.demo import activation_log
    >>> log = pa.concat_tables(activation_log(events=2000, seed=7))
    >>> abs(log.num_rows - 2000) <= 40
    True
"""

from opexflow.demo.activation import activation_log
from opexflow.demo.fulfilment import fulfilment_log, planted_violations
from opexflow.demo.names import ACTIVITY_NAMES_EN
from opexflow.demo.rules import fulfilment_rules, write_fulfilment_rules
from opexflow.demo.writer import write_demo_logs, write_log

__all__ = [
    "ACTIVITY_NAMES_EN",
    "activation_log",
    "fulfilment_log",
    "fulfilment_rules",
    "planted_violations",
    "write_demo_logs",
    "write_fulfilment_rules",
    "write_log",
]
