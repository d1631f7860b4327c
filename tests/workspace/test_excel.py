from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from opexflow.errors import InputError, PermissionDeniedError
from opexflow.workspace import items
from opexflow.workspace.excel import (
    export_table1,
    export_table2,
    import_table1,
    import_table2,
)
from opexflow.workspace.forms import CurrentStateRow, Measure, MeasureType
from opexflow.workspace.problems import Problem
from opexflow.workspace.projects import Project, set_member
from opexflow.workspace.users import User, create_user


def _sheet(path: Path, rows: list[list[Any]], title: str = "Sheet") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


SEED_TABLE1 = [
    [
        "流程名称",
        "涉及部门",
        "当前步骤简述",
        "责任岗位",
        "单步耗时(分钟)",
        "存在问题",
        "具体问题描述",
    ],
    ["用户注册激活流程", "运营部", "用户填写信息", "用户", 5, "", ""],
    [
        "用户注册激活流程",
        "运营、技术",
        "人工审核",
        "运营专员",
        30,
        "效率低、协同难",
        "审核需手动核对3个系统数据,跨部门对接无固定人",
    ],
    ["YH-LC01", "技术部", "系统激活", "系统", "2", "", ""],
    [None, None, None, None, None, None, None],
    ["", "运营部", "发送短信", "系统", 1.5, "质量", "验证码收不到"],
]


def _rows(session: Session, user: User, project: Project) -> list[CurrentStateRow]:
    return items.list_(session, CurrentStateRow, actor=user, project_id=project.id)


def _table1(session: Session, user: User, project: Project) -> list[tuple[Any, ...]]:
    fields = "step activity department role minutes_per_step problem_types description".split()
    return [tuple(getattr(r, f) for f in fields) for r in _rows(session, user, project)]


