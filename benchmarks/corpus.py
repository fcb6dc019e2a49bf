"""A deterministic benchmark corpus of real web text: the page dumps of the benchmark's dev split
(``NAME.dump.txt``: every visible text block of a page, menus and footers included), repeated in
a seeded shuffle until the wanted size, written as JSONL records ``{"id", "text", "url"}``.

    python benchmarks/corpus.py OUT.jsonl --mb 30
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

DEFAULT_DUMPS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "dev"


def find_dumps(root: Path | None = None) -> list[Path]:
    """The ``*.dump.txt`` files to build from, sorted; ``CORPUSCLEAN_BENCH`` or ``root`` may
    point elsewhere."""
    import os

    for candidate in (root, os.environ.get("CORPUSCLEAN_BENCH"), DEFAULT_DUMPS, Path("/work/shared/bench/dev")):
        if candidate and Path(candidate).is_dir():
            dumps = sorted(Path(candidate).glob("*.dump.txt"))
            if dumps:
                return dumps
    msg = "no *.dump.txt files found: pass --dumps DIR or set CORPUSCLEAN_BENCH"
    raise SystemExit(msg)


def build(out: Path, mb: float, *, dumps: Path | None = None, seed: int = 1, files: int = 1) -> tuple[int, int]:
    """Write about ``mb`` MiB of JSONL into ``out`` (a file, or a directory of ``files`` files);
    return (documents, bytes)."""
    pages = [(p.name[: -len(".dump.txt")], p.read_text(encoding="utf-8")) for p in find_dumps(dumps)]
    rng = random.Random(seed)
    target = int(mb * 1024 * 1024)
    paths = [out] if files == 1 else [out / f"part-{i:03d}.jsonl" for i in range(files)]
    out.parent.mkdir(parents=True, exist_ok=True)
    if files > 1:
        out.mkdir(parents=True, exist_ok=True)
    handles = [p.open("wb") for p in paths]
    written = docs = 0
    round_no = 0
    try:
        while written < target:
            order = list(range(len(pages)))
            rng.shuffle(order)
            for i in order:
                name, text = pages[i]
                rec = {"id": f"{name}#{round_no}", "text": text, "url": f"https://bench.example/{name}"}
                line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
                handles[docs % files].write(line)
                written += len(line)
                docs += 1
                if written >= target:
                    break
            round_no += 1
    finally:
        for h in handles:
            h.close()
    return docs, written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=30.0)
    ap.add_argument("--files", type=int, default=1, help="write a directory of this many files")
    ap.add_argument("--dumps", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    docs, size = build(args.out, args.mb, dumps=args.dumps, seed=args.seed, files=args.files)
    print(f"{args.out}: {docs} documents, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
