"""Writing demo logs: formats, atomicity, the demo set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from opexflow.demo import activation_log, fulfilment_log, write_demo_logs, write_log
from opexflow.demo import writer as w
from opexflow.errors import InputError


def test_csv_is_plain_utf8_with_a_header(tmp_path: Path) -> None:
    path = write_log(fulfilment_log(cases=20, seed=2), tmp_path / "orders.csv")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "订单号,活动,时间,处理人,部门,金额,加急"
    assert '"' not in text
    assert lines[1].startswith("DD2024")
    assert lines[1].endswith((",true", ",false"))


def test_csv_reads_back_as_the_generated_table(tmp_path: Path) -> None:
    table = pa.concat_tables(activation_log(cases=300, seed=4))
    path = write_log(activation_log(cases=300, seed=4), tmp_path / "a.csv")
    names = table.column_names
    options = pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    back = pcsv.read_csv(path, convert_options=options)
    assert back.equals(table)


def test_parquet_keeps_types(tmp_path: Path) -> None:
    path = write_log(fulfilment_log(events=3_000), tmp_path / "f.data", format="parquet")
    back = pq.read_table(path)
    assert back.equals(pa.concat_tables(fulfilment_log(events=3_000)))
    assert back.schema.field("金额").type == pa.float64()
    assert back.schema.field("加急").type == pa.bool_()


def test_xlsx_has_one_sheet_with_header_and_values(tmp_path: Path) -> None:
    path = write_log(fulfilment_log(cases=5), tmp_path / "f.xlsx")
    book = load_workbook(path, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()  # a read-only workbook keeps its file open until closed
    assert rows[0] == ("订单号", "活动", "时间", "处理人", "部门", "金额", "加急")
    assert isinstance(rows[1][5], float)
    assert rows[1][6] in (True, False)
    again = write_log(fulfilment_log(cases=5), tmp_path / "g.xlsx")
    assert again.read_bytes() == path.read_bytes()


def test_xlsx_refuses_more_rows_than_a_sheet_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(w, "XLSX_MAX_ROWS", 100)
    with pytest.raises(InputError, match="at most 100 rows"):
        write_log(activation_log(cases=50), tmp_path / "big.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[pa.Table]:
        yield from activation_log(cases=10)
        raise RuntimeError("source failed")

    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        write_log(broken(), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


@pytest.mark.parametrize("name", ["log.txt", "log"])
def test_unknown_format_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="csv, parquet, xlsx"):
        write_log(activation_log(cases=1), tmp_path / name)


def test_empty_log_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no tables"):
        write_log(iter(()), tmp_path / "x.csv")


def test_write_demo_logs(tmp_path: Path) -> None:
    paths = write_demo_logs(tmp_path / "demo", events=2_000, formats=("csv", "parquet"))
    names = ("activation_before", "activation_after", "fulfilment")
    assert sorted(paths) == sorted(names)
    for name in names:
        assert paths[name] == tmp_path / "demo" / f"{name}.csv"
        parquet = paths[name].with_suffix(".parquet")
        assert 1_900 <= pq.read_metadata(parquet).num_rows <= 2_100
