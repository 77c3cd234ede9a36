"""Is a LanguageTool server answering, and warm? Two probes over its documented HTTP API,
used by the client and pool (which only speak HTTP) and by the supervisor that runs the
bundled server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

WARMUP_TEXT = "Hello Dana, their is a problem with you're account. We has fixed it now. Kind regards, Sam"


def is_up(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/v2/languages", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def warm_up(url: str, language: str = "en-GB", timeout: float = 120.0) -> bool:
    """Send one check so the rules load now rather than on an agent's first draft."""
    data = urllib.parse.urlencode({"language": language, "text": WARMUP_TEXT}).encode()
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/v2/check", data=data, timeout=timeout) as response:
            return "matches" in json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return False
