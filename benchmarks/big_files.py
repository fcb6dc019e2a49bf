"""Time and peak memory of corpusclean on big inputs, each scenario in its own process.

Files are made in a temporary directory from the seed pages. Peak memory is the child process's
maximum resident set size (``ru_maxrss``), so it includes the interpreter (about 40 MB).

    nice python benchmarks/big_files.py                 # every scenario
    nice python benchmarks/big_files.py --only txt-200mb-reject --json out.json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
MB = 1024 * 1024


def make_jsonl(path: Path, size: int) -> int:
    """Write JSONL records of seed paragraphs until ``size`` bytes; return how many."""
    paras = [p.strip() for s in sorted((ROOT / "seeds").glob("*.txt"))
             for p in s.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 200]
    n = 0
    written = 0
    with path.open("wb") as f:
        while written < size:
            line = json.dumps({"id": f"r{n}", "text": paras[n % len(paras)], "url": f"https://example.org/{n}"},
                              ensure_ascii=False).encode() + b"\n"
            f.write(line)
            written += len(line)
            n += 1
    return n


def make_single_line(path: Path, size: int, jsonl: bool = False) -> None:
    chunk = ("Ein Satz mit Wörtern, der sich wiederholt. " * 25000).encode()
    with path.open("wb") as f:
        if jsonl:
            f.write(b'{"id": "big", "text": "')
        left = size
        while left > 0:
            f.write(chunk[:left])
            left -= len(chunk)
        if jsonl:
            f.write(b'"}\n')


def scenario(name: str, tmp: Path) -> dict[str, object]:
    """Run one scenario in this process; return its figures (without memory)."""
    from corpusclean.budget import default_budget
    from corpusclean.readers import ReaderOptions, Reject, read_file
    from corpusclean.runner import clean_directory

    out: dict[str, object] = {}
    if name in ("jsonl-1g-read", "jsonl-50m-clean"):
        size = 1024 * MB if name == "jsonl-1g-read" else 50 * MB
        inp = tmp / "in"
        inp.mkdir()
        path = inp / "data.jsonl"
        out["records_written"] = make_jsonl(path, size)
        out["bytes"] = path.stat().st_size
        t0 = time.perf_counter()
        if name == "jsonl-1g-read":
            n = sum(1 for item in read_file(path, "data.jsonl") if not isinstance(item, Reject))
            out["records_read"] = n
        else:
            summary = clean_directory(inp, tmp / "out")
            out["documents_in"] = summary.stats.counts["documents.in"]
        out["seconds"] = round(time.perf_counter() - t0, 2)
        out["mb_per_s"] = round(out["bytes"] / MB / out["seconds"], 1)  # type: ignore[operator]
    elif name.startswith("txt-200mb"):
        inp = tmp / "in"
        inp.mkdir()
        make_single_line(inp / "huge.txt", 200 * MB)
        opts = ReaderOptions() if name == "txt-200mb-reject" else ReaderOptions(max_bytes=256 * MB)
        t0 = time.perf_counter()
        with default_budget(None):
            summary = clean_directory(inp, tmp / "out", reader_options=opts)
        out["seconds"] = round(time.perf_counter() - t0, 2)
        out["outcome"] = {k: v for k, v in summary.stats.counts.items() if k.startswith(("documents.", "rejected."))}
    elif name == "jsonl-200mb-line":
        make_single_line(tmp / "huge.jsonl", 200 * MB, jsonl=True)
        t0 = time.perf_counter()
        items = list(read_file(tmp / "huge.jsonl", "huge.jsonl"))
        out["seconds"] = round(time.perf_counter() - t0, 2)
        out["outcome"] = [i.reason if isinstance(i, Reject) else "doc" for i in items]
    else:
        msg = f"unknown scenario {name}"
        raise ValueError(msg)
    return out


SCENARIOS = ("txt-200mb-reject", "txt-200mb-accepted", "jsonl-200mb-line", "jsonl-50m-clean", "jsonl-1g-read")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=SCENARIOS, action="append")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            figures = scenario(args.child, Path(tmp))
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(figures))
        return 0
    results = {}
    for name in args.only or SCENARIOS:
        proc = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, check=False)
        if proc.returncode:
            results[name] = {"error": proc.stderr[-2000:]}
        else:
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(name, json.dumps(results[name]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
