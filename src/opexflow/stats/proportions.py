"""Proportions: Wilson and Newcombe intervals, the two-proportion z test, Fisher's exact test.

Example:
    >>> r = two_proportion_z(56, 127, 62, 99)
    >>> round(r.estimate, 6), round(r.p_value, 4)
    (-0.185318, 0.0047)
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import stats as st

from opexflow.stats.results import Alternative, Interval, TestResult
from opexflow.stats.samples import check_counts

#: Fisher's exact test replaces the z test when an expected cell count is below this
#: (Cochran's rule for 2x2 tables).
MIN_EXPECTED = 5.0


def wilson(events: int, trials: int, *, confidence: float = 0.95) -> Interval:
    """Wilson score interval of ``events / trials`` (no continuity correction).

    Example:
        >>> i = wilson(5, 20)
        >>> round(i.lo, 4), round(i.hi, 4)
        (0.1119, 0.4687)
    """
    check_counts(events, trials, "wilson")
    ci = st.binomtest(events, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(float(ci.low), float(ci.high), confidence, "wilson")


def newcombe(
    events1: int, trials1: int, events2: int, trials2: int, *, confidence: float = 0.95
) -> Interval:
    """Newcombe's hybrid score interval (his method 10) of ``p1 - p2``, from two Wilson intervals.

    Example:
        >>> i = newcombe(56, 70, 48, 80)
        >>> round(i.lo, 4), round(i.hi, 4)
        (0.0524, 0.3339)
    """
    p1, p2 = events1 / trials1, events2 / trials2
    w1 = wilson(events1, trials1, confidence=confidence)
    w2 = wilson(events2, trials2, confidence=confidence)
    d = p1 - p2
    lo = d - math.sqrt((p1 - w1.lo) ** 2 + (w2.hi - p2) ** 2)
    hi = d + math.sqrt((w1.hi - p1) ** 2 + (p2 - w2.lo) ** 2)
    return Interval(lo, hi, confidence, "newcombe")


def wald(
    events1: int, trials1: int, events2: int, trials2: int, *, confidence: float = 0.95
) -> Interval:
    """The Wald interval of ``p1 - p2`` (Minitab's default; poor for small counts)."""
    p1, p2 = events1 / trials1, events2 / trials2
    se = math.sqrt(p1 * (1 - p1) / trials1 + p2 * (1 - p2) / trials2)
    z = float(st.norm.ppf(0.5 + confidence / 2))
    return Interval(p1 - p2 - z * se, p1 - p2 + z * se, confidence, "wald")


def ratio_interval(
    events1: int, trials1: int, events2: int, trials2: int, *, confidence: float = 0.95
) -> Interval:
    """Katz's log interval of the ratio ``p1 / p2`` (the relative risk); 0.5 is added to
    the events and non-events of both samples when an event count is 0.

    Example:
        >>> i = ratio_interval(10, 100, 20, 100)
        >>> round(i.lo, 4), round(i.hi, 4)
        (0.2466, 1.0136)
    """
    check_counts(events1, trials1, "sample 1")
    check_counts(events2, trials2, "sample 2")
    k1, n1, k2, n2 = float(events1), float(trials1), float(events2), float(trials2)
    if events1 == 0 or events2 == 0:
        k1, n1, k2, n2 = k1 + 0.5, n1 + 1.0, k2 + 0.5, n2 + 1.0
    log_ratio = math.log((k1 / n1) / (k2 / n2))
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    z = float(st.norm.ppf(0.5 + confidence / 2))
    return Interval(math.exp(log_ratio - z * se), math.exp(log_ratio + z * se), confidence, "katz")


def two_proportion_z(
    events1: int,
    trials1: int,
    events2: int,
    trials2: int,
    *,
    pooled: bool = False,
    interval: Literal["newcombe", "wald"] = "wald",
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> TestResult:
    """z test of ``p1 == p2``; ``estimate`` is ``p1 - p2`` with its interval.

    ``pooled=False`` uses separate variances (Minitab's default); ``pooled=True``
    the pooled proportion (the score test; the same p-value as the chi-square
    test without continuity correction, R's ``prop.test(correct=FALSE)``).
    """
    check_counts(events1, trials1, "sample 1")
    check_counts(events2, trials2, "sample 2")
    p1, p2 = events1 / trials1, events2 / trials2
    if pooled:
        p = (events1 + events2) / (trials1 + trials2)
        se = math.sqrt(p * (1 - p) * (1 / trials1 + 1 / trials2))
    else:
        se = math.sqrt(p1 * (1 - p1) / trials1 + p2 * (1 - p2) / trials2)
    z = (p1 - p2) / se if se > 0 else 0.0
    if alternative == "two-sided":
        p_value = 2 * float(st.norm.sf(abs(z)))
    elif alternative == "less":
        p_value = float(st.norm.cdf(z))
    else:
        p_value = float(st.norm.sf(z))
    make = newcombe if interval == "newcombe" else wald
    ci = make(events1, trials1, events2, trials2, confidence=confidence)
    return TestResult("two_proportion_z", z, min(1.0, p_value), alternative, None, p1 - p2, ci)


def fisher_exact(
    events1: int,
    trials1: int,
    events2: int,
    trials2: int,
    *,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> TestResult:
    """Fisher's exact test on the 2x2 table; ``statistic`` is the sample odds ratio and
    ``ci`` the Newcombe interval of ``p1 - p2``."""
    check_counts(events1, trials1, "sample 1")
    check_counts(events2, trials2, "sample 2")
    table = [[events1, trials1 - events1], [events2, trials2 - events2]]
    res = st.fisher_exact(table, alternative=alternative)
    ci = newcombe(events1, trials1, events2, trials2, confidence=confidence)
    diff = events1 / trials1 - events2 / trials2
    return TestResult(
        "fisher_exact", float(res.statistic), float(res.pvalue), alternative, None, diff, ci
    )


def small_counts(events1: int, trials1: int, events2: int, trials2: int) -> bool:
    """True when an expected count of the 2x2 table is below :data:`MIN_EXPECTED`."""
    total = trials1 + trials2
    hits = events1 + events2
    misses = total - hits
    smallest = min(trials1, trials2) * min(hits, misses) / total if total else 0.0
    return smallest < MIN_EXPECTED
