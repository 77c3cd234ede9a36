"""Run a Vale package on its own fixtures and compare with the alerts Vale prints
(`features/*.feature`): the compatibility proof. Test tooling, not runtime code: tests
import it as `vale_compat` (pytest puts tests/ on the path), a bench script by adding
tests/ to sys.path."""

from __future__ import annotations

import configparser
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.style.engine import run_rules
from assistant.style.loading import read_package
from assistant.style.markup import line_column, markup_document
from assistant.style.pos import Tagger

_SCENARIO = re.compile(r'When I test "([^"]+)"\s+Then the output should contain exactly:\s+"""\n(.*?)"""', re.S)


@dataclass
class Comparison:
    package: str
    expected: list[str] = field(default_factory=list)
    produced: list[str] = field(default_factory=list)
    stored: bool = True  # False: the scenario's fixture is not in the stored copy of the package

    @property
    def matched(self) -> list[str]:
        return [a for a in self.expected if a in self.produced]

    @property
    def missing(self) -> list[str]:
        return [a for a in self.expected if a not in self.produced]

    @property
    def extra(self) -> list[str]:
        return [a for a in self.produced if a not in self.expected]

    @property
    def rate(self) -> float:
        return len(self.matched) / len(self.expected) if self.expected else 1.0


def expected_alerts(feature: Path) -> dict[str, list[str]]:
    text = feature.read_text(encoding="utf-8")
    return {
        name: [line.strip() for line in body.splitlines() if line.strip()] for name, body in _SCENARIO.findall(text)
    }


def run_fixture(folder: Path, rules: dict, tagger: Tagger | None = None) -> list[str]:
    ini = configparser.ConfigParser(strict=False, allow_no_value=True)
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini.read_string("[core]\n" + (folder / ".vale.ini").read_text(encoding="utf-8"))
    out = []
    for section in ini.sections():
        if section == "core":
            continue
        globs = _globs(section)
        chosen = {}
        for key, value in ini[section].items():
            if key == "BasedOnStyles":
                styles = {s.strip() for s in (value or "").split(",")}
                chosen.update({n: r for n, r in rules.items() if n.split(".")[0] in styles})
            elif value and value.strip().upper() == "YES" and key in rules:
                chosen[key] = rules[key]
        for path in sorted(folder.iterdir()):
            if not any(fnmatch.fnmatch(path.name, g) for g in globs):
                continue
            original = path.read_text(encoding="utf-8")
            doc = markup_document(original)
            doc.tagger = tagger
            hits = sorted(run_rules(chosen, doc), key=lambda h: (h.start, h.name))
            for hit in hits:
                line, column = line_column(original, hit.start)
                out.append(f"{path.name}:{line}:{column}:{hit.name}:{line_spacing(hit.alert.message)}")
    return sorted(out, key=_order)


def line_spacing(message: str) -> str:
    """Vale's `--output=line` printer (fixOutputSpacing): a newline becomes a space and a
    run of spaces one space, so a match of 'y.  T' prints as 'y. T'."""
    return re.sub(" +", " ", message.replace("\n", " "))


def _order(alert: str) -> tuple[str, int, int]:
    name, line, column = alert.split(":")[:3]
    return name, int(line), int(column)


def _globs(section: str) -> list[str]:
    braces = re.fullmatch(r"(.*)\{(.*)\}(.*)", section)
    if braces:
        return [braces.group(1) + alt + braces.group(3) for alt in braces.group(2).split(",")]
    return [section]


def compare_package(root: Path, tagger: Tagger | None = None) -> list[Comparison]:
    """One Comparison per scenario of root/features/*.feature; `tagger` for rules with `pos:`."""
    rules, errors = read_package(root / root.name)
    if errors:
        raise ValueError("\n".join(errors))
    results = []
    for feature in sorted((root / "features").glob("*.feature")):
        for scenario, alerts in expected_alerts(feature).items():
            folder = root / "fixtures" / scenario
            if not folder.is_dir():  # not in the stored copy: the test names these
                results.append(Comparison(f"{root.name}/{scenario}", alerts, stored=False))
                continue
            results.append(Comparison(f"{root.name}/{scenario}", alerts, run_fixture(folder, rules, tagger)))
    return results
