"""The user registration & activation log (用户注册激活流程, YH-LC01).

A case: 用户填写信息 (the user submits the form, 客服部; start = completion) →
人工审核 (a reviewer of the case's team, 运营部) → [技术核查 (技术部) → 人工审核 | 补充资料 → 人工审核 (once or twice)] →
系统激活 → 发送短信 → [短信发送失败 → 重发短信] → 激活完成 (all 系统, 技术部).

Each team's reviewers serve their own first reviews first come, first served
(each reviewer is a queue, in working time), so waits grow in the busy hours
and overnight arrivals wait for the morning. What is planted, and how much,
is in :mod:`opexflow.demo.planted`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from typing import Final, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from opexflow.demo import names as nm
from opexflow.demo.calendar import (
    MINUTE,
    ArrivalClock,
    Seconds,
    WorkingHours,
    lognormal_seconds,
    working_hours,
)
from opexflow.demo.chunks import (
    Events,
    Int,
    Mask,
    Slot,
    check_arguments,
    flatten,
    pick,
    plan_chunks,
    rng_for,
)
from opexflow.demo.planted import (
    ACTIVATION_BEFORE,
    ACTIVATION_CLEAN,
    ACTIVATION_PILOT,
    ACTIVATION_PILOT_CLEAN,
    AFTER_ID_OFFSET,
    BEFORE_START,
    PILOT_START,
    TARGET_WORKDAYS,
    ActivationParams,
    Duration,
)
from opexflow.demo.queues import Queues
from opexflow.demo.text import identifiers, iso_seconds, width_for
from opexflow.errors import InputError

_PROCESS: Final = 1
CHUNK_CASES: Final = 18_000
#: Bigger logs add reviewers up to this many per team, then add days.
MAX_REVIEWERS_PER_TEAM: Final = 100
_NONE, _SUPPLEMENT, _PING_PONG = 0, 1, 2
_ACT = {a: i for i, a in enumerate(nm.ACTIVATION_ACTIVITIES)}
_DEPARTMENTS: Final = (nm.CUSTOMER_SERVICE, nm.OPERATIONS, nm.TECHNOLOGY)
_CS, _OPS, _TECH = 0, 1, 2
_USER, _SYSTEM = 0, 1
#: Automated steps (not planted): wait and work of each, in minutes.
_ACTIVATE_WAIT, _ACTIVATE_WORK = Duration(0.7, 0.6), Duration(0.8, 0.4)
_SMS_WAIT, _SMS_WORK = Duration(0.08, 0.5), Duration(0.05, 0.4)
_FAIL_WAIT, _RESEND_WAIT = Duration(0.5, 0.4), Duration(3.0, 0.6)
_DONE_WAIT, _INSTANT = Duration(0.15, 0.5), Duration(0.02, 0.3)


@dataclass(frozen=True, slots=True)
class _Cases:
    """Structure of a chunk's cases: everything but time."""

    team: Int
    channel: Int
    loop: Int
    """_NONE, _SUPPLEMENT (补充资料, once or twice) or _PING_PONG (技术核查)."""
    twice: Mask
    sms_failed: Mask

    def head(self, n: int) -> _Cases:
        return _Cases(**{f.name: getattr(self, f.name)[:n] for f in fields(self)})

    @property
    def events(self) -> Int:
        loops = (self.loop != _NONE).astype(np.int64) + self.twice
        return np.asarray(5 + 2 * loops + 2 * self.sms_failed, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Setup:
    seed: int
    key: tuple[int, ...]
    sizes: list[int]
    base: ActivationParams
    pilot: ActivationParams | None
    start: date
    clean: bool
    scale: int
    """Arrivals are ``scale`` x 3 teams x reviews_per_reviewer_day (before) per working day."""
    id_offset: int

    @property
    def servers(self) -> int:
        """Reviewers per team."""
        team_day = self.scale * ACTIVATION_BEFORE.reviews_per_reviewer_day
        return max(1, math.ceil(team_day / self.base.reviews_per_reviewer_day - 1e-9))

    @property
    def resources(self) -> list[str]:
        ops = nm.person_names("运营", 3 * self.servers)
        return [nm.USER, nm.SYSTEM, *ops, *nm.person_names("技术", max(2, self.scale))]

    @property
    def tech_pool(self) -> Int:
        return np.arange(2 + 3 * self.servers, len(self.resources), dtype=np.int64)


def activation_log(
    *,
    cases: int | None = None,
    events: int | None = None,
    seed: int = 7,
    period: Literal["before", "after"] = "before",
    clean: bool = False,
    start: date | None = None,
) -> Iterator[pa.Table]:
    """Generate the activation log, a chunk of whole cases (~100k events) at a time.

    Columns: 工单号, 环节, 开始时间, 完成时间 (``YYYY-MM-DD HH:MM:SS``, naive
    Asia/Shanghai time), 处理人, 部门, 团队, 渠道 — all text. Events of a case are
    consecutive and in time order; cases follow each other by arrival.

    Args:
        cases: exactly this many cases.
        events: about this many events (within 2%); the default is 20,000 when
            neither is given.
        seed: the same seed gives the same log, byte for byte.
        period: ``before`` the pilot (every team as-is) or ``after`` it (team
            A组 with the automatic check tool, B组 and C组 unchanged).
        clean: the same process without its problems (see :mod:`opexflow.demo.planted`).
        start: first day; defaults to 2024-03-04 before and 2024-04-08 after.

    Returns:
        An iterator of Arrow tables with the same schema.

    Example:
        >>> import pyarrow as pa
        >>> log = pa.concat_tables(activation_log(cases=50, seed=1))
        >>> log.num_rows >= 250, log.column_names[:3]
        (True, ['工单号', '环节', '开始时间'])
    """
    check_arguments(cases=cases, events=events, seed=seed)
    if period not in ("before", "after"):
        raise InputError(f"period must be 'before' or 'after', got {period!r}")
    after = period == "after"
    base = ACTIVATION_CLEAN if clean else ACTIVATION_BEFORE
    pilot = (ACTIVATION_PILOT_CLEAN if clean else ACTIVATION_PILOT) if after else None
    key = (_PROCESS, int(after), int(clean))
    sizes = plan_chunks(
        cases=cases,
        events=events,
        chunk_cases=CHUNK_CASES,
        events_per_case=lambda k: _structure(seed, key, k, base, pilot).events,
    )
    per_scale_day = 3 * ACTIVATION_BEFORE.reviews_per_reviewer_day * TARGET_WORKDAYS
    setup = _Setup(
        seed=seed,
        key=key,
        sizes=sizes,
        base=base,
        pilot=pilot,
        start=start or (PILOT_START if after else BEFORE_START),
        clean=clean,
        scale=min(MAX_REVIEWERS_PER_TEAM, max(1, round(sum(sizes) / per_scale_day))),
        id_offset=AFTER_ID_OFFSET if after else 0,
    )
    return _generate(setup)


def _structure(
    seed: int, key: tuple[int, ...], k: int, base: ActivationParams, pilot: ActivationParams | None
) -> _Cases:
    """Team, channel, loops and SMS failures of the cases of a full chunk ``k``."""
    rng = rng_for(seed, *key, k, 0)
    n = CHUNK_CASES
    team = rng.integers(0, len(nm.TEAMS), n)
    channel = rng.choice(len(nm.CHANNELS), size=n, p=nm.CHANNEL_SHARES)
    in_pilot = (team == 0) & (pilot is not None)
    p = pilot or base

    def share(name: str) -> NDArray[np.float64]:
        return np.where(in_pilot, float(getattr(p, name)), float(getattr(base, name)))

    u = rng.random(n)
    supplement = share("supplement_share")
    loop = np.where(
        u < supplement,
        _SUPPLEMENT,
        np.where(u < supplement + share("ping_pong_share"), _PING_PONG, _NONE),
    )
    twice = (loop == _SUPPLEMENT) & (rng.random(n) < share("supplement_twice_share"))
    sms_failed = rng.random(n) < share("sms_failure_share")
    return _Cases(team, channel, loop, twice, sms_failed)


def _generate(setup: _Setup) -> Iterator[pa.Table]:
    team_day = ACTIVATION_BEFORE.reviews_per_reviewer_day * setup.scale
    clock = ArrivalClock(start=setup.start, per_week=3 * 5 * team_day, office_only=setup.clean)
    hours = working_hours(setup.start, clean=setup.clean)
    queues = Queues(3 * setup.servers)
    names = pa.array(setup.resources)
    done = 0
    for k, n in enumerate(setup.sizes):
        cases = _structure(setup.seed, setup.key, k, setup.base, setup.pilot).head(n)
        rng = rng_for(setup.seed, *setup.key, k, 1)
        arrival = clock.next(n, rng)
        slots = _timing(setup, cases, arrival, rng, hours, queues)
        events = flatten(slots, n)
        yield _table(setup, cases, events, done, names)
        done += n


def _timing(
    setup: _Setup,
    cases: _Cases,
    arrival: Seconds,
    rng: np.random.Generator,
    hours: WorkingHours,
    queues: Queues,
) -> list[Slot]:
    n = len(arrival)
    in_pilot = (cases.team == 0) & (setup.pilot is not None)
    steps = _Steps(rng, hours, n, setup.base, setup.pilot or setup.base, in_pilot)
    fill_end = arrival  # the system records the submitted form: one instant
    server = cases.team * setup.servers + rng.integers(0, setup.servers, n)
    reviewer = 2 + server
    pickup = rng.exponential(1.0, n) * steps.value("pickup_minutes") * MINUTE
    ready = hours.to_business(fill_end) + pickup.astype(np.int64)
    start_b, end_b = queues.serve(ready, steps.draw("review"), server)
    review = (hours.from_business(start_b), hours.from_business(end_b, end=True))
    slots = [
        Slot(True, _ACT[nm.FILL_IN], fill_end, _USER, _CS, start=arrival),
        Slot(True, _ACT[nm.REVIEW], review[1], reviewer, _OPS, start=review[0]),
    ]
    tech = pick(rng, setup.tech_pool, n)
    cur = review[1]
    for loop_no, present in ((1, cases.loop != _NONE), (2, cases.twice)):
        ping = (cases.loop == _PING_PONG) & (loop_no == 1)
        first, again = steps.loop(cur, ping)
        activity = np.where(ping, _ACT[nm.TECH_CHECK], _ACT[nm.SUPPLEMENT])
        slots += [
            Slot(present, activity, first[1], np.where(ping, tech, reviewer),
                 np.where(ping, _TECH, _OPS), start=first[0]),
            Slot(present, _ACT[nm.REVIEW], again[1], reviewer, _OPS, start=again[0]),
        ]  # fmt: skip
        cur = np.where(present, again[1], cur)
    return slots + _system_steps(steps, cur, cases.sms_failed)


def _system_steps(steps: _Steps, cur: Seconds, failed: Mask) -> list[Slot]:
    activate = steps.calendar(cur, _ACTIVATE_WAIT, _ACTIVATE_WORK)
    sms = steps.calendar(activate[1], _SMS_WAIT, _SMS_WORK)
    fail = steps.calendar(sms[1], _FAIL_WAIT, _INSTANT)
    resend = steps.calendar(fail[1], _RESEND_WAIT, _SMS_WORK)
    done = steps.calendar(np.where(failed, resend[1], sms[1]), _DONE_WAIT, _INSTANT)
    return [
        Slot(True, _ACT[nm.ACTIVATE], activate[1], _SYSTEM, _TECH, start=activate[0]),
        Slot(True, _ACT[nm.SEND_SMS], sms[1], _SYSTEM, _TECH, start=sms[0]),
        Slot(failed, _ACT[nm.SMS_FAILED], fail[1], _SYSTEM, _TECH, start=fail[0]),
        Slot(failed, _ACT[nm.RESEND_SMS], resend[1], _SYSTEM, _TECH, start=resend[0]),
        Slot(True, _ACT[nm.ACTIVATED], done[1], _SYSTEM, _TECH, start=done[0]),
    ]


class _Steps:
    """Draws durations for a chunk's cases, with the pilot's parameters where they apply."""

    def __init__(
        self,
        rng: np.random.Generator,
        hours: WorkingHours,
        n: int,
        base: ActivationParams,
        pilot: ActivationParams,
        in_pilot: Mask,
    ) -> None:
        self.rng, self.hours, self.n = rng, hours, n
        self.base, self.pilot, self.in_pilot = base, pilot, in_pilot

    def value(self, name: str) -> NDArray[np.float64]:
        b, p = float(getattr(self.base, name)), float(getattr(self.pilot, name))
        return np.where(self.in_pilot, p, b)

    def draw(self, name: str) -> Seconds:
        """Durations of the step ``name`` (a :class:`Duration` field of the parameters)."""
        b, p = getattr(self.base, name), getattr(self.pilot, name)
        median = np.where(self.in_pilot, p.median_minutes, b.median_minutes)
        return lognormal_seconds(self.rng, median, b.sigma, self.n)

    def calendar(self, after: Seconds, wait: Duration, work: Duration) -> tuple[Seconds, Seconds]:
        """Start and end of an automated step (clock time) that waits, then works."""
        start = after + lognormal_seconds(self.rng, wait.median_minutes, wait.sigma, self.n)
        return start, start + lognormal_seconds(self.rng, work.median_minutes, work.sigma, self.n)

    def business(self, after: Seconds, wait: Seconds, work: Seconds) -> tuple[Seconds, Seconds]:
        """Start and end of a step done by people, in working hours."""
        start = self.hours.to_business(after) + wait
        return self.hours.from_business(start), self.hours.from_business(start + work, end=True)

    def loop(self, cur: Seconds, ping: Mask) -> tuple[tuple[Seconds, Seconds], ...]:
        """A 技术核查 (where ``ping``) or 补充资料 after ``cur``, then the repeated 人工审核."""
        tech = self.business(cur, self.draw("tech_wait"), self.draw("tech_work"))
        ask = cur + lognormal_seconds(self.rng, 1.0, 0.5, self.n)
        supplement = (ask, ask + self.draw("supplement_response"))
        first = (np.where(ping, tech[0], supplement[0]), np.where(ping, tech[1], supplement[1]))
        again = self.business(first[1], self.draw("rereview_wait"), self.draw("rereview"))
        return first, again


def _table(setup: _Setup, cases: _Cases, ev: Events, done: int, names: pa.Array) -> pa.Table:
    number = setup.id_offset + done + 1 + np.arange(len(cases.team), dtype=np.int64)
    width = width_for(setup.id_offset + sum(setup.sizes))
    ids = identifiers(f"YH{setup.start.year}", number, width)
    case = pa.array(ev.case)
    assert ev.start is not None
    columns = [
        pc.take(ids, case),
        pc.take(pa.array(nm.ACTIVATION_ACTIVITIES), pa.array(ev.activity)),
        iso_seconds(ev.start),
        iso_seconds(ev.end),
        pc.take(names, pa.array(ev.resource)),
        pc.take(pa.array(_DEPARTMENTS), pa.array(ev.department)),
        pc.take(pa.array(nm.TEAMS), pa.array(cases.team[ev.case])),
        pc.take(pa.array(nm.CHANNELS), pa.array(cases.channel[ev.case])),
    ]
    return pa.table(columns, names=list(nm.ACTIVATION_COLUMNS))
