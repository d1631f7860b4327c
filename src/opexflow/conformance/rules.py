"""The rule schema: control points as data (YAML or JSON), one model per kind.

Every rule has an ``id`` (unique in its file), an optional ``when`` condition
on case attributes (see :mod:`opexflow.conformance.conditions`) and an
optional ``description``. The kind follows from the keys (an explicit
``kind:`` may be given and must agree):

==========  ===============================================================
kind        keys
==========  ===============================================================
require     ``require: A`` [``before: B``]
order       ``order: [A, B]``
within      ``within: {from: A, to: B, max: 24h}``
four_eyes   ``four_eyes: [A, B]``
absent      ``absent: A``
bypass      ``when`` (required), ``instead_of: A``, ``require: R``
            [``backfill: {activity: A, within: 24h}``]
==========  ===============================================================

What each kind checks is documented on its model and in ``docs/conformance.md``.
A new kind is a new model added to :data:`KINDS` and a branch in ``check.py``.

Example:
    >>> rule = parse_rule({"id": "fa", "when": "amount >= 10000",
    ...                    "require": "Finance Approval", "before": "Ship"})
    >>> rule.kind, rule.activities
    ('require', ('Finance Approval', 'Ship'))
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    field_validator,
    model_validator,
)

from opexflow.conformance.conditions import Condition, parse_condition
from opexflow.conformance.durations import duration_text, parse_duration
from opexflow.errors import Location

RuleKind = Literal["require", "order", "within", "four_eyes", "absent", "bypass"]


def _condition(value: object) -> object:
    return parse_condition(value) if isinstance(value, str) else value


def _duration(value: object) -> object:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(
            f"write a duration with its unit, e.g. 24h, 5d, 30m or 1d12h, not {value!r}"
        )
    return parse_duration(value)


When = Annotated[
    Condition | None,
    BeforeValidator(_condition),
    PlainSerializer(lambda c: None if c is None else str(c), return_type=str | None),
]
Duration = Annotated[
    timedelta, BeforeValidator(_duration), PlainSerializer(duration_text, return_type=str)
]
ActivityName = Annotated[str, Field(min_length=1)]


def _two_different(names: list[str]) -> list[str]:
    if names[0] == names[1]:
        raise ValueError(f"name two different activities, not {names[0]!r} twice")
    return names


def _different(a: str | None, b: str | None, what: str) -> None:
    if a is not None and a == b:
        raise ValueError(f"{what} name the same activity {a!r}; name two different ones")


Pair = Annotated[
    list[ActivityName], Field(min_length=2, max_length=2), AfterValidator(_two_different)
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class RuleBase(_Model):
    """Keys every rule has."""

    id: Annotated[str, Field(min_length=1, max_length=200)]
    when: When = None
    description: str | None = None
    _location: Location | None = PrivateAttr(default=None)

    kind: ClassVar[RuleKind]

    @property
    def location(self) -> Location | None:
        """Where the rule was written (file and line), when it came from a file."""
        return self._location

    @property
    def activities(self) -> tuple[str, ...]:
        """Every activity the rule names."""
        raise NotImplementedError

    @property
    def attributes(self) -> frozenset[str]:
        """Every case attribute the rule reads."""
        return self.when.attributes if self.when is not None else frozenset()

    def to_dict(self) -> dict[str, Any]:
        """The rule as it would be written in YAML (with its ``kind``)."""
        return {"kind": self.kind, **self.model_dump(mode="json", by_alias=True, exclude_none=True)}


class RequireRule(RuleBase):
    """``require: A`` — A must occur in every case meeting ``when``.

    With ``before: B`` the rule looks only at cases in which B occurs: A must
    occur before the first B. Cases that used a bypass rule replacing A (see
    :class:`BypassRule`) before B are excused and left to that rule.
    """

    kind: ClassVar[RuleKind] = "require"
    require: ActivityName
    before: ActivityName | None = None

    @model_validator(mode="after")
    def _distinct(self) -> RequireRule:
        _different(self.require, self.before, "'require' and 'before'")
        return self

    @property
    def activities(self) -> tuple[str, ...]:
        return (self.require, self.before) if self.before else (self.require,)


class OrderRule(RuleBase):
    """``order: [A, B]`` — in cases with both, the first A comes before the first B."""

    kind: ClassVar[RuleKind] = "order"
    order: Pair

    @property
    def activities(self) -> tuple[str, ...]:
        return tuple(self.order)


class WithinSpec(_Model):
    """``{from: A, to: B, max: 24h}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: ActivityName = Field(alias="from")
    to: ActivityName
    max: Duration

    @model_validator(mode="after")
    def _distinct(self) -> WithinSpec:
        _different(self.from_, self.to, "'from' and 'to'")
        return self


