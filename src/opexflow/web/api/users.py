"""Users (admins manage them; everyone may list names to pick team members)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from opexflow.web.api.auth import UserRead
from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace.access import require_workspace
from opexflow.workspace.users import Role, User, create_user, list_users

router = APIRouter(prefix="/users", tags=["users"])


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=8, max_length=200)
    display_name: str | None = Field(None, max_length=120)
    role: Role = Role.member
    department: str | None = Field(None, max_length=120)


@router.get("", response_model=list[UserRead])
def list_all_users(session: SessionDep, user: CurrentUser) -> list[User]:
    """Every user (names and roles, no secrets)."""
    del user
    return list_users(session)


@router.post("", response_model=UserRead, status_code=201)
def create_new_user(body: UserCreate, session: SessionDep, user: CurrentUser) -> User:
    """Add a user (admins only)."""
    require_workspace(user)
    return create_user(
        session,
        username=body.username,
        password=body.password,
        display_name=body.display_name,
        role=body.role,
        department_name=body.department,
        actor=user,
    )
