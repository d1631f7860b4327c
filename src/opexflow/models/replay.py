"""Token-based replay of variants on a Petri net: fitness per variant and
overall, and the deviations (skipped and inserted activities) ranked by cases.

Each distinct variant is replayed once and weighted by its number of cases.
Fitness is PM4Py's: with ``m`` missing, ``c`` consumed, ``r`` remaining and
``p`` produced tokens summed over all cases,
``fitness = 0.5 * (1 - m / c) + 0.5 * (1 - r / p)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from opexflow.models.petri import PetriNet
from opexflow.models.tokens import CompiledNet, Frozen

METHOD = "token-based replay (PM4Py semantics)"


@dataclass(frozen=True, slots=True)
class VariantFit:
    """One variant replayed.

    Attributes:
        activities: the variant.
        cases: cases that follow it.
        fitness: its trace fitness.
        missing, consumed, remaining, produced: its token counts (one case).
        inserted: activities done where the model did not allow them (missing
            tokens) or that the model does not know.
        skipped: activities the model still expected when the case ended
            (tokens left in front of them).
    """

    activities: tuple[str, ...]
    cases: int
    fitness: float
    missing: int
    consumed: int
    remaining: int
    produced: int
    inserted: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return self.missing == 0 and self.remaining == 0


@dataclass(frozen=True, slots=True)
class Deviation:
    """An activity skipped or inserted, with the cases and variants affected."""

    activity: str
    kind: str  # "skipped" or "inserted"
    cases: int
    variants: int


@dataclass(frozen=True, slots=True)
class Replay:
    """Fitness of a log on a model.

    Attributes:
        fitness: log fitness from the token totals.
        average_trace_fitness: mean of the case fitness values.
        fitting_cases: share of cases that replay without missing or remaining tokens.
        cases: cases replayed.
        variants: one entry per variant, most frequent first.
        deviations: skipped and inserted activities, most cases first.
        method: how fitness was computed.
    """

    fitness: float
    average_trace_fitness: float
    fitting_cases: float
    cases: int
    variants: tuple[VariantFit, ...]
    deviations: tuple[Deviation, ...]
    method: str = METHOD

    def to_dict(self, *, top: int | None = 20) -> dict[str, Any]:
        """JSON-ready figures; ``top`` limits the variants listed (``None``: all)."""
        shown = self.variants if top is None else self.variants[:top]
        return {
            "method": self.method,
            "fitness": self.fitness,
            "average_trace_fitness": self.average_trace_fitness,
            "fitting_cases": self.fitting_cases,
            "cases": self.cases,
            "variants": [
                {
                    "activities": list(v.activities),
                    "cases": v.cases,
                    "fitness": v.fitness,
                    "missing": v.missing,
                    "consumed": v.consumed,
                    "remaining": v.remaining,
                    "produced": v.produced,
                    "inserted": list(v.inserted),
                    "skipped": list(v.skipped),
                }
                for v in shown
            ],
            "deviations": [
                {"activity": d.activity, "kind": d.kind, "cases": d.cases, "variants": d.variants}
                for d in self.deviations
            ],
        }


def replay_variants(
    net: PetriNet | CompiledNet, variants: Iterable[tuple[Sequence[str], int]]
) -> Replay:
    """Replay each ``(activities, cases)`` once on ``net``.

    Example:
        >>> from opexflow.models.petri import tree_to_net
        >>> from opexflow.models.tree import Leaf
        >>> replay_variants(tree_to_net(Leaf("a")), [(["a"], 3)]).fitness
        1.0
    """
    c = net if isinstance(net, CompiledNet) else CompiledNet(net)
    fits = sorted((_replay_one(c, tuple(acts), n) for acts, n in variants), key=_by_cases)
    return _summarize(fits)


def _by_cases(v: VariantFit) -> tuple[int, tuple[str, ...]]:
    return (-v.cases, v.activities)


def _replay_one(c: CompiledNet, trace: tuple[str, ...], cases: int) -> VariantFit:
    marking: Frozen = c.initial
    consumed, produced, missing = 0, len(c.initial), 0
    inserted: dict[str, None] = {}
    for activity in trace:
        s = c.step(marking, activity)
        marking = s.marking
        consumed += s.consumed
        produced += s.produced
        missing += s.missing
        if s.missing or not s.known:
            inserted.setdefault(activity)
    e = c.end(marking)
    consumed += e.consumed
    produced += e.produced
    missing += e.missing
    fitness = 1.0
    if consumed > 0 and produced > 0:
        fitness = 0.5 * (1 - missing / consumed) + 0.5 * (1 - e.remaining / produced)
    return VariantFit(
        trace,
        cases,
        fitness,
        missing,
        consumed,
        e.remaining,
        produced,
        tuple(inserted),
        _expected_next(c, e.marking) if e.remaining else (),
    )


def _expected_next(c: CompiledNet, marking: Frozen) -> tuple[str, ...]:
    """Activities waiting on left-over tokens (through silent transitions)."""
    out: set[str] = set()
    for p, n in marking:
        if n > c.final.get(p, 0):
            out |= c.waiting[p]
    return tuple(sorted(out))


def _summarize(fits: list[VariantFit]) -> Replay:
    cases = sum(v.cases for v in fits)
    m = sum(v.missing * v.cases for v in fits)
    c = sum(v.consumed * v.cases for v in fits)
    r = sum(v.remaining * v.cases for v in fits)
    p = sum(v.produced * v.cases for v in fits)
    fitness = average = fitting = 0.0
    if cases and c and p:
        fitness = 0.5 * (1 - m / c) + 0.5 * (1 - r / p)
        average = sum(v.fitness * v.cases for v in fits) / cases
        fitting = sum(v.cases for v in fits if v.fits) / cases
    return Replay(fitness, average, fitting, cases, tuple(fits), _deviations(fits))


def _deviations(fits: list[VariantFit]) -> tuple[Deviation, ...]:
    tally: dict[tuple[str, str], list[int]] = {}
    for v in fits:
        for kind, acts in (("skipped", v.skipped), ("inserted", v.inserted)):
            for a in acts:
                entry = tally.setdefault((a, kind), [0, 0])
                entry[0] += v.cases
                entry[1] += 1
    devs = [Deviation(a, kind, n, k) for (a, kind), (n, k) in tally.items()]
    devs.sort(key=lambda d: (-d.cases, d.kind, d.activity))
    return tuple(devs)
