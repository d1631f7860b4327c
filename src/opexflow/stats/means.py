"""Two-sample t tests of means (Welch by default), with the CI of the mean difference."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats as st

from opexflow.stats.results import Alternative, Interval, TestResult
from opexflow.stats.samples import as_sample

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


def welch_t(
    x: ArrayLike,
    y: ArrayLike,
    *,
    equal_var: bool = False,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> TestResult:
    """Welch's t test of ``mean(x) == mean(y)`` (Student's pooled test with ``equal_var=True``).

    ``estimate`` is ``mean(x) - mean(y)`` and ``ci`` its confidence interval, as R's
    ``t.test(x, y)`` prints them.

    Example:
        >>> r = welch_t([0.7, -1.6, -0.2, -1.2, -0.1], [1.9, 0.8, 1.1, 0.1, -0.1])
        >>> r.test, round(r.estimate, 2)
        ('welch_t', -1.24)
    """
    a, b = as_sample(x, "x", minimum=2), as_sample(y, "y", minimum=2)
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return _constant(a, b, equal_var, alternative, confidence)
    res = st.ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    ci = res.confidence_interval(confidence)
    return TestResult(
        test="student_t" if equal_var else "welch_t",
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        alternative=alternative,
        df=float(res.df),
        estimate=float(np.mean(a) - np.mean(b)),
        ci=Interval(float(ci.low), float(ci.high), confidence, "t"),
    )


def _constant(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    equal_var: bool,
    alternative: Alternative,
    confidence: float,
) -> TestResult:
    """Both samples constant: no variance, so the difference is certain (or nil)."""
    d = float(a[0] - b[0])
    t = 0.0 if d == 0 else math.copysign(math.inf, d)
    if d == 0:
        p = 1.0
    elif alternative == "two-sided":
        p = 0.0
    else:
        p = 0.0 if (d < 0) == (alternative == "less") else 1.0
    return TestResult(
        test="student_t" if equal_var else "welch_t",
        statistic=t,
        p_value=p,
        alternative=alternative,
        df=float(a.size + b.size - 2),
        estimate=d,
        ci=Interval(d, d, confidence, "t"),
    )
