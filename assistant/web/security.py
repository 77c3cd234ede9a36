"""Browser security for Tactful's pages and its API: the headers every page carries,
and which origins may frame a page or call the API from a browser.

Only an organisation's `host_origins` (its Zendesk, Outlook, Freshdesk... origins) are
let in, both as `frame-ancestors` of the sidebar and as CORS origins of the API."""

from __future__ import annotations

from collections.abc import Iterable

# Scripts only from Tactful itself: no inline script, no eval, no CDN.
_PAGE_POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
}
# Swagger UI and ReDoc set styles from script (React, styled-components) and ReDoc
# searches in a blob: worker; their scripts are still only Tactful's own files.
_DOCS_POLICY = _PAGE_POLICY | {"style-src": "'self' 'unsafe-inline'", "worker-src": "blob:"}


def content_security_policy(frame_ancestors: Iterable[str] = (), docs: bool = False) -> str:
    """The page's CSP; `frame_ancestors` are the origins (besides Tactful's own) that may frame it."""
    policy = (_DOCS_POLICY if docs else _PAGE_POLICY) | {"frame-ancestors": " ".join(["'self'", *frame_ancestors])}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def page_headers(frame_ancestors: Iterable[str] = (), docs: bool = False) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(frame_ancestors, docs),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
