"""The one place where errors become responses.

``/api/v1`` gets the JSON body ``{"ok": false, "error", "errors", "status",
"code"}``; the UI gets an HTML fragment for htmx requests, a redirect to the
login page when not logged in, or an error page.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from opexflow.errors import InputError, OpexflowError
from opexflow.web.i18n import Lang, request_lang, words

API_PREFIX = "/api/v1"

# Pydantic error types -> (zh, en) messages.
_VALIDATION: dict[str, tuple[str, str]] = {
    "missing": ("必填", "required"),
    "string_too_short": ("不能为空", "must not be empty"),
    "string_too_long": ("太长", "too long"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_type": ("应为整数", "must be a whole number"),
    "float_parsing": ("应为数字", "must be a number"),
    "float_type": ("应为数字", "must be a number"),
    "bool_parsing": ("应为是/否", "must be true or false"),
    "date_parsing": ("日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"),
    "date_from_datetime_parsing": ("日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"),
    "enum": ("取值应为:{expected}", "must be one of: {expected}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "list_type": ("应为列表", "must be a list"),
    "json_invalid": ("请求体不是合法的 JSON", "the body is not valid JSON"),
    "model_attributes_type": ("请求体应为对象", "the body must be an object"),
    "dict_type": ("请求体应为对象", "the body must be an object"),
    "extra_forbidden": ("不认识的字段", "unknown field"),
}


def validation_errors(errors: Any, lang: Lang) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        pair = _VALIDATION.get(err.get("type", ""))
        if pair is None:
            message = str(err.get("msg", "invalid"))
        else:
            ctx = err.get("ctx") or {}
            message = pair[0 if lang == "zh" else 1].format(**{k: str(v) for k, v in ctx.items()})
        result.append({"field": ".".join(loc) or "body", "message": message})
    return result


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _html_error(
    request: Request, status: int, message: str, errors: list[dict[str, object]]
) -> Response:
    lang = request_lang(request)
    if status == 401 and request.method == "GET" and "hx-request" not in request.headers:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    templates = request.app.state.templates
    name = "_error.html" if "hx-request" in request.headers else "error.html"
    response: Response = templates.TemplateResponse(
        request,
        name,
        {
            "status": status,
            "message": message,
            "errors": errors,
            "lang": lang,
            "user": None,
            "csrf": "",
            **words(lang),
        },
        status_code=status,
    )
    if "hx-request" in request.headers:
        # Show the error where the page keeps its messages, whatever the target was.
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


log = logging.getLogger("opexflow.web")


def install(app: FastAPI) -> None:
    @app.exception_handler(OpexflowError)
    async def _opexflow(request: Request, exc: OpexflowError) -> Response:
        if _wants_json(request):
            return JSONResponse(exc.to_dict(), status_code=exc.status)
        lang = request_lang(request)
        message = exc.message_zh if lang == "zh" and exc.message_zh else str(exc)
        return _html_error(request, exc.status, message, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        lang = request_lang(request)
        errors = validation_errors(exc.errors(), lang)
        message = "输入有误" if lang == "zh" else "invalid input"
        if _wants_json(request):
            body = {
                "ok": False,
                "error": message,
                "errors": errors,
                "status": 422,
                "code": "invalid_input",
            }
            return JSONResponse(body, status_code=422)
        return _html_error(request, 422, message, errors)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # An id or a number larger than the database stores: bad input, not a bug.
        del exc
        error = InputError(
            "a number in the request is larger than the workspace can store; check ids and amounts",
            message_zh="请求中的数字超出了可存储的范围,请检查编号和数值",
        )
        return await _opexflow(request, error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # A bug: log it for us, and tell the user plainly without a traceback.
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        lang = request_lang(request)
        message = (
            "服务器内部错误,已记录日志;请稍后重试或联系管理员"
            if lang == "zh"
            else "internal error, logged on the server; try again or tell your admin"
        )
        if _wants_json(request):
            body = {"ok": False, "error": message, "errors": [], "status": 500, "code": "internal"}
            return JSONResponse(body, status_code=500)
        return _html_error(request, 500, message, [])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if _wants_json(request):
            body = {
                "ok": False,
                "error": message,
                "errors": [],
                "status": exc.status_code,
                "code": "http",
            }
            return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 404:
            return HTMLResponse(_not_found(request_lang(request)), status_code=404)
        return _html_error(request, exc.status_code, message, [])


def _not_found(lang: Lang) -> str:
    text = "页面不存在" if lang == "zh" else "Page not found"
    return f"<!doctype html><meta charset='utf-8'><title>404</title><p>{text}. <a href='/'>opexflow</a></p>"
