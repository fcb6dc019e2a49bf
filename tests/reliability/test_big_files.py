"""Big inputs are streamed or refused with bounded memory (made in a temporary directory).

Marked ``slow``; it takes a few seconds, so CI runs it. Throughput and peak memory on bigger
inputs are measured by ``benchmarks/big_files.py`` (figures in ``docs/reliability.md``).
"""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from corpusclean.document import Document
from corpusclean.readers import ReaderOptions, Reject, read_file

pytestmark = pytest.mark.slow

MB = 1024 * 1024
T = TypeVar("T")


def peak_mb(fn: Callable[[], T]) -> tuple[T, float]:
    """Run ``fn``; return its result and the peak of Python allocations meanwhile, in MB."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / MB


def write_single_line(path: Path, size: int, head: bytes = b"", tail: bytes = b"") -> None:
    chunk = b"word " * (MB // 5)
    with path.open("wb") as f:
        f.write(head)
        left = size
        while left > 0:
            f.write(chunk[:left])
            left -= len(chunk)
        f.write(tail)


def test_200mb_single_line_text_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    write_single_line(path, 200 * MB)
    t0 = time.monotonic()
    items, peak = peak_mb(lambda: list(read_file(path, "huge.txt")))  # default --max-bytes: 64 MiB
    assert [(i.reason) for i in items if isinstance(i, Reject)] == ["read.too_large"]
    assert peak < 5, f"{peak:.1f} MB allocated for a file that should not be read"
    assert time.monotonic() - t0 < 5


def test_200mb_single_line_jsonl_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    first = json.dumps({"id": "first", "text": "before"}).encode() + b"\n"
    last = b"\n" + json.dumps({"id": "last", "text": "after"}).encode() + b"\n"
    write_single_line(path, 200 * MB, head=first + b'{"id": "big", "text": "', tail=b'"}' + last)
    items, peak = peak_mb(lambda: list(read_file(path, "huge.jsonl", ReaderOptions(max_bytes=4 * MB))))
    got = [i.reason if isinstance(i, Reject) else i.id for i in items]
    assert got == ["first", "jsonl.line_too_long", "last"]
    assert peak < 4 * 3 + 4, f"peak {peak:.1f} MB for a 4 MB line limit"


def test_1gb_jsonl_is_streamed_line_by_line(tmp_path: Path) -> None:
    # 1 GiB of file, most of it one line of NUL bytes made sparse (instant to create, fast to
    # read): the reader must walk past it in chunks, and read the records around it.
    path = tmp_path / "giant.jsonl"
    records = [json.dumps({"id": f"r{i}", "text": f"record number {i}"}).encode() + b"\n" for i in range(1000)]
    with path.open("wb") as f:
        f.writelines(records)
        f.truncate(1024 * MB)
        f.seek(0, 2)
        f.write(b"\n")
        f.writelines(records[:10])
    assert path.stat().st_size > 1024 * MB
    items, peak = peak_mb(lambda: list(read_file(path, "giant.jsonl", ReaderOptions(max_bytes=8 * MB))))
    docs = [i for i in items if isinstance(i, Document)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(docs) == 1010
    assert [(r.reason, r.line) for r in rejects] == [("jsonl.line_too_long", 1001)]
    assert docs[-1].meta["line"] == 1011 and docs[-1].id == "r9#giant.jsonl:1011"
    assert peak < 8 * 3 + 8, f"peak {peak:.1f} MB while streaming"
