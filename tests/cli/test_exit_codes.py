"""Exit codes a scheduler can act on, from the command run in a child process."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import corpusclean


def test_documents_written_exit_0(pages: Path, tmp_path: Path) -> None:
    run = corpusclean("clean", str(pages), "-o", str(tmp_path / "out"), "-q", "--workers", "1")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_empty_input_exits_3(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = corpusclean("clean", str(tmp_path / "empty"), "-o", str(tmp_path / "out"), "-q")
    assert run.returncode == 3
    assert "nothing was cleaned" in run.stderr


def test_every_file_rejected_exits_3(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "blank.txt").write_text("   \n")
    (d / "bad.jsonl").write_text("not json\n")
    run = corpusclean("clean", str(d), "-o", str(tmp_path / "out"), "-q")
    assert run.returncode == 3
    assert "every input was rejected (2 rejects)" in run.stderr


def test_reject_share_over_the_limit_exits_4(pages: Path, tmp_path: Path) -> None:
    (pages / "bad.jsonl").write_text("not json\n")
    out = tmp_path / "out"
    assert corpusclean("clean", str(pages), "-o", str(out), "-q", "--max-reject-share", "0.5").returncode == 0
    run = corpusclean("clean", str(pages), "-o", str(out), "-q", "--overwrite", "--max-reject-share", "0.2")
    assert run.returncode == 4
    assert "1 of 3 inputs rejected" in run.stderr
    assert json.loads((out / "stats.json").read_text())["counts"]["documents.rejected"] == 1


def test_missing_extra_is_a_usage_error_without_traceback(pages: Path, tmp_path: Path) -> None:
    prelude = "import sys; sys.modules['ray'] = None  # as if Ray were not installed"
    run = corpusclean("clean", str(pages), "-o", str(tmp_path / "out"), "--engine", "ray", prelude=prelude)
    assert run.returncode == 2
    assert "pip install 'corpusclean[ray]'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_bad_option_value_exits_2(pages: Path, tmp_path: Path) -> None:
    run = corpusclean("clean", str(pages), "-o", str(tmp_path / "out"), "--max-reject-share", "5")
    assert run.returncode == 2
    assert "between 0 and 1" in run.stderr and "Traceback" not in run.stderr
