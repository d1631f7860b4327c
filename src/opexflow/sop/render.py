"""An SOP laid out as a document: a list of blocks (headings, paragraphs, tables,
lists) that the Markdown, HTML and DOCX writers each turn into their format.

The layout is the controlled document a Chinese company prints: cover fields
(文件编号, 版本, 生效日期, 编制, 审核, 批准), revision history (Table 4), then
numbered sections — purpose, scope, RACI, detailed steps, flowchart, control
points, forms and tools, contingency plans.

Example:
    >>> from opexflow.sop.model import Sop
    >>> blocks = document(Sop(process_id="YH-LC01", name="用户注册激活流程"))
    >>> blocks[0]
    Heading(level=0, text='用户注册激活流程 标准作业程序')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opexflow.models.bpmn import BpmnModel
from opexflow.sop.labels import Lang, label
from opexflow.sop.model import Sop, sentence


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; level 0 is the document title, 1 a numbered section, 2 a subsection."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str = ""  # cover | history | raci | steps | forms | contingency


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True, slots=True)
class Figure:
    """The flowchart; writers draw it when they can, else print ``fallback``."""

    model: BpmnModel
    fallback: tuple[str, ...]
    caption: str


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Bullets | Figure | PageBreak


def document(sop: Sop, lang: Lang = "zh") -> list[Block]:
    """The blocks of ``sop`` in ``lang``, in print order."""
    blocks: list[Block] = [Heading(0, f"{sop.name} {label('title', lang)}")]
    blocks += _cover(sop, lang)
    for i, (key, build) in enumerate(_SECTIONS, start=1):
        blocks.append(
            Heading(1, f"{i}. {label(key, lang)}" if lang == "en" else f"{i} {label(key, lang)}")
        )
        body = build(sop, lang)
        blocks += body or [Paragraph(label("none", lang))]
    return blocks


def _cover(sop: Sop, lang: Lang) -> list[Block]:
    fields = [
        ("document_no", sop.document_no or sop.process_id),
        ("process_id", sop.process_id),
        ("version", sop.version),
        ("effective_on", sop.effective_on.isoformat() if sop.effective_on else ""),
    ]
    cover = Table(
        (label("kind", lang), ""),
        tuple((label(k, lang), v) for k, v in fields),
        kind="cover",
    )
    # Names printed, signatures and dates left blank for ink: the printed copy is signed.
    signoff = Table(
        ("", label("person", lang), label("signature", lang), label("date", lang)),
        tuple(
            (label(k, lang), who, "", "")
            for k, who in (
                ("editor", sop.editor),
                ("reviewer", sop.reviewer),
                ("approver", sop.approver),
            )
        ),
        kind="signoff",
    )
    out: list[Block] = [cover, signoff]
    if sop.history:
        cols = ("version", "effective_on", "summary", "editor", "reviewer", "remarks")
        rows = tuple(
            (
                r.version,
                r.effective_on.isoformat() if r.effective_on else "",
                r.summary,
                r.editor,
                r.reviewer,
                r.remarks,
            )
            for r in sop.history
        )
        out += [
            Heading(2, label("history", lang)),
            Table(tuple(label(c, lang) for c in cols), rows, kind="history"),
        ]
    return [*out, PageBreak()]


def _purpose(sop: Sop, lang: Lang) -> list[Block]:
    out: list[Block] = [Paragraph(sop.purpose)] if sop.purpose else []
    if sop.target is not None:
        out.append(Paragraph(label("target_text", lang).format(text=sop.target.text())))
    return out


def _scope(sop: Sop, lang: Lang) -> list[Block]:
    sep = "、" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    items = [
        f"{label(k, lang)}{colon}{sep.join(v)}"
        for k, v in (
            ("scenarios", sop.scope.scenarios),
            ("departments", sop.scope.departments),
            ("roles", sop.scope.roles),
        )
        if v
    ]
    return [Bullets(tuple(items))] if items else []


def _raci(sop: Sop, lang: Lang) -> list[Block]:
    if not sop.raci:
        return []
    roles = sop.raci_roles()
    rows = tuple(
        (str(s.number), s.name, *(sop.raci_cell(s.number, r) for r in roles))
        for s in sorted(sop.steps, key=lambda s: s.number)
    )
    head = (label("number", lang), label("step", lang), *roles)
    return [Table(head, rows, kind="raci"), Paragraph(label("raci_legend", lang))]


def _steps(sop: Sop, lang: Lang) -> list[Block]:
    if not sop.steps:
        return []
    steps = sorted(sop.steps, key=lambda s: s.number)
    cols = ("number", "step", "role", "department", "input", "output", "time_limit")
    rows = tuple(
        (
            str(s.number),
            s.name,
            s.role,
            s.department,
            s.input,
            s.output,
            s.time_limit_text(lang),
        )
        for s in steps
    )
    out: list[Block] = [Table(tuple(label(c, lang) for c in cols), rows, kind="steps")]
    colon = "：" if lang == "zh" else ": "
    for s in steps:
        details = [
            f"{label(k, lang)}{colon}{v}"
            for k, v in (("guidance", s.guidance), ("system_path", s.system_path))
            if v
        ]
        details += [f"{label('measures', lang)}{colon}{m}" for m in s.measures]
        if s.as_is_minutes is not None:
            details.append(f"{label('as_is_minutes', lang)}{colon}{s.as_is_minutes:g}")
        if s.as_is_problems:
            details.append(f"{label('as_is_problems', lang)}{colon}{s.as_is_problems}")
        if details:
            number = [k for k, _ in _SECTIONS].index("steps") + 1
            out += [Heading(2, f"{number}.{s.number} {s.name}"), Bullets(tuple(details))]
    return out


def flowchart_lines(model: BpmnModel, lang: Lang) -> tuple[str, ...]:
    """The flowchart as text: each node with its lane and where it leads."""
    word = "网关" if lang == "zh" else "gateway"
    unnamed = [n.id for n in model.nodes if not n.name]
    names = {n.id: n.name or f"◇ {word} {unnamed.index(n.id) + 1}" for n in model.nodes}
    out = []
    for n in model.nodes:
        nexts = [
            f"{names[f.target]}"
            + (f"（{f.name}）" if f.name and lang == "zh" else f" ({f.name})" if f.name else "")
            for f in model.flows
            if f.source == n.id
        ]
        lane = f"[{n.lane}] " if n.lane else ""
        arrow = f" → {' / '.join(nexts)}" if nexts else ""
        out.append(f"{lane}{names[n.id]}{arrow}")
    return tuple(out)


def _flowchart(sop: Sop, lang: Lang) -> list[Block]:
    model = sop.bpmn()
    if not model.nodes:
        return []
    return [Figure(model, flowchart_lines(model, lang), label("flowchart_note", lang))]


def _control_points(sop: Sop, lang: Lang) -> list[Block]:
    items = tuple(
        f"{sentence(r, lang)}（{r.id}）" if lang == "zh" else f"{sentence(r, lang)} ({r.id})"
        for r in sop.control_points
    )
    return [Bullets(items, numbered=True)] if items else []


def _forms(sop: Sop, lang: Lang) -> list[Block]:
    if not sop.forms_tools:
        return []
    rows = tuple((label(f.kind, lang), f.name, f.description) for f in sop.forms_tools)
    head = (label("kind", lang), label("item", lang), label("description", lang))
    return [Table(head, rows, kind="forms")]


def _contingency(sop: Sop, lang: Lang) -> list[Block]:
    if not sop.contingency:
        return []
    rows = tuple((c.trigger, c.procedure, c.recovery_text(lang), c.owner) for c in sop.contingency)
    cols = ("trigger", "procedure", "recovery", "owner")
    return [Table(tuple(label(k, lang) for k in cols), rows, kind="contingency")]


_SECTIONS: list[tuple[str, Callable[[Sop, Lang], list[Block]]]] = [
    ("purpose", _purpose),
    ("scope", _scope),
    ("raci", _raci),
    ("steps", _steps),
    ("flowchart", _flowchart),
    ("control_points", _control_points),
    ("forms_tools", _forms),
    ("contingency", _contingency),
]
"""The numbered sections in print order."""
