"""The bench script for the lines task runs end to end on a tiny split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import load_script



@pytest.fixture
def bench_lines():  # type: ignore[no-untyped-def]
    return load_script("bench_lines")


def test_writes_kept_original_lines_and_reports(tmp_path: Path, bench_lines, capsys) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "dev"
    data.mkdir()
    lines = ["Home", "  A sentence of running text, kept verbatim.  ", "Leave a Reply", "Share"]
    (data / "p1.dump.txt").write_text("\n".join(lines), encoding="utf-8")
    labels = ["boilerplate", "content", "boilerplate", "content"]
    (data / "p1.labels.jsonl").write_text(
        "".join(json.dumps({"i": i, "label": lab, "text": t}) + "\n"
                for i, (lab, t) in enumerate(zip(labels, lines))), encoding="utf-8")
    pred = tmp_path / "pred"
    assert bench_lines.main(["--pred", str(pred), "--data", str(data), "--report"]) == 0
    assert (pred / "p1.txt").read_text(encoding="utf-8") == lines[1]
    out = capsys.readouterr().out
    assert "boilerplate.share" in out and "0.000" in out  # the one share line is labelled content
    assert bench_lines.main(["--pred", str(tmp_path / "none"), "--data", str(data), "--steps", ""]) == 0
    assert (tmp_path / "none" / "p1.txt").read_text(encoding="utf-8") == "\n".join(lines)
