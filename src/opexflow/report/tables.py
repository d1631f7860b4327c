"""Table 1 (现状调研表) and the data-quality checks, ready for the templates.

Example:
    >>> rows = table1_rows([{"step": 2, "activity": "人工审核", "minutes_per_step": 30.0,
    ...                      "problem_types": ["efficiency"]}], "zh")
    >>> rows[0]["step"], rows[0]["minutes"], rows[0]["problems"]
    ('2. 人工审核', '30', ['效率'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from opexflow.report.formatting import format_decimal, format_int, is_number
from opexflow.report.i18n import Lang, label, translate

MAX_EXAMPLES: Final = 3


def table1_rows(rows: Sequence[Mapping[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """Table 1 rows in step order; the process name is shown once by the template."""
    ordered = sorted(rows, key=lambda r: _step(r.get("step")))
    empty = translate(lang, "empty")
    return [
        {
            "step": f"{r.get('step')}. {r.get('activity')}"
            if r.get("step") is not None
            else str(r.get("activity")),
            "department": str(r.get("department") or empty),
            "role": str(r.get("role") or empty),
            "minutes": format_decimal(float(r["minutes_per_step"]), 1)
            if is_number(r.get("minutes_per_step"))
            else empty,
            "problems": [label(lang, "problem", str(p)) for p in r.get("problem_types") or []],
            "problem_codes": [str(p) for p in r.get("problem_types") or []],
            "description": str(r.get("description_zh") or ""),
        }
        for r in ordered
    ]


def _step(value: object) -> float:
    return float(value) if is_number(value) else 0.0


def quality_rows(quality: Mapping[str, Any] | None, lang: Lang) -> list[dict[str, Any]]:
    """Each data-quality check with its count, message and a few examples."""
    checks: Sequence[Mapping[str, Any]] = (quality or {}).get("checks") or []
    return [
        {
            "check": str(c.get("check") or ""),
            "count": format_int(c.get("count"), lang),
            "flagged": is_number(c.get("count")) and c["count"] > 0,
            "message": str(c.get(f"message_{lang}") or c.get("message_zh") or ""),
            "examples": [_example(e, lang) for e in (c.get("examples") or [])[:MAX_EXAMPLES]],
        }
        for c in checks
    ]


def _example(example: Mapping[str, Any], lang: Lang) -> str:
    parts = []
    for key, name in (("row", "ex_row"), ("column", "ex_column"), ("value", "ex_value")):
        if example.get(key) is not None:
            value = example[key]
            shown = f"“{value}”" if key == "value" else str(value)
            parts.append(f"{translate(lang, name)} {shown}")
    if example.get("case_id") is not None:
        parts.append(f"{translate(lang, 'ex_case')} {example['case_id']}")
    return " · ".join(parts)
