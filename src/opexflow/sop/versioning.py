"""Versions of an SOP: canonical content and its SHA-256, version numbers, Table 4 rows.

The **canonical content** of an SOP is its JSON with keys sorted, no
insignificant whitespace, UTF-8, and fields at their default value left out
(so a file that spells a default out and one that omits it hash the same, and
adding an optional field later does not change the hash of older versions).
Signing records this hash; :func:`verify` recomputes it from the content.

Version numbers (seed §六.3): ``V1.0`` first release, ``V1.1`` a pilot fix
(minor), ``V2.0`` a redesign (major).

Example:
    >>> bump("V1.0", "minor"), bump("V1.3", "major")
    ('V1.1', 'V2.0')
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from opexflow.errors import InputError
from opexflow.sop.model import VERSION_PATTERN, ChangeRecord, Sop, load_sop

BumpKind = Literal["minor", "major"]
_VERSION = re.compile(VERSION_PATTERN)
_HEX = re.compile(r"^[0-9a-f]{64}$")


def canonical_json(sop: Sop | str | bytes | Mapping[str, Any]) -> bytes:
    """The canonical UTF-8 JSON of ``sop`` (validated first when given as JSON or a mapping).

    Example:
        >>> canonical_json(Sop(process_id="X", name="流程"))
        b'{"name":"\\xe6\\xb5\\x81\\xe7\\xa8\\x8b","process_id":"X"}'
    """
    model = sop if isinstance(sop, Sop) else load_sop(sop)
    data = model.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(sop: Sop | str | bytes | Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of the canonical content."""
    return hashlib.sha256(canonical_json(sop)).hexdigest()


def verify(content: Sop | str | bytes | Mapping[str, Any], sha256: str) -> bool:
    """Whether ``content`` is exactly what was signed with hash ``sha256``.

    Raises:
        InputError: ``sha256`` is not 64 hexadecimal digits, or the content is not an SOP.
    """
    expected = sha256.strip().lower()
    if not _HEX.match(expected):
        raise InputError(
            f"{sha256!r} is not a SHA-256: expected 64 hexadecimal digits",
            message_zh=f"{sha256!r} 不是 SHA-256 值：应为 64 位十六进制数",
        )
    return content_hash(content) == expected


def parse_version(version: str) -> tuple[int, int]:
    """``"V1.1"`` → ``(1, 1)``.

    Raises:
        InputError: not of the form V<major>.<minor>.
    """
    m = _VERSION.match(version.strip())
    if m is None:
        raise InputError(
            f"version {version!r}: write it as V<major>.<minor>, e.g. V1.0, V1.1, V2.0",
            message_zh=f"版本号 {version!r} 格式不对：应为 V主版本.次版本，如 V1.0、V1.1、V2.0",
        )
    return int(m.group(1)), int(m.group(2))


def bump(version: str, kind: BumpKind) -> str:
    """The next version: ``minor`` for a pilot fix (V1.0 → V1.1), ``major`` for a
    redesign (V1.1 → V2.0).

    Example:
        >>> bump("V1.9", "minor")
        'V1.10'
    """
    major, minor = parse_version(version)
    if kind == "minor":
        return f"V{major}.{minor + 1}"
    if kind == "major":
        return f"V{major + 1}.0"
    raise InputError(f"bump kind {kind!r}: use minor or major")


def change_record(
    sop: Sop,
    *,
    summary: str,
    editor: str = "",
    reviewer: str = "",
    remarks: str = "",
    effective_on: date | None = None,
) -> ChangeRecord:
    """The Table 4 row of publishing ``sop`` (process ID, name, version, effective
    date, change summary, editor, reviewer, remarks).

    Example:
        >>> sop = Sop(process_id="YH-LC01", name="用户注册激活流程", version="V1.1")
        >>> change_record(sop, summary="新增短信通道优化步骤").version
        'V1.1'
    """
    return ChangeRecord(
        process_id=sop.process_id,
        name=sop.name,
        version=sop.version,
        effective_on=effective_on or sop.effective_on,
        summary=summary,
        editor=editor or sop.editor,
        reviewer=reviewer or sop.reviewer,
        remarks=remarks,
    )


def read_signature(text: str) -> str:
    """The SHA-256 in a signature file: a JSON object with ``sha256``, or the hex itself.

    Raises:
        InputError: neither form.
    """
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"signature file is not valid JSON: {exc.msg}") from None
        if isinstance(data, dict) and isinstance(data.get("sha256"), str):
            return str(data["sha256"])
        raise InputError(
            "the signature file has no 'sha256' key",
            message_zh="签名文件中没有 sha256 字段",
        )
    first = stripped.split()[0] if stripped else ""
    if not _HEX.match(first.lower()):
        raise InputError(
            "the signature file holds neither a JSON object with 'sha256' nor a 64-digit hash",
            message_zh="签名文件既不是含 sha256 的 JSON，也不是 64 位哈希值",
        )
    return first
