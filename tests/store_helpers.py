"""A real S3-compatible server on loopback for the tests of URLs (moto in server mode), and
helpers to copy a directory in and an output out."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from corpus_helpers import slow_registry

from corpusclean import Pipeline, Step

#: Dummy credentials: the server takes any; set in the environment too, so that no process
#: of the test looks for real ones (botocore would otherwise ask the instance metadata service).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


@dataclass
class S3:
    """The server's endpoint, the storage options that reach it, and a file system on it."""

    endpoint: str
    options: dict[str, Any]
    fs: Any

    def bucket(self) -> str:
        """A new empty bucket; its name."""
        name = f"b{uuid.uuid4().hex[:12]}"
        self.fs.mkdir(name)
        return name

    def upload(self, local: Path, url: str) -> str:
        """Copy every file under ``local`` to ``url`` (a prefix); return ``url``."""
        base = url.removeprefix("s3://").rstrip("/")
        for p in sorted(local.rglob("*")):
            if p.is_file():
                self.fs.put_file(str(p), f"{base}/{p.relative_to(local).as_posix()}")
        return url

    def download(self, url: str, local: Path) -> Path:
        """Copy every object under ``url`` into ``local``; return ``local``."""
        base = url.removeprefix("s3://").rstrip("/")
        for key in self.fs.find(base):
            target = local / key[len(base) + 1:]
            target.parent.mkdir(parents=True, exist_ok=True)
            self.fs.get_file(key, str(target))
        return local

    def keys(self, url: str) -> list[str]:
        base = url.removeprefix("s3://").rstrip("/")
        return sorted(k[len(base) + 1:] for k in self.fs.find(base))


@contextmanager
def s3_server() -> Iterator[S3]:
    """Start moto's S3 server on 127.0.0.1 on a free port; stop it afterwards."""
    server_mod = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    import fsspec

    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        options = {"endpoint_url": endpoint, "key": "testing", "secret": "testing"}
        yield S3(endpoint, options, fsspec.filesystem("s3", **options))
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# -- a run killed half-way ------------------------------------------------------------------------

STEPS = [Step("test.slow", seconds=0.005), Step("encoding.normalize"), Step("test.site_repeats", k=3),
         Step("test.drop_short", min_chars=15), Step("test.keep_first")]

SCRIPT = """
import sys
sys.path.insert(0, {helpers!r})
from store_helpers import slow_pipeline
from corpusclean.runner import clean_directory
clean_directory({inp!r}, {out!r}, slow_pipeline(), workers=1, shard_bytes={shard}, resume=True,
                storage_options={options!r})
"""


def slow_pipeline() -> Pipeline:
    """The executors' corpus steps behind a slow step: a run can be stopped half-way."""
    return Pipeline(STEPS, registry=slow_registry())


def work_markers(s3: S3, out: str, prefix: str) -> int:
    """The completion markers named ``prefix...`` in the store's work directory of ``out``."""
    work = f"{out.removeprefix('s3://').rstrip('/')}/.corpusclean-work"
    try:
        keys = s3.fs.find(work, refresh=True)
    except FileNotFoundError:
        return 0
    return sum(1 for k in keys if k.rsplit("/", 1)[-1].startswith(prefix) and k.endswith(".done"))


def kill_a_run(s3: S3, inp: str, out: str, shard: int, machine: Path, prefix: str, count: int) -> bool:
    """Start ``clean_directory(inp, out, slow_pipeline(), resume=True)`` in a process of its
    own, with ``machine`` as its temporary directory, and SIGKILL it once the store holds
    ``count`` markers named ``prefix...``; False if it ended first."""
    machine.mkdir(parents=True)
    here = Path(__file__).resolve().parent
    code = SCRIPT.format(helpers=str(here), inp=inp, out=out, shard=shard, options=s3.options)
    env = {**os.environ, "TMPDIR": str(machine),
           "PYTHONPATH": os.pathsep.join([str(here / "executors"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, env=env)
    end = time.monotonic() + 90
    while proc.poll() is None and time.monotonic() < end and work_markers(s3, out, prefix) < count:
        time.sleep(0.02)
    if proc.poll() is not None:
        return False
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return True
