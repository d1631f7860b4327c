"""``opexflow check``: control points (rules) checked on an event log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opexflow.cli._app import app
from opexflow.cli.common import JsonOpt, LogOptions, errors, progress_bar, with_log_options

if TYPE_CHECKING:
    from opexflow.conformance import ConformanceResult

SHOWN_CASES = 10
"""Violating case ids listed per rule in the table (``--json`` lists all)."""
EXIT_VIOLATIONS = 2
"""Exit code with ``--strict`` when a rule is violated or could not be checked."""

RulesOpt = Annotated[
    Path,
    typer.Option(
        "--rules", help="Rules file (YAML or JSON): the control points, see docs/conformance.md."
    ),
]


@app.command()
@with_log_options
def check(
    log: Annotated[Path, typer.Argument(help="Event log file or imported dataset directory.")],
    rules: RulesOpt,
    lang: Annotated[str, typer.Option("--lang", help="Language of the table: zh or en.")] = "zh",
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help=f"Exit with code {EXIT_VIOLATIONS} when a rule is violated or cannot be checked "
            "(default: exit 0 whatever the result).",
        ),
    ] = False,
    *,
    log_options: LogOptions,
    as_json: JsonOpt = False,
) -> None:
    """Check control points (rules) on every case: violations, rates and the violating cases.

    Exit code 0 whatever the violations (1 on an error); with --strict, 2 when a
    rule is violated or cannot be checked.
    """
    with errors(as_json):
        if lang not in ("zh", "en"):
            from opexflow.errors import InputError

            raise InputError(f"--lang {lang!r}: use zh or en")
        from opexflow.conformance import check_conformance, load_rules

        ruleset = load_rules(rules)
        with progress_bar(not as_json) as progress:
            ev = log_options.read(log, progress)
        result = check_conformance(ev, ruleset)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        _print(result, ev.name, "en" if lang == "en" else "zh")
    if strict and (result.violations or result.unchecked):
        raise typer.Exit(EXIT_VIOLATIONS)


_WORDS = {
    "zh": {
        "head": "{name}：{cases:,} 个案例，{rules} 条规则",
        "kind": "类型",
        "checked": "检查案例",
        "violations": "违反",
        "rate": "违反率",
        "status": "状态",
        "checked_ok": "已检查",
        "missing_activity": "日志中无此活动：{names}",
        "missing_attribute": "日志中无此属性：{names}",
        "cases": "违反案例：{ids}",
        "more": "，另有 {n:,} 个",
        "bypass": "紧急通道使用 {used:,} 次（占 {rate}），其中超出条件 {outside:,}，未按时补办 {late:,}",
        "excused": "另有 {n:,} 个案例走紧急通道，由紧急通道规则检查",
    },
    "en": {
        "head": "{name}: {cases:,} cases, {rules} rules",
        "kind": "kind",
        "checked": "checked",
        "violations": "violations",
        "rate": "rate",
        "status": "status",
        "checked_ok": "checked",
        "missing_activity": "activity not in the log: {names}",
        "missing_attribute": "attribute not in the log: {names}",
        "cases": "violating cases: {ids}",
        "more": " and {n} more",
        "bypass": "bypass used in {used:,} cases ({rate}): {outside:,} outside its condition, "
        "{late:,} not back-filled in time",
        "excused": "{n:,} more cases used the bypass and are checked by the bypass rule",
    },
}


def _print(result: ConformanceResult, name: str, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from opexflow.analysis.humanize import percent

    w = _WORDS[lang]
    console = Console()
    console.print(
        f"[bold]{w['head'].format(name=name, cases=result.cases, rules=len(result.rules))}[/]"
    )
    table = Table("id", w["kind"], w["checked"], w["violations"], w["rate"], w["status"])
    for r in result.rules:
        rate = r.violation_rate
        status = (
            w["checked_ok"]
            if r.checked
            else w[r.status].format(names=", ".join(r.missing_attributes or r.missing_activities))
        )
        style = "red" if r.violations else ("yellow" if not r.checked else "green")
        table.add_row(
            r.id,
            r.kind,
            f"{r.cases_checked:,}",
            f"[{style}]{r.violations:,}[/]",
            percent(rate) if rate is not None else "—",
            f"[{style}]{status}[/]",
        )
    console.print(table)
    for r in result.rules:
        _details(console, r, w, lang)


def _details(console: object, r: object, w: dict[str, str], lang: str) -> None:
    from rich.console import Console

    from opexflow.analysis.humanize import percent
    from opexflow.conformance import RuleResult

    assert isinstance(console, Console) and isinstance(r, RuleResult)
    lines = [r.sentence("en" if lang == "en" else "zh")]
    if r.bypass is not None and r.checked:
        b = r.bypass
        lines.append(
            w["bypass"].format(
                used=b.cases,
                rate=percent(b.rate),
                outside=len(b.outside_condition),
                late=len(b.late_backfill),
            )
        )
    if r.excused_cases:
        lines.append(w["excused"].format(n=r.excused_cases))
    if r.violating_cases:
        ids = ", ".join(r.violating_cases[:SHOWN_CASES])
        extra = len(r.violating_cases) - SHOWN_CASES
        lines.append(w["cases"].format(ids=ids) + (w["more"].format(n=extra) if extra > 0 else ""))
    console.print(f"[bold]{r.id}[/]", highlight=False)
    for line in lines:
        console.print(f"  {line}", highlight=False, markup=False)
