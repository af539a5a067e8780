#!/usr/bin/env python3
"""The open-source baseline: extruct (JSON-LD, microdata, OpenGraph) on lxml.

Reads every page of a folder of `.html.gz` (or `.html`) files into memory,
decompressed, then times extruct over them on one thread and prints one JSON
object: {"pages": N, "seconds": S, "pages_per_sec": R, "bytes": B}.

usage: extruct_baseline.py PAGES_DIR [--rounds N]
"""
import gzip
import json
import os
import sys
import time

import extruct


def load(folder):
    pages = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".html.gz"):
            with gzip.open(path, "rb") as f:
                pages.append(f.read().decode("utf-8", "replace"))
        elif name.endswith(".html"):
            with open(path, "rb") as f:
                pages.append(f.read().decode("utf-8", "replace"))
    return pages


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rounds = 1
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
    pages = load(args[0])
    # One warm-up pass so imports and caches do not count.
    for html in pages[:3]:
        extruct.extract(html, syntaxes=["json-ld", "microdata", "opengraph"], uniform=True, errors="ignore")
    best = None
    for _ in range(rounds):
        start = time.perf_counter()
        for html in pages:
            extruct.extract(html, syntaxes=["json-ld", "microdata", "opengraph"], uniform=True, errors="ignore")
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(json.dumps({
        "pages": len(pages),
        "seconds": best,
        "pages_per_sec": len(pages) / best,
        "bytes": sum(len(p.encode("utf-8")) for p in pages),
    }))


if __name__ == "__main__":
    main()
