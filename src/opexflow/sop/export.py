"""One entry point for every export format of an SOP.

Example:
    >>> from opexflow.sop.model import Sop
    >>> export_sop(Sop(process_id="X", name="流程"), format="md").decode().splitlines()[0]
    '# 流程 标准作业程序'
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from opexflow.errors import InputError
from opexflow.sop.labels import Lang
from opexflow.sop.model import Sop

Format = Literal["docx", "md", "html", "pdf", "bpmn", "json"]
FORMATS: Final[tuple[str, ...]] = ("docx", "md", "html", "pdf", "bpmn", "json")


def export_sop(
    sop: Sop, *, format: str = "docx", lang: Lang = "zh", out: str | Path | None = None
) -> bytes:
    """The SOP in ``format`` (docx, md, html, pdf, bpmn, json) as bytes; written to
    ``out`` too when given.

    Raises:
        InputError: an unknown format or language.
        NotFoundError: ``pdf`` without LibreOffice.
    """
    if lang not in ("zh", "en"):
        raise InputError(
            f"language {lang!r}: use zh or en", message_zh=f"语言 {lang!r} 无效：请用 zh 或 en"
        )
    data = _render(sop, format, lang)
    if out is not None:
        Path(out).write_bytes(data)
    return data


def _render(sop: Sop, format: str, lang: Lang) -> bytes:
    if format == "docx":
        from opexflow.sop.docx import to_docx

        return to_docx(sop, lang)
    if format == "md":
        from opexflow.sop.markup import to_markdown

        return to_markdown(sop, lang).encode()
    if format == "html":
        from opexflow.sop.markup import to_html

        return to_html(sop, lang).encode()
    if format == "pdf":
        from opexflow.sop.pdf import to_pdf

        return to_pdf(sop, lang)
    if format == "bpmn":
        from opexflow.models.bpmn_xml import to_xml

        return to_xml(sop.bpmn()).encode()
    if format == "json":
        return sop.model_dump_json(indent=2, exclude_defaults=True).encode()
    raise InputError(
        f"format {format!r}: use one of {', '.join(FORMATS)}",
        message_zh=f"格式 {format!r} 无效：可用 {'、'.join(FORMATS)}",
    )
