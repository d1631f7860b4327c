"""KPI definitions: structured, serializable formulas with unit, direction and zh/en names.

A definition is a pydantic model, so the workspace's metric dictionary can store
one per KPI name as JSON and read it back unchanged. :func:`parse_kpi` reads the
command-line short forms.

Example:
    >>> k = parse_kpi("waiting_time:人工审核")
    >>> k.kind, k.activity, k.unit, k.direction, k.name_en
    ('waiting_time', '人工审核', 'seconds', 'lower', 'waiting time before 人工审核')
    >>> Kpi.model_validate_json(k.model_dump_json()) == k
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from opexflow.errors import InputError

KpiKind = Literal[
    "throughput_time",
    "waiting_time",
    "case_share",
    "completion_rate",
    "churn",
    "rework_rate",
    "count",
]
KINDS: tuple[str, ...] = KpiKind.__args__  # type: ignore[attr-defined]
DurationStatistic = Literal["mean", "median", "p90"]
Unit = Literal["seconds", "share", "cases"]
Direction = Literal["lower", "higher"]
DURATION_KINDS = frozenset({"throughput_time", "waiting_time"})
SHARE_KINDS = frozenset({"case_share", "completion_rate", "churn", "rework_rate"})
_NEEDS_ACTIVITY = frozenset({"waiting_time", "case_share", "completion_rate", "churn"})
_DIRECTION: dict[str, Direction] = {
    "throughput_time": "lower",
    "waiting_time": "lower",
    "case_share": "lower",
    "completion_rate": "higher",
    "churn": "lower",
    "rework_rate": "lower",
    "count": "higher",
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class WorkingTime(BaseModel):
    """Business hours and the working-day calendar for durations in working time.

    ``calendar="cn"`` uses the Chinese public holidays and 调休 make-up workdays
    of the ``chinesecalendar`` package, which has data for 2004-2026 only: a log
    reaching outside raises an error unless ``outside="weekdays"`` (then Monday
    to Friday count as working days in those years). ``calendar="weekdays"``
    ignores holidays. ``tz`` defaults to the log's time zone.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: str = "09:00"
    end: str = "18:00"
    calendar: Literal["cn", "weekdays"] = "cn"
    outside: Literal["error", "weekdays"] = "error"
    tz: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"{value!r} is not a time of day HH:MM (e.g. 09:00)")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> WorkingTime:
        if self.end <= self.start:
            raise ValueError(f"working hours end {self.end} must be after start {self.start}")
        return self

    @property
    def seconds_per_day(self) -> int:
        return _seconds(self.end) - _seconds(self.start)


