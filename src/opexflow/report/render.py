"""Render the diagnosis report as one self-contained HTML file.

The page inlines its style sheet, its script, Graphviz compiled to
WebAssembly and its data, so it opens offline and makes no request. The
findings and tables are plain HTML; only the process map needs JavaScript.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from opexflow.errors import NotFoundError
from opexflow.report import assets
from opexflow.report.conformance import conformance_context
from opexflow.report.context import (
    check_data,
    findings_context,
    header_context,
    noscript_edges,
    throughput_stats,
    variants_context,
)
from opexflow.report.histogram import histogram_svg
from opexflow.report.i18n import Lang, check_lang, js_strings, translator
from opexflow.report.tables import quality_rows, table1_rows


@functools.cache
def _template() -> Template:
    env = Environment(
        loader=PackageLoader("opexflow.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html")


def _context(data: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    process_map: Mapping[str, Any] = data.get("process_map") or {}
    throughput: Mapping[str, Any] = data.get("throughput") or {}
    return {
        "t": translator(lang),
        "lang": lang,
        **header_context(data, lang),
        "noscript_edges": noscript_edges(process_map, lang),
        "has_map": bool(process_map.get("nodes")),
        "findings": findings_context(data.get("findings") or [], lang),
        "conformance": conformance_context(data.get("conformance"), lang),
        "variants": variants_context(data.get("variants") or [], lang),
        "throughput_stats": throughput_stats(throughput, lang),
        "histogram": histogram_svg(throughput, lang),
        "table1": table1_rows(data.get("table1") or [], lang),
        "quality": quality_rows(data.get("quality"), lang),
        "css": assets.style_sheet(),
        "data_json": assets.json_for_script(data),
        "i18n_json": assets.json_for_script({"lang": lang, "strings": js_strings(lang)}),
        "graphviz_js": assets.graphviz_script(),
        "map_js": assets.map_script(),
    }


def render_report(data: Mapping[str, Any], *, lang: Literal["zh", "en"] = "zh") -> str:
    """The diagnosis report for ``data`` as a complete HTML document.

    Args:
        data: the mapping produced by the diagnosis (title, log, throughput,
            process_map, variants, findings, table1, quality).
        lang: the page language, ``"zh"`` (default) or ``"en"``.

    Raises:
        InputError: ``data`` lacks ``title``, ``log`` or ``process_map``, or
            ``lang`` is not supported.

    Example:
        >>> html = render_report({"title": "用户注册激活流程", "log": {"cases": 3},
        ...                       "process_map": {"nodes": [], "edges": []}}, lang="en")
        >>> html.startswith("<!DOCTYPE html>") and "用户注册激活流程" in html
        True
    """
    checked = check_lang(lang)
    check_data(data)
    return _template().render(_context(data, checked))


def write_report(data: Mapping[str, Any], path: Path, *, lang: Literal["zh", "en"] = "zh") -> Path:
    """Render the report and write it to ``path`` (UTF-8) atomically.

    The page is written to a temporary file next to ``path`` and renamed over
    it, so a reader never sees half a report and a failure leaves no file.

    Raises:
        NotFoundError: the folder of ``path`` does not exist.
        InputError: as :func:`render_report`.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "report.html"
        >>> write_report({"title": "t", "log": {}, "process_map": {}}, out).name
        'report.html'
    """
    html = render_report(data, lang=lang)
    target = Path(path)
    if not target.parent.is_dir():
        msg = f"cannot write the report to {target}: folder {target.parent} does not exist; create it first"
        raise NotFoundError(msg)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)  # mkstemp makes the file private; a report is meant to be shared
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
