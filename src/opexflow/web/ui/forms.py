"""HTML forms for the project records, derived from the same field specs as the API."""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Text, inspect
from starlette.datastructures import FormData

from opexflow.errors import InputError
from opexflow.web.api.records import field_specs
from opexflow.web.errors import validation_errors
from opexflow.web.i18n import Lang
from opexflow.workspace.base import Record

# Fields picked from a list the page supplies (problems of the project, users).
CHOICE_FIELDS = {"problem_id", "user_id"}
# Lists of enum values shown as checkboxes.
MULTI_CHOICE = {"problem_types": ("efficiency", "quality", "collaboration", "risk")}
HIDDEN = {"evidence", "source"}


@dataclass(frozen=True)
class Widget:
    name: str
    kind: str  # text, textarea, number, integer, date, select, checkbox, lines, multi
    required: bool
    options: tuple[str, ...] = ()


def _base_type(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def widgets(table: type[Record]) -> list[Widget]:
    long_text = {c.key for c in inspect(table).columns if isinstance(c.type, Text)}
    result = []
    for spec in field_specs(table):
        if spec.name in HIDDEN:
            continue
        base = _base_type(spec.annotation)
        if spec.name in MULTI_CHOICE:
            result.append(Widget(spec.name, "multi", False, MULTI_CHOICE[spec.name]))
        elif spec.name in CHOICE_FIELDS:
            result.append(Widget(spec.name, "select", spec.required))
        elif isinstance(base, type) and issubclass(base, enum.Enum):
            result.append(Widget(spec.name, "select", spec.required, tuple(m.value for m in base)))
        elif base is bool:
            result.append(Widget(spec.name, "checkbox", False))
        elif base is int:
            result.append(Widget(spec.name, "integer", spec.required))
        elif base is float:
            result.append(Widget(spec.name, "number", spec.required))
        elif base is date:
            result.append(Widget(spec.name, "date", spec.required))
        elif typing.get_origin(base) is list:
            result.append(Widget(spec.name, "lines", False))
        else:
            result.append(
                Widget(spec.name, "textarea" if spec.name in long_text else "text", spec.required)
            )
    return result


def parse(
    form: FormData, table: type[Record], schema: type[BaseModel], lang: Lang, *, partial: bool
) -> dict[str, Any]:
    """Form fields -> validated values (raises InputError naming each bad field)."""
    raw: dict[str, Any] = {}
    for w in widgets(table):
        if w.kind == "multi":
            raw[w.name] = [v for v in form.getlist(w.name) if isinstance(v, str)]
        elif w.kind == "checkbox":
            raw[w.name] = w.name in form
        elif w.kind == "lines":
            text = form.get(w.name)
            raw[w.name] = [line.strip() for line in str(text or "").splitlines() if line.strip()]
        else:
            value = form.get(w.name)
            text = value.strip() if isinstance(value, str) else ""
            if text:
                raw[w.name] = text
            elif partial and not w.required:
                # An emptied field clears the value; on create the default applies.
                raw[w.name] = "" if w.kind in ("text", "textarea") else None
    if partial:
        raw["version"] = form.get("version")
    try:
        model = schema.model_validate(raw)
    except ValidationError as exc:
        raise InputError(
            "输入有误" if lang == "zh" else "invalid input",
            errors=validation_errors(exc.errors(), lang),
        ) from None
    values = model.model_dump(exclude_unset=partial)
    return {k: v for k, v in values.items() if v is not None or k in raw}
