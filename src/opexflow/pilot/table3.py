"""Table 3 (试点效果评估表): one typed row per KPI of a pilot evaluation.

Satisfaction (1-5) and unmet issues come from the pilot's survey and retro
records; the caller fills them in.

Example:
    >>> rows = table3(evaluation, process="用户注册激活流程", satisfaction=4.5)  # doctest: +SKIP
    >>> rows[0].difference_text                                                # doctest: +SKIP
    '−73%'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opexflow.pilot.verdict import kpi_label, percent, value_text

if TYPE_CHECKING:
    from opexflow.pilot.evaluate import PilotEvaluation

#: Column headers, (zh, en), in the seed's order.
HEADERS: tuple[tuple[str, str], ...] = (
    ("流程名称", "process"),
    ("试点范围", "pilot scope"),
    ("评估指标", "KPI"),
    ("优化前", "before"),
    ("优化后", "after"),
    ("差异率", "difference %"),
    ("满意度(1-5分)", "satisfaction (1-5)"),
    ("未解决问题及原因", "unmet issues and causes"),
)


@dataclass(frozen=True, slots=True)
class PilotResult:
    """One row of Table 3."""

    process: str
    pilot_scope: str
    kpi: str
    kpi_zh: str
    kpi_en: str
    unit: str
    before: float | None
    after: float | None
    difference_pct: float | None
    significant: bool
    verdict_zh: str
    verdict_en: str
    satisfaction: float | None = None
    unmet_issues: str | None = None

    def cells(self, lang: str = "zh") -> list[str]:
        """The row as text in the order of :data:`HEADERS`."""

        def show(v: float | None) -> str:
            return "—" if v is None else value_text(v, self.unit, lang)

        rel = None if self.difference_pct is None else self.difference_pct / 100
        return [
            self.process,
            self.pilot_scope,
            self.kpi_zh if lang == "zh" else self.kpi_en,
            show(self.before),
            show(self.after),
            percent(rel),
            "—" if self.satisfaction is None else f"{self.satisfaction:g}",
            self.unmet_issues or "—",
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "process": self.process,
            "pilot_scope": self.pilot_scope,
            "kpi": self.kpi,
            "before": self.before,
            "after": self.after,
            "difference_pct": self.difference_pct,
            "significant": self.significant,
            "satisfaction": self.satisfaction,
            "unmet_issues": self.unmet_issues,
            "verdict_zh": self.verdict_zh,
            "verdict_en": self.verdict_en,
        }


def table3(
    evaluation: PilotEvaluation,
    *,
    process: str,
    satisfaction: float | None = None,
    unmet_issues: str | None = None,
) -> list[PilotResult]:
    """Table 3 rows of an evaluation: before vs after of the pilot group (pilot vs
    control where there is no before), satisfaction and unmet issues as given."""
    rows = []
    for k in evaluation.kpis:
        main = k.main
        if main is None:
            continue
        rows.append(
            PilotResult(
                process=process,
                pilot_scope=evaluation.scope,
                kpi=k.kpi.name,
                kpi_zh=kpi_label(k.kpi, main.statistic, "zh"),
                kpi_en=kpi_label(k.kpi, main.statistic, "en"),
                unit=k.kpi.unit,
                before=main.before,
                after=main.after,
                difference_pct=main.difference_pct,
                significant=main.significant,
                verdict_zh=main.verdict_zh,
                verdict_en=main.verdict_en,
                satisfaction=satisfaction,
                unmet_issues=unmet_issues,
            )
        )
    return rows
