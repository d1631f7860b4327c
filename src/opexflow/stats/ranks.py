"""The Mann-Whitney U (Wilcoxon rank-sum) test, chosen as R's ``wilcox.test`` chooses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import stats as st

from opexflow.stats.results import Alternative, TestResult
from opexflow.stats.samples import as_sample

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

#: R computes the exact distribution when both samples have fewer values than this and no ties.
EXACT_BELOW = 50


def mann_whitney(
    x: ArrayLike, y: ArrayLike, *, alternative: Alternative = "two-sided"
) -> TestResult:
    """Mann-Whitney U test of ``x`` against ``y``; ``statistic`` is R's W (U of ``x``).

    As R's ``wilcox.test`` default: the exact null distribution when both samples
    have fewer than 50 values and there are no ties; otherwise the normal
    approximation with tie correction and continuity correction.

    Example:
        >>> mann_whitney([0.8, 0.83, 1.89, 1.04], [1.15, 0.88, 0.9], alternative="greater").statistic
        5.0
    """
    a, b = as_sample(x, "x"), as_sample(y, "y")
    ties = np.unique(np.concatenate([a, b])).size < a.size + b.size
    exact = a.size < EXACT_BELOW and b.size < EXACT_BELOW and not ties
    res = st.mannwhitneyu(
        a,
        b,
        use_continuity=True,
        alternative=alternative,
        method="exact" if exact else "asymptotic",
    )
    return TestResult(
        test="mann_whitney_u",
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        alternative=alternative,
    )
