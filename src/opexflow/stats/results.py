"""Typed results of the statistical tests and intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TestName = Literal[
    "welch_t", "student_t", "mann_whitney_u", "two_proportion_z", "fisher_exact", "bootstrap"
]
Alternative = Literal["two-sided", "less", "greater"]

#: How each test is named to people, (zh, en).
TEST_LABELS: dict[str, tuple[str, str]] = {
    "welch_t": ("Welch t 检验", "Welch t test"),
    "student_t": ("Student t 检验(合并方差)", "Student t test (pooled variance)"),
    "mann_whitney_u": ("Mann-Whitney U 检验", "Mann-Whitney U test"),
    "two_proportion_z": ("两比例 z 检验", "two-proportion z test"),
    "fisher_exact": ("Fisher 精确检验", "Fisher's exact test"),
    "bootstrap": ("Bootstrap 检验", "bootstrap test"),
}


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval ``[lo, hi]`` at ``confidence``, made by ``method``."""

    lo: float
    hi: float
    confidence: float = 0.95
    method: str = ""

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi

    def as_list(self) -> list[float]:
        return [self.lo, self.hi]


@dataclass(frozen=True, slots=True)
class TestResult:
    """A hypothesis test: its statistic, p-value and, where it has them, df and an interval.

    ``estimate`` and ``ci`` are of the difference ``x - y`` for the two-sample tests
    (means for t tests, proportions for the proportion tests).
    """

    test: TestName
    statistic: float
    p_value: float
    alternative: Alternative = "two-sided"
    df: float | None = None
    estimate: float | None = None
    ci: Interval | None = None

    @property
    def label_zh(self) -> str:
        return TEST_LABELS[self.test][0]

    @property
    def label_en(self) -> str:
        return TEST_LABELS[self.test][1]
