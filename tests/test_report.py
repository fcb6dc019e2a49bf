"""The run report: its sections on real runs, escaping, bounded sampling, rebuilt by
``corpusclean report`` the same from any layout."""

from __future__ import annotations

import dataclasses
import re
import sys
import zlib
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "executors"))

from corpus_helpers import make_corpus  # noqa: E402

from corpusclean import Pipeline, report  # noqa: E402
from corpusclean.cli import main  # noqa: E402
from corpusclean.outputs import Layout  # noqa: E402
from corpusclean.report import _stride, gather, neighbours  # noqa: E402
from corpusclean.runner import clean_directory  # noqa: E402

SECTIONS = ("documents", "reasons", "steps", "languages", "lengths", "templates", "duplicates",
            "examples", "pipeline", "timings")

PAGE = """Council approves the new library budget
We use cookies to improve your experience <script>alert("cookie")</script>. Accept all cookies
The council met on Tuesday evening to discuss the budget for the coming year and its plans.
It includes more money for schools and libraries, the mayor said after the long vote.
Share on Facebook
"""


def section(page: str, key: str) -> str:
    m = re.search(f'<section id="{key}">(.*?)</section>', page, re.S)
    assert m, key
    return m.group(1)


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "o"
    root = Path(__file__).resolve().parent.parent / "seeds"
    assert main(["clean", str(root), "-o", str(out), "-q", "--workers", "1"]) == 0
    return out


def test_the_report_of_the_seeds_has_every_section(seeds_out):
    page = (seeds_out / "report.html").read_text(encoding="utf-8")
    assert re.findall(r'<section id="(\w+)">', page) == list(SECTIONS)
    facts = gather(seeds_out)
    kept = facts.counts["documents.kept"]
    assert kept == 5 and f"<b>{kept}</b><span>kept</span>" in page
    reasons = section(page, "reasons")
    for key, n in facts.counts.items():
        if key.startswith("removed_lines.") and key != "removed_lines.total":
            assert f">{key.split('.', 1)[1]}</text>" in reasons and f">{n:,} (" in reasons
    assert sum(facts.by_step.values()) == facts.counts["removed_lines.total"]
    assert "<svg" in section(page, "languages") and ">en</text>" in section(page, "languages")
    assert "characters per document" in section(page, "lengths")
    assert all(b >= a for a, b in zip(facts.lengths_after, facts.lengths_before))
    assert len(facts.lengths_after) == kept
    assert "did not run" in section(page, "templates") and "did not run" in section(page, "duplicates")
    examples = section(page, "examples")
    assert "boilerplate.cookie" in examples and "Our website uses cookies to enhance your experience" in examples
    assert facts.run["pipeline"] in section(page, "pipeline")
    assert "elapsed s" in section(page, "timings")
    # self-contained: no script, nothing fetched
    assert not re.search(r"<script|<link|<img|src=|https?://[^<\"]*\"", page)


def test_every_example_shows_its_line_among_neighbours(seeds_out):
    facts = gather(seeds_out)
    for reason, examples in facts.examples.items():
        assert 1 <= len(examples) <= report.EXAMPLES
        for ex in examples:
            assert ex.reason == reason
            hits = [a for a in ex.around if a[0] == ex.line]
            assert len(hits) == 1 and hits[0][2] == reason
            assert len(ex.around) <= 2 * report.CONTEXT + 1


