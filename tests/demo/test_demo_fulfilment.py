"""The fulfilment log plants its violations, long wait and variants; a clean log does not."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from opexflow.demo import fulfilment_log, planted_violations
from opexflow.demo import planted as p

EVENTS = 40_000

_SQL = f"""
create view ev as
select 订单号 as c, 活动 as a, strptime(时间, '%Y/%m/%d %H:%M') as t, 部门 as d,
       金额 as amount, 加急 as urgent, row_number() over () as pos
from log;
create view orders as
select c, any_value(amount) as amount, any_value(urgent) as urgent,
       min(pos) filter (where a = '财务审批') as finance_pos,
       min(pos) filter (where a = '发货') as ship_pos,
       min(t) filter (where a = '运营负责人审批') as lead_t,
       max(t) filter (where a = '财务审批') as last_finance_t,
       count(*) filter (where a = '运营负责人审批') > 0 as bypass
from ev group by c;
create view found as
select c, case
    when bypass and not (urgent and amount >= {p.BYPASS_THRESHOLD}) then 'bypass_outside_rule'
    when bypass and (last_finance_t is null or last_finance_t < lead_t
         or last_finance_t - lead_t > interval {p.BACKFILL_HOURS} hour) then 'late_backfill'
    when not bypass and amount >= {p.APPROVAL_THRESHOLD} and ship_pos is not null
         and finance_pos is null then 'missing_approval'
    when not bypass and amount >= {p.APPROVAL_THRESHOLD} and ship_pos < finance_pos
         then 'shipped_before_approval'
    end as kind
from orders;
"""


def _connect(log: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("log", log)
    con.execute(_SQL)
    return con


@pytest.fixture(scope="module")
def planted() -> duckdb.DuckDBPyConnection:
    return _connect(pa.concat_tables(fulfilment_log(events=EVENTS)))


@pytest.fixture(scope="module")
def clean() -> duckdb.DuckDBPyConnection:
    return _connect(pa.concat_tables(fulfilment_log(events=EVENTS, clean=True)))


def _found(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(con.execute("select c, kind from found where kind is not null").fetchall())


def test_rule_checks_find_exactly_the_planted_violations(
    planted: duckdb.DuckDBPyConnection,
) -> None:
    truth = planted_violations(events=EVENTS)
    expected = set(zip(truth["订单号"].to_pylist(), truth["kind"].to_pylist(), strict=True))
    assert _found(planted) == expected
    kinds = {kind for _, kind in expected}
    assert kinds == set(p.VIOLATION_KINDS)


def test_every_violation_kind_is_planted_even_in_a_small_log() -> None:
    truth = planted_violations(events=1_000, seed=3).column("kind").to_pylist()
    for kind, minimum in p.MIN_VIOLATIONS.items():
        assert truth.count(kind) >= minimum, kind


def test_large_orders_have_finance_approval_except_violations(
    planted: duckdb.DuckDBPyConnection,
) -> None:
    row = planted.execute(
        f"""select count(*), count(*) filter (where finance_pos is null)
            from orders where amount >= {p.APPROVAL_THRESHOLD} and ship_pos is not null"""
    ).fetchone()
    assert row is not None
    large, unapproved = row
    missing = planted.execute("select count(*) from found where kind = 'missing_approval'")
    assert unapproved == missing.fetchone()[0]  # type: ignore[index]
    assert 0 < unapproved < 0.05 * large


def test_rightful_bypasses_are_present_and_not_flagged(
    planted: duckdb.DuckDBPyConnection,
) -> None:
    ok = planted.execute(
        f"""select count(*) from orders join found using (c)
            where bypass and urgent and amount >= {p.BYPASS_THRESHOLD} and kind is null"""
    ).fetchone()
    assert ok is not None and ok[0] > 5


def test_finance_approval_is_the_long_wait(planted: duckdb.DuckDBPyConnection) -> None:
    rows = planted.execute(
        """select prev, a, median(m) / 60 as hours, sum(m) as total, count(*) as n
           from (select a, date_diff('minute', lag(t) over w, t) as m, lag(a) over w as prev
                 from ev window w as (partition by c order by pos))
           where prev is not null group by prev, a having n > 100 order by hours desc"""
    ).fetchall()
    assert rows[0][1] == "财务审批"
    assert rows[0][2] >= 8
    by_total = max(rows, key=lambda r: r[3])
    assert by_total[:2] == ("库存检查", "财务审批")
    into_finance = sum(r[3] for r in rows if r[1] == "财务审批")
    assert into_finance > 2 * max(r[3] for r in rows if r[1] != "财务审批")


def _variants(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return con.execute(
        """select v, count(*) as n from (select c, string_agg(a, '>' order by pos) as v
           from ev group by c) group by v order by n desc"""
    ).fetchall()


def test_variant_sprawl(planted: duckdb.DuckDBPyConnection) -> None:
    variants = _variants(planted)
    cases = sum(n for _, n in variants)
    shares = [n / cases for _, n in variants]
    covering_80 = next(i for i in range(len(shares)) if sum(shares[: i + 1]) >= 0.8) + 1
    assert len(variants) >= 20
    assert shares[0] < 0.4
    assert covering_80 >= 5


_PING_PONG_SQL = """
select count(distinct c) / (select count(distinct c) from ev) from (
  select c, d, lag(d) over w as d1, lag(d, 2) over w as d2 from (
    select c, d, pos from (select c, d, pos, lag(d) over (partition by c order by pos) as prev
                           from ev) where prev is distinct from d)
  window w as (partition by c order by pos))
where d = d2
"""


def test_no_department_ping_pong_is_planted(planted: duckdb.DuckDBPyConnection) -> None:
    row = planted.execute(_PING_PONG_SQL).fetchone()
    assert row is not None and row[0] < 0.02


def test_clean_log_has_no_violations_one_main_variant_short_waits(
    clean: duckdb.DuckDBPyConnection,
) -> None:
    assert _found(clean) == set()
    assert planted_violations(events=EVENTS, clean=True).num_rows == 0
    variants = _variants(clean)
    assert len(variants) <= 2
    assert variants[0][1] > 0.5 * sum(n for _, n in variants)
    assert clean.execute(_PING_PONG_SQL).fetchone() == (0,)
    activities = {a for (a,) in clean.execute("select distinct a from ev").fetchall()}
    assert not activities & {"取消订单", "运营负责人审批"}
    hours = clean.execute(
        """select max(h) from (select prev, a, median(date_diff('minute', prev_t, t)) / 60 as h
           from (select a, t, lag(a) over w as prev, lag(t) over w as prev_t from ev
                 window w as (partition by c order by pos))
           where prev is not null and a <> '签收' group by prev, a)"""
    ).fetchone()
    assert hours is not None and hours[0] < 1


def test_orders_start_in_working_hours(planted: duckdb.DuckDBPyConnection) -> None:
    share = planted.execute(
        """select avg((isodow(t) <= 5 and hour(t) between 9 and 17)::int)
           from ev where a = '创建订单'"""
    ).fetchone()
    assert share is not None and share[0] >= 0.9


def test_times_never_go_backwards_within_an_order(planted: duckdb.DuckDBPyConnection) -> None:
    back = planted.execute(
        """select count(*) from (select t, lag(t) over (partition by c order by pos) as prev
           from ev) where t < prev"""
    ).fetchone()
    assert back == (0,)
