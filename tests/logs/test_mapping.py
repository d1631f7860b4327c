from __future__ import annotations

from opexflow.logs.mapping import guess_mapping


def test_a_team_column_stays_an_attribute_not_the_department() -> None:
    alone = guess_mapping(["case_id", "activity", "timestamp", "team"])
    assert "department" not in alone  # 'team' (A组/B组) is what a pilot compares
    both = guess_mapping(["case_id", "activity", "timestamp", "team", "部门"])
    assert both["department"] == "部门"
