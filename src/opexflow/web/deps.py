"""FastAPI dependencies: the database session, the logged-in user, the language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from opexflow.errors import AuthenticationError, PermissionDeniedError
from opexflow.web.i18n import Lang, request_lang
from opexflow.web.security import COOKIE, Sessions, fingerprint
from opexflow.workspace.users import User, user_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on any error."""
    with request.app.state.db.session() as session:
        yield session


# scope="function": the transaction commits before the response is sent, so a
# client that follows a redirect at once sees what the request wrote.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True)
class Auth:
    user: User
    via: Literal["cookie", "token"]
    nonce: str | None


def _sessions(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


async def _csrf_token(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def get_auth(request: Request, session: SessionDep) -> Auth:
    """The caller: a Bearer API token, or the session cookie (with CSRF on changes)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return Auth(user_for_token(session, header[7:].strip()), "token", None)
    data = _sessions(request).read(request.cookies.get(COOKIE))
    if data is None:
        raise AuthenticationError("log in first (请先登录)")
    user = session.get(User, data.user_id)
    if user is None or not user.active or fingerprint(user.password_hash) != data.fingerprint:
        raise AuthenticationError("your session has ended; log in again (会话已失效,请重新登录)")
    if request.method not in SAFE_METHODS and not _sessions(request).csrf_ok(
        data.nonce, await _csrf_token(request)
    ):
        raise PermissionDeniedError(
            "the form's security token is missing or out of date; reload the page and try again "
            "(安全令牌缺失或已过期,请刷新页面后重试)"
        )
    return Auth(user, "cookie", data.nonce)


AuthDep = Annotated[Auth, Depends(get_auth)]


def get_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_user)]


def get_lang(request: Request) -> Lang:
    return request_lang(request)


LangDep = Annotated[Lang, Depends(get_lang)]
