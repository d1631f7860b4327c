"""Every published worked example in ../shared/reference/stats is a test (README there)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as st

from opexflow.stats import (
    bootstrap_ci,
    bootstrap_difference,
    fisher_exact,
    mann_whitney,
    two_proportion_z,
    welch_t,
)

REF = Path(__file__).resolve().parents[3] / "shared" / "reference" / "stats"


def _expected() -> dict[str, Any]:
    if not REF.is_dir():
        pytest.fail(f"reference folder {REF} is missing (expected beside the checkout)")
    data: dict[str, Any] = json.loads((REF / "expected.json").read_text(encoding="utf-8"))
    return data


EXPECTED = _expected()


def _groups(name: str, group: str, value: str) -> dict[str, np.ndarray]:
    out: dict[str, list[float]] = {}
    with (REF / name).open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row[group], []).append(float(row[value]))
    return {k: np.asarray(v) for k, v in out.items()}


def test_nist_auto83b_pooled_t() -> None:
    pub = EXPECTED["nist_auto83b_pooled_t"]["published"]
    g = _groups("nist_auto83b_mpg.csv", "group", "mpg")
    us, japan = g["US"], g["Japan"]
    assert (us.size, japan.size) == (pub["n1"], pub["n2"])
    assert np.mean(us) == pytest.approx(pub["mean1"], abs=5e-6)
    assert np.std(japan, ddof=1) == pytest.approx(pub["sd2"], abs=5e-6)
    pooled = welch_t(us, japan, equal_var=True)
    assert pooled.test == "student_t"
    assert pooled.statistic == pytest.approx(pub["T"], abs=5e-6)
    assert pooled.df == pub["df"]
    assert pooled.p_value == pytest.approx(5.273e-30, rel=1e-3)  # StatsLib's figure
    welch = welch_t(us, japan)
    secondary = EXPECTED["nist_auto83b_pooled_t"]["secondary_not_NIST"]
    assert welch.statistic == pytest.approx(secondary["welch_T"], abs=5e-6)


def _sleep() -> tuple[np.ndarray, np.ndarray]:
    g = _groups("r_sleep.csv", "group", "extra")
    return g["1"], g["2"]


def test_r_sleep_welch() -> None:
    pub = EXPECTED["r_sleep_welch"]["published"]
    r = welch_t(*_sleep())
    assert r.statistic == pytest.approx(pub["t"], abs=5e-5)
    assert r.df == pytest.approx(pub["df"], abs=5e-4)
    assert r.p_value == pytest.approx(pub["p"], abs=5e-6)
    assert r.ci is not None
    assert r.ci.as_list() == pytest.approx(pub["ci95"], abs=5e-8)
    assert r.estimate == pytest.approx(pub["mean1"] - pub["mean2"], abs=1e-12)


def test_r_sleep_pooled() -> None:
    pub = EXPECTED["r_sleep_pooled"]["published"]
    r = welch_t(*_sleep(), equal_var=True)
    assert (r.statistic, r.df) == (pytest.approx(pub["t"], abs=5e-5), pub["df"])
    assert r.p_value == pytest.approx(pub["p"], abs=5e-6)
    assert r.ci is not None
    assert r.ci.as_list() == pytest.approx(pub["ci95"], abs=5e-7)


def test_r_sleep_mann_whitney_with_ties_uses_the_corrected_normal_approximation() -> None:
    pub = EXPECTED["r_sleep_mannwhitney"]["published"]
    r = mann_whitney(*_sleep())
    assert r.statistic == pub["W"]
    assert r.p_value == pytest.approx(pub["p_two_sided"], abs=5e-6)


def test_hollander_wolfe_exact() -> None:
    pub = EXPECTED["hollander_wolfe_mannwhitney"]["published"]
    g = _groups("hollander_wolfe_permeability.csv", "group", "value")
    x, y = g["at_term"], g["12_26_weeks"]
    greater = mann_whitney(x, y, alternative="greater")
    assert greater.statistic == pub["W"]
    assert greater.p_value == pytest.approx(pub["p_exact_greater"], abs=5e-5)
    assert mann_whitney(x, y).p_value == pytest.approx(pub["p_exact_two_sided"], abs=5e-5)
    # The normal approximation R would use with exact=FALSE, correct=FALSE:
    normal = st.mannwhitneyu(x, y, alternative="greater", method="asymptotic", use_continuity=False)
    assert normal.pvalue == pytest.approx(pub["p_normal_greater_no_correction"], abs=5e-5)


def _counts(case: str) -> tuple[int, int, int, int]:
    with (REF / "two_proportions_minitab.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["case"] == case]
    (a, b) = rows
    return int(a["events"]), int(a["trials"]), int(b["events"]), int(b["trials"])


def test_minitab_two_proportions_psu() -> None:
    pub = EXPECTED["minitab_2prop_psu"]["published"]
    r = two_proportion_z(*_counts("psu_stat200_tryweed"))  # Minitab: unpooled, Wald CI
    assert r.estimate == pytest.approx(pub["diff"], abs=5e-7)
    assert r.ci is not None
    assert r.ci.as_list() == pytest.approx(pub["ci95"], abs=5e-7)
    assert round(r.statistic, 2) == pub["z_normal_approx"]
    assert round(r.p_value, 4) == pub["p_normal_approx"]
    assert round(fisher_exact(*_counts("psu_stat200_tryweed")).p_value, 4) == pub["p_fisher_exact"]


def test_minitab_two_proportions_nohs() -> None:
    pub = EXPECTED["minitab_2prop_nohs"]["published"]
    r = two_proportion_z(*_counts("nohs_working"))
    assert r.estimate == pytest.approx(pub["diff"], abs=5e-7)
    assert r.ci is not None
    assert r.ci.as_list() == pytest.approx(pub["ci95"], abs=5e-7)
    assert (round(r.statistic, 2), round(r.p_value, 3)) == (pub["z"], pub["p"])


def _mouse() -> tuple[np.ndarray, np.ndarray]:
    g = _groups("efron_tibshirani_mouse.csv", "group", "survival_days")
    return g["treatment"], g["control"]


def test_efron_tibshirani_point_values() -> None:
    exact = EXPECTED["efron_tibshirani_mouse_bootstrap"]["point_values_exact"]
    treatment, control = _mouse()
    d = bootstrap_difference(control, treatment, n_resamples=100)
    assert d.estimate == exact["median_difference"]
    assert np.mean(treatment) - np.mean(control) == pytest.approx(
        exact["mean_difference"], abs=5e-3
    )


def test_efron_tibshirani_mean_bootstrap_agrees_within_monte_carlo_error() -> None:
    """The published SE and interval came from ~1,000 resamples: they must lie inside the
    spread of our own 1,000-resample runs over many seeds (central 95%)."""
    pub = EXPECTED["efron_tibshirani_mouse_bootstrap"]["published"]
    treatment, _ = _mouse()
    runs = [
        bootstrap_ci(treatment, statistic="mean", method="percentile", n_resamples=1000, seed=s)
        for s in range(200)
    ]
    assert runs[0].estimate == pytest.approx(pub["treatment_mean"], abs=5e-3)
    for published, got in (
        (pub["bootstrap_se_of_mean_B1000"], [r.se for r in runs]),
        (pub["percentile_ci_2.5_97.5"][0], [r.ci.lo for r in runs]),
        (pub["percentile_ci_2.5_97.5"][1], [r.ci.hi for r in runs]),
    ):
        lo, hi = np.quantile(got, [0.025, 0.975])
        assert lo <= published <= hi
    ideal_se = np.std(treatment, ddof=0) / np.sqrt(treatment.size)
    assert np.mean([r.se for r in runs]) == pytest.approx(ideal_se, rel=0.01)
    assert ideal_se == pytest.approx(pub["bootstrap_se_of_mean_B1000"], rel=0.03)


def test_exact_bootstrap_distribution_of_the_median_difference() -> None:
    exact = json.loads((REF / "exact_bootstrap_median_difference.json").read_text("utf-8"))
    treatment, control = _mouse()
    r = bootstrap_difference(control, treatment, method="percentile", n_resamples=400_000, seed=1)
    assert r.estimate == exact["observed_median_difference"]
    assert r.ci.as_list() == exact["ideal_percentile_ci95 (inverse-CDF: smallest v with F(v)>=a)"]
    r90 = bootstrap_difference(
        control, treatment, method="percentile", confidence=0.9, n_resamples=400_000, seed=1
    )
    assert r90.ci.as_list() == exact["ideal_percentile_ci90"]
    assert r.se == pytest.approx(exact["ideal_bootstrap_se_of_median_difference"], rel=0.005)
    se_t = bootstrap_ci(treatment, n_resamples=400_000, seed=2).se
    se_c = bootstrap_ci(control, n_resamples=400_000, seed=3).se
    assert se_t == pytest.approx(exact["se_median_treatment"], rel=0.005)
    assert se_c == pytest.approx(exact["se_median_control"], rel=0.005)


def test_exact_bootstrap_cdf_near_the_tails() -> None:
    """Replicates drawn by the order-statistic method follow the exact distribution."""
    from opexflow.stats.bootstrap import replicates

    exact = json.loads((REF / "exact_bootstrap_median_difference.json").read_text("utf-8"))
    treatment, control = _mouse()
    rng = np.random.default_rng(5)
    b = 400_000
    diff = replicates(treatment, "median", b, rng) - replicates(control, "median", b, rng)
    for value, cdf in exact["cdf_near_tails"].items():
        got = np.mean(diff <= float(value))
        assert got == pytest.approx(cdf, abs=4 * np.sqrt(cdf * (1 - cdf) / b) + 1e-5), value
    assert np.mean(diff) == pytest.approx(exact["ideal_bootstrap_mean_of_diff"], abs=0.25)
