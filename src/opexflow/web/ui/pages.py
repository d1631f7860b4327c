"""Rendering a page: the template context every page shares."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opexflow.web.deps import Auth
from opexflow.web.i18n import Lang, request_lang, words


def render(
    request: Request,
    template: str,
    auth: Auth | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the language, translators, user and CSRF token."""
    user = auth.user if auth else None
    lang: Lang = request_lang(request, user.lang if user else None)
    csrf = ""
    if auth is not None and auth.nonce is not None:
        csrf = request.app.state.sessions.csrf_token(auth.nonce)
    base = {"lang": lang, "user": user, "csrf": csrf, **words(lang)}
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    return response


def redirect(request: Request, url: str) -> Response:
    """Go to ``url``: an htmx request is told with HX-Redirect, a form post with 303."""
    if "hx-request" in request.headers:
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
