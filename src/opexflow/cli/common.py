"""Options and helpers shared by the command modules."""

from __future__ import annotations

import functools
import inspect
import json
import sys
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from opexflow.errors import OpexflowError

if TYPE_CHECKING:
    from opexflow.logs.schema import EventLog
    from opexflow.logs.staging import ProgressCallback

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
        "--tz", help="Time zone of times without an offset (default: OPEXFLOW_TZ or Asia/Shanghai)."
    ),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where imported logs are kept (default: OPEXFLOW_DATA_DIR or ./opexflow-data).",
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
def errors(as_json: bool) -> Iterator[None]:
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
def progress_bar(enabled: bool) -> Iterator[ProgressCallback]:
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


def read_log_file(
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
        types=parse_types(types or []),
        encoding=encoding,
        sheet=sheet,
    )


def parse_types(items: list[str]) -> dict[str, Any]:
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


@dataclass(frozen=True)
class LogOptions:
    """The column-mapping and reader options every command that reads a log takes."""

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    start: str | None = None
    resource: str | None = None
    department: str | None = None
    tz: str | None = None
    types: list[str] | None = None
    encoding: str | None = None
    sheet: str | None = None
    data_dir: Path | None = None

    def read(self, path: Path, progress: ProgressCallback) -> EventLog:
        """Read (import once, then reuse) the log at ``path`` with these options."""
        return read_log_file(
            path, progress=progress, **{f.name: getattr(self, f.name) for f in fields(self)}
        )


_LOG_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("case", CaseOpt),
    ("activity", ActivityOpt),
    ("timestamp", TimestampOpt),
    ("start", StartOpt),
    ("resource", ResourceOpt),
    ("department", DepartmentOpt),
    ("tz", TzOpt),
    ("types", TypeOpt),
    ("encoding", EncodingOpt),
    ("sheet", SheetOpt),
    ("data_dir", DataDirOpt),
)


def with_log_options(command: F) -> F:
    """Add the log options (--case, --activity, ... --data-dir) to ``command``.

    The command declares one parameter ``log_options: LogOptions`` instead of
    eleven; Typer sees the eleven options, the command gets them together.
    """
    signature = inspect.signature(command)
    # The command module uses postponed annotations: resolve them (keeping
    # Annotated's typer.Option metadata) in the command's own namespace.
    hints = typing.get_type_hints(command, include_extras=True)
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
        if p.name != "log_options"
    ]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, annotation in _LOG_OPTIONS
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = LogOptions(**{name: kwargs.pop(name, None) for name, _ in _LOG_OPTIONS})
        return command(*args, log_options=options, **kwargs)

    parameters = [*own, *added]
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    # Typer also reads __annotations__: the resolved ones, for the parameters it sees.
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return cast(F, wrapper)
