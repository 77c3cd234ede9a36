"""Every error as application/problem+json (RFC 9457), with a detail that says what to do.

Validation errors never echo the submitted values: drafts carry customers' data."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..pipeline import UnknownCheck, UnknownGuide

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_describe(error) for error in exc.errors()]
        summary = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
        return problem(422, "Invalid request", summary, errors=errors)

    @app.exception_handler(UnknownGuide)
    @app.exception_handler(UnknownCheck)
    async def unknown_name(request: Request, exc: LookupError) -> JSONResponse:
        return problem(422, "Invalid request", str(exc.args[0]))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem(500, "Internal error", "Tactful hit an unexpected error; it has been logged. Try again.")


def _describe(error: dict) -> dict[str, str]:
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "")
        return {"field": "body", "message": f"not valid JSON ({reason})".replace(" ()", "")}
    field = ".".join(str(part) for part in error["loc"] if part != "body")
    return {"field": field, "message": error["msg"]}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
