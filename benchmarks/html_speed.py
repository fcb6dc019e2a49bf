"""HTML pages per second on one core: corpusclean's whole HTML path beside trafilatura (and
resiliparse), on the same real pages, in one process.

    python benchmarks/html_speed.py                          # 200 pages of the dev bench
    python benchmarks/html_speed.py --pages 648 --repeat 3   # every page, best of three
    python benchmarks/html_speed.py --peer-python /path/to/venv/bin/python

The pages are the ``*.html`` files of the bench's dev split (``--bench``, else
``$CORPUSCLEAN_BENCH``, else ``../shared/bench`` beside the repository), sorted by name and
picked at even steps through the list (``--pages`` of them), so every run and every tool sees
the same pages. Each tool gets the page's bytes as read from disk:

- ``corpusclean``: what ``corpusclean clean`` does with an ``.html`` file: read the file, decode
  its bytes, turn the markup into lines and DOM evidence (``readers/html.py``), then run the
  default pipeline (``runner.run_safely``, with its time budget);
- ``trafilatura``: ``trafilatura.extract`` with its defaults (main text, its fallback
  extractors included);
- ``resiliparse``: ``extract_plain_text(HTMLTree.parse_from_bytes(...), main_content=True)``.

The peers run in the interpreter ``--peer-python`` names (default: this one), so they can live
in a venv of their own (``pip install trafilatura lxml_html_clean resiliparse``); one that is
not installed there is left out.

Every tool first runs once over the first page, untimed (lazy loading). Figures are CPU time of
the process (``time.process_time``) over ``--repeat`` passes, the best pass counted; the machine
may be shared, and the best of a few is the least disturbed. Then instrumented passes split
corpusclean's CPU time: reading and decoding, parsing the markup, building the lines and the DOM
evidence, assembling the document, and each pipeline step (run one at a time), each part's
least over the passes. ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def pick_pages(bench: Path, n: int) -> list[Path]:
    """``n`` of the dev split's pages, sorted by name and taken at even steps (all if fewer)."""
    pages = sorted((bench / "dev").glob("*.html"))
    if not pages:
        msg = f"no *.html pages in {bench / 'dev'}"
        raise SystemExit(msg)
    if n >= len(pages):
        return pages
    return [pages[i * len(pages) // n] for i in range(n)]


def _best(run, pages: list[Path], repeat: int) -> float:
    """The CPU seconds of the fastest of ``repeat`` passes of ``run`` over ``pages``."""
    run(pages[:1])  # lazy loading, untimed
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        run(pages)
        times.append(time.process_time() - t0)
    return min(times)


# -- the tools -------------------------------------------------------------------------------------


def corpusclean_runner():
    from corpusclean.pipeline import Pipeline
    from corpusclean.readers import read_file
    from corpusclean.readers.files import ReaderOptions
    from corpusclean.runner import run_safely

    pipeline = Pipeline.default()
    pipeline.warm_up()
    options = ReaderOptions()

    def run(pages: list[Path]) -> None:
        for path in pages:
            for item in read_file(path, path.name, options):
                if not hasattr(item, "reason"):  # a Document, not a Reject
                    run_safely(pipeline, item)

    return run


def corpusclean_split(pages: list[Path], repeat: int = 1) -> dict[str, float]:
    """CPU seconds per part of corpusclean's HTML path, each part's least over ``repeat``
    instrumented passes."""
    from corpusclean.pipeline import Pipeline

    pipeline = Pipeline.default()
    pipeline.warm_up()
    best: dict[str, float] = {}
    for _ in range(repeat):
        for part, s in _split_pass(pipeline, pages).items():
            best[part] = min(s, best.get(part, s))
    return best


def _split_pass(pipeline: Any, pages: list[Path]) -> dict[str, float]:
    from corpusclean.document import Document
    from corpusclean.readers import html
    from corpusclean.readers.decode import decode_bytes

    parts: dict[str, float] = defaultdict(float)
    clock = time.process_time
    for path in pages:
        t0 = clock()
        decoded = decode_bytes(path.read_bytes())
        t1 = clock()
        tree = html.parse_html(decoded.text)
        t2 = clock()
        lines, evidence = html.tree_to_blocks(tree)
        t3 = clock()
        meta = {"source": path.name, "format": "html", "encoding": decoded.to_meta(),
                "dom": evidence.to_meta()}
        if evidence.page:
            meta["page"] = evidence.page
        doc = Document.from_text("\n".join(lines), id=path.name, meta=meta)
        t4 = clock()
        parts["read + decode"] += t1 - t0
        parts["parse the markup"] += t2 - t1
        parts["lines + DOM evidence"] += t3 - t2
        parts["assemble the document"] += t4 - t3
        result = None
        for i, name in enumerate(pipeline.names):  # one step at a time, on the CPU clock
            t0 = clock()
            result = pipeline.run(doc if result is None else result.doc, start=i, end=i + 1,
                                  prior=result)
            parts[f"step {name}"] += clock() - t0
            if not result.kept:
                break
    return dict(parts)


def trafilatura_runner():
    import trafilatura

    def run(pages: list[Path]) -> None:
        for path in pages:
            trafilatura.extract(path.read_bytes())

    return run


def resiliparse_runner():
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def run(pages: list[Path]) -> None:
        for path in pages:
            extract_plain_text(HTMLTree.parse_from_bytes(path.read_bytes()), main_content=True)

    return run


RUNNERS = {"corpusclean": corpusclean_runner, "trafilatura": trafilatura_runner,
           "resiliparse": resiliparse_runner}


def measure(tool: str, pages: list[Path], repeat: int, python: str | None = None) -> float | None:
    """CPU seconds of ``tool`` over ``pages`` (best pass), here or in the interpreter ``python``;
    ``None`` when the tool is not installed there."""
    if python:
        cmd = [python, __file__, "--job", tool, "--repeat", str(repeat), *map(str, pages)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"{tool}: not run with {python}: {out.stderr.strip().splitlines()[-1:]}")
            return None
        return float(out.stdout.strip().splitlines()[-1])
    try:
        run = RUNNERS[tool]()
    except ImportError as exc:
        print(f"{tool}: not installed here ({exc})")
        return None
    return _best(run, pages, repeat)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=None,
                    help="the bench (default: $CORPUSCLEAN_BENCH or ../shared/bench)")
    ap.add_argument("--pages", type=int, default=200, help="how many pages (default: 200)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="passes per tool, the best counted (default: 1)")
    ap.add_argument("--only", nargs="*", choices=list(RUNNERS), default=None)
    ap.add_argument("--peer-python", default=None,
                    help="the Python that has trafilatura and resiliparse (default: this one)")
    ap.add_argument("--no-split", action="store_true", help="skip the instrumented passes")
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    ap.add_argument("--job", help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.job:  # one tool in this interpreter, for a parent run: print its seconds
        print(_best(RUNNERS[args.job](), args.paths, args.repeat))
        return
    bench = args.bench or Path(
        os.environ.get("CORPUSCLEAN_BENCH") or REPO.parent / "shared" / "bench"
    )
    pages = pick_pages(bench, args.pages)
    size = sum(p.stat().st_size for p in pages)
    print(f"{len(pages)} pages of {bench / 'dev'}, {size / 1e6:.1f} MB; CPU time of one process, "
          f"best of {args.repeat}", flush=True)
    tools = args.only or list(RUNNERS)
    seconds: dict[str, float] = {}
    for tool in tools:
        python = args.peer_python if tool != "corpusclean" else None
        s = measure(tool, pages, args.repeat, python)
        if s is not None:
            seconds[tool] = s
    print(f"\n{'tool':<14}{'cpu s':>9}{'s/page':>10}{'pages/s':>10}{'MB/s':>8}")
    for tool, s in seconds.items():
        print(f"{tool:<14}{s:>9.2f}{s / len(pages):>10.4f}{len(pages) / s:>10.1f}"
              f"{size / 1e6 / s:>8.2f}")
    cc = seconds.get("corpusclean")
    for peer in ("trafilatura", "resiliparse"):
        if cc and peer in seconds:
            print(f"corpusclean / {peer}: {seconds[peer] / cc:.2f}x its pages per second")
    figures: dict = {"pages": len(pages), "bytes": size, "repeat": args.repeat,
                     "cpu_seconds": seconds}
    if "corpusclean" in tools and not args.no_split:
        split = corpusclean_split(pages, args.repeat)
        total = sum(split.values())
        print(f"\ncorpusclean's CPU time by part (instrumented passes, each part's least of "
              f"{args.repeat}; {total:.2f} s in all):")
        for part, s in sorted(split.items(), key=lambda kv: -kv[1]):
            print(f"  {part:<36}{s:>8.2f} s {1000 * s / len(pages):>8.2f} ms/page "
                  f"{100 * s / total:>6.1f} %")
        figures["split_seconds"] = split
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
