"""Commands on process models: discover (IMf → BPMN) and replay (fitness on a model)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opexflow.cli._app import app
from opexflow.cli.common import JsonOpt, LogOptions, errors, progress_bar, with_log_options

if TYPE_CHECKING:
    from opexflow.logs.schema import EventLog
    from opexflow.models.api import Model, Quality
    from opexflow.models.simplify import ProcessMap

NoiseOpt = Annotated[
    float,
    typer.Option(
        "--noise", help="IMf noise threshold from 0 (keep all behaviour) to 1.", min=0.0, max=1.0
    ),
]
TopOpt = Annotated[int, typer.Option("--top", help="Variants listed in the output.", min=0)]


def _read(log: Path, options: LogOptions, as_json: bool) -> EventLog:
    with progress_bar(not as_json) as progress:
        return options.read(log, progress)


@app.command()
@with_log_options
def discover(
    log: Annotated[Path, typer.Argument(help="Event log file or imported dataset directory.")],
    noise: NoiseOpt = 0.2,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the model as BPMN 2.0 XML (.bpmn).")
    ] = None,
    top: TopOpt = 10,
    map_share: Annotated[
        float | None,
        typer.Option(
            "--map",
            help="Also show a simplified map: the activities and edges covering this share of cases (e.g. 0.8).",
            min=0.01,
            max=1.0,
        ),
    ] = None,
    *,
    log_options: LogOptions,
    as_json: JsonOpt = False,
) -> None:
    """Discover the process model (Inductive Miner infrequent) with its fitness and precision.

    Prints the process tree, the model's size and its quality on the log; -o
    writes BPMN 2.0 (lanes = departments) that opens in bpmn.io / Camunda Modeler;
    --map 0.8 adds the activities and edges that cover 80% of cases.
    """
    with errors(as_json):
        ev = _read(log, log_options, as_json)
        from opexflow.models.api import discover as run
        from opexflow.models.api import model_quality

        model = run(ev, noise=noise)
        q = model_quality(ev, model)
        pmap = None
        if map_share is not None:
            from opexflow.models.api import log_variants
            from opexflow.models.simplify import simplify_map

            pmap = simplify_map(log_variants(ev), coverage=map_share)
        if output is not None:
            from opexflow.models.bpmn_xml import write_bpmn

            write_bpmn(model.bpmn, output)
    if as_json:
        out = {"log": ev.name, "noise": noise, **_model_dict(model), **q.to_dict(top=top)}
        out["bpmn_file"] = str(output.resolve()) if output is not None else None
        out["map"] = pmap.to_dict() if pmap is not None else None
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    _print(model, q, top)
    if pmap is not None:
        _print_map(pmap)
    if output is not None:
        typer.echo(f"BPMN: {output.resolve()}", err=True)


@app.command()
@with_log_options
def replay(
    log: Annotated[Path, typer.Argument(help="Event log file or imported dataset directory.")],
    model: Annotated[Path, typer.Option("--model", help="BPMN 2.0 file (.bpmn) to replay on.")],
    top: TopOpt = 10,
    *,
    log_options: LogOptions,
    as_json: JsonOpt = False,
) -> None:
    """Replay a log on a BPMN model: fitness overall and per variant, precision, and
    the skipped and inserted activities ranked by cases."""
    with errors(as_json):
        from opexflow.models.api import model_from, model_quality

        m = model_from(model)
        ev = _read(log, log_options, as_json)
        q = model_quality(ev, m)
    if as_json:
        out = {"log": ev.name, "model": str(model), **_model_dict(m), **q.to_dict(top=top)}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    _print(m, q, top)


def _print_map(pmap: ProcessMap) -> None:
    typer.echo(
        f"简化流程图 simplified map: {len(pmap.activities)}/{pmap.activities_total} activities, "
        f"{len(pmap.edges)}/{pmap.edges_total} edges, covering {pmap.coverage:.1%} of "
        f"{pmap.cases:,} cases"
    )
    for source, target, events in pmap.edges:
        typer.echo(f"  {source} → {target}  {events:,}")


def _model_dict(model: Model) -> dict[str, Any]:
    return {
        "tree": None if model.tree is None else str(model.tree),
        "net": model.net.summary(),
        "bpmn": model.bpmn.summary(),
    }


def _print(model: Model, q: Quality, top: int) -> None:
    from rich.console import Console

    con = Console()
    if model.tree is not None:
        con.print("[bold]过程树 process tree[/]")
        con.print(str(model.tree), markup=False, highlight=False)
    net = model.net.summary()
    con.print(
        f"Petri net: {net['places']} places, {net['transitions']} activities, "
        f"{net['silent_transitions']} silent transitions"
    )
    r = q.replay
    con.print(
        f"[bold]拟合度 fitness[/] {q.fitness:.4f} ({q.fitness_method}); "
        f"完全拟合案例 fitting cases {r.fitting_cases:.1%} of {r.cases:,}"
    )
    con.print(f"[bold]精确度 precision[/] {q.precision:.4f} ({q.precision_method})")
    for d in r.deviations[:top]:
        kind = "跳过 skipped" if d.kind == "skipped" else "插入 inserted"
        con.print(f"  • {kind}: {d.activity} — {d.cases:,} cases, {d.variants:,} variants")
    for v in r.variants[:top]:
        con.print(
            f"  {v.cases:>6,}  fitness {v.fitness:.3f}  {' → '.join(v.activities)}", markup=False
        )
