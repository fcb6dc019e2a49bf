"""Time and peak memory of the corpus passes on synthetic documents, beside peers in one process.

The documents are synthesized deterministically from the dev pages: each belongs to one of
``docs / 50`` sites, whose pages share ten template lines (boilerplate lines of the dev pages)
around twenty content lines drawn from every dev page's content lines, with 3% of their words
replaced; 5% of the documents are exact copies and 5% near copies (5% of words changed).

Each system runs in its own process, which loads the documents from a pickle and reports the
wall time of the passes and how far they raised the peak resident memory above the loaded
documents (the peak is reset after loading through Linux's ``/proc/self/clear_refs``).

- ``corpus.template_lines``: collect, merge, bind, then the filter on every document;
  peer: a plain ``dict`` of sets-per-document counts keyed by (site, folded line).
- ``corpus.dedup``: collect, merge, bind (LSH and union-find), then the filter;
  peer: datasketch ``MinHash`` (``update_batch``) and ``MinHashLSH`` at the same threshold and
  number of permutations, inserting and querying every document (no union-find).

    python benchmarks/corpus_speed.py [--docs 100000] [--cache F.pickle] [--only dedup,datasketch]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
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
        meta = {
            "source": f"crawl/{i // 1000:03d}.jsonl",
            "line": i % 1000 + 1,
            "input_metadata": {"url": f"https://site{site}.example/page/{i}"},
        }
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
        changed += any(
            counts.get((site, fold_line(ln.text)), 0) >= min_docs for _i, ln in d.content_lines()
        )
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


SYSTEMS: dict[str, tuple[str, Callable[[list[Document]], int]]] = {
    "template": ("corpus.template_lines (exact)", lambda docs: run_step(TemplateLines(), docs)),
    "template-sketch": (
        "corpus.template_lines (sketch, memory_mb=32)",
        lambda docs: run_step(TemplateLines(memory_mb=32), docs),
    ),
    "dict": ("peer: dict counting", dict_template_peer),
    "dedup": ("corpus.dedup (threshold 0.3, 128 perm)", lambda docs: run_step(Dedup(), docs)),
    "datasketch": ("peer: datasketch MinHash + MinHashLSH (hits = candidates)", datasketch_peer),
}


def child(name: str, cache: Path) -> int:
    """Run one system on the cached documents; print seconds and peak RSS above the documents."""
    with cache.open("rb") as f:
        docs = pickle.load(f)
    gc.collect()
    base = _reset_peak_rss()
    t0 = time.perf_counter()
    hits = SYSTEMS[name][1](docs)
    seconds = time.perf_counter() - t0
    peak = _peak_rss() - base
    row = {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20, 1), "hits": hits}
    print(json.dumps(row))
    return 0


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def _reset_peak_rss() -> int:
    """Reset the peak resident size to the current one (Linux ``clear_refs``); return it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status("VmRSS")
    except OSError:  # not Linux: the peak since start, loading included
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _peak_rss() -> int:
    try:
        return _status("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--cache", help="pickle of the synthesized documents (built if missing)")
    ap.add_argument("--only", help="comma-separated systems: " + ",".join(SYSTEMS))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child, Path(args.cache))
    data = Path(args.data)
    if not data.is_dir():
        print(f"no dev pages at {data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache or Path(tmp) / "docs.pickle")
        if not cache.exists():
            t0 = time.perf_counter()
            docs = synthesize(data, args.docs)
            words = sum(len(d.text.split()) for d in docs)
            print(
                f"{len(docs)} documents, {words / len(docs):.0f} words each on average, "
                f"built in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
            with cache.open("wb") as f:
                pickle.dump(docs, f, protocol=pickle.HIGHEST_PROTOCOL)
            del docs
        names = args.only.split(",") if args.only else list(SYSTEMS)
        rows = []
        for name in names:
            if name == "datasketch" and importlib.util.find_spec("datasketch") is None:
                print("  peer datasketch: not installed (pip install datasketch)")
                continue
            out = subprocess.run(
                [sys.executable, __file__, "--child", name, "--cache", str(cache)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row = {"system": SYSTEMS[name][0], **json.loads(out.strip().splitlines()[-1])}
            rows.append(row)
            print(
                f"  {row['system']:<58} {row['seconds']:8.1f} s  peak +{row['peak_mib']:7.1f} MiB  "
                f"({row['hits']} documents changed or dropped)",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"docs": args.docs, "rows": rows}, indent=2), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
