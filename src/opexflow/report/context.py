"""Turn the diagnosis data into what the templates show, formatted for one language.

The templates only place strings; every number, share, date and duration is
formatted here, so that both languages follow one set of rules.

Example:
    >>> ctx = header_context({"title": "用户注册激活流程", "log": {"cases": 1200}}, "zh")
    >>> ctx["kpis"][0]
    {'label': '案例数', 'value': '1,200', 'wide': False}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from opexflow.errors import InputError
from opexflow.report.formatting import (
    format_datetime,
    format_decimal,
    format_int,
    format_metric,
    format_period,
    format_share,
    humanize_duration,
    is_number,
)
from opexflow.report.i18n import Lang, label, translate

REQUIRED: Final = ("title", "log", "process_map")
NOSCRIPT_EDGES: Final = 15


def check_data(data: object) -> None:
    """Raise :class:`InputError` if ``data`` lacks what every report needs."""
    if not isinstance(data, Mapping):
        msg = f"report data must be a mapping (the result of diagnose), got {type(data).__name__}"
        raise InputError(msg)
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        msg = (
            f"report data lacks {', '.join(missing)}; it has {', '.join(sorted(data)) or 'no keys'}."
            " Pass the mapping produced by the diagnosis (see opexflow/report/README.md)."
        )
        raise InputError(msg)


def header_context(data: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """Title, log summary and the KPI cards."""
    log: Mapping[str, Any] = data.get("log") or {}
    tp: Mapping[str, Any] = data.get("throughput") or {}

    def kpi(key: str, value: str, *, wide: bool = False) -> dict[str, Any]:
        return {"label": translate(lang, key), "value": value, "wide": wide}

    kpis = [
        kpi("kpi_cases", format_int(log.get("cases"), lang)),
        kpi("kpi_events", format_int(log.get("events"), lang)),
        kpi("kpi_activities", format_int(log.get("activities"), lang)),
        kpi("kpi_variants", format_int(log.get("variants"), lang)),
    ]
    if "start" in log or "end" in log:
        kpis.append(
            kpi("kpi_period", format_period(log.get("start"), log.get("end"), lang), wide=True)
        )
    kpis += [
        kpi("kpi_median", humanize_duration(tp.get("median_s"), lang)),
        kpi("kpi_p90", humanize_duration(tp.get("p90_s"), lang)),
    ]
    return {
        "title": str(data.get("title") or ""),
        "generated": translate(
            lang, "generated", when=format_datetime(data.get("generated_at"), lang)
        )
        if data.get("generated_at")
        else "",
        "log_name": str(log.get("name") or ""),
        "log_source": str(log.get("source") or ""),
        "log_tz": str(log.get("tz") or ""),
        "kpis": kpis,
    }


def noscript_edges(process_map: Mapping[str, Any], lang: Lang) -> list[dict[str, str]]:
    """The transitions with the most cases, for readers without JavaScript."""
    edges = sorted(
        (e for e in process_map.get("edges") or [] if is_number(e.get("cases"))),
        key=lambda e: -float(e["cases"]),
    )
    return [
        {
            "from": str(e.get("from")),
            "to": str(e.get("to")),
            "cases": format_int(e.get("cases"), lang),
            "events": format_int(e.get("events"), lang),
            "median": humanize_duration(e.get("median_s"), lang),
        }
        for e in edges[:NOSCRIPT_EDGES]
    ]


def findings_context(findings: Sequence[Mapping[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """Findings ranked by severity, with the message in the page language."""
    ranked = sorted(findings, key=lambda f: -_number(f.get("severity")))
    peak = max((_number(f.get("severity")) for f in ranked), default=0.0)
    return [_finding(f, peak, lang) for f in ranked]


def _finding(f: Mapping[str, Any], peak: float, lang: Lang) -> dict[str, Any]:
    severity = _number(f.get("severity"))
    kind = str(f.get("kind") or "")
    subject = f.get("activity") or (
        f"{f['from']} → {f['to']}" if f.get("from") and f.get("to") else ""
    )
    metric = str(f.get("metric") or "")
    message = f.get(f"message_{lang}") or f.get("message_zh") or f.get("message_en") or ""
    return {
        "kind": kind,
        "kind_label": label(lang, "finding", kind),
        "subject": str(subject),
        "message": str(message),
        "severity": format_decimal(severity, 2),
        "bar_pct": f"{100 * severity / peak:.0f}" if peak > 0 else "0",
        "metric": metric,
        "value": format_metric(metric, f.get("value"), lang) if metric else "",
        "affected": translate(lang, "affected", share=format_share(f.get("share_of_cases"), lang))
        if is_number(f.get("share_of_cases"))
        else "",
    }


def variants_context(variants: Sequence[Mapping[str, Any]], lang: Lang) -> dict[str, Any]:
    """The top variants as rows of activity chips, and the share they cover."""
    rows = [
        {
            "rank": format_int(v.get("rank", i + 1), lang),
            "activities": [str(a) for a in v.get("activities") or []],
            "steps": translate(lang, "variant_steps", n=len(v.get("activities") or [])),
            "stats": translate(
                lang,
                "variant_stats",
                cases=format_int(v.get("cases"), lang),
                share=format_share(v.get("share"), lang),
                median=humanize_duration(v.get("median_s"), lang),
            ),
            "bar_pct": f"{100 * min(1.0, _number(v.get('share'))):.1f}",
        }
        for i, v in enumerate(variants)
    ]
    covered = sum(_number(v.get("share")) for v in variants)
    lead = translate(
        lang, "variants_lead", n=len(rows), share=format_share(min(covered, 1.0), lang)
    )
    return {"rows": rows, "lead": lead if rows else ""}


def throughput_stats(tp: Mapping[str, Any], lang: Lang) -> list[dict[str, str]]:
    """Mean, median, P90, min and max throughput time, humanized."""
    keys = (
        ("stat_mean", "mean_s"),
        ("stat_median", "median_s"),
        ("stat_p90", "p90_s"),
        ("stat_min", "min_s"),
        ("stat_max", "max_s"),
    )
    return [
        {"label": translate(lang, name), "value": humanize_duration(tp.get(key), lang)}
        for name, key in keys
        if key in tp
    ]


def _number(value: object) -> float:
    return float(value) if is_number(value) else 0.0
