"""Lean records with full provenance: removed lines' text in removals.jsonl, joinable by id."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import corpusclean

PAGE = """Home | News | Sport | Contact
We use cookies to improve your experience on this website. Accept
The council met on Tuesday evening to discuss the budget for the coming year.
It includes more money for schools and libraries, the mayor said after the vote.
Share on Facebook
"""


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_sidecar_by_default_inline_or_none_by_switch(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "page.txt").write_text(PAGE)
    (d / "menu.txt").write_text("Home | News | Sport | Contact\n")  # cleans to nothing
    outs = {}
    for mode in ("sidecar", "inline", "none"):
        outs[mode] = tmp_path / mode
        run = corpusclean("clean", str(d), "-o", str(outs[mode]), "-q", "--removed", mode)
        assert run.returncode == 0, run.stderr
    [rec] = read(outs["sidecar"] / "documents.jsonl")
    removed = rec["metadata"]["removed"]
    assert removed["lines"] >= 2 and sum(removed["reasons"].values()) == removed["lines"]
    assert removed["line_numbers"].startswith("1")
    assert "removed_lines" not in rec["metadata"]
    rows = {r["id"]: r for r in read(outs["sidecar"] / "removals.jsonl")}
    assert {"line": 1, "text": "Home | News | Sport | Contact"}.items() <= {
        k: v for r in rows["page.txt"]["removed"] if r["line"] == 1 for k, v in r.items()}.items()
    assert len(rows["page.txt"]["removed"]) == removed["lines"]
    # a page that cleans to nothing is a drop with a reason, not a kept empty text
    [gone] = read(outs["sidecar"] / "dropped.jsonl")
    assert gone["id"] == "menu.txt" and gone["metadata"]["dropped"]["reason"] == "document.empty"
    assert "menu.txt" in rows
    [inline] = read(outs["inline"] / "documents.jsonl")
    assert inline["metadata"]["removed_lines"] == rows["page.txt"]["removed"]
    assert (outs["inline"] / "removals.jsonl").read_bytes() == b""
    [bare] = read(outs["none"] / "documents.jsonl")
    assert bare["metadata"]["removed"] == removed and "removed_lines" not in bare["metadata"]
    assert len(json.dumps(bare)) < len(json.dumps(inline))


def test_explain_reads_the_sidecar_of_an_output(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "page.txt").write_text(PAGE)
    out = tmp_path / "out"
    assert corpusclean("clean", str(d), "-o", str(out), "-q").returncode == 0
    run = corpusclean("explain", str(out), "--id", "page.txt")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("# page.txt  kept")
    assert any(ln.startswith("-     1 ") and "Home | News" in ln for ln in lines)
    assert any(ln.startswith("+") and "council met" in ln for ln in lines)
