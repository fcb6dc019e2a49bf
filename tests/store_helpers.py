"""A real S3-compatible server on loopback for the tests of URLs (moto in server mode), and
helpers to copy a directory in and an output out."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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
