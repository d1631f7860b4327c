"""Bootstrap confidence intervals for means, medians, p90 and their (relative) differences.

Vectorised and seeded. A quantile of a resample is drawn without building the
resample: the k-th smallest of n resampled values is ``sorted[floor(n U_(k))]``
where ``U_(k)`` is the k-th smallest of n uniforms, a Beta(k, n + 1 - k)
variable (and ``U_(k+1)`` follows from it by one more Beta draw). That is the
exact bootstrap distribution at O(resamples) cost, whatever the sample size.
Means of 0/1 data are binomial draws; other means resample in chunks.

Example:
    >>> r = bootstrap_difference([30, 28, 35, 31, 40], [8, 9, 7, 12, 8], statistic="median")
    >>> r.estimate
    -23.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import stats as st

from opexflow.errors import InputError
from opexflow.stats.results import Interval
from opexflow.stats.samples import as_sample

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

Statistic = Literal["mean", "median", "p90"]
Method = Literal["percentile", "bca"]
Effect = Literal["value", "difference", "relative", "did", "did_relative"]

QUANTILES: dict[str, float] = {"median": 0.5, "p90": 0.9}
#: Elements per chunk when means are resampled value by value.
_CHUNK = 2_000_000


@dataclass(frozen=True, slots=True)
class BootstrapResult:
    """A bootstrap estimate: the observed ``estimate``, its ``ci`` and ``se``, and a
    two-sided ``p_value`` against ``null`` (twice the smaller tail share of the replicates)."""

    estimate: float
    ci: Interval
    se: float
    p_value: float
    n_resamples: int


def statistic_of(x: NDArray[np.float64], statistic: Statistic) -> float:
    """The statistic of a sample (quantiles interpolate linearly, as NumPy and R type 7)."""
    if statistic == "mean":
        return float(np.mean(x))
    return float(np.quantile(x, _quantile(statistic)))


def _quantile(statistic: str) -> float:
    if statistic not in QUANTILES:
        raise InputError(f"statistic {statistic!r}: use mean, median or p90")
    return QUANTILES[statistic]


def replicates(
    x: NDArray[np.float64], statistic: Statistic, n_resamples: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """``n_resamples`` bootstrap replicates of the statistic of ``x``."""
    if statistic == "mean":
        return _mean_replicates(x, n_resamples, rng)
    return _quantile_replicates(np.sort(x), _quantile(statistic), n_resamples, rng)


def _quantile_replicates(
    s: NDArray[np.float64], q: float, b: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    n = s.size
    h = (n - 1) * q
    lo = int(np.floor(h))
    g = h - lo
    k = lo + 1  # 1-based rank of the lower order statistic
    u = rng.beta(k, n - k + 1, b)
    value = s[np.minimum((n * u).astype(np.int64), n - 1)]
    if g > 0:
        u2 = u + (1.0 - u) * rng.beta(1, n - k, b)
        upper = s[np.minimum((n * u2).astype(np.int64), n - 1)]
        value = value * (1 - g) + upper * g
    return np.asarray(value, dtype=np.float64)


def _mean_replicates(
    x: NDArray[np.float64], b: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    n = x.size
    if np.all((x == 0) | (x == 1)):
        return rng.binomial(n, float(x.mean()), b) / n
    out = np.empty(b)
    rows = max(1, _CHUNK // n)
    for start in range(0, b, rows):
        stop = min(b, start + rows)
        out[start:stop] = x[rng.integers(0, n, (stop - start, n))].mean(axis=1)
    return out


def jackknife(x: NDArray[np.float64], statistic: Statistic) -> NDArray[np.float64]:
    """The n leave-one-out values of the statistic (O(n log n) for quantiles)."""
    n = x.size
    if n < 2:
        return np.asarray([statistic_of(x, statistic)])
    if statistic == "mean":
        return np.asarray((x.sum() - x) / (n - 1), dtype=np.float64)
    s = np.sort(x)
    h = (n - 2) * _quantile(statistic)
    lo = int(np.floor(h))
    g = h - lo
    i = np.arange(n)  # the sorted position left out
    padded = np.append(s, s[-1])
    at = padded[np.where(lo < i, lo, lo + 1)]
    nxt = padded[np.where(lo + 1 < i, lo + 1, lo + 2)] if lo + 1 <= n - 2 else at
    return np.asarray(at * (1 - g) + nxt * g, dtype=np.float64)


def _combine(effect: Effect) -> Callable[..., NDArray[np.float64]]:
    table: dict[str, Callable[..., NDArray[np.float64]]] = {
        "value": lambda a: a,
        "difference": lambda a, b: b - a,
        "relative": lambda a, b: b / a - 1.0,
        "did": lambda a, b, c, d: (b - a) - (d - c),
        "did_relative": lambda a, b, c, d: (b / a) / (d / c) - 1.0,
    }
    return table[effect]


_ARITY = {"value": 1, "difference": 2, "relative": 2, "did": 4, "did_relative": 4}


def bootstrap(
    samples: Sequence[ArrayLike],
    *,
    statistic: Statistic = "median",
    effect: Effect = "value",
    method: Method = "bca",
    confidence: float = 0.95,
    n_resamples: int = 4000,
    seed: int = 0,
    null: float = 0.0,
) -> BootstrapResult:
    """The bootstrap of an effect of one, two (``after`` second) or four samples.

    Effects: ``value`` (the statistic of one sample), ``difference`` (after -
    before), ``relative`` (after / before - 1), ``did`` ((pilot after - pilot
    before) - (control after - control before), samples in that order) and
    ``did_relative`` ((pilot after / before) / (control after / before) - 1).
    Each sample is resampled independently; BCa takes its acceleration from the
    jackknife of every sample.
    """
    if len(samples) != _ARITY[effect]:
        raise InputError(f"effect {effect!r} needs {_ARITY[effect]} samples, got {len(samples)}")
    arrays = [as_sample(s, f"#{i + 1}") for i, s in enumerate(samples)]
    combine = _combine(effect)
    observed = [np.asarray([statistic_of(a, statistic)]) for a in arrays]
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = float(combine(*observed)[0])
    rng = np.random.default_rng(seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        reps = combine(*[replicates(a, statistic, n_resamples, rng) for a in arrays])
    finite = np.isfinite(reps)
    reps = reps[finite]
    # A baseline of 0 in more than 1% of the resamples: a ratio has no stable interval.
    if finite.mean() < 0.99 or not np.isfinite(estimate):
        raise InputError(
            "效果无法计算(基线为 0?)/ the effect is undefined (a baseline of 0?); "
            "use effect='difference'"
        )
    alpha = 1 - confidence
    if method == "bca":
        accel = _acceleration(arrays, observed, statistic, combine)
        levels = _bca_levels(reps, estimate, accel, alpha)
    else:
        levels = np.asarray([alpha / 2, 1 - alpha / 2])
    lo, hi = np.quantile(reps, levels)
    tail = min(float(np.mean(reps <= null)), float(np.mean(reps >= null)))
    p_value = min(1.0, max(2 * tail, 1 / reps.size))
    ci = Interval(float(lo), float(hi), confidence, f"bootstrap {method}")
    return BootstrapResult(estimate, ci, float(np.std(reps, ddof=1)), p_value, int(reps.size))


def _acceleration(
    arrays: list[NDArray[np.float64]],
    observed: list[NDArray[np.float64]],
    statistic: Statistic,
    combine: Callable[..., NDArray[np.float64]],
) -> float:
    num = den = 0.0
    for i, a in enumerate(arrays):
        parts = list(observed)
        parts[i] = jackknife(a, statistic)
        with np.errstate(divide="ignore", invalid="ignore"):
            jk = combine(*parts)
        jk = jk[np.isfinite(jk)]
        if jk.size < 2:
            continue
        u = (jk.size - 1) * (jk.mean() - jk)
        num += float(np.sum(u**3)) / jk.size**3
        den += float(np.sum(u**2)) / jk.size**2
    return num / (6 * den**1.5) if den > 0 else 0.0


def _bca_levels(
    reps: NDArray[np.float64], estimate: float, accel: float, alpha: float
) -> NDArray[np.float64]:
    # Ties at the estimate (medians of discrete data) count half, as mid-ranks.
    share = (np.sum(reps < estimate) + 0.5 * np.sum(reps == estimate)) / reps.size
    share = min(max(share, 1 / reps.size), 1 - 1 / reps.size)
    z0 = float(st.norm.ppf(share))
    z = st.norm.ppf([alpha / 2, 1 - alpha / 2])
    adjusted = z0 + (z0 + z) / (1 - accel * (z0 + z))
    return np.asarray(st.norm.cdf(adjusted), dtype=np.float64)


def bootstrap_ci(
    x: ArrayLike,
    *,
    statistic: Statistic = "median",
    method: Method = "bca",
    confidence: float = 0.95,
    n_resamples: int = 4000,
    seed: int = 0,
) -> BootstrapResult:
    """Bootstrap CI of a sample's mean, median or p90.

    Example:
        >>> bootstrap_ci([94, 197, 16, 38, 99, 141, 23], statistic="mean").estimate
        86.85714285714286
    """
    return bootstrap(
        [x],
        statistic=statistic,
        effect="value",
        method=method,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )


def bootstrap_difference(
    before: ArrayLike,
    after: ArrayLike,
    *,
    statistic: Statistic = "median",
    relative: bool = False,
    method: Method = "bca",
    confidence: float = 0.95,
    n_resamples: int = 4000,
    seed: int = 0,
) -> BootstrapResult:
    """Bootstrap CI of ``stat(after) - stat(before)``, or with ``relative=True`` of
    ``stat(after) / stat(before) - 1``."""
    return bootstrap(
        [before, after],
        statistic=statistic,
        effect="relative" if relative else "difference",
        method=method,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )


def difference_in_differences(
    pilot_before: ArrayLike,
    pilot_after: ArrayLike,
    control_before: ArrayLike,
    control_after: ArrayLike,
    *,
    statistic: Statistic = "median",
    relative: bool = False,
    method: Method = "percentile",
    confidence: float = 0.95,
    n_resamples: int = 4000,
    seed: int = 0,
) -> BootstrapResult:
    """Difference-in-differences of a statistic with a bootstrap CI and p-value.

    ``(pilot_after - pilot_before) - (control_after - control_before)``; with
    ``relative=True`` the ratio of the two changes minus one, so ``-0.7`` reads
    "the pilot group fell 70% more than the control group moved".

    Example:
        >>> r = difference_in_differences([30, 31, 29], [8, 9, 8], [30, 32, 29], [31, 30, 30])
        >>> r.estimate
        -22.0
    """
    return bootstrap(
        [pilot_before, pilot_after, control_before, control_after],
        statistic=statistic,
        effect="did_relative" if relative else "did",
        method=method,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
    )
