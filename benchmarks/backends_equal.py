"""Check that the compiled core changes no output byte: run ``corpusclean clean`` with
``CORPUSCLEAN_BACKEND=python`` and with ``CORPUSCLEAN_BACKEND=rust`` over the same inputs and
compare every output file (``stats.json`` less its timings), printing the CPU time of each run.

    python benchmarks/backends_equal.py                       # seeds, dev dumps, dev HTML, 8 MB
    python benchmarks/backends_equal.py --only seeds dumps    # some of the sets
    python benchmarks/backends_equal.py --bench ../shared/bench --mb 8

Exits 1 when a file differs, naming the set, the file and the first differing line.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

SETS = ("seeds", "dumps", "html", "corpus")


def _inputs(name: str, bench: Path, work: Path, mb: float) -> Path:
    inp = work / f"in-{name}"
    inp.mkdir()
    if name == "seeds":
        for page in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copy(page, inp / page.name)
    elif name == "dumps":
        for page in sorted((bench / "dev").glob("*.dump.txt")):
            shutil.copy(page, inp / page.name)
    elif name == "html":
        for page in sorted((bench / "dev").glob("*.html")):
            shutil.copy(page, inp / page.name)
    else:
        import corpus

        corpus.build(inp / "corpus.jsonl", mb, dumps=bench / "dev")
    return inp


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file, ``stats.json`` less the fields that describe the run (timings)."""
    from corpusclean.runner import OUTPUT_FILES
    from corpusclean.stats import RUN_FIELDS

    files = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    stats = json.loads(files["stats.json"])
    kept = {k: v for k, v in stats.items() if k not in RUN_FIELDS}
    files["stats.json"] = json.dumps(kept).encode()
    return files


def _clean(inp: Path, out: Path, backend: str) -> tuple[dict[str, bytes], float]:
    env = {**os.environ, "CORPUSCLEAN_BACKEND": backend,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "corpusclean", "clean", str(inp), "-o", str(out), "-q",
         "--workers", "1", "--no-report"],
        env=env, capture_output=True, text=True, check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"corpusclean clean ({backend}) failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return _outputs(out), cpu


def _first_difference(a: bytes, b: bytes) -> str:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            return f"line {n}: python {x[:160]!r} / rust {y[:160]!r}"
    return f"lengths {len(a)} / {len(b)} bytes"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    ap.add_argument("--mb", type=float, default=8.0, help="size of the speed corpus set (MiB)")
    ap.add_argument("--only", nargs="*", choices=SETS, default=list(SETS))
    args = ap.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="corpusclean-backends-") as tmp:
        work = Path(tmp)
        for name in args.only:
            inp = _inputs(name, args.bench, work, args.mb)
            started = time.perf_counter()
            python, cpu_py = _clean(inp, work / f"out-{name}-python", "python")
            rust, cpu_rs = _clean(inp, work / f"out-{name}-rust", "rust")
            wall = time.perf_counter() - started
            bad = sorted(set(python) ^ set(rust))
            bad += [k for k in python if k in rust and python[k] != rust[k]]
            verdict = "same bytes" if not bad else f"DIFFERENT: {', '.join(bad)}"
            print(f"{name:7s} {len(list(inp.iterdir())):4d} files  python {cpu_py:7.2f} s CPU  "
                  f"rust {cpu_rs:7.2f} s CPU  ({wall:.0f} s wall)  {verdict}")
            for key in bad:
                if key in python and key in rust:
                    print(f"    {key}: {_first_difference(python[key], rust[key])}")
            failed = failed or bool(bad)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
