"""Host origins: where an organisation's sidebar and add-ins run (https://acme.zendesk.com)."""

from __future__ import annotations

from urllib.parse import urlsplit


def normalise_origin(origin: str) -> str:
    """`scheme://host[:port]`, lower-cased; ValueError for anything else (a path, no scheme)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"not an origin (scheme://host[:port], e.g. https://acme.zendesk.com): {origin!r}")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"
