"""The UI's words in zh-CN and en, and how a request's language is chosen.

The language is the ``opexflow_lang`` cookie when set (the switch in the
header sets it), else the user's preference, else ``Accept-Language``,
else zh. Numbers and dates are formatted with Babel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from starlette.requests import Request

from opexflow.web.security import LANG_COOKIE
from opexflow.web.words import AUDIT, FIELDS, VALUES, WORDS

Lang = Literal["zh", "en"]
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


def request_lang(request: Request, preferred: str | None = None) -> Lang:
    cookie = request.cookies.get(LANG_COOKIE)
    for candidate in (cookie, preferred):
        if candidate in ("zh", "en"):
            return candidate  # type: ignore[return-value]
    accept = request.headers.get("accept-language", "").lower()
    if accept.startswith("en"):
        return "en"
    return "zh"


def translator(lang: Lang, table: dict[str, tuple[str, str]] = WORDS) -> Callable[..., str]:
    """``t(key, **values)`` in ``lang``; an unknown key shows as itself."""
    index = 0 if lang == "zh" else 1

    def t(key: object, **values: object) -> str:
        pair = table.get(str(key))
        text = str(key) if pair is None else pair[index]
        return text.format(**values) if values else text

    return t


def words(lang: Lang) -> dict[str, Callable[..., str]]:
    """The three translators templates use: ``t`` (words), ``tf`` (field labels), ``tv`` (values)."""
    return {
        "t": translator(lang),
        "tf": translator(lang, FIELDS),
        "tv": translator(lang, VALUES),
        "ta": translator(lang, AUDIT),
    }


def fmt_number(value: float | int | None, lang: Lang, digits: int = 1) -> str:
    if value is None:
        return "—"
    return format_decimal(round(value, digits), locale=LOCALES[lang])


def fmt_date(value: date | datetime | None, lang: Lang, tz: str = "Asia/Shanghai") -> str:
    """A date, or a time shown in the workspace's zone (stored times are UTC)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm", tzinfo=ZoneInfo(tz), locale=LOCALES[lang])
    return format_date(value, "yyyy-MM-dd", locale=LOCALES[lang])
