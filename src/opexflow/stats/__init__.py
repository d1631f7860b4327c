"""Statistics for pilots: two-sample tests, intervals, the bootstrap, difference-in-differences.

Pure NumPy/SciPy on arrays of per-case values; no engine, no database. SciPy
does the tests it does well (t, Mann-Whitney U, Fisher, Wilson); this package
adds the choices (R's exact-or-normal rule, Minitab's unpooled z), Newcombe's
interval, a fast exact-distribution bootstrap for quantiles, BCa intervals and
difference-in-differences. Each figure is checked against a published example
in ``tests/stats``.

Example:
    >>> from opexflow.stats import compare_samples
    >>> e = compare_samples([0] * 95 + [1] * 5, [0] * 99 + [1], statistic="share")
    >>> e.test.test, round(e.difference, 2)
    ('fisher_exact', -0.04)
"""

from opexflow.stats.bootstrap import (
    BootstrapResult,
    bootstrap,
    bootstrap_ci,
    bootstrap_difference,
    difference_in_differences,
)
from opexflow.stats.compare import Effect, SampleWarning, compare_samples
from opexflow.stats.means import welch_t
from opexflow.stats.proportions import (
    fisher_exact,
    newcombe,
    ratio_interval,
    two_proportion_z,
    wald,
    wilson,
)
from opexflow.stats.ranks import mann_whitney
from opexflow.stats.results import TEST_LABELS, Interval, TestResult

__all__ = [
    "TEST_LABELS",
    "BootstrapResult",
    "Effect",
    "Interval",
    "SampleWarning",
    "TestResult",
    "bootstrap",
    "bootstrap_ci",
    "bootstrap_difference",
    "compare_samples",
    "difference_in_differences",
    "fisher_exact",
    "mann_whitney",
    "newcombe",
    "ratio_interval",
    "two_proportion_z",
    "wald",
    "welch_t",
    "wilson",
]
