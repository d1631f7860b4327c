from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import opexflow as ox
from opexflow.demo import activation_log, write_log
from opexflow.errors import InputError
from opexflow.sop import Measure, check_sop, draft_from_diagnosis

MEASURES = [
    {
        "goal": "激活时长缩短至5分钟",
        "problem": "审核效率低",
        "measure": "开发自动校验工具，对接3个系统数据",
        "department": "技术部",
        "due": "2024-05",
        "kpi": "激活时长",
        "baseline": 30,
        "target": 5,
        "unit": "分钟",
        "step": "人工审核",
    },
    Measure(goal="解决验证码收不到", measure="接入备用短信通道", department="技术部"),
]


@pytest.fixture(scope="module")
def diagnosis(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = tmp_path_factory.mktemp("draft") / "yh.csv"
    write_log(activation_log(events=3000, seed=3), path)
    log = ox.read_log(path, data_dir=path.parent / "data")
    return ox.diagnose(log).to_dict()


def test_steps_departments_and_durations_from_table1(diagnosis: dict[str, object]) -> None:
    sop = draft_from_diagnosis(
        diagnosis, measures=MEASURES, process="YH-LC01", name="用户注册激活流程"
    )
    table1 = diagnosis["table1"]
    assert isinstance(table1, list)
    assert [s.name for s in sop.steps] == [r["activity"] for r in table1]
    assert [s.department for s in sop.steps] == [r["department"] for r in table1]
    assert [s.as_is_minutes for s in sop.steps] == [r["minutes_per_step"] for r in table1]
    review = next(s for s in sop.steps if s.name == "人工审核")
    assert review.measures == ("开发自动校验工具，对接3个系统数据（技术部，2024-05）",)
    assert "瓶颈" in review.as_is_problems
    assert sop.target is not None and sop.target.text() == "激活时长 30 → 5 分钟"
    assert "待落实的优化措施：接入备用短信通道（技术部）" in sop.purpose
    assert set(sop.scope.departments) == {r["department"] for r in table1}
    # Every step has its doer as R; the A is the author's to give.
    todo = check_sop(sop, metrics={"激活时长"})
    assert {i.step for i in todo if i.code == "raci_no_a"} == {s.number for s in sop.steps}
    assert not any(i.code == "raci_no_r" for i in todo)
    assert {i.section for i in todo if i.code == "section_empty"} == {
        "control_points",
        "contingency",
    }
    assert sop.flowchart is not None and sop.bpmn().tasks == [s.name for s in sop.steps]


def test_flowchart_from_a_discovered_model(diagnosis: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "yh.csv"
    write_log([pa.concat_tables(activation_log(events=3000, seed=3))], path)
    model = ox.discover(ox.read_log(path, data_dir=tmp_path / "data"), noise=0.2)
    sop = draft_from_diagnosis(diagnosis, process="YH-LC01", model=model)
    assert sop.bpmn().tasks == model.bpmn.tasks
    assert len(sop.bpmn().lanes) >= 2


def test_draft_needs_table1_and_valid_measures() -> None:
    with pytest.raises(InputError, match="diagnose --json"):
        draft_from_diagnosis({"findings": []}, process="X")
    with pytest.raises(InputError, match="measure #1: goal"):
        draft_from_diagnosis(
            {"table1": [{"activity": "a"}]}, measures=[{"measure": "m"}], process="X"
        )
