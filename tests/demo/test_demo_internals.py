"""The building blocks: text formatting, queues, working hours, arrivals, names."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from opexflow.demo import ACTIVITY_NAMES_EN
from opexflow.demo import names as nm
from opexflow.demo import planted as p
from opexflow.demo.calendar import (
    DAY,
    HOUR,
    ArrivalClock,
    WorkingHours,
    day_start,
    monday_of,
    working_hours_share,
)
from opexflow.demo.chunks import plan_chunks
from opexflow.demo.queues import Queues
from opexflow.demo.text import identifiers, iso_seconds, slash_minutes

_TIMES = np.random.default_rng(0).integers(0, 4_000_000_000, 5_000)


def _naive(t: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=int(t))  # noqa: DTZ001 - naive on purpose


def test_iso_seconds_matches_strftime() -> None:
    ours = iso_seconds(_TIMES)
    arrow = pc.strftime(pa.array(_TIMES.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S")
    assert ours.equals(arrow)


def test_slash_minutes_has_no_leading_zeros() -> None:
    ours = slash_minutes(_TIMES).to_pylist()
    expected = [f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}" for d in map(_naive, _TIMES)]
    assert ours == expected


def test_identifiers_are_zero_padded() -> None:
    ids = identifiers("DD2024", np.array([1, 1234567], dtype=np.int64), 7)
    assert ids.to_pylist() == ["DD20240000001", "DD20241234567"]


def test_queues_match_a_reference_loop_across_chunks() -> None:
    rng = np.random.default_rng(3)
    n, servers = 3_000, 7
    ready = np.sort(rng.integers(0, 200_000, n))
    work = rng.integers(1, 600, n)
    server = rng.integers(0, servers, n)
    queues = Queues(servers)
    starts = np.concatenate(
        [queues.serve(ready[s], work[s], server[s])[0] for s in (slice(0, 1_000), slice(1_000, n))]
    )
    free = np.zeros(servers, dtype=np.int64)
    expected = np.empty(n, dtype=np.int64)
    for i in np.argsort(ready, kind="stable"):
        expected[i] = max(ready[i], free[server[i]])
        free[server[i]] = expected[i] + work[i]
    assert np.array_equal(starts, expected)


def test_working_hours_map_to_business_time_and_back() -> None:
    hours = WorkingHours(origin=monday_of(date(2024, 3, 6)))
    assert hours.origin == day_start(date(2024, 3, 4))
    friday_5pm = np.array([hours.origin + 4 * DAY + 17 * HOUR], dtype=np.int64)
    two_hours_later = hours.from_business(hours.to_business(friday_5pm) + 2 * HOUR)
    assert _naive(two_hours_later[0]) == datetime(2024, 3, 11, 10)  # noqa: DTZ001
    saturday = friday_5pm + DAY
    assert hours.to_business(saturday)[0] == hours.to_business(friday_5pm + HOUR)[0]
    closing = hours.to_business(friday_5pm + HOUR)
    assert _naive(hours.from_business(closing, end=True)[0]).hour == 18
    assert _naive(hours.from_business(closing)[0]) == datetime(2024, 3, 11, 9)  # noqa: DTZ001


def test_arrivals_follow_the_weekly_rhythm() -> None:
    clock = ArrivalClock(start=date(2024, 3, 4), per_week=2_000.0)
    rng = np.random.default_rng(1)
    t = np.concatenate([clock.next(5_000, rng), clock.next(5_000, rng)])
    assert np.all(np.diff(t) >= 0)
    weeks = (t[-1] - t[0]) / (7 * DAY)
    assert len(t) / weeks == pytest.approx(2_000, rel=0.05)
    stamps = [_naive(x) for x in t]
    office = np.mean([s.weekday() < 5 and 9 <= s.hour < 18 for s in stamps])
    assert office == pytest.approx(working_hours_share(), abs=0.01)
    assert working_hours_share() > 0.9


def test_office_only_arrivals_stay_in_office_hours() -> None:
    clock = ArrivalClock(start=date(2024, 3, 4), per_week=500.0, office_only=True)
    stamps = [_naive(x) for x in clock.next(3_000, np.random.default_rng(2))]
    assert all(s.weekday() < 5 and 9 <= s.hour < 18 for s in stamps)


def test_plan_chunks_stops_nearest_the_target() -> None:
    def three_each(_k: int) -> np.ndarray:
        return np.full(10, 3, dtype=np.int64)

    assert plan_chunks(cases=None, events=31, chunk_cases=10, events_per_case=three_each) == [10]
    assert plan_chunks(cases=None, events=35, chunk_cases=10, events_per_case=three_each) == [
        10,
        2,
    ]
    assert plan_chunks(cases=25, events=None, chunk_cases=10, events_per_case=three_each) == [
        10,
        10,
        5,
    ]


def test_every_activity_has_an_english_name() -> None:
    assert set(ACTIVITY_NAMES_EN) == {*nm.ACTIVATION_ACTIVITIES, *nm.FULFILMENT_ACTIVITIES}


def test_person_names_are_distinct_and_stable() -> None:
    pool = nm.person_names("运营", 300)
    assert len(set(pool)) == 300
    assert pool[0] == "运营-张伟"
    assert nm.person_names("运营", 3, offset=2) == pool[2:5]


def test_headline_constants_match_the_seed() -> None:
    assert (p.MEDIAN_ACTIVATION_MINUTES_BEFORE, p.MEDIAN_ACTIVATION_MINUTES_PILOT) == (30, 8)
    assert (p.ERROR_RATE_BEFORE, p.ERROR_RATE_PILOT) == (0.05, 0.01)
    assert p.REWORK_SHARE_BEFORE == pytest.approx(0.15)
    assert (p.APPROVAL_THRESHOLD, p.BYPASS_THRESHOLD, p.BACKFILL_HOURS) == (10_000, 100_000, 24)
    assert p.BEFORE_START.weekday() == p.PILOT_START.weekday() == 0
