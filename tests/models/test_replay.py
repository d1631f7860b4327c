"""Token replay, deviations and precision on hand-made nets and logs."""

from __future__ import annotations

import pytest

from opexflow.models.discovery import mine
from opexflow.models.petri import tree_to_net
from opexflow.models.precision import etc_precision
from opexflow.models.replay import replay_variants
from opexflow.models.simplify import simplify_map
from opexflow.models.tree import Leaf, Node, Operator

SEQ = Node(Operator.SEQ, (Leaf("a"), Leaf("b"), Leaf("c")))


def test_a_fitting_log_has_fitness_one() -> None:
    r = replay_variants(tree_to_net(SEQ), [(("a", "b", "c"), 5)])
    assert r.fitness == 1.0
    assert r.fitting_cases == 1.0
    assert r.deviations == ()
    v = r.variants[0]
    # source + 3 transitions each produce/consume one token, plus the final token.
    assert (v.produced, v.consumed, v.missing, v.remaining) == (4, 4, 0, 0)


def test_skipped_activity_counts_one_missing_and_one_remaining_token() -> None:
    r = replay_variants(tree_to_net(SEQ), [(("a", "b", "c"), 3), (("a", "c"), 1)])
    skipped = next(v for v in r.variants if v.activities == ("a", "c"))
    assert (skipped.missing, skipped.remaining, skipped.consumed, skipped.produced) == (1, 1, 3, 3)
    assert skipped.fitness == pytest.approx(0.5 * (1 - 1 / 3) + 0.5 * (1 - 1 / 3))
    assert skipped.inserted == ("c",)
    assert skipped.skipped == ("b",)
    # Log fitness from the totals: m=1, c=3*4+3, r=1, p=3*4+3.
    assert r.fitness == pytest.approx(1 - 1 / 15)
    assert r.fitting_cases == 0.75
    kinds = {(d.kind, d.activity): d.cases for d in r.deviations}
    assert kinds == {("skipped", "b"): 1, ("inserted", "c"): 1}


def test_unknown_activity_is_an_insertion_without_tokens() -> None:
    r = replay_variants(tree_to_net(SEQ), [(("a", "x", "b", "c"), 2)])
    assert r.fitness == 1.0
    assert r.variants[0].inserted == ("x",)


def test_silent_transitions_are_walked_to_enable_the_next_activity() -> None:
    # a, then optionally b, then c: skipping b goes through the silent branch.
    tree = mine({("a", "b", "c"): 5, ("a", "c"): 5}, noise=0.0)
    r = replay_variants(tree_to_net(tree), [(("a", "c"), 5), (("a", "b", "c"), 5)])
    assert r.fitness == 1.0
    assert all(v.missing == 0 for v in r.variants)


def test_deviations_are_ranked_by_cases() -> None:
    r = replay_variants(tree_to_net(SEQ), [(("a", "c"), 2), (("b", "c"), 7), (("a", "b", "c"), 1)])
    assert [d.cases for d in r.deviations] == sorted((d.cases for d in r.deviations), reverse=True)
    assert r.deviations[0].cases == 7


def test_precision_is_one_for_a_sequence_and_lower_for_a_flower() -> None:
    log = [(("a", "b", "c"), 4)]
    assert etc_precision(tree_to_net(SEQ), log) == 1.0
    flower = Node(
        Operator.LOOP, (Leaf(None), Node(Operator.XOR, (Leaf("a"), Leaf("b"), Leaf("c"))))
    )
    # Every prefix allows a, b and c; one of them followed: 1 - 2/3 at each of the
    # empty prefix, <a>, <a b>.
    assert etc_precision(tree_to_net(flower), log) == pytest.approx(1 / 3)


def test_simplified_map_keeps_the_frequent_variants() -> None:
    log = [(("a", "b", "d"), 80), (("a", "c", "d"), 15), (("a", "x", "d"), 5)]
    m = simplify_map(log, coverage=0.9)
    assert {a for a, _ in m.activities} == {"a", "b", "c", "d"}
    assert m.coverage == 0.95
    assert m.variants_kept == 2
    assert m.activities_total == 5
    full = simplify_map(log, coverage=1.0)
    assert full.coverage == 1.0
    assert len(full.edges) == full.edges_total


def test_precision_terminates_on_a_net_whose_silent_transition_creates_tokens() -> None:
    from opexflow.models import PetriNet, Transition

    net = PetriNet(
        ("source", "sink", "p"),
        (Transition("t1", "a"), Transition("t2", None)),
        (("source", "t1"), ("t1", "sink"), ("t2", "p")),
        ("source",),
        ("sink",),
    )
    # t2 fires forever without a token; the exploration is bounded. After <a>
    # nothing visible is allowed, so nothing escapes; at the start a is allowed
    # and every case starts with it.
    assert etc_precision(net, [(("a",), 1), (("a", "a"), 1)]) == 1.0
