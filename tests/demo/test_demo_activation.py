"""The activation log plants what opexflow.demo.planted says, and a clean log plants nothing."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from opexflow.demo import activation_log
from opexflow.demo import planted as p

EVENTS = 40_000

_EVENTS_SQL = """
create view ev as
select 工单号 as c, 环节 as a, 部门 as d, 团队 as team,
       strptime(开始时间, '%Y-%m-%d %H:%M:%S') as s,
       strptime(完成时间, '%Y-%m-%d %H:%M:%S') as f,
       row_number() over () as pos
from log
"""

_CASES_SQL = """
create view cases as
select c, any_value(team) as team,
       date_diff('second', min(f) filter (where a = '用户填写信息'),
                           max(f) filter (where a = '激活完成')) / 60.0 as minutes,
       count(*) filter (where a = '补充资料') as supplements,
       count(*) filter (where a = '人工审核') as reviews,
       count(*) filter (where a = '技术核查') as tech_checks,
       count(*) filter (where a = '短信发送失败') as sms_failures,
       min(s) as first_start
from ev group by c
"""


def _connect(log: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("log", log)
    con.execute(_EVENTS_SQL)
    con.execute(_CASES_SQL)
    return con


@pytest.fixture(scope="module")
def before() -> duckdb.DuckDBPyConnection:
    return _connect(pa.concat_tables(activation_log(events=EVENTS, period="before")))


@pytest.fixture(scope="module")
def after() -> duckdb.DuckDBPyConnection:
    return _connect(pa.concat_tables(activation_log(events=EVENTS, period="after")))


@pytest.fixture(scope="module")
def clean() -> duckdb.DuckDBPyConnection:
    return _connect(pa.concat_tables(activation_log(events=EVENTS, clean=True)))


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    row = con.execute(sql).fetchone()
    assert row is not None
    return float(row[0])


def test_median_activation_time_before_is_about_30_minutes(
    before: duckdb.DuckDBPyConnection,
) -> None:
    median = _one(before, "select median(minutes) from cases")
    assert median == pytest.approx(p.MEDIAN_ACTIVATION_MINUTES_BEFORE, rel=0.15)


def test_pilot_team_after_is_about_8_minutes_and_control_unchanged(
    after: duckdb.DuckDBPyConnection,
) -> None:
    pilot = _one(after, "select median(minutes) from cases where team = 'A组'")
    control = _one(after, "select median(minutes) from cases where team <> 'A组'")
    assert pilot == pytest.approx(p.MEDIAN_ACTIVATION_MINUTES_PILOT, rel=0.15)
    assert control == pytest.approx(p.MEDIAN_ACTIVATION_MINUTES_BEFORE, rel=0.15)


def test_error_and_rework_shares_before(before: duckdb.DuckDBPyConnection) -> None:
    errors = _one(before, "select avg((supplements > 0)::int) from cases")
    twice = _one(before, "select avg((supplements > 1)::int) from cases where supplements > 0")
    rework = _one(before, "select avg((reviews > 1)::int) from cases")
    assert errors == pytest.approx(p.ERROR_RATE_BEFORE, abs=0.01)
    assert twice == pytest.approx(p.ACTIVATION_BEFORE.supplement_twice_share, abs=0.06)
    assert rework == pytest.approx(p.REWORK_SHARE_BEFORE, abs=0.015)


def test_error_rate_of_pilot_team_after_is_about_1_percent(
    after: duckdb.DuckDBPyConnection,
) -> None:
    pilot = _one(after, "select avg((supplements > 0)::int) from cases where team = 'A组'")
    control = _one(after, "select avg((supplements > 0)::int) from cases where team <> 'A组'")
    assert pilot == pytest.approx(p.ERROR_RATE_PILOT, abs=0.006)
    assert control == pytest.approx(p.ERROR_RATE_BEFORE, abs=0.012)


def test_sms_failures_are_followed_by_a_resend(before: duckdb.DuckDBPyConnection) -> None:
    share = _one(before, "select avg((sms_failures > 0)::int) from cases")
    assert share == pytest.approx(p.SMS_FAILURE_SHARE, abs=0.01)
    unresent = _one(
        before,
        """select count(*) from (select a, lead(a) over (partition by c order by pos) as nxt
           from ev) where a = '短信发送失败' and nxt is distinct from '重发短信'""",
    )
    assert unresent == 0


def test_ping_pong_operations_technology_operations(before: duckdb.DuckDBPyConnection) -> None:
    share = _one(
        before,
        """select count(distinct c) / (select count(*) from cases) from (
             select c, d, lead(d) over w as d1, lead(d, 2) over w as d2 from ev
             window w as (partition by c order by pos))
           where d = '运营部' and d1 = '技术部' and d2 = '运营部'""",
    )
    assert share == pytest.approx(p.PING_PONG_SHARE, abs=0.015)


def test_review_queue_dominates_waiting(before: duckdb.DuckDBPyConnection) -> None:
    rows = before.execute(
        """select a, sum(date_diff('second', prev, s)) as wait from (
             select a, s, lag(f) over (partition by c order by pos) as prev from ev)
           where prev is not null group by a order by wait desc"""
    ).fetchall()
    assert rows[0][0] == "人工审核"
    assert rows[0][1] > 3 * rows[1][1]


def test_cases_start_in_working_hours(before: duckdb.DuckDBPyConnection) -> None:
    share = _one(
        before,
        """select avg((isodow(first_start) <= 5 and hour(first_start) between 9 and 17)::int)
           from cases""",
    )
    assert share >= 0.9


def test_events_are_in_time_order_within_cases(before: duckdb.DuckDBPyConnection) -> None:
    disorder = _one(
        before,
        """select count(*) from (select s, f, lag(f) over (partition by c order by pos) as prev
           from ev) where s > f or s < prev""",
    )
    assert disorder == 0


def test_clean_log_has_none_of_the_planted_problems(clean: duckdb.DuckDBPyConnection) -> None:
    problems = clean.execute(
        """select sum(supplements), sum(tech_checks), sum(sms_failures), max(reviews)
           from cases"""
    ).fetchone()
    assert problems == (0, 0, 0, 1)
    assert _one(clean, "select count(distinct d) from ev") == 3
    ping_pongs = _one(
        clean,
        """select count(*) from (select d, lag(d) over w as d0, lead(d) over w as d1 from ev
           window w as (partition by c order by pos)) where d0 = d1 and d <> d0""",
    )
    assert ping_pongs == 0
    wait = _one(
        clean,
        """select quantile_cont(date_diff('second', prev, s), 0.99) / 60 from (
             select a, s, lag(f) over (partition by c order by pos) as prev from ev)
           where a = '人工审核'""",
    )
    assert wait < 30
    assert _one(clean, "select median(minutes) from cases") < 25


def test_clean_log_has_no_dominant_wait(clean: duckdb.DuckDBPyConnection) -> None:
    shares = [
        share
        for (share,) in clean.execute(
            """select sum(date_diff('second', prev, s)) / sum(sum(date_diff('second', prev, s)))
                      over () as share
               from (select a, s, lag(f) over (partition by c order by pos) as prev from ev)
               where prev is not null group by a order by share desc"""
        ).fetchall()
    ]
    assert shares[0] < 2 * shares[1]
