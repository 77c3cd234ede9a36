"""The front-end files Tactful serves itself: packages npm installed at setup (no CDN),
named one by one, and the host adapters' glue from `plugin_manifest/`.

Only listed files are served, so nothing else under node_modules/ is reachable."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

# URL name → file under node_modules/. A folder (trailing "/") serves every file in it:
# Office.js loads its host-specific scripts and strings from beside office.js.
VENDOR: dict[str, str] = {
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/favicon-32x32.png": "swagger-ui-dist/favicon-32x32.png",
    "redoc/redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    "front/plugin-sdk.js": "@frontapp/plugin-sdk/dist/index.umd.js",
    "office/": "@microsoft/office-js/dist/",
}
# The ZAF SDK's npm package ships its CommonJS sources only (no browser build).
ZAF_SDK = "zendesk_app_framework_sdk/lib"
HOSTS = ("zendesk", "outlook", "freshdesk", "front", "gmail")
HOST_FILE = re.compile(r"(assets/)?[a-z][a-z0-9-]*\.(js|html|png|svg)")


class AssetMissing(LookupError):
    """A listed package file is not installed: run scripts/setup.sh."""


def vendor_file(node_modules: Path, name: str) -> Path | None:
    """The installed file behind a vendor URL name; None if the name is not listed."""
    if name in VENDOR:
        return _installed(node_modules / VENDOR[name])
    for prefix, folder in VENDOR.items():
        if prefix.endswith("/") and name.startswith(prefix):
            base = (node_modules / folder).resolve()
            path = (base / name[len(prefix) :]).resolve()
            return _installed(path) if path.is_relative_to(base) and path != base else None
    return None


def host_file(plugin_dir: Path, host: str, name: str) -> Path | None:
    """A host adapter's script, page or icon, from plugin_manifest/<host>/ (and its assets/)."""
    if host not in HOSTS or not HOST_FILE.fullmatch(name):
        return None
    path = plugin_dir / host / name
    return path if path.is_file() else None


def _installed(path: Path) -> Path:
    if not path.is_file():
        raise AssetMissing(f"{path} is not installed; run scripts/setup.sh (npm ci)")
    return path


@cache
def zaf_sdk(node_modules: Path) -> str:
    """The ZAF SDK as one browser script defining `window.ZAFClient`: its four CommonJS
    modules, each wrapped in a function, with a `require` that resolves them by name."""
    lib = node_modules / ZAF_SDK
    modules = {
        "./client": lib / "client.js",
        "./utils": lib / "utils.js",
        "./vendor/native-promise-only": lib / "vendor" / "native-promise-only.js",
        "./index": lib / "index.js",
    }
    parts = [
        f"{name!r}: function (module, exports, require) {{\n{_installed(path).read_text()}\n}}"
        for name, path in modules.items()
    ]
    return (
        "/* zendesk_app_framework_sdk (Apache-2.0), from npm, wrapped for the browser by Tactful. */\n"
        "(function () {\n  var sources = {\n" + ",\n".join(parts) + "\n  }, done = {};\n"
        "  function require(name) {\n"
        "    if (!done[name]) { var module = { exports: {} }; done[name] = module;\n"
        "      sources[name].call(window, module, module.exports, require); }\n"
        "    return done[name].exports;\n  }\n"
        "  window.ZAFClient = require('./index');\n})();\n"
    )
