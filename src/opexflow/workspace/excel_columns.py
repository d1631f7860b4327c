"""The columns of Tables 1 and 2 and how each cell is read (for :mod:`opexflow.workspace.excel`).

Each :class:`Column` names its field, its Chinese and English headers (and the
seed's other wordings), its width, and a reader that turns a cell into a value
or raises :class:`CellError` with the reason in both languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from opexflow.workspace.forms import MeasureType
from opexflow.workspace.problems import ProblemCategory

CATEGORY_NAMES: dict[ProblemCategory, tuple[str, ...]] = {
    ProblemCategory.efficiency: ("效率", "效率低", "效率问题", "efficiency"),
    ProblemCategory.quality: ("质量", "质量差", "质量问题", "quality"),
    ProblemCategory.collaboration: ("协同", "协同难", "协同问题", "协作", "collaboration"),
    ProblemCategory.risk: ("风险", "风险高", "风险问题", "risk"),
}

MEASURE_TYPE_NAMES: dict[MeasureType, tuple[str, str]] = {
    MeasureType.remove_approval: ("精简审批", "remove approvals"),
    MeasureType.automate: ("系统自动化", "automate"),
    MeasureType.parallelize: ("串行改并行", "parallelize"),
    MeasureType.standardize: ("统一标准", "standardize"),
    MeasureType.validation: ("校验规则", "validation rules"),
    MeasureType.training: ("培训", "training"),
    MeasureType.raci: ("明确职责(RACI)", "RACI"),
    MeasureType.meeting: ("例会机制", "meetings"),
    MeasureType.compliance_step: ("合规环节", "compliance step"),
    MeasureType.risk_alert: ("风险预警", "risk alert"),
    MeasureType.other: ("其他", "other"),
}


class CellError(ValueError):
    """A cell value that cannot be used; carries the message in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Column:
    """One column of a form: its field, headers, width and how a cell is read."""

    key: str
    zh: str
    en: str
    parse: Callable[[Any], Any]
    aliases: tuple[str, ...] = ()
    width: int = 14
    required: bool = False


# --- cell readers ----------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_len: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if is_blank(value):
            return ""
        s = (value.isoformat() if isinstance(value, date) else str(value)).strip()
        if isinstance(value, float) and value.is_integer():
            s = str(int(value))
        if max_len is not None and len(s) > max_len:
            raise CellError(
                f"文字过长({len(s)}字),最多{max_len}字",
                f"{len(s)} characters; at most {max_len}",
            )
        return s

    return parse


def number(value: Any) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("应为数字", "expected a number")
    if isinstance(value, int | float):
        return float(value)
    s = str(value).strip().removesuffix("分钟").removesuffix("min").strip()
    try:
        return float(s.replace(",", ""))
    except ValueError:
        raise CellError(f"“{value}”不是数字", f"{value!r} is not a number") from None


def minutes(value: Any) -> float | None:
    result = number(value)
    if result is not None and result < 0:
        raise CellError("耗时不能为负数", "a duration cannot be negative")
    return result


def step_number(value: Any) -> int | None:
    result = number(value)
    if result is None:
        return None
    if not result.is_integer() or result < 1:
        raise CellError("步骤序号应为正整数(1、2、3……)", "a step number is a whole number >= 1")
    return int(result)


_SPLIT = re.compile(r"[、,,;;/|\s]+")
_CATEGORY_BY_NAME = {n.lower(): c for c, names in CATEGORY_NAMES.items() for n in names}


def problem_types(value: Any) -> list[str]:
    if is_blank(value):
        return []
    found: list[str] = []
    for part in _SPLIT.split(str(value).strip()):
        if not part:
            continue
        category = _CATEGORY_BY_NAME.get(part.lower())
        if category is None:
            raise CellError(
                f"问题类型“{part}”无法识别,请用 效率/质量/协同/风险",
                f"problem type {part!r}: use efficiency, quality, collaboration or risk",
            )
        found.append(category.value)
    return list(dict.fromkeys(found))


_MEASURE_TYPE_BY_NAME = {
    _norm: t
    for t, (zh, en) in MEASURE_TYPE_NAMES.items()
    for _norm in (t.value, zh.lower(), en.lower(), re.sub(r"\(.*\)", "", zh))
}


