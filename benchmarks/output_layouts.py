"""Time the assembly of a finished output's record files in every layout, and the report.

Takes the JSONL files of a finished ``corpusclean clean`` output (default layout) as the shard
parts and writes each stream again in each layout (:func:`corpusclean.outputs.write_stream`),
beside the default layout's plain copy, the peer every other layout is measured against. Then
builds the run report (:func:`corpusclean.report.write_report`) of the output.

    corpusclean clean ../shared/bench/dev --include '*.html' --corpus -o /tmp/dev
    python benchmarks/output_layouts.py /tmp/dev
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from corpusclean.outputs import STREAMS, Layout, write_stream
from corpusclean.report import write_report

LAYOUTS = {
    "jsonl (plain copy, the peer)": Layout(),
    "jsonl, 2 MiB files": Layout(max_bytes=2 << 20),
    "jsonl.gz": Layout(compress="gz"),
    "jsonl.gz, 2 MiB files": Layout(compress="gz", max_bytes=2 << 20),
    "jsonl.zst": Layout(compress="zst"),
    "jsonl.zst, 2 MiB files": Layout(compress="zst", max_bytes=2 << 20),
    "parquet (snappy)": Layout("parquet"),
    "parquet (zstd), 2 MiB files": Layout("parquet", "zst", 2 << 20),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", type=Path, help="a finished output in the default layout")
    args = ap.parse_args(argv)
    import pyarrow.parquet  # noqa: F401 - imported before the clock starts
    import zstandard  # noqa: F401
    parts = {s: [args.output / f"{s}.jsonl"] for s in STREAMS}
    size = sum(p.stat().st_size for ps in parts.values() for p in ps)
    print(f"{size / 1e6:.1f} MB of JSONL in {', '.join(STREAMS)}")
    print(f"{'layout':<30} {'seconds':>8} {'MB written':>11} {'files':>6}")
    for name, layout in LAYOUTS.items():
        with tempfile.TemporaryDirectory() as d:
            start = time.perf_counter()
            files = [f for s in STREAMS for f in write_stream(parts[s], Path(d), s, layout)]
            seconds = time.perf_counter() - start
            written = sum((Path(d) / f).stat().st_size for f in files)
        print(f"{name:<30} {seconds:>8.2f} {written / 1e6:>11.1f} {len(files):>6}")
    with tempfile.TemporaryDirectory() as d:
        start = time.perf_counter()
        target = write_report(args.output, Path(d) / "report.html")
        seconds = time.perf_counter() - start
        print(f"report.html: {seconds:.2f} s, {target.stat().st_size / 1e3:.1f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
