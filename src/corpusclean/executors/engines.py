"""Engines: what runs shard tasks. The driver needs three things of an engine:

- ``map(fn, tasks)``: run ``fn`` on every task (a shard), yield ``(task number, result)`` as
  tasks finish, in any order;
- ``broadcast(value, path, key)``: make a value (the pipeline, a merged corpus state) readable by
  every task; ``path`` is where the driver already saved it, for engines whose workers share the
  disk, and ``key`` names it uniquely within the run (workers cache by key);
- ``close()``, and ``abort()`` when the run is interrupted: stop every task now (what they
  leave is work files that a resumed run cleans up);
- ``bytes_read()``: the input bytes the tasks have read so far, counted as they read
  (:func:`count_bytes`), or ``None`` when the engine cannot tell before a task ends (Ray);
  ``heartbeat``, when set, is called at least every :data:`HEARTBEAT` seconds while ``map``
  waits, so the driver can show progress.

Reducing corpus states by key happens in the driver (each corpus step's ``merge``). Adding an
engine (Dask, a job queue...) means writing these three methods; nothing else changes.
:class:`SerialEngine` runs tasks in the calling process, :class:`PoolEngine` in a process pool,
``corpusclean.executors.ray_engine.RayEngine`` on a Ray cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Handle(Protocol):
    """A broadcast value as a task sees it: ``key`` names it, ``get()`` returns it."""

    key: str

    def get(self) -> Any: ...


class LocalHandle:
    """A value held in this process."""

    def __init__(self, value: Any, key: str) -> None:
        self.value = value
        self.key = key

    def get(self) -> Any:
        return self.value


_FILE_CACHE: dict[str, Any] = {}


class FileHandle:
    """A value pickled to a file; each process loads it once."""

    def __init__(self, path: str | Path, key: str) -> None:
        self.path = str(path)
        self.key = key

    def get(self) -> Any:
        if self.key not in _FILE_CACHE:
            if len(_FILE_CACHE) > 8:
                _FILE_CACHE.clear()
            with open(self.path, "rb") as f:
                _FILE_CACHE[self.key] = pickle.load(f)
        return _FILE_CACHE[self.key]


#: Seconds between two heartbeats of a waiting ``map``.
HEARTBEAT = 0.5
#: Seconds between two looks of a pool worker at its parent: a worker whose driver died (even
#: by SIGKILL) exits by itself within this time.
PARENT_CHECK = 1.0

# Bytes of input read by tasks: a counter shared by a pool's workers (set by their initializer),
# or, in this process, a plain one.
_SHARED_BYTES: Any = None
_local_bytes = 0
_local_beat: Callable[[], None] | None = None


def count_bytes(n: int) -> None:
    """Add ``n`` bytes of input read to the counter of the engine running this task."""
    global _local_bytes
    if _SHARED_BYTES is not None:
        with _SHARED_BYTES.get_lock():
            _SHARED_BYTES.value += n
    else:
        _local_bytes += n
        if _local_beat is not None:
            _local_beat()


class Engine(Protocol):
    name: str
    heartbeat: Callable[[], None] | None

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[int, R]]: ...

    def broadcast(self, value: Any, path: Path, key: str) -> Handle: ...

    def bytes_read(self) -> int | None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class SerialEngine:
    """Run every task in this process, in order."""

    name = "serial"

    def __init__(self) -> None:
        self.heartbeat: Callable[[], None] | None = None

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[int, R]]:
        global _local_beat
        saved, _local_beat = _local_beat, self.heartbeat
        try:
            for i, task in enumerate(tasks):
                yield i, fn(task)
        finally:
            _local_beat = saved

    def broadcast(self, value: Any, path: Path, key: str) -> Handle:
        return LocalHandle(value, key)

    def bytes_read(self) -> int | None:
        return _local_bytes

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


def _worker_init(shared: Any, parent: int) -> None:
    """A pool worker's start: share the byte counter, leave Ctrl-C to the driver (which stops
    the workers itself), take SIGTERM's default, and exit when the driver is gone."""
    global _SHARED_BYTES
    _SHARED_BYTES = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="corpusclean-parent-watch", daemon=True).start()


def start_method() -> str:
    """``fork`` where it exists and no other thread runs (fast, nothing to pickle), else
    ``spawn``. ``CORPUSCLEAN_START_METHOD`` overrides it."""
    forced = os.environ.get("CORPUSCLEAN_START_METHOD")
    if forced:
        return forced
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


class PoolEngine:
    """Run tasks in ``workers`` processes; at most ``2 * workers`` tasks are in flight, so the
    driver never holds more than that many results."""

    name = "pool"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._bytes: Any = None
        self.heartbeat: Callable[[], None] | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context(start_method())
            self._bytes = ctx.Value("q", 0)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_init,
                                             initargs=(self._bytes, os.getpid()))
        return self._pool

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[int, R]]:
        if len(tasks) <= 1 and self._pool is None:  # not worth starting processes for
            serial = SerialEngine()
            serial.heartbeat = self.heartbeat
            yield from serial.map(fn, tasks)
            return
        pool = self._executor()
        pending: dict[Future[R], int] = {}
        it = iter(enumerate(tasks))
        limit = 2 * self.workers
        try:
            while True:
                while len(pending) < limit:
                    nxt = next(it, None)
                    if nxt is None:
                        break
                    pending[pool.submit(fn, nxt[1])] = nxt[0]
                if not pending:
                    return
                done, _ = wait(pending, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
                if self.heartbeat is not None:
                    self.heartbeat()
                for fut in done:
                    yield pending.pop(fut), fut.result()
        finally:
            for fut in pending:
                fut.cancel()

    def broadcast(self, value: Any, path: Path, key: str) -> Handle:
        return FileHandle(path, key)

    def bytes_read(self) -> int | None:
        return (self._bytes.value if self._bytes is not None else 0) + _local_bytes

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop the workers now (SIGTERM), without waiting for their tasks."""
        if self._pool is None:
            return
        processes = list(getattr(self._pool, "_processes", {}).values())  # no public way
        # The pool's manager thread: it closes the pool's wake-up pipe once its workers are
        # gone. The interpreter's exit writes to that pipe (concurrent.futures._python_exit),
        # so it must have closed it by then: Python 3.11 checks for a closed pipe and writes
        # without a lock, and the race ends in "OSError: Bad file descriptor" at exit.
        manager = getattr(self._pool, "_executor_manager_thread", None)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=1.0)
        if manager is not None:
            manager.join(timeout=1.0)
        self._pool = None


def make_engine(engine: str, workers: int | None) -> Engine:
    """The engine called ``engine`` (``local`` or ``ray``) with ``workers`` processes."""
    if engine == "ray":
        from .ray_engine import RayEngine

        return RayEngine(workers)
    if engine != "local":
        msg = f"unknown engine {engine!r}; choose 'local' or 'ray'"
        raise ValueError(msg)
    n = workers if workers is not None else available_cores()
    return SerialEngine() if n <= 1 else PoolEngine(n)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
