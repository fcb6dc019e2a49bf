import json

import pytest
from corpus_helpers import make_corpus, output_bytes, registry

from corpusclean import Pipeline, Step
from corpusclean.errors import OutputError
from corpusclean.executors.driver import WORK_DIR
from corpusclean.executors.shards import plan_shards
from corpusclean.readers import Reject
from corpusclean.record import to_record
from corpusclean.runner import OUTPUT_FILES, clean_directory, iter_inputs

SMALL = 2048  # bytes per shard: many shards from a small corpus


def corpus_pipeline():
    return Pipeline(
        [Step("encoding.fix_mojibake"), Step("encoding.normalize"), Step("test.site_repeats", k=3),
         Step("test.drop_short", min_chars=15), Step("test.keep_first")],
        registry=registry(),
    )


def outputs(out):
    return output_bytes(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "in")


def test_plan_cuts_large_jsonl_below_the_file(corpus):
    shards = plan_shards(corpus, shard_bytes=SMALL)
    ranges = [u for s in shards for u in s.units if u.is_range]
    assert len(shards) > 6 and ranges
    for name in ("part0.jsonl", "part1.jsonl"):
        parts = [u for u in ranges if u.rel == name]
        data = (corpus / name).read_bytes()
        assert parts[0].start == 0 and parts[-1].end == len(data)
        for a, b in zip(parts, parts[1:]):
            assert a.end == b.start and data[b.start - 1:b.start] == b"\n"
            assert b.first_line == data[:b.start].count(b"\n") + 1
    small = [s for s in shards if any(u.rel.endswith(".txt") for u in s.units)]
    assert len(small) == 1 and sum(u.rel.endswith(".txt") for u in small[0].units) == 4  # grouped


@pytest.mark.parametrize("pipeline_factory", [Pipeline.default, corpus_pipeline])
def test_one_and_two_workers_write_the_same_bytes(corpus, tmp_path, pipeline_factory):
    one = clean_directory(corpus, tmp_path / "one", pipeline_factory(), workers=1, shard_bytes=SMALL)
    two = clean_directory(corpus, tmp_path / "two", pipeline_factory(), workers=2, shard_bytes=SMALL)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert one.stats.counts == two.stats.counts
    assert not (tmp_path / "two" / WORK_DIR).exists()
    assert one.stats.counts["documents.rejected"] == 3  # the broken line of each JSONL file


def test_shard_size_does_not_change_the_output(tmp_path):
    # Repeated ids included: an id repeated across a range cut is renamed as in one read.
    src = make_corpus(tmp_path / "in")
    clean_directory(src, tmp_path / "small", corpus_pipeline(), shard_bytes=SMALL)
    clean_directory(src, tmp_path / "whole", corpus_pipeline())
    assert outputs(tmp_path / "small") == outputs(tmp_path / "whole")
    ids = [json.loads(x)["id"] for name in ("documents.jsonl", "dropped.jsonl")
           for x in (tmp_path / "small" / name).read_text().splitlines()]
    assert len(ids) == len(set(ids)) and any("#" in i for i in ids)