def test_text_from_the_data_is_escaped(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "<b>page.txt").write_text(PAGE)
    out = tmp_path / "o"
    clean_directory(d, out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b>page" not in page
    assert "&lt;script&gt;alert(&quot;cookie&quot;)&lt;/script&gt;" in section(page, "examples")
    assert "&lt;b&gt;page.txt" in page


@pytest.mark.parametrize(("line", "removed", "kept", "around"), [
    (1, [{"line": 1, "text": "Nav", "reason": "r"}], "Body", [(1, "Nav", "r"), (None, "Body", None)]),
    (3, [{"line": 3, "text": "Foot", "reason": "r"}], "a\n\nb", [(None, "a", None), (None, "b", None), (3, "Foot", "r")]),
    (2, [{"line": 1, "text": "x", "reason": "p"}, {"line": 2, "text": "y", "reason": "q"}], "",
     [(1, "x", "p"), (2, "y", "q")]),
])
def test_neighbours(line, removed, kept, around):
    assert neighbours(line, removed, kept) == around


@given(st.integers(0, 500), st.integers(1, 100))
def test_the_stride_takes_at_most_cap_rows_evenly(total, cap):
    take = _stride(total, cap)
    picks = [i for i in range(total) if next(take)]
    assert len(picks) == min(total, cap)
    if total > cap and cap > 1:
        gaps = {b - a for a, b in zip(picks, picks[1:])}
        assert max(gaps) - min(gaps) <= 1


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    src = make_corpus(tmp_path_factory.mktemp("corpus") / "in")
    base = tmp_path_factory.mktemp("runs")
    # Without the line model, which takes most of the generated corpus's repeated footer line on
    # its own, so that the footer reaches corpus.template_lines and the report has templates.
    config = Pipeline.default(corpus=True).to_dict()
    config["steps"] = [step for step in config["steps"] if step["use"] != "boilerplate.layout"]
    pipeline = Pipeline.from_dict(config)
    runs = {}
    for name, layout in (("plain", Layout()), ("split", Layout(compress="gz", max_bytes=3000)),
                         ("parquet", Layout("parquet", "zst", 5000))):
        clean_directory(src, base / name, pipeline, shard_bytes=2048, layout=layout)
        runs[name] = base / name
    return runs


def test_a_corpus_run_shows_template_lines_and_duplicate_clusters(corpus_runs):
    out = corpus_runs["plain"]
    page = (out / "report.html").read_text(encoding="utf-8")
    facts = gather(out)
    dupes = facts.counts.get("dropped.dedup.exact", 0) + facts.counts.get("dropped.dedup.near", 0)
    assert dupes > 0 and sum(n for n, _ in facts.clusters.values()) == dupes
    assert f"{len(facts.clusters)} clusters, {dupes} duplicates dropped" in section(page, "duplicates")
    templates = section(page, "templates")
    assert "did not run" not in templates
    removed = facts.counts.get("removed_lines.corpus.template_line", 0)
    assert removed > 0 and sum(sum(c.values()) for c in facts.templates.values()) == removed
    assert f"<h3>example.org ({facts.templates['example.org'].total()} lines removed)</h3>" in templates


def test_every_layout_gives_the_same_report_facts(corpus_runs):
    def facts(out):
        f = gather(out)
        del f.counts["bytes.out"]  # the size of the documents files
        return {k: v for k, v in dataclasses.asdict(f).items() if k not in ("files", "run", "timings")}

    plain = facts(corpus_runs["plain"])
    assert facts(corpus_runs["split"]) == plain
    assert facts(corpus_runs["parquet"]) == plain
    assert "documents-00000.jsonl.gz" in section((corpus_runs["split"] / "report.html").read_text(), "documents")


def test_the_report_command_rebuilds_the_same_page(corpus_runs, tmp_path, capsys):
    out = corpus_runs["split"]
    before = (out / "report.html").read_bytes()
    assert main(["report", str(out), "--to", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_bytes() == before
    assert main(["report", str(tmp_path)]) == 2
    assert "does not hold a finished output" in capsys.readouterr().err


def test_lengths_are_read_from_a_bounded_even_sample(corpus_runs, monkeypatch):
    monkeypatch.setattr(report, "SAMPLE_DOCUMENTS", 7)
    facts = gather(corpus_runs["plain"])
    assert facts.sampled == 7 < facts.kept_total
    assert f"7 of {facts.kept_total} kept documents" in report.render(facts)


def test_inline_and_none_removed_modes(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "page.txt").write_text(PAGE)
    outs = {}
    for mode in ("sidecar", "inline", "none"):
        clean_directory(d, tmp_path / mode, removed=mode)
        outs[mode] = gather(tmp_path / mode)
    assert outs["inline"].examples == outs["sidecar"].examples
    assert outs["inline"].lengths_before == outs["sidecar"].lengths_before
    assert not outs["none"].examples and not outs["none"].removals_known
    page = (tmp_path / "none" / "report.html").read_text()
    assert "--removed none" in section(page, "examples") and "kept + removed" not in section(page, "lengths")


def test_a_failing_report_leaves_a_complete_run(tmp_path, monkeypatch, caplog):
    d = tmp_path / "in"
    d.mkdir()
    (d / "page.txt").write_text(PAGE)

    def broken(output, to=None):
        raise RuntimeError("no room")

    monkeypatch.setattr(report, "write_report", broken)
    summary = clean_directory(d, tmp_path / "o")
    assert summary.stats.counts["documents.kept"] == 1
    assert not (tmp_path / "o" / "report.html").exists()
    assert tmp_path / "o" / "report.html" not in summary.files
    assert "corpusclean report" in caplog.text and "no room" in caplog.text


def test_one_and_two_workers_give_the_same_page_but_its_timings(tmp_path):
    src = make_corpus(tmp_path / "in", files=2, docs=40)
    pages = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        clean_directory(src, out, Pipeline.default(corpus=True), workers=workers, shard_bytes=2048)
        page = (out / "report.html").read_text(encoding="utf-8")
        pages.append(page.replace(section(page, "timings"), ""))
    assert pages[0] == pages[1]


def test_the_reference_scan_of_removal_rows():
    template = {"line": 4, "text": "\x1c Menu\xa0", "reason": "corpus.template_line", "step": "t",
                "detail": "in 3 documents of x.org"}
    rows = [{"id": "a", "removed": [template,
                                    {"line": 9, "text": "ab", "reason": "r", "step": "s"}]},
            {"id": "b", "removed": []}, {"id": "c", "removed": None},
            {"id": "a", "removed": [{"line": 2, "text": "", "reason": "r", "step": "s"}]}]
    found = report.scan_removals_reference(rows, {"a", "c"}, Counter({"z": 1}))
    assert found.rows == 2
    assert found.by_step == {"t": 1, "s": 2}
    assert found.removed_chars == {"z": 1, "a": 8 + 3 + 1}
    assert found.templates == {"x.org": {"Menu": 1}}  # stripped as str.strip does
    key = zlib.crc32(b"2", zlib.crc32(b"a\0"))
    assert key in [-k for k, _, _ in found.heaps["r"]]
    assert sorted(found.heaps) == ["corpus.template_line", "r"]


@pytest.mark.parametrize(("keys", "kept"), [
    ([5, 4, 3, 2, 1], [(1, 5), (2, 4), (3, 3)]),
    ([1, 2, 3, 4, 5], [(1, 1), (2, 2), (3, 3)]),
    # A full heap takes only a strictly smaller key, and gives up the first met of its largest.
    ([3, 3, 3, 1, 3], [(1, 4), (3, 2), (3, 3)]),
    ([7, 7, 7, 7], [(7, 1), (7, 2), (7, 3)]),
])
def test_each_reason_keeps_the_lines_of_smallest_key(keys, kept, monkeypatch):
    # Keys as given: the id's part 0, a line's key its number.
    crc32 = lambda data, value=None: 0 if value is None else int(data)  # noqa: E731
    monkeypatch.setattr(report, "zlib", SimpleNamespace(crc32=crc32))
    rows = [{"id": "d", "removed": [{"line": k, "text": "t", "reason": "r", "step": "s"}]}
            for k in keys]
    heap = report.scan_removals_reference(rows, (), Counter()).heaps["r"]
    assert sorted((-key, order) for key, order, _ in heap) == kept
