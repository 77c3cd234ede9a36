"""How often the full pipeline raises a warning or blocker on real agent replies
(bench/real/replies.jsonl: 623 replies with the conversation before them), and what it
catches in the labelled real slips (bench/real/slips.yaml).

    .venv/bin/python bench/real/run.py                      # tables for both halves, markdown
    .venv/bin/python bench/real/run.py --examples 3         # up to 3 examples a rule
    .venv/bin/python bench/real/run.py --save var/real.jsonl   # every reply's findings, for diffs

In process, as a request would run it: `build_services` with a real LanguageTool server
(--languagetool-url; started on its port if nothing answers there, stopped at the end),
every check, each reply with its thread, channel and its company's locale. Most of
these replies are fine as written, so a warning on one is usually a false alarm.

The replies are split by a fixed rule into a tuning half and a held-out half (the first
byte of the blake2b hash of the reply's `source` id, even or odd), both reported; see
README.md for which half was read when. --judged counts the warnings a reviewer judged
right or wrong (judged.yaml).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from assistant import languagetool_server  # noqa: E402
from assistant.model import Context, Report, Severity  # noqa: E402
from assistant.services import Services, build_services  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import prepare_draft  # noqa: E402

HERE = Path(__file__).resolve().parent
REPLIES = HERE / "replies.jsonl"
SLIPS = HERE / "slips.yaml"
JUDGED = HERE / "judged.yaml"
HALVES = ("tuning", "held-out")
SAVED_FIELDS = {"rule", "severity", "excerpt", "start", "end", "details"}

# Each company's guide (bench/real/guides/<id>/guide.yaml): `extends: default`, the
# locale it writes in, and its product names (grammar.product_names), as an organisation
# would set them up. Every company here is American, and their replies say so: counting
# US against UK spellings of the same words (-ize/-ise, color, center, behavior, favorite,
# license, program, apologize, canceled) in their own replies gives 37 US and 2 UK forms,
# the UK ones not UK-only ("compromised", "revising"); one brand (Uber_Support, 2
# replies) has no cue either way. The ABCD chats come from a US corpus ("apologize").
# So every guide says en-US. The product names come from the tuning half's spelling
# findings and the companies' own product lists, none from the held-out half.
GUIDES_DIR = HERE / "guides"
GUIDES = {
    "TeamYouTube": "teamyoutube",
    "AdobeCare": "adobecare",
    "AppleSupport": "applesupport",
    "DropboxSupport": "dropboxsupport",
    "MojangSupport": "mojangsupport",
    "AskeBay": "askebay",
    "hulu_support": "hulu-support",
    "Ask_WellsFargo": "ask-wellsfargo",
    "MicrosoftHelps": "microsofthelps",
    "SouthwestAir": "southwestair",
    "ChaseSupport": "chasesupport",
    "Delta": "delta",
    "Uber_Support": "uber-support",
    "AcmeBrands (ABCD)": "acmebrands",
}


def half_of(source: str) -> str:
    return HALVES[hashlib.blake2b(source.encode("utf-8")).digest()[0] % 2]


def load_replies(path: Path = REPLIES) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row["half"] = half_of(row["source"])
    return rows


def context_for(row: dict) -> Context:
    return Context.model_validate(
        {
            "channel": row["channel"],
            "guide": GUIDES.get(row["brand"], "default"),
            "thread": row.get("thread", []),
        }
    )


def check(services: Services, row: dict) -> Report:
    draft = prepare_draft(row["text"], channel=row["channel"])
    return services.pipeline.run(draft, context_for(row))


def serious(report: Report) -> list:
    return [f for f in report.findings if f.severity != Severity.suggestion]


# -- the tables ----------------------------------------------------------------------


def _share(flagged: int, total: int) -> str:
    return f"{flagged}/{total} ({100 * flagged / total:.1f} %)" if total else "–"


def share_table(rows: list[dict], key: str, title: str) -> str:
    lines = [f"| {title} | " + " | ".join(HALVES) + " | all |", "|---|" + "---:|" * (len(HALVES) + 1)]
    groups = sorted({row[key] for row in rows})
    for group in [*groups, None]:
        members = [row for row in rows if group is None or row[key] == group]
        cells = [
            _share(sum(r["flagged"] for r in members if r["half"] == h), sum(r["half"] == h for r in members))
            for h in HALVES
        ]
        cells.append(_share(sum(r["flagged"] for r in members), len(members)))
        label = "**all**" if group is None else group
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def without_check(rows: list[dict], check: str) -> str:
    """The share with a warning or blocker from the other checks than `check`."""
    cells = []
    for half in (*HALVES, None):
        members = [row for row in rows if half is None or row["half"] == half]
        flagged = sum(
            any(f["severity"] != "suggestion" and not f["rule"].startswith(f"{check}.") for f in row["findings"])
            for row in members
        )
        cells.append(f"{half or 'all'} {_share(flagged, len(members))}")
    return f"Leaving out `{check}` findings: " + ", ".join(cells) + "."


def rule_table(rows: list[dict]) -> str:
    """Per rule: replies where it raised a warning or blocker, and where only a suggestion."""
    serious_by: dict[str, Counter] = defaultdict(Counter)
    mild: Counter = Counter()
    for row in rows:
        for rule in {f["rule"] for f in row["findings"] if f["severity"] != "suggestion"}:
            serious_by[rule][row["half"]] += 1
        for rule in {f["rule"] for f in row["findings"] if f["severity"] == "suggestion"}:
            mild[rule] += 1
    lines = [
        "| rule | warning/blocker: " + " | ".join(HALVES) + " | all | suggestion only (all) |",
        "|---|" + "---:|" * (len(HALVES) + 2),
    ]
    for rule in sorted(set(serious_by) | set(mild), key=lambda r: (-sum(serious_by[r].values()), -mild[r], r)):
        counts = [str(serious_by[rule][h]) for h in HALVES]
        lines.append(f"| `{rule}` | " + " | ".join(counts) + f" | {sum(serious_by[rule].values())} | {mild[rule]} |")
    return "\n".join(lines)


def examples(rows: list[dict], per_rule: int, half: str | None) -> str:
    shown: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if half is not None and row["half"] != half:
            continue
        for finding in row["findings"]:
            if finding["severity"] == "suggestion" or len(shown[finding["rule"]]) >= per_rule:
                continue
            shown[finding["rule"]].append(
                f"  - {row['brand']} ({row['half']}): `{finding['excerpt'][:60]}` in {row['text'][:140]!r}"
            )
    return "\n".join(f"- `{rule}`\n" + "\n".join(lines) for rule, lines in sorted(shown.items()))


def blockers(rows: list[dict]) -> str:
    found = [
        f"- {row['brand']} ({row['half']}) `{f['rule']}` on `{f['excerpt']}`: {row['text'][:160]!r}"
        for row in rows
        for f in row["findings"]
        if f["severity"] == "blocker"
    ]
    return "\n".join(found) or "none"


def judged_table(rows: list[dict], judged: list[dict]) -> str:
    """Per rule: its warnings and blockers a reviewer judged right or wrong (judged.yaml),
    and those nobody has read yet, per half."""
    verdict = {(j["source"], j["rule"], j["excerpt"]): j["right"] for j in judged}
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for finding in row["findings"]:
            if finding["severity"] == "suggestion":
                continue
            said = verdict.get((row["source"], finding["rule"], finding["excerpt"]))
            mark = "unread" if said is None else ("right" if said else "wrong")
            counts[finding["rule"]][f"{row['half']} {mark}"] += 1
    lines = [
        "| rule | " + " | ".join(f"{h}: right / wrong / unread" for h in HALVES) + " |",
        "|---|" + "---:|" * len(HALVES),
    ]
    for rule in sorted(counts, key=lambda r: (-sum(counts[r].values()), r)):
        cells = [" / ".join(str(counts[rule][f"{h} {m}"]) for m in ("right", "wrong", "unread")) for h in HALVES]
        lines.append(f"| `{rule}` | " + " | ".join(cells) + " |")
    total = Counter()
    for rule_counts in counts.values():
        total.update(rule_counts)
    cells = [" / ".join(str(total[f"{h} {m}"]) for m in ("right", "wrong", "unread")) for h in HALVES]
    lines.append("| **all** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- the real slips --------------------------------------------------------------------


# What can catch a slip of wording: a finding of these checks on about the slip's words
# (a sentence-long readability or tone finding that happens to cover them does not count).
SLIP_CHECKS = ("grammar", "style")
SLIP_SLACK = 20  # characters a catching finding may run beyond the slip's words


def slip_results(services: Services, slips: Iterable[dict]) -> list[tuple[dict, bool, list[str]]]:
    """Each labelled slip: caught when a finding (any severity) of grammar or style
    overlaps the slip's words and is not much longer than them."""
    results = []
    for slip in slips:
        row = {"channel": slip["channel"], "brand": slip.get("brand", ""), "thread": slip.get("thread", [])}
        report = check(services, {**row, "text": slip["text"]})
        at = slip["text"].index(slip["slip"])
        span = (at, at + len(slip["slip"]))
        hits = [
            f.rule
            for f in report.findings
            if f.check in SLIP_CHECKS
            and f.start is not None
            and f.end is not None
            and f.start < span[1]
            and span[0] < f.end
            and f.end - f.start <= span[1] - span[0] + SLIP_SLACK
        ]
        results.append((slip, bool(hits), hits))
    return results


