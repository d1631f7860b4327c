"""The self-contained HTML diagnosis report.

``render_report(data, lang=...)`` returns the page, ``write_report(data, path,
lang=...)`` writes it atomically. ``data`` is the mapping the diagnosis
produces; its contract is in ``README.md`` beside this file.

Example:
    >>> from opexflow.report import render_report
    >>> "<svg" in render_report({"title": "t", "log": {}, "process_map": {},
    ...     "throughput": {"histogram": [{"lo_s": 0, "hi_s": 60, "cases": 2}]}})
    True
"""

from __future__ import annotations

from opexflow.report.render import render_report, write_report

__all__ = ["render_report", "write_report"]
