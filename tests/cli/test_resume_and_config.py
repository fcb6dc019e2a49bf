"""--resume refuses another run's output, finished or not; TOML steps switch off; the default
pipeline is printed with what each step does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from corpusclean import Pipeline
from corpusclean.errors import ConfigError

from .conftest import corpusclean


def test_resume_on_a_finished_output_of_another_input_is_refused(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert corpusclean("clean", str(pages), "-o", str(out), "-q").returncode == 0
    before = (out / "documents.jsonl").read_bytes()
    same = corpusclean("clean", str(pages), "-o", str(out), "-q", "--resume")
    assert same.returncode == 0, same.stderr
    other = tmp_path / "other"
    shutil.copytree(pages, other)
    (other / "a.txt").write_text("Another text altogether, about the mountain railway and its tunnels.\n")
    run = corpusclean("clean", str(other), "-o", str(out), "-q", "--resume")
    assert run.returncode == 2
    assert "finished run made with another input directory" in run.stderr and "Traceback" not in run.stderr
    assert (out / "documents.jsonl").read_bytes() == before


def test_resume_refuses_changed_files_and_another_pipeline(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert corpusclean("clean", str(pages), "-o", str(out), "-q").returncode == 0
    config = tmp_path / "p.toml"
    config.write_text('[[steps]]\nuse = "encoding.normalize"\n')
    run = corpusclean("clean", str(pages), "-o", str(out), "-q", "--resume", "--config", str(config))
    assert run.returncode == 2 and "another pipeline" in run.stderr
    (pages / "a.txt").write_text("The same name, but the file was written again since the run.\n")
    os.utime(pages / "a.txt", (1, 1))
    run = corpusclean("clean", str(pages), "-o", str(out), "-q", "--resume")
    assert run.returncode == 2 and "input files that changed since" in run.stderr


def test_enabled_false_switches_a_step_off() -> None:
    text = ('[[steps]]\nuse = "encoding.fix_mojibake"\nenabled = false\n\n'
            '[[steps]]\nuse = "encoding.normalize"\nenabled = true\n')
    assert [s.use for s in Pipeline.from_toml(text).steps] == ["encoding.normalize"]
    with pytest.raises(ConfigError, match="'enabled' must be true or false"):
        Pipeline.from_toml('[[steps]]\nuse = "encoding.normalize"\nenabled = "no"\n')


def test_default_pipeline_is_printed_with_comments_that_load_back(tmp_path: Path) -> None:
    run = corpusclean("pipeline")
    assert run.returncode == 0
    assert "# Normalize Unicode" in run.stdout and "enabled = false" in run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) <= 100
    assert Pipeline.from_toml(run.stdout) == Pipeline.default()
