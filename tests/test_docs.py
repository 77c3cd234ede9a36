"""Docs and extension points stay honest: every setting documented, every check tested."""

from assistant.checks import CHECKS
from assistant.settings import PROJECT_ROOT, Settings


def test_every_setting_is_documented():
    docs = (PROJECT_ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"TACTFUL_{name.upper()}" not in docs]
    assert missing == []


def test_every_check_has_tests_and_docs():
    usage = (PROJECT_ROOT / "docs" / "usage.md").read_text()
    for check in CHECKS:
        assert (PROJECT_ROOT / "tests" / f"test_{check.name}.py").exists(), check.name
        assert f"## The {check.name} check" in usage, check.name


def test_every_guide_section_is_documented():
    configuration = (PROJECT_ROOT / "docs" / "configuration.md").read_text()
    for check in CHECKS:
        assert f"`{check.name}:`" in configuration, check.name
        for option in check.Options.model_fields:
            assert f"{option}:" in configuration, f"{check.name}.{option}"


def test_readme_commands_are_what_ci_runs():
    readme = (PROJECT_ROOT / "README.md").read_text()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "./run.sh serve" in readme and "./run.sh test" in readme
    assert ci.strip().splitlines()[-1] == "./run.sh test"


def test_dockerfile_uses_the_same_setup():
    assert "scripts/setup.sh" in (PROJECT_ROOT / "Dockerfile").read_text()
