"""The condition language of rules (``when: amount >= 10000 and not urgent``).

A condition is parsed with Python's :mod:`ast` and only a whitelist of nodes
is accepted — it is never evaluated as Python. What it allows:

- comparisons ``==  !=  <  <=  >  >=`` (also ``≥ ≤ ≠``), chained ones
  (``100 <= amount < 1000``), between an attribute and a literal or two attributes;
- ``in`` / ``not in`` a list of literals: ``channel in ["app", "web"]``;
- ``and``, ``or``, ``not`` and parentheses;
- literals: numbers (``10000``, ``10_000``, ``-5``, ``0.5``), quoted text,
  ``true`` / ``false``;
- a bare attribute name is a yes/no test of a boolean attribute (``urgent``).

Attribute names are written as they are when they are identifiers (Chinese
names such as ``金额`` are); other names go in backticks: ```org:role` == "经理"``.

Example:
    >>> c = parse_condition("加急 and 金额 >= 100000")
    >>> sorted(c.attributes)
    ['加急', '金额']
    >>> c.text("zh"), c.text("en")
    ('加急 且 金额 ≥ 100,000', '加急 and 金额 ≥ 100,000')
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Final, Literal

Lang = Literal["zh", "en"]
Scalar = bool | int | float | str
CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]

_OPS: Final[dict[type[ast.cmpop], CompareOp]] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_FLIPPED: Final[dict[CompareOp, CompareOp]] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
}
_SHOWN_OPS: Final[dict[str, str]] = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_WORDS: Final[dict[str, tuple[str, str]]] = {
    "and": ("且", "and"),
    "or": ("或", "or"),
    "not": ("非", "not"),
    "in": ("属于", "in"),
    "not in": ("不属于", "not in"),
    "true": ("是", "true"),
    "false": ("否", "false"),
}
_BOOLEANS: Final = {"true": True, "false": False, "True": True, "False": False}
_NORMALIZE: Final = (("≥", ">="), ("≤", "<="), ("≠", "!="), ("（", "("), ("）", ")"))
_QUOTED: Final = re.compile(r"`([^`]+)`")
_HELP: Final = (
    "use comparisons (==, !=, <, <=, >, >=, in, not in) of case attributes with numbers, "
    "quoted text or true/false, joined by and, or, not and parentheses"
)


MAX_LENGTH: Final = 2000
"""Longer conditions are refused (they are not written by people)."""


class ConditionError(ValueError):
    """A condition cannot be parsed; the message says where and what is allowed."""


@dataclass(frozen=True, slots=True)
class Attr:
    """A case attribute, by name."""

    name: str


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal value."""

    value: Scalar


Operand = Attr | Lit


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right``; at least one side is an attribute."""

    left: Operand
    op: CompareOp
    right: Operand


@dataclass(frozen=True, slots=True)
class InList:
    """``attr in [values]`` (or ``not in`` when ``negate``)."""

    attr: Attr
    values: tuple[Scalar, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class Flag:
    """A boolean attribute used as a test."""

    attr: Attr


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Node


Node = Compare | InList | Flag | And | Or | Not


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: its source text and its tree."""

    source: str
    node: Node

    @property
    def attributes(self) -> frozenset[str]:
        """The attribute names the condition reads."""
        return frozenset(_attributes(self.node))

    def text(self, lang: Lang) -> str:
        """The condition for people: ``金额 ≥ 10,000 且 加急`` / ``金额 ≥ 10,000 and 加急``."""
        return _render(self.node, lang)

    def __str__(self) -> str:
        return self.source


def parse_condition(source: str) -> Condition:
    """Parse ``source``; raise :class:`ConditionError` for anything outside the language.

    Example:
        >>> parse_condition("amount >= 5000").node
        Compare(left=Attr(name='amount'), op='>=', right=Lit(value=5000))
    """
    if not isinstance(source, str) or not source.strip():
        raise ConditionError(f"a condition is text such as 'amount >= 10000', not {source!r}")
    text = source.strip()
    for old, new in _NORMALIZE:
        text = text.replace(old, new)
    quoted: dict[str, str] = {}

    def hold(m: re.Match[str]) -> str:
        key = f"_q{len(quoted)}_"
        quoted[key] = m.group(1)
        return key

    text = _QUOTED.sub(hold, text)
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"a condition has at most {MAX_LENGTH} characters; split the rule")
    try:
        tree = ast.parse(text, mode="eval")
    except (RecursionError, MemoryError):
        raise ConditionError(f"condition {source[:60]!r}... is nested too deeply") from None
    except SyntaxError as exc:
        hint = _hint(text)
        at = f" at character {exc.offset}" if exc.offset else ""
        raise ConditionError(f"cannot read condition {source!r}{at}{hint}; {_HELP}") from None
    return Condition(source.strip(), _Builder(source, quoted).test(tree.body))


