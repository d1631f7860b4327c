"""Tables 1 and 2 as Excel workbooks: export with Chinese or English headers, import either.

Table 1 (现状调研表, :class:`~opexflow.workspace.forms.CurrentStateRow`) and
Table 2 (优化方案设计表, :class:`~opexflow.workspace.forms.Measure`) keep the
seed's columns. Headers are recognised in Chinese or English (the seed's
wording and ours), in any order; unknown columns are ignored and reported.

An import checks the whole sheet before it writes anything: every bad cell
becomes one entry (sheet, row, column, message in Chinese and English) of a
single :class:`~opexflow.errors.InputError`, and nothing is imported. A good
sheet is written through :func:`opexflow.workspace.items.create` in the
caller's transaction, so it lands completely, audited, or not at all.

Example:
    >>> with db.session() as s:                                         # doctest: +SKIP
    ...     export_table1(s, actor=user, project_id=1, out="table1.xlsx")
    ...     import_table2(s, actor=user, project_id=1, source="table2.xlsx")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from opexflow.errors import InputError, NotFoundError
from opexflow.workspace import changes, items
from opexflow.workspace.access import Action, require
from opexflow.workspace.excel_columns import (
    CATEGORY_NAMES,
    MEASURE_TYPE_NAMES,
    TABLE1,
    TABLE1_TITLE,
    TABLE2,
    TABLE2_TITLE,
    CellError,
    Column,
    expected_effect,
    is_blank,
    names_of,
    norm,
)
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.problems import Problem, ProblemCategory
from opexflow.workspace.projects import Project
from opexflow.workspace.users import User

Lang = Literal["zh", "en"]
Target = str | Path | IO[bytes]

#: How many errors the exception's message lists (``errors`` holds them all).
MESSAGE_ERRORS = 10
#: Rows searched for the header row (a title row may come first).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    sheet: str
    lang: Lang
    rows: int
    replaced: int
    ignored_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "lang": self.lang,
            "rows": self.rows,
            "replaced": self.replaced,
            "ignored_columns": self.ignored_columns,
        }


# --- reading a sheet -------------------------------------------------------------------


@dataclass
class _Sheet:
    title: str
    header_row: int
    columns: dict[int, Column]  # 0-based cell index -> column
    headers: dict[str, str]  # column key -> header text as in the sheet
    ignored: list[str]
    lang: Lang
    rows: list[tuple[int, tuple[Any, ...]]]  # (1-based row number, values)


def _load(source: Target, sheet: str | None, titles: tuple[str, str]) -> tuple[str, list[Any]]:
    from openpyxl import load_workbook

    name = str(source) if isinstance(source, str | Path) else "workbook"
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(f"{name} does not exist; check the path (文件不存在)") from None
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise InputError(
            f"{name} is not an Excel workbook (.xlsx) that can be read: {exc}. "
            "Save it as .xlsx and try again (无法读取该Excel文件,请另存为.xlsx)"
        ) from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise InputError(
                    f"{name} has no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}"
                )
            ws = book[sheet]
        else:
            ws = next((book[t] for t in titles if t in book.sheetnames), book.worksheets[0])
        return ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()


def _match_header(values: Sequence[Any], spec: Sequence[Column]) -> dict[int, Column]:
    lookup = {n: c for c in spec for n in names_of(c)}
    found: dict[int, Column] = {}
    for i, v in enumerate(values):
        if isinstance(v, str) and (c := lookup.get(norm(v))) and c not in found.values():
            found[i] = c
    return found


def _read_sheet(
    source: Target, sheet: str | None, spec: Sequence[Column], titles: tuple[str, str]
) -> _Sheet:
    title, rows = _load(source, sheet, titles)
    best: dict[int, Column] = {}
    best_row = -1
    for i, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match_header(values, spec)
        if len(found) > len(best):
            best, best_row = found, i
    missing = [c for c in spec if c.required and c not in best.values()]
    if len(best) < 2 or missing:
        need = missing or [c for c in spec if c.required]
        raise InputError(
            f"sheet {title!r}: no header row with the columns "
            f"{', '.join(f'{c.zh}/{c.en}' for c in need)} in its first {HEADER_SEARCH_ROWS} rows "
            f"(工作表缺少必需的列). Known columns: {', '.join(c.zh for c in spec)}",
            errors=[
                _problem(
                    title, None, f"{c.zh}/{c.en}", c.key, f"缺少“{c.zh}”列", f"no column {c.en!r}"
                )
                for c in need
            ],
        )
    header = rows[best_row]
    headers = {c.key: str(header[i]).strip() for i, c in best.items()}
    ignored = [str(v).strip() for i, v in enumerate(header) if i not in best and not is_blank(v)]
    zh = any(re.search(r"[\u4e00-\u9fff]", h) for h in headers.values())
    data = [(n, tuple(r)) for n, r in enumerate(rows, start=1) if n > best_row + 1]
    return _Sheet(title, best_row + 1, best, headers, ignored, "zh" if zh else "en", data)


def _problem(
    sheet: str, row: int | None, column: str, key: str, zh: str, en: str
) -> dict[str, object]:
    """One entry of the error's ``errors``: where, which field, and what is wrong."""
    return {
        "sheet": sheet,
        "row": row,
        "column": column,
        "field": key,
        "message": en,
        "message_zh": zh,
        "message_en": en,
    }


