"""Vale compatibility: public Vale packages, loaded unchanged, run on their own fixtures
and reproduce the alerts Vale prints (features/rules.feature: file:line:column:rule:
message). The feature files say "the output should contain exactly": Vale's output holds
that block, so an alert Vale would also print beyond it is allowed, each one named below
with the reason. Where and at which commit each copy came from: the README beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from vale_compat import compare_package

# Copies of public packages (with their licences), in tests/data/vale-packages.
PACKAGES = Path(__file__).parent / "data" / "vale-packages"
KNOWN_EXTRA = {
    # 'fairly' on line 5 is a Weasel token: Vale prints it too, the feature lists line 3 only
    "write-good/Weasel": ["test.md:5:23:write-good.Weasel:'fairly' is a weasel word!"],
}
# Scenarios whose fixture is not in the stored copy of the package (see its README).
NOT_STORED = {
    "Microsoft": {"Accessibility", "Acronyms", "AMPM", "Auto", "Backend", "Contractions", "Dashes", "Foreign"},
}
# An alert that depends on Vale's version, not on the rule: the feature file (2019, Vale
# 1.x) shows FirstPerson's `(?:^|\s)I\s` match trimmed in the message ('I'); current Vale
# fills `%s` with the match as it is ('I '), as errata-ai/packages' test.ct for the same
# rule shows ("Use first person (such as 'I ') sparingly."), and so do we.
VALE_VERSION = {
    "Microsoft/Terms": (
        ["test.md:9:1:Microsoft.FirstPerson:Use first person sparingly ('I')."],
        ["test.md:9:1:Microsoft.FirstPerson:Use first person sparingly ('I ')."],
    ),
}


@pytest.mark.parametrize("package", ["write-good", "proselint", "Microsoft"])
def test_package_reproduces_vale_alerts(package):
    results = compare_package(PACKAGES / package)
    assert {c.package.split("/")[1] for c in results if not c.stored} == NOT_STORED.get(package, set())
    ran = [c for c in results if c.stored]
    expected = sum(len(c.expected) for c in ran)
    matched = sum(len(c.matched) for c in ran)
    print(f"{package}: {matched}/{expected} = {matched / expected:.0%} in {len(ran)} of {len(results)} scenarios")
    for comparison in ran:
        missing, different = VALE_VERSION.get(comparison.package, ([], []))
        assert comparison.missing == missing, comparison.package
        assert comparison.extra == KNOWN_EXTRA.get(comparison.package, []) + different, comparison.package
        if not missing:  # Vale's block must appear as one run, in order, in what we print
            assert "\n".join(comparison.expected) in "\n".join(comparison.produced), comparison.package
