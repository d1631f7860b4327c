"""Intervals, the bootstrap machinery and which test compare_samples picks."""

from __future__ import annotations

import numpy as np
import pytest

from opexflow.errors import InputError
from opexflow.stats import (
    bootstrap,
    compare_samples,
    difference_in_differences,
    newcombe,
    wilson,
)
from opexflow.stats.bootstrap import jackknife


@pytest.mark.parametrize(
    ("counts", "expected"),
    [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090))],
)
def test_newcombe_hybrid_score_matches_newcombe_1998(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    """Newcombe (1998), Statistics in Medicine 17:873, Table II method 10 (as propint's tests assert)."""
    ci = newcombe(*counts)
    assert (ci.lo, ci.hi) == pytest.approx(expected, abs=1e-4)


def test_wilson_interval_stays_inside_0_1_for_zero_events() -> None:
    ci = wilson(0, 20)
    assert ci.lo == 0.0
    assert ci.hi == pytest.approx(0.1611, abs=1e-4)  # 1.96² / (20 + 1.96²)


@pytest.mark.parametrize("statistic", ["mean", "median", "p90"])
@pytest.mark.parametrize("n", [1, 2, 3, 10, 11])
def test_jackknife_equals_leave_one_out(statistic: str, n: int) -> None:
    x = np.random.default_rng(n).lognormal(size=n)
    q = {"mean": None, "median": 0.5, "p90": 0.9}[statistic]
    brute = [
        np.mean(np.delete(x, i)) if q is None else np.quantile(np.delete(x, i), q)
        for i in range(n if n > 1 else 0)
    ]
    got = jackknife(x, statistic)  # type: ignore[arg-type]
    if n == 1:
        assert got.size == 1
    else:
        assert sorted(got) == pytest.approx(sorted(brute))


def test_bca_interval_covers_the_true_median_about_95_percent() -> None:
    rng = np.random.default_rng(11)
    true_median = 1.0  # lognormal(0, 1)
    hits = [
        bootstrap([rng.lognormal(0, 1, 60)], n_resamples=2000, seed=s).ci.contains(true_median)
        for s in range(300)
    ]
    assert 0.91 <= np.mean(hits) <= 0.99


def test_share_with_small_counts_uses_fisher_and_warns() -> None:
    e = compare_samples([1] * 5 + [0] * 95, [1] * 1 + [0] * 99, statistic="share")
    assert e.test is not None and e.test.test == "fisher_exact"
    assert [w.code for w in e.warnings] == ["small_counts"]
    assert (e.before, e.after) == (0.05, 0.01)
    assert e.relative == pytest.approx(-0.8)
    assert e.difference_ci is not None and e.difference_ci.method == "newcombe"


def test_share_with_enough_counts_uses_the_pooled_z_test() -> None:
    e = compare_samples([1] * 50 + [0] * 950, [1] * 10 + [0] * 990, statistic="share")
    assert e.test is not None and e.test.test == "two_proportion_z"
    assert e.significant and e.warnings == ()
    assert e.relative_ci is not None and e.relative_ci.hi < 0


def test_median_uses_mann_whitney_and_a_bootstrap_interval() -> None:
    rng = np.random.default_rng(3)
    before, after = rng.lognormal(np.log(30), 0.5, 400), rng.lognormal(np.log(8), 0.5, 400)
    e = compare_samples(before, after, statistic="median")
    assert e.test is not None and e.test.test == "mann_whitney_u"
    assert e.relative_ci is not None and e.relative_ci.method == "bootstrap bca"
    assert e.relative_ci.contains(8 / 30 - 1)
    assert e.significant


def test_mean_uses_welch() -> None:
    rng = np.random.default_rng(4)
    e = compare_samples(rng.normal(10, 2, 50), rng.normal(9, 2, 50), statistic="mean")
    assert e.test is not None and e.test.test == "welch_t"
    assert e.difference_ci is not None and e.difference_ci.contains(e.difference)


def test_too_small_samples_are_not_tested() -> None:
    e = compare_samples([30.0, 31.0], [8.0, 9.0], statistic="median")
    assert e.test is None and not e.significant
    assert e.warnings[0].code == "too_small"
    assert "无法下结论" in e.warnings[0].message_zh


def test_small_samples_are_flagged() -> None:
    e = compare_samples(np.arange(10.0) + 30, np.arange(12.0) + 8, statistic="median")
    assert e.test is not None
    assert e.warnings[0].code == "small_sample"


def test_empty_side_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="nothing to compare"):
        compare_samples([], [1.0, 2.0])


def test_difference_in_differences_recovers_the_planted_effect() -> None:
    rng = np.random.default_rng(8)
    n = 800
    pb, cb, ca = (rng.lognormal(np.log(30), 0.5, n) for _ in range(3))
    pa = rng.lognormal(np.log(8), 0.5, n)
    ca = ca * 1.1  # the control group drifts +10%
    r = difference_in_differences(pb, pa, cb, ca, relative=True, n_resamples=2000)
    truth = (8 / 30) / 1.1 - 1
    assert r.ci.contains(truth)
    assert r.p_value < 0.001
    d = difference_in_differences(pb, pa, cb, ca, n_resamples=2000)
    assert d.ci.contains(-22 - 3)


def test_katz_ratio_interval_and_its_zero_count_correction() -> None:
    from opexflow.stats import ratio_interval

    i = ratio_interval(10, 100, 20, 100)  # RR 0.5, SE of log RR = sqrt(0.13)
    assert (i.lo, i.hi) == pytest.approx(
        (0.5 * np.exp(-1.959964 * 0.13**0.5), 0.5 * np.exp(1.959964 * 0.13**0.5))
    )
    z = ratio_interval(0, 50, 5, 50)
    assert 0 < z.lo < 0.5 / 5.5 < z.hi  # 0.5 added to each cell: the point estimate is 0.5/5.5


def test_welch_on_constant_samples_is_certain_not_a_warning() -> None:
    from opexflow.stats import welch_t

    same = welch_t([5.0] * 10, [5.0] * 10)
    assert (same.statistic, same.p_value) == (0.0, 1.0)
    apart = welch_t([4.0] * 10, [5.0] * 10)
    assert apart.p_value == 0.0 and apart.estimate == -1.0
    assert welch_t([4.0] * 10, [5.0] * 10, alternative="greater").p_value == 1.0


def test_relative_interval_is_left_out_when_the_baseline_is_often_zero() -> None:
    # half the baseline values are 0: many resampled medians are 0, no stable ratio
    e = compare_samples([0.0] * 20 + [5.0] * 20, [0.0] * 35 + [5.0] * 5, statistic="median")
    assert e.relative == -1.0 and e.relative_ci is None
    assert e.difference_ci is not None and e.significant
