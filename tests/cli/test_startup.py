"""What a default run loads: with the compiled core, ``corpusclean clean`` never imports numpy
(only the Python reference of the layout model, the quality repetition counts and the corpus
steps use it, and import it when they run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpusclean import _accel

from .conftest import cli_env

CHILD = """
import sys
from corpusclean.cli import main
code = main(sys.argv[1:])
print(sorted(m for m in sys.modules if m.split(".")[0] == "numpy")[:3])
sys.exit(code)
"""


def run_child(*argv: str, backend: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True,
                          timeout=120, env=cli_env(CORPUSCLEAN_BACKEND=backend), check=False)


def test_default_clean_with_the_core_does_not_import_numpy(pages: Path, tmp_path: Path) -> None:
    if _accel.core() is None:
        pytest.skip("compiled core not in use (not built, or CORPUSCLEAN_BACKEND=python)")
    out = tmp_path / "out"
    done = run_child("clean", str(pages), "-o", str(out), "-q", "--workers", "1", backend="rust")
    assert done.returncode == 0, done.stderr
    assert (out / "documents.jsonl").read_text(encoding="utf-8").count("\n") == 2
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_reference_imports_numpy_when_it_scores_lines(pages: Path, tmp_path: Path) -> None:
    # The check above can fail: the Python backend's layout model loads numpy in the same run.
    (pages / "c.txt").write_text("".join(f"Menu item {i}\n" for i in range(8))
                                 + "The harbour master said the ferry would run again on Monday "
                                   "once the storm had passed and the pier was checked.\n",
                                 encoding="utf-8")
    done = run_child("clean", str(pages), "-o", str(tmp_path / "out"), "-q", "--workers", "1",
                     backend="python")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] != "[]"
