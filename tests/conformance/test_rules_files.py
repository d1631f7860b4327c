"""Rules files: every kind's YAML shape, JSON, and clear errors naming file, line and rule."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from opexflow.conformance import (
    BypassRule,
    FourEyesRule,
    WithinRule,
    describe,
    load_rules,
    parse_duration,
)
from opexflow.errors import InputError, NotFoundError

ISSUE_EXAMPLE = """\
- id: manager-approval          # require, optionally before another activity
  when: amount >= 5000
  require: Manager Approval
  before: Pay Invoice
- id: approve-before-pay        # order
  order: [Approve Invoice, Pay Invoice]
- id: pay-within-5-days         # within
  within: {from: Approve Invoice, to: Pay Invoice, max: 5d}
- id: four-eyes                 # four_eyes
  four_eyes: [Check Vendor, Approve Invoice]
- id: no-manager-for-small      # absent
  when: amount < 100
  absent: Manager Approval
- id: urgent-bypass             # bypass
  when: urgent and amount >= 100000
  instead_of: Finance Approval
  require: Operations Lead Approval
  backfill: {activity: Finance Approval, within: 24h}
"""


def test_the_issue_example_loads_with_every_kind() -> None:
    rules = load_rules(ISSUE_EXAMPLE)
    assert [r.kind for r in rules] == [
        "require",
        "order",
        "within",
        "four_eyes",
        "absent",
        "bypass",
    ]
    within = rules[2]
    assert isinstance(within, WithinRule) and within.within.max == timedelta(days=5)
    bypass = rules[5]
    assert isinstance(bypass, BypassRule) and bypass.backfill is not None
    assert bypass.backfill.within == timedelta(hours=24)
    assert bypass.location is not None and bypass.location.line == 14


def test_rules_round_trip_through_json_and_a_rules_mapping(tmp_path: Path) -> None:
    rules = load_rules(ISSUE_EXAMPLE)
    as_json = tmp_path / "rules.json"
    as_json.write_text(
        json.dumps({"process": "AP-01", "rules": [r.to_dict() for r in rules]}), encoding="utf-8"
    )
    again = load_rules(as_json)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in rules]
    assert again.meta == {"process": "AP-01"} and again.source == str(as_json)
    assert load_rules([r.to_dict() for r in rules])[3].to_dict() == rules[3].to_dict()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", timedelta(hours=24)),
        ("5d", timedelta(days=5)),
        ("30m", timedelta(minutes=30)),
        ("1d12h", timedelta(hours=36)),
        ("1d 12h 30min", timedelta(hours=36, minutes=30)),
        ("2w", timedelta(weeks=2)),
        ("90s", timedelta(seconds=90)),
        ("1.5h", timedelta(minutes=90)),
        ("24小时", timedelta(hours=24)),
        ("3天", timedelta(days=3)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["24", "h", "24 hours", "1d-2h", "", "5x"])
def test_bad_durations_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="24h, 5d, 30m"):
        parse_duration(text)


def _error(text: str, tmp_path: Path) -> InputError:
    path = tmp_path / "controls.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_rules(path)
    assert info.value.location is not None and info.value.location.file == str(path)
    return info.value


def test_a_typo_in_a_key_names_file_line_rule_and_the_keys(tmp_path: Path) -> None:
    err = _error("- id: ok\n  absent: X\n- id: fa\n  require: FA\n  befor: Ship\n", tmp_path)
    assert err.location is not None and err.location.line == 5
    assert "controls.yaml, line 5" in str(err)
    assert "rule 'fa'" in str(err) and "'befor'" in str(err) and "before" in str(err)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    err = _error("- id: a\n  require: X\n- id: b\n  order: [A, B\n", tmp_path)
    assert err.location is not None and err.location.line == 5
    assert "not valid YAML" in str(err)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- id: a\n  when: amount => 5\n  require: X\n", 2, ["rule 'a'", ">="]),
        ("- id: a\n  when: amount >= 5\n  require: X\n", None, None),
        ("- id: a\n  require: X\n- id: a\n  absent: Y\n", 3, ["already used", "line 1"]),
        ("- id: b\n  instead_of: A\n  require: B\n", 1, ["rule 'b'", "needs 'when'"]),
        ("- id: c\n  within: {from: A, to: B, max: 24}\n", 2, ["rule 'c'", "24h"]),
        ("- id: d\n  kind: order\n  require: A\n", 1, ["does not match"]),
        ("- id: e\n  order: [A]\n", 2, ["rule 'e'", "order"]),
        ("- id: f\n  four_eyes: [A, B, C]\n", 2, ["rule 'f'"]),
        ("- id: g\n", 1, ["cannot tell the kind"]),
        ("- just text\n", 1, ["not a mapping"]),
        ("id: x\nrequire: A\n", 1, ["list of rules"]),
        ("- id: h\n  when: __import__('os').system('true')\n  absent: A\n", 2, ["not a test"]),
        ("- id: i\n  when: amount.real > 1\n  absent: A\n", 2, ["rule 'i'"]),
        ("- id: j\n  when: len(name) > 1\n  absent: A\n", 2, ["rule 'j'"]),
        ("- id: k\n  order: [A, A]\n", 2, ["two different activities"]),
        ("- id: l\n  require: A\n  before: A\n", 1, ["'require' and 'before'"]),
        ("- id: m\n  within: {from: A, to: A, max: 1h}\n", 2, ["'from' and 'to'"]),
        ("- id: n\n  when: x\n  instead_of: A\n  require: A\n", 1, ["'instead_of'"]),
    ],
)
def test_malformed_rules(
    text: str, line: int | None, words: list[str] | None, tmp_path: Path
) -> None:
    if words is None:  # the control: a good rule loads
        assert load_rules(text)[0].id == "a"
        return
    err = _error(text, tmp_path)
    assert err.location is not None and err.location.line == line, str(err)
    for w in words:
        assert w in str(err), str(err)


def test_a_missing_rules_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        load_rules(tmp_path / "nope.yaml")
    with pytest.raises(NotFoundError):
        load_rules(str(tmp_path / "nope.yml"))


def test_conditions_are_never_evaluated_as_python() -> None:
    for text in ("(lambda: 1)()", "x if y else z", "a + b > 1", "[x for x in y]", "a[0] > 1"):
        with pytest.raises(InputError):
            load_rules(f"- id: r\n  when: {json.dumps(text)}\n  absent: A\n")


def test_sentences_in_both_languages() -> None:
    rules = load_rules(ISSUE_EXAMPLE)
    zh = [describe(r, "zh") for r in rules]
    en = [describe(r, "en") for r in rules]
    assert zh[0] == "当 amount ≥ 5,000 时，「Pay Invoice」之前必须先完成「Manager Approval」。"
    assert en[0] == "When amount ≥ 5,000, 'Manager Approval' must be done before 'Pay Invoice'."
    assert zh[1] == "「Approve Invoice」必须在「Pay Invoice」之前完成。"
    assert en[2] == "'Pay Invoice' must follow 'Approve Invoice' within 5 days."
    assert zh[2] == "「Pay Invoice」必须在「Approve Invoice」之后 5 天内完成。"
    assert isinstance(rules[3], FourEyesRule) and "四眼" in zh[3]
    assert en[4] == "When amount < 100, 'Manager Approval' must not occur."
    assert zh[5] == (
        "紧急通道：当 urgent 且 amount ≥ 100,000 时，可由「Operations Lead Approval」代替"
        "「Finance Approval」，并须在「Operations Lead Approval」之后 24 小时内补办「Finance Approval」。"
    )
    assert en[5].startswith("Emergency bypass: when urgent and amount ≥ 100,000, ")
    assert en[5].endswith("'Finance Approval' must then be back-filled within 24 hours.")


def test_sentences_of_rules_without_a_condition() -> None:
    rules = load_rules(
        "- {id: a, require: A}\n- {id: b, require: A, before: B}\n- {id: c, absent: A}\n"
    )
    assert [describe(r, "zh") for r in rules] == [
        "每个案例都必须执行「A」。",
        "「B」之前必须先完成「A」。",
        "任何案例都不得出现「A」。",
    ]
    assert [describe(r, "en") for r in rules] == [
        "'A' is required in every case.",
        "'A' must be done before 'B'.",
        "'A' must not occur.",
    ]