def slip_table(results: list[tuple[dict, bool, list[str]]]) -> str:
    caught = sum(hit for _, hit, _ in results)
    lines = [f"Real slips caught: **{caught}/{len(results)} ({100 * caught / len(results):.0f} %)**\n"]
    lines += ["| kind | slip | caught by |", "|---|---|---|"]
    for slip, hit, rules in results:
        caught_by = ", ".join(sorted(set(rules))) if hit else "**missed**"
        lines.append(f"| {slip['kind']} | `{slip['slip']}` | {caught_by} |")
    return "\n".join(lines)


# -- running ---------------------------------------------------------------------------


def ensure_languagetool(url: str):
    """The server at `url`, started if nothing answers there (the process, to stop later)."""
    if languagetool_server.is_up(url):
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost") or parts.port is None:
        raise SystemExit(f"nothing answers at {url}, and only a loopback URL with a port can be started here")
    print(f"starting LanguageTool on port {parts.port}", file=sys.stderr)
    return languagetool_server.start(PROJECT / "languagetool", parts.port, heap="1g", run_dir=PROJECT / "var")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--languagetool-url", default="http://127.0.0.1:8081")
    parser.add_argument("--examples", type=int, default=2, help="examples a rule (warnings and blockers)")
    parser.add_argument("--examples-half", choices=HALVES, default="tuning", help="where examples come from")
    parser.add_argument("--judged", action="store_true", help="count the warnings judged right or wrong")
    parser.add_argument("--save", type=Path, help="write every reply's findings here (JSON lines)")
    args = parser.parse_args()
    process = ensure_languagetool(args.languagetool_url)
    settings = Settings(
        languagetool_url=args.languagetool_url,
        languagetool_warmup=False,
        languagetool_timeout=30.0,
        extra_guides=sorted(GUIDES_DIR.iterdir()),
    )
    services = build_services(settings)
    try:
        rows = load_replies()
        not_ok: Counter = Counter()
        for number, row in enumerate(rows, 1):
            report = check(services, row)
            not_ok.update(name for name, run in report.checks.items() if run.status != "ok")
            row["findings"] = [f.model_dump(include=SAVED_FIELDS) for f in report.findings]
            row["flagged"] = bool(serious(report))
            if number % 100 == 0:
                print(f"{number}/{len(rows)}", file=sys.stderr)
        slips = slip_results(services, yaml.safe_load(SLIPS.read_text(encoding="utf-8"))["slips"])
    finally:
        services.close()
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} real replies; checks not ok: {dict(not_ok) or 'none'}\n")
    print("Replies with a warning or blocker\n")
    print(share_table(rows, "channel", "channel") + "\n")
    print(without_check(rows, "confidentiality") + "\n")
    print(share_table(rows, "brand", "company") + "\n")
    print(rule_table(rows) + "\n")
    print(f"Examples ({args.examples_half} half)\n\n" + examples(rows, args.examples, args.examples_half) + "\n")
    print("Blockers\n\n" + blockers(rows) + "\n")
    if args.judged:
        judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))["judged"]
        print("Warnings and blockers as judged (judged.yaml)\n\n" + judged_table(rows, judged) + "\n")
    if slips:
        print(slip_table(slips))


if __name__ == "__main__":
    main()
