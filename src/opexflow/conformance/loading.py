"""Read rules from a YAML or JSON file, YAML text, or already parsed data.

A rules file is a list of rules, or a mapping with a ``rules:`` list (other
keys, such as ``process: DD-LC01``, are kept as the set's metadata). Every
problem raises :class:`~opexflow.errors.InputError` naming the file, the line
and the rule id, and saying what is expected.

Example:
    >>> rules = load_rules('''
    ... - id: finance-approval
    ...   when: amount >= 10000
    ...   require: Finance Approval
    ...   before: Ship Order
    ... ''')
    >>> rules[0].kind, str(rules[0].when)
    ('require', 'amount >= 10000')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError

from opexflow.conformance.rules import KINDS, Rule, RuleKindError, detect_kind, parse_rule
from opexflow.errors import InputError, Location, NotFoundError

_SUFFIXES: Final = (".yaml", ".yml", ".json")
MAX_BYTES: Final = 5_000_000
"""Rules files larger than this are refused (a control-point list is a few kilobytes)."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in file order, where they came from, and the file's other keys."""

    rules: tuple[Rule, ...]
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, i: int) -> Rule:
        return self.rules[i]


def load_rules(source: str | Path | Sequence[Mapping[str, Any]] | RuleSet) -> RuleSet:
    """Rules from a file path, YAML/JSON text, a list of mappings, or a :class:`RuleSet`.

    A ``str`` is read as a path when it names an existing file or ends in
    ``.yaml``, ``.yml`` or ``.json`` and has no line break; otherwise as YAML text.

    Raises:
        NotFoundError: the file does not exist.
        InputError: the text is not YAML, or a rule is malformed (file, line, rule id).
    """
    if isinstance(source, RuleSet):
        return source
    if isinstance(source, Path) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        return _from_text(_read(path), str(path))
    if isinstance(source, str):
        return _from_text(source, None)
    if isinstance(source, Sequence):
        items: list[tuple[Any, yaml.Node | None]] = [
            (dict(r) if isinstance(r, Mapping) else r, None) for r in source
        ]
        return RuleSet(_parse_items(items, None))
    raise InputError(
        f"rules must be a path, YAML text or a list of rule mappings, not {type(source).__name__}"
    )


def _looks_like_path(text: str) -> bool:
    if "\n" in text or len(text) > 4096:
        return False
    return text.lower().endswith(_SUFFIXES) or Path(text).is_file()


def _read(path: Path) -> str:
    if not path.is_file():
        raise NotFoundError(f"rules file {path} does not exist; check the path")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(
            f"rules file {path} is larger than {MAX_BYTES:,} bytes; is it the right file?"
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"rules file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8",
            location=Location(file=str(path)),
        ) from None


def _from_text(text: str, file: str | None) -> RuleSet:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "not valid YAML"
        raise InputError(
            f"not valid YAML: {what}; check indentation, colons and quotes",
            location=Location(file=file, line=line),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", location=Location(file=file)) from None
    finally:
        loader.dispose()
    meta: dict[str, Any] = {}
    if isinstance(data, dict) and "rules" in data:
        assert isinstance(node, yaml.MappingNode)
        node = next(v for k, v in node.value if k.value == "rules")
        meta = {k: v for k, v in data.items() if k != "rules"}
        data = data["rules"]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise InputError(
            "a rules file is a list of rules (each starting with '- id: ...'), "
            "or a mapping with a 'rules:' list",
            location=Location(file=file, line=node.start_mark.line + 1 if node else None),
        )
    items = [(d, n) for d, n in zip(data, node.value, strict=True)]
    return RuleSet(_parse_items(items, file), source=file, meta=meta)


def _parse_items(items: list[tuple[Any, yaml.Node | None]], file: str | None) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, int | None] = {}
    for i, (data, node) in enumerate(items, start=1):
        line = node.start_mark.line + 1 if node is not None else None
        where = Location(file=file, line=line)
        label = f"rule #{i}" if line is None else "rule"
        if not isinstance(data, dict):
            raise InputError(
                f"{label} is not a mapping of keys (id, when, require, ...)", location=where
            )
        rid = data.get("id")
        named = f"{label} {rid!r}" if isinstance(rid, str) else label
        rule = _parse_one(data, node, named, file, where)
        if rule.id in seen:
            at = f" (line {seen[rule.id]})" if seen[rule.id] else ""
            raise InputError(
                f"{named}: id already used by an earlier rule{at}; ids must be unique",
                location=where,
            )
        seen[rule.id] = line
        rules.append(rule)
    return tuple(rules)


def _parse_one(
    data: dict[str, Any], node: yaml.Node | None, named: str, file: str | None, where: Location
) -> Rule:
    try:
        return parse_rule(data, location=where)
    except RuleKindError as exc:
        raise InputError(f"{named}: {exc}", location=where) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        line = _key_line(node, key) or where.line
        raise InputError(
            f"{named}: {_explain(err, data)}", location=Location(file=file, line=line)
        ) from None


def _explain(err: Mapping[str, Any], data: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    kind = detect_kind(data)
    if err["type"] == "extra_forbidden":
        model = KINDS[kind]
        keys = ", ".join(f.alias or n for n, f in model.model_fields.items())
        return f"unknown key {loc!r}; a {kind} rule takes the keys {keys}"
    if err["type"] == "missing":
        return f"missing key {loc!r} (a {kind} rule needs it)"
    return f"{loc}: {msg}" if loc else msg


def _key_line(node: yaml.Node | None, key: str) -> int | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, _ in node.value:
        if k.value == key:
            return int(k.start_mark.line) + 1
    return None
