"""Does the process pool run shards side by side? A check that holds on a busy machine.

    python benchmarks/pool_check.py [--mb 10] [--sleep-ms 4]

On a machine whose cores are taken by other jobs, wall-time speed-ups of CPU-bound work say
little. This runs a pipeline whose first step waits ``--sleep-ms`` per document (it takes no
CPU, like a filter waiting on I/O) and then normalizes, on 1 and on 2 workers with 1 MiB shards,
twice each; with two workers the waiting is shared, so the wall time should nearly halve. It
also checks that both write the same bytes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build  # noqa: E402

from corpusclean import FilterInfo, Pipeline, Registry, Step  # noqa: E402
from corpusclean.decision import keep  # noqa: E402
from corpusclean.filters import BUILTINS  # noqa: E402
from corpusclean.runner import clean_directory  # noqa: E402


@dataclass(frozen=True)
class Wait:
    """Keep every document after waiting ``ms`` milliseconds."""

    ms: float = 4.0

    def __call__(self, doc):
        time.sleep(self.ms / 1000)
        return keep()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--sleep-ms", type=float, default=4.0)
    args = ap.parse_args()
    registry = Registry([*BUILTINS, FilterInfo("bench.wait", Wait, reasons=frozenset())])
    work = Path(tempfile.mkdtemp(prefix="corpusclean-pool-"))
    try:
        docs, size = build(work / "in.jsonl", args.mb)
        print(f"corpus: {docs} documents, {size / 1e6:.1f} MB; {args.sleep_ms} ms of waiting per document")
        walls: dict[int, list[float]] = {1: [], 2: []}
        for workers in (1, 2, 1, 2):
            out = work / f"out{workers}"
            shutil.rmtree(out, ignore_errors=True)
            pipe = Pipeline([Step("bench.wait", ms=args.sleep_ms), Step("encoding.normalize")], registry=registry)
            t0 = time.perf_counter()
            clean_directory(work / "in.jsonl", out, pipe, workers=workers, shard_bytes=1 << 20)
            walls[workers].append(time.perf_counter() - t0)
            print(f"{workers} worker(s): {walls[workers][-1]:.2f} s")
        same = (work / "out1" / "documents.jsonl").read_bytes() == (work / "out2" / "documents.jsonl").read_bytes()
        print(f"speed-up 1 -> 2 workers (best of two): {min(walls[1]) / min(walls[2]):.2f}x; same bytes: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
