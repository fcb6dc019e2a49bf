"""Input and output given as URLs: ``s3://``, ``gs://``, ``hf://`` or any other fsspec protocol.

Needs ``corpusclean[remote]`` (fsspec and s3fs; ``gs://`` also needs gcsfs, ``hf://``
huggingface_hub). A ``file://`` URL is a local path and takes the local route, extra or not.

Input: the URL's objects are listed with fsspec (``find``), filtered and sorted as the local walk
does (:func:`walk_url`), so the plan and the output bytes are the local run's. Each object is
read as a stream through fsspec by whichever worker runs its shard, every format and codec as
from a directory (a byte range of a large JSONL or WARC object with ``seek``, or decompressed
from its start; a Parquet object's footer and row groups with ranged reads by pyarrow), so
workers need no shared disk. The plan's digest uses each object's size
and version tag (ETag) from the listing.

Output (:class:`RemoteOutput`): the run works in a local staging directory, exactly as a local
run does, and every completed shard's work files are copied to ``OUT/.corpusclean-work/`` in the
store, its completion marker last. ``--resume`` fetches that directory, so a run continues from
its completed shards on any machine. When the run is complete, the final files (the record files
of the output layout, :class:`corpusclean.outputs.Layout`: split, compressed or Parquet; then
``pipeline.toml`` and ``report.html``) are uploaded each under its final key, the record files of
an earlier layout that this run did not write are removed, ``stats.json`` is uploaded last, then
the store's work directory is removed. An object
store has no rename; an upload appears under its key only once complete (a single PUT, or a
multipart upload's completion), so a reader never sees a partial ``documents.jsonl``. Between
two uploads the set is partial: ``stats.json`` present (with no work directory) marks a complete
output, and ``--overwrite`` removes the earlier ``stats.json`` before anything else.

On Ray (:class:`SyncedEngine`), a task runs in a scratch directory of its own node: it fetches
the spill it reads from the store and uploads what it writes, and the driver fetches the parts
and markers, as on a cluster with no shared disk.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from .errors import InputError, MissingExtraError, OutputError
from .outputs import FILE_RE

if TYPE_CHECKING:  # pragma: no cover - the readers import this module
    from .readers import ReaderOptions, Reject


T = TypeVar("T")
R = TypeVar("R")

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

#: Bytes fetched per request when reading an object (fsspec's block size).
BLOCK_SIZE = 8 * 1024 * 1024

_INSTALL = "pip install 'corpusclean[remote]'"


def is_url(path: object) -> bool:
    """Whether ``path`` is a URL with a protocol (``s3://``, ``file://``...), not a local path.

    >>> is_url("s3://bucket/in"), is_url("file:///data"), is_url("data/in"), is_url("C:/x")
    (True, True, False, False)
    """
    return isinstance(path, str) and _URL_RE.match(path) is not None


def local_path(path: str | os.PathLike[str]) -> str | Path:
    """A ``file://`` URL as the local path it names; other URLs as they are; paths as ``Path``.

    >>> local_path("file:///data/in"), local_path("s3://b/in/"), local_path("in")
    (PosixPath('/data/in'), 's3://b/in', PosixPath('in'))
    """
    if isinstance(path, str) and path.lower().startswith("file://"):
        return Path(path[len("file://"):] or "/")
    if isinstance(path, str) and is_url(path):
        head, _, rest = path.partition("://")
        return f"{head}://{rest.rstrip('/')}" if rest.strip("/") else path  # one name per prefix
    return Path(path)


def parse_storage_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as fsspec storage options: a value that reads as JSON is taken as
    such (``true``, ``3``), any other as text; a dotted key fills a nested dictionary.

    >>> parse_storage_options(["anon=true", "client_kwargs.region_name=eu-west-1", "profile=dev"])
    {'anon': True, 'client_kwargs': {'region_name': 'eu-west-1'}, 'profile': 'dev'}
    """
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            msg = f"--storage-option takes KEY=VALUE, not {pair!r}"
            raise InputError(msg)
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        *parents, last = key.split(".")
        target = options
        for name in parents:
            target = target.setdefault(name, {})
            if not isinstance(target, dict):
                msg = f"--storage-option {key}: {name} is given a value and keys both"
                raise InputError(msg)
        target[last] = value
    return options


def filesystem(url: str, storage_options: Mapping[str, Any] | None = None,
               error: type[InputError | OutputError] = InputError) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path inside it. Options come from
    ``storage_options``, then fsspec's configuration (``FSSPEC_S3_ENDPOINT_URL``...) and the
    store's own (``AWS_*`` variables, profiles). A missing package is a
    :class:`~corpusclean.errors.MissingExtraError`, an unknown protocol ``error``."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        msg = f"{url} is a URL, and reading or writing URLs needs fsspec, which is not installed: {_INSTALL}"
        raise MissingExtraError(msg) from None
    try:
        fs, path = url_to_fs(url, **dict(storage_options or {}))
    except ImportError as exc:
        msg = (f"{url}: its protocol needs a package that is not installed ({exc}); {_INSTALL} "
               "(gs:// also needs gcsfs, hf:// huggingface_hub)")
        raise MissingExtraError(msg) from None
    except ValueError as exc:
        msg = f"{url}: {exc}; give a path, or a URL such as s3://bucket/prefix"
        raise error(msg) from None
    except TypeError as exc:
        msg = f"{url}: a storage option is not one this file system takes ({exc})"
        raise error(msg) from None
    if not path.strip("/"):
        msg = f"{url} names no bucket or folder; give one, such as s3://bucket/prefix"
        raise error(msg)
    return fs, path


# -- input ---------------------------------------------------------------------------------------


class ObjectURL(str):
    """The URL of an object found by :func:`walk_url`, with its ``size`` and version ``tag``
    from the listing (the plan's digest and sizes need no request per object)."""

    size: int
    tag: str

    def __new__(cls, url: str, size: int, tag: str) -> ObjectURL:
        self = super().__new__(cls, url)
        self.size = size
        self.tag = tag
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return ObjectURL, (str(self), self.size, self.tag)


def _tag(info: Mapping[str, Any]) -> str:
    for key in ("ETag", "etag", "md5Hash", "generation", "blob_id", "LastModified", "mtime", "updated"):
        if info.get(key) is not None:
            return str(info[key]).strip('"')
    return ""


@contextlib.contextmanager
def reaching(url: str, error: type[InputError | OutputError], missing: str) -> Iterator[None]:
    """Turn a store's failure to list ``url`` into ``error`` saying what to do (``missing``:
    when the bucket or the prefix is not there)."""
    try:
        yield
    except FileNotFoundError as exc:
        msg = f"{url}: {exc}; {missing}"
        raise error(msg) from None
    except PermissionError as exc:
        msg = f"{url}: permission denied ({exc}); check the credentials"
        raise error(msg) from None
    except Exception as exc:  # noqa: BLE001 - the store's client has errors of its own (no endpoint...)
        msg = (f"{url} cannot be listed: {type(exc).__name__}: {exc}; check the URL, the endpoint "
               "and the credentials")
        raise error(msg) from None


def check_input(url: str, storage_options: Mapping[str, Any] | None) -> None:
    """Raise :class:`~corpusclean.errors.InputError` unless ``url`` names an object or a
    prefix holding objects (a missing bucket, a typo, no permission)."""
    fs, path = filesystem(url, storage_options)
    fs.invalidate_cache()  # another process may have written since this one listed
    with reaching(url, InputError, "it does not exist; give an existing bucket and prefix"):
        found = fs.exists(path) or bool(fs.find(path, maxdepth=1))
    if not found:
        msg = f"{url} does not exist (nothing under it); give an existing bucket and prefix"
        raise InputError(msg)


def walk_url(url: str, options: ReaderOptions, *,
             skipped: Counter[str] | None = None) -> Iterator[tuple[ObjectURL, str] | Reject]:
    """:func:`corpusclean.readers.files.walk` of a URL: ``(object URL, relative name)`` of
    every object a reader takes, sorted by name, with the same filters (hidden names,
    ``ignore_names``, ``include``/``exclude``, unsupported kinds counted in ``skipped``). A
    listing that fails is a ``read.unlistable`` reject."""
    from .readers import Reject
    from .readers.files import admitted, display_name

    fs, root = filesystem(url, options.storage_options)
    root = root.rstrip("/")
    try:
        if fs.isfile(root):
            info = fs.info(root)
            name = display_name(root.rsplit("/", 1)[-1])
            yield ObjectURL(fs.unstrip_protocol(root), int(info.get("size") or 0), _tag(info)), name
            return
        listing = fs.find(root, detail=True, withdirs=False)
    except OSError as exc:
        yield Reject(".", "read.unlistable", f"cannot list {url}: {exc}")
        return
    found = []
    for name, info in listing.items():
        if info.get("type") == "directory" or not name.startswith(root + "/"):
            continue
        rel = display_name(name[len(root) + 1:])
        if admitted(rel, rel.rsplit("/", 1)[-1], options, skipped):
            found.append((rel, ObjectURL(fs.unstrip_protocol(name), int(info.get("size") or 0), _tag(info))))
    for rel, obj in sorted(found):
        yield obj, rel


class _Listed:
    """What :func:`open_object` gives the readers in place of ``os.stat_result``."""

    def __init__(self, size: int) -> None:
        self.st_size = size
        self.st_mtime_ns = 0


def open_object(url: str, storage_options: Mapping[str, Any] | None) -> tuple[IO[bytes], _Listed]:
    """An object opened for reading, and its size; ``OSError`` if it cannot be."""
    fs, path = filesystem(url, storage_options)
    raw = fs.open(path, "rb", block_size=BLOCK_SIZE)
    size = int(getattr(raw, "size", None) or fs.size(path) or 0)
    # fsspec's files read lines whole (readline takes no limit): the readers need io's.
    return io.BufferedReader(raw, 256 * 1024), _Listed(size)


def open_input(path: str | Path, storage_options: Mapping[str, Any] | None = None,
               buffering: int = -1) -> IO[bytes]:
    """A binary stream of an input file: a local path, or a URL read through fsspec."""
    if is_url(path):
        return open_object(str(path), storage_options)[0]
    return open(path, "rb", buffering=buffering)  # noqa: SIM115 - the caller closes it


# -- output --------------------------------------------------------------------------------------


class RemoteOutput:
    """An output URL: checks it, stages the run locally, keeps the work files in the store and
    publishes the final files (see the module docstring)."""

    def __init__(self, url: str, storage_options: Mapping[str, Any] | None = None) -> None:
        self.storage_options = dict(storage_options or {})
        self.fs, path = filesystem(url, self.storage_options, OutputError)  # refuses "s3://"
        self.url, self.path = url.rstrip("/"), path.rstrip("/")
        from .executors.driver import WORK_DIR  # the driver imports this module

        self.work_name = WORK_DIR
        self.work = f"{self.path}/{WORK_DIR}"
        self.stage = Path(tempfile.mkdtemp(prefix="corpusclean-stage-"))
        self._run_uploaded = False

    def _names(self, path: str) -> list[str]:
        with reaching(self.url, OutputError, "create the bucket first, or choose another output URL"):
            return sorted(p.rsplit("/", 1)[-1] for p in self.fs.find(path, maxdepth=1, withdirs=True))

    def prepare(self, input_url: str, output_files: Sequence[str], *, resume: bool, overwrite: bool) -> None:
        """Check the output as the local run checks its directory, and fill the staging
        directory from the store: its work directory, or the finished ``stats.json``, for
        ``resume``. ``overwrite`` removes an earlier run's work directory and ``stats.json``."""
        if input_url.rstrip("/") == self.url or self.url.startswith(input_url.rstrip("/") + "/"):
            msg = (f"the output {self.url} is inside the input {input_url}, so its files would be "
                   "read as input; choose an output outside the input")
            raise OutputError(msg)
        self.fs.invalidate_cache()  # another process (a killed driver) may have written since
        names = set(self._names(self.path))
        work = bool(self._names(self.work)) if self.work_name in names else False
        existing = sorted(n for n in names if n in output_files or FILE_RE.fullmatch(n))  # any layout
        if resume and work:
            self._fetch_work()
        elif resume and "stats.json" in names:
            self.fs.get_file(f"{self.path}/stats.json", str(self.stage / "stats.json"))
        elif work and not overwrite:
            msg = (f"{self.url} holds an unfinished run; pass --resume to continue it or --overwrite "
                   "to start again")
            raise OutputError(msg)
        elif existing and not overwrite:
            msg = (f"{self.url} already holds corpusclean output ({', '.join(existing)}); "
                   "pass --overwrite to replace it, or choose another output")
            raise OutputError(msg)
        elif overwrite:
            if "stats.json" in names:
                self.fs.rm_file(f"{self.path}/stats.json")  # first: the old set is no longer complete
            if work:
                self.fs.rm(self.work, recursive=True)

    def _fetch_work(self) -> None:
        """Copy the store's work directory into the staging one (the store is the truth)."""
        local = self.stage / self.work_name
        local.mkdir(parents=True, exist_ok=True)
        names = [p.rsplit("/", 1)[-1] for p in self.fs.find(self.work)]
        done = {n[: -len(".done")] for n in names if n.endswith(".done")}
        for name in names:
            if name.endswith(".tmp"):
                continue
            if name.endswith(".spill"):  # a spill the next pass has read is not needed again
                number, shard = name[1:-len(".spill")].split("-", 1)
                if f"p{int(number) + 1}-{shard}" in done:
                    continue
            self.fs.get_file(f"{self.work}/{name}", str(local / name))
        self._run_uploaded = (local / "run.json").is_file()

    def wrap(self, engine: Any) -> SyncedEngine:
        return SyncedEngine(engine, self)

    def upload_work(self, names: Sequence[str]) -> None:
        """Copy work files from the staging directory to the store, in order (marker last)."""
        local = self.stage / self.work_name
        if not self._run_uploaded:
            self.fs.put_file(str(local / "run.json"), f"{self.work}/run.json")
            self._run_uploaded = True
        for name in names:
            self.fs.put_file(str(local / name), f"{self.work}/{name}")

    def publish(self, output_files: Sequence[str]) -> None:
        """Upload the final files (what the run wrote in the staging directory: the layout's
        record files, ``report.html``...), remove the record files of an earlier layout that
        this run did not write (as :func:`~corpusclean.outputs.remove_stale` does in a
        directory), upload ``stats.json`` last, then remove the store's work directory."""
        for name in output_files:
            if name != "stats.json" and (self.stage / name).is_file():
                self.fs.put_file(str(self.stage / name), f"{self.path}/{name}")
        self.fs.invalidate_cache(self.path)
        stale = [n for n in self._names(self.path) if FILE_RE.fullmatch(n) and n not in output_files]
        for name in stale:
            self.fs.rm_file(f"{self.path}/{name}")
        self.fs.put_file(str(self.stage / "stats.json"), f"{self.path}/stats.json")
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(self.work, recursive=True)

    def final_names(self) -> list[str]:
        """The final files the store holds (record files of any layout, the stats, the
        pipeline, the report), for a finished run that ``--resume`` found there."""
        self.fs.invalidate_cache(self.path)
        return [n for n in self._names(self.path)
                if FILE_RE.fullmatch(n) or n in ("stats.json", "pipeline.toml", "report.html")]

    def close(self) -> None:
        """Remove the staging directory (the store keeps the work of an unfinished run)."""
        shutil.rmtree(self.stage, ignore_errors=True)


def produced(task: Any) -> list[str]:
    """The work files a shard task writes, its completion marker last."""
    from .executors.tasks import STREAMS, marker_path, part_path, spill_path, state_path

    work, shard, number = task.work, task.shard, task.spec.number
    files = ([part_path(work, s, shard) for s in STREAMS] if task.spec.final
             else [spill_path(work, number, shard), state_path(work, number, shard)])
    return [p.name for p in [*files, marker_path(work, number, shard)]]


@dataclass(frozen=True)
class StoredTask:
    """A shard task run on a node with no shared disk: the work files it reads and writes
    go through the store's work directory ``work_url``."""

    task: Any
    work_url: str


def run_stored(job: StoredTask) -> Any:
    """Run a shard task in a scratch directory: fetch the spill it reads from the store,
    run it, upload what it wrote (marker last)."""
    from .executors.tasks import run_task, spill_path

    task = job.task
    storage = task.options.storage_options
    fs, work = filesystem(job.work_url, storage, OutputError)
    scratch = tempfile.mkdtemp(prefix="corpusclean-task-")
    try:
        local = replace(task, work=scratch)
        if task.spec.number > 0:
            spill = spill_path(scratch, task.spec.number - 1, task.shard)
            fs.get_file(f"{work}/{spill.name}", str(spill))
        done = run_task(local)
        for name in produced(local):
            fs.put_file(str(Path(scratch) / name), f"{work}/{name}")
        return done
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class SyncedEngine:
    """An engine whose shard tasks keep the store's work directory up to date.

    Engines whose workers share the driver's disk (serial, pool) write into the staging
    directory; the driver uploads each finished task's files. On Ray each task runs on its
    node through :func:`run_stored`, and the driver fetches what it wrote."""

    def __init__(self, engine: Any, output: RemoteOutput) -> None:
        self.engine = engine
        self.output = output
        self.name = engine.name
        self.shared_disk = engine.name != "ray"

    @property
    def heartbeat(self) -> Callable[[], None] | None:
        return self.engine.heartbeat

    @heartbeat.setter
    def heartbeat(self, value: Callable[[], None] | None) -> None:
        self.engine.heartbeat = value

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        from .executors.tasks import run_task

        if fn is not run_task:  # planning tasks write nothing
            yield from self.engine.map(fn, items)
            return
        out = self.output
        if items:
            out.upload_work([])  # run.json first: a resume elsewhere checks it
        if self.shared_disk:
            for i, done in self.engine.map(fn, items):
                out.upload_work(produced(items[i]))
                yield i, done
            return
        jobs = [StoredTask(t, out.fs.unstrip_protocol(out.work)) for t in items]
        for i, done in self.engine.map(run_stored, jobs):
            for name in produced(items[i]):
                if name.endswith(".spill"):  # read by the next pass's task, from the store
                    continue
                out.fs.get_file(f"{out.work}/{name}", str(out.stage / out.work_name / name))
            yield i, done  # type: ignore[misc]

    def broadcast(self, value: Any, path: Path, key: str) -> Any:
        return self.engine.broadcast(value, path, key)

    def bytes_read(self) -> int | None:
        return self.engine.bytes_read()

    def close(self) -> None:
        self.engine.close()

    def abort(self) -> None:
        self.engine.abort()
