"""The control-point section of the report: rules, their results and the violating cases.

Example:
    >>> ctx = conformance_context({"cases": 2000, "rules": [{"id": "fa", "kind": "require",
    ...     "sentence_zh": "…", "status": "checked", "cases_checked": 400, "violations": 12,
    ...     "violation_rate": 0.03, "violating_cases": ["o1"]}]}, "zh")
    >>> r = ctx["rules"][0]
    >>> r["rate"], r["status"], r["status_label"]
    ('3%', 'violated', '违反')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opexflow.report.formatting import format_int, format_share, is_number
from opexflow.report.i18n import Lang, label, translate


def conformance_context(section: Mapping[str, Any] | None, lang: Lang) -> dict[str, Any] | None:
    """What ``_conformance.html`` shows; None when the diagnosis checked no rules."""
    if not section:
        return None
    rules: Sequence[Mapping[str, Any]] = section.get("rules") or []
    return {
        "lead": translate(
            lang,
            "conf_lead",
            n=format_int(len(rules), lang),
            cases=format_int(section.get("cases"), lang),
        ),
        "source": str(section.get("source") or ""),
        "rules": [_rule(r, lang) for r in rules],
    }


def _rule(r: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    checked = r.get("status") == "checked"
    violations = r.get("violations") or 0
    status = "unchecked" if not checked else "violated" if violations else "passed"
    rate = r.get("violation_rate")
    notes = []
    if not checked:
        missing = [str(n) for n in r.get("missing") or []]
        names = (
            "、".join(f"「{n}」" for n in missing)
            if lang == "zh"
            else ", ".join(map(repr, missing))
        )
        notes.append(translate(lang, f"conf_{r.get('status')}", names=names))
    bypass = r.get("bypass")
    if bypass:
        notes.append(
            translate(
                lang,
                "conf_bypass",
                cases=format_int(bypass.get("cases"), lang),
                rate=format_share(bypass.get("rate"), lang),
                eligible=format_int(bypass.get("eligible_cases"), lang),
                outside=format_int(bypass.get("outside_condition"), lang),
                late=format_int(bypass.get("late_backfill"), lang),
            )
        )
    if r.get("excused_cases"):
        notes.append(translate(lang, "conf_excused", n=format_int(r["excused_cases"], lang)))
    shown = [str(c) for c in r.get("violating_cases") or []]
    return {
        "id": str(r.get("id") or ""),
        "kind": label(lang, "conf_kind", str(r.get("kind") or "")),
        "sentence": str(r.get(f"sentence_{lang}") or r.get("sentence_zh") or ""),
        "checked": format_int(r.get("cases_checked"), lang)
        if checked
        else translate(lang, "empty"),
        "violations": format_int(violations, lang) if checked else translate(lang, "empty"),
        "rate": format_share(rate, lang) if is_number(rate) else translate(lang, "empty"),
        "bar_pct": f"{100 * min(1.0, float(rate)):.1f}" if is_number(rate) else "0",
        "status": status,
        "status_label": translate(lang, f"conf_{status}"),
        "notes": notes,
        "cases": translate(lang, "conf_cases", ids=", ".join(shown)) if shown else "",
        "more": translate(lang, "conf_more", n=format_int(violations, lang))
        if violations > len(shown)
        else "",
    }
