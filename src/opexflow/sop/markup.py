"""Markdown and HTML exports of an SOP (from the blocks of :mod:`opexflow.sop.render`).

Example:
    >>> from opexflow.sop.model import Sop
    >>> to_markdown(Sop(process_id="YH-LC01", name="用户注册激活流程")).splitlines()[0]
    '# 用户注册激活流程 标准作业程序'
"""

from __future__ import annotations

from html import escape

from opexflow.sop import render as rd
from opexflow.sop.figure import flowchart_svg
from opexflow.sop.labels import Lang
from opexflow.sop.model import Sop


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _md_table(t: rd.Table) -> list[str]:
    if t.kind == "cover":
        return [f"- **{k}**：{v}" if v else f"- **{k}**：" for k, v in t.rows]
    lines = [
        "| " + " | ".join(_cell(h) for h in t.headers) + " |",
        "|" + "|".join("---" for _ in t.headers) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return lines


def to_markdown(sop: Sop, lang: Lang = "zh") -> str:
    """The SOP as Markdown (GitHub tables), in ``lang``."""
    out: list[str] = []
    for b in rd.document(sop, lang):
        match b:
            case rd.Heading(level=level, text=text):
                out += ["#" * (level + 1) + " " + text, ""]
            case rd.Paragraph(text=text):
                out += [text, ""]
            case rd.Table():
                out += [*_md_table(b), ""]
            case rd.Bullets(items=items, numbered=numbered):
                out += [f"{i}. {x}" if numbered else f"- {x}" for i, x in enumerate(items, 1)]
                out.append("")
            case rd.Figure(fallback=lines, caption=caption):
                out += [caption, "", *(f"{i}. {x}" for i, x in enumerate(lines, 1)), ""]
            case rd.PageBreak():
                out += ["---", ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",SimSun,sans-serif;
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}table.raci td:nth-child(n+3){text-align:center;font-weight:bold}
table.cover{width:auto}table.cover th{width:8rem}figure svg{max-width:100%;height:auto}
h1{text-align:center}hr{border:0;border-top:1px solid #ccc;margin:2rem 0}
@media print{hr{page-break-after:always;border:0}}
"""


def _html_table(t: rd.Table) -> str:
    if t.kind == "cover":
        rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in t.rows)
        return f'<table class="cover">{rows}</table>'
    head = "".join(f"<th>{escape(h)}</th>" for h in t.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in t.rows
    )
    return f'<table class="{t.kind}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def to_html(sop: Sop, lang: Lang = "zh") -> str:
    """The SOP as one self-contained HTML page (the flowchart as inline SVG)."""
    parts: list[str] = []
    for b in rd.document(sop, lang):
        match b:
            case rd.Heading(level=level, text=text):
                parts.append(f"<h{level + 1}>{escape(text)}</h{level + 1}>")
            case rd.Paragraph(text=text):
                parts.append(f"<p>{escape(text)}</p>")
            case rd.Table():
                parts.append(_html_table(b))
            case rd.Bullets(items=items, numbered=numbered):
                tag = "ol" if numbered else "ul"
                parts.append(
                    f"<{tag}>" + "".join(f"<li>{escape(x)}</li>" for x in items) + f"</{tag}>"
                )
            case rd.Figure(model=model, fallback=lines):
                steps = "".join(f"<li>{escape(x)}</li>" for x in lines)
                parts.append(
                    f"<figure>{flowchart_svg(model)}<figcaption><ol>{steps}</ol></figcaption></figure>"
                )
            case rd.PageBreak():
                parts.append("<hr>")
    title = escape(f"{sop.name} {sop.version}")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )
