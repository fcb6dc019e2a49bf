"""The run report opened in a headless Chromium: no console error, a screenshot with content.

Skipped when no Chromium is installed (``.ci/run`` installs it with apt where it can)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from corpusclean.cli import main

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (apt-get install chromium)")
WIDTH, HEIGHT = 1200, 2400


def open_page(page: Path, shot: Path, profile: Path) -> list[str]:
    """Load ``page``, save a screenshot; return the console messages the page logged."""
    assert BROWSER is not None
    run = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return re.findall(r":CONSOLE[^\]]*\] (.*)", run.stderr)


def test_the_console_check_sees_an_error(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<p>x</p><script>console.error('seen'); missing();</script>")
    messages = open_page(bad, tmp_path / "bad.png", tmp_path / "profile")
    assert any("seen" in m for m in messages) and any("missing" in m for m in messages)


def test_the_seeds_report_renders_without_console_errors(tmp_path):
    out = tmp_path / "o"
    root = Path(__file__).resolve().parent.parent / "seeds"
    assert main(["clean", str(root), "-o", str(out), "-q", "--workers", "1"]) == 0
    shot = tmp_path / "report.png"
    assert open_page(out / "report.html", shot, tmp_path / "profile") == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (WIDTH, HEIGHT)
    # a blank page of this size compresses to a few kilobytes; text and charts do not
    assert len(data) > 50_000