def _parse_rows(
    sheet: _Sheet, check: Callable[[dict[str, Any]], list[tuple[str, CellError]]] | None = None
) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, object]]]:
    """Each non-empty row as {field: value}, and every problem found."""
    parsed: list[tuple[int, dict[str, Any]]] = []
    problems: list[dict[str, object]] = []

    def fail(row: int, key: str, err: CellError) -> None:
        column = sheet.headers.get(key, key)
        problems.append(_problem(sheet.title, row, column, key, err.zh, err.en))

    for row, values in sheet.rows:
        cells = {c: values[i] if i < len(values) else None for i, c in sheet.columns.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        record: dict[str, Any] = {}
        for column, value in cells.items():
            if column.required and is_blank(value):
                fail(row, column.key, CellError("必填项为空", "required, but empty"))
                continue
            try:
                record[column.key] = column.parse(value)
            except CellError as bad:
                fail(row, column.key, bad)
        for key, err in check(record) if check else []:
            fail(row, key, err)
        parsed.append((row, record))
    return parsed, problems


def _raise(sheet: _Sheet, problems: list[dict[str, object]], form: tuple[str, str]) -> None:
    if not problems:
        return
    listed = "; ".join(
        f"row {p['row']}, column {p['column']!r}: {p['message_en']}"
        for p in problems[:MESSAGE_ERRORS]
    )
    more = f" (and {len(problems) - MESSAGE_ERRORS} more)" if len(problems) > MESSAGE_ERRORS else ""
    raise InputError(
        f"{form[0]}工作表“{sheet.title}”有 {len(problems)} 处错误,未导入任何数据 / "
        f"{form[1]} sheet {sheet.title!r} has {len(problems)} error(s); nothing was imported: "
        f"{listed}{more}. Correct the cells and import the sheet again.",
        errors=problems,
    )


# --- Table 1 -----------------------------------------------------------------------------


def _project(session: Session, actor: User, project_id: int, action: Action) -> Project:
    require(session, actor, project_id, action)
    project = session.get(Project, project_id)
    if project is None:  # an admin passes require() for any id
        raise NotFoundError(f"no project with id {project_id}")
    return project


def _process_names(session: Session, project: Project) -> set[str]:
    from opexflow.workspace.processes import Process

    process = session.get(Process, project.process_id)
    return {process.code, process.name} if process else set()


def import_table1(
    session: Session,
    *,
    actor: User,
    project_id: int,
    source: Target,
    sheet: str | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import Table 1 rows from an .xlsx sheet (all or nothing).

    Args:
        source: a path or a binary file object.
        sheet: the sheet's name; default the sheet titled like an export, else the first.
        replace: delete the project's current Table 1 rows first (in the same transaction).

    Example:
        >>> import_table1(s, actor=user, project_id=1, source="表1.xlsx").rows  # doctest: +SKIP
        4
    """
    project = _project(session, actor, project_id, Action.edit)
    ws = _read_sheet(source, sheet, TABLE1, TABLE1_TITLE)
    processes = _process_names(session, project)

    def check(record: dict[str, Any]) -> list[tuple[str, CellError]]:
        name = record.pop("process", "")
        if name and name not in processes:
            known = " / ".join(sorted(processes))
            return [
                (
                    "process",
                    CellError(
                        f"本项目的流程是“{known}”,而不是“{name}”",
                        f"this project's process is {known!r}, not {name!r}",
                    ),
                )
            ]
        return []

    parsed, problems = _parse_rows(ws, check)
    _raise(ws, problems, ("表1", "Table 1"))
    replaced = _clear(session, CurrentStateRow, actor, project_id) if replace else 0
    for position, (_row, record) in enumerate(parsed, start=1):
        record["step"] = record.get("step") or position
        items.create(
            session, CurrentStateRow, actor=actor, project_id=project_id, source="import", **record
        )
    return ImportResult(ws.title, ws.lang, len(parsed), replaced, ws.ignored)


def _clear(session: Session, table: type[CurrentStateRow | Measure], actor: User, pid: int) -> int:
    existing = list(session.scalars(select(table).where(table.project_id == pid)))
    for obj in existing:
        changes.remove(session, obj, actor=actor)
    return len(existing)


def _types_text(types: list[str], lang: Lang) -> str:
    if lang == "en":
        return ", ".join(types)
    return "、".join(CATEGORY_NAMES[ProblemCategory(t)][0] for t in types)


def export_table1(
    session: Session, *, actor: User, project_id: int, out: Target, lang: Lang = "zh"
) -> None:
    """Write the project's Table 1 as a styled .xlsx (headers in ``lang``).

    Example:
        >>> export_table1(s, actor=user, project_id=1, out="表1.xlsx")  # doctest: +SKIP
    """
    project = _project(session, actor, project_id, Action.read)
    from opexflow.workspace.processes import Process

    process = session.get(Process, project.process_id)
    name = process.name if process else ""
    rows = [
        {
            "process": name,
            "department": r.department,
            "step": r.step,
            "activity": r.activity,
            "role": r.role,
            "minutes_per_step": r.minutes_per_step,
            "problem_types": _types_text(r.problem_types, lang),
            "description": r.description,
        }
        for r in items.list_(session, CurrentStateRow, actor=actor, project_id=project_id)
    ]
    _write(out, TABLE1, rows, TABLE1_TITLE, lang)


# --- Table 2 -----------------------------------------------------------------------------


def import_table2(
    session: Session,
    *,
    actor: User,
    project_id: int,
    source: Target,
    sheet: str | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import Table 2 measures from an .xlsx sheet (all or nothing).

    The 对应问题/Problem column names a problem of the project by its title. The
    expected effect comes from the 指标/基线值/目标值/单位 columns, or, where
    those are empty, from a 预期效果 text such as ``激活时长 30 → 8 分钟``.

    Example:
        >>> import_table2(s, actor=user, project_id=1, source="表2.xlsx").rows  # doctest: +SKIP
        2
    """
    _project(session, actor, project_id, Action.edit)
    ws = _read_sheet(source, sheet, TABLE2, TABLE2_TITLE)
    problems_by_title = {
        p.title: p.id
        for p in session.scalars(select(Problem).where(Problem.project_id == project_id))
    }

    def check(record: dict[str, Any]) -> list[tuple[str, CellError]]:
        found: list[tuple[str, CellError]] = []
        effect = record.pop("expected_effect", "")
        if effect and not record.get("kpi"):
            try:
                record.update(expected_effect(effect))
            except CellError as err:
                found.append(("expected_effect", err))
        title = record.pop("problem", "")
        if not title:
            return found
        if title not in problems_by_title:
            known = "、".join(problems_by_title) or "—"
            message = CellError(
                f"本项目没有名为“{title}”的问题(已有:{known})",
                f"no problem titled {title!r} in this project (known: {known}); "
                "register it first or correct the title",
            )
            return [*found, ("problem", message)]
        record["problem_id"] = problems_by_title[title]
        return found

    parsed, problems = _parse_rows(ws, check)
    _raise(ws, problems, ("表2", "Table 2"))
    replaced = _clear(session, Measure, actor, project_id) if replace else 0
    for _row, record in parsed:
        values = {k: v for k, v in record.items() if v is not None and v != ""}
        values["step"] = record.get("step") or None
        items.create(session, Measure, actor=actor, project_id=project_id, **values)
    return ImportResult(ws.title, ws.lang, len(parsed), replaced, ws.ignored)


def export_table2(
    session: Session, *, actor: User, project_id: int, out: Target, lang: Lang = "zh"
) -> None:
    """Write the project's Table 2 as a styled .xlsx (headers in ``lang``).

    Example:
        >>> export_table2(s, actor=user, project_id=1, out="表2.xlsx", lang="en")  # doctest: +SKIP
    """
    _project(session, actor, project_id, Action.read)
    query = select(Problem.id, Problem.title).where(Problem.project_id == project_id)
    titles: dict[int, str] = dict(session.execute(query).all())
    types = {t: names[0 if lang == "zh" else 1] for t, names in MEASURE_TYPE_NAMES.items()}
    rows = [
        {
            "goal": m.goal,
            "problem": titles.get(m.problem_id, "") if m.problem_id else "",
            "measure": m.measure,
            "measure_type": types[m.measure_type],
            "owner_department": m.owner_department,
            "due_on": m.due_on,
            "kpi": m.kpi,
            "baseline": m.baseline,
            "target": m.target,
            "unit": m.unit,
            "expected_effect": m.expected_effect,
            "step": m.step or "",
        }
        for m in items.list_(session, Measure, actor=actor, project_id=project_id)
    ]
    _write(out, TABLE2, rows, TABLE2_TITLE, lang)


# --- writing -----------------------------------------------------------------------------


def _write(
    out: Target,
    spec: Sequence[Column],
    rows: list[dict[str, Any]],
    titles: tuple[str, str],
    lang: Lang,
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if lang not in ("zh", "en"):
        raise InputError(f"lang {lang!r}: use zh or en")
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = titles[0] if lang == "zh" else titles[1]
    ws.append([c.zh if lang == "zh" else c.en for c in spec])
    for row in rows:
        ws.append([row.get(c.key) for c in spec])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, column in enumerate(spec, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        head = ws.cell(row=1, column=i)
        head.font, head.fill = bold, fill
        head.alignment = Alignment(wrap_text=True, vertical="center")
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.alignment = wrap
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    if isinstance(out, str | Path):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
