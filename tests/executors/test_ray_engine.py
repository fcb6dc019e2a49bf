"""The Ray paths (in a small local Ray) give what the local executor gives."""

import json
import os
from pathlib import Path

import pytest
from corpus_helpers import make_corpus, output_bytes, registry

from corpusclean import Pipeline, Step, clean_records
from corpusclean.runner import OUTPUT_FILES, REPORT_FILE, clean_directory

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")


def corpus_pipeline():
    return Pipeline(
        [Step("encoding.fix_mojibake"), Step("encoding.normalize"), Step("test.site_repeats", k=3),
         Step("test.drop_short", min_chars=15), Step("test.keep_first")],
        registry=registry(),
    )


@pytest.fixture(scope="module")
def local_ray():
    # A local Ray on this machine (Ray has no in-process mode any more); its workers import the
    # test helpers from this folder and corpusclean from where this process imports it.
    import corpusclean

    path = os.pathsep.join([str(Path(__file__).resolve().parent), str(Path(corpusclean.__file__).parents[1])])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": path}})
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    yield ray
    ray.shutdown()


def test_engine_ray_writes_what_the_local_engine_writes(local_ray, tmp_path):
    src = make_corpus(tmp_path / "in", files=2, docs=40)
    clean_directory(src, tmp_path / "local", corpus_pipeline(), workers=1, shard_bytes=6000)
    clean_directory(src, tmp_path / "ray", corpus_pipeline(), engine="ray", shard_bytes=6000)
    assert output_bytes(tmp_path / "ray") == output_bytes(tmp_path / "local")


def test_clean_dataset_equals_clean_records(local_ray, tmp_path):
    from corpusclean.executors.ray_engine import clean_dataset

    src = make_corpus(tmp_path / "in", files=1, docs=50, dup_ids=False)
    rows = [json.loads(line) for line in (src / "part0.jsonl").read_text().splitlines()
            if line.startswith("{\"")]
    expected = list(clean_records(rows, corpus_pipeline(), dropped=True))
    ds = ray.data.from_items(rows, override_num_blocks=3)
    got = clean_dataset(ds, corpus_pipeline(), dropped=True).take_all()
    assert [{**r, "metadata": json.loads(r["metadata"])} for r in got] == expected
    reasons = {r["metadata"].get("dropped", {}).get("reason") for r in expected}
    assert "corpus.duplicate" in reasons  # a corpus step decided something


def test_engine_ray_reads_and_writes_a_store(local_ray, tmp_path):
    # Tasks read their input from the store and keep their work files there, each in a scratch
    # directory of its own (corpusclean.remote.run_stored), as on nodes with no shared disk.
    from store_helpers import s3_server

    src = make_corpus(tmp_path / "in", files=2, docs=40)
    clean_directory(src, tmp_path / "local", corpus_pipeline(), workers=1, shard_bytes=6000)
    with s3_server() as s3:
        bucket = s3.bucket()
        inp, out = s3.upload(src, f"s3://{bucket}/in"), f"s3://{bucket}/out"
        clean_directory(inp, out, corpus_pipeline(), engine="ray", shard_bytes=6000, storage_options=s3.options)
        assert output_bytes(s3.download(out, tmp_path / "got")) == output_bytes(tmp_path / "local")
        assert s3.keys(out) == sorted([*OUTPUT_FILES, REPORT_FILE])


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_engine_ray_resumes_from_the_store_a_run_killed_elsewhere(local_ray, tmp_path):
    # A local driver killed half-way through its final pass; Ray finishes from the store's work
    # directory, its tasks fetching the spills they read from it.
    from store_helpers import kill_a_run, s3_server, slow_pipeline, work_markers

    src = make_corpus(tmp_path / "in", files=2, docs=40)
    clean_directory(src, tmp_path / "whole", slow_pipeline(), shard_bytes=1500)
    with s3_server() as s3:
        bucket = s3.bucket()
        inp, out = s3.upload(src, f"s3://{bucket}/in"), f"s3://{bucket}/out"
        assert kill_a_run(s3, inp, out, 1500, tmp_path / "elsewhere", "p1", 3)
        assert work_markers(s3, out, "p") >= 3
        clean_directory(inp, out, slow_pipeline(), engine="ray", shard_bytes=1500, resume=True,
                        storage_options=s3.options)
        assert output_bytes(s3.download(out, tmp_path / "got")) == output_bytes(tmp_path / "whole")
        assert s3.keys(out) == sorted([*OUTPUT_FILES, REPORT_FILE])
