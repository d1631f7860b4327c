"""The files the report inlines, and how text is made safe inside ``<script>``.

Everything the page needs travels inside the one HTML file: the style sheet,
the process-map script, Graphviz compiled to WebAssembly, and the data as
JSON. Inlined text must not end its element early (``</script``), must not
switch the HTML parser into its escaped state (``<!--``), and the page must
name no network address, so ``http://`` is written ``http\\x3a//`` and any
other ``://`` as ``:\\/\\/``; both mean the same inside a JavaScript string,
template or regular expression.

Example:
    >>> "</" in json_for_script({"activity": "</script>"})
    False
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from importlib.resources import files
from typing import Any, Final

from markupsafe import Markup

#: The vendored Graphviz build: ``@hpcc-js/wasm`` 2.35.3, ``dist/graphviz.umd.js``
#: (Graphviz 16.1.0 with the WebAssembly inlined). See ``static/README.md``.
GRAPHVIZ_JS: Final = "hpcc-js-wasm-graphviz-2.35.3.umd.js"
GRAPHVIZ_NOTICE: Final = (
    "/*! @hpcc-js/wasm 2.35.3, dist/graphviz.umd.js. Apache License 2.0, "
    "Copyright HPCC Systems. Contains Graphviz 16.1.0 (Eclipse Public License 1.0, "
    "Copyright AT&T and the Graphviz authors) and Expat (MIT) compiled to WebAssembly. "
    "License texts: opexflow/report/static/*.LICENSE.txt. */\n"
)
MAP_JS: Final = "process-map.js"
CSS: Final = "report.css"

_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_URL_SCHEME = re.compile(r"\b(https?)://")
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_JSON_ESCAPES: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@functools.cache
def static_text(name: str) -> str:
    """The text of ``static/<name>`` inside the installed package."""
    return files("opexflow.report").joinpath("static", name).read_text(encoding="utf-8")


def script_safe(source: str) -> Markup:
    """JavaScript ``source`` made safe to place between ``<script>`` tags."""
    source = _SOURCE_MAP.sub("", source)
    source = _SCRIPT_END.sub(r"<\\/\1", source)
    source = source.replace("<!--", "<\\!--")
    source = _URL_SCHEME.sub(r"\1\\x3a//", source).replace("://", ":\\/\\/")
    return Markup(source)  # escaped for the script context above


def style_safe(css: str) -> Markup:
    """A style sheet checked to be safe inside ``<style>``."""
    if re.search(r"</style|://", css, re.IGNORECASE):
        msg = "the report style sheet must not contain '</style' or a URL"
        raise ValueError(msg)
    return Markup(css)  # checked above


def json_for_script(value: Any) -> Markup:
    """``value`` as JSON that cannot end a ``<script type="application/json">``.

    Non-finite floats become ``null`` so that ``JSON.parse`` accepts the text.
    """
    text = json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":"))
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)  # escaped for the script context above


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def graphviz_script() -> Markup:
    """The vendored Graphviz build with its licence notice, ready to inline."""
    return script_safe(GRAPHVIZ_NOTICE + static_text(GRAPHVIZ_JS))


def map_script() -> Markup:
    """The process-map script, ready to inline."""
    return script_safe(static_text(MAP_JS))


def style_sheet() -> Markup:
    """The report's style sheet, ready to inline."""
    return style_safe(static_text(CSS))
