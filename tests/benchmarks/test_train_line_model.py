"""The line-model training script: its segmented-script copies and threshold selection."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("numpy")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "train_line_model.py"


@pytest.fixture(scope="module")
def train():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_line_model", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_line_model"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "line",
    [
        "The committee met on Tuesday, after a long delay, to discuss the budget.",
        "Home | News | Contact us",
        "Posted 12 March 2024 at 10:30",
        "Read more »",
    ],
)
def test_segmented_copy_keeps_the_shape_without_latin_words(train, line: str) -> None:  # type: ignore[no-untyped-def]
    from corpusclean.filters.layout import line_shape

    copy = train.segmented_copy(line)
    assert copy == train.segmented_copy(line)  # deterministic
    assert not any("a" <= c.lower() <= "z" for c in copy)
    shape, orig = line_shape(copy), line_shape(line)
    assert shape.segmented_share > 0.5
    assert shape.end_terminal == orig.end_terminal
    assert shape.date_like == orig.date_like and shape.time_like == orig.time_like
    assert shape.separators == orig.separators


def test_segmented_copy_maps_a_word_to_the_same_characters(train) -> None:  # type: ignore[no-untyped-def]
    a = train.segmented_copy("budget")
    assert train.segmented_copy("Budget budget") == a + a
    assert train.segmented_copy("harbour") != a


def test_segmented_pages_are_a_stable_share(train) -> None:  # type: ignore[no-untyped-def]
    class P:
        def __init__(self, name: str) -> None:
            self.name = name

    pages = [P(f"page-{i}") for i in range(400)]
    chosen = train.segmented_pages(pages, 4)
    assert 60 < len(chosen) < 140
    assert [p.name for p in chosen] == [p.name for p in train.segmented_pages(pages, 4)]
    assert train.segmented_pages(pages, 0) == []
