"""The deployment files, validated offline as CI can: `helm lint` and `helm template` on
the chart (Helm built from the Go module proxy by scripts/setup.sh), every rendered
manifest against Kubernetes' own schemas (shipped by kubernetes-validate), the compose
file against the Compose Specification's schema (vendored by check-jsonschema), and the
probes and commands pointing at what the service really has."""

from __future__ import annotations

import json
import subprocess
from importlib.resources import files

import jsonschema
import kubernetes_validate
import pytest
import yaml

from assistant import languagetool_server
from assistant.api.app import create_app
from assistant.cli import _parser
from assistant.settings import PROJECT_ROOT, Settings

CHART = PROJECT_ROOT / "deploy" / "helm" / "tactful"
HELM = PROJECT_ROOT / ".tools" / "bin" / "helm"
KUBERNETES = "1.37.0"
VOLUMES = [
    "--set-json",
    'guides.volume={"configMap": {"name": "acme-guides"}}',
    "--set-json",
    'templates.volume={"persistentVolumeClaim": {"claimName": "acme-templates"}}',
]


def helm(*args: str) -> str:
    assert HELM.exists(), "Helm is not built: run scripts/setup.sh"
    done = subprocess.run([str(HELM), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module", params=[[], VOLUMES], ids=["defaults", "own-guides"])
def manifests(request) -> list[dict]:
    rendered = helm("template", "acme", str(CHART), *request.param)
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def test_the_chart_lints():
    assert "0 chart(s) failed" in helm("lint", "--strict", str(CHART))


def test_every_rendered_manifest_is_valid_kubernetes(manifests):
    kinds = sorted(doc["kind"] for doc in manifests)
    assert kinds == sorted(
        ["Deployment", "StatefulSet", "HorizontalPodAutoscaler", "Job", "PodDisruptionBudget", "PodDisruptionBudget"]
        + ["Service", "Service", "Service"]
    )
    for doc in manifests:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_the_probes_and_commands_point_at_what_tactful_has(manifests):
    paths = set(create_app().openapi()["paths"])
    tactful = next(d for d in manifests if d["kind"] == "Deployment" and d["metadata"]["name"] == "acme-tactful")
    container = tactful["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz" in paths
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz" in paths
    env = {e["name"]: e for e in container["env"]}
    assert env["TACTFUL_STORE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "tactful-store"
    assert env["TACTFUL_LANGUAGETOOL_URL"]["value"] == "http://acme-languagetool:8081"
    languagetool = next(d for d in manifests if d["kind"] == "StatefulSet")
    headless = next(d for d in manifests if d["kind"] == "Service" and d["spec"].get("clusterIP") == "None")
    assert languagetool["spec"]["serviceName"] == headless["metadata"]["name"] == "acme-languagetool-pods"
    pods = [f"http://acme-languagetool-{i}.acme-languagetool-pods.default.svc:8081" for i in range(2)]
    assert Settings(languagetool_urls=env["TACTFUL_LANGUAGETOOL_URLS"]["value"]).languagetool_servers == pods
    assert container["securityContext"]["runAsNonRoot"] is True
    job = next(d for d in manifests if d["kind"] == "Job")
    command = job["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[1:] == ["store", "migrate"] and _parser().parse_args(command[1:])  # a real command
    assert _parser().parse_args(container["command"][1:]).port == 8000


def test_a_values_list_of_languagetool_servers_is_the_pool():
    rendered = helm("template", "acme", str(CHART), "--set-json", 'languagetool.urls=["http://a:8081","http://b:8081"]')
    tactful = next(d for d in yaml.safe_load_all(rendered) if d and d["kind"] == "Deployment")
    env = {e["name"]: e for e in tactful["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TACTFUL_LANGUAGETOOL_URLS"]["value"] == "http://a:8081,http://b:8081"


def test_the_compose_file_follows_the_compose_specification():
    schema = json.loads((files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text())
    compose = yaml.safe_load((PROJECT_ROOT / "deploy" / "compose.yaml").read_text())
    jsonschema.validate(compose, schema)
    assert set(compose["services"]) == {"tactful", "languagetool", "postgres"}
    assert "/readyz" in " ".join(compose["services"]["tactful"]["healthcheck"]["test"])
    assert compose["services"]["tactful"]["environment"]["TACTFUL_STORE_URL"].startswith("postgresql+psycopg://")


def test_languagetool_starts_with_the_java_flags_of_the_bundled_server(manifests):
    """The tuning measured on the bundled server (one fork-join thread a check, exit on
    out-of-memory) holds where LanguageTool is deployed too."""
    flags = {"-XX:+ExitOnOutOfMemoryError", *languagetool_server.PARALLEL_CHECK}
    assert flags <= set(languagetool_server.command(PROJECT_ROOT / "languagetool", 8081, "1g"))
    compose = yaml.safe_load((PROJECT_ROOT / "deploy" / "compose.yaml").read_text())
    assert flags <= set(compose["services"]["languagetool"]["command"])
    languagetool = next(d for d in manifests if d["kind"] == "StatefulSet")
    assert flags <= set(languagetool["spec"]["template"]["spec"]["containers"][0]["command"])


def test_the_image_is_built_in_two_stages_by_the_readme_s_setup_and_runs_as_another_user():
    lines = [line.split() for line in (PROJECT_ROOT / "Dockerfile").read_text().splitlines() if line.strip()]
    instructions = [words[0] for words in lines if not words[0].startswith("#")]
    assert instructions.count("FROM") == 2
    assert any(words[:2] == ["RUN", "scripts/setup.sh"] for words in lines)
    user = next(words for words in lines if words[0] == "USER")
    assert user[1] not in ("root", "0")
