"""A pathological document becomes a ``pipeline.timeout`` or ``read.timeout`` reject, not a hang."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpusclean.budget import budget_available, default_budget
from corpusclean.decision import Decision, keep
from corpusclean.document import Document
from corpusclean.pipeline import Pipeline, Result, Step
from corpusclean.readers import ReaderOptions, Reject, read_file
from corpusclean.readers import files as files_mod
from corpusclean.registry import FilterInfo, Registry
from corpusclean.runner import clean_directory, run_safely

pytestmark = pytest.mark.skipif(not budget_available(), reason="needs SIGALRM on the main thread")

BACKTRACK = re.compile(r"(\w+\s?)+$")


@dataclass(frozen=True)
class Backtracking:
    """A filter with a catastrophic pattern: fast on normal lines, endless on "aaaa...!"."""

    def __call__(self, doc: Document) -> Decision:
        for line in doc.lines:
            BACKTRACK.search(line.text)
        return keep()


def pipeline() -> Pipeline:
    registry = Registry([FilterInfo("test.backtracking", Backtracking, reasons=frozenset())])
    return Pipeline([Step("test.backtracking")], registry=registry)


def test_run_safely_turns_a_hang_into_a_timeout_reject() -> None:
    doc = Document.from_text("a" * 40 + "!", id="bad", meta={"source": "in.jsonl", "line": 7})
    t0 = time.monotonic()
    outcome = run_safely(pipeline(), doc, time_budget=0.2)
    assert time.monotonic() - t0 < 5
    assert isinstance(outcome, Reject)
    assert (outcome.reason, outcome.source, outcome.line) == ("pipeline.timeout", "in.jsonl", 7)
    assert "0.2 s" in outcome.message


def test_a_normal_document_is_not_affected() -> None:
    doc = Document.from_text("a perfectly normal line.", id="ok")
    assert isinstance(run_safely(pipeline(), doc, time_budget=0.5), Result)


def test_the_run_goes_on_after_a_timeout(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("first normal page.")
    (inp / "b.txt").write_text("a" * 40 + "!")
    (inp / "c.txt").write_text("last normal page.")
    with default_budget(0.2):
        clean_directory(inp, tmp_path / "out", pipeline())
    docs = [json.loads(x)["id"] for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    rejects = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert docs == ["a.txt", "c.txt"]
    assert [(r["source"], r["reason"]) for r in rejects] == [("b.txt", "pipeline.timeout")]


def test_slow_reading_is_a_read_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_html(markup: str) -> object:
        time.sleep(10)
        return markup

    monkeypatch.setattr(files_mod, "safe_html_to_blocks", slow_html)
    (tmp_path / "p.html").write_text("<p>x</p>")
    [rej] = list(read_file(tmp_path / "p.html", "p.html", ReaderOptions(time_budget=0.2)))
    assert isinstance(rej, Reject) and rej.reason == "read.timeout"
