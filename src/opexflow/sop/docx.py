"""Word (DOCX) export of an SOP, laid out as a controlled document (python-docx).

Chinese text renders in Word and LibreOffice: every style sets its East Asian
font (``w:eastAsia``, 宋体 for text, 黑体 for headings) instead of the theme
font. The header carries 文件编号 and 版本, the footer the page number. The
flowchart is a picture when it can be drawn (:func:`opexflow.sop.figure.flowchart_png`),
otherwise a step-by-step list.

Example:
    >>> from opexflow.sop.model import Sop
    >>> data = to_docx(Sop(process_id="YH-LC01", name="用户注册激活流程"))
    >>> data[:2]
    b'PK'
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opexflow.sop import render as rd
from opexflow.sop.figure import flowchart_png
from opexflow.sop.labels import Lang, label
from opexflow.sop.model import Sop

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

TEXT_WIDTH_CM = 16.6
"""A4 width less the margins: what tables and the flowchart span."""
LANDSCAPE_WIDTH_CM = 25.3
BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Arial", "黑体")
"""(Latin, East Asian) fonts; Word on Windows has both, LibreOffice substitutes Noto CJK."""


def to_docx(sop: Sop, lang: Lang = "zh", *, figure: bool = True) -> bytes:
    """The SOP as DOCX bytes; ``figure=False`` lists the flowchart instead of drawing it."""
    from docx import Document

    doc = Document()
    _styles(doc)
    _page(doc, sop, lang)
    blocks = rd.document(sop, lang)
    figures = (flowchart_png(b.model) for b in blocks if isinstance(b, rd.Figure))
    png = next(figures, None) if figure else None
    wide = png is not None and _is_wide(png)
    for i, b in enumerate(blocks):
        if wide and i + 1 < len(blocks) and isinstance(blocks[i + 1], rd.Figure):
            # A wide flowchart gets a landscape page (with its heading), so its text stays legible.
            _orient(doc, landscape=True)
        _write(doc, b, png)
        if wide and isinstance(b, rd.Figure):
            _orient(doc, landscape=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _write(doc: DocumentObject, b: rd.Block, png: bytes | None) -> None:
    from docx.shared import Pt

    match b:
        case rd.Heading(level=0, text=text):
            title = doc.add_heading(text, level=0)
            title.alignment = 1  # centred
            for run in title.runs:
                run.font.size = Pt(22)
        case rd.Heading(level=level, text=text):
            doc.add_heading(text, level=level)
        case rd.Paragraph(text=text):
            doc.add_paragraph(text)
        case rd.Table():
            _table(doc, b)
        case rd.Bullets(items=items, numbered=numbered):
            style = "List Number" if numbered else "List Bullet"
            for item in items:
                doc.add_paragraph(item, style=style)
        case rd.Figure():
            _figure(doc, b, png)
        case rd.PageBreak():
            doc.add_page_break()  # type: ignore[no-untyped-call]


def write_docx(sop: Sop, path: str | Path, lang: Lang = "zh", *, figure: bool = True) -> Path:
    """Write :func:`to_docx` to ``path`` and return it."""
    target = Path(path)
    target.write_bytes(to_docx(sop, lang, figure=figure))
    return target


def _set_fonts(style: Any, fonts: tuple[str, str], *, black: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    style.font.name = fonts[0]
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), fonts[0])
    rfonts.set(qn("w:hAnsi"), fonts[0])
    rfonts.set(qn("w:eastAsia"), fonts[1])
    if black:
        style.font.color.rgb = RGBColor(0, 0, 0)


def _styles(doc: DocumentObject) -> None:
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(10.5)  # 五号
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _set_fonts(doc.styles[name], HEADING_FONT, black=True)
    for name in ("List Bullet", "List Number", "Table Grid", "Caption"):
        if name in [s.name for s in doc.styles]:
            _set_fonts(doc.styles[name], BODY_FONT)
    doc.styles["Heading 1"].font.size = Pt(16)
    doc.styles["Heading 2"].font.size = Pt(13)


def _page(doc: DocumentObject, sop: Sop, lang: Lang) -> None:
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    head = section.header.paragraphs[0]
    head.text = (
        f"{sop.name}    {label('document_no', lang)}: {sop.document_no or sop.process_id}    "
        f"{label('version', lang)}: {sop.version}"
    )
    head.alignment = 2  # right
    foot = section.footer.paragraphs[0]
    foot.alignment = 1
    _page_number(foot)


def _page_number(paragraph: Any) -> None:
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)


def _table(doc: DocumentObject, t: rd.Table) -> None:
    from docx.shared import Cm

    cover = t.kind == "cover"
    rows = list(t.rows) if cover else [t.headers, *t.rows]
    table = doc.add_table(rows=len(rows), cols=len(rows[0]) if rows else 1)
    table.style = doc.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            bold = (cover and c == 0) or (not cover and r == 0)
            centre = t.kind == "raci" and c >= 2
            for p in cell.paragraphs:
                if centre:
                    p.alignment = 1
                for run in p.runs:
                    run.bold = bold
    if not cover:
        _repeat_header(table.rows[0])
    if t.kind == "signoff":
        for row in table.rows[1:]:
            row.height = Cm(1.2)  # room to sign by hand
    widths = (
        [4.0, 12.6]
        if cover
        else [3.0, 4.6, 5.0, 4.0]
        if t.kind == "signoff"
        else _column_widths(rows, TEXT_WIDTH_CM)
    )
    table.autofit = False
    for c, w in enumerate(widths):
        table.columns[c].width = Cm(w)
        for cell in table.columns[c].cells:
            cell.width = Cm(w)
    doc.add_paragraph()


CM_PER_UNIT = 0.19
"""Width of half an em at 10.5 pt (a Latin letter; a CJK character is two units)."""
CELL_PADDING_CM = 0.4
SHORT_CELL = 5
"""Cells of at most this many characters are kept on one line (names, durations)."""


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _words(text: str) -> list[str]:
    """The pieces a line should not break inside: runs of Latin letters, digits and
    signs, and short cells whole (a name, 5 分钟); longer Chinese text breaks
    between any two characters."""
    return [text] if len(text) <= SHORT_CELL else re.findall(r"[!-~]+", text)


def _column_widths(rows: list[tuple[str, ...]], total: float) -> list[float]:
    """Column widths in cm that add up to ``total``: each column gets at least its
    header and its longest unbreakable word (a date, an ID), then the rest of the
    page goes to the columns with the most text.
    """

    def cm(units: int) -> float:
        return units * CM_PER_UNIT + CELL_PADDING_CM

    columns = range(len(rows[0]))
    natural = [cm(max(_units(r[c]) for r in rows)) for c in columns]
    least = [
        min(
            natural[c],
            cm(max([_units(rows[0][c])] + [_units(w) for r in rows[1:] for w in _words(r[c])])),
        )
        for c in columns
    ]
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    if sum(least) >= total:
        return [total * n / sum(least) for n in least]
    share = (total - sum(least)) / (sum(natural) - sum(least))
    return [lo + (n - lo) * share for lo, n in zip(least, natural, strict=True)]


def _repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _figure(doc: DocumentObject, fig: rd.Figure, png: bytes | None) -> None:
    from docx.shared import Cm

    if png is None:
        doc.add_paragraph(fig.caption)
        for line in fig.fallback:
            doc.add_paragraph(line, style="List Number")
        return
    wide = _is_wide(png)
    doc.add_picture(io.BytesIO(png), width=Cm(LANDSCAPE_WIDTH_CM if wide else TEXT_WIDTH_CM))


def _orient(doc: DocumentObject, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _is_wide(png: bytes) -> bool:
    # Width and height are the first fields of the IHDR chunk, right after the signature.
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return width > 1.6 * height
