"""What a default run loads: with the compiled core, ``corpusclean clean`` never imports numpy
(only the Python reference of the layout model, the quality repetition counts and the corpus
steps use it, and import it when they run); on UTF-8 input it never imports chardet (the
decoder's last resort)."""

from __future__ import annotations

import ast
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
print(sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "chardet"}))
sys.exit(code)
"""


def run_child(*argv: str, backend: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True,
                          timeout=120, env=cli_env(CORPUSCLEAN_BACKEND=backend), check=False)


def loaded(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Which of numpy and chardet the child had imported when its run ended."""
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_default_run_with_the_core_imports_neither(pages: Path, tmp_path: Path) -> None:
    if _accel.core() is None:
        pytest.skip("compiled core not in use (not built, or CORPUSCLEAN_BACKEND=python)")
    out = tmp_path / "out"
    done = run_child("clean", str(pages), "-o", str(out), "-q", "--workers", "1", backend="rust")
    assert done.returncode == 0, done.stderr
    assert (out / "documents.jsonl").read_text(encoding="utf-8").count("\n") == 2
    assert loaded(done) == []


def test_the_reference_imports_numpy_when_it_scores_lines(pages: Path, tmp_path: Path) -> None:
    # The check above can fail: the Python backend's layout model loads numpy in the same run.
    (pages / "c.txt").write_text("".join(f"Menu item {i}\n" for i in range(8))
                                 + "The harbour master said the ferry would run again on Monday "
                                   "once the storm had passed and the pier was checked.\n",
                                 encoding="utf-8")
    done = run_child("clean", str(pages), "-o", str(tmp_path / "out"), "-q", "--workers", "1",
                     backend="python")
    assert done.returncode == 0, done.stderr
    assert loaded(done) == ["numpy"]


def test_input_not_in_utf8_imports_chardet(pages: Path, tmp_path: Path) -> None:
    (pages / "c.txt").write_bytes("Добрый день, это текст на русском языке, и он длинный.\n"
                                  .encode("koi8-r"))
    done = run_child("clean", str(pages), "-o", str(tmp_path / "out"), "-q", "--workers", "1",
                     backend="python")
    assert done.returncode == 0, done.stderr
    assert "chardet" in loaded(done)
