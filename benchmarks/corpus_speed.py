"""Time and peak memory of the corpus passes on synthetic documents, beside peers in one process.

The documents are synthesized deterministically from the dev pages: each belongs to one of
``docs / 50`` sites, whose pages share ten template lines (boilerplate lines of the dev pages)
around twenty content lines drawn from every dev page's content lines, with 3% of their words
replaced; 5% of the documents are exact copies and 5% near copies (5% of words changed).

Each system runs twice: once for time, once under tracemalloc for the peak of memory allocated
during its pass (the documents themselves are built before and not counted).

- ``corpus.template_lines``: collect, merge, bind, then the filter on every document;
  peer: a plain ``dict`` of sets-per-document counts keyed by (site, folded line).
- ``corpus.dedup``: collect, merge, bind (LSH and union-find), then the filter;
  peer: datasketch ``MinHash`` (``update_batch``) and ``MinHashLSH`` at the same threshold and
  number of permutations, inserting and querying every document (no union-find).

    python benchmarks/corpus_speed.py [--docs 100000] [--data ../shared/bench/dev]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from corpusclean import Document
from corpusclean.filters.corpus import Dedup, TemplateLines, fold_line, site_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "dev"


def synthesize(data: Path, n_docs: int, seed: int = 11) -> list[Document]:
    content: list[str] = []
    boiler: list[str] = []
    for lab in sorted(data.glob("*.labels.jsonl")):
        for raw in lab.read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            text = row["text"].strip()
            if len(text.split()) >= 3 and row["label"] == "content":
                content.append(text)
            elif text and row["label"] == "boilerplate":
                boiler.append(text)
    rng = random.Random(seed)
    vocab = sorted({w for line in content[:20000] for w in line.split()})
    n_sites = max(1, n_docs // 50)
    templates = [rng.sample(boiler, 10) for _ in range(n_sites)]
    docs: list[Document] = []
    for i in range(n_docs):
        site = i % n_sites
        roll = rng.random()
        if docs and roll < 0.05:
            text = rng.choice(docs).text
        elif docs and roll < 0.10:
            words = rng.choice(docs).text.split(" ")
            for j in rng.sample(range(len(words)), len(words) // 20):
                words[j] = rng.choice(vocab)
            text = " ".join(words)
        else:
            body = []
            for line in rng.sample(content, 20):
                words = line.split(" ")
                for j in range(len(words)):
                    if rng.random() < 0.03:
                        words[j] = rng.choice(vocab)
                body.append(" ".join(words))
            tmpl = templates[site]
            text = "\n".join([*tmpl[:6], *body, *tmpl[6:]])
        meta = {"source": f"crawl/{i // 1000:03d}.jsonl", "line": i % 1000 + 1,
                "input_metadata": {"url": f"https://site{site}.example/page/{i}"}}
        docs.append(Document.from_text(text, id=f"d{i:07d}", meta=meta))
    return docs


def run_step(step, docs: list[Document]) -> int:
    """The corpus passes of one step; returns how many documents it changed or dropped."""
    state = step.empty()
    for d in docs:
        state = step.collect(state, d)
    filt = step.bind(step.merge([state]))
    return sum(filt(d).action != "keep" for d in docs)


def dict_template_peer(docs: list[Document], min_docs: int = 3) -> int:
    counts: dict[tuple[str, str], int] = {}
    for d in docs:
        site = site_of(d)
        for folded in {fold_line(ln.text) for _i, ln in d.content_lines()}:
            counts[site, folded] = counts.get((site, folded), 0) + 1
    changed = 0
    for d in docs:
        site = site_of(d)
        changed += any(counts.get((site, fold_line(ln.text)), 0) >= min_docs for _i, ln in d.content_lines())
    return changed


def datasketch_peer(docs: list[Document], threshold: float = 0.3, num_perm: int = 128) -> int:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    found = 0
    for d in docs:
        grams = set()
        for line in d.text.casefold().split("\n"):
            words = line.split()
            if 0 < len(words) < 5:
                grams.add(" ".join(words).encode("utf-8"))
            grams.update(" ".join(words[i : i + 5]).encode("utf-8") for i in range(len(words) - 4))
        if len(grams) < 2:
            continue
        m = MinHash(num_perm=num_perm)
        m.update_batch(list(grams))
        if lsh.query(m):
            found += 1
        lsh.insert(d.id, m)
    return found


def measure(label: str, fn: Callable[[], int], *, memory: bool) -> dict:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    peak = None
    if memory:
        gc.collect()
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    mem = f"{peak:8.1f} MiB" if peak is not None else "       -"
    print(f"  {label:<44} {seconds:8.1f} s  peak {mem}  ({out} documents changed or dropped)", flush=True)
    return {"label": label, "seconds": round(seconds, 2), "peak_mib": None if peak is None else round(peak, 1), "hits": out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"no dev pages at {data}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    docs = synthesize(data, args.docs)
    words = sum(len(d.text.split()) for d in docs)
    print(f"{len(docs)} documents, {words / len(docs):.0f} words each on average, built in {time.perf_counter() - t0:.1f} s")
    memory = not args.no_memory
    rows = [
        measure("corpus.template_lines (exact)", lambda: run_step(TemplateLines(), docs), memory=memory),
        measure("corpus.template_lines (sketch, memory_mb=32)", lambda: run_step(TemplateLines(memory_mb=32), docs), memory=memory),
        measure("peer: dict counting", lambda: dict_template_peer(docs), memory=memory),
        measure("corpus.dedup (threshold 0.3, 128 perm)", lambda: run_step(Dedup(), docs), memory=memory),
    ]
    try:
        import datasketch  # noqa: F401
    except ImportError:
        print("  peer datasketch: not installed (pip install datasketch)")
    else:
        rows.append(measure("peer: datasketch MinHash + MinHashLSH (hits = candidates)", lambda: datasketch_peer(docs), memory=memory))
    if args.json:
        Path(args.json).write_text(json.dumps({"docs": len(docs), "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
