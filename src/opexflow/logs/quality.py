"""The data-quality report of an import: counts and up to five examples per check."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_EXAMPLES = 5

#: check -> (zh, en) message templates; ``{n}`` is the count, ``{column}`` the column.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("列「{column}」有 {n} 个空值", "column '{column}' has {n} missing values"),
    "unparseable": (
        "列「{column}」有 {n} 个无法解析的值(应为{expected})",
        "column '{column}' has {n} values that cannot be parsed (expected {expected})",
    ),
    "dropped_rows": (
        "{n} 行缺少案例编号、活动或时间,未导入",
        "{n} rows lack a case id, activity or timestamp and were not imported",
    ),
    "out_of_order": (
        "{n} 个事件在文件中排在同一案例中更晚的事件之后(已按时间重新排序)",
        "{n} events come after a later event of the same case in the file (re-ordered by time)",
    ),
    "duplicates": ("{n} 个事件与另一事件完全重复", "{n} events are exact duplicates of another"),
    "single_event_cases": ("{n} 个案例只有一个事件", "{n} cases have a single event"),
    "start_after_end": ("{n} 个事件的开始时间晚于结束时间", "{n} events start after they end"),
    "future_timestamps": ("{n} 个事件的时间在未来", "{n} events have a timestamp in the future"),
    "ancient_timestamps": (
        "{n} 个事件的时间早于 1990 年",
        "{n} events have a timestamp before 1990",
    ),
    "unpaired_starts": (
        "{n} 个开始事件(lifecycle start)没有对应的完成事件",
        "{n} start events (lifecycle start) have no matching complete event",
    ),
}


@dataclass(frozen=True, slots=True)
class Example:
    """One offending value: where it is and what it is."""

    row: int | None = None
    column: str | None = None
    value: str | None = None
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class QualityCheck:
    """One check with its count (0 means passed) and up to five examples."""

    check: str
    count: int
    column: str | None = None
    examples: tuple[Example, ...] = ()
    expected: str | None = None

    def message(self, lang: str = "en") -> str:
        zh, en = MESSAGES[self.check]
        template = zh if lang == "zh" else en
        expected = self.expected or ""
        if lang == "zh":
            expected = _expected_zh(expected)
        return template.format(n=self.count, column=self.column, expected=expected)


_EXPECTED_ZH = {
    "a time": "时间",
    "a number": "数字",
    "a whole number": "整数",
    "true or false": "true 或 false",
}


def _expected_zh(expected: str) -> str:
    if expected.startswith("a time like "):
        return "形如 " + expected.removeprefix("a time like ") + " 的时间"
    return _EXPECTED_ZH.get(expected, expected)


@dataclass(frozen=True, slots=True)
class QualityReport:
    """All checks of one import; :attr:`issues` are those that found something."""

    checks: tuple[QualityCheck, ...] = ()
    location: str = "row"
    """How positions in examples are counted: ``line`` (file line), ``row`` or ``event``."""
    notes: tuple[str, ...] = field(default=())

    @property
    def issues(self) -> tuple[QualityCheck, ...]:
        return tuple(c for c in self.checks if c.count > 0)

    def count(self, check: str) -> int:
        return sum(c.count for c in self.checks if c.check == check)

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "notes": list(self.notes),
            "checks": [
                {
                    **asdict(c),
                    "examples": [asdict(e) for e in c.examples],
                    "message_zh": c.message("zh"),
                    "message_en": c.message("en"),
                }
                for c in self.checks
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityReport:
        checks = tuple(
            QualityCheck(
                check=c["check"],
                count=c["count"],
                column=c.get("column"),
                examples=tuple(Example(**e) for e in c.get("examples", ())),
                expected=c.get("expected"),
            )
            for c in data.get("checks", ())
        )
        return cls(checks, data.get("location", "row"), tuple(data.get("notes", ())))
