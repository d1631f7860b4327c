"""Each rule kind on tiny logs: cases that pass, violate, and sit exactly on the boundary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opexflow.conformance import check_conformance
from opexflow.errors import InputError
from opexflow.logs import EventLog

MakeLog = Callable[..., EventLog]


def _one(log: EventLog, rule: str) -> dict[str, object]:
    result = check_conformance(log, rule)
    assert len(result.rules) == 1
    out = result.rules[0].to_dict()
    out["violating_cases"] = sorted(out["violating_cases"])  # in log order; compared as sets
    return out


def test_require_before_amount_threshold_is_inclusive(make_log: MakeLog) -> None:
    log = make_log(
        {
            "ok": ({"amount": 20000}, [("FA", "1 09:00", "f"), ("Ship", "1 10:00", "w")]),
            "edge-missing": ({"amount": 10000}, [("Ship", "1 10:00", "w")]),
            "edge-ok": ({"amount": 10000}, [("FA", "1 09:00", "f"), ("Ship", "1 10:00", "w")]),
            "below": ({"amount": 9999.99}, [("Ship", "1 10:00", "w")]),
            "late": ({"amount": 50000}, [("Ship", "1 09:00", "w"), ("FA", "1 10:00", "f")]),
            "not-shipped": ({"amount": 50000}, [("Cancel", "1 09:00", "s")]),
        }
    )
    r = _one(log, "- {id: fa, when: amount >= 10000, require: FA, before: Ship}")
    assert r["cases_checked"] == 4  # below the threshold and never shipped: not checked
    assert r["violating_cases"] == ["edge-missing", "late"]
    assert r["violations"] == 2 and r["violation_rate"] == 0.5
    assert r["status"] == "checked"


def test_require_without_before_checks_every_case_meeting_the_condition(
    make_log: MakeLog,
) -> None:
    log = make_log(
        {
            "a": ({"amount": 10000}, [("Create", "1 09:00", "s")]),
            "b": ({"amount": 10000}, [("Create", "1 09:00", "s"), ("FA", "1 10:00", "f")]),
            "c": ({"amount": 5}, [("Create", "1 09:00", "s")]),
        }
    )
    r = _one(log, "- {id: fa, when: amount >= 10000, require: FA}")
    assert (r["cases_checked"], r["violating_cases"]) == (2, ["a"])


def test_before_uses_the_log_order_for_events_at_the_same_time(make_log: MakeLog) -> None:
    log = make_log(
        {
            "fa-first": ({}, [("FA", "1 09:00", "f"), ("Ship", "1 09:00", "w")]),
            "ship-first": ({}, [("Ship", "1 09:00", "w"), ("FA", "1 09:00", "f")]),
        }
    )
    r = _one(log, "- {id: fa, require: FA, before: Ship}")
    assert r["violating_cases"] == ["ship-first"]


def test_order_compares_first_occurrences_in_cases_with_both(make_log: MakeLog) -> None:
    log = make_log(
        {
            "ok": ({}, [("A", "1 09:00", "x"), ("B", "1 10:00", "y")]),
            "rework-ok": (
                {},
                [("A", "1 09:00", "x"), ("B", "1 10:00", "y"), ("A", "1 11:00", "x")],
            ),
            "bad": ({}, [("B", "1 09:00", "y"), ("A", "1 10:00", "x")]),
            "only-b": ({}, [("B", "1 09:00", "y")]),
        }
    )
    r = _one(log, "- {id: ab, order: [A, B]}")
    assert (r["cases_checked"], r["violating_cases"]) == (3, ["bad"])


def test_within_exactly_the_limit_passes_and_one_minute_more_fails(make_log: MakeLog) -> None:
    log = make_log(
        {
            "exact": ({}, [("Approve", "1 09:00", "x"), ("Pay", "2 09:00", "y")]),
            "over": ({}, [("Approve", "1 09:00", "x"), ("Pay", "2 09:01", "y")]),
            "fast": ({}, [("Approve", "1 09:00", "x"), ("Pay", "1 09:30", "y")]),
            "never-paid": ({}, [("Approve", "1 09:00", "x")]),
            "paid-before": ({}, [("Pay", "1 08:00", "y"), ("Approve", "1 09:00", "x")]),
            "paid-again": (
                {},
                [("Pay", "1 08:00", "y"), ("Approve", "1 09:00", "x"), ("Pay", "3 09:00", "y")],
            ),
        }
    )
    r = _one(log, "- {id: pay, within: {from: Approve, to: Pay, max: 24h}}")
    assert r["cases_checked"] == 4  # cases with a Pay after the Approve
    assert r["violating_cases"] == ["over", "paid-again"]


def test_within_accepts_compound_durations(make_log: MakeLog) -> None:
    log = make_log(
        {
            "exact": ({}, [("A", "1 00:00", "x"), ("B", "2 12:00", "y")]),
            "over": ({}, [("A", "1 00:00", "x"), ("B", "2 12:01", "y")]),
        }
    )
    r = _one(log, "- {id: w, within: {from: A, to: B, max: 1d12h}}")
    assert r["violating_cases"] == ["over"]


def test_four_eyes_flags_one_person_doing_both(make_log: MakeLog) -> None:
    log = make_log(
        {
            "two-people": ({}, [("Check", "1 09:00", "张三"), ("Approve", "1 10:00", "李四")]),
            "same": ({}, [("Check", "1 09:00", "张三"), ("Approve", "1 10:00", "张三")]),
            "same-later": (
                {},
                [
                    ("Check", "1 09:00", "王五"),
                    ("Approve", "1 10:00", "李四"),
                    ("Check", "1 11:00", "李四"),
                ],
            ),
            "no-approve": ({}, [("Check", "1 09:00", "张三")]),
        }
    )
    r = _one(log, "- {id: 4e, four_eyes: [Check, Approve]}")
    assert (r["cases_checked"], r["violating_cases"]) == (3, ["same", "same-later"])


def test_absent_applies_only_where_the_condition_holds(make_log: MakeLog) -> None:
    log = make_log(
        {
            "small-with": ({"amount": 50}, [("Create", "1 09:00", "s"), ("MA", "1 10:00", "m")]),
            "small-without": ({"amount": 99}, [("Create", "1 09:00", "s")]),
            "edge": ({"amount": 100}, [("Create", "1 09:00", "s"), ("MA", "1 10:00", "m")]),
        }
    )
    r = _one(log, "- {id: no-ma, when: amount < 100, absent: MA}")
    assert (r["cases_checked"], r["violating_cases"]) == (2, ["small-with"])


BYPASS = """
- id: finance-approval
  when: amount >= 10000
  require: FA
  before: Ship
