"""Shared fixtures: tiny hand-built logs and the public datasets."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from opexflow.logs import EventLog, import_log

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data directory; settings are re-read."""
    from opexflow.settings import get_settings

    monkeypatch.setenv("OPEXFLOW_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def tiny_log(tmp_path: Path, write_csv: Callable[..., Path]) -> EventLog:
    """Three cases; c1 and c3 follow A B C, c2 follows A B B C (rework of B).

    Times are minutes after 09:00 on 2024-03-01, local to Asia/Shanghai.
    """
    rows = [
        ("c1", "A", "09:00", "张三", "运营部"),
        ("c1", "B", "09:10", "李四", "技术部"),
        ("c1", "C", "09:30", "张三", "运营部"),
        ("c2", "A", "10:00", "张三", "运营部"),
        ("c2", "B", "10:20", "李四", "技术部"),
        ("c2", "B", "10:50", "王五", "运营部"),
        ("c2", "C", "11:00", "张三", "技术部"),
        ("c3", "A", "12:00", "赵六", "运营部"),
        ("c3", "B", "12:05", "李四", "技术部"),
        ("c3", "C", "12:45", "张三", "运营部"),
    ]
    text = "工单号,环节,完成时间,处理人,部门,金额\n" + "".join(
        f"{c},{a},2024-03-01 {t},{r},{d},{i * 100}\n" for i, (c, a, t, r, d) in enumerate(rows)
    )
    return import_log(write_csv(text), tmp_path / "ds")


def dataset(name: str) -> Path:
    path = DATASETS / name
    if not path.exists():
        pytest.fail(f"public dataset {path} is missing (expected beside the checkout)")
    return path


from tests.fixtures.demo_logs import demo_log  # noqa: E402, F401  (a shared fixture)
