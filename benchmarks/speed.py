"""Speed per core, and from one worker to two: corpusclean against the JSONL floor and datatrove.

    python benchmarks/speed.py                      # 30 MB corpus, everything
    python benchmarks/speed.py --mb 1024 --only pool --workers 1 2   # the 1 GB memory run

Builds a deterministic JSONL corpus of real web text (``benchmarks/corpus.py``: the dev split's
page dumps, repeated in a seeded shuffle) in a temporary directory, then measures, each in a
fresh subprocess:

- ``floor``: read every line with orjson (or json) and write it back, nothing else;
- ``langdetect``: read every line and detect its language on the bounded sample the
  ``language.detect`` step takes, nothing else: a bound on any pipeline that runs that step;
- ``corpusclean``: ``corpusclean clean`` with the default pipeline on one worker;
- ``datatrove``: JsonlReader -> FTFYFormatter -> C4QualityFilter -> GopherQualityFilter ->
  JsonlWriter, one task (``pip install -r benchmarks/requirements.txt``), on the first
  ``--datatrove-mb`` of the corpus, because it is slow, and on a quarter of that: the difference
  of the two is its rate once started (loading spaCy weighs on a small run);
- ``pool``: corpusclean with ``--workers`` N for each N given.

For each: MB/s and documents/s by wall time and by CPU time (user + system of the process and
its children: the figure that holds on a busy machine), peak memory (the largest memory of the process
tree, sampled; by proportional set size, so the pages forked workers share count once), and the
ratios. Then the share of corpusclean's time per step, from
the run's step timings. ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build  # noqa: E402

# -- the measured jobs (run in a subprocess: ``speed.py --job NAME IN OUT``) -----------------------


def job_floor(inp: Path, out: Path) -> dict:
    try:
        import orjson

        loads, dumps = orjson.loads, lambda o: orjson.dumps(o, option=orjson.OPT_APPEND_NEWLINE)
        lib = "orjson"
    except ImportError:
        loads = json.loads
        lib = "json"

        def dumps(o):
            return (json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n").encode()

    out.mkdir(parents=True, exist_ok=True)
    docs = 0
    with inp.open("rb") as src, (out / "out.jsonl").open("wb") as dst:
        for line in src:
            dst.write(dumps(loads(line)))
            docs += 1
    return {"documents": docs, "library": lib}


def job_corpusclean(inp: Path, out: Path, workers: int = 1, shard_mb: float = 8, config: str = "") -> dict:
    from corpusclean import Pipeline, _json
    from corpusclean.runner import clean_directory

    pipeline = Pipeline.from_toml(Path(config).read_text(encoding="utf-8")) if config else None
    t0 = time.perf_counter()
    summary = clean_directory(inp, out, pipeline=pipeline, workers=workers,
                              shard_bytes=int(shard_mb * 1024 * 1024))
    return {
        "inner_wall_s": time.perf_counter() - t0,
        "documents": summary.stats.counts["documents.in"],
        "kept": summary.stats.counts.get("documents.kept", 0),
        "step_seconds": dict(summary.stats.seconds),
        "orjson": _json.HAVE_ORJSON,
    }


def job_datatrove(inp: Path, out: Path) -> dict:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import C4QualityFilter, GopherQualityFilter
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    ex = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(inp.parent), glob_pattern=inp.name), FTFYFormatter(), C4QualityFilter(),
                  GopherQualityFilter(), JsonlWriter(str(out / "docs"))],
        tasks=1, workers=1, logging_dir=str(out / "logs"),
    )
    ex.run()
    docs = sum(1 for _ in inp.open("rb"))
    return {"documents": docs}


def job_langdetect(inp: Path, out: Path, max_chars: int = 0) -> dict:
    """The document-language step alone: read each record and detect its language on the same
    bounded sample ``language.detect`` takes (``max_chars``, default: the step's), nothing
    else. The default pipeline runs this step on every document, so its rate bounds the
    pipeline's."""
    from corpusclean import _json
    from corpusclean.filters.language import Detect
    from corpusclean.language.detect import detect_lines, factory

    max_chars = max_chars or Detect().max_chars

    factory()  # the profiles, loaded once per process as in a run
    out.mkdir(parents=True, exist_ok=True)
    docs = 0
    with inp.open("rb") as src:
        for line in src:
            detect_lines(_json.loads(line)["text"].splitlines(), max_chars=max_chars)
            docs += 1
    return {"documents": docs, "max_chars": max_chars}


JOBS = {"floor": job_floor, "corpusclean": job_corpusclean, "datatrove": job_datatrove,
        "langdetect": job_langdetect}


# -- measuring ----------------------------------------------------------------------------------


def _memory(pid: int) -> int:
    """Proportional set size of ``pid`` (a page shared by k processes counts 1/k in each, so the
    sum over a tree of forked workers is the memory the tree really holds), or its resident set
    size where the kernel does not report it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Memory of ``pid`` and all its descendants (Linux /proc), by :func:`_memory`."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            total += _memory(p)
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(job: str, inp: Path, out: Path, size: int, *, workers: int = 1, python: str = sys.executable,
            shard_mb: float = 8, config: str = "", langdetect_chars: int = 0) -> dict:
    """Run one job in a subprocess; wall and CPU time, peak memory of its tree."""
    shutil.rmtree(out, ignore_errors=True)
    result_file = out.with_suffix(".result.json")
    cmd = [python, str(Path(__file__).resolve()), "--job", job, str(inp), str(out), "--workers", str(workers),
           "--shard-mb", str(shard_mb), "--config", config, "--langdetect-chars", str(langdetect_chars)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        msg = f"{job} failed with exit code {code}"
        raise SystemExit(msg)
    info = json.loads(result_file.read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    mb = size / 1e6
    info.update({
        "job": job, "workers": workers, "mb": round(mb, 2), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "mb_per_s_wall": round(mb / wall, 3), "mb_per_s_cpu": round(mb / cpu, 3),
        "docs_per_s_wall": round(info["documents"] / wall, 1), "docs_per_s_cpu": round(info["documents"] / cpu, 1),
        "peak_rss_mb": round(peak / 1e6, 1),
    })
    return info


def _head(inp: Path, out: Path, mb: float) -> int:
    """The first ``mb`` MB of whole lines of ``inp``, written to ``out``; returns its size."""
    limit = int(mb * 1e6)
    size = 0
    with inp.open("rb") as src, out.open("wb") as dst:
        for line in src:
            if size >= limit:
                break
            dst.write(line)
            size += len(line)
    return size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=30.0, help="corpus size in MiB (default: 30)")
    ap.add_argument("--files", type=int, default=1, help="split the corpus into this many JSONL files")
    ap.add_argument("--datatrove-mb", type=float, default=2.0, help="datatrove's share of the corpus (default: 2 MB)")
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="worker counts of the pool runs")
    ap.add_argument("--only", nargs="*", choices=["floor", "langdetect", "corpusclean", "datatrove", "pool"], default=None)
    ap.add_argument("--datatrove-python", default=sys.executable, help="the Python that has datatrove installed")
    ap.add_argument("--workdir", type=Path, default=None, help="where to build the corpus (default: a temporary dir)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    ap.add_argument("--shard-mb", type=float, default=8.0,
                    help="input per shard of the pool runs in MiB (default: 8, as the CLI); the "
                    "corpus must hold several shards for the workers to share the work")
    ap.add_argument("--config", default="", help="pipeline TOML for corpusclean (default: the built-in one)")
    ap.add_argument("--gzip", action="store_true",
                    help="gzip-compress the corpus (corpusclean and pool runs only): a large "
                    "compressed file is cut into ranges of its decompressed bytes")
    ap.add_argument("--langdetect-chars", type=int, default=0,
                    help="sample size of the langdetect run (default: the language.detect step's)")
    ap.add_argument("--job", nargs=3, metavar=("NAME", "IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.config:
        args.config = str(Path(args.config).resolve())
    if args.job:
        name, inp, out = args.job[0], Path(args.job[1]), Path(args.job[2])
        kwargs = {
            "corpusclean": {"workers": args.workers[0], "shard_mb": args.shard_mb, "config": args.config},
            "langdetect": {"max_chars": args.langdetect_chars},
        }.get(name, {})
        info = JOBS[name](inp, out, **kwargs)
        out.with_suffix(".result.json").write_text(json.dumps(info))
        return
    only = set(args.only or ["floor", "langdetect", "corpusclean", "datatrove", "pool"])
    work = Path(tempfile.mkdtemp(prefix="corpusclean-speed-", dir=args.workdir))
    try:
        corpus = work / "corpus" / ("corpus.jsonl" if args.files == 1 else "parts")
        docs, size = build(corpus, args.mb, files=args.files)
        if args.gzip:
            # corpusclean reads it compressed (the floor, langdetect and datatrove runs are not run)
            import gzip

            for part in [corpus] if args.files == 1 else sorted(corpus.glob("*.jsonl")):
                with part.open("rb") as src, gzip.open(part.with_name(part.name + ".gz"), "wb") as dst:
                    shutil.copyfileobj(src, dst)
                part.unlink()
            if args.files == 1:
                corpus = corpus.with_name(corpus.name + ".gz")
            only -= {"floor", "langdetect", "datatrove"}
        print(f"corpus: {docs} documents, {size / 1e6:.1f} MB of JSONL in {corpus}", flush=True)
        rows = []
        if "floor" in only and args.files == 1:
            rows.append(measure("floor", corpus, work / "floor", size))
        if "langdetect" in only and args.files == 1:
            rows.append(measure("langdetect", corpus, work / "langdetect", size,
                                langdetect_chars=args.langdetect_chars))
        if "corpusclean" in only:
            rows.append(measure("corpusclean", corpus, work / "cc", size, config=args.config))
        if "datatrove" in only and args.files == 1:
            head = work / "dt-in" / "head.jsonl"
            head.parent.mkdir()
            rows.append(measure("datatrove", head, work / "dt", _head(corpus, head, args.datatrove_mb),
                                python=args.datatrove_python))
            # A quarter as much again: the difference of the two runs is datatrove's rate once its
            # models are loaded (its start-up weighs on a small run).
            small = work / "dt-small-in" / "head.jsonl"
            small.parent.mkdir()
            row = measure("datatrove", small, work / "dt-small",
                          _head(corpus, small, args.datatrove_mb / 4), python=args.datatrove_python)
            rows.append({**row, "job": "datatrove-small"})
        if "pool" in only:
            for n in args.workers:
                row = measure("corpusclean", corpus, work / f"pool{n}", size, workers=n, shard_mb=args.shard_mb,
                              config=args.config)
                rows.append({**row, "job": "pool"})
        report(rows)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: list[dict]) -> None:
    print(f"\n{'run':<18}{'MB':>8}{'wall s':>9}{'cpu s':>9}{'MB/s wall':>11}{'MB/s cpu':>10}"
          f"{'docs/s cpu':>12}{'peak MB':>9}")
    for r in rows:
        name = r["job"] if r["job"] != "pool" else f"pool w={r['workers']}"
        print(f"{name:<18}{r['mb']:>8.1f}{r['wall_s']:>9.2f}{r['cpu_s']:>9.2f}{r['mb_per_s_wall']:>11.3f}"
              f"{r['mb_per_s_cpu']:>10.3f}{r['docs_per_s_cpu']:>12.1f}{r['peak_rss_mb']:>9.1f}")
    by = {(r["job"], r["workers"]): r for r in rows}
    cc = by.get(("corpusclean", 1))
    if cc:
        if ("floor", 1) in by:
            o = by[("floor", 1)]
            print(f"corpusclean runs at {100 * cc['mb_per_s_cpu'] / o['mb_per_s_cpu']:.2f} % of the floor's MB/s "
                  f"by CPU time (the floor is {o['mb_per_s_cpu'] / cc['mb_per_s_cpu']:.0f}x faster)")
        if ("datatrove", 1) in by:
            o = by[("datatrove", 1)]
            print(f"corpusclean / datatrove: {cc['mb_per_s_cpu'] / o['mb_per_s_cpu']:.2f}x by CPU time, "
                  f"{cc['mb_per_s_wall'] / o['mb_per_s_wall']:.2f}x by wall time")
        small = by.get(("datatrove-small", 1))
        if small and ("datatrove", 1) in by:
            big = by[("datatrove", 1)]
            steady = (big["mb"] - small["mb"]) / (big["cpu_s"] - small["cpu_s"])
            print(f"datatrove once started (the difference of its two runs): {steady:.3f} MB/s by CPU "
                  f"time; corpusclean / that: {cc['mb_per_s_cpu'] / steady:.2f}x")
    lang = by.get(("langdetect", 1))
    if lang and ("datatrove", 1) in by:
        o = by[("datatrove", 1)]
        print(f"the document-language step alone (langdetect on each document's sample of "
              f"{lang['max_chars']} characters) / datatrove: "
              f"{lang['mb_per_s_cpu'] / o['mb_per_s_cpu']:.2f}x by CPU time: no pipeline that runs it "
              f"can be faster")
    if cc:
        secs = cc["step_seconds"]
        total = cc["inner_wall_s"]
        if secs:
            print("\ncorpusclean on one worker, share of the run's time per step (the rest: reading, "
                  "records, writing):")
            for step, s in sorted(secs.items(), key=lambda kv: -kv[1]):
                print(f"  {step:<32}{s:>8.2f} s {100 * s / total:>6.1f} %")
            rest = total - sum(secs.values())
            print(f"  {'(outside the steps)':<32}{rest:>8.2f} s {100 * rest / total:>6.1f} %")
    pools = sorted((r for r in rows if r["job"] == "pool"), key=lambda r: r["workers"])
    if len(pools) > 1:
        base = pools[0]
        for r in pools[1:]:
            print(f"speed-up {base['workers']} -> {r['workers']} workers: {base['wall_s'] / r['wall_s']:.2f}x "
                  f"by wall time (CPU time {base['cpu_s']:.1f} s -> {r['cpu_s']:.1f} s)")


if __name__ == "__main__":
    main()
