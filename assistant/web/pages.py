"""Tactful's pages: the agents' sidebar (`GET /sidebar`), the API docs (`/docs`,
`/redoc`) and the files they load, all served by Tactful itself (no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from ..store import StoreDown
from .assets import HOSTS, host_file, vendor_file, zaf_sdk
from .security import page_headers

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html
router = APIRouter(include_in_schema=False)
Host = Literal["standalone", "zendesk", "outlook", "freshdesk", "front"]
OrgQuery = Annotated[str | None, Query(max_length=63, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
VENDOR_CACHE = {"Cache-Control": "public, max-age=86400"}
OWN_CACHE = {"Cache-Control": "no-cache"}


def _frame_ancestors(request: Request, org: str | None) -> tuple[str, ...]:
    """The organisation's host origins (none for an unknown one: nothing tells it
    exists; none while the store is down: the page then frames nowhere but here)."""
    if not org:
        return ()
    try:
        found = request.app.state.services.store.keys.organisation(org)
    except StoreDown:
        return ()
    return found.host_origins if found else ()


@router.get("/sidebar", response_class=HTMLResponse)
def sidebar(request: Request, host: Host = "standalone", org: OrgQuery = None) -> HTMLResponse:
    """The agents' sidebar, standalone or inside a host (`?host=zendesk&org=acme`)."""
    response = templates.TemplateResponse(request, "sidebar.html", {"host": host, "org": org or ""})
    response.headers.update(page_headers(_frame_ancestors(request, org)))
    return response


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    response = templates.TemplateResponse(request, "docs.html", {"title": "Tactful API"})
    response.headers.update(page_headers(docs=True))
    return response


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    response = templates.TemplateResponse(request, "redoc.html", {"title": "Tactful API"})
    response.headers.update(page_headers(docs=True))
    return response


@router.get("/static/sidebar/{name}")
def own_file(name: str) -> FileResponse:
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        raise HTTPException(404, "No such file.")
    return FileResponse(path, headers=OWN_CACHE | {"X-Content-Type-Options": "nosniff"})


@router.get("/static/vendor/zaf_sdk.js")
def zendesk_sdk(request: Request) -> Response:
    script = zaf_sdk(request.app.state.node_modules)
    return Response(script, media_type="text/javascript", headers=VENDOR_CACHE | {"X-Content-Type-Options": "nosniff"})


@router.get("/static/vendor/{name:path}")
def vendor(request: Request, name: str) -> FileResponse:
    path = vendor_file(request.app.state.node_modules, name)
    if path is None:
        raise HTTPException(404, "No such file.")
    return FileResponse(path, headers=VENDOR_CACHE | {"X-Content-Type-Options": "nosniff"})


@router.get("/hosts/{host}/{name:path}")
def adapter_file(request: Request, host: str, name: str) -> FileResponse:
    """A host adapter's glue (plugin_manifest/<host>/*.js, *.html, assets/*.png)."""
    path = host_file(request.app.state.plugin_dir, host, name)
    if path is None:
        raise HTTPException(404, f"No such file; hosts are {', '.join(HOSTS)}.")
    headers = OWN_CACHE | {"X-Content-Type-Options": "nosniff"}
    if path.suffix == ".html":
        headers |= page_headers()
    return FileResponse(path, headers=headers)
