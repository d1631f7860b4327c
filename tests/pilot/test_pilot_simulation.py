"""Error rates and power of the comparisons, simulated on the demo's own case values.

A/A: two random halves of the same cases differ by chance only, so at most 7%
of 200 splits may be called significant at 5%. Power: 200 splits of 500 cases
a side with the after side's durations scaled by 0.9 (a real 10% change of the
median); the figures are reported in docs/pilot.md.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from opexflow.kpi import parse_kpi, sample
from opexflow.logs import EventLog
from opexflow.stats import compare_samples

SPLITS = 200
SIDE = 500


@pytest.fixture(scope="module")
def durations(pilot_logs: tuple[EventLog, EventLog]) -> NDArray[np.float64]:
    return sample(pilot_logs[0], parse_kpi("throughput_time"))


@pytest.fixture(scope="module")
def errors(pilot_logs: tuple[EventLog, EventLog]) -> NDArray[np.float64]:
    return sample(pilot_logs[0], parse_kpi("case_share:补充资料"))


def _halves(values: NDArray[np.float64], seed: int) -> NDArray[np.float64]:
    """SPLITS random permutations of ``values`` at once, one per row."""
    rng = np.random.default_rng(seed)
    n = values.size - values.size % 2
    return rng.permuted(np.tile(values[:n], (SPLITS, 1)), axis=1)


def _significant_share(rows: NDArray[np.float64], statistic: str) -> float:
    half = rows.shape[1] // 2
    calls = [
        compare_samples(
            r[:half], r[half:], statistic=statistic, n_resamples=1000, seed=i
        ).significant  # type: ignore[arg-type]
        for i, r in enumerate(rows)
    ]
    return float(np.mean(calls))


@pytest.mark.parametrize("statistic", ["median", "mean", "p90"])
def test_aa_splits_of_durations_are_rarely_significant(
    durations: NDArray[np.float64], statistic: str
) -> None:
    share = _significant_share(_halves(durations, seed=1), statistic)
    assert share <= 0.07


def test_aa_splits_of_error_rates_are_rarely_significant(errors: NDArray[np.float64]) -> None:
    assert errors.mean() == pytest.approx(0.05, abs=0.012)
    assert _significant_share(_halves(errors, seed=2), "share") <= 0.07


def power(base: NDArray[np.float64], change: float, statistic: str, seed: int) -> float:
    """Share of SPLITS comparisons of SIDE cases a side called significant when the
    after side's values are scaled by ``1 + change``."""
    rng = np.random.default_rng(seed)
    before = rng.choice(base, (SPLITS, SIDE))
    after = rng.choice(base, (SPLITS, SIDE)) * (1 + change)
    calls = [
        compare_samples(b, a, statistic=statistic, n_resamples=1000, seed=i).significant  # type: ignore[arg-type]
        for i, (b, a) in enumerate(zip(before, after, strict=True))
    ]
    return float(np.mean(calls))


#: The power figures of docs/pilot.md (share of 200 simulated pilots called significant).
DOCUMENTED_POWER = {
    ("demo", "median"): 0.55,
    ("demo", "mean"): 0.07,
    ("lognormal 0.5", "median"): 0.91,
    ("lognormal 1.0", "median"): 0.41,
}


@pytest.mark.slow
@pytest.mark.parametrize(("population", "statistic"), sorted(DOCUMENTED_POWER))
def test_power_for_a_10_percent_change_at_500_cases_a_side(
    durations: NDArray[np.float64], population: str, statistic: str
) -> None:
    rng = np.random.default_rng(9)
    if population == "demo":
        base = durations
    else:
        base = rng.lognormal(0.0, float(population.split()[1]), 200_000)
    got = power(base, -0.10, statistic, seed=42)
    print(f"power {population} {statistic}: {got:.2f}")  # noqa: T201
    # 200 simulations: a binomial standard error of at most 3.5 points
    assert got == pytest.approx(DOCUMENTED_POWER[(population, statistic)], abs=0.1)
