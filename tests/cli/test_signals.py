"""Signals: SIGINT and SIGTERM stop a run within seconds, leave it resumable and say how; a
driver killed with SIGKILL leaves no worker behind; progress is logged when stderr is a file."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import cli_env, corpusclean

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")

WORDS = ("river town council budget school library bridge harbour market winter railway station "
         "museum garden festival teacher doctor village mountain forest weather").split()


def big_input(root: Path, files: int = 4, docs: int = 3000) -> Path:
    """About 15 MB in 16 shards of 1 MiB: several seconds of work even with the compiled core
    (5 MB took 2.4 s in all on 2 workers), so a signal sent after the first shard lands in the
    middle of the run."""
    rng = random.Random(7)
    root.mkdir()
    for f in range(files):
        with (root / f"part{f}.jsonl").open("w") as out:
            for d in range(docs):
                lines = [" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(12)]
                out.write(json.dumps({"id": f"{f}-{d}", "text": "\n".join(lines)}) + "\n")
    return root


def start(*argv: str) -> subprocess.Popen[str]:
    code = "import sys\nfrom corpusclean.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *argv], env=cli_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def wait_for_work(out: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if list(out.glob(".corpusclean-work/p0-*.done")):
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    pytest.fail("the run did not get going")


def group_gone(pgid: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                   (signal.SIGTERM, 143, "stopped by SIGTERM")])
def test_signal_stops_fast_and_resume_finishes_the_same_output(tmp_path: Path, sig: int, code: int, word: str) -> None:
    src = big_input(tmp_path / "in")
    out = tmp_path / "out"
    args = ("clean", str(src), "-o", str(out), "--workers", "2", "--shard-mb", "1", "-q")
    proc = start(*args)
    wait_for_work(out, proc)
    os.killpg(proc.pid, sig)  # as a terminal's Ctrl-C or a scheduler does: the whole group
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    assert proc.returncode == code, err
    assert took < 3.0, took
    assert word in err and "--resume" in err and "Traceback" not in err
    assert group_gone(proc.pid, 3.0), "a worker outlived its driver"
    assert (out / ".corpusclean-work").is_dir()
    resumed = corpusclean(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    whole = corpusclean("clean", str(src), "-o", str(tmp_path / "whole"), "--workers", "1", "--shard-mb", "1", "-q")
    assert whole.returncode == 0
    for name in ("documents.jsonl", "dropped.jsonl", "rejects.jsonl", "removals.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_workers_exit_when_the_driver_is_killed(tmp_path: Path) -> None:
    src = big_input(tmp_path / "in")
    out = tmp_path / "out"
    proc = start("clean", str(src), "-o", str(out), "--workers", "2", "--shard-mb", "1", "-q")
    wait_for_work(out, proc)
    os.kill(proc.pid, signal.SIGKILL)  # the driver alone
    proc.communicate(timeout=30)
    assert group_gone(proc.pid, 5.0), subprocess.run(["ps", "-o", "pid,ppid,cmd", "-g", str(proc.pid)],
                                                     capture_output=True, text=True, check=False).stdout


def test_progress_is_logged_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    src = big_input(tmp_path / "in", files=2, docs=150)
    run = corpusclean("clean", str(src), "-o", str(tmp_path / "out"), "--workers", "2", "--shard-mb", "1",
                      "--log-every", "0.3")
    assert run.returncode == 0, run.stderr
    logged = [ln for ln in run.stderr.splitlines() if " MB (" in ln]
    assert logged and all("MB/s, ETA" in ln for ln in logged)
    total = sum(p.stat().st_size for p in src.iterdir())
    assert f"{total / 2**20:.1f} of {total / 2**20:.1f} MB (100%)" in logged[-1]  # the plan's total
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    t = stats["timings"]
    assert t["elapsed_seconds"] > 0 and t["cpu_seconds"] > 0 and t["documents_per_second"] > 0
    assert abs(sum(v["share"] for v in t["steps"].values()) - 1) < 0.01
    assert stats["counts"]["bytes.in"] == total
    assert stats["counts"]["bytes.out"] == (tmp_path / "out" / "documents.jsonl").stat().st_size
    assert "MB/s" in run.stdout and "slowest steps:" in run.stdout
    quiet = corpusclean("clean", str(src), "-o", str(tmp_path / "q"), "--workers", "2", "-q", "--log-every", "0.3")
    assert quiet.stdout == "" and " MB (" not in quiet.stderr
