"""Every host manifest validates offline: Outlook's against Microsoft's published JSON
schema (npm @microsoft/app-manifest, MIT, pinned in package.json); Zendesk's,
Freshworks' and Apps Script's against the rules their manifest references publish
(their own validators, `zcli apps:validate` and `fdk validate`, call online services
or are not on a registry). Each rule set is shown to reject a broken manifest too."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema_rs
import pytest

from assistant.settings import PROJECT_ROOT

PLUGINS = PROJECT_ROOT / "plugin_manifest"
OFFICE_SCHEMA = (
    PROJECT_ROOT / "node_modules/@microsoft/app-manifest/build/json-schemas/teams/v1.24/MicrosoftTeams.schema.json"
)


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def outlook_errors(manifest: dict) -> list[str]:
    validator = jsonschema_rs.validator_for(load(OFFICE_SCHEMA))
    errors = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(manifest)]
    events = [
        e for ext in manifest.get("extensions", []) for run in ext.get("autoRunEvents", []) for e in run["events"]
    ]
    actions = {a["id"] for ext in manifest.get("extensions", []) for r in ext.get("runtimes", []) for a in r["actions"]}
    errors += [f"event {e['type']} runs unknown action {e['actionId']}" for e in events if e["actionId"] not in actions]
    for icon in manifest.get("icons", {}).values():
        if not (PLUGINS / "outlook" / icon).is_file():
            errors.append(f"icon {icon} is missing")
    return errors


def zendesk_errors(folder: Path) -> list[str]:
    """Zendesk's manifest reference (apps framework v2): required keys, locations,
    parameters, and the rule that secure settings only go to whitelisted domains."""
    manifest, errors = load(folder / "manifest.json"), []
    for key in ("name", "author", "defaultLocale", "location", "version", "frameworkVersion"):
        if key not in manifest:
            errors.append(f"missing {key}")
    if manifest.get("frameworkVersion") != "2.0":
        errors.append("frameworkVersion must be 2.0")
    locations = manifest.get("location", {}).get("support", {})
    if not locations or any(loc not in ("ticket_sidebar", "new_ticket_sidebar", "user_sidebar") for loc in locations):
        errors.append("support locations must be sidebars")
    for param in manifest.get("parameters", []):
        if param.get("type") not in ("text", "password", "checkbox", "url", "number", "multiline", "hidden"):
            errors.append(f"parameter {param.get('name')}: unknown type")
    if any(p.get("secure") for p in manifest.get("parameters", [])) and not manifest.get("domainWhitelist"):
        errors.append("secure parameters need a domainWhitelist")
    translations = folder / "translations" / f"{manifest.get('defaultLocale')}.json"
    if not translations.is_file() or "name" not in load(translations).get("app", {}):
        errors.append("translations for the default locale must name the app")
    for logo, size in (("logo.png", 320), ("logo-small.png", 128)):
        data = (folder / "assets" / logo).read_bytes()
        if int.from_bytes(data[16:20], "big") != size or int.from_bytes(data[20:24], "big") != size:
            errors.append(f"assets/{logo} must be {size}x{size}")
    return errors


def freshdesk_errors(folder: Path) -> list[str]:
    """Freshworks platform 3.0 (app manifest, request templates, iparams)."""
    manifest, errors = load(folder / "manifest.json"), []
    if manifest.get("platform-version") != "3.0":
        errors.append("platform-version must be 3.0")
    requests_used = manifest.get("modules", {}).get("common", {}).get("requests", {})
    templates = load(folder / "config" / "requests.json")
    iparams = load(folder / "config" / "iparams.json")
    errors += [f"request {name} has no template" for name in requests_used if name not in templates]
    for name, template in templates.items():
        if "/" in template["schema"]["host"] or "://" in template["schema"]["host"]:
            errors.append(f"request {name}: host must be a bare host name")
        for used in re.findall(r"iparam\.(\w+)", json.dumps(template)):
            if used not in iparams:
                errors.append(f"request {name} uses unknown iparam {used}")
    for location in manifest.get("modules", {}).get("support_ticket", {}).get("location", {}).values():
        for key in ("url", "icon"):
            if not (folder / "app" / location[key]).is_file():
                errors.append(f"{location[key]} is missing")
    if not iparams.get("api_key", {}).get("secure"):
        errors.append("the API key must be a secure iparam")
    if "{{{appclient}}}" not in (folder / "app" / "index.html").read_text():
        errors.append("index.html must load the Freshworks client")
    return errors


def gmail_errors(folder: Path) -> list[str]:
    """Apps Script's manifest structure (appsscript.json) for a Gmail add-on."""
    manifest, errors = load(folder / "appsscript.json"), []
    if manifest.get("runtimeVersion") != "V8":
        errors.append("runtimeVersion must be V8")
    code = (folder / "Code.gs").read_text()
    addons = manifest.get("addOns", {})
    functions = [addons.get("common", {}).get("homepageTrigger", {}).get("runFunction")]
    functions += [t.get("onTriggerFunction") for t in addons.get("gmail", {}).get("contextualTriggers", [])]
    functions += [
        a.get("runFunction") for a in addons.get("gmail", {}).get("composeTrigger", {}).get("selectActions", [])
    ]
    errors += [
        f"trigger function {f} is not defined" for f in functions if not re.search(rf"function {f}\(", code or "")
    ]
    if "https://www.googleapis.com/auth/script.external_request" not in manifest.get("oauthScopes", []):
        errors.append("UrlFetchApp needs the script.external_request scope")
    if not all(u.startswith("https://") for u in manifest.get("urlFetchWhitelist", [])):
        errors.append("urlFetchWhitelist entries must be https URLs")
    return errors


def test_outlook_manifest_validates_against_microsofts_schema():
    assert outlook_errors(load(PLUGINS / "outlook" / "manifest.json")) == []


def test_outlook_schema_rejects_a_broken_manifest():
    broken = copy.deepcopy(load(PLUGINS / "outlook" / "manifest.json"))
    broken["extensions"][0]["autoRunEvents"][0]["events"][0]["options"]["sendMode"] = "whenever"
    del broken["developer"]
    assert len(outlook_errors(broken)) >= 2


@pytest.mark.parametrize(
    "host, rules", [("zendesk", zendesk_errors), ("freshdesk", freshdesk_errors), ("gmail", gmail_errors)]
)
def test_host_manifest_follows_the_hosts_published_rules(host, rules):
    assert rules(PLUGINS / host) == []


@pytest.mark.parametrize(
    "host, rules, file, breaking",
    [
        ("zendesk", zendesk_errors, "manifest.json", lambda m: m.pop("domainWhitelist")),
        ("freshdesk", freshdesk_errors, "config/iparams.json", lambda m: m["api_key"].update(secure=False)),
        (
            "gmail",
            gmail_errors,
            "appsscript.json",
            lambda m: m["addOns"]["common"]["homepageTrigger"].update(runFunction="nowhere"),
        ),
    ],
)
def test_the_rules_reject_a_broken_manifest(tmp_path, host, rules, file, breaking):
    import shutil

    folder = tmp_path / host
    shutil.copytree(PLUGINS / host, folder)
    manifest = load(folder / file)
    breaking(manifest)
    (folder / file).write_text(json.dumps(manifest))
    assert rules(folder) != []
