"""``opexflow sop``: check, export, diff, verify and draft SOP documents (JSON files).

The SOP file is the JSON of :class:`opexflow.sop.Sop` (``docs/sop.md``).
Persistence, review and sign-off of SOPs in a workspace come on top of these.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opexflow.cli._app import app
from opexflow.cli.common import DataDirOpt, JsonOpt, errors

if TYPE_CHECKING:
    from opexflow.sop import Sop

sop_app = typer.Typer(
    help="Standard operating procedures (SOP): check, export, diff, hash, verify, draft, table4.",
    no_args_is_help=True,
)
app.add_typer(sop_app, name="sop")

EXIT_FAILED = 2
"""Exit code of ``check`` with problems and of ``verify`` with a changed document."""

SopArg = Annotated[Path, typer.Argument(help="SOP file (JSON, see docs/sop.md).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language: zh or en.")]


def _lang(lang: str) -> Any:
    from opexflow.errors import InputError

    if lang not in ("zh", "en"):
        raise InputError(
            f"--lang {lang!r}: use zh or en", message_zh=f"--lang {lang!r}：请用 zh 或 en"
        )
    return lang


def _read_text(path: Path, what: str) -> str:
    from opexflow.errors import InputError, NotFoundError

    if not path.is_file():
        raise NotFoundError(
            f"{what} {path} does not exist; check the path", message_zh=f"{what}文件 {path} 不存在"
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8 text; save it as UTF-8") from None


def _read_sop(path: Path) -> Sop:
    from opexflow.sop import load_sop

    return load_sop(_read_text(path, "SOP"), source=str(path))


def _workspace_sop(code: str, number: str | None, data_dir: Path | None) -> Sop:
    """The SOP of process ``code`` in the workspace (when the argument is not a file)."""
    from opexflow.errors import NotFoundError
    from opexflow.workspace.processes import PROCESS_CODE

    if not PROCESS_CODE.match(code.upper()):
        raise NotFoundError(f"{code}: no such file, and not a process ID like YH-LC01")
    from opexflow.cli.workspace import _workspace
    from opexflow.workspace.sop_workflow import document_for_export, version_for_process

    with _workspace(data_dir) as db, db.session() as s:
        return document_for_export(s, version_for_process(s, code.upper(), number))


def _read_json(path: Path, what: str) -> Any:
    import yaml

    from opexflow.errors import InputError

    try:
        return yaml.safe_load(_read_text(path, what))
    except yaml.YAMLError as exc:
        raise InputError(f"{what} {path} is not valid JSON/YAML: {exc}") from None


def _metric_names(data: Any, path: Path) -> set[str]:
    """Names from a list of names, a mapping by name, or a list of objects with ``name``."""
    from opexflow.errors import InputError

    if isinstance(data, dict):
        return {str(k) for k in data}
    if isinstance(data, list):
        names = [x["name"] if isinstance(x, dict) and "name" in x else x for x in data]
        if all(isinstance(n, str) for n in names):
            return set(names)
    raise InputError(
        f"metric dictionary {path}: write a list of KPI names, a mapping by name, or a list "
        "of objects with a 'name'",
        message_zh=f"指标字典 {path} 格式不对：应为指标名列表、按名称的映射或含 name 的对象列表",
    )


def _emit(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


@sop_app.command("check")
def check(
    sop: SopArg,
    dictionary: Annotated[
        Path | None,
        typer.Option(
            "--dictionary",
            help="Metric dictionary (JSON/YAML): KPI names the target must come from.",
        ),
    ] = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Check an SOP before review: RACI (one A, an R per step), control points, target KPI, empty sections.

    Exit code 0 when ready, 2 with problems (each says where), 1 on an error.
    """
    with errors(as_json):
        from opexflow.sop import check_sop

        language = _lang(lang)
        doc = _read_sop(sop)
        metrics = None
        if dictionary is not None:
            metrics = _metric_names(_read_json(dictionary, "metric dictionary"), dictionary)
        issues = check_sop(doc, metrics=metrics)
    if as_json:
        _emit(
            {
                "ok": not issues,
                "sop": doc.process_id,
                "version": doc.version,
                "issues": [i.to_dict() for i in issues],
            }
        )
    else:
        from rich.console import Console
        from rich.text import Text

        console = Console()
        head = f"{doc.process_id} {doc.name} {doc.version}"
        if not issues:
            console.print(
                f"[green]✓[/] {head}: "
                + ("可以提交评审" if language == "zh" else "ready for review")
            )
        for i in issues:
            where = " · ".join(
                x
                for x in (i.section, f"step {i.step}" if i.step else "", i.role or "", i.rule or "")
                if x
            )
            line = Text.assemble(("✗ ", "red"), f"[{where}] {i.message(language)}")
            console.print(line, soft_wrap=True)
    if issues:
        raise typer.Exit(EXIT_FAILED)


