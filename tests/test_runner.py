import json

import pytest

from corpusclean.cli import main
from corpusclean.errors import OutputError
from corpusclean.runner import clean_directory


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seeds_are_cleaned_into_jsonl(seeds_dir, tmp_path):
    out = tmp_path / "out"
    summary = clean_directory(seeds_dir, out)
    recs = _records(out / "documents.jsonl")
    assert [r["id"] for r in recs] == sorted(p.name for p in seeds_dir.glob("*.txt"))
    assert summary.stats.counts["documents.in"] == 5
    for r in recs:
        assert set(r) == {"id", "text", "source", "metadata"}
        assert r["metadata"]["corpusclean"]["pipeline"]
        assert r["metadata"]["encoding"]["encoding"] == "utf-8"
    assert (out / "rejects.jsonl").read_text() == ""
    assert json.loads((out / "stats.json").read_text())["counts"]["documents.in"] == 5


def test_second_run_is_byte_identical(seeds_dir, tmp_path):
    clean_directory(seeds_dir, tmp_path / "a")
    clean_directory(seeds_dir, tmp_path / "b")
    for name in ("documents.jsonl", "dropped.jsonl", "rejects.jsonl", "removals.jsonl", "pipeline.toml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    a, b = (json.loads((tmp_path / d / "stats.json").read_text()) for d in "ab")
    assert a.pop("timings") and b.pop("timings")  # the only part that varies from run to run
    assert a == b


def test_bad_inputs_are_rejected_and_the_run_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "ru.txt").write_bytes("Привет, как дела? Это длинный текст на русском языке о погоде.".encode("cp1251"))
    (src / "ar.txt").write_bytes("مرحبا بكم في هذا الموقع الإخباري العربي الكبير، نتمنى لكم قراءة ممتعة".encode("cp1256"))
    (src / "data.jsonl").write_text('{"id": "a", "text": "good one"}\n{broken\n{"id": "b", "text": "good two"}\n')
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    out = tmp_path / "out"
    clean_directory(src, out)
    docs = {r["id"]: r for r in _records(out / "documents.jsonl")}
    assert docs["ru.txt"]["metadata"]["encoding"]["encoding"] == "cp1251"
    assert docs["ru.txt"]["text"].startswith("Привет")
    assert docs["ar.txt"]["metadata"]["encoding"]["encoding"] == "cp1256"
    assert {"a", "b"} <= set(docs)
    rejects = {(r["source"], r["reason"]) for r in _records(out / "rejects.jsonl")}
    assert ("empty.txt", "read.empty") in rejects
    assert ("image.txt", "decode.binary") in rejects
    assert ("data.jsonl", "jsonl.bad_json") in rejects
    assert ("dangling.txt", "read.unreadable") in rejects
    broken = next(r for r in _records(out / "rejects.jsonl") if r["reason"] == "jsonl.bad_json")
    assert broken["line"] == 2


def test_output_inside_input_is_refused(seeds_dir, tmp_path):
    with pytest.raises(OutputError, match="inside the input"):
        clean_directory(seeds_dir, seeds_dir / "out")


def test_existing_output_needs_overwrite(seeds_dir, tmp_path):
    clean_directory(seeds_dir, tmp_path / "o")
    with pytest.raises(OutputError, match="--overwrite"):
        clean_directory(seeds_dir, tmp_path / "o")
    clean_directory(seeds_dir, tmp_path / "o", overwrite=True)


def test_cli_clean_and_explain(seeds_dir, tmp_path, capsys):
    assert main(["clean", str(seeds_dir), "-o", str(tmp_path / "o")]) == 0
    assert "documents: 5 in, 5 kept" in capsys.readouterr().out
    assert main(["explain", str(seeds_dir / "003_7e1bd303d94b701a.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 003_7e1bd303d94b701a.txt")
    assert main(["clean", str(seeds_dir), "-o", str(tmp_path / "o")]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_cli_reports_config_errors(tmp_path, seeds_dir, capsys):
    cfg = tmp_path / "p.toml"
    cfg.write_text('[[steps]]\nuse = "no.such"\n')
    assert main(["clean", str(seeds_dir), "-o", str(tmp_path / "o"), "--config", str(cfg)]) == 2
    assert "unknown filter" in capsys.readouterr().err


def test_the_collector_is_tuned_for_the_run_only(seeds_dir, tmp_path):
    import gc

    from corpusclean.executors.driver import YOUNG_COLLECTION

    before = gc.get_threshold()
    seen = []
    clean_directory(seeds_dir, tmp_path / "out", workers=1,
                    on_item=lambda item, outcome: seen.append((gc.get_freeze_count(), gc.get_threshold())))
    assert seen and min(n for n, _ in seen) > 0  # the collector skipped what the run started with
    assert {t for _, t in seen} == {(max(before[0], YOUNG_COLLECTION), *before[1:])}
    assert gc.get_freeze_count() == 0  # and sees it again once the run is over,
    assert gc.get_threshold() == before  # with its thresholds as they were
