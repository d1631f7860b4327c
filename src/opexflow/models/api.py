"""The public face of process models: discover, replay, precision, quality.

Each function reads the log's aggregates with one engine query each (variants;
for lanes, activity × department counts) and works on them in Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opexflow.errors import InputError
from opexflow.models.bpmn import BpmnModel, bpmn_to_net, tree_to_bpmn
from opexflow.models.discovery import mine
from opexflow.models.petri import PetriNet, tree_to_net
from opexflow.models.precision import METHOD as PRECISION_METHOD
from opexflow.models.precision import etc_precision
from opexflow.models.replay import Replay, replay_variants
from opexflow.models.tokens import CompiledNet
from opexflow.models.tree import ProcessTree
from opexflow.models.varlog import VariantLog

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

Variants = list[tuple[tuple[str, ...], int]]


@dataclass(frozen=True)
class Model:
    """A process model: its tree (when discovered), Petri net and BPMN form.

    Attributes:
        net: the Petri net used for replay.
        bpmn: the BPMN 2.0 form (lanes = departments when known).
        tree: the process tree, ``None`` for an imported BPMN model.
        noise: the IMf noise threshold it was discovered with, if discovered.
    """

    net: PetriNet
    bpmn: BpmnModel
    tree: ProcessTree | None = None
    noise: float | None = None

    def to_bpmn_xml(self) -> str:
        """The BPMN 2.0 XML (with diagram) of this model.

        Raises:
            InputError: the model is a bare Petri net, without a BPMN form.
        """
        from opexflow.models.bpmn_xml import to_xml

        if not self.bpmn.nodes:
            raise InputError(
                "这个模型只有 Petri 网，没有 BPMN 形式 / this model is a bare Petri net "
                "without a BPMN form; discover it or read it from a .bpmn file"
            )
        return to_xml(self.bpmn)

    @cached_property
    def compiled(self) -> CompiledNet:
        """The net prepared for replay (kept so that repeated replays reuse caches)."""
        return CompiledNet(self.net)


@dataclass(frozen=True, slots=True)
class Quality:
    """Fitness and precision of a model on a log, each with its method."""

    fitness: float
    precision: float
    replay: Replay
    fitness_method: str
    precision_method: str = PRECISION_METHOD

    def to_dict(self, *, top: int | None = 20) -> dict[str, Any]:
        return {
            "fitness": self.fitness,
            "precision": self.precision,
            "fitness_method": self.fitness_method,
            "precision_method": self.precision_method,
            "replay": self.replay.to_dict(top=top),
        }


def log_variants(log: EventLog, *, engine: Engine | None = None) -> Variants:
    """``(activities, cases)`` for every variant of ``log`` (one engine query).

    The same variants as :func:`opexflow.variants`, without the duration
    statistics that discovery and replay do not need.
    """
    return list(variant_log(log, engine=engine).to_dict().items())


def variant_log(log: EventLog, *, engine: Engine | None = None) -> VariantLog:
    """The variants of ``log`` with their cases as flat arrays (one engine query).

    Unfiltered, they are the stored variants; with case filters, the stored
    variants of the cases kept, counted; with event filters, the traces of the
    events kept (read in stored order, a few integer columns), grouped here.
    """
    from opexflow.analysis.tables import log_key, log_tables

    t = log_tables(log, engine)
    key = log_key(log)
    names = t.engine.run(("activity_names", *key), t.activity_names)
    acts = names.sort_by("activity_idx").column("activity").to_pylist()
    if not t.clean:
        kept = t.engine.run(("kept_traces", *key), lambda: t.kept.select(*_TRACE_COLUMNS))
        return _grouped_traces(acts, kept)

    def build() -> ir.Table:
        stored = t.stored_variants()
        if not log.filters:
            return stored.select("activity_idxs", n=stored.cases)
        grouped = t.cases.group_by("variant_idx").aggregate(n=t.cases.count())
        return grouped.join(stored, "variant_idx").select("n", "activity_idxs")

    table = t.engine.run(("stored_variants", *key), build)
    lists = table.column("activity_idxs").combine_chunks()
    return VariantLog.from_codes(
        acts,
        lists.flatten().to_numpy().astype(np.int64),
        pc.list_value_length(lists).to_numpy().astype(np.int64),
        table.column("n").to_numpy().astype(np.int64),
    )


_TRACE_COLUMNS = ("case_idx", "event_idx", "activity_idx")


def _grouped_traces(names: list[str], events: pa.Table) -> VariantLog:
    """Variants from ``(case_idx, event_idx, activity_idx)`` rows: equal traces merged.

    Each case's codes are cut from one byte string (a slice of bytes hashes and
    compares in C, several times faster than a tuple of ints)."""
    case, pos, code = (events.column(c).to_numpy() for c in _TRACE_COLUMNS)
    if (
        len(case) > 1
        and not ((np.diff(case) > 0) | ((np.diff(case) == 0) & (np.diff(pos) > 0))).all()
    ):
        order = np.lexsort((pos, case))
        case, code = case[order], code[order]
    width = np.dtype(np.uint8 if len(names) <= 256 else np.uint32)
    raw = code.astype(width).tobytes()
    cut = (np.flatnonzero(case[1:] != case[:-1]) + 1) * width.itemsize
    bounds = zip([0, *cut.tolist()], [*cut.tolist(), len(raw)], strict=True)
    variants = Counter(raw[a:b] for a, b in bounds) if len(raw) else Counter()
    return VariantLog.from_codes(
        names,
        np.frombuffer(b"".join(variants), dtype=width).astype(np.int64),
        np.fromiter(map(len, variants), dtype=np.int64, count=len(variants)) // width.itemsize,
        np.fromiter(variants.values(), dtype=np.int64, count=len(variants)),
    )


def discover(log: EventLog, *, noise: float = 0.2, engine: Engine | None = None) -> Model:
    """Discover a process model with the Inductive Miner infrequent (IMf).

    Args:
        log: the event log.
        noise: IMf noise threshold in [0, 1]; 0 keeps every behaviour (IM).
        engine: the engine to query (DuckDB by default).

    Example:
        >>> model = discover(log, noise=0.2)                        # doctest: +SKIP
        >>> print(model.tree)                                      # doctest: +SKIP
        ->( '填写申请', '人工审核', '系统激活' )
    """
    if not 0.0 <= noise <= 1.0:
        raise InputError(f"noise={noise}: 噪声阈值应在 0 到 1 之间 / use a value from 0 to 1")
    tree = mine(variant_log(log, engine=engine), noise=noise)
    lanes = activity_departments(log, engine=engine)
    return Model(tree_to_net(tree), tree_to_bpmn(tree, lanes=lanes, name=log.name), tree, noise)


def activity_departments(log: EventLog, *, engine: Engine | None = None) -> dict[str, str]:
    """The department each activity is most often done by (empty without a
    department column). Ties go to the department first by name."""
    from opexflow.analysis.tables import log_tables

    if not log.meta.has_department:
        return {}
    t = log_tables(log, engine)
    ev = t.kept
    done = ev.filter(ev.department.notnull())
    counts = done.group_by(["activity", "department"]).aggregate(n=done.count())
    rows = t.engine.to_arrow(counts).to_pylist()
    best: dict[str, tuple[int, str]] = {}
    for r in rows:
        key = (-int(r["n"]), str(r["department"]))
        if r["activity"] not in best or key < best[r["activity"]]:
            best[r["activity"]] = key
    return {a: d for a, (_, d) in best.items()}


def model_from(source: Model | BpmnModel | PetriNet | str | Path) -> Model:
    """A :class:`Model` from a model, a BPMN model, a Petri net or a ``.bpmn`` file."""
    if isinstance(source, Model):
        return source
    if isinstance(source, str | Path):
        from opexflow.models.bpmn_xml import read_bpmn

        source = read_bpmn(source)
    if isinstance(source, BpmnModel):
        return Model(bpmn_to_net(source), source)
    return Model(source, BpmnModel("Process_1", "process", (), ()))


def replay(
    log: EventLog,
    model: Model | BpmnModel | PetriNet | str | Path,
    *,
    engine: Engine | None = None,
) -> Replay:
    """Token-based replay of ``log`` on ``model``: fitness overall and per variant,
    and deviations ranked by cases.

    Example:
        >>> ox.replay(log, "standard.bpmn").fitness                 # doctest: +SKIP
        0.93
    """
    m = model_from(model)
    return replay_variants(m.compiled, log_variants(log, engine=engine))


def fitness(
    log: EventLog, model: Model | BpmnModel | PetriNet | str | Path, *, engine: Engine | None = None
) -> float:
    """Log fitness by token-based replay (PM4Py's ``fitness_token_based_replay``)."""
    return replay(log, model, engine=engine).fitness


def precision(
    log: EventLog, model: Model | BpmnModel | PetriNet | str | Path, *, engine: Engine | None = None
) -> float:
    """Precision by ETConformance on token replay (PM4Py's default)."""
    m = model_from(model)
    return etc_precision(m.compiled, log_variants(log, engine=engine))


def model_quality(
    log: EventLog, model: Model | BpmnModel | PetriNet | str | Path, *, engine: Engine | None = None
) -> Quality:
    """Fitness and precision of ``model`` on ``log`` from one variants query."""
    m = model_from(model)
    variants = log_variants(log, engine=engine)
    r = replay_variants(m.compiled, variants)
    return Quality(r.fitness, etc_precision(m.compiled, variants), r, r.method)