def _seconds(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


class Kpi(BaseModel):
    """One KPI: what is measured per case, how it is summarised, and how it reads.

    Kinds and their per-case value:

    - ``throughput_time``: seconds from the case's first start to its last
      completion, or with ``from_activity``/``to_activity`` from the start of the
      first FROM to the completion of the first TO after it.
    - ``waiting_time``: seconds a case waits before ``activity`` (previous event's
      completion to the activity's start, or its completion without start
      times), summed over the activity's occurrences in the case.
    - ``case_share``: 1 when the case contains ``activity`` (e.g. a correction step).
    - ``completion_rate``: 1 when the case reaches ``activity``; ``churn`` its complement.
    - ``rework_rate``: 1 when some activity occurs more than once in the case.
    - ``count``: cases per period.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: KpiKind
    activity: str | None = None
    from_activity: str | None = None
    to_activity: str | None = None
    statistic: DurationStatistic = "median"
    time: Literal["calendar", "working"] = "calendar"
    working_time: WorkingTime | None = None
    unit: Unit = "seconds"
    direction: Direction = "lower"
    name_zh: str = ""
    name_en: str = ""

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            return data
        kind = data["kind"]
        data = dict(data)
        data.setdefault("direction", _DIRECTION[kind])
        unit = "seconds" if kind in DURATION_KINDS else "share" if kind in SHARE_KINDS else "cases"
        data.setdefault("unit", unit)
        zh, en = _names(
            kind, data.get("activity"), data.get("from_activity"), data.get("to_activity")
        )
        data.setdefault("name_zh", zh)
        data.setdefault("name_en", en)
        data.setdefault("name", en)
        if data.get("time") == "working" and data.get("working_time") is None:
            data["working_time"] = WorkingTime()
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Kpi:
        if self.kind in _NEEDS_ACTIVITY and not self.activity:
            raise ValueError(f"a {self.kind} KPI needs an activity ({self.kind}:ACTIVITY)")
        if (self.from_activity is None) != (self.to_activity is None):
            raise ValueError("give both from_activity and to_activity, or neither")
        if self.from_activity and self.kind != "throughput_time":
            raise ValueError("from_activity/to_activity apply to throughput_time only")
        if self.time == "working" and self.kind not in DURATION_KINDS:
            raise ValueError(f"working time applies to durations, not to {self.kind}")
        return self

    @property
    def is_duration(self) -> bool:
        return self.kind in DURATION_KINDS

    @property
    def is_share(self) -> bool:
        return self.kind in SHARE_KINDS

    def with_statistic(self, statistic: DurationStatistic | None) -> Kpi:
        """This KPI summarised by ``statistic`` (durations only; others are unchanged)."""
        if statistic is None or not self.is_duration:
            return self
        return self.model_copy(update={"statistic": statistic})


def _names(kind: str, activity: str | None, src: str | None, dst: str | None) -> tuple[str, str]:
    a = activity or "?"
    if kind == "throughput_time":
        if src and dst:
            return f"{src}到{dst}时长", f"time from {src} to {dst}"
        return "周期时长", "throughput time"
    table = {
        "waiting_time": (f"{a}前等待时长", f"waiting time before {a}"),
        "case_share": (f"含{a}的案例占比", f"share of cases with {a}"),
        "completion_rate": (f"完成率({a})", f"completion rate ({a})"),
        "churn": (f"流失率(未到{a})", f"churn (not reaching {a})"),
        "rework_rate": ("返工率", "rework rate"),
        "count": ("案例数", "cases"),
    }
    return table[kind]


def parse_kpi(
    text: str,
    *,
    dictionary: Mapping[str, Kpi] | None = None,
    statistic: DurationStatistic | None = None,
) -> Kpi:
    """A KPI from a metric-dictionary name, a JSON definition or a short form.

    Short forms: ``throughput_time``, ``throughput_time:FROM>TO``,
    ``waiting_time:ACTIVITY``, ``case_share:ACTIVITY``,
    ``completion_rate:ACTIVITY``, ``churn:ACTIVITY``, ``rework_rate``, ``count``.
    ``statistic`` overrides the statistic of a duration KPI.

    Example:
        >>> parse_kpi("throughput_time:用户填写信息>激活完成", statistic="p90").statistic
        'p90'
    """
    text = text.strip()
    if dictionary and text in dictionary:
        return dictionary[text].with_statistic(statistic)
    try:
        if text.startswith("{"):
            return Kpi.model_validate_json(text).with_statistic(statistic)
        return _short_form(text).with_statistic(statistic)
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors())
        raise InputError(f"KPI {text!r}: {problems}") from None


def _short_form(text: str) -> Kpi:
    kind, sep, arg = text.partition(":")
    if kind not in KINDS:
        raise InputError(
            f"未知的指标 {text!r} / unknown KPI {text!r}: use a metric-dictionary name or one of "
            "throughput_time, throughput_time:FROM>TO, waiting_time:ACTIVITY, case_share:ACTIVITY, "
            "completion_rate:ACTIVITY, churn:ACTIVITY, rework_rate, count"
        )
    fields: dict[str, Any] = {"name": text, "kind": kind}
    if kind == "throughput_time" and sep:
        src, gt, dst = arg.partition(">")
        if not gt or not src or not dst:
            raise InputError(f"KPI {text!r}: write throughput_time:FROM>TO (two activities)")
        fields |= {"from_activity": src, "to_activity": dst}
    elif sep and kind in _NEEDS_ACTIVITY:
        fields["activity"] = arg
    elif sep:
        raise InputError(f"KPI {text!r}: {kind} takes no activity")
    return Kpi.model_validate(fields)
