"""Run a pipeline over the dev bench dumps and write the kept lines for ``score.py --task lines``.

Each ``NAME.dump.txt`` becomes one Document (lines numbered from 1); ``PRED/NAME.txt`` receives
the original dump lines the pipeline did not remove, verbatim and in order. With ``--report``,
each reason code is listed with the number of lines it removed and how many of those the bench
labels call content (``NAME.labels.jsonl``, 0-based ``i``), so false positives show up per family.

    python benchmarks/bench_lines.py --pred /tmp/pred/boilerplate --report
    python benchmarks/bench_lines.py --pred /tmp/pred/none --steps ""
    python3 ../shared/bench/score.py --task lines --pred /tmp/pred/boilerplate
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from corpusclean.document import Document
from corpusclean.pipeline import Pipeline, Step

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "dev"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pred", type=Path, required=True, help="output directory (PRED)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bench split directory")
    ap.add_argument("--steps", default=None,
                    help="comma-separated filter names (default: the default pipeline; '' = none)")
    ap.add_argument("--report", action="store_true", help="per-reason removals vs labels")
    ap.add_argument("--show", default="", help="print removed content lines of this reason")
    args = ap.parse_args(argv)

    if args.steps is None:
        pipe: Pipeline | None = Pipeline.default()
    elif args.steps.strip():
        pipe = Pipeline([Step(s.strip()) for s in args.steps.split(",") if s.strip()])
    else:
        pipe = None
    args.pred.mkdir(parents=True, exist_ok=True)
    removed_by: Counter[str] = Counter()
    content_by: Counter[str] = Counter()
    shown: dict[str, list[str]] = defaultdict(list)
    dumps = sorted(args.data.glob("*.dump.txt"))
    t0 = time.perf_counter()
    for path in dumps:
        name = path.name[: -len(".dump.txt")]
        raw = path.read_text(encoding="utf-8").split("\n")
        doc = Document.from_text("\n".join(raw), id=name)
        kept_nos = {ln.no for ln in doc.lines}
        removals = ()
        if pipe is not None:
            result = pipe.run(doc)
            kept_nos = {ln.no for ln in result.doc.lines}
            removals = result.doc.removals
        out = [text for no, text in enumerate(raw, start=1) if no in kept_nos]
        (args.pred / f"{name}.txt").write_text("\n".join(out), encoding="utf-8")
        if args.report and removals:
            labels_path = args.data / f"{name}.labels.jsonl"
            labels = {}
            if labels_path.exists():
                with labels_path.open(encoding="utf-8") as fh:
                    for row in map(json.loads, fh):
                        labels[row["i"] + 1] = row["label"]
            for r in removals:
                removed_by[r.reason] += 1
                if labels.get(r.line) == "content":
                    content_by[r.reason] += 1
                    if r.reason == args.show:
                        shown[r.reason].append(f"{name}:{r.line}: {r.text[:150]}")
    dt = time.perf_counter() - t0
    (args.pred / "_timing.json").write_text(json.dumps({"pages": len(dumps), "total_s": dt}))
    print(f"{len(dumps)} pages in {dt:.1f} s", file=sys.stderr)
    if args.report:
        print(f"{'reason':28} {'removed':>8} {'content':>8} {'precision':>9}")
        for reason, n in sorted(removed_by.items()):
            c = content_by[reason]
            print(f"{reason:28} {n:8d} {c:8d} {1 - c / n:9.3f}")
        for lines in shown.values():
            print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
