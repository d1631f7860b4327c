"""Audited changes: every insert, update and delete of a workspace record.

Domain services call these three functions instead of touching the session
directly, so that each change lands together with its audit entry and a
stale update (the object changed since the caller read it) becomes a
:class:`~opexflow.errors.ConflictError` that overwrites nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from opexflow.errors import ConflictError, InputError
from opexflow.workspace import audit
from opexflow.workspace.base import Record, jsonable
from opexflow.workspace.users import User

R = TypeVar("R", bound=Record)
_BOOKKEEPING = {"created_at", "updated_at", "version"}


def snapshot(obj: Record) -> dict[str, Any]:
    """The record's column values as JSON (bookkeeping columns left out)."""
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in _BOOKKEEPING
    }


def _project_id(obj: Record) -> int | None:
    if obj.__tablename__ == "projects":
        return obj.id
    value = getattr(obj, "project_id", None)
    return value if isinstance(value, int) else None


def _flush(session: Session, obj: Record) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(
            f"{obj.__tablename__} {obj.id} was changed by someone else; reload it and try again"
        ) from None
    except IntegrityError as exc:
        raise ConflictError(
            f"{obj.__tablename__}: the change conflicts with existing data "
            f"(a name already taken, or a reference to a missing object): {exc.orig}"
        ) from None


def add(session: Session, obj: R, *, actor: User | None) -> R:
    """Insert ``obj`` and record it."""
    session.add(obj)
    _flush(session, obj)
    _log(session, obj, actor, "create", None, snapshot(obj))
    return obj


def update(
    session: Session,
    obj: R,
    *,
    actor: User | None,
    expected_version: int | None = None,
    **values: Any,
) -> R:
    """Set ``values`` on ``obj``; refuse when ``expected_version`` is stale."""
    if expected_version is not None and expected_version != obj.version:
        raise ConflictError(
            f"{obj.__tablename__} {obj.id} is at version {obj.version}, not {expected_version}: "
            "someone changed it since you read it; reload it and apply your change again"
        )
    columns = {a.key for a in inspect(obj).mapper.column_attrs} - _BOOKKEEPING - {"id"}
    unknown = sorted(set(values) - columns)
    if unknown:
        raise InputError(f"{obj.__tablename__} has no field {', '.join(unknown)}")
    before = snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    _flush(session, obj)
    after = snapshot(obj)
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        _log(
            session,
            obj,
            actor,
            "update",
            {k: before.get(k) for k in changed},
            {k: after[k] for k in changed},
        )
    return obj


def remove(session: Session, obj: Record, *, actor: User | None) -> None:
    """Delete ``obj`` and record what it held."""
    before = snapshot(obj)
    session.delete(obj)
    _flush(session, obj)
    _log(session, obj, actor, "delete", before, None)


def _log(
    session: Session,
    obj: Record,
    actor: User | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        entity=obj.__tablename__,
        entity_id=obj.id,
        project_id=_project_id(obj),
        before=before,
        after=after,
    )