@sop_app.command("export")
def export(
    sop: Annotated[
        Path,
        typer.Argument(
            help="SOP file (JSON), or a process ID (YH-LC01) to export its SOP from the workspace."
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="docx, md, html, pdf (needs LibreOffice), bpmn or json."
        ),
    ] = "docx",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output file; md, html, bpmn and json go to stdout without it."
        ),
    ] = None,
    lang: LangOpt = "zh",
    version: Annotated[
        str | None,
        typer.Option(
            "--version", help="With a process ID: this version (default the effective one)."
        ),
    ] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Export an SOP as a Word document, PDF, HTML, Markdown, BPMN 2.0 or JSON.

    The SOP is a file, or a process ID whose SOP is read from the workspace
    (the effective version unless --version says otherwise).
    """
    with errors(False):
        from opexflow.errors import InputError
        from opexflow.sop import export_sop

        language = _lang(lang)
        if out is None and fmt in ("docx", "pdf"):
            raise InputError(
                f"--format {fmt} writes a binary file: give -o FILE",
                message_zh=f"--format {fmt} 生成二进制文件：请用 -o 指定输出文件",
            )
        document = _read_sop(sop) if sop.exists() else _workspace_sop(str(sop), version, data_dir)
        data = export_sop(document, format=fmt, lang=language, out=out)
    if out is None:
        sys.stdout.write(data.decode())
    else:
        typer.echo(f"{out} ({len(data):,} bytes)", err=True)


@sop_app.command("diff")
def diff(
    a: Annotated[Path, typer.Argument(help="The older SOP version (JSON).")],
    b: Annotated[Path, typer.Argument(help="The newer SOP version (JSON).")],
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """What changed between two versions: sections, steps, RACI cells, control points, flowchart."""
    with errors(as_json):
        from opexflow.sop import diff as sop_diff

        language = _lang(lang)
        result = sop_diff(_read_sop(a), _read_sop(b))
    if as_json:
        _emit(result.to_dict())
    else:
        typer.echo(result.text(language))


@sop_app.command("hash")
def hash_(sop: SopArg, as_json: JsonOpt = False) -> None:
    """The SHA-256 of the SOP's canonical content (what signing records)."""
    with errors(as_json):
        from opexflow.sop import content_hash

        doc = _read_sop(sop)
        digest = content_hash(doc)
    if as_json:
        _emit({"sop": doc.process_id, "version": doc.version, "sha256": digest})
    else:
        typer.echo(digest)


