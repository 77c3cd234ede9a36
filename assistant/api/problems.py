"""Every error as application/problem+json (RFC 9457), with a detail that says what to do.

One title per status. No error repeats a submitted value (drafts, names and ids carry
customers' data): validation errors name the field and the rule, unknown names list the
known ones, and unknown keys are reported as such, never quoted."""

from __future__ import annotations

import logging
import re
import types
import typing
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..checking import NOT_UNICODE, DraftRefused, DraftTooLong
from ..gate import IdempotencyMismatch
from ..guide import UnknownGuide
from ..pipeline import UnknownCheck
from ..store import OverrideRefused, SendConflict, StoreDown

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
STORE_RETRY = 2  # seconds
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid request",
    431: "Request header fields too large",
    500: "Internal error",
    503: "Service busy",
}


class ProblemError(Exception):
    """Raised by the API layer for an answer that is not a domain refusal (415, 503...)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers, extra


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        body_model = _body_model(request)
        errors = [_describe(error, body_model) for error in exc.errors()]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, summary, errors=errors)

    @app.exception_handler(DraftRefused)
    async def refused(request: Request, exc: DraftRefused) -> JSONResponse:
        if isinstance(exc, DraftTooLong):
            return problem(413, str(exc))
        return problem(422, str(exc), errors=[{"field": exc.field, "message": exc.reason}])

    @app.exception_handler(UnknownGuide)
    @app.exception_handler(UnknownCheck)
    async def unknown_name(request: Request, exc: LookupError) -> JSONResponse:
        field = "guide" if isinstance(exc, UnknownGuide) else "checks"
        return problem(422, f"{field}: {exc}", errors=[{"field": field, "message": str(exc)}])

    @app.exception_handler(StoreDown)
    async def store_down(request: Request, exc: StoreDown) -> JSONResponse:
        log.warning("store down on %s %s: %s", request.method, request.url.path, exc)
        detail = f"The store is not answering right now; nothing was recorded. Try again in {STORE_RETRY} s."
        return problem(503, detail, {"Retry-After": str(STORE_RETRY)})

    @app.exception_handler(IdempotencyMismatch)
    async def idempotency(request: Request, exc: IdempotencyMismatch) -> JSONResponse:
        return problem(422, str(exc), errors=[{"field": "Idempotency-Key", "message": str(exc)}])

    @app.exception_handler(SendConflict)
    async def conflict(request: Request, exc: SendConflict) -> JSONResponse:
        return problem(409, str(exc))

    @app.exception_handler(OverrideRefused)
    async def override_refused(request: Request, exc: OverrideRefused) -> JSONResponse:
        ids = exc.missing or exc.unknown
        detail = f"{exc} ({', '.join(ids)})."
        return problem(422, detail, errors=[{"field": "findings", "message": detail}])

    @app.exception_handler(ProblemError)
    async def api_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem(exc.status, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            detail = "No such endpoint; the API is described at /docs and /openapi.json."
        elif exc.status_code == 405:
            headers["Allow"] = allowed_methods(request.app, request.url.path) or headers.get("Allow", "")
            detail = f"This endpoint does not take {request.method}; it takes: {headers['Allow'] or 'see /docs'}."
        else:
            detail = str(exc.detail)
        return problem(exc.status_code, detail, headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem(500, "Tactful hit an unexpected error; it has been logged. Try again.")


def allowed_methods(app: FastAPI, path: str) -> str:
    """Every method the OpenAPI document declares for `path`: where two routes share a
    shape (`/v1/templates/suggest`, `/v1/templates/{template_id}`) the router alone
    would name only the first one's."""
    if not hasattr(app.state, "path_patterns"):
        app.state.path_patterns = [
            (re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"), sorted(ops))
            for template, ops in app.openapi().get("paths", {}).items()
        ]
    methods = {m.upper() for pattern, ops in app.state.path_patterns if pattern.match(path) for m in ops}
    return ", ".join(sorted(methods))


def document(openapi: dict[str, Any]) -> dict[str, Any]:
    """Errors are problem+json in the OpenAPI document too (FastAPI writes application/json)."""
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
    return openapi


def _describe(error: dict, body_model: type[BaseModel] | None) -> dict[str, str]:
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "")
        return {"field": "body", "message": f"not valid JSON ({reason})".replace(" ()", "")}
    loc = [part for part in error["loc"] if part != "body"]
    if error["type"] == "string_unicode":  # pydantic's words for a lone surrogate
        return {"field": _path(loc), "message": NOT_UNICODE}
    if error["type"] == "extra_forbidden":  # the last part is the submitted key: never repeat it
        parent = loc[:-1]
        allowed = _fields_at(body_model, parent)
        known = f"; the fields allowed here are: {', '.join(allowed)}" if allowed else ""
        return {"field": _path(parent), "message": f"unknown field{known}"}
    return {"field": _path(loc), "message": error["msg"]}


def _path(loc: list) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _body_model(request: Request) -> type[BaseModel] | None:
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    annotation = getattr(getattr(field, "field_info", None), "annotation", None)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _fields_at(model: type[BaseModel] | None, loc: list) -> list[str]:
    """The field names of the model found at `loc` inside `model` (list indexes skipped)."""
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = _model_in(field.annotation) if field else None
    return sorted(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None
