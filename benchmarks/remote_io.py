"""What input and output as URLs cost beside the same run on a local directory.

A JSONL corpus made from the seed pages is cleaned four ways (directory or ``s3://`` in, directory
or ``s3://`` out) against moto's S3 server on 127.0.0.1 (needs the ``remote`` and
``test-remote`` extras). The pipeline is one light step by default, so reading and writing weigh
as much as they can; ``--default-pipeline`` runs the built-in one. A loopback server has no
network latency and moto is slower than a real store per request: the figures say what the
staging, listing and copies cost here, not what a real bucket costs.

    nice python benchmarks/remote_io.py --mb 40 --workers 1
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
MB = 1024 * 1024


def make_corpus(root: Path, size: int, files: int) -> None:
    paras = [p.strip() for s in sorted((ROOT / "seeds").glob("*.txt"))
             for p in s.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 200]
    root.mkdir(parents=True)
    n = 0
    for k in range(files):
        with (root / f"part{k}.jsonl").open("wb") as f:
            written = 0
            while written < size // files:
                line = json.dumps({"id": f"r{n}", "text": paras[n % len(paras)]}, ensure_ascii=False).encode() + b"\n"
                f.write(line)
                written += len(line)
                n += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=40, help="size of the corpus in MiB (default 40)")
    ap.add_argument("--files", type=int, default=4, help="JSONL files it is cut into (default 4)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--default-pipeline", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each way; the best is shown (default 3)")
    args = ap.parse_args()

    from store_helpers import s3_server

    from corpusclean import Pipeline, Step
    from corpusclean.runner import clean_directory

    pipeline = Pipeline.default() if args.default_pipeline else Pipeline([Step("encoding.normalize")])
    tmp = Path(tempfile.mkdtemp(prefix="remote-io-"))
    try:
        src = tmp / "in"
        make_corpus(src, args.mb * MB, args.files)
        with s3_server() as s3:
            bucket = s3.bucket()
            t = time.monotonic()
            s3.upload(src, f"s3://{bucket}/in")
            print(f"corpus: {args.mb} MiB in {args.files} files; upload to the server {time.monotonic() - t:.2f} s")
            runs = {"directory -> directory": (src, tmp / "out"), "s3 -> directory": (f"s3://{bucket}/in", tmp / "out2"),
                    "directory -> s3": (src, f"s3://{bucket}/out3"), "s3 -> s3": (f"s3://{bucket}/in", f"s3://{bucket}/out4")}
            base = None
            for name, (inp, out) in runs.items():
                times = []
                for _ in range(args.repeat):
                    t = time.monotonic()
                    summary = clean_directory(inp, out, pipeline, workers=args.workers, overwrite=True,
                                              storage_options=s3.options)
                    times.append(time.monotonic() - t)
                elapsed = min(times)
                base = base or elapsed
                mb_out = summary.stats.counts["bytes.out"] / MB
                print(f"{name:24} {elapsed:7.2f} s  x{elapsed / base:5.2f}  "
                      f"{args.mb / elapsed:6.2f} MiB/s in, {mb_out:.1f} MiB out")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
