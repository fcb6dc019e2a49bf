"""Does a thread pool help? The compiled core releases the GIL inside each call, so threads of
one process can overlap there while sharing its memory (a process pool copies it). This runs the
default pipeline over the documents of the speed corpus in one process, on 1 and on N threads
(``concurrent.futures.ThreadPoolExecutor``, documents in order), and prints the wall time, the
CPU time, documents per second and the speed-up beside the one-thread run, for each backend
asked for. The outputs of the runs are compared: threads must not change a result.

    python benchmarks/threads.py --mb 4 --threads 1 2
    CORPUSCLEAN_BACKEND=python python benchmarks/threads.py --mb 2   # the reference, for scale

On a machine shared with other jobs the wall times mean little: run it on an idle one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))


def _documents(mb: float) -> list:
    import corpus

    from corpusclean import _json
    from corpusclean.document import Document

    with tempfile.TemporaryDirectory(prefix="corpusclean-threads-") as tmp:
        path = Path(tmp) / "corpus.jsonl"
        corpus.build(path, mb)
        rows = [_json.loads(line) for line in path.read_bytes().splitlines()]
    return [Document.from_text(r["text"], id=r["id"]) for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in MiB (default: 4)")
    ap.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2, help="runs per thread count (best kept)")
    args = ap.parse_args()

    from corpusclean import _accel
    from corpusclean.pipeline import Pipeline

    docs = _documents(args.mb)
    size = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    pipeline = Pipeline.default()
    pipeline.warm_up()
    print(f"backend {_accel.backend_name()}: {len(docs)} documents, {size:.1f} MB of text")
    print(f"{'threads':>7} {'wall s':>8} {'cpu s':>8} {'docs/s':>8} {'speed-up':>8}")
    reference = None
    base = None
    for n in args.threads:
        best = None
        for _ in range(args.repeat):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            with ThreadPoolExecutor(max_workers=n) as pool:
                results = list(pool.map(pipeline.run, docs))
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            best = (wall, cpu) if best is None or wall < best[0] else best
            texts = [r.doc.text if r.kept else r.reason for r in results]
            if reference is None:
                reference = texts
            elif texts != reference:
                raise SystemExit(f"{n} threads changed the results")
        wall, cpu = best
        base = base or wall
        print(f"{n:>7} {wall:8.2f} {cpu:8.2f} {len(docs) / wall:8.1f} {base / wall:8.2f}x")


if __name__ == "__main__":
    main()
