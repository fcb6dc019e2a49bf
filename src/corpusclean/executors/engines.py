"""Engines: what runs shard tasks. The driver needs three things of an engine:

- ``map(fn, tasks)``: run ``fn`` on every task (a shard), yield ``(task number, result)`` as
  tasks finish, in any order;
- ``broadcast(value, path, key)``: make a value (the pipeline, a merged corpus state) readable by
  every task; ``path`` is where the driver already saved it, for engines whose workers share the
  disk, and ``key`` names it uniquely within the run (workers cache by key);
- ``close()``.

Reducing corpus states by key happens in the driver (each corpus step's ``merge``). Adding an
engine (Dask, a job queue...) means writing these three methods; nothing else changes.
:class:`SerialEngine` runs tasks in the calling process, :class:`PoolEngine` in a process pool,
``corpusclean.executors.ray_engine.RayEngine`` on a Ray cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
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


class Engine(Protocol):
    name: str

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[int, R]]: ...

    def broadcast(self, value: Any, path: Path, key: str) -> Handle: ...

    def close(self) -> None: ...


class SerialEngine:
    """Run every task in this process, in order."""

    name = "serial"

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[int, R]]:
        for i, task in enumerate(tasks):
            yield i, fn(task)

    def broadcast(self, value: Any, path: Path, key: str) -> Handle:
        return LocalHandle(value, key)

    def close(self) -> None:
        pass


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

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context(start_method())
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self._pool

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[int, R]]:
        if len(tasks) <= 1 and self._pool is None:  # not worth starting processes for
            yield from SerialEngine().map(fn, tasks)
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
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield pending.pop(fut), fut.result()
        finally:
            for fut in pending:
                fut.cancel()

    def broadcast(self, value: Any, path: Path, key: str) -> Handle:
        return FileHandle(path, key)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
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
