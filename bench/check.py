"""Benchmark: `check` (reader + every lint rule) over all corpus documents and seeds.

Run: .venv/bin/python bench/check.py [--runs N]
Prints per-document and total time next to a baseline measured in the same run: Markdown parsing
alone (markdown-it-py over the same text), the floor any Markdown-reading tool pays.
Target (issue 16): the 39 corpus documents under 3 s in total.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from markdown_it import MarkdownIt

import schemadoc
from schemadoc.lint import check

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    docs = sorted((ROOT.parent / "shared" / "corpus").glob("[0-9]*.md")) + sorted((ROOT / "examples").glob("*.md"))
    md = MarkdownIt("commonmark").enable("table")
    check(schemadoc.load(docs[0]))  # warm imports and caches once, outside the timings
    totals, baselines = [], []
    print(f"{'document':<28}{'check (ms)':>12}{'markdown only (ms)':>20}")
    for run in range(args.runs):
        total = base = 0.0
        for doc in docs:
            text = doc.read_text()
            t0 = time.perf_counter()
            md.parse(text)
            t1 = time.perf_counter()
            check(schemadoc.load(doc))
            t2 = time.perf_counter()
            total += t2 - t1
            base += t1 - t0
            if run == args.runs - 1:
                print(f"{doc.parent.name + '/' + doc.name:<28}{(t2 - t1) * 1000:>12.1f}{(t1 - t0) * 1000:>20.1f}")
        totals.append(total)
        baselines.append(base)
    print(
        f"\n{len(docs)} documents: check {statistics.median(totals):.2f} s (target < 3 s for the corpus), "
        f"markdown parsing alone {statistics.median(baselines):.2f} s, median of {args.runs} runs"
    )


if __name__ == "__main__":
    main()
