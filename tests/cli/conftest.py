"""Helpers that drive the ``corpusclean`` command in a child process, as a scheduler does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def corpusclean(*argv: str, timeout: float = 120, prelude: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``corpusclean ARGV`` to its end (``prelude``: Python run first in the child)."""
    code = f"{prelude}\nimport sys\nfrom corpusclean.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          timeout=timeout, env=cli_env(**env), check=False)


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    d = tmp_path / "pages"
    d.mkdir()
    (d / "a.txt").write_text("The river rose overnight and the town council met at dawn to plan.\n"
                             "Volunteers filled sandbags along the quay until the water fell.\n")
    (d / "b.html").write_text("<html><head><title>Flood</title></head><body><p>The bridge reopened "
                              "on Friday after engineers checked its pillars.</p></body></html>")
    return d
