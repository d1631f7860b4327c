"""Token-game machinery shared by replay and precision: a compiled net and one
replay step with PM4Py's handling of silent transitions.

When an event's transition is not enabled, the replayer first tries to enable it
by firing silent transitions along the shortest silent paths from marked places
to the places that lack a token (two levels deep); only then are the missing
tokens added. At the end it fires silent transitions towards the final marking.
These rules, the order in which paths are tried (places by name, shorter paths
first) and the counting of produced, consumed, missing and remaining tokens are
those of PM4Py's ``token_replay`` (Berti & van der Aalst, 2019), so that the
fitness figures agree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from opexflow.models.petri import PetriNet

Marking = dict[int, int]
Frozen = tuple[tuple[int, int], ...]
_DEPTH = 2  # levels of recursion when enabling a transition through silent ones
_FINAL_ROUNDS = 5
# Bounds the silent exploration on nets where silent transitions can create
# tokens without end (never the case for nets from trees or BPMN).
_EXPLORE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of replaying one event from a marking."""

    marking: Frozen
    consumed: int
    produced: int
    missing: int
    known: bool  # the activity is in the model


@dataclass(frozen=True, slots=True)
class End:
    """The outcome of closing a trace: tokens counted against the final marking."""

    marking: Frozen
    consumed: int
    produced: int
    missing: int
    remaining: int


