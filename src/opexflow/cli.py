"""The ``opexflow`` command line. Heavy libraries are imported inside commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from opexflow.errors import OpexflowError

if TYPE_CHECKING:
    from opexflow.logs.schema import EventLog
    from opexflow.logs.staging import ProgressCallback

app = typer.Typer(
    name="opexflow",
    help="opexflow: measure, diagnose and standardize operations processes from event data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

CaseOpt = Annotated[str | None, typer.Option("--case", help="Column with the case id (工单号).")]
ActivityOpt = Annotated[
    str | None, typer.Option("--activity", help="Column with the activity (环节).")
]
TimestampOpt = Annotated[
    str | None, typer.Option("--timestamp", help="Column with the completion time (完成时间).")
]
StartOpt = Annotated[
    str | None, typer.Option("--start", help="Column with the start time (开始时间).")
]
ResourceOpt = Annotated[
    str | None, typer.Option("--resource", help="Column with the resource (处理人).")
]
DepartmentOpt = Annotated[
    str | None, typer.Option("--department", help="Column with the department (部门).")
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz", help="Time zone of times without an offset [default: OPEXFLOW_TZ or Asia/Shanghai]."
    ),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where imported logs are kept [default: OPEXFLOW_DATA_DIR or ./opexflow-data].",
    ),
]
TypeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        help="Attribute type, COLUMN=TYPE with TYPE one of number, integer, boolean, timestamp, text (repeatable).",
    ),
]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="CSV encoding (e.g. gbk); detected when omitted.")
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="Excel sheet name; the first when omitted.")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON object on stdout, nothing else.")
]


@contextmanager
def _errors(as_json: bool) -> Iterator[None]:
    """Turn an OpexflowError into a clear message and exit code 1."""
    try:
        yield
    except OpexflowError as exc:
        if as_json:
            sys.stdout.write(json.dumps(exc.to_dict(), ensure_ascii=False) + "\n")
        else:
            from rich.console import Console

            Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        raise typer.Exit(1) from None


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback]:
    from opexflow.logs.staging import no_progress

    if not enabled:
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: float, total: float | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def _read(
    path: Path,
    *,
    case: str | None,
    activity: str | None,
    timestamp: str | None,
    start: str | None,
    resource: str | None,
    department: str | None,
    tz: str | None,
    data_dir: Path | None,
    progress: ProgressCallback,
    types: list[str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> EventLog:
    from opexflow.logs import read_log

    return read_log(
        path,
        case=case,
        activity=activity,
        timestamp=timestamp,
        start=start,
        resource=resource,
        department=department,
        tz=tz,
        data_dir=data_dir,
        progress=progress,
        types=_parse_types(types or []),
        encoding=encoding,
        sheet=sheet,
    )


def _parse_types(items: list[str]) -> dict[str, Any]:
    from opexflow.errors import InputError

    allowed = ("number", "integer", "boolean", "timestamp", "text")
    result: dict[str, Any] = {}
    for item in items:
        name, sep, typ = item.rpartition("=")
        if not sep or not name or typ not in allowed:
            raise InputError(
                f"--type {item!r}: write COLUMN=TYPE with TYPE one of {', '.join(allowed)}"
            )
        result[name] = typ
    return result


@app.command("import")
def import_cmd(
    log: Annotated[Path, typer.Argument(help="CSV, XLSX, XES (.xes/.xes.gz) or Parquet file.")],
    case: CaseOpt = None,
    activity: ActivityOpt = None,
    timestamp: TimestampOpt = None,
    start: StartOpt = None,
    resource: ResourceOpt = None,
    department: DepartmentOpt = None,
    tz: TzOpt = None,
    types: TypeOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import an event log into the data directory and show its data-quality report."""
    with _errors(as_json), _progress(not as_json) as progress:
        ev = _read(
            log,
            case=case,
            activity=activity,
            timestamp=timestamp,
            start=start,
            resource=resource,
            department=department,
            tz=tz,
            data_dir=data_dir,
            progress=progress,
            types=types,
            encoding=encoding,
            sheet=sheet,
        )
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
def diagnose(
    log: Annotated[Path, typer.Argument(help="Event log file or imported dataset directory.")],
    sla: Annotated[
        float | None, typer.Option("--sla", help="Time limit per case in hours.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en.")] = "zh",
    case: CaseOpt = None,
    activity: ActivityOpt = None,
    timestamp: TimestampOpt = None,
    start: StartOpt = None,
    resource: ResourceOpt = None,
    department: DepartmentOpt = None,
    tz: TzOpt = None,
    types: TypeOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Diagnose a process: bottlenecks, rework, waits, handovers, variants, SLA, data quality."""
    with _errors(as_json):
        if lang not in ("zh", "en"):
            from opexflow.errors import InputError

            raise InputError(f"--lang {lang!r}: use zh or en")
        with _progress(not as_json) as progress:
            ev = _read(
                log,
                case=case,
                activity=activity,
                timestamp=timestamp,
                start=start,
                resource=resource,
                department=department,
                tz=tz,
                data_dir=data_dir,
                progress=progress,
                types=types,
                encoding=encoding,
                sheet=sheet,
            )
        from opexflow.analysis.diagnose import diagnose as run

        result = run(ev, sla=sla)
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


_DEMO_TITLES = {
    "activation_before": ("用户注册激活流程(YH-LC01,优化前)", "User activation (YH-LC01), before"),
    "activation_after": (
        "用户注册激活流程(YH-LC01,A组试点后)",
        "User activation (YH-LC01), team A pilot",
    ),
    "fulfilment": ("订单履约流程(DD-LC01)", "Order fulfilment (DD-LC01)"),
}


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
    with _errors(False):
        from opexflow.demo import write_demo_logs

        if fmt not in ("csv", "parquet", "xlsx"):
            from opexflow.errors import InputError

            raise InputError(f"--format {fmt!r}: use csv, parquet or xlsx")
        paths = write_demo_logs(out, events=events, seed=seed, formats=(fmt,))  # type: ignore[arg-type]
    for name, path in paths.items():
        typer.echo(f"{name}: {path}")


@app.command()
def demo(
    events: Annotated[
        int, typer.Option("--events", help="About how many events per demo log.")
    ] = 20000,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where to put the demo.")] = Path(
        "opexflow-data"
    ),
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en.")] = "zh",
) -> None:
    """Build the demo logs, diagnose them and write the HTML reports (prints their paths)."""
    with _errors(False):
        from opexflow.analysis.diagnose import diagnose as run
        from opexflow.demo import write_demo_logs
        from opexflow.logs import read_log

        logs = write_demo_logs(data_dir / "demo", events=events, formats=("csv",))
        reports = []
        with _progress(True) as progress:
            for name, path in logs.items():
                ev = read_log(path, data_dir=data_dir, progress=progress)
                out = data_dir / "reports" / f"{name}.{lang}.html"
                zh, en = _DEMO_TITLES.get(name, (name, name))
                sla = 1.0 if "activation" in name else 72.0
                _write_html(run(ev, sla=sla), out, lang, title=zh if lang == "zh" else en)
                reports.append(out)
    for r in reports:
        typer.echo(f"report: {r.resolve()}")


def main() -> None:
    """Entry point of the ``opexflow`` script."""
    app()
