"""Arrivals with a daily rhythm, and working hours, for the demo logs.

Times are ``int64`` seconds since 1970-01-01 00:00 of a *naive local* clock
(Asia/Shanghai wall time; no time zone is attached, as in the exported files).

Cases arrive as a non-homogeneous Poisson process whose intensity follows a
weekly profile (:data:`WEEKDAY_PROFILE`, :data:`WEEKEND_PROFILE`): mostly
Monday to Friday, 9:00-18:00, with a morning and an afternoon peak. People
work Monday to Friday, 9:00-18:00 (:class:`WorkingHours`); their waiting and
working times are drawn in *business seconds* and mapped back to the clock,
so work left at 18:00 resumes the next working morning. Public holidays are
not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
from numpy.typing import NDArray

from opexflow.demo.planted import CLEAN_WORKING_HOURS

Seconds = NDArray[np.int64]

MINUTE: Final = 60
HOUR: Final = 3_600
DAY: Final = 86_400
WEEK: Final = 7 * DAY
WORK_START: Final = 9 * HOUR
WORK_END: Final = 18 * HOUR

#: Relative arrival intensity per hour (0-23) of a working day: peaks at 10-11 and 14-16,
#: a lunch dip, and a little traffic in the evening.
WEEKDAY_PROFILE: Final = (
    *(0.004,) * 7,  # 0-7
    0.02,  # 7
    0.05,  # 8
    1.0,  # 9
    1.4,  # 10
    1.3,  # 11
    0.7,  # 12
    0.9,  # 13
    1.3,  # 14
    1.3,  # 15
    1.1,  # 16
    0.9,  # 17
    0.08,  # 18
    0.05,  # 19
    0.04,  # 20
    0.02,  # 21
    0.01,  # 22
    0.005,  # 23
)
#: Relative arrival intensity per hour of Saturday and Sunday.
WEEKEND_PROFILE: Final = (*(0.003,) * 9, *(0.02,) * 9, *(0.006,) * 6)
#: Day-of-week factors, Monday first: Mondays are busier, Fridays quieter.
DAY_FACTORS: Final = (1.1, 1.0, 1.0, 1.0, 0.9, 1.0, 1.0)


def week_profile(*, office_only: bool = False) -> NDArray[np.float64]:
    """Arrival intensity for the 168 hours of a week (Monday 0:00 first), summing to 1.

    With ``office_only``, nothing arrives outside Monday-Friday 9:00-18:00.
    """
    days = [
        np.asarray(WEEKDAY_PROFILE if d < 5 else WEEKEND_PROFILE) * DAY_FACTORS[d] for d in range(7)
    ]
    profile = np.concatenate(days)
    if office_only:
        office = np.zeros((7, 24), dtype=bool)
        office[:5, WORK_START // HOUR : WORK_END // HOUR] = True
        profile = np.where(office.reshape(-1), profile, 0.0)
    return np.asarray(profile / profile.sum(), dtype=np.float64)


def working_hours_share() -> float:
    """Expected share of arrivals on weekdays between 9:00 and 18:00 (about 0.95)."""
    p = week_profile().reshape(7, 24)
    return float(p[:5, 9:18].sum())


def monday_of(day: date) -> int:
    """Clock seconds of 0:00 on the Monday of ``day``'s week."""
    return (day.toordinal() - day.weekday() - date(1970, 1, 1).toordinal()) * DAY


def day_start(day: date) -> int:
    """Clock seconds of 0:00 on ``day``."""
    return (day.toordinal() - date(1970, 1, 1).toordinal()) * DAY


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Monday-Friday, ``opens`` to ``closes`` (9:00-18:00), from the Monday ``origin``.

    Times are clock seconds; business seconds count working time since ``origin``.

    Example:
        >>> wh = WorkingHours(origin=monday_of(date(2024, 3, 4)))
        >>> t = np.array([wh.origin + 17 * HOUR], dtype=np.int64)  # Monday 17:00
        >>> int((wh.from_business(wh.to_business(t) + 2 * HOUR) - wh.origin)[0]) // HOUR
        34
    """

    origin: int
    opens: int = WORK_START
    closes: int = WORK_END

    def to_business(self, t: Seconds) -> Seconds:
        """Business seconds worked since ``origin`` up to clock time ``t``."""
        rel = t - self.origin
        day = rel // DAY
        week, weekday = np.divmod(day, 7)
        length = self.closes - self.opens
        in_day = np.clip(rel - day * DAY - self.opens, 0, length)
        in_day = np.where(weekday < 5, in_day, 0)
        return np.asarray(week * 5 * length + np.minimum(weekday, 5) * length + in_day, np.int64)

    def from_business(self, b: Seconds, *, end: bool = False) -> Seconds:
        """Clock time at which ``b`` business seconds have been worked.

        A start at the end of a working day means the next morning; an ``end`` at
        that instant means 18:00 the same day.
        """
        shift = 1 if end else 0
        length = self.closes - self.opens
        week, rem = np.divmod(b - shift, 5 * length)
        day, within = np.divmod(rem, length)
        return np.asarray(
            self.origin + week * WEEK + day * DAY + self.opens + within + shift, np.int64
        )


def working_hours(start: date, *, clean: bool) -> WorkingHours:
    """Working hours of a log starting on ``start``: 9:00-18:00, or a clean log's longer day."""
    opens, closes = CLEAN_WORKING_HOURS if clean else (WORK_START // HOUR, WORK_END // HOUR)
    return WorkingHours(origin=monday_of(start), opens=opens * HOUR, closes=closes * HOUR)


class ArrivalClock:
    """Poisson arrivals with the weekly rhythm, drawn a chunk at a time.

    ``per_week`` is the expected number of arrivals per week; ``office_only``
    keeps them within working hours. Each call to
    :meth:`next` continues where the previous one stopped, so chunks of cases
    follow each other in time.

    Example:
        >>> clock = ArrivalClock(start=date(2024, 3, 4), per_week=500.0)
        >>> t = clock.next(100, np.random.default_rng(1))
        >>> bool(np.all(np.diff(t) >= 0)) and int(t[0]) >= day_start(date(2024, 3, 4))
        True
    """

    def __init__(self, *, start: date, per_week: float, office_only: bool = False) -> None:
        self._origin = monday_of(start)
        self._per_week = per_week
        self._edges = np.concatenate([[0.0], np.cumsum(week_profile(office_only=office_only))])
        self._edges[-1] = 1.0
        self._hours = np.arange(169, dtype=np.float64) * HOUR
        offset = float(day_start(start) - self._origin)
        self._u = float(np.interp(offset, self._hours, self._edges))

    def next(self, n: int, rng: np.random.Generator) -> Seconds:
        """Clock times of the next ``n`` arrivals, in increasing order."""
        u = self._u + np.cumsum(rng.exponential(1.0 / self._per_week, n))
        if n:
            self._u = float(u[-1])
        week = np.floor(u)
        within = np.interp(u - week, self._edges, self._hours)
        return (self._origin + week.astype(np.int64) * WEEK + within.astype(np.int64)).astype(
            np.int64
        )


def lognormal_seconds(
    rng: np.random.Generator,
    median_minutes: float | NDArray[np.float64],
    sigma: float,
    n: int,
) -> Seconds:
    """``n`` log-normal durations in whole seconds (at least 1) with the given median."""
    z = rng.standard_normal(n)
    minutes = np.exp(np.log(median_minutes) + sigma * z)
    return np.asarray(np.maximum(np.rint(minutes * MINUTE), 1), dtype=np.int64)
