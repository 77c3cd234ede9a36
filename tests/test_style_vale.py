"""Vale compatibility: the write-good and proselint packages, loaded unchanged, run on
their own fixtures and reproduce the alerts Vale prints (features/rules.feature:
file:line:column:rule:message). The feature files say "the output should contain
exactly": Vale's output holds that block, so an alert Vale would also print beyond it
(write-good's Weasel fixture has 'fairly' on line 5, a Weasel token) is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from vale_compat import compare_package

# Copies of the two public packages (with their licences) from the project's shared folder.
PACKAGES = Path(__file__).parent / "data" / "vale-packages"
KNOWN_EXTRA = {"write-good/Weasel": ["test.md:5:23:write-good.Weasel:'fairly' is a weasel word!"]}


@pytest.mark.parametrize("package", ["write-good", "proselint"])
def test_package_reproduces_vale_alerts(package):
    results = compare_package(PACKAGES / package)
    expected = sum(len(c.expected) for c in results)
    matched = sum(len(c.matched) for c in results)
    print(f"{package}: {matched}/{expected} = {matched / expected:.0%}")
    for comparison in results:
        assert comparison.missing == [], comparison.package
        assert comparison.extra == KNOWN_EXTRA.get(comparison.package, []), comparison.package
        # Vale's block must appear as one run, in order, in what we print
        produced = "\n".join(comparison.produced)
        assert "\n".join(comparison.expected) in produced, comparison.package
