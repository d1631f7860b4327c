"""``read_log``: the one call users make to get an :class:`EventLog` from a file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from opexflow.errors import NotFoundError
from opexflow.logs.canonical import import_log, log_name
from opexflow.logs.schema import SCHEMA_VERSION, AttributeType, EventLog
from opexflow.logs.staging import ProgressCallback, no_progress


def read_log(
    path: str | Path,
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start: str | None = None,
    resource: str | None = None,
    department: str | None = None,
    tz: str | None = None,
    types: Mapping[str, AttributeType] | None = None,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    data_dir: str | Path | None = None,
    cache: bool = True,
    progress: ProgressCallback = no_progress,
) -> EventLog:
    """Read an event log from a file (or open an imported dataset directory).

    The file is imported once into the data directory (``OPEXFLOW_DATA_DIR``,
    default ``./opexflow-data``) as a canonical Parquet dataset; reading the same
    unchanged file with the same options again reuses it (``cache=False`` forces
    a new import).

    Args:
        path: CSV, XLSX, XES (.xes/.xes.gz), Parquet, or a dataset directory.
        case, activity, timestamp, start, resource, department: source column
            names, when the guess from common English and Chinese names is wrong.
        tz: time zone of timestamps without an offset (default ``OPEXFLOW_TZ``,
            Asia/Shanghai).
        types: attribute column -> ``number``/``integer``/``boolean``/``timestamp``/``text``.
        format, encoding, delimiter, sheet: reader options; None detects them.
        data_dir: where datasets are stored.
        cache: reuse an earlier import of the same file and options.
        progress: called with (stage, done, total).

    Example:
        >>> import opexflow as ox
        >>> log = ox.read_log("activation.csv", tz="Asia/Shanghai")  # doctest: +SKIP
        >>> ox.diagnose(log).findings[0].kind                        # doctest: +SKIP
        'bottleneck'
    """
    from opexflow.settings import get_settings

    p = Path(path)
    if p.is_dir() and (p / "meta.json").is_file():
        return EventLog.open(p)
    if not p.exists():
        raise NotFoundError(f"{p} does not exist; check the path")
    settings = get_settings()
    mapping = {
        "case_id": case,
        "activity": activity,
        "timestamp": timestamp,
        "start_timestamp": start,
        "resource": resource,
        "department": department,
    }
    options = {
        "mapping": mapping,
        "tz": tz or settings.tz,
        "types": dict(types or {}),
        "format": format,
        "encoding": encoding,
        "delimiter": delimiter,
        "sheet": sheet,
    }
    root = Path(data_dir) if data_dir is not None else settings.data_dir
    out = root / "logs" / f"{log_name(p)}-{_fingerprint(p, options)}"
    if cache and (out / "meta.json").is_file():
        try:
            return EventLog.open(out)
        except Exception:
            pass
    return import_log(
        p,
        out,
        mapping=mapping,
        tz=str(options["tz"]),
        types=types,
        format=format,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        memory_limit=settings.engine.memory_limit,
        threads=settings.engine.threads,
        progress=progress,
    )


def _fingerprint(path: Path, options: Mapping[str, object]) -> str:
    stat = path.stat()
    key = json.dumps(
        [str(path.resolve()), stat.st_size, stat.st_mtime_ns, options, SCHEMA_VERSION],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(key.encode()).hexdigest()[:12]
