import json
from pathlib import Path

import pytest

from corpusclean.errors import OutputError
from corpusclean.writers import AtomicWriter, check_target, write_atomic


def test_nothing_appears_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("earlier run\n")
    with pytest.raises(RuntimeError), AtomicWriter(target) as f:
        f.write("partial")
        raise RuntimeError
    assert target.read_text() == "earlier run\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_symlink_at_the_output_name_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.jsonl").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="symbolic link"):
        write_atomic(out / "documents.jsonl", "x")
    assert elsewhere.read_text() == "precious"


def test_a_symlink_placed_during_the_run_is_refused_at_the_rename(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("precious")
    target = tmp_path / "documents.jsonl"
    with pytest.raises(OutputError), AtomicWriter(target) as f:
        f.write("x")
        target.symlink_to(elsewhere)
    assert elsewhere.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_directory_at_the_output_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "stats.json").mkdir()
    with pytest.raises(OutputError, match="not a regular file"):
        check_target(tmp_path / "stats.json")


def test_lone_surrogates_are_written_as_json_escapes(tmp_path: Path) -> None:
    line = json.dumps({"text": "a\ud800b"}, ensure_ascii=False)
    write_atomic(tmp_path / "x.jsonl", line)
    raw = (tmp_path / "x.jsonl").read_bytes()
    raw.decode("utf-8")  # valid UTF-8 on disk
    assert json.loads(raw) == {"text": "a\ud800b"}


def test_an_unwritable_directory_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create"):
        write_atomic(blocker / "sub" / "a.txt", "x")
