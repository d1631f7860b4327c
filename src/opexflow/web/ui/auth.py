"""Login, logout and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from opexflow.errors import AuthenticationError, RateLimitError
from opexflow.web.api.auth import log_in
from opexflow.web.deps import AuthDep, SessionDep
from opexflow.web.security import COOKIE, LANG_COOKIE
from opexflow.web.ui.pages import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only redirect inside this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    try:
        log_in(request, response, session, username, password)
    except (AuthenticationError, RateLimitError) as exc:
        return render(
            request, "login.html", None, status_code=exc.status, next=_safe_next(next), error=exc
        )
    return response


@router.post("/logout")
def logout_submit(auth: AuthDep) -> Response:
    del auth
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request) -> Response:
    back = request.headers.get("referer") or "/"
    response = RedirectResponse(
        back if back.startswith(str(request.base_url)) else "/", status_code=303
    )
    if lang in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
