"""IMf on tiny hand-made variant logs: every cut, the noise filter and each fall-through."""

from __future__ import annotations

from opexflow.models import discovery
from opexflow.models.discovery import Step, fall_through, mine
from opexflow.models.tree import TAU, Leaf, Node, Operator
from opexflow.models.varlog import Graph, VariantLog


def _log(variants: dict[tuple[str, ...], int]) -> VariantLog:
    return VariantLog.from_variants(variants)


def _dicts(step: Step | None) -> tuple[Operator, list[dict[tuple[str, ...], int]]] | None:
    """A step with its sub-logs as ``{activities: cases}``, for comparing."""
    if step is None:
        return None
    op, logs = step
    return op, [sub.to_dict() for sub in logs]


def test_base_cases() -> None:
    assert mine({}) == TAU
    assert mine({("a",): 3}) == Leaf("a")
    assert mine({(): 4}) == TAU


def test_exclusive_choice_cut() -> None:
    assert str(mine({("a", "b"): 2, ("c", "d"): 1})) == "X( ->( 'a', 'b' ), ->( 'c', 'd' ) )"


def test_sequence_cut() -> None:
    assert str(mine({("a", "b", "c"): 3})) == "->( 'a', 'b', 'c' )"


def test_strict_sequence_cut_keeps_skippable_part_together() -> None:
    # b and c are skipped together: one optional block, not two.
    tree = mine({("a", "b", "c", "d"): 3, ("a", "d"): 2}, noise=0.0)
    assert str(tree) == "->( 'a', X( ->( 'b', 'c' ), tau ), 'd' )"


def test_parallel_cut() -> None:
    assert str(mine({("a", "b"): 2, ("b", "a"): 2})) == "+( 'a', 'b' )"


def test_loop_cut() -> None:
    assert str(mine({("a",): 2, ("a", "b", "a"): 1}, noise=0.0)) == "*( 'a', 'b' )"


def test_empty_traces_above_the_threshold_make_the_model_optional() -> None:
    assert str(mine({("a",): 1, (): 1}, noise=0.2)) == "X( 'a', tau )"


def test_empty_traces_below_the_threshold_are_noise() -> None:
    assert mine({("a",): 10, (): 1}, noise=0.2) == Leaf("a")


def test_noise_filter_removes_a_rare_back_edge() -> None:
    log = {("a", "b"): 20, ("a", "b", "a", "b"): 1}
    assert str(mine(log, noise=0.0)) == "*( ->( 'a', 'b' ), tau )"
    # b -> a happens once against 21 ends at b: below 0.2, so IMf sees a sequence.
    assert str(mine(log, noise=0.2)).startswith("->(")


def test_filter_graph_keeps_strong_edges_and_starts() -> None:
    a, b, c = 0, 1, 2
    g = Graph({(a, b): 10, (a, c): 1}, {a: 10, c: 1}, {b: 10, c: 1})
    f = discovery.filter_graph(g, 0.2)
    assert f.edges == {(a, b): 10}
    assert f.start == {a: 10}
    assert f.end == g.end


def test_fall_through_activity_once_per_trace() -> None:
    step = fall_through(_log({("a", "x", "a"): 1, ("x", "a"): 1}))
    assert _dicts(step) == (Operator.AND, [{("x",): 2}, {("a", "a"): 1, ("a",): 1}])


def test_fall_through_activity_concurrent() -> None:
    # No activity once in every trace; without a (first by name) b and c interleave.
    log = _log({("a", "c", "b", "c"): 1, ("a", "a", "b", "b"): 1})
    assert discovery._activity_once_per_trace(log) is None
    assert _dicts(fall_through(log)) == (
        Operator.AND,
        [{("a",): 1, ("a", "a"): 1}, {("c", "b", "c"): 1, ("b", "b"): 1}],
    )


def test_fall_through_strict_tau_loop() -> None:
    step = fall_through(_log({("a", "b", "a", "b"): 1}))
    assert _dicts(step) == (Operator.LOOP, [{("a", "b"): 2}, {}])


def test_fall_through_tau_loop() -> None:
    # a restarts after b, which is not an end activity: only the non-strict split applies.
    log = _log({("a", "b", "a", "c"): 1})
    g = log.graph()
    assert discovery._strict_tau_loop(log, g) is None
    assert _dicts(discovery._tau_loop(log, g)) == (
        Operator.LOOP,
        [{("a", "b"): 1, ("a", "c"): 1}, {}],
    )


def test_fall_through_flower() -> None:
    assert _dicts(discovery._flower(_log({("b", "a"): 1}))) == (
        Operator.LOOP,
        [{}, {("a",): 1, ("b",): 1}],
    )
    assert mine({}) == TAU
    flower = Node(Operator.LOOP, (TAU, Node(Operator.XOR, (Leaf("a"), Leaf("b")))))
    assert str(flower) == "*( tau, X( 'a', 'b' ) )"
