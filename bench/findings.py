"""Every finding of every check over the project's corpora, one JSON line per text, to
compare two versions of the code: a refactor must give the same findings.

    .venv/bin/python bench/findings.py --languagetool-url http://127.0.0.1:8081 > after.jsonl
    PYTHONPATH=/path/to/old/checkout .venv/bin/python bench/findings.py ... > before.jsonl
    .venv/bin/python bench/findings.py --compare before.jsonl after.jsonl

Runs the pipeline in process (as the service does, every check on) over bench/corpus
(64 replies), bench/real (623 real replies with their threads) and the confidentiality
sets (tests/data, as email and as a public post). It uses only what every version of the
code has had: `build_services`, `prepare_draft`, `Context`."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The fields that make a finding what it is; ids and rule names may be renamed on purpose
# (pass --rename OLD=NEW to map them).
FIELDS = ("check", "rule", "severity", "start", "end", "message", "suggestions", "criteria")


def texts() -> Iterator[tuple[str, dict]]:
    """(key, request) for every text of the corpora."""
    for line in (ROOT / "bench/corpus/replies.jsonl").read_text().splitlines():
        item = json.loads(line)
        yield f"corpus:{item['id']}", {k: item[k] for k in ("text", "channel", "audience", "format") if k in item}
    for line in (ROOT / "bench/real/replies.jsonl").read_text().splitlines():
        item = json.loads(line)
        thread = [{"author": m["author"], "text": m["text"]} for m in item.get("thread", [])]
        yield f"real:{item['source']}", {"text": item["text"], "channel": item["channel"], "thread": thread}
    for name in ("confidentiality.jsonl", "confidentiality_holdout.jsonl"):
        for index, line in enumerate((ROOT / "tests/data" / name).read_text().splitlines()):
            text = json.loads(line)["text"]
            for channel in ("email", "social_public"):
                yield f"{name}:{index}:{channel}", {"text": text, "channel": channel}


def dump(languagetool_url: str) -> None:
    from assistant.model import Context
    from assistant.services import build_services
    from assistant.settings import Settings
    from assistant.text import prepare_draft

    services = build_services(Settings(languagetool_url=languagetool_url, languagetool_timeout=60.0))
    fixed_now = "2026-11-23T10:00:00Z"  # SLA clocks the same in both runs
    for key, request in texts():
        fmt = request.pop("format", "text")
        context = Context.model_validate({k: v for k, v in request.items() if k != "text"} | {"now": fixed_now})
        report = services.pipeline.run(prepare_draft(request["text"], fmt, context.channel), context)
        statuses = {name: run.status for name, run in report.checks.items()}
        findings = [{f: getattr(finding, f) for f in FIELDS} for finding in report.findings]
        print(
            json.dumps({"key": key, "verdict": report.verdict, "checks": statuses, "findings": findings}, default=str)
        )
    services.close()


def compare(before: Path, after: Path, renames: dict[str, str]) -> int:
    old = {row["key"]: row for row in map(json.loads, before.read_text().splitlines())}
    new = {row["key"]: row for row in map(json.loads, after.read_text().splitlines())}
    differ: Counter[str] = Counter()
    shown = 0
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            differ["missing"] += 1
            continue
        for finding in a["findings"]:
            for old_prefix, new_prefix in renames.items():
                if finding["rule"].startswith(old_prefix):
                    finding["rule"] = new_prefix + finding["rule"][len(old_prefix) :]
        if a != b:
            differ[key.split(":")[0]] += 1
            if shown < 5:
                shown += 1
                print(f"{key}:\n  before {json.dumps(a)[:600]}\n  after  {json.dumps(b)[:600]}", file=sys.stderr)
    findings = sum(len(row["findings"]) for row in new.values())
    print(f"{len(new)} texts, {findings} findings; texts that differ: {dict(differ) or 'none'}")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="rule ids renamed on purpose: a prefix and its replacement, e.g. style.style.=style.",
    )
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare, dict(r.split("=", 1) for r in args.rename))
    dump(args.languagetool_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
