"""The audit trail: who changed what, when, with the values before and after.

Rows are only ever inserted. Database triggers (see
:func:`opexflow.workspace.dialects.append_only_ddl`) refuse UPDATE and DELETE,
and no service or route offers either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.workspace.base import Base, utcnow


class AuditEntry(Base):
    """One change to the workspace."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None]
    project_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


def record(
    session: Session,
    *,
    actor_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    project_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry (in the caller's transaction: it lands with the change or not at all)."""
    entry = AuditEntry(
        actor_id=actor_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        project_id=project_id,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def history(
    session: Session,
    *,
    project_id: int | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The newest entries first, optionally for one project or one object."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if project_id is not None:
        query = query.where(AuditEntry.project_id == project_id)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(session.scalars(query))
