"""Logging in and out, the current user, personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from opexflow.errors import AuthenticationError
from opexflow.web.deps import AuthDep, CurrentUser, SessionDep
from opexflow.web.security import COOKIE, LoginLimiter, Sessions
from opexflow.workspace.users import User, authenticate, create_token

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class UserRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    username: str
    display_name: str
    role: str
    lang: str


class LoginOut(BaseModel):
    ok: bool = True
    user: UserRead
    csrf_token: str


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    days: int | None = Field(365, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    name: str
    token: str = Field(description="Shown once; send it as `Authorization: Bearer <token>`.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def log_in(
    request: Request, response: Response, session: SessionDep, username: str, password: str
) -> tuple[User, str]:
    """Check the password (rate-limited), set the session cookie; returns user and CSRF token."""
    limiter: LoginLimiter = request.app.state.limiter
    address = client_address(request)
    limiter.check(username, address)
    try:
        user = authenticate(session, username=username, password=password)
    except AuthenticationError:
        limiter.failed(username, address)
        raise
    limiter.succeeded(username)
    sessions: Sessions = request.app.state.sessions
    cookie = sessions.issue(user.id, user.password_hash)
    data = sessions.read(cookie)
    assert data is not None
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=sessions.max_age_s,
        httponly=True,
        samesite="lax",
        secure=not request.app.state.settings.web.development,
    )
    return user, sessions.csrf_token(data.nonce)


@router.post("/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response, session: SessionDep) -> LoginOut:
    """Log in with user name and password; sets the session cookie."""
    user, csrf = log_in(request, response, session, body.username, body.password)
    return LoginOut(user=UserRead.model_validate(user), csrf_token=csrf)


@router.post("/logout")
def logout(response: Response, auth: AuthDep) -> dict[str, bool]:
    """End the session (clears the cookie)."""
    del auth
    response.delete_cookie(COOKIE)
    return {"ok": True}


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> User:
    """The logged-in user."""
    return user


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_api_token(body: TokenIn, session: SessionDep, user: CurrentUser) -> TokenOut:
    """A personal API token for scripts; the token is shown only in this response."""
    token, plain = create_token(session, user=user, name=body.name, days=body.days)
    return TokenOut(id=token.id, name=token.name, token=plain)