def test_corpus_steps_in_the_pool_equal_run_corpus(tmp_path):
    src = make_corpus(tmp_path / "in", dup_ids=False)
    clean_directory(src, tmp_path / "out", corpus_pipeline(), workers=2, shard_bytes=SMALL, removed="inline")
    pipe = corpus_pipeline()
    docs = [d for d in iter_inputs(src) if not isinstance(d, Reject)]
    expected = [to_record(r, pipe.fingerprint()) for r in pipe.run_corpus(docs)]
    kept = [r for r in expected if "dropped" not in r["metadata"]]
    dropped = [r for r in expected if "dropped" in r["metadata"]]
    got = [json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    got_dropped = [json.loads(x) for x in (tmp_path / "out" / "dropped.jsonl").read_text().splitlines()]
    assert got == kept and got_dropped == dropped
    reasons = {r["metadata"]["dropped"]["reason"] for r in dropped}
    assert reasons == {"corpus.duplicate", "quality.too_short"}
    assert any(rm["reason"] == "corpus.repeated" for r in kept for rm in r["metadata"]["removed_lines"])


def test_seeds_same_bytes_for_one_and_two_workers(seeds_dir, tmp_path):
    clean_directory(seeds_dir, tmp_path / "one", workers=1, shard_bytes=4096)
    clean_directory(seeds_dir, tmp_path / "two", workers=2, shard_bytes=4096)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_on_item_needs_one_worker(seeds_dir, tmp_path):
    seen = []
    clean_directory(seeds_dir, tmp_path / "o", on_item=lambda item, outcome: seen.append(item.id))
    assert len(seen) == 5
    with pytest.raises(ValueError, match="progress"):
        clean_directory(seeds_dir, tmp_path / "p", on_item=print, workers=2)


def test_resume_of_another_pipeline_is_refused(corpus, tmp_path):
    out = tmp_path / "o"
    (out / WORK_DIR).mkdir(parents=True)
    (out / WORK_DIR / "run.json").write_text('{"pipeline": "other"}')
    with pytest.raises(OutputError, match="--overwrite"):
        clean_directory(corpus, out, resume=True)
    clean_directory(corpus, out, overwrite=True)
    assert not (out / WORK_DIR).exists()


def test_resume_of_a_finished_run_changes_nothing(corpus, tmp_path):
    out = tmp_path / "o"
    clean_directory(corpus, out, shard_bytes=SMALL)
    before = outputs(out)
    summary = clean_directory(corpus, out, shard_bytes=SMALL, resume=True)
    assert outputs(out) == before
    assert summary.stats.counts["documents.in"] > 0


def test_cli_flags(corpus, tmp_path, capsys):
    from corpusclean.cli import main

    assert main(["clean", str(corpus), "-o", str(tmp_path / "o"), "--workers", "2", "--shard-mb", "1", "-q"]) == 0
    assert main(["clean", str(corpus), "-o", str(tmp_path / "o"), "--resume", "--shard-mb", "1"]) == 0
    assert "documents:" in capsys.readouterr().out
    assert main(["clean", str(corpus), "-o", str(tmp_path / "o"), "--resume"]) == 2  # another shard size
    assert "another shard_bytes option" in capsys.readouterr().err
    clean_directory(corpus, tmp_path / "p")
    assert outputs(tmp_path / "o") == outputs(tmp_path / "p")


def test_an_unfinished_run_needs_resume_or_overwrite(corpus, tmp_path):
    out = tmp_path / "o"
    (out / WORK_DIR).mkdir(parents=True)
    with pytest.raises(OutputError, match="--resume"):
        clean_directory(corpus, out)


def test_empty_input_gives_empty_files(tmp_path):
    (tmp_path / "in").mkdir()
    summary = clean_directory(tmp_path / "in", tmp_path / "o", corpus_pipeline(), workers=2)
    assert all((tmp_path / "o" / n).exists() for n in OUTPUT_FILES)
    assert (tmp_path / "o" / "documents.jsonl").read_bytes() == b""
    assert summary.stats.counts.get("documents.in", 0) == 0


def test_compressed_jsonl_cut_into_ranges_gives_the_same_output(tmp_path):
    import gzip

    src = make_corpus(tmp_path / "in")
    for path in sorted(src.glob("*.jsonl")):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    units = [u for s in plan_shards(src, shard_bytes=SMALL) for u in s.units]
    assert sum(u.compression == "gzip" for u in units) > 6
    clean_directory(src, tmp_path / "whole", corpus_pipeline())
    clean_directory(src, tmp_path / "cut", corpus_pipeline(), workers=2, shard_bytes=SMALL)
    assert outputs(tmp_path / "cut") == outputs(tmp_path / "whole")
