"""What the OpenAPI document says each route may answer besides success: one builder and
the sets of problems routes share, so every answer a route can give is declared."""

from __future__ import annotations

from typing import Any

from .schemas import Problem

Responses = dict[int | str, dict[str, Any]]


def problem_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"model": Problem, "description": description, **({"headers": headers} if headers else {})}


def merged(*parts: Responses) -> Responses:
    out: Responses = {}
    for part in parts:
        out |= part
    return dict(sorted(out.items(), key=lambda item: str(item[0])))


ALLOW = {"Allow": {"description": "The methods this path takes.", "schema": {"type": "string"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
ANY_ROUTE: Responses = {
    405: problem_response("The path does not take this method; `Allow` lists the ones it does.", ALLOW),
    413: problem_response(
        "The request body is over the byte limit (or, on /v1/check, the draft over its character limit)."
    ),
    500: problem_response("A bug; it has been logged without the request's content."),
}
AUTH_PROBLEMS: Responses = {
    401: problem_response(
        "No API key, or one that is unknown or revoked: send `Authorization: Bearer <key>`.",
        {"WWW-Authenticate": {"description": "Bearer.", "schema": {"type": "string"}}},
    ),
    403: problem_response("The key's role may not do this (agent, reviewer or admin)."),
    503: problem_response(
        "The store cannot check the key right now (down or starting); retry after `Retry-After` seconds.",
        RETRY_AFTER,
    ),
}
BODY_PROBLEMS: Responses = merged(
    ANY_ROUTE,
    AUTH_PROBLEMS,
    {
        415: problem_response(
            "The body is not plain JSON: another Content-Type, a charset other than UTF-8, "
            "or a Content-Encoding such as gzip."
        ),
        422: problem_response(
            "The body is not valid UTF-8 or not valid JSON, a field breaks the schema, the text is "
            "not Unicode, or the guide or a check is unknown; `errors` names each field at fault."
        ),
    },
)
CHECK_PROBLEMS: Responses = merged(
    BODY_PROBLEMS,
    {
        503: problem_response(
            "Too many drafts are being checked and this one would wait too long, or the store cannot check the "
            "key; retry after `Retry-After` seconds.",
            RETRY_AFTER,
        ),
    },
)
READ_PROBLEMS: Responses = merged(ANY_ROUTE, AUTH_PROBLEMS)
