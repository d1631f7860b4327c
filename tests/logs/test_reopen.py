"""A dataset this opexflow cannot read is imported again from its kept source, the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opexflow.errors import LogFormatError
from opexflow.logs import EventLog, import_log
from opexflow.logs.read import keep_source, kept_source_dir, reopen

CSV = """工单;环节;完成;处理人;金额
A1;提交;2024/3/1 09:00;张三;12
A1;审核;2024/3/1 10:30;李四;12
A2;提交;2024/3/1 09:10;张三;7
"""


def _imported(tmp_path: Path) -> EventLog:
    src = tmp_path / "upload.csv"
    src.write_text(CSV, encoding="gb18030")
    log = import_log(
        src,
        tmp_path / "logs" / "ds",
        mapping={"case_id": "工单", "activity": "环节", "timestamp": "完成"},
        tz="Europe/Berlin",
        types={"金额": "text"},
        encoding="gb18030",
        delimiter=";",
    )
    keep_source(src, log.path)
    src.unlink()  # an upload: gone after the request
    return log


def _age(dataset: Path, version: int = 1) -> None:
    meta = json.loads((dataset / "meta.json").read_text(encoding="utf-8"))
    meta["schema_version"] = version
    (dataset / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_an_old_dataset_is_imported_again_with_its_first_options(tmp_path: Path) -> None:
    first = _imported(tmp_path)
    _age(first.path)
    with pytest.raises(LogFormatError, match="import the source file again"):
        EventLog.open(first.path)
    again = reopen(first.path)
    assert again.meta.schema_version == first.meta.schema_version
    assert (again.meta.events, again.meta.cases) == (3, 2)
    assert again.meta.mapping == first.meta.mapping
    assert again.meta.tz == "Europe/Berlin" and again.meta.start == first.meta.start
    assert again.meta.attributes == first.meta.attributes  # 金额 still text
    assert again.meta.reader == {"encoding": "gb18030", "delimiter": ";", "sheet": None}
    assert EventLog.open(first.path).meta.imported_at == again.meta.imported_at
    assert [p.name for p in kept_source_dir(first.path).iterdir()] == ["upload.csv"]


def test_a_damaged_meta_is_rebuilt_from_the_source(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text("工单号,活动,完成时间\nA1,提交,2024-03-01 10:00\n", encoding="utf-8")
    log = import_log(src, tmp_path / "ds")
    keep_source(src, log.path)
    (log.path / "meta.json").write_text("{not json", encoding="utf-8")
    # Nothing of the first import's options is left: the source is read with
    # detection alone, which finds the same columns here.
    assert reopen(log.path).meta.mapping == log.meta.mapping


def test_without_a_kept_source_the_error_says_what_to_do(tmp_path: Path) -> None:
    src = tmp_path / "l.csv"
    src.write_text("case,activity,timestamp\nc,a,2024-03-01 10:00\n", encoding="utf-8")
    log = import_log(src, tmp_path / "ds")
    _age(log.path, 99)
    with pytest.raises(LogFormatError, match=r"schema 99.*import the source file again"):
        reopen(log.path)


def test_keeping_a_new_source_replaces_the_old_one(tmp_path: Path) -> None:
    log = _imported(tmp_path)
    newer = tmp_path / "newer.csv"
    newer.write_text(CSV, encoding="gb18030")
    keep_source(newer, log.path)
    assert [p.name for p in kept_source_dir(log.path).iterdir()] == ["newer.csv"]