- id: urgent-bypass
  when: urgent and amount >= 100000
  instead_of: FA
  require: Lead
  backfill: {activity: FA, within: 24h}
"""


@pytest.fixture
def bypass_log(make_log: MakeLog) -> EventLog:
    def bypassed(backfill: str | None) -> list[tuple[str, str, str]]:
        events = [("Lead", "1 09:00", "lead"), ("Ship", "1 12:00", "w")]
        return events + ([("FA", backfill, "f")] if backfill else [])

    big, small = {"amount": 100000, "urgent": "true"}, {"amount": 99999, "urgent": "true"}
    return make_log(
        {
            "normal": ({"amount": 20000, "urgent": "false"}, [("FA", "1 09:00", "f"), ("Ship", "1 10:00", "w")]),
            "rightful": (big, bypassed("1 15:00")),
            "backfill-exactly-24h": (big, bypassed("2 09:00")),
            "backfill-late": (big, bypassed("2 09:01")),
            "no-backfill": (big, bypassed(None)),
            "not-urgent": ({"amount": 200000, "urgent": "false"}, bypassed("1 15:00")),
            "too-small": (small, bypassed("1 15:00")),
            "eligible-unused": (big, [("FA", "1 09:00", "f"), ("Ship", "1 10:00", "w")]),
            "skipped-both": ({"amount": 20000, "urgent": "false"}, [("Ship", "1 10:00", "w")]),
        }
    )  # fmt: skip


def test_bypass_outside_its_condition_or_late_is_a_violation(bypass_log: EventLog) -> None:
    result = check_conformance(bypass_log, BYPASS)
    b = result["urgent-bypass"].to_dict()
    assert b["bypass_cases"] == 6 and b["cases_checked"] == 6
    assert b["bypass_rate"] == pytest.approx(6 / 9)
    assert b["eligible_cases"] == 5  # 100000 and urgent; 99999 is below
    assert sorted(b["outside_condition"]) == ["not-urgent", "too-small"]
    assert sorted(b["late_backfill"]) == ["backfill-late", "no-backfill"]
    assert sorted(b["violating_cases"]) == [
        "backfill-late",
        "no-backfill",
        "not-urgent",
        "too-small",
    ]
    assert b["violation_rate"] == pytest.approx(4 / 6)


def test_a_bypass_excuses_the_normal_approval_rule(bypass_log: EventLog) -> None:
    fa = check_conformance(bypass_log, BYPASS)["finance-approval"].to_dict()
    assert fa["excused_cases"] == 6
    assert fa["cases_checked"] == 3  # normal, eligible-unused, skipped-both
    assert fa["violating_cases"] == ["skipped-both"]


def test_without_the_bypass_rule_bypassed_cases_break_the_approval_rule(
    bypass_log: EventLog,
) -> None:
    only = "- {id: fa, when: amount >= 10000, require: FA, before: Ship}"
    fa = check_conformance(bypass_log, only)["fa"].to_dict()
    assert fa["excused_cases"] == 0 and fa["cases_checked"] == 9
    # every bypassed case shipped before its (back-filled) finance approval
    assert fa["violations"] == 7


def test_conditions_with_or_not_in_and_parentheses(make_log: MakeLog) -> None:
    log = make_log(
        {
            "app-big": ({"channel": "app", "amount": 500}, [("X", "1 09:00", "a")]),
            "web-small": ({"channel": "web", "amount": 5}, [("X", "1 09:00", "a")]),
            "shop-big": ({"channel": "shop", "amount": 500}, [("X", "1 09:00", "a")]),
            "shop-none": ({"channel": "shop", "amount": None}, [("X", "1 09:00", "a")]),
            "none-big": ({"channel": None, "amount": 900}, [("X", "1 09:00", "a")]),
        }
    )
    rule = """- id: r
  when: (channel in ["app", "web"] and not amount < 100) or (channel == "shop" and amount > 400)
  absent: X