@sop_app.command("verify")
def verify(
    sop: SopArg,
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="The signed SHA-256 (64 hex digits).")
    ] = None,
    signature: Annotated[
        Path | None,
        typer.Option(
            "--signature", help="A signature file: JSON with 'sha256', or the hash as text."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check that an SOP is exactly the signed content.

    Exit code 0 when it matches, 2 when the document changed after signing, 1 on an error.
    """
    with errors(as_json):
        from opexflow.errors import InputError
        from opexflow.sop import content_hash, read_signature
        from opexflow.sop import verify as verify_hash

        if (sha256 is None) == (signature is None):
            raise InputError(
                "give exactly one of --sha256 HEX or --signature FILE",
                message_zh="请给出 --sha256 或 --signature 其中之一",
            )
        if signature is not None:
            expected = read_signature(_read_text(signature, "signature"))
        else:
            assert sha256 is not None
            expected = sha256
        doc = _read_sop(sop)
        ok = verify_hash(doc, expected)
        actual = content_hash(doc)
    if as_json:
        _emit(
            {
                "ok": ok,
                "sop": doc.process_id,
                "version": doc.version,
                "expected": expected.lower(),
                "actual": actual,
            }
        )
    elif ok:
        typer.echo(f"✓ {doc.process_id} {doc.version}: 与签署内容一致 / matches the signed content")
    else:
        typer.echo(
            f"✗ {doc.process_id} {doc.version}: 签署后内容已被修改 / changed after signing\n"
            f"  signed   {expected.lower()}\n  content  {actual}",
            err=True,
        )
    if not ok:
        raise typer.Exit(EXIT_FAILED)


@sop_app.command("draft")
def draft(
    diagnosis: Annotated[Path, typer.Argument(help="Output of `opexflow diagnose --json`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The SOP file to write (JSON).")],
    process: Annotated[
        str, typer.Option("--process", help="Process ID, e.g. YH-LC01.")
    ] = "PROCESS-01",
    name: Annotated[
        str | None, typer.Option("--name", help="Process name, e.g. 用户注册激活流程.")
    ] = None,
    measures: Annotated[
        Path | None,
        typer.Option(
            "--measures",
            help="Table 2 measures (JSON/YAML list: goal, measure, step, kpi, baseline, target, unit).",
        ),
    ] = None,
    bpmn: Annotated[
        Path | None,
        typer.Option(
            "--bpmn", help="A BPMN file for the flowchart (default: the steps in sequence)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Draft an SOP from a diagnosis (Table 1 steps, departments, durations) and Table 2 measures."""
    with errors(as_json):
        from opexflow.errors import InputError
        from opexflow.sop import check_sop, draft_from_diagnosis

        data = _read_json(diagnosis, "diagnosis")
        if not isinstance(data, dict):
            raise InputError(
                f"diagnosis {diagnosis}: expected the JSON object of `opexflow diagnose --json`"
            )
        rows = _read_json(measures, "measures") if measures is not None else []
        if not isinstance(rows, list):
            raise InputError(f"measures {measures}: expected a list of measures")
        model = None
        if bpmn is not None:
            from opexflow.models import read_bpmn

            model = read_bpmn(bpmn)
        doc = draft_from_diagnosis(data, measures=rows, process=process, name=name, model=model)
        out.write_text(doc.model_dump_json(indent=2, exclude_defaults=True), encoding="utf-8")
        todo = check_sop(doc)
    if as_json:
        _emit(
            {
                "ok": True,
                "out": str(out),
                "steps": len(doc.steps),
                "todo": [i.to_dict() for i in todo],
            }
        )
    else:
        typer.echo(
            f"{out}: {len(doc.steps)} 个步骤 / steps; 提交评审前待完成 / to do before review: {len(todo)}"
        )


@sop_app.command("demo")
def demo(
    directory: Annotated[Path, typer.Argument(help="Where to write the demo SOP files.")],
    as_json: JsonOpt = False,
) -> None:
    """Write the demo SOPs: YH-LC01 V1.0 and V1.1 (SMS-channel fix), DD-LC01 V1.0."""
    with errors(as_json):
        from opexflow.demo.sops import activation_sop, fulfilment_sop

        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for doc in (activation_sop("V1.0"), activation_sop("V1.1"), fulfilment_sop()):
            path = directory / f"{doc.process_id}-{doc.version}.json"
            path.write_text(doc.model_dump_json(indent=2, exclude_defaults=True), encoding="utf-8")
            written.append(str(path))
    if as_json:
        _emit({"ok": True, "files": written})
    else:
        typer.echo("\n".join(written))


@sop_app.command("table4")
def table4(
    sops: Annotated[
        list[Path], typer.Argument(help="SOP files (JSON); their revision histories are merged.")
    ],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="The XLSX file to write.")] = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Table 4 (流程优化记录表): every version of the SOPs' revision histories, as XLSX."""
    with errors(as_json):
        from opexflow.errors import InputError
        from opexflow.sop.xlsx import table4_xlsx

        language = _lang(lang)
        if out is None and not as_json:
            raise InputError(
                "give -o FILE.xlsx (or --json)", message_zh="请用 -o 指定 XLSX 文件（或用 --json）"
            )
        rows = {}
        for path in sops:
            for r in _read_sop(path).history:
                rows[(r.process_id, r.version)] = r
        records = sorted(rows.values(), key=lambda r: (r.process_id, _version_key(r.version)))
        if out is not None:
            out.write_bytes(table4_xlsx(records, language))
    if as_json:
        _emit({"ok": True, "rows": [r.model_dump(mode="json") for r in records]})
    else:
        typer.echo(f"{out}: {len(records)} 行 / rows", err=True)


def _version_key(version: str) -> tuple[int, int]:
    from opexflow.sop import parse_version

    return parse_version(version)
