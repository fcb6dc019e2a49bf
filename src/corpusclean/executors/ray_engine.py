"""Ray: shard tasks on a cluster (:class:`RayEngine`, ``corpusclean clean --engine ray``) and
:func:`clean_dataset`, which cleans a Ray Dataset of records. Needs ``corpusclean[ray]``.

Both hand Ray whole shards (files cut by :mod:`.shards`, or whole dataset blocks), never single
records, and run every corpus step as a pass: tasks over shards, the states merged in the driver
and broadcast with ``ray.put``. Connecting to a cluster: ``ray.init(address=...)`` before, or
``RAY_ADDRESS`` set (``docs/scale.md``).
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import import_extra
from ..pipeline import Pipeline, Result
from . import tasks
from .engines import HEARTBEAT, Handle
from .records import outcome_to_record, record_to_document

if TYPE_CHECKING:  # pragma: no cover
    import ray.data

T = TypeVar("T")
R = TypeVar("R")


def _ray() -> Any:
    return import_extra("ray", "ray", "the Ray engine")


def connect(workers: int | None = None) -> bool:
    """Start or join Ray unless it is running; True if this call started it. ``RAY_ADDRESS``
    names a cluster to join; otherwise a local Ray with ``workers`` CPUs starts."""
    ray = _ray()
    if ray.is_initialized():
        return False
    if os.environ.get("RAY_ADDRESS"):
        ray.init(address=os.environ["RAY_ADDRESS"])
    else:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    return True


class RayHandle:
    """A value in Ray's object store."""

    def __init__(self, ref: Any, key: str) -> None:
        self.ref = ref
        self.key = key

    def get(self) -> Any:
        return _ray().get(self.ref)


class RayEngine:
    """Run shard tasks as Ray tasks (one CPU each, retried if a node dies). The output directory
    must be on storage every node sees."""

    name = "ray"

    def __init__(self, workers: int | None = None) -> None:
        self.heartbeat: Callable[[], None] | None = None
        self._started = connect(workers)
        ray = _ray()
        self.slots = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        ray = _ray()
        remote = ray.remote(num_cpus=1, max_retries=3)(fn)
        pending: dict[Any, int] = {}
        it = iter(enumerate(items))
        try:
            while True:
                while len(pending) < 2 * self.slots:
                    nxt = next(it, None)
                    if nxt is None:
                        break
                    pending[remote.remote(nxt[1])] = nxt[0]
                if not pending:
                    return
                done, _ = ray.wait(list(pending), num_returns=1, timeout=HEARTBEAT)
                if self.heartbeat is not None:
                    self.heartbeat()
                for ref in done:
                    yield pending.pop(ref), ray.get(ref)
        finally:
            for ref in pending:
                ray.cancel(ref)

    def broadcast(self, value: Any, path: Path, key: str) -> Handle:
        return RayHandle(_ray().put(value), key)

    def bytes_read(self) -> int | None:
        return None  # tasks run elsewhere: the driver counts shards as they end

    def close(self) -> None:
        if self._started:
            _ray().shutdown()
            self._started = False

    abort = close  # map's generator has cancelled the pending tasks


# -- Ray Data ------------------------------------------------------------------------------------


def _to_items(batch: Any, text_field: str, id_field: str, source: str) -> dict[str, list[bytes]]:
    rows = batch.to_pylist()
    docs = [record_to_document(r, text_field=text_field, id_field=id_field, source=source) for r in rows]
    return {"item": [pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL) for d in docs]}


def _items(batch: Any) -> Iterator[Any]:
    for blob in batch.column("item").to_pylist():
        yield pickle.loads(blob)


def _run_pass(batch: Any, pipeline: Handle, states: tuple[tuple[int, Handle], ...], start: int, end: int) -> dict[str, list[bytes]]:
    pipe = tasks.worker_pipeline(pipeline, states)
    out = [pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL)
           for _, o in tasks.outcomes(pipe, _items(batch), start, end)]
    return {"item": out}


def _collect(batch: Any, pipeline: Handle, states: tuple[tuple[int, Handle], ...], index: int) -> dict[str, list[bytes]]:
    step = tasks.worker_pipeline(pipeline, states).filters[index]
    state = step.empty()
    for o in _items(batch):
        if isinstance(o, Result) and o.kept:
            state = step.collect(state, o.doc)
    return {"state": [pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)]}


def _to_records(batch: Any, fingerprint: str, dropped: bool) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {"id": [], "text": [], "source": [], "metadata": []}
    for o in _items(batch):
        if not dropped and not (isinstance(o, Result) and o.kept):
            continue
        rec = outcome_to_record(o, fingerprint)
        cols["id"].append(rec["id"])
        cols["text"].append(rec["text"])
        cols["source"].append(rec["source"])
        cols["metadata"].append(json.dumps(rec["metadata"], ensure_ascii=False, separators=(",", ":")))
    return cols


def clean_dataset(
    ds: ray.data.Dataset,
    pipeline: Pipeline | None = None,
    *,
    text_field: str = "text",
    id_field: str = "id",
    source: str = "",
    dropped: bool = False,
) -> ray.data.Dataset:
    """Clean a Ray Dataset of records into one of output records, corpus steps included.

    The result has the columns ``id``, ``text``, ``source`` and ``metadata``; ``metadata`` is the
    record's metadata as a JSON string (its keys vary from record to record, which a columnar
    schema does not hold). Row for row it equals :func:`corpusclean.clean_records` on the same
    records; each block is one task, and each corpus step adds a pass whose states are merged
    in the driver and broadcast. With ``dropped=True`` dropped documents and records without text
    are kept, marked in their metadata.
    """
    from .driver import Plan

    ray = _ray()
    pipeline = pipeline or Pipeline.default()
    fingerprint = pipeline.fingerprint()
    nonce = os.urandom(6).hex()
    spec = RayHandle(ray.put(tasks.PipelineSpec.of(pipeline)), f"pipeline:{nonce}")
    cur = ds.map_batches(_to_items, batch_size=None, batch_format="pyarrow",
                         fn_kwargs={"text_field": text_field, "id_field": id_field, "source": source})
    states: tuple[tuple[int, Handle], ...] = ()
    for p in Plan.of(pipeline).passes:
        cur = cur.map_batches(_run_pass, batch_size=None, batch_format="pyarrow",
                              fn_kwargs={"pipeline": spec, "states": states, "start": p.start, "end": p.end})
        if p.collect is None:
            break
        cur = cur.materialize()
        blobs = cur.map_batches(_collect, batch_size=None, batch_format="pyarrow",
                                fn_kwargs={"pipeline": spec, "states": states, "index": p.collect}).take_all()
        step = pipeline.filters[p.collect]
        merged = step.merge([pickle.loads(b["state"]) for b in blobs] or [step.empty()])
        states = (*states, (p.collect, RayHandle(ray.put(merged), f"state-{p.collect}:{nonce}")))
    return cur.map_batches(_to_records, batch_size=None, batch_format="pyarrow",
                           fn_kwargs={"fingerprint": fingerprint, "dropped": dropped})
