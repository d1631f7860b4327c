"""KPIs of two sets of cases compared with the right test: two logs, or a group against the rest.

Example:
    >>> from opexflow.pilot import compare_logs, compare_group
    >>> r = compare_logs(before_log, after_log, ["throughput_time", "case_share:补充资料"])  # doctest: +SKIP
    >>> r.kpis[0].verdict_zh                                                                 # doctest: +SKIP
    '周期时长中位数从21分钟降到14分钟(−33%),95%置信区间[−38%, −28%],显著(Mann-Whitney U 检验,p<0.001)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from opexflow.analysis.filters import Filter, TimeFilter, filter_attribute
from opexflow.errors import InputError
from opexflow.kpi.definition import DurationStatistic, Kpi, parse_kpi
from opexflow.kpi.evaluate import sample
from opexflow.kpi.working_time import zone
from opexflow.pilot.verdict import verdict
from opexflow.stats.compare import CompareStatistic, Effect, compare_samples

if TYPE_CHECKING:
    from opexflow.analysis.engine import Engine
    from opexflow.logs.schema import EventLog

KpiLike = Kpi | str


@dataclass(frozen=True, slots=True)
class KpiComparison:
    """One KPI, ``after`` against ``before`` (or a group against its baseline).

    ``difference_pct`` is the relative change in percent and ``ci95`` its 95%
    confidence interval, also in percent (see docs/pilot.md for how each kind
    gets it); ``effect`` holds the absolute difference, its interval and warnings.
    """

    kpi: Kpi
    statistic: str
    effect: Effect
    verdict_zh: str
    verdict_en: str

    @property
    def before(self) -> float:
        return self.effect.before

    @property
    def after(self) -> float:
        return self.effect.after

    @property
    def difference_pct(self) -> float | None:
        r = self.effect.relative
        return None if r is None else r * 100

    @property
    def ci95(self) -> tuple[float, float] | None:
        ci = self.effect.relative_ci
        return None if ci is None else (ci.lo * 100, ci.hi * 100)

    @property
    def test(self) -> str | None:
        return self.effect.test.test if self.effect.test else None

    @property
    def p_value(self) -> float | None:
        return self.effect.p_value

    @property
    def significant(self) -> bool:
        return self.effect.significant

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``opexflow compare --json`` (one element of ``kpis``)."""
        ci = self.ci95
        return {
            "kpi": self.kpi.name,
            "statistic": self.statistic,
            "before": self.before,
            "after": self.after,
            "difference_pct": self.difference_pct,
            "ci95": None if ci is None else [ci[0], ci[1]],
            "test": self.test,
            "p_value": self.p_value,
            "significant": self.significant,
            "n_before": self.effect.n_before,
            "n_after": self.effect.n_after,
            "verdict_zh": self.verdict_zh,
            "verdict_en": self.verdict_en,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every KPI compared, with labels of the two sides."""

    before_label: str
    after_label: str
    kpis: tuple[KpiComparison, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kpis": [k.to_dict() for k in self.kpis]}


def resolve_kpis(
    kpis: Sequence[KpiLike],
    *,
    statistic: DurationStatistic | None = None,
    dictionary: Mapping[str, Kpi] | None = None,
) -> list[Kpi]:
    """KPI definitions from definitions or names (short forms, dictionary names, JSON)."""
    if not kpis:
        raise InputError("no KPI given; name at least one (e.g. throughput_time)")
    out = []
    for k in kpis:
        if isinstance(k, Kpi):
            out.append(k.with_statistic(statistic))
        else:
            out.append(parse_kpi(k, dictionary=dictionary, statistic=statistic))
    return out


def statistic_for(kpi: Kpi) -> CompareStatistic:
    """What is compared: the KPI's statistic for durations, shares for 0/1 KPIs, the
    mean of daily counts for ``count``."""
    if kpi.is_share:
        return "share"
    if kpi.kind == "count":
        return "mean"
    return kpi.statistic


def compare_kpi(
    before: EventLog, after: EventLog, kpi: Kpi, *, engine: Engine | None = None, seed: int = 0
) -> KpiComparison:
    """One KPI of ``after`` against ``before`` (any two logs, usually filtered handles)."""
    stat = statistic_for(kpi)
    effect = compare_samples(
        sample(before, kpi, engine=engine),
        sample(after, kpi, engine=engine),
        statistic=stat,
        seed=seed,
    )
    shown = "count" if kpi.kind == "count" else stat
    return KpiComparison(
        kpi, shown, effect, verdict(kpi, shown, effect, "zh"), verdict(kpi, shown, effect, "en")
    )


def compare_logs(
    before: EventLog,
    after: EventLog,
    kpis: Sequence[KpiLike],
    *,
    statistic: DurationStatistic | None = None,
    dictionary: Mapping[str, Kpi] | None = None,
    engine: Engine | None = None,
) -> Comparison:
    """Compare KPIs of two logs (before and after a change); durations by their median
    unless ``statistic`` says otherwise.

    Example:
        >>> r = compare_logs(before_log, after_log, ["case_share:补充资料"])  # doctest: +SKIP
        >>> r.kpis[0].test                                                    # doctest: +SKIP
        'two_proportion_z'
    """
    defs = resolve_kpis(kpis, statistic=statistic, dictionary=dictionary)
    return Comparison(
        before.name, after.name, tuple(compare_kpi(before, after, k, engine=engine) for k in defs)
    )


def compare_group(
    log: EventLog,
    *,
    group: Mapping[str, object],
    kpis: Sequence[KpiLike],
    since: date | datetime | None = None,
    statistic: DurationStatistic | None = None,
    dictionary: Mapping[str, Kpi] | None = None,
    engine: Engine | None = None,
) -> Comparison:
    """Compare the cases of a group (``{attribute: value}``) with the other cases, among
    the cases started on or after ``since``; the other cases are the baseline ("before").

    Example:
        >>> r = compare_group(log, group={"团队": "A组"}, kpis=["throughput_time"])  # doctest: +SKIP
    """
    defs = resolve_kpis(kpis, statistic=statistic, dictionary=dictionary)
    inside, outside = group_filters(log, group)
    period: tuple[Filter, ...] = ()
    if since is not None:
        period = (TimeFilter(since=as_moment(since, log), mode="started"),)
    a = log.with_filters(*period, *inside)
    b = log.with_filters(*period, *outside)
    label = scope_label(group)
    rows = tuple(compare_kpi(b, a, k, engine=engine) for k in defs)
    return Comparison(f"≠ {label}", label, rows)


def group_filters(
    log: EventLog, group: Mapping[str, object]
) -> tuple[tuple[Filter, ...], tuple[Filter, ...]]:
    """Filters of the group and of the rest (the rest needs a one-attribute group)."""
    if len(group) != 1:
        raise InputError(
            f"a group is one attribute and its value(s), e.g. {{'团队': 'A组'}}; got {dict(group)}"
        )
    return attribute_filters(log, group), attribute_filters(log, group, keep=False)


def attribute_filters(
    log: EventLog, group: Mapping[str, object], *, keep: bool = True
) -> tuple[Filter, ...]:
    """One attribute filter per item of ``group`` (a value or a list of values), checked
    against the log's attributes."""
    out = []
    for attr, value in group.items():
        values = value if isinstance(value, list | tuple | set | frozenset) else (value,)
        out.append(filter_attribute(log, attr, values, keep=keep).filters[-1])
    return tuple(out)


def scope_label(group: Mapping[str, object]) -> str:
    """``团队=A组``."""
    return ", ".join(f"{k}={v}" for k, v in group.items())


def as_moment(value: date | datetime, log: EventLog) -> datetime:
    """A date as local midnight in the log's time zone; an aware datetime as is."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InputError(
                f"{value.isoformat()} has no time zone; pass a date or an aware datetime"
            )
        return value
    return datetime.combine(value, time(), zone(log.meta.tz))
