"""Who may do what: one place for every permission decision.

Workspace roles (``User.role``): an admin may do everything; a leader may
also create projects and processes; a viewer changes nothing anywhere.
Project roles (``Membership.role``): only members see a project; its
leader moves phases and manages members; members edit; reviewers read and
review; viewers read.
"""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.errors import NotFoundError, PermissionDeniedError
from opexflow.workspace.base import Record
from opexflow.workspace.users import Role, User


class ProjectRole(enum.StrEnum):
    leader = "leader"
    member = "member"
    reviewer = "reviewer"
    viewer = "viewer"


class Action(enum.StrEnum):
    read = "read"
    edit = "edit"
    review = "review"
    lead = "lead"


ALLOWED: dict[ProjectRole, frozenset[Action]] = {
    ProjectRole.leader: frozenset(Action),
    ProjectRole.member: frozenset({Action.read, Action.edit}),
    ProjectRole.reviewer: frozenset({Action.read, Action.review}),
    ProjectRole.viewer: frozenset({Action.read}),
}

_ACTION_TEXT = {
    Action.read: ("查看", "see"),
    Action.edit: ("修改", "change"),
    Action.review: ("评审", "review"),
    Action.lead: ("以组长身份操作", "lead"),
}


class Membership(Record):
    """A user's role in one project."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[ProjectRole]


def project_role(session: Session, user: User, project_id: int) -> ProjectRole | None:
    """The user's role in the project (admins lead every project), or None."""
    if user.is_admin:
        return ProjectRole.leader
    role = session.scalar(
        select(Membership.role).where(
            Membership.project_id == project_id, Membership.user_id == user.id
        )
    )
    if role is None:
        return None
    # A workspace viewer stays read-only whatever their project role says.
    return ProjectRole.viewer if user.role is Role.viewer else role


def require(session: Session, user: User, project_id: int, action: Action) -> ProjectRole:
    """Raise unless ``user`` may do ``action`` in the project.

    A non-member gets NotFoundError, so that projects they may not see stay
    invisible rather than confirmed to exist.
    """
    role = project_role(session, user, project_id)
    if role is None:
        raise NotFoundError(f"no project with id {project_id}")
    if action not in ALLOWED[role]:
        zh, en = _ACTION_TEXT[action]
        raise PermissionDeniedError(
            f"your role in this project is {role.value}, which may not {en} it "
            f"(角色 {role.value} 无权{zh}); ask the project leader"
        )
    return role


def require_workspace(user: User, *roles: Role) -> None:
    """Raise unless the user has one of the workspace ``roles`` (admins always pass)."""
    if user.is_admin or user.role in roles:
        return
    wanted = ", ".join(r.value for r in (Role.admin, *roles))
    raise PermissionDeniedError(
        f"this needs the workspace role {wanted}; you are {user.role.value} — ask an admin"
    )


def visible_project_ids(session: Session, user: User) -> list[int] | None:
    """Ids of the projects the user may see; None means all (admin)."""
    if user.is_admin:
        return None
    return list(session.scalars(select(Membership.project_id).where(Membership.user_id == user.id)))
