"""Diagnosis reports of stored logs, cached on disk.

A log's report data is written when the log is attached and diagnosed (with
the rules and SLA used then); each language's HTML is rendered on first use.
Both live in ``<data_dir>/reports/``, so the process-map API and the report
page cost a file read. A log attached before the cache existed is diagnosed
again on first use (without rules).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Literal

from opexflow.workspace.processes import EventLogRecord

_lock = threading.Lock()


def _folder(data_dir: Path) -> Path:
    folder = data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def store_report_data(record: EventLogRecord, data_dir: Path, data: dict[str, Any]) -> None:
    """Keep a freshly diagnosed log's report data (called when it is attached)."""
    _write(
        _folder(data_dir) / f"log-{record.id}.json",
        json.dumps(data, ensure_ascii=False, default=str),
    )


def report_data_for(record: EventLogRecord, data_dir: Path) -> dict[str, Any]:
    """The report mapping of a stored log (diagnosed on first use)."""
    path = _folder(data_dir) / f"log-{record.id}.json"
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    with _lock:
        if path.exists():
            return report_data_for(record, data_dir)
        from opexflow.analysis.diagnose import diagnose, report_data
        from opexflow.logs.read import reopen

        log = reopen(record.dataset)
        data = report_data(diagnose(log), title=record.name)
        _write(path, json.dumps(data, ensure_ascii=False, default=str))
        return data


def report_html_for(record: EventLogRecord, data_dir: Path, lang: Literal["zh", "en"]) -> str:
    """The self-contained HTML report of a stored log."""
    path = _folder(data_dir) / f"log-{record.id}.{lang}.html"
    if path.exists():
        return path.read_text(encoding="utf-8")
    from opexflow.report import render_report

    html = render_report(report_data_for(record, data_dir), lang=lang)
    _write(path, html)
    return html
