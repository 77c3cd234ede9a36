"""The sidebar in headless Chromium: from the end of the debounce to findings painted,
over the bench corpus with one-word edits, against a running `tactful serve`.

    .venv/bin/python bench/sidebar.py --url http://127.0.0.1:8000 --key tf_... [--limit 64]

Also prints the size of the sidebar's own script and style (the target: ≤ 100 KB)."""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
STATIC = HERE.parent / "assistant" / "web" / "static"
MEASURE = """() => new Promise((resolve) => document.addEventListener('tactful:painted',
  (e) => resolve(performance.now() - e.detail.asked), { once: true }))"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--limit", type=int, default=64)
    args = parser.parse_args()
    replies = [json.loads(line) for line in (HERE / "corpus" / "replies.jsonl").open()][: args.limit]
    own = sum(p.stat().st_size for p in STATIC.iterdir() if p.suffix in (".js", ".css") and p.name != "docs.js")
    times: list[float] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 320, "height": 900})
        page.goto(f"{args.url}/sidebar")
        page.fill("#api-key", args.key)
        page.press("#api-key", "Enter")
        page.wait_for_selector("#connect", state="hidden")
        for reply in replies:
            text = reply["text"]
            painted = page.evaluate_handle(MEASURE)
            page.fill("#reply", text)  # the first check of this draft warms the caches
            painted.json_value()
            painted = page.evaluate_handle(MEASURE)
            page.fill("#reply", text.replace(" ", " really ", 1))  # a one-word edit
            times.append(painted.json_value())
        browser.close()
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{len(times)} one-word edits: debounce end -> findings painted p50 {statistics.median(times):.0f} ms, "
        f"p95 {p95:.0f} ms; sidebar's own script+style {own / 1024:.1f} KB"
    )


if __name__ == "__main__":
    main()
