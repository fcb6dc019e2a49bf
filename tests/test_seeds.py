"""The first acceptance test: the five seed pages against their gold labels.

Every gold boilerplate line is removed with a reason of its gold kind, every gold content line is
kept, and a second run gives byte-identical output.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus_helpers import output_bytes

from corpusclean import Document, Pipeline
from corpusclean.runner import clean_directory

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = [json.loads(line) for line in (SEEDS / "gold.jsonl").read_text(encoding="utf-8").splitlines()]

#: Which reason codes count as the gold kind. Foreign-language navigation may also be caught by
#: a boilerplate family of that language before the language filter sees it.
KIND_REASONS = {
    "cookie-banner": ("boilerplate.cookie",),
    "comment-form": ("boilerplate.comment_form",),
    "navigation": ("boilerplate.navigation",),
    "page-widget": ("boilerplate.widget",),
    "foreign-language-link": ("language.",),
    "foreign-language-navigation": ("language.", "boilerplate.navigation", "boilerplate.share", "boilerplate.widget"),
}


@pytest.fixture(scope="module")
def results():
    pipe = Pipeline.default()
    out = {}
    for rec in GOLD:
        text = (SEEDS / rec["file"]).read_text(encoding="utf-8")
        out[rec["file"]] = pipe.run(Document.from_text(text, id=rec["file"]))
    return out


@pytest.mark.parametrize("rec", GOLD, ids=[r["file"] for r in GOLD])
def test_gold_boilerplate_removed_with_its_kind(rec, results):
    result = results[rec["file"]]
    reasons = {r.line: r.reason for r in result.doc.removals}
    for no, item in rec["boilerplate_lines"].items():
        reason = reasons.get(int(no))
        assert reason is not None, f"line {no} ({item['kind']}) kept: {item['text']!r}"
        assert reason.startswith(KIND_REASONS[item["kind"]]), f"line {no}: {reason} is not {item['kind']}"


@pytest.mark.parametrize("rec", GOLD, ids=[r["file"] for r in GOLD])
def test_gold_content_kept(rec, results):
    result = results[rec["file"]]
    assert result.kept
    kept = {line.no for line in result.doc.lines}
    lost = sorted(set(rec["content_lines"]) - kept)
    assert not lost, f"content lines removed: {[(r.line, r.reason) for r in result.doc.removals if r.line in lost]}"
    assert result.doc.annotations["language"] == rec["language"]


def test_seed_output_is_byte_identical_on_a_second_run(tmp_path):
    clean_directory(SEEDS, tmp_path / "a", workers=1)
    clean_directory(SEEDS, tmp_path / "b", workers=2)
    assert output_bytes(tmp_path / "a") == output_bytes(tmp_path / "b")  # stats.json less timings
    assert (tmp_path / "a" / "pipeline.toml").read_bytes() == (tmp_path / "b" / "pipeline.toml").read_bytes()


def test_every_gold_kind_is_counted(results):
    """Per kind, how many gold lines were removed with a reason of that kind (all of them)."""
    hits, total = Counter(), Counter()
    for rec in GOLD:
        reasons = {r.line: r.reason for r in results[rec["file"]].doc.removals}
        for no, item in rec["boilerplate_lines"].items():
            total[item["kind"]] += 1
            hits[item["kind"]] += reasons.get(int(no), "").startswith(KIND_REASONS[item["kind"]])
    assert hits == total
