from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest

from opexflow.errors import InputError
from opexflow.sop import (
    Sop,
    bump,
    canonical_json,
    change_record,
    content_hash,
    parse_version,
    read_signature,
    verify,
)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def test_hash_stable_under_key_order_whitespace_and_defaults(v11: Sop) -> None:
    digest = content_hash(v11)
    data = json.loads(v11.model_dump_json())
    for seed in range(5):
        shuffled = _shuffled(data, random.Random(seed))
        assert content_hash(json.dumps(shuffled, indent=seed, ensure_ascii=seed % 2 == 0)) == digest
    # Defaults spelled out or left out: the same content.
    assert content_hash(v11.model_dump_json(exclude_defaults=True)) == digest
    canon = canonical_json(v11)
    again = json.dumps(json.loads(canon), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canon == again.encode() and canon.startswith(b'{"approver":')
    assert "用户注册激活流程".encode() in canon  # UTF-8, not \u escapes


def test_any_change_changes_the_hash(v11: Sop) -> None:
    digest = content_hash(v11)
    step = v11.steps[1].model_copy(update={"guidance": v11.steps[1].guidance + "。"})
    changed = v11.model_copy(update={"steps": (v11.steps[0], step, *v11.steps[2:])})
    assert content_hash(changed) != digest
    assert verify(v11, digest) and verify(v11.model_dump_json(), digest.upper())
    assert not verify(changed, digest)


def test_verify_refuses_what_is_not_a_hash(v10: Sop) -> None:
    with pytest.raises(InputError, match="64 hexadecimal digits"):
        verify(v10, "abc")


def test_bump_rules() -> None:
    assert bump("V1.0", "minor") == "V1.1"
    assert bump("V1.1", "minor") == "V1.2"
    assert bump("V1.9", "minor") == "V1.10"
    assert bump("V1.1", "major") == "V2.0"
    assert bump("V2.3", "major") == "V3.0"
    assert parse_version("V10.2") == (10, 2)
    for bad in ("1.0", "V1", "v1.0", "V01.0", "V1.0.1"):
        with pytest.raises(InputError, match=r"V<major>\.<minor>"):
            bump(bad, "minor")
    with pytest.raises(InputError, match="minor or major"):
        bump("V1.0", "patch")  # type: ignore[arg-type]


def test_table4_row_of_the_seed(v11: Sop) -> None:
    row = change_record(
        v11,
        summary="新增短信通道优化步骤",
        editor="*经理",
        reviewer="*总监",
        remarks="解决验证码接收问题",
    )
    assert row.model_dump() == {
        "process_id": "YH-LC01",
        "name": "用户注册激活流程",
        "version": "V1.1",
        "effective_on": date(2024, 5, 6),
        "summary": "新增短信通道优化步骤",
        "editor": "*经理",
        "reviewer": "*总监",
        "remarks": "解决验证码接收问题",
    }
    assert v11.history[-1].summary == row.summary


def test_read_signature_file() -> None:
    digest = "a" * 64
    assert read_signature(json.dumps({"sha256": digest, "signed_by": "赵总"})) == digest
    assert read_signature(f"{digest}  YH-LC01-V1.1.json\n") == digest
    with pytest.raises(InputError, match="sha256"):
        read_signature('{"hash": 1}')
    with pytest.raises(InputError, match="64-digit"):
        read_signature("not a hash")
