from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from opexflow.errors import ColumnMappingError, InputError, LogFormatError, OpexflowError
from opexflow.logs import EventLog, import_log, read_log

ZH_HEADER = "工单号,环节,开始时间,完成时间,处理人,部门\n"
ZH_ROWS = (
    "YH001,用户填写信息,2024/3/1 9:00,2024/3/1 9:05,用户,运营部\n"
    "YH001,人工审核,2024/3/1 9:30,2024/3/1 10:00,运营-张伟,运营部\n"
    "YH002,用户填写信息,2024/3/1 9:10,2024/3/1 9:12,用户,运营部\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_csv_in_every_encoding(
    encoding: str, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    log = import_log(write_csv(ZH_HEADER + ZH_ROWS, encoding=encoding), tmp_path / "out")
    assert (log.cases, log.events) == (2, 3)
    assert log.meta.mapping == {
        "case_id": "工单号",
        "activity": "环节",
        "timestamp": "完成时间",
        "start_timestamp": "开始时间",
        "resource": "处理人",
        "department": "部门",
    }
    events = pq.read_table(log.events_path).to_pylist()
    assert events[1]["activity"] == "人工审核"
    # 2024/3/1 10:00 in Asia/Shanghai is 02:00 UTC
    assert events[1]["timestamp"] == datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    assert events[1]["start_timestamp"] == datetime(2024, 3, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01T10:00:00+08:00", datetime(2024, 3, 1, 2, 0, tzinfo=UTC)),
        ("2024-03-01 10:00", datetime(2024, 3, 1, 2, 0, tzinfo=UTC)),
        ("2024-03-01 10:00:30", datetime(2024, 3, 1, 2, 0, 30, tzinfo=UTC)),
        ("2024/3/1 10:00", datetime(2024, 3, 1, 2, 0, tzinfo=UTC)),
        ("2024年3月1日 10:00", datetime(2024, 3, 1, 2, 0, tzinfo=UTC)),
        ("1709258400", datetime(2024, 3, 1, 2, 0, tzinfo=UTC)),
        ("1709258400000", datetime(2024, 3, 1, 2, 0, tzinfo=UTC)),
    ],
)
def test_timestamp_formats(
    value: str, expected: datetime, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    log = import_log(write_csv(f"case,activity,timestamp\n1,A,{value}\n"), tmp_path / "o")
    assert pq.read_table(log.events_path)["timestamp"][0].as_py() == expected


def test_tz_option_changes_naive_times(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = write_csv("case,activity,timestamp\n1,A,2024-03-01 10:00\n")
    log = import_log(path, tmp_path / "o", tz="UTC")
    assert pq.read_table(log.events_path)["timestamp"][0].as_py() == datetime(
        2024, 3, 1, 10, tzinfo=UTC
    )
    with pytest.raises(InputError, match="unknown time zone"):
        import_log(path, tmp_path / "p", tz="Mars/Olympus")


def test_semicolon_delimiter_and_na_is_a_value(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    text = "Case ID;Activity;Complete Timestamp\nNA;A;2024-03-01 10:00\nNA;B;2024-03-01 11:00\n"
    log = import_log(write_csv(text), tmp_path / "o")
    assert log.cases == 1 and log.events == 2
    assert pq.read_table(log.cases_path)["case_id"].to_pylist() == ["NA"]


def test_events_sorted_by_time_then_file_order(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    text = "case,activity,timestamp\n1,C,2024-03-01 12:00\n1,A,2024-03-01 10:00\n1,B,2024-03-01 10:00\n"
    log = import_log(write_csv(text), tmp_path / "o")
    t = pq.read_table(log.events_path)
    assert t["activity"].to_pylist() == ["A", "B", "C"]
    assert t["next_activity_idx"].to_pylist()[:2] == t["activity_idx"].to_pylist()[1:]
    checks = {c["check"]: c for c in log.meta.quality["checks"]}
    assert checks["out_of_order"]["count"] == 1  # A comes after C in the file
    assert checks["out_of_order"]["examples"][0]["row"] == 3  # file line 3


def test_attribute_types_and_case_attributes(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    text = (
        "case,activity,timestamp,amount,urgent,code,note\n"
        "1,A,2024-03-01 10:00,12000.5,true,007,x\n"
        "1,B,2024-03-01 11:00,12000.5,true,007,y\n"
        "2,A,2024-03-01 10:00,99,false,008,z\n"
    )
    log = import_log(write_csv(text), tmp_path / "o", types={"note": "text"})
    attrs = {a.name: (a.type, a.case_level) for a in log.meta.attributes}
    assert attrs == {
        "amount": ("number", True),
        "urgent": ("boolean", True),
        "code": ("text", True),  # leading zeros: an identifier, not a number
        "note": ("text", False),
    }
    cases = pq.read_table(log.cases_path).to_pylist()
    assert cases[0]["amount"] == 12000.5 and cases[0]["urgent"] is True


def test_quality_report_counts_and_examples(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    text = (
        "case,activity,timestamp,start_timestamp\n"
        "1,A,2024-03-01 10:00,2024-03-01 09:00\n"
        "1,A,2024-03-01 10:00,2024-03-01 09:00\n"
        "1,B,not a time,2024-03-01 09:00\n"
        ",B,2024-03-01 11:00,\n"
        "2,A,1985-01-01 10:00,1985-01-01 11:00\n"
        "3,A,2099-01-01 10:00,\n"
    )
    log = import_log(write_csv(text), tmp_path / "o")
    q = {c["check"]: c for c in log.meta.quality["checks"]}
    unparseable = [c for c in log.meta.quality["checks"] if c["check"] == "unparseable"]
    assert unparseable[0]["column"] == "timestamp" and unparseable[0]["count"] == 1
    assert unparseable[0]["examples"][0] == {
        "row": 4,
        "column": "timestamp",
        "value": "not a time",
        "case_id": None,
    }
    assert q["dropped_rows"]["count"] == 2
    assert q["duplicates"]["count"] == 1
    assert q["ancient_timestamps"]["count"] == 1
    assert q["future_timestamps"]["count"] == 1
    assert q["start_after_end"]["count"] == 1
    assert q["single_event_cases"]["count"] == 2
    assert "无法解析" in unparseable[0]["message_zh"]


def test_ambiguous_mapping_lists_columns(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = write_csv("工单号,订单号,活动,时间\n1,2,A,2024-03-01 10:00\n")
    with pytest.raises(ColumnMappingError) as err:
        import_log(path, tmp_path / "o")
    assert "'工单号' and '订单号'" in str(err.value) and "--case" in str(err.value)
    log = import_log(path, tmp_path / "o", mapping={"case_id": "订单号"})
    assert log.meta.mapping["case_id"] == "订单号"


def test_missing_timestamp_column(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    with pytest.raises(ColumnMappingError, match=r"timestamp.*columns found: 'case', 'activity'"):
        import_log(write_csv("case,activity\n1,A\n"), tmp_path / "o")


def test_unparseable_timestamp_column(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    with pytest.raises(LogFormatError, match=r"column 'timestamp'.*expected ISO 8601"):
        import_log(write_csv("case,activity,timestamp\n1,A,yesterday\n"), tmp_path / "o")


def test_ragged_csv_names_the_line(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    text = "case,activity,timestamp\n1,A,2024-03-01 10:00\n1,B\n"
    with pytest.raises(LogFormatError) as err:
        import_log(write_csv(text), tmp_path / "o")
    assert err.value.location is not None and err.value.location.line == 3
    assert "Expected Number of Columns: 3 found 2" in str(err.value)
    assert not (tmp_path / "o").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["log.csv"]


def test_bad_gbk_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        ("case,activity,timestamp\n1,审核,2024-03-01 10:00\n").encode("gbk") + b"2,\xff\xff\xff,x\n"
    )
    with pytest.raises(LogFormatError) as err:
        import_log(path, tmp_path / "o", encoding="gbk")
    assert err.value.location is not None and err.value.location.line == 3


def test_reimport_replaces_atomically(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "o"
    import_log(write_csv("case,activity,timestamp\n1,A,2024-03-01 10:00\n"), out)
    with pytest.raises(OpexflowError):
        import_log(write_csv("case,activity,timestamp\n", name="empty.csv"), out)
    assert EventLog.open(out).events == 1  # the failed import left the old dataset intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "log.csv", "o"]


def test_read_log_caches_by_content(write_csv: Callable[..., Path]) -> None:
    path = write_csv("case,activity,timestamp\n1,A,2024-03-01 10:00\n")
    first = read_log(path)
    again = read_log(path)
    assert again.path == first.path
    reopened = read_log(first.path)
    assert reopened.meta == first.meta


def test_xlsx_import(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["订单号", "活动", "时间", "金额"])
    ws.append(["D1", "创建订单", datetime(2024, 3, 1, 9, 0), 12000])  # noqa: DTZ001
    ws.append(["D1", "发货", "2024/3/2 10:00", 12000])
    wb.save(tmp_path / "o.xlsx")
    log = import_log(tmp_path / "o.xlsx", tmp_path / "ds")
    assert (log.cases, log.events) == (1, 2)
    assert log.meta.attribute("金额") is not None
    t = pq.read_table(log.events_path)
    assert t["timestamp"][0].as_py() == datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


def test_parquet_import_keeps_types(tmp_path: Path) -> None:
    import pyarrow as pa

    table = pa.table(
        {
            "case": ["1", "1"],
            "activity": ["A", "B"],
            "timestamp": pa.array(
                [datetime(2024, 3, 1, 10), datetime(2024, 3, 1, 11)],  # noqa: DTZ001
                pa.timestamp("us"),
            ),
            "amount": [1.5, 1.5],
        }
    )
    pq.write_table(table, tmp_path / "l.parquet")
    log = import_log(tmp_path / "l.parquet", tmp_path / "ds", tz="UTC")
    assert log.meta.attribute("amount").type == "number"  # type: ignore[union-attr]
    assert pq.read_table(log.events_path)["timestamp"][1].as_py() == datetime(
        2024, 3, 1, 11, tzinfo=UTC
    )


def test_type_inferred_from_sample_is_demoted_when_data_disagrees(
    write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    rows = "".join(f"{i},A,2024-03-01 10:00,{i}\n" for i in range(50_000))
    text = "case,activity,timestamp,code\n" + rows + "50000,A,2024-03-01 10:00,X-17\n"
    log = import_log(write_csv(text), tmp_path / "o")
    assert log.meta.attribute("code").type == "text"  # type: ignore[union-attr]
    codes = pq.read_table(log.events_path, columns=["code"])["code"].to_pylist()
    assert "X-17" in codes and "49999" in codes


def test_full_disk_is_a_resource_error(
    write_csv: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from opexflow.errors import ResourceError
    from opexflow.logs import canonical

    def no_space(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x"))

    monkeypatch.setattr(canonical, "_build", no_space)
    with pytest.raises(ResourceError, match="free disk space"):
        import_log(write_csv("case,activity,timestamp\n1,A,2024-03-01 10:00\n"), tmp_path / "o")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]
