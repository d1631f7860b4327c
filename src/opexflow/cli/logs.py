"""Commands on event logs: import, diagnose, demo-data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from opexflow.cli._app import app
from opexflow.cli.common import (
    JsonOpt,
    LogOptions,
    errors,
    progress_bar,
    with_log_options,
)


@app.command("import")
@with_log_options
def import_cmd(
    log: Annotated[Path, typer.Argument(help="CSV, XLSX, XES (.xes/.xes.gz) or Parquet file.")],
    *,
    log_options: LogOptions,
    as_json: JsonOpt = False,
) -> None:
    """Import an event log into the data directory and show its data-quality report."""
    with errors(as_json), progress_bar(not as_json) as progress:
        ev = log_options.read(log, progress)
    meta = ev.meta
    if as_json:
        out = {
            "path": str(ev.path),
            "cases": meta.cases,
            "events": meta.events,
            "activities": meta.activities,
            "variants": meta.variants,
            "mapping": meta.mapping,
            "quality": meta.quality,
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, default=str) + "\n")
        return
    from rich.console import Console

    console = Console()
    console.print(
        f"[bold]{meta.name}[/]: {meta.cases:,} cases, {meta.events:,} events, "
        f"{meta.activities} activities, {meta.variants:,} variants → {ev.path}"
    )
    console.print("columns: " + ", ".join(f"{k} ← {v!r}" for k, v in meta.mapping.items()))
    for c in meta.quality.get("checks", []):
        if c["count"]:
            console.print(f"[yellow]•[/] {c['message_en']}")


@app.command()
@with_log_options
def diagnose(
    log: Annotated[Path, typer.Argument(help="Event log file or imported dataset directory.")],
    sla: Annotated[
        float | None, typer.Option("--sla", help="Time limit per case in hours.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en.")] = "zh",
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules", help="Control points to check (rules file, see docs/conformance.md)."
        ),
    ] = None,
    *,
    log_options: LogOptions,
    as_json: JsonOpt = False,
) -> None:
    """Diagnose a process: bottlenecks, rework, waits, handovers, variants, SLA, data quality."""
    with errors(as_json):
        if lang not in ("zh", "en"):
            from opexflow.errors import InputError

            raise InputError(f"--lang {lang!r}: use zh or en")
        ruleset = None
        if rules is not None:  # a bad rules file fails before the log is read
            from opexflow.conformance import load_rules

            ruleset = load_rules(rules)
        with progress_bar(not as_json) as progress:
            ev = log_options.read(log, progress)
        from opexflow.analysis.diagnose import diagnose as run

        result = run(ev, sla=sla, rules=ruleset)
        if html is not None:
            _write_html(result, html, lang)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    _print_diagnosis(result, lang)
    if html is not None:
        typer.echo(f"report: {html.resolve()}", err=True)


def _write_html(result: Any, path: Path, lang: str, title: str | None = None) -> None:
    from opexflow.analysis.diagnose import report_data
    from opexflow.report import write_report

    path.parent.mkdir(parents=True, exist_ok=True)
    write_report(report_data(result, title=title), path, lang="en" if lang == "en" else "zh")


def _print_diagnosis(result: Any, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    zh = lang == "zh"
    console.print(
        f"[bold]{result.log.name}[/]: {result.cases:,} {'个案例' if zh else 'cases'}, "
        f"{result.events:,} {'个事件' if zh else 'events'}, {result.activities} "
        f"{'个活动' if zh else 'activities'}"
    )
    table = Table("#", "kind", "severity", "finding" if not zh else "发现", show_lines=False)
    for i, f in enumerate(result.findings, start=1):
        table.add_row(str(i), f.kind, f"{f.severity:.2f}", f.message_zh if zh else f.message_en)
    console.print(table)


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option("--out", help="Directory for the demo logs.")] = Path(
        "demo-logs"
    ),
    events: Annotated[int, typer.Option("--events", help="About how many events per log.")] = 20000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 7,
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet or xlsx.")] = "csv",
) -> None:
    """Write the demo logs: user activation (before/after) and order fulfilment."""
    with errors(False):
        from opexflow.demo import write_demo_logs

        if fmt not in ("csv", "parquet", "xlsx"):
            from opexflow.errors import InputError

            raise InputError(f"--format {fmt!r}: use csv, parquet or xlsx")
        paths = write_demo_logs(out, events=events, seed=seed, formats=(fmt,))  # type: ignore[arg-type]
    for name, path in paths.items():
        typer.echo(f"{name}: {path}")
