"""The default pipeline writes the same bytes with the compiled core as with the Python reference."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from corpusclean import _accel

from .conftest import BENCH, ROOT


def _clean(inp: Path, out: Path, backend: str) -> None:
    env = {**os.environ, _accel.ENV_VAR: backend,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "corpusclean", "clean", str(inp), "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr


def test_seeds_and_dev_pages_byte_identical(core, tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        shutil.copy(path, inp / path.name)
    if BENCH is not None:  # and some real page dumps, where the layout model removes lines
        for path in sorted(BENCH.glob("*.dump.txt"))[::40]:
            shutil.copy(path, inp / path.name)
    _clean(inp, tmp_path / "python", "python")
    _clean(inp, tmp_path / "rust", "rust")
    names = sorted(p.name for p in (tmp_path / "python").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "rust").iterdir())
    assert "documents.jsonl" in names
    for name in names:
        want = (tmp_path / "python" / name).read_bytes()
        assert (tmp_path / "rust" / name).read_bytes() == want, name
