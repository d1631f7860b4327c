"""Before vs after for one statistic: the right test, the effect and its interval, warnings.

Which test when (see docs/pilot.md):

- ``share`` (0/1 per case): the two-proportion z test (pooled, the score test) with
  the Newcombe interval of the difference and Katz's interval of the ratio (the
  relative change); Fisher's exact test when an expected count is below 5.
- ``mean``: Welch's t test and its interval of the mean difference.
- ``median``, ``p90``: the Mann-Whitney U test (as R's ``wilcox.test``) for the
  p-value; bootstrap BCa intervals of the difference and the relative difference.

Example:
    >>> e = compare_samples([30.0, 28, 35, 31, 40] * 8, [8.0, 9, 7, 12, 8] * 8, statistic="median")
    >>> e.test.test, e.significant, round(e.relative, 2)
    ('mann_whitney_u', True, -0.74)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from opexflow.errors import InputError
from opexflow.stats.bootstrap import bootstrap_difference, statistic_of
from opexflow.stats.means import welch_t
from opexflow.stats.proportions import (
    fisher_exact,
    ratio_interval,
    small_counts,
    two_proportion_z,
)
from opexflow.stats.ranks import mann_whitney
from opexflow.stats.results import Interval, TestResult

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

CompareStatistic = Literal["mean", "median", "p90", "share"]
#: Below this many values per side a duration comparison is flagged as a small sample.
MIN_VALUES = 30
#: Below this many values on a side no test is run at all.
MIN_TESTABLE = 3


@dataclass(frozen=True, slots=True)
class SampleWarning:
    """Why a result should be read with care: ``code`` plus the message in zh and en."""

    code: Literal["too_small", "small_sample", "small_counts", "zero_baseline"]
    message_zh: str
    message_en: str


@dataclass(frozen=True, slots=True)
class Effect:
    """``after`` against ``before``: values, absolute and relative change with 95% CIs,
    the test (None when a side is too small to test), and warnings."""

    statistic: CompareStatistic
    before: float
    after: float
    n_before: int
    n_after: int
    difference: float
    difference_ci: Interval | None
    relative: float | None
    relative_ci: Interval | None
    test: TestResult | None
    significant: bool
    alpha: float
    warnings: tuple[SampleWarning, ...] = ()

    @property
    def p_value(self) -> float | None:
        return self.test.p_value if self.test else None


def compare_samples(
    before: ArrayLike,
    after: ArrayLike,
    *,
    statistic: CompareStatistic = "median",
    alpha: float = 0.05,
    n_resamples: int = 4000,
    seed: int = 0,
) -> Effect:
    """Compare ``after`` with ``before`` (per-case values; 0/1 for ``share``)."""
    if statistic not in ("mean", "median", "p90", "share"):
        raise InputError(f"statistic {statistic!r}: use mean, median, p90 or share")
    b = _clean(before)
    a = _clean(after)
    if b.size == 0 or a.size == 0:
        raise InputError(
            f"没有可比较的值(之前 {b.size} 个,之后 {a.size} 个)/ nothing to compare "
            f"({b.size} values before, {a.size} after); check the filters and the KPI"
        )
    if statistic == "share":
        return _shares(b, a, alpha)
    return _values(b, a, statistic, alpha, n_resamples, seed)


def _clean(values: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64).ravel()
    return arr[~np.isnan(arr)]


def _relative(ci: Interval | None, base: float) -> Interval | None:
    if ci is None or base == 0:
        return None
    lo, hi = sorted((ci.lo / abs(base), ci.hi / abs(base)))
    return Interval(lo, hi, ci.confidence, ci.method + " / baseline")


def _size_warnings(nb: int, na: int, minimum: int) -> list[SampleWarning]:
    n = min(nb, na)
    if n < MIN_TESTABLE:
        return [
            SampleWarning(
                "too_small",
                f"样本太小(之前 {nb} 个,之后 {na} 个),无法下结论",
                f"too few values to conclude ({nb} before, {na} after)",
            )
        ]
    if n < minimum:
        return [
            SampleWarning(
                "small_sample",
                f"样本较小(之前 {nb} 个,之后 {na} 个,建议每组至少 {minimum} 个),结论仅供参考",
                f"small sample ({nb} before, {na} after; at least {minimum} per side "
                "recommended): treat the result as indicative",
            )
        ]
    return []


def _shares(b: NDArray[np.float64], a: NDArray[np.float64], alpha: float) -> Effect:
    kb, nb, ka, na = int(b.sum()), b.size, int(a.sum()), a.size
    pb, pa = kb / nb, ka / na
    warnings = _size_warnings(nb, na, MIN_TESTABLE)
    test: TestResult | None = None
    if not warnings:
        if small_counts(ka, na, kb, nb):
            test = fisher_exact(ka, na, kb, nb, confidence=1 - alpha)
            warnings.append(
                SampleWarning(
                    "small_counts",
                    f"计数较小(之前 {kb}/{nb},之后 {ka}/{na}),改用 Fisher 精确检验",
                    f"small counts ({kb}/{nb} before, {ka}/{na} after): Fisher's exact test used",
                )
            )
        else:
            test = two_proportion_z(
                ka, na, kb, nb, pooled=True, interval="newcombe", confidence=1 - alpha
            )
    rel_ci = None
    if test is not None and kb > 0:
        ratio = ratio_interval(ka, na, kb, nb, confidence=1 - alpha)
        rel_ci = Interval(ratio.lo - 1, ratio.hi - 1, ratio.confidence, "katz ratio - 1")
    diff_ci = test.ci if test else None
    return _effect("share", pb, pa, nb, na, diff_ci, rel_ci, test, alpha, warnings)


def _values(
    b: NDArray[np.float64],
    a: NDArray[np.float64],
    statistic: Literal["mean", "median", "p90"],
    alpha: float,
    n_resamples: int,
    seed: int,
) -> Effect:
    vb, va = statistic_of(b, statistic), statistic_of(a, statistic)
    warnings = _size_warnings(b.size, a.size, MIN_VALUES)
    if warnings and warnings[0].code == "too_small":
        return _effect(statistic, vb, va, b.size, a.size, None, None, None, alpha, warnings)
    if statistic == "mean":
        test = welch_t(a, b, confidence=1 - alpha)
        return _effect(statistic, vb, va, b.size, a.size, test.ci, None, test, alpha, warnings)
    test = mann_whitney(a, b)
    kw = {"statistic": statistic, "confidence": 1 - alpha, "n_resamples": n_resamples}
    diff = bootstrap_difference(b, a, seed=seed, **kw)  # type: ignore[arg-type]
    rel_ci = None
    if vb != 0:
        try:
            rel_ci = bootstrap_difference(b, a, relative=True, seed=seed, **kw).ci  # type: ignore[arg-type]
        except InputError:  # the baseline is 0 in many resamples: no relative interval
            rel_ci = None
    effect = _effect(statistic, vb, va, b.size, a.size, diff.ci, rel_ci, test, alpha, warnings)
    # No fallback from the absolute interval: it would not respect a quantile's bounds.
    return replace(effect, relative_ci=rel_ci)


def _effect(
    statistic: CompareStatistic,
    before: float,
    after: float,
    nb: int,
    na: int,
    diff_ci: Interval | None,
    rel_ci: Interval | None,
    test: TestResult | None,
    alpha: float,
    warnings: list[SampleWarning],
) -> Effect:
    relative = after / before - 1.0 if before != 0 else None
    if before == 0:
        warnings.append(
            SampleWarning(
                "zero_baseline",
                "基线为 0,无法计算相对变化",
                "the baseline is 0: no relative change",
            )
        )
    return Effect(
        statistic=statistic,
        before=before,
        after=after,
        n_before=nb,
        n_after=na,
        difference=after - before,
        difference_ci=diff_ci,
        relative=relative,
        relative_ci=rel_ci if rel_ci is not None else _relative(diff_ci, before),
        test=test,
        significant=test is not None and test.p_value < alpha,
        alpha=alpha,
        warnings=tuple(warnings),
    )
