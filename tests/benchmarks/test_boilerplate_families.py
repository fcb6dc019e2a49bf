"""The timing script of the boilerplate families runs end to end and hashes their decisions."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def script(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("boilerplate_families")


def test_times_the_five_families_and_hashes_what_they_decide(  # type: ignore[no-untyped-def]
        tmp_path: Path, script, monkeypatch, capsys) -> None:
    page = ["Home", "We use cookies on this website.", "OK", "A sentence of running text here.",
            "Leave a Reply", "Name *", "3 min read", "Share on Facebook"]
    (tmp_path / "p1.txt").write_text("\n".join(page), encoding="utf-8")
    (tmp_path / "p2.txt").write_text("\n".join(page[3:4]), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["boilerplate_families.py", str(tmp_path), "--digest"])
    script.main()
    first = capsys.readouterr().out
    assert [ln.split()[0] for ln in first.splitlines()[:5]] == list(script.FAMILIES)
    assert "CPU, 2 documents)" in first
    script.main()
    again = capsys.readouterr().out
    digest = [ln for ln in first.splitlines() if ln.startswith("digest ")]
    assert digest and digest == [ln for ln in again.splitlines() if ln.startswith("digest ")]
    # A page that loses other lines gives another digest.
    (tmp_path / "p2.txt").write_text("\n".join(page[:2]), encoding="utf-8")
    script.main()
    assert digest != [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("digest ")]
