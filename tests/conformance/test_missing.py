"""Rules the log cannot answer are reported as such, never silently passed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opexflow.conformance import check_conformance
from opexflow.errors import InputError
from opexflow.logs import EventLog, import_log

MakeLog = Callable[..., EventLog]


@pytest.fixture
def log(make_log: MakeLog) -> EventLog:
    return make_log(
        {
            "c1": ({"amount": 20000, "grade": "A"}, [("FA", "1 09:00", "x"), ("Ship", "1 10:00", "y")]),
            "c2": ({"amount": 500, "grade": "B"}, [("Ship", "1 10:00", "y")]),
        }
    )  # fmt: skip


def test_an_activity_the_log_lacks(log: EventLog) -> None:
    r = check_conformance(log, "- {id: r, when: amount >= 10000, require: Finance, before: Ship}")
    d = r["r"].to_dict()
    assert d["status"] == "missing_activity" and d["missing_activities"] == ["Finance"]
    assert d["violation_rate"] is None and d["cases_checked"] == 0
    assert r.unchecked == (r["r"],)


def test_an_attribute_the_log_lacks(log: EventLog) -> None:
    d = check_conformance(log, "- {id: r, when: betrag >= 10000, require: FA}")["r"].to_dict()
    assert d["status"] == "missing_attribute" and d["missing_attributes"] == ["betrag"]
    assert d["violation_rate"] is None


def test_four_eyes_needs_a_resource_column(tmp_path: Path) -> None:
    path = tmp_path / "nores.csv"
    path.write_text("case,activity,time\nc,A,2024-03-01 09:00\nc,B,2024-03-01 10:00\n")
    plain = import_log(path, tmp_path / "ds-nores")
    d = check_conformance(plain, "- {id: r, four_eyes: [A, B]}")["r"].to_dict()
    assert d["status"] == "missing_attribute" and d["missing_attributes"] == ["resource"]


def test_the_other_rules_are_still_checked(log: EventLog) -> None:
    result = check_conformance(
        log, "- {id: bad, absent: Nope}\n- {id: good, when: amount >= 10000, require: FA}\n"
    )
    assert [r.status for r in result.rules] == ["missing_activity", "checked"]
    assert result["good"].cases_checked == 1 and result.cases == 2


def test_comparing_text_with_a_number_is_an_error_naming_the_rule(log: EventLog) -> None:
    with pytest.raises(InputError, match=r"rule 'r'.*'grade' is text.*--type grade=number"):
        check_conformance(log, "- {id: r, when: grade >= 5, absent: FA}")
    with pytest.raises(InputError, match=r"'amount' is a number, not yes/no"):
        check_conformance(log, "- {id: r, when: amount, absent: FA}")


def test_mapped_columns_are_known_by_their_source_name_too(log: EventLog) -> None:
    # the resource column of the tiny logs is called `resource`; c1 starts with x, c2 with y
    by_role = check_conformance(log, "- {id: r, when: resource == 'y', absent: Ship}")
    assert by_role["r"].violating_cases == ("c2",)
    by_id = check_conformance(log, "- {id: r, when: 'case_id in [\"c1\"]', absent: Ship}")
    assert by_id["r"].violating_cases == ("c1",)


def test_department_column_by_its_source_name(tmp_path: Path) -> None:
    path = tmp_path / "dept.csv"
    path.write_text(
        "工单号,环节,完成时间,部门\n1,A,2024-03-01 09:00,运营部\n1,B,2024-03-01 10:00,技术部\n"
        "2,A,2024-03-01 09:00,技术部\n2,B,2024-03-01 10:00,技术部\n",
        encoding="utf-8",
    )
    log = import_log(path, tmp_path / "ds-dept")
    assert log.meta.mapping.get("department") == "部门"
    result = check_conformance(log, "- {id: r, when: 部门 == '运营部', absent: B}")
    assert result["r"].violating_cases == ("1",)  # lifted: the first event's department