@dataclass
class CompiledNet:
    """A Petri net as integer arrays, with the caches that make replay fast."""

    net: PetriNet
    names: list[str] = field(init=False)
    rank: list[int] = field(init=False)
    ins: list[tuple[int, ...]] = field(init=False)
    outs: list[tuple[int, ...]] = field(init=False)
    labels: list[str | None] = field(init=False)
    order: Callable[[int], str] = field(init=False)
    by_label: dict[str, list[int]] = field(init=False)
    default: dict[str, int] = field(init=False)
    silent_out: list[list[int]] = field(init=False)
    paths: list[dict[int, tuple[int, ...]]] = field(init=False)
    waiting: list[frozenset[str]] = field(init=False)
    initial: Frozen = field(init=False)
    final: dict[int, int] = field(init=False)
    _steps: dict[tuple[Frozen, str], Step] = field(init=False, default_factory=dict)
    _ends: dict[Frozen, End] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        net = self.net
        self.names = list(net.places)
        index = {p: i for i, p in enumerate(self.names)}
        order = sorted(range(len(self.names)), key=lambda i: self.names[i])
        self.rank = [0] * len(order)
        for r, i in enumerate(order):
            self.rank[i] = r
        tindex = {t.name: i for i, t in enumerate(net.transitions)}
        self.ins = [() for _ in net.transitions]
        self.outs = [() for _ in net.transitions]
        for s, d in net.arcs:
            if s in tindex:
                self.outs[tindex[s]] += (index[d],)
            else:
                self.ins[tindex[d]] += (index[s],)
        self.labels = [t.label for t in net.transitions]
        tnames = [t.name for t in net.transitions]
        self.order = lambda t: tnames[t]
        self.by_label = {}
        self.default = {}
        for i in sorted(range(len(net.transitions)), key=lambda i: net.transitions[i].name):
            label = self.labels[i]
            if label is not None:
                self.by_label.setdefault(label, []).append(i)
                self.default[label] = i
        self.silent_out = [[] for _ in self.names]
        for i in sorted(range(len(net.transitions)), key=lambda i: net.transitions[i].name):
            if self.labels[i] is None:
                for p in self.ins[i]:
                    self.silent_out[p].append(i)
        self.paths = [self._shortest_silent_paths(p) for p in range(len(self.names))]
        self.waiting = [self._visible_after(p) for p in range(len(self.names))]
        self.initial = tuple((index[p], 1) for p in net.initial)
        self.final = {index[p]: 1 for p in net.final}

    def _shortest_silent_paths(self, start: int) -> dict[int, tuple[int, ...]]:
        found: dict[int, tuple[int, ...]] = {}
        queue: deque[tuple[int, tuple[int, ...]]] = deque([(start, ())])
        while queue:
            place, path = queue.popleft()
            for t in self.silent_out[place]:
                for q in self.outs[t]:
                    if q not in found:
                        found[q] = (*path, t)
                        if q != start:
                            queue.append((q, found[q]))
        return found

    def _visible_after(self, place: int) -> frozenset[str]:
        """Activities a token in ``place`` waits for, directly or through silent
        transitions."""
        users: list[list[int]] = [[] for _ in self.names]
        for t, ins in enumerate(self.ins):
            for p in ins:
                users[p].append(t)
        seen, labels = {place}, set()
        queue = deque([place])
        while queue:
            p = queue.popleft()
            for t in users[p]:
                label = self.labels[t]
                if label is not None:
                    labels.add(label)
                    continue
                for q in self.outs[t]:
                    if q not in seen:
                        seen.add(q)
                        queue.append(q)
        return frozenset(labels)

    # -- semantics ---------------------------------------------------------------

    def enabled(self, t: int, m: Marking) -> bool:
        return all(m.get(p, 0) >= 1 for p in self.ins[t])

    def fire(self, t: int, m: Marking) -> Marking:
        out = dict(m)
        for p in self.ins[t]:
            out[p] -= 1
            if out[p] == 0:
                del out[p]
        for p in self.outs[t]:
            out[p] = out.get(p, 0) + 1
        return out

    def step(self, marking: Frozen, activity: str) -> Step:
        """Replay one event (cached by marking and activity)."""
        key = (marking, activity)
        hit = self._steps.get(key)
        if hit is None:
            hit = self._steps[key] = self._step(dict(marking), activity)
        return hit

    def _step(self, m: Marking, activity: str) -> Step:
        if activity not in self.default:
            return Step(tuple(m.items()), 0, 0, 0, known=False)
        live = [t for t in self.by_label[activity] if self.enabled(t, m)]
        t = live[0] if live else self.default[activity]
        consumed = produced = missing = 0
        if not self.enabled(t, m):
            fired: list[int] = []
            m = self._enable_through_silent(t, m, 0, set(), fired)
            consumed += sum(len(self.ins[x]) for x in fired)
            produced += sum(len(self.outs[x]) for x in fired)
        if not self.enabled(t, m):
            for p in self.ins[t]:
                if m.get(p, 0) < 1:
                    missing += 1
                    m[p] = m.get(p, 0) + 1
        consumed += len(self.ins[t])
        produced += len(self.outs[t])
        m = self.fire(t, m)
        return Step(tuple(m.items()), consumed, produced, missing, known=True)

    def _silent_paths_to(self, m: Marking, targets: list[int]) -> list[tuple[int, ...]]:
        targets = sorted(targets, key=self.rank.__getitem__)
        found = [
            self.paths[p1][p2]
            for p1 in sorted(m, key=self.rank.__getitem__)
            for p2 in targets
            if p2 in self.paths[p1]
        ]
        found.sort(key=len)
        return found

    def _enable_through_silent(
        self, t: int, m: Marking, depth: int, visited: set[int], fired: list[int]
    ) -> Marking:
        if depth >= _DEPTH or t in visited:
            return m
        visited.add(t)
        lacking = [p for p in self.ins[t] if m.get(p, 0) < 1]
        groups = self._silent_paths_to(m, lacking)
        if not groups:
            return m
        m = self._walk_groups(t, m, groups, visited, fired)
        if self.enabled(t, m):
            return m
        for path in self._silent_paths_to(m, lacking):
            for t4 in path:
                if t4 == t or t4 in visited:
                    continue
                if not self.enabled(t4, m):
                    m = self._enable_through_silent(t4, m, depth + 1, visited, fired)
                if self.enabled(t4, m):
                    m = self.fire(t4, m)
                    fired.append(t4)
                    visited.add(t4)
        return m

    def _walk_groups(
        self,
        t: int,
        m: Marking,
        groups: list[tuple[int, ...]],
        visited: set[int],
        fired: list[int],
    ) -> Marking:
        # Round-robin over the paths, one pass each; stop when t is enabled or a
        # round changes nothing.
        pos = [0] * len(groups)
        z = 0
        while True:
            g = z % len(groups)
            changed = False
            for _ in range(pos[g], len(groups[g])):
                t3 = groups[g][pos[g]]
                if t3 != t and self.enabled(t3, m) and t3 not in visited:
                    m = self.fire(t3, m)
                    fired.append(t3)
                    visited.add(t3)
                    changed = True
                pos[g] += 1
                if self.enabled(t, m):
                    break
            if self.enabled(t, m) or not changed:
                return m
            z += 1

    def end(self, marking: Frozen) -> End:
        """Move towards the final marking through silent transitions and count the
        tokens left over and missing (cached by marking)."""
        hit = self._ends.get(marking)
        if hit is None:
            hit = self._ends[marking] = self._end(dict(marking))
        return hit

    def _reached(self, m: Marking) -> bool:
        return all(p in m for p in self.final)

    def _end(self, m: Marking) -> End:
        consumed = produced = 0
        for _ in range(_FINAL_ROUNDS):
            if self._reached(m):
                break
            for path in self._silent_paths_to(m, list(self.final)):
                for t in path:
                    if self.enabled(t, m):
                        m = self.fire(t, m)
                        consumed += len(self.ins[t])
                        produced += len(self.outs[t])
                if self._reached(m):
                    break
        if not self._reached(m) and len(self.final) == 1:
            (sink,) = self.final
            roads = sorted((self.paths[p][sink] for p in m if sink in self.paths[p]), key=len)
            for _ in range(_FINAL_ROUNDS):
                for road in roads:
                    for t in road:
                        if not self.enabled(t, m):
                            break
                        m = self.fire(t, m)
                        consumed += len(self.ins[t])
                        produced += len(self.outs[t])
        missing = sum(max(0, n - m.get(p, 0)) for p, n in self.final.items())
        remaining = sum(max(0, n - self.final.get(p, 0)) for p, n in m.items())
        consumed += sum(self.final.values())
        return End(tuple(m.items()), consumed, produced, missing, remaining)

    def eventually_enabled(self, marking: Frozen) -> frozenset[str]:
        """Activities enabled in ``marking`` or after firing silent transitions.

        Explored as PM4Py does (so that precision agrees): transitions are
        queued in name order, and a silent transition fires from the last
        marking in which it was found enabled.
        """
        order = self.order
        start = dict(marking)
        queue = sorted((t for t in range(len(self.labels)) if self.enabled(t, start)), key=order)
        latest: dict[int, Marking] = dict.fromkeys(queue, start)
        labels: set[str] = set()
        seen: set[tuple[int, Frozen]] = set()
        i = 0
        while i < len(queue) and i < _EXPLORE_LIMIT:
            t = queue[i]
            i += 1
            m = latest[t]
            key = (t, tuple(sorted(m.items())))
            if key in seen:
                continue
            seen.add(key)
            label = self.labels[t]
            if label is not None:
                labels.add(label)
            elif self.enabled(t, m):
                nxt = self.fire(t, m)
                for t2 in sorted(
                    (x for x in range(len(self.labels)) if self.enabled(x, nxt)), key=order
                ):
                    queue.append(t2)
                    latest[t2] = nxt
        return frozenset(labels)