def _hint(text: str) -> str:
    for wrong, right in (("=>", ">="), ("=<", "<=")):
        if wrong in text:
            return f" (write {right}, not {wrong})"
    return " (use == to compare)" if re.search(r"(^|[^=!<>])=($|[^=])", text) else ""


class _Builder:
    """Turns a whitelisted Python expression tree into condition nodes."""

    def __init__(self, source: str, quoted: dict[str, str]) -> None:
        self.source, self.quoted = source, quoted

    def fail(self, node: ast.AST, what: str) -> ConditionError:
        shown = ast.unparse(node)
        for key, name in self.quoted.items():
            shown = shown.replace(key, f"`{name}`")
        return ConditionError(f"condition {self.source!r}: {what} ({shown!r}); {_HELP}")

    def test(self, node: ast.expr) -> Node:
        if isinstance(node, ast.BoolOp):
            parts = tuple(self.test(v) for v in node.values)
            return And(parts) if isinstance(node.op, ast.And) else Or(parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.test(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name) and node.id not in _BOOLEANS:
            return Flag(self.attr(node))
        raise self.fail(node, "this is not a test")

    def compare(self, node: ast.Compare) -> Node:
        tests: list[Node] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                if len(node.ops) > 1:
                    raise self.fail(node, "'in' cannot be chained")
                tests.append(InList(self.attr(left), self.values(right), isinstance(op, ast.NotIn)))
            elif type(op) in _OPS:
                tests.append(self.pair(node, self.operand(left), _OPS[type(op)], right))
            else:
                raise self.fail(node, f"the operator {type(op).__name__} is not allowed")
            left = right
        return tests[0] if len(tests) == 1 else And(tuple(tests))

    def pair(self, node: ast.AST, left: Operand, op: CompareOp, right_node: ast.expr) -> Compare:
        right = self.operand(right_node)
        if isinstance(left, Lit) and isinstance(right, Lit):
            raise self.fail(node, "a comparison needs an attribute on one side")
        if isinstance(left, Lit):
            return Compare(right, _FLIPPED[op], left)
        return Compare(left, op, right)

    def operand(self, node: ast.expr) -> Operand:
        if isinstance(node, ast.Name) and node.id not in _BOOLEANS:
            return self.attr(node)
        return Lit(self.literal(node))

    def attr(self, node: ast.expr) -> Attr:
        if not isinstance(node, ast.Name) or node.id in _BOOLEANS:
            raise self.fail(node, "expected an attribute name")
        return Attr(self.quoted.get(node.id, node.id))

    def values(self, node: ast.expr) -> tuple[Scalar, ...]:
        if not isinstance(node, ast.List | ast.Tuple | ast.Set) or not node.elts:
            raise self.fail(node, '\'in\' needs a list of values such as ["app", "web"]')
        return tuple(self.literal(e) for e in node.elts)

    def literal(self, node: ast.expr) -> Scalar:
        if isinstance(node, ast.Name) and node.id in _BOOLEANS:
            return _BOOLEANS[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = self.literal(node.operand)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Constant) and isinstance(node.value, bool | int | float | str):
            return node.value
        raise self.fail(node, "expected a number, quoted text or true/false")


def _attributes(node: Node) -> set[str]:
    match node:
        case Compare(left, _, right):
            return {o.name for o in (left, right) if isinstance(o, Attr)}
        case InList(attr) | Flag(attr):
            return {attr.name}
        case And(parts) | Or(parts):
            return set().union(*(_attributes(p) for p in parts))
        case Not(part):
            return _attributes(part)


def _word(key: str, lang: Lang) -> str:
    return _WORDS[key][0 if lang == "zh" else 1]


def _value(value: Scalar, lang: Lang) -> str:
    if isinstance(value, bool):
        return _word("true" if value else "false", lang)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return f"“{value}”" if lang == "zh" else f'"{value}"'


def _operand(o: Operand, lang: Lang) -> str:
    return o.name if isinstance(o, Attr) else _value(o.value, lang)


def _render(node: Node, lang: Lang) -> str:
    match node:
        case Compare(left, op, right):
            return f"{_operand(left, lang)} {_SHOWN_OPS[op]} {_operand(right, lang)}"
        case InList(attr, values, negate):
            sep = "、" if lang == "zh" else ", "
            listed = sep.join(_value(v, lang) for v in values)
            return f"{attr.name} {_word('not in' if negate else 'in', lang)} {{{listed}}}"
        case Flag(attr):
            return attr.name
        case Not(part):
            inner = _render(part, lang)
            if isinstance(part, And | Or):
                inner = f"({inner})"
            return f"{_word('not', lang)} {inner}"
        case And(parts) | Or(parts):
            word = _word("and" if isinstance(node, And) else "or", lang)
            shown = [
                f"({_render(p, lang)})" if isinstance(p, And | Or) and type(p) is not type(node)
                else _render(p, lang)
                for p in parts
            ]  # fmt: skip
            return f" {word} ".join(shown)
