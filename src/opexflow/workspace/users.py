"""Departments, users, roles, passwords (argon2) and personal API tokens."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from opexflow.workspace import audit
from opexflow.workspace.base import Record, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD = 8


class Role(enum.StrEnum):
    """What a user may do across the workspace (admin) or by default in projects."""

    admin = "admin"
    leader = "leader"
    member = "member"
    reviewer = "reviewer"
    viewer = "viewer"


class Department(Record):
    __tablename__ = "departments"

    name: Mapped[str] = mapped_column(String(120), unique=True)


class User(Record):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(default=Role.member)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(default=True)
    lang: Mapped[str] = mapped_column(String(5), default="zh")

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin


class ApiToken(Record):
    """A personal token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD}",
            errors=[{"field": "password", "message": f"at least {MIN_PASSWORD} characters"}],
        )


def department(session: Session, name: str, *, create: bool = True) -> Department:
    """The department called ``name`` (created when missing and ``create``)."""
    found = session.scalar(select(Department).where(Department.name == name))
    if found is not None:
        return found
    if not create:
        raise NotFoundError(f"no department {name!r}")
    dep = Department(name=name)
    session.add(dep)
    session.flush()
    return dep


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str | None = None,
    role: Role | str = Role.member,
    department_name: str | None = None,
    actor: User | None = None,
) -> User:
    """Add a user; the password is stored as an argon2 hash."""
    username = username.strip()
    if not username:
        raise InputError(
            "the user name is empty", errors=[{"field": "username", "message": "required"}]
        )
    _check_password(password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"the user name {username!r} is taken; choose another")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"role {role!r}: use one of {', '.join(r.value for r in Role)}") from None
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=role,
        department_id=department(session, department_name).id if department_name else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action="create",
        entity="users",
        entity_id=user.id,
        after={"username": username, "role": role.value},
    )
    return user


def set_password(session: Session, *, user: User, password: str, actor: User | None = None) -> None:
    """Replace a user's password."""
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id if actor else user.id,
        actor=actor.username if actor else user.username,
        action="set_password",
        entity="users",
        entity_id=user.id,
    )


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The active user with this name and password, or AuthenticationError."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        # Hash anyway so that a missing user takes as long as a wrong password.
        _hasher.hash(password)
        raise AuthenticationError("wrong user name or password")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationError("wrong user name or password") from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, *, user: User, name: str, days: int | None = 365
) -> tuple[ApiToken, str]:
    """A new API token; the plain token is returned once and never stored."""
    plain = "oxf_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_token_hash(plain),
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        actor=user.username,
        action="create",
        entity="api_tokens",
        entity_id=token.id,
        after={"name": name},
    )
    return token, plain


def user_for_token(session: Session, plain: str) -> User:
    """The user a Bearer token belongs to, or AuthenticationError."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(plain)))
    now = utcnow()
    if token is None or token.revoked or (token.expires_at and token.expires_at < now):
        raise AuthenticationError("the API token is unknown, revoked or expired; create a new one")
    user = get_user(session, token.user_id)
    if not user.active:
        raise AuthenticationError("the token's user is deactivated")
    return user
