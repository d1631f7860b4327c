"""``read_log``: the one call users make to get an :class:`EventLog` from a file."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from opexflow.errors import LogFormatError, NotFoundError, OpexflowError
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


def kept_source_dir(dataset: str | Path) -> Path:
    """Where :func:`keep_source` keeps the file a dataset was imported from: a folder
    beside the dataset (``<dataset>.source``), which a new import of the dataset
    (an atomic replacement of its folder) leaves alone."""
    d = Path(dataset)
    return d.with_name(d.name + ".source")


def keep_source(source: str | Path, dataset: str | Path) -> Path:
    """Copy ``source`` beside ``dataset``, so that :func:`reopen` can import it again
    when a later opexflow writes datasets differently. For files that do not stay
    where they are (uploads)."""
    folder = kept_source_dir(dataset)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(source).name
    tmp = folder / f".{target.name}.tmp"
    try:
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OpexflowError(
            f"cannot keep a copy of {source} in {folder} ({exc.strerror or exc}); "
            "check that the data directory is writable and has free space"
        ) from exc
    for old in folder.iterdir():
        if old != target:
            old.unlink(missing_ok=True)
    return target


def reopen(dataset: str | Path) -> EventLog:
    """Open an imported dataset; if this opexflow cannot read it (written by an
    older version, or damaged) and its source was kept (:func:`keep_source`),
    import that source again, with the options of the first import, in its place."""
    try:
        return EventLog.open(dataset)
    except LogFormatError:
        kept = sorted(kept_source_dir(dataset).glob("[!.]*"))
        if not kept:
            raise
    from opexflow.settings import get_settings

    old = _old_meta(Path(dataset) / "meta.json")
    settings = get_settings()
    attributes = old.get("attributes") or []
    reader = {k: v for k, v in (old.get("reader") or {}).items() if k in _READER}
    return import_log(
        kept[0],
        dataset,
        name=old.get("name"),
        mapping=old.get("mapping") or None,
        tz=str(old.get("tz") or settings.tz),
        types={a["name"]: a["type"] for a in attributes if "name" in a and "type" in a},
        format=old.get("format"),
        **reader,
        memory_limit=settings.engine.memory_limit,
        threads=settings.engine.threads,
    )


_READER = ("encoding", "delimiter", "sheet")


def _old_meta(path: Path) -> dict[str, Any]:
    """Whatever can still be read of a dataset's meta.json (empty if nothing)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
