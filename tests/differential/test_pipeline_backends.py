"""The default pipeline writes the same bytes with the compiled core as with the Python
reference: every output file (``stats.json`` less what describes the run: its timings), on the
seed pages and, where the benchmark data is present, on some of its pages and mixed-language
documents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

from corpus_helpers import output_bytes

from corpusclean import _accel

ROOT = Path(__file__).resolve().parents[2]
BENCH = Path("/work/shared/bench")

if _accel.core() is None:
    pytest.skip("compiled core not built (CORPUSCLEAN_BACKEND=python or no toolchain)",
                allow_module_level=True)


def _clean(inp: Path, out: Path, backend: str) -> dict[str, bytes]:
    env = {**os.environ, _accel.ENV_VAR: backend,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-m", "corpusclean", "clean", str(inp), "-o", str(out), "-q",
         "--workers", "1"],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    return output_bytes(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    inp = tmp_path_factory.mktemp("input")
    for page in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(page, inp / page.name)
    dev = BENCH / "dev"
    if dev.is_dir():
        for page in islice(sorted(dev.glob("*.dump.txt")), 0, None, 24):
            shutil.copy(page, inp / page.name)
        for page in islice(sorted(dev.glob("*.html")), 0, None, 80):
            shutil.copy(page, inp / page.name)
    mixed = BENCH / "language" / "mixed.jsonl"
    if mixed.is_file():
        with mixed.open(encoding="utf-8") as f:
            (inp / "mixed.jsonl").write_text("".join(islice(f, 0, None, 16)), encoding="utf-8")
    return inp


def test_default_pipeline_bytes_do_not_depend_on_the_backend(corpus, tmp_path):
    reference = _clean(corpus, tmp_path / "python", "python")
    compiled = _clean(corpus, tmp_path / "rust", "rust")
    assert b'"documents.in"' in reference["stats.json"]
    assert compiled.keys() == reference.keys()
    for name in reference:
        assert compiled[name] == reference[name], name
