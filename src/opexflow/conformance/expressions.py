"""Conditions compiled to Ibis expressions over per-case columns.

Attributes are read per case. Case attributes (constant within every case)
come from the cases table. An attribute that varies within a case — and the
canonical ``resource`` and ``department`` — is *lifted* to the case: its
first non-empty value in event order (timestamp, then position in the source
file). A case whose attribute is empty does not meet a condition that reads
it (SQL's unknown counts as not met, also under ``not``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ibis

from opexflow.conformance.conditions import (
    And,
    Attr,
    Compare,
    Condition,
    Flag,
    InList,
    Lit,
    Node,
    Not,
    Or,
    Scalar,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir


class ConditionTypeError(ValueError):
    """A condition compares an attribute with a value of another type."""


def compile_condition(
    cond: Condition | None, columns: Mapping[str, ir.Value], *, tz: str = "UTC"
) -> ir.BooleanValue:
    """``cond`` as a non-null boolean over ``columns`` (attribute name -> column); None is true."""
    if cond is None:
        return ibis.literal(True)
    return _Compiler(columns, tz).node(cond.node).fill_null(False)


class _Compiler:
    def __init__(self, columns: Mapping[str, ir.Value], tz: str) -> None:
        self.columns, self.tz = columns, tz

    def node(self, n: Node) -> ir.BooleanValue:
        match n:
            case And(parts):
                out = self.node(parts[0])
                for p in parts[1:]:
                    out = out & self.node(p)
                return out
            case Or(parts):
                out = self.node(parts[0])
                for p in parts[1:]:
                    out = out | self.node(p)
                return out
            case Not(part):
                return ~self.node(part)
            case Flag(attr):
                col = self.columns[attr.name]
                if not col.type().is_boolean():
                    raise ConditionTypeError(
                        f"{attr.name!r} is {_type(col)}, not yes/no; compare it instead, "
                        f"e.g. {attr.name} == ..."
                    )
                return col
            case InList(attr, values, negate):
                col = self.columns[attr.name]
                lits = [self.value(col, attr.name, v) for v in values]
                hit = col.isin(lits)
                return ~hit if negate else hit
            case Compare(left, op, right):
                return self.compare(left, op, right)

    def compare(self, left: Attr | Lit, op: str, right: Attr | Lit) -> ir.BooleanValue:
        assert isinstance(left, Attr)
        a = self.columns[left.name]
        if isinstance(right, Attr):
            b: Any = self.columns[right.name]
            if _family(a) != _family(b):
                raise ConditionTypeError(
                    f"{left.name!r} is {_type(a)} and {right.name!r} is {_type(b)}; "
                    "they cannot be compared"
                )
        else:
            b = self.value(a, left.name, right.value)
        if _family(a) == "boolean" and op not in ("==", "!="):
            raise ConditionTypeError(f"{left.name!r} is yes/no: compare it with == or != only")
        ops = {
            "==": a.__eq__,
            "!=": a.__ne__,
            "<": a.__lt__,
            "<=": a.__le__,
            ">": a.__gt__,
            ">=": a.__ge__,
        }
        result: ir.BooleanValue = ops[op](b)
        return result

    def value(self, col: ir.Value, name: str, v: Scalar) -> Any:
        family = _family(col)
        if family == "number" and isinstance(v, int | float) and not isinstance(v, bool):
            return v
        if family == "boolean" and isinstance(v, bool):
            return v
        if family == "text" and isinstance(v, str):
            return v
        if family == "timestamp" and isinstance(v, str):
            return self.timestamp(name, v)
        hint = ""
        if family == "text" and isinstance(v, int | float):
            hint = f"; compare with quoted text, or import the log with --type {name}=number"
        raise ConditionTypeError(f"{name!r} is {_type(col)} in this log, compared with {v!r}{hint}")

    def timestamp(self, name: str, text: str) -> Any:
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise ConditionTypeError(
                f"{name!r} is a time; write the value as 2024-03-01 or 2024-03-01 09:30, not {text!r}"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo(self.tz))
        return ibis.timestamp(when)


def _family(col: ir.Value) -> str:
    t = col.type()
    if t.is_boolean():
        return "boolean"
    if t.is_numeric():
        return "number"
    if t.is_timestamp() or t.is_date():
        return "timestamp"
    if t.is_string():
        return "text"
    return str(t)


def _type(col: ir.Value) -> str:
    return {"boolean": "yes/no", "number": "a number", "timestamp": "a time", "text": "text"}.get(
        _family(col), str(col.type())
    )