def test_table1_imports_the_seed_layout_with_chinese_headers(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    path = _sheet(tmp_path / "t1.xlsx", SEED_TABLE1, "表1")
    result = import_table1(session, actor=leader, project_id=project.id, source=path)
    assert (result.sheet, result.lang, result.rows, result.ignored_columns) == ("表1", "zh", 4, [])
    rows = _rows(session, leader, project)
    assert [(r.step, r.activity, r.minutes_per_step) for r in rows] == [
        (1, "用户填写信息", 5.0),
        (2, "人工审核", 30.0),
        (3, "系统激活", 2.0),
        (4, "发送短信", 1.5),
    ]
    review = rows[1]
    assert review.problem_types == ["efficiency", "collaboration"]
    assert (review.department, review.role, review.source) == ("运营、技术", "运营专员", "import")
    assert rows[3].problem_types == ["quality"]


def test_table1_english_headers_in_any_order_after_a_title_row(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    path = _sheet(
        tmp_path / "t1.xlsx",
        [
            ["Current state survey of YH-LC01"],
            ["Activity", "Step", "Minutes per step", "Problem types", "Notes"],
            ["Manual review", 2, 30, "efficiency, risk", "x"],
            ["Fill in form", 1, 5, None, None],
        ],
    )
    result = import_table1(session, actor=leader, project_id=project.id, source=path)
    assert (result.lang, result.rows, result.ignored_columns) == ("en", 2, ["Notes"])
    rows = _rows(session, leader, project)
    assert [(r.step, r.activity, r.problem_types) for r in rows] == [
        (1, "Fill in form", []),
        (2, "Manual review", ["efficiency", "risk"]),
    ]


def test_a_bad_table1_sheet_names_every_cell_and_imports_nothing(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    path = _sheet(
        tmp_path / "bad.xlsx",
        [
            ["流程", "步骤序号", "环节", "单步耗时(分钟)", "问题类型"],
            ["用户注册激活流程", 1, "填写", 5, "效率"],
            ["订单履约流程", 2, "审核", "半小时", "慢"],
            [None, 0, "", -3, None],
        ],
        "现状",
    )
    with pytest.raises(InputError) as err:
        import_table1(session, actor=leader, project_id=project.id, source=path)
    found = {(e["row"], e["column"]) for e in err.value.errors}
    assert found == {
        (3, "单步耗时(分钟)"),
        (3, "问题类型"),
        (3, "流程"),
        (4, "步骤序号"),
        (4, "环节"),
        (4, "单步耗时(分钟)"),
    }
    assert all(
        e["sheet"] == "现状" and e["message_zh"] and e["message_en"] for e in err.value.errors
    )
    assert "nothing was imported" in str(err.value) and "未导入任何数据" in str(err.value)
    assert "'半小时' is not a number" in str(err.value)
    assert _rows(session, leader, project) == []


def test_a_sheet_without_the_required_columns_says_which(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    path = _sheet(tmp_path / "t.xlsx", [["部门", "角色"], ["运营部", "专员"]])
    with pytest.raises(InputError, match="环节/Activity") as err:
        import_table1(session, actor=leader, project_id=project.id, source=path)
    assert [e["field"] for e in err.value.errors] == ["activity"]


def test_not_an_excel_file(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    path = tmp_path / "t.xlsx"
    path.write_text("case,activity\n1,A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not an Excel workbook \(\.xlsx\)"):
        import_table1(session, actor=leader, project_id=project.id, source=path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table1_round_trip(
    session: Session, project: Project, leader: User, tmp_path: Path, lang: Any
) -> None:
    import_table1(
        session,
        actor=leader,
        project_id=project.id,
        source=_sheet(tmp_path / "in.xlsx", SEED_TABLE1),
    )
    before = _table1(session, leader, project)
    out = tmp_path / f"out-{lang}.xlsx"
    export_table1(session, actor=leader, project_id=project.id, out=out, lang=lang)
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[3] == ("环节" if lang == "zh" else "Activity")
    assert ws.freeze_panes == "A2" and ws.cell(1, 1).font.bold
    assert ws.column_dimensions["H"].width == 48
    assert ws.cell(3, 7).value == ("效率、协同" if lang == "zh" else "efficiency, collaboration")
    result = import_table1(session, actor=leader, project_id=project.id, source=out, replace=True)
    assert (result.rows, result.replaced, result.lang) == (4, 4, lang)
    assert _table1(session, leader, project) == before


def test_a_viewer_may_export_but_not_import(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    viewer = create_user(session, username="li", password="viewer-pass-1")
    set_member(session, actor=leader, project_id=project.id, user_id=viewer.id, role="viewer")
    out = tmp_path / "t1.xlsx"
    export_table1(session, actor=viewer, project_id=project.id, out=out)
    with pytest.raises(PermissionDeniedError):
        import_table1(session, actor=viewer, project_id=project.id, source=out)


def _problem(session: Session, leader: User, project: Project, title: str) -> Problem:
    return items.create(
        session,
        Problem,
        actor=leader,
        project_id=project.id,
        category="efficiency",
        title=title,
        impact=5,
        urgency=4,
    )


def test_table2_seed_layout_parses_the_expected_effect(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    review = _problem(session, leader, project, "审核效率低")
    path = _sheet(
        tmp_path / "t2.xlsx",
        [
            [
                "优化目标",
                "问题点",
                "具体优化措施",
                "措施类型",
                "责任部门",
                "完成时间",
                "预期效果(量化指标)",
            ],
            [
                "激活时长缩短至8分钟",
                "审核效率低",
                "开发自动校验工具,对接3个系统数据",
                "系统自动化",
                "技术部",
                "2024-04-30",
                "激活时长从30分钟→8分钟",
            ],
            [
                "错误率降至1%",
                "",
                "系统强制校验必填项",
                "validation",
                "技术部",
                date(2024, 5, 10),
                "错误率 5% → 1%",
            ],
        ],
    )
    result = import_table2(session, actor=leader, project_id=project.id, source=path)
    assert (result.rows, result.lang) == (2, "zh")
    first, second = items.list_(session, Measure, actor=leader, project_id=project.id)
    assert (first.problem_id, first.measure_type, first.due_on) == (
        review.id,
        MeasureType.automate,
        date(2024, 4, 30),
    )
    assert (first.kpi, first.baseline, first.target, first.unit) == ("激活时长", 30.0, 8.0, "分钟")
    assert first.expected_effect == "激活时长 30 → 8 分钟"
    assert (second.problem_id, second.measure_type) == (None, MeasureType.validation)
    assert (second.kpi, second.baseline, second.target, second.unit) == ("错误率", 5.0, 1.0, "%")


def test_a_bad_table2_sheet_imports_nothing(
    session: Session, project: Project, leader: User, tmp_path: Path
) -> None:
    _problem(session, leader, project, "审核效率低")
    path = _sheet(
        tmp_path / "t2.xlsx",
        [
            ["Goal", "Problem", "Measure", "Measure type", "Due date", "Expected effect"],
            ["faster", "审核效率低", "automate checks", "automate", "2024-04-31", "about half"],
            ["", "no such problem", "x", "magic", "soon", ""],
            ["fine", "", "train staff", "training", "2024/5/1", "error rate 5 -> 1 %"],
        ],
    )
    with pytest.raises(InputError) as err:
        import_table2(session, actor=leader, project_id=project.id, source=path)
    found = sorted((e["row"], e["field"]) for e in err.value.errors)
    assert found == [
        (2, "due_on"),
        (2, "expected_effect"),
        (3, "due_on"),
        (3, "goal"),
        (3, "measure_type"),
        (3, "problem"),
    ]
    problem = next(e for e in err.value.errors if e["field"] == "problem")
    assert "审核效率低" in str(problem["message_en"])
    assert items.list_(session, Measure, actor=leader, project_id=project.id) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table2_round_trip(
    session: Session, project: Project, leader: User, tmp_path: Path, lang: Any
) -> None:
    problem = _problem(session, leader, project, "审核效率低")
    items.create(
        session,
        Measure,
        actor=leader,
        project_id=project.id,
        problem_id=problem.id,
        goal="激活时长缩短至8分钟",
        measure="自动校验工具",
        measure_type="automate",
        owner_department="技术部",
        due_on=date(2024, 4, 30),
        kpi="激活时长",
        baseline=30,
        target=8,
        unit="分钟",
        step="人工审核",
    )
    items.create(
        session, Measure, actor=leader, project_id=project.id, goal="统一标准", measure="编写SOP"
    )
    fields = (
        "problem_id goal measure measure_type owner_department due_on kpi baseline target unit step"
    ).split()

    def snapshot() -> list[tuple[Any, ...]]:
        return [
            tuple(getattr(m, f) for f in fields)
            for m in items.list_(session, Measure, actor=leader, project_id=project.id)
        ]

    before = snapshot()
    out = tmp_path / "t2.xlsx"
    export_table2(session, actor=leader, project_id=project.id, out=out, lang=lang)
    ws = load_workbook(out).active
    assert ws is not None
    assert ws.cell(2, 11).value == "激活时长 30 → 8 分钟"
    assert ws.cell(2, 4).value == ("系统自动化" if lang == "zh" else "automate")
    result = import_table2(session, actor=leader, project_id=project.id, source=out, replace=True)
    assert (result.rows, result.replaced) == (2, 2)
    assert snapshot() == before
