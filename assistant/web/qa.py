"""The reviewers' pages, `GET /qa`: server-rendered Jinja2 over the same QA use cases as
the `/v1/audit` routes, HTML first (forms work without JavaScript; none is needed).

Login with a reviewer (or admin) key opens a session kept in the store; its cookie is
HttpOnly, Secure, SameSite=Strict and scoped to /qa, it expires after
TACTFUL_QA_SESSION_MINUTES, and logging out ends it. Every form that changes something
is a POST carrying the session's CSRF token (the login form a token of its own,
double-submitted in a cookie); the filter forms are GETs that change nothing."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..criteria import criteria
from ..model import Channel, Verdict
from ..qa import records
from ..qa.aggregates import GroupBy
from ..qa.charts import bar_chart, line_chart
from ..qa.highlight import highlighted
from ..qa.reviews import ReviewRefused, ScorecardChanged, scorecard_for, submit
from ..services import Services
from ..store import AuditFilter, QaSession, Role, StoreDown

HERE = Path(__file__).parent
COOKIE, LOGIN_COOKIE = "tactful_qa", "tactful_qa_login"
PAGE = 25
SLA_STATES = ("ok", "at_risk", "breached", "paused", "answered")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
router = APIRouter(include_in_schema=False)
_pages = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


class NotLoggedIn(Exception):
    pass


def _services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(_services)]


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = _pages.get_template(name).render(**values)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/qa", secure=True, httponly=True, samesite="strict")


async def _session(request: Request, services: ServicesDep) -> QaSession:
    token = request.cookies.get(COOKIE)
    found = await run_in_threadpool(services.store.qa_sessions.get, token) if token else None
    if found is None:
        raise NotLoggedIn()
    return found


SessionDep = Annotated[QaSession, Depends(_session)]


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {key: values[-1] for key, values in parse_qs(body, keep_blank_values=True).items()}


def _csrf_ok(session: QaSession, form: dict[str, str]) -> bool:
    return hmac.compare_digest(form.get("csrf", ""), session.csrf)


def login_redirect() -> RedirectResponse:
    return RedirectResponse("/qa/login", status_code=303, headers=HEADERS)


# -- login and logout -------------------------------------------------------------
@router.get("/qa/login")
async def login_page(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = _page("qa/login.html", csrf=token, error=None)
    _cookie(response, LOGIN_COOKIE, token, 600)
    return response


@router.post("/qa/login")
async def login(request: Request, services: ServicesDep) -> Response:
    form = await _form(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(form.get("csrf", ""), expected):
        return _page("qa/login.html", 400, csrf=expected, error="The form expired: log in again.")
    try:
        principal = await run_in_threadpool(services.store.keys.authenticate, form.get("key", "").strip())
    except StoreDown:
        return _page("qa/login.html", 503, csrf=expected, error="The store is not answering; try again shortly.")
    if principal is None or not principal.may(Role.reviewer):
        return _page("qa/login.html", 401, csrf=expected, error="That is not a reviewer key of any organisation.")
    lifetime = timedelta(minutes=services.settings.qa_session_minutes)
    token, _ = await run_in_threadpool(services.store.qa_sessions.open, principal, lifetime)
    response = RedirectResponse("/qa", status_code=303, headers=HEADERS)
    _cookie(response, COOKIE, token, int(lifetime.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/qa", secure=True, httponly=True, samesite="strict")
    return response


@router.post("/qa/logout")
async def logout(request: Request, services: ServicesDep, session: SessionDep) -> Response:
    if not _csrf_ok(session, await _form(request)):
        return _page("qa/error.html", 400, session=session, message="The form expired: reload the page.")
    await run_in_threadpool(services.store.qa_sessions.close, request.cookies.get(COOKIE, ""))
    response = login_redirect()
    response.delete_cookie(COOKIE, path="/qa", secure=True, httponly=True, samesite="strict")
    return response


# -- the list, a record, the aggregates -------------------------------------------
def _filter(request: Request) -> tuple[AuditFilter, dict[str, str]]:
    """The filter form's values (empty ones dropped) and the AuditFilter they make."""
    given = {k: v.strip() for k, v in request.query_params.items() if v.strip() and "\x00" not in v}
    overridden = {"yes": True, "no": False}.get(given.get("overridden", ""))
    return (
        AuditFilter(
            agent=given.get("agent"),
            team=given.get("team"),
            channel=given.get("channel") if given.get("channel") in set(Channel) else None,
            verdict=given.get("verdict") if given.get("verdict") in set(Verdict) else None,
            rule=given.get("rule"),
            overridden=overridden,
            sla_state=given.get("sla_state") if given.get("sla_state") in SLA_STATES else None,
            since=_day(given.get("since")),
            until=_day(given.get("until"), next_day=True),
            source=given.get("source") if given.get("source") in ("gate", "import") else None,
        ),
        {k: v for k, v in given.items() if k not in ("cursor", "by")},
    )


