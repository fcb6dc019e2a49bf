"""Property and fuzz tests: bytes in, never an exception out; every input accounted for."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.pipeline import Pipeline, Result
from corpusclean.readers import ReaderOptions, Reject, read_file
from corpusclean.record import dumps, to_record
from corpusclean.runner import clean_directory, run_safely

ROOT = Path(__file__).resolve().parents[2]


def _load_fuzzer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fuzz_inputs", ROOT / "benchmarks" / "fuzz_inputs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_inputs"] = mod
    spec.loader.exec_module(mod)
    return mod


fuzz_inputs = _load_fuzzer()
PIPELINE = Pipeline.default()
EXTS = (".txt", ".html", ".jsonl", ".txt.gz", ".jsonl.gz")
FRAGMENTS = st.sampled_from([
    b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\r", b"\r\n", b"\n", b"<div>", b"</p>", b"{", b'"text"',
    b":", b"}", b"[", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1b", b"&#0;", b"\\ud800", "é".encode(), b"a", b" ",
])
HOSTILE_BYTES = st.one_of(st.binary(max_size=600), st.lists(FRAGMENTS, max_size=80).map(b"".join))


def outcomes_of(path: Path, name: str) -> list[Document | Reject]:
    return list(read_file(path, name, ReaderOptions(max_bytes=4096, time_budget=5)))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=HOSTILE_BYTES, ext=st.sampled_from(EXTS))
def test_readers_take_any_bytes(tmp_path: Path, data: bytes, ext: str) -> None:
    path = tmp_path / f"x{ext}"
    path.write_bytes(data)
    items = outcomes_of(path, path.name)  # must not raise
    if ext in (".txt", ".html"):
        assert len(items) == 1
    if ext == ".jsonl" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        assert len(items) == fuzz_inputs.expected_count(ext, data)
    for item in items:
        if isinstance(item, Reject):
            assert item.reason.count(".") >= 1 and item.message
            json.dumps(item.to_dict(), ensure_ascii=False).encode("utf-8")
        else:
            item.text.encode("utf-8")  # no lone surrogate reaches a document
            if item.meta.get("line") is not None:
                assert 1 <= item.meta["line"] <= data.count(b"\n") + 1


@given(st.text(max_size=400))
def test_default_pipeline_takes_any_text(text: str) -> None:
    doc = Document.from_text(text, id="x", meta={"source": "x.txt"})
    outcome = run_safely(PIPELINE, doc)
    assert isinstance(outcome, Result), outcome
    line = dumps(to_record(outcome, PIPELINE.fingerprint()))
    buf = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    buf.write(line)  # what AtomicWriter does
    assert json.loads(line)["id"] == "x"


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(st.sampled_from(EXTS), HOSTILE_BYTES), min_size=1, max_size=5))
def test_whole_run_loses_nothing(tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, bytes]]) -> None:
    base = tmp_path_factory.mktemp("run")
    inp = base / "in"
    inp.mkdir()
    for i, (ext, data) in enumerate(files):
        (inp / f"f{i}{ext}").write_bytes(data)
    clean_directory(inp, base / "out", reader_options=ReaderOptions(max_bytes=4096, time_budget=5))
    got = fuzz_inputs.outcomes(base / "out")
    for i, (ext, data) in enumerate(files):
        items = got.get(f"f{i}{ext}", [])
        need = fuzz_inputs.expected_count(ext, data) if not ext.endswith(".gz") else 1
        if need is None:
            need = 1
        assert len(items) >= need or fuzz_inputs._file_level(items), (ext, data[:80], items)


def test_battery_gives_the_documented_outcomes(tmp_path: Path) -> None:
    expected, got = fuzz_inputs.run_battery(tmp_path)
    assert {k: list(v) for k, v in expected.items()} == {k: got.get(k, []) for k in expected}
    assert set(got) <= set(expected), f"outcomes for unexpected sources: {set(got) - set(expected)}"


def test_bounded_fuzzing_finds_no_crash_hang_or_loss(tmp_path: Path) -> None:
    seconds = float(os.environ.get("CORPUSCLEAN_FUZZ_SECONDS", "6"))
    seed = int(os.environ.get("CORPUSCLEAN_FUZZ_SEED", "20261123"))
    figs = fuzz_inputs.fuzz(seconds, seed, tmp_path, batch=15)
    assert figs.files > 0
    assert (figs.crashes, figs.hangs, figs.lost) == (0, 0, 0), figs.failures
