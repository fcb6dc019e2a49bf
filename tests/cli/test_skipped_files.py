"""Nothing skipped in silence: files no reader takes are counted, --include/--exclude choose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpusclean.readers.files import extension, supported

from .conftest import corpusclean


@pytest.mark.parametrize(("name", "ext"), [
    ("notes.md", ".md"), ("README", "(none)"), ("crawl.warc.gz", ".warc.gz"), ("a.XHTML", ".xhtml"),
    ("dump.jsonl.zst", ".jsonl.zst"), ("x.tar.bz2", ".tar.bz2"),
])
def test_extension_names_what_no_reader_takes(name: str, ext: str) -> None:
    assert extension(name) == ext


def test_supported_asks_the_readers() -> None:
    assert supported(Path("a.jsonl.gz")) and supported(Path("b.HTM"))
    assert not supported(Path("c.md"))


def test_unsupported_files_are_counted_and_reported(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.md", "b.md", "c.xhtml", "d.json", "README", "e.arc.gz"):
        (d / name).write_text("# a heading\n")
    run = corpusclean("clean", str(d), "-o", str(tmp_path / "out"))
    assert run.returncode == 3
    assert "6 files skipped: no reader takes them" in run.stderr
    assert "skipped, no reader takes them: 6 files (.md 2, (none) 1, .arc.gz 1, .json 1, .xhtml 1)" in run.stdout
    counts = json.loads((tmp_path / "out" / "stats.json").read_text())["counts"]
    assert counts["unsupported..md"] == 2 and counts["unsupported..arc.gz"] == 1
    assert counts["files.unsupported"] == 6


def test_include_and_exclude_choose_files(pages: Path, tmp_path: Path) -> None:
    (pages / "drafts").mkdir()
    (pages / "drafts" / "c.txt").write_text("A draft paragraph about the harbour and its old cranes.\n")
    out = tmp_path / "out"
    run = corpusclean("clean", str(pages), "-o", str(out), "--include", "*.txt", "--exclude", "drafts/*")
    assert run.returncode == 0, run.stderr
    ids = [json.loads(x)["id"] for x in (out / "documents.jsonl").read_text().splitlines()]
    assert ids == ["a.txt"]
    assert "left out by --include/--exclude: 2 files" in run.stdout