def _day(value: str | None, next_day: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(value) if value else None
        return datetime.combine(day + timedelta(days=1 if next_day else 0), time(), tzinfo=UTC) if day else None
    except (ValueError, OverflowError):  # not a date, or the day after 9999-12-31
        return None


def _choices() -> dict[str, Any]:
    return {"channels": [c.value for c in Channel], "verdicts": [v.value for v in Verdict], "sla_states": SLA_STATES}


@router.get("/qa")
async def list_page(request: Request, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    where, given = _filter(request)
    cursor = request.query_params.get("cursor") or None
    found, next_cursor = await run_in_threadpool(
        records.page, services.store, services.pipeline.guides, session.principal.organisation, where, PAGE, cursor
    )
    older = f"/qa?{urlencode(given | {'cursor': next_cursor})}" if next_cursor else None
    return _page(
        "qa/list.html", session=session, rows=found, given=given, older=older, query=urlencode(given), **_choices()
    )


@router.get("/qa/records/{send_id}")
async def record_page(send_id: str, request: Request, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    record = await run_in_threadpool(services.store.sends.get, session.principal.organisation, send_id[:100])
    if record is None:
        return _page("qa/error.html", 404, session=session, message="No record of your organisation has this id.")
    auto, reviews = await run_in_threadpool(records.record_reviews, services.store, services.pipeline.guides, record)
    card = scorecard_for(services.pipeline.guides, record.guide_id)
    return _page(
        "qa/record.html",
        session=session,
        record=record,
        card=card,
        auto=auto,
        reviews=reviews,
        criteria=criteria(),
        text=highlighted(record.text or "", record.report.get("findings", [])),
        saved=request.query_params.get("saved") == "1",
        error=None,
    )


@router.post("/qa/records/{send_id}/reviews")
async def review(send_id: str, request: Request, services: ServicesDep, session: SessionDep) -> Response:
    form = await _form(request)
    if not _csrf_ok(session, form):
        return _page("qa/error.html", 400, session=session, message="The form expired: reload the record.")
    record = await run_in_threadpool(services.store.sends.get, session.principal.organisation, send_id[:100])
    if record is None:
        return _page("qa/error.html", 404, session=session, message="No record of your organisation has this id.")
    card = scorecard_for(services.pipeline.guides, record.guide_id)
    scores = {key: _score(form.get(f"score-{key}", "")) for key in card.items}
    comments = {key: form.get(f"comment-{key}", "")[:4000] for key in card.items}
    try:
        await run_in_threadpool(
            lambda: submit(
                services.store,
                services.pipeline.guides,
                session.principal,
                records.scoreable(record),
                scores=scores,
                comments=comments,
                comment=form.get("comment", "")[:4000],
                reviewer=form.get("reviewer", "").strip()[:200] or session.principal.key_id,
                version=form.get("scorecard_version") or None,
            )
        )
    except (ReviewRefused, ScorecardChanged) as exc:
        return _page("qa/error.html", 422, session=session, message=str(exc))
    return RedirectResponse(f"/qa/records/{record.id}?saved=1#reviews", status_code=303, headers=HEADERS)


def _score(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@router.get("/qa/aggregates")
async def aggregates_page(request: Request, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    where, given = _filter(request)
    asked = request.query_params.get("by", "agent")
    by: GroupBy = asked if asked in ("agent", "team", "channel", "week") else "agent"  # type: ignore[assignment]
    guides, org = services.pipeline.guides, session.principal.organisation
    found = await run_in_threadpool(records.aggregates, services.store, guides, org, where, by)
    weekly = await run_in_threadpool(records.weekly, services.store, guides, org, where)
    charts = [
        line_chart("chart-rules", "Top rules: replies they fired on, by week", weekly.weeks, weekly.top_rules),
        line_chart(
            "chart-overrides", "Override rate of blocked replies, by week", weekly.weeks,
            {"override rate": weekly.override_rate}, unit="%", top=100,
        ),
        line_chart("chart-sla", "SLA breaches, by week", weekly.weeks, {"breaches": weekly.sla_breaches}),
        line_chart(
            "chart-items", "Average automatic score per item, by week", weekly.weeks, weekly.items, unit="%", top=100
        ),
        bar_chart(
            "chart-rule-bars", "Rules that fired most (replies)", [(r.rule, r.fired) for r in found["rules"][:10]]
        ),
    ]  # fmt: skip
    return _page(
        "qa/aggregates.html",
        session=session,
        found=found,
        by=by,
        charts=charts,
        given=given,
        query=urlencode(given),
        **_choices(),
    )


@router.get("/qa/export/{kind}.csv")
async def export(kind: str, request: Request, services: ServicesDep, session: SessionDep) -> Response:
    if kind not in ("records", "scores"):
        return _page("qa/error.html", 404, session=session, message="No such export.")
    where, _ = _filter(request)
    make = records.records_csv if kind == "records" else records.scores_csv
    rows = make(services.store, services.pipeline.guides, session.principal.organisation, where)
    return StreamingResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers=HEADERS | {"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


@router.get("/qa/static/qa.css")
async def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "qa.css", media_type="text/css", headers={"Cache-Control": "max-age=300"})


def install(app: Any) -> None:
    """The pages, and a redirect to the login for a page asked without a session."""
    app.include_router(router)

    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        return login_redirect()

    app.add_exception_handler(NotLoggedIn, not_logged_in)