def measure_type(value: Any) -> MeasureType:
    if is_blank(value):
        return MeasureType.other
    key = unicodedata.normalize("NFKC", str(value)).strip().lower()
    found = _MEASURE_TYPE_BY_NAME.get(key)
    if found is None:
        zh = "、".join(zh for zh, _ in MEASURE_TYPE_NAMES.values())
        en = ", ".join(t.value for t in MeasureType)
        raise CellError(f"措施类型“{value}”无法识别,可选:{zh}", f"measure type {value!r}: use {en}")
    return found


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def due_date(value: Any) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CellError(
        f"“{value}”不是日期,请写成 2024-03-31",
        f"{value!r} is not a date; write it as 2024-03-31",
    )


_EFFECT = re.compile(
    r"^(?P<kpi>.*?)\s*从?\s*(?P<base>-?\d+(?:\.\d+)?)\s*(?P<unit0>[^\d\s→>-]*)\s*"
    r"(?:→|->|至|到)\s*(?P<target>-?\d+(?:\.\d+)?)\s*(?P<unit>\S*)\s*$"
)


def expected_effect(value: str) -> dict[str, Any]:
    """``激活时长 30 → 8 分钟`` (or 从30分钟→8分钟) as KPI, baseline, target and unit."""
    match = _EFFECT.match(str(value).strip())
    if match is None or not match["kpi"].strip():
        raise CellError(
            f"预期效果“{value}”应写成“指标 基线 → 目标 单位”,如“激活时长 30 → 8 分钟”",
            f"expected effect {value!r}: write 'KPI baseline → target unit', "
            "e.g. '激活时长 30 → 8 分钟'",
        )
    return {
        "kpi": match["kpi"].strip()[:120],
        "baseline": float(match["base"]),
        "target": float(match["target"]),
        "unit": (match["unit"] or match["unit0"])[:20],
    }


# --- the two forms ---------------------------------------------------------------------

TABLE1_TITLE = ("表1 现状调研表", "Table 1 Current state")
TABLE2_TITLE = ("表2 优化方案设计表", "Table 2 Improvement plan")

TABLE1: tuple[Column, ...] = (
    Column("process", "流程", "Process", text(200), ("流程名称", "process name"), 18),
    Column("department", "涉及部门", "Departments", text(120), ("部门", "department"), 14),
    Column("step", "步骤序号", "Step", step_number, ("序号", "步骤", "step no", "no", "#"), 9),
    Column(
        "activity",
        "环节",
        "Activity",
        text(200),
        ("当前步骤简述", "当前步骤", "步骤名称", "活动"),
        22,
        required=True,
    ),
    Column("role", "角色", "Role", text(120), ("责任岗位", "岗位"), 14),
    Column(
        "minutes_per_step",
        "单步耗时(分钟)",
        "Minutes per step",
        minutes,
        ("单步耗时", "耗时", "耗时(分钟)", "minutes"),
        15,
    ),
    Column(
        "problem_types",
        "问题类型",
        "Problem types",
        problem_types,
        ("存在问题", "存在问题(可多选)"),
        20,
    ),
    Column(
        "description",
        "问题描述",
        "Description",
        text(),
        ("具体问题描述", "描述", "problem description"),
        48,
    ),
)

TABLE2: tuple[Column, ...] = (
    Column("goal", "优化目标", "Goal", text(), ("目标",), 26, required=True),
    Column("problem", "对应问题", "Problem", text(200), ("问题点", "问题"), 22),
    Column("measure", "优化措施", "Measure", text(), ("具体优化措施", "措施"), 36, required=True),
    Column("measure_type", "措施类型", "Measure type", measure_type, ("类型", "type"), 14),
    Column(
        "owner_department",
        "责任部门",
        "Owner department",
        text(120),
        ("部门", "department", "owner"),
        14,
    ),
    Column("due_on", "完成时间", "Due date", due_date, ("完成日期", "due", "due on"), 13),
    Column("kpi", "指标", "KPI", text(120), ("量化指标", "关键指标", "metric"), 14),
    Column("baseline", "基线值", "Baseline", number, ("优化前", "基线", "before"), 10),
    Column("target", "目标值", "Target", number, ("优化后", "after"), 10),
    Column("unit", "单位", "Unit", text(20), (), 8),
    Column(
        "expected_effect",
        "预期效果",
        "Expected effect",
        text(),
        ("预期效果(量化指标)", "effect"),
        26,
    ),
    Column("step", "对应环节", "Step", text(200), ("环节", "activity"), 16),
)


def norm(header: str) -> str:
    s = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"[\s_:：]+", "", s)


def names_of(column: Column) -> set[str]:
    names = {norm(n) for n in (column.zh, column.en, column.key, *column.aliases)}
    return names | {re.sub(r"\(.*?\)", "", n) for n in names}
