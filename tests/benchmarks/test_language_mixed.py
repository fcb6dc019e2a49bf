"""The language bench script runs end to end on a tiny folder of the same layout."""

# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import load_script


RU = [
    "Городской совет во вторник утвердил новый бюджет после долгих споров.",
    "По словам чиновников, деньги пойдут на школы, дороги и транспорт.",
    "Мэр пообещал ещё раз проверить цифры до конца года.",
]


@pytest.fixture
def language_mixed():  # type: ignore[no-untyped-def]
    return load_script("language_mixed")


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_writes_languages_and_kept_lines(tmp_path: Path, language_mixed) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "texts.jsonl", [
        {"id": "t1", "text": "Le chat dort sur le canapé depuis ce matin.", "kind": "sentence"},
        {"id": "t2", "text": "這家公司今年開設了三間新的門市。", "kind": "sentence"},
        {"id": "t3", "text": "Hund", "kind": "word"},
    ])
    _write(data / "mixed.jsonl", [
        {"id": "d1", "text": "\n".join(["Home", *RU])},
        {"id": "d2", "text": "\n".join(RU)},
    ])
    out = tmp_path / "pred"
    assert language_mixed.main(["--data", str(data), "--out", str(out), "--kinds", "sentence"]) == 0
    langs = [json.loads(line) for line in (out / "langs.jsonl").read_text("utf-8").splitlines()]
    assert langs == [{"id": "t1", "lang": "fr"}, {"id": "t2", "lang": "zh"}]
    kept = {
        row["id"]: row
        for row in map(json.loads, (out / "kept.jsonl").read_text("utf-8").splitlines())
    }
    assert kept["d1"]["kept"] == [1, 2, 3]
    assert kept["d1"]["removed"] == [
        {"index": 0, "reason": "language.foreign_script", "detail": "script=Latin share=1.00"}
    ]
    assert kept["d2"] == {"id": "d2", "kept": [0, 1, 2], "removed": []}


def test_missing_data_is_an_error(tmp_path: Path, language_mixed) -> None:  # type: ignore[no-untyped-def]
    assert language_mixed.main(["--data", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