class WithinRule(RuleBase):
    """``within: {from: A, to: B, max: D}`` — the first B after the first A follows it by at most D.

    Only cases with A and a later B are checked (``<= D`` passes: exactly 24 h
    is within 24 h). Times are completion times on the clock.
    """

    kind: ClassVar[RuleKind] = "within"
    within: WithinSpec

    @property
    def activities(self) -> tuple[str, ...]:
        return (self.within.from_, self.within.to)


class FourEyesRule(RuleBase):
    """``four_eyes: [A, B]`` — nobody performs both A and B in the same case."""

    kind: ClassVar[RuleKind] = "four_eyes"
    four_eyes: Pair

    @property
    def activities(self) -> tuple[str, ...]:
        return tuple(self.four_eyes)

    @property
    def attributes(self) -> frozenset[str]:
        return super().attributes | {"resource"}


class AbsentRule(RuleBase):
    """``absent: A`` — A must not occur in cases meeting ``when``."""

    kind: ClassVar[RuleKind] = "absent"
    absent: ActivityName

    @property
    def activities(self) -> tuple[str, ...]:
        return (self.absent,)


class Backfill(_Model):
    """``{activity: A, within: 24h}``."""

    activity: ActivityName
    within: Duration


class BypassRule(RuleBase):
    """An emergency path: ``require: R`` may replace ``instead_of: A`` when ``when`` holds.

    A case *uses* the bypass when R occurs in it. A use is a violation when
    ``when`` does not hold for the case (outside its condition), or when
    ``backfill`` is given and its activity does not occur at most ``within``
    after the first R (not back-filled in time).
    """

    kind: ClassVar[RuleKind] = "bypass"
    when: When = Field(default=None, validate_default=True)
    instead_of: ActivityName
    require: ActivityName
    backfill: Backfill | None = None

    @field_validator("when")
    @classmethod
    def _needs_condition(cls, v: Condition | None) -> Condition:
        if v is None:
            raise ValueError("a bypass rule needs 'when': the condition under which it is allowed")
        return v

    @model_validator(mode="after")
    def _distinct(self) -> BypassRule:
        _different(self.require, self.instead_of, "'require' and 'instead_of'")
        return self

    @property
    def activities(self) -> tuple[str, ...]:
        names = [self.require, self.instead_of]
        if self.backfill and self.backfill.activity not in names:
            names.append(self.backfill.activity)
        return tuple(names)


Rule = RequireRule | OrderRule | WithinRule | FourEyesRule | AbsentRule | BypassRule

KINDS: Final[dict[str, type[RuleBase]]] = {
    "require": RequireRule,
    "order": OrderRule,
    "within": WithinRule,
    "four_eyes": FourEyesRule,
    "absent": AbsentRule,
    "bypass": BypassRule,
}


class RuleKindError(ValueError):
    """The kind of a rule cannot be told from its keys."""


def detect_kind(data: dict[str, Any]) -> str:
    """The kind a rule's keys call for (an explicit ``kind`` must agree)."""
    if "instead_of" in data or "backfill" in data:
        found = "bypass"
    else:
        found = next(
            (k for k in ("order", "within", "four_eyes", "absent", "require") if k in data), ""
        )
    given = data.get("kind")
    if given is not None and given not in KINDS:
        raise RuleKindError(f"kind {given!r} is not known; use one of {', '.join(KINDS)}")
    if given is not None and found and given != found:
        raise RuleKindError(f"kind {given!r} does not match its keys, which make a {found!r} rule")
    kind = given or found
    if not kind:
        raise RuleKindError(
            "cannot tell the kind of this rule: give one of the keys require, order, within, "
            "four_eyes, absent, or instead_of (bypass)"
        )
    return str(kind)


def parse_rule(data: dict[str, Any], *, location: Location | None = None) -> Rule:
    """Validate one rule mapping; raises ``ValueError`` (pydantic's or :class:`RuleKindError`)."""
    kind = detect_kind(data)
    body = {k: v for k, v in data.items() if k != "kind"}
    rule: Rule = KINDS[kind].model_validate(body)  # type: ignore[assignment]
    rule._location = location
    return rule
