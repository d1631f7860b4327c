"""Rules as sentences people read in the SOP and the reports (zh-CN and en).

Example:
    >>> from opexflow.conformance.rules import parse_rule
    >>> rule = parse_rule({"id": "fa", "when": "金额 >= 10000", "require": "财务审批",
    ...                    "before": "发货"})
    >>> describe(rule, "zh")
    '当 金额 ≥ 10,000 时，「发货」之前必须先完成「财务审批」。'
    >>> describe(rule, "en")
    "When 金额 ≥ 10,000, '财务审批' must be done before '发货'."
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from opexflow.conformance.durations import format_duration

if TYPE_CHECKING:
    from opexflow.conformance.rules import Rule

Lang = Literal["zh", "en"]


def describe(rule: Rule, lang: Lang = "zh") -> str:
    """The control point ``rule`` as one sentence in ``lang``."""
    from opexflow.conformance import rules as r

    q = _quote(lang)
    zh = lang == "zh"
    match rule:
        case r.BypassRule():
            return _bypass(rule, lang)
        case r.RequireRule(require=a, before=None):
            body = f"必须执行{q(a)}" if zh else f"{q(a)} is required"
        case r.RequireRule(require=a, before=str() as b):
            body = f"{q(b)}之前必须先完成{q(a)}" if zh else f"{q(a)} must be done before {q(b)}"
        case r.OrderRule(order=[a, b]):
            body = f"{q(a)}必须在{q(b)}之前完成" if zh else f"{q(a)} must come before {q(b)}"
        case r.WithinRule(within=w):
            d = format_duration(w.max, lang)
            body = (
                f"{q(w.to)}必须在{q(w.from_)}之后 {d}内完成"
                if zh
                else f"{q(w.to)} must follow {q(w.from_)} within {d}"
            )
        case r.FourEyesRule(four_eyes=[a, b]):
            body = (
                f"{q(a)}与{q(b)}必须由不同的人完成（四眼原则）"
                if zh
                else f"{q(a)} and {q(b)} must be done by different people (four eyes)"
            )
        case r.AbsentRule(absent=a):
            body = f"不得出现{q(a)}" if zh else f"{q(a)} must not occur"
        case _:
            body = rule.id
    return _when(rule, body, lang)


def _quote(lang: Lang) -> Callable[[str], str]:
    if lang == "zh":
        return lambda a: f"「{a}」"
    return lambda a: f"'{a}'"


def _when(rule: Rule, body: str, lang: Lang) -> str:
    if rule.when is None:
        every = rule.kind == "require" and len(rule.activities) == 1
        if lang == "zh":
            prefix = "每个案例都" if every else "任何案例都" if rule.kind == "absent" else ""
            return f"{prefix}{body}。"
        return f"{body[0].upper()}{body[1:]}" + (" in every case." if every else ".")
    cond = rule.when.text(lang)
    return f"当 {cond} 时，{body}。" if lang == "zh" else f"When {cond}, {body}."


def _bypass(rule: Rule, lang: Lang) -> str:
    from opexflow.conformance.rules import BypassRule

    assert isinstance(rule, BypassRule) and rule.when is not None
    q = _quote(lang)
    cond = rule.when.text(lang)
    if lang == "zh":
        text = f"紧急通道：当 {cond} 时，可由{q(rule.require)}代替{q(rule.instead_of)}"
        if rule.backfill is not None:
            d = format_duration(rule.backfill.within, lang)
            text += f"，并须在{q(rule.require)}之后 {d}内补办{q(rule.backfill.activity)}"
        return text + "。"
    text = f"Emergency bypass: when {cond}, {q(rule.require)} may replace {q(rule.instead_of)}"
    if rule.backfill is not None:
        d = format_duration(rule.backfill.within, lang)
        text += f"; {q(rule.backfill.activity)} must then be back-filled within {d}"
    return text + "."