"""
    assert _one(log, rule)["violating_cases"] == ["app-big", "shop-big"]
    # an empty attribute does not meet the condition, also under `not`
    negated = "- id: r\n  when: not channel in ['app']\n  absent: X\n"
    assert _one(log, negated)["violating_cases"] == ["shop-big", "shop-none", "web-small"]


def test_event_attributes_are_lifted_to_the_case_as_their_first_value(
    make_log: MakeLog,
) -> None:
    # `level` varies within case c1: its first non-empty value (in event order) counts
    log = make_log(
        {
            "c1": ({}, [("A", "1 09:00", "x"), ("B", "1 10:00", "y")]),
            "c2": ({}, [("A", "1 09:00", "x")]),
        }
    )
    path = log.path.parent / "lifted.csv"
    path.write_text(
        "case,activity,time,level\n"
        "c1,A,2024-03-01 09:00,\n"
        "c1,B,2024-03-01 10:00,2\n"
        "c1,C,2024-03-01 11:00,9\n"
        "c2,A,2024-03-01 09:00,9\n",
        encoding="utf-8",
    )
    from opexflow.logs import import_log

    lifted = import_log(path, path.parent / "ds-lifted")
    assert lifted.meta.attribute("level").case_level is False  # type: ignore[union-attr]
    r = _one(lifted, "- {id: r, when: level < 5, absent: C}")
    assert (r["cases_checked"], r["violating_cases"]) == (1, ["c1"])


def test_a_filtered_log_is_checked_on_its_cases_only(bypass_log: EventLog) -> None:
    from opexflow.analysis.filters import filter_cases, filter_time

    subset = filter_cases(bypass_log, ["normal", "skipped-both", "not-urgent"])
    result = check_conformance(subset, BYPASS)
    assert result.cases == 3
    assert result["finance-approval"].violating_cases == ("skipped-both",)
    assert result["urgent-bypass"].violating_cases == ("not-urgent",)
    # an event-level filter drops events: the rules see what is left
    from datetime import UTC, datetime

    early = datetime(2024, 3, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai: nothing shipped yet
    trimmed = check_conformance(filter_time(bypass_log, until=early, mode="trim"), BYPASS)
    assert trimmed["finance-approval"].cases_checked == 0
    assert trimmed["urgent-bypass"].bypass is not None
    assert trimmed["urgent-bypass"].bypass.late_backfill == trimmed["urgent-bypass"].violating_cases


def test_a_time_attribute_compared_with_a_date(tmp_path: Path) -> None:
    from opexflow.logs import import_log

    path = tmp_path / "due.csv"
    path.write_text(
        "case,activity,time,due\n"
        "early,A,2024-03-01 09:00,2024-02-28 12:00\n"
        "late,A,2024-03-01 09:00,2024-03-02 08:00\n",
        encoding="utf-8",
    )
    log = import_log(path, tmp_path / "ds-due", types={"due": "timestamp"})
    rule = "- id: r\n  when: due >= '2024-03-01'\n  absent: A\n"
    assert _one(log, rule)["violating_cases"] == ["late"]
    with pytest.raises(InputError, match="'due' is a time"):
        check_conformance(log, "- {id: r, when: due >= 5, absent: A}")
