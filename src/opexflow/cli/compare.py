"""``opexflow compare``: KPIs of two logs, or of a group against the rest, with the right test."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opexflow.cli._app import app
from opexflow.cli.common import JsonOpt, LogOptions, errors, progress_bar, with_log_options

if TYPE_CHECKING:
    from datetime import date

    from opexflow.kpi import Kpi
    from opexflow.pilot import Comparison

_CALENDARS = ("cn", "cn-weekdays", "weekdays")


@app.command()
@with_log_options
def compare(
    log: Annotated[
        Path, typer.Argument(help="The log (before the change, or the one log with --group).")
    ],
    after_log: Annotated[
        Path | None, typer.Argument(help="The log after the change (omit with --group).")
    ] = None,
    kpi: Annotated[
        list[str] | None,
        typer.Option(
            "--kpi",
            help="KPI (repeatable): throughput_time, throughput_time:FROM>TO, waiting_time:ACTIVITY, "
            "case_share:ACTIVITY, completion_rate:ACTIVITY, churn:ACTIVITY, rework_rate, count, "
            "or a JSON definition.",
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option("--group", help="ATTR=VALUE: compare these cases with the rest of LOG."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="With --group: only cases started on/after this date (YYYY-MM-DD)."
        ),
    ] = None,
    statistic: Annotated[
        str | None,
        typer.Option(
            "--statistic", help="Durations: compare mean, median or p90 (default: median)."
        ),
    ] = None,
    working_hours: Annotated[
        str | None,
        typer.Option(
            "--working-hours",
            help="Measure durations in working time, e.g. 09:00-18:00 (calendar from --calendar).",
        ),
    ] = None,
    calendar: Annotated[
        str,
        typer.Option(
            "--calendar",
            help="Working days with --working-hours: cn (Chinese holidays and 调休, 2004-2026), "
            "cn-weekdays (cn, Mon-Fri outside those years) or weekdays.",
        ),
    ] = "cn",
    *,
    log_options: LogOptions,
    as_json: JsonOpt = False,
) -> None:
    """Compare KPIs before/after a change (two logs) or of a group against the rest (--group).

    Durations compare medians (Mann-Whitney U, bootstrap CI) unless --statistic says mean (Welch t) or p90; shares use the two-proportion z test, or Fisher's exact test for small counts. Examples:

      opexflow compare before.csv after.csv --kpi throughput_time --kpi case_share:补充资料

      opexflow compare after.csv --group 团队=A组 --kpi waiting_time:人工审核 --json
    """
    with errors(as_json):
        kpis = _kpis(kpi, statistic, working_hours, calendar)
        group_pair = _group(group) if group is not None else None
        since_day = _date(since) if since is not None else None
        _check_form(after_log, group_pair, since_day)

        def read(path: Path) -> Any:
            with progress_bar(not as_json) as progress:
                return log_options.read(path, progress)

        from opexflow.pilot import compare_group, compare_logs

        if group_pair is not None:
            result = compare_group(read(log), group=dict([group_pair]), since=since_day, kpis=kpis)
        else:
            assert after_log is not None
            result = compare_logs(read(log), read(after_log), kpis)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    _print(result)


def _kpis(
    items: list[str] | None, statistic: str | None, working_hours: str | None, calendar: str
) -> list[Kpi]:
    from opexflow.errors import InputError
    from opexflow.kpi import WorkingTime, parse_kpi

    if not items:
        raise InputError("name at least one --kpi (e.g. --kpi throughput_time)")
    if statistic is not None and statistic not in ("mean", "median", "p90"):
        raise InputError(f"--statistic {statistic!r}: use mean, median or p90")
    kpis = [parse_kpi(k, statistic=statistic) for k in items]  # type: ignore[arg-type]
    if working_hours is None:
        return kpis
    if calendar not in _CALENDARS:
        raise InputError(f"--calendar {calendar!r}: use {', '.join(_CALENDARS)}")
    begin, dash, end = working_hours.partition("-")
    if not dash:
        raise InputError(f"--working-hours {working_hours!r}: write START-END, e.g. 09:00-18:00")
    try:
        wt = WorkingTime(
            start=begin.strip(),
            end=end.strip(),
            calendar="weekdays" if calendar == "weekdays" else "cn",
            outside="weekdays" if calendar == "cn-weekdays" else "error",
        )
    except ValueError as exc:
        raise InputError(f"--working-hours {working_hours!r}: {exc}") from None
    update = {"time": "working", "working_time": wt}
    return [k.model_copy(update=update) if k.is_duration else k for k in kpis]


def _group(text: str) -> tuple[str, str]:
    from opexflow.errors import InputError

    attr, eq, value = text.partition("=")
    if not eq or not attr or not value:
        raise InputError(f"--group {text!r}: write ATTR=VALUE, e.g. 团队=A组")
    return attr, value


def _date(text: str) -> date:
    from datetime import date

    from opexflow.errors import InputError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--since {text!r}: write a date as YYYY-MM-DD") from None


def _check_form(after_log: Path | None, group: tuple[str, str] | None, since: date | None) -> None:
    from opexflow.errors import InputError

    if (after_log is None) == (group is None):
        raise InputError(
            "give either two logs (BEFORE_LOG AFTER_LOG) or one log with --group ATTR=VALUE"
        )
    if since is not None and group is None:
        raise InputError("--since applies to the --group form; filter the logs instead")


def _print(result: Comparison) -> None:
    from rich.console import Console
    from rich.table import Table

    from opexflow.pilot.verdict import percent, value_text

    console = Console()
    table = Table("KPI", "statistic", result.before_label, result.after_label, "Δ", "95% CI")
    table.add_column("test")
    table.add_column("p", no_wrap=True)
    for k in result.kpis:
        ci = k.effect.relative_ci
        p = k.p_value
        table.add_row(
            k.kpi.name,
            k.statistic,
            value_text(k.before, k.kpi.unit, "en"),
            value_text(k.after, k.kpi.unit, "en"),
            percent(k.effect.relative),
            "—" if ci is None else f"[{percent(ci.lo)}, {percent(ci.hi)}]",
            k.test or "—",
            "—"
            if p is None
            else ("<0.001" if p < 0.001 else f"{p:.3f}") + (" *" if k.significant else ""),
        )
    console.print(table)
    for k in result.kpis:
        console.print(f"• {k.verdict_zh}\n  {k.verdict_en}", highlight=False)
