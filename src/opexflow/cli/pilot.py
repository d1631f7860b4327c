"""``opexflow pilot evaluate``: a project's pilot evaluated on its logs, Table 3 and verdicts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opexflow.cli._app import app
from opexflow.cli.common import DataDirOpt, JsonOpt, errors
from opexflow.cli.workspace import UserOpt, _actor, _workspace

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from opexflow.workspace.pilot_evaluation import ProjectPilotEvaluation
    from opexflow.workspace.users import User

pilot_app = typer.Typer(help="Pilots (phase 4): evaluate a project's pilot.", no_args_is_help=True)
app.add_typer(pilot_app, name="pilot")


def _project_id(session: Session, actor: User, project: str) -> int:
    """A project id, or a process ID (YH-LC01) for the newest project of that process."""
    from opexflow.errors import NotFoundError
    from opexflow.workspace.processes import process_by_code
    from opexflow.workspace.projects import list_projects

    if project.isdigit():
        return int(project)
    process = process_by_code(session, project)
    for p in list_projects(session, actor=actor):
        if p.process_id == process.id:
            return p.id
    raise NotFoundError(f"no project for process {process.code} that you can see")


@pilot_app.command("evaluate")
def evaluate(
    project: Annotated[
        str, typer.Argument(help="The project's id, or a process ID (YH-LC01) for its project.")
    ],
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Also write Table 3 (试点效果评估表) to this .xlsx file."),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the --xlsx headers: zh or en.")
    ] = "zh",
    user: UserOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Evaluate a project's pilot on its recorded logs and print Table 3 and the verdicts.

    The KPIs come from the pilot's KPI records, resolved through the metric dictionary; each is compared before vs after for the pilot group, pilot vs control, and by difference-in-differences (docs/pilot.md). --json prints one object: "kpis" as `opexflow compare --json`, "table3", "evaluation", "targets", "satisfaction" and "unmet_issues". Example:

      opexflow pilot evaluate YH-LC01 --xlsx 表3.xlsx
    """
    with errors(as_json), _workspace(data_dir) as db, db.session() as s:
        from opexflow.workspace.pilot_evaluation import evaluate_project_pilot, export_table3

        actor = _actor(s, user)
        project_id = _project_id(s, actor, project)
        if xlsx is not None:
            result = export_table3(s, actor=actor, project_id=project_id, out=xlsx, lang=lang)
        else:
            result = evaluate_project_pilot(s, actor=actor, project_id=project_id)
    if as_json:
        data = result.to_dict() | ({"xlsx": str(xlsx.resolve())} if xlsx else {})
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    _print(result)
    if xlsx is not None:
        typer.echo(f"Table 3 → {xlsx.resolve()}")


def _print(result: ProjectPilotEvaluation) -> None:
    from rich.console import Console
    from rich.table import Table

    from opexflow.pilot import HEADERS

    console = Console()
    table = Table(*(f"{zh}\n{en}" for zh, en in HEADERS), title="表3 试点效果评估表 / Table 3")
    for row in result.rows:
        table.add_row(*row.cells("zh"))
    console.print(table)
    for k in result.evaluation.kpis:
        console.print(f"[bold]{k.kpi.name}[/]", highlight=False)
        for label, comparison in (
            ("试点组 优化前→后 / pilot before → after", k.before_after),
            ("试点组 vs 对照组 / pilot vs control", k.pilot_vs_control),
        ):
            if comparison is not None:
                console.print(
                    f"  {label}\n  • {comparison.verdict_zh}\n    {comparison.verdict_en}",
                    highlight=False,
                )
        if k.did is not None:
            console.print(f"  • {k.did.text('zh')}\n    {k.did.text('en')}", highlight=False)
        for note in k.notes:
            console.print(f"  ! {note}", highlight=False)
    for t in result.targets:
        if t.target is not None and t.after is not None:
            mark = "达标 / met" if t.met else "未达标 / not met"
            console.print(
                f"目标 / target {t.kpi}: {t.after:.3g} {t.unit} vs {t.target:g} {t.unit} — {mark}",
                highlight=False,
            )
