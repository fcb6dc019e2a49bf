"""A run killed with SIGKILL at any moment and started again with ``resume`` writes exactly
what an uninterrupted run writes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "executors"))

from corpus_helpers import make_corpus, output_bytes, slow_registry  # noqa: E402

from corpusclean import Pipeline, Step  # noqa: E402
from corpusclean.executors.driver import WORK_DIR  # noqa: E402
from corpusclean.runner import OUTPUT_FILES, clean_directory  # noqa: E402

SCRIPT = """
import sys
sys.path.insert(0, {helpers!r})
from corpus_helpers import slow_registry
from corpusclean import Pipeline, Step
from corpusclean.runner import clean_directory
steps = [Step("test.slow"), Step("encoding.normalize"), Step("test.site_repeats", k=3),
         Step("test.drop_short", min_chars=15), Step("test.keep_first")]
clean_directory({src!r}, {out!r}, Pipeline(steps, registry=slow_registry()), workers=2,
                shard_bytes=1500, resume=True)
"""


def pipeline():
    return Pipeline([Step("test.slow"), Step("encoding.normalize"), Step("test.site_repeats", k=3),
                     Step("test.drop_short", min_chars=15), Step("test.keep_first")], registry=slow_registry())


def markers(out, prefix):
    work = out / WORK_DIR
    return len(list(work.glob(f"{prefix}-*.done"))) if work.is_dir() else 0


def start(src, out):
    code = SCRIPT.format(helpers=str(HERE / "executors"), src=str(src), out=str(out))
    return subprocess.Popen([sys.executable, "-c", code], start_new_session=True)


def kill_when(proc, condition, timeout=60.0):
    """SIGKILL the whole process group as soon as ``condition()`` holds; False if it ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        if condition():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("the run neither ended nor reached the kill point")


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_killed_runs_resume_to_the_same_output(tmp_path):
    src = make_corpus(tmp_path / "in", files=2, docs=50)
    clean_directory(src, tmp_path / "whole", pipeline(), shard_bytes=1500)
    out = tmp_path / "resumed"
    kill_points = [
        lambda: markers(out, "p0") >= 2,   # in the first collecting pass
        lambda: markers(out, "p1") >= 3,   # in the second
        lambda: markers(out, "p2") >= 1,   # while writing shard parts
        lambda: markers(out, "p2") >= 6,
    ]
    kills = 0
    for condition in kill_points:
        kills += kill_when(start(src, out), condition)
    assert kills >= 3
    final = start(src, out)
    assert final.wait(timeout=120) == 0
    assert output_bytes(out) == output_bytes(tmp_path / "whole")
    assert not (out / WORK_DIR).exists()
