"""Run a pipeline over a directory: read, clean, write JSONL, rejects and stats.

The output directory holds:

- ``documents.jsonl``: one record per kept document (``docs/schema.md``);
- ``dropped.jsonl``: documents a step dropped, with the reason (nothing is lost);
- ``rejects.jsonl``: inputs that could not be read, with reason and location;
- ``removals.jsonl``: the text of every removed line, a row per document joinable by ``id``
  (empty unless ``removed="sidecar"``, the default);
- ``stats.json``: counters per step and reason; ``pipeline.toml``: the effective configuration;
- ``report.html``: the run at a glance (:mod:`corpusclean.report`).

The four record streams can be cut into files of bounded size, compressed, or written as
Parquet (:class:`corpusclean.outputs.Layout`; the names above are the default layout's).

Every file is written atomically. :func:`clean_directory` cuts the input into shards and runs
them on an engine (one process, a process pool or Ray: :mod:`corpusclean.executors`); while it
runs, its work files live in ``OUT/.corpusclean-work/`` (``docs/scale.md``).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .budget import BudgetExceeded, default_budget, default_seconds
from .budget import time_budget as _time_budget
from .document import Document
from .errors import InputError, OutputError
from .pipeline import Pipeline, Result
from .readers import ReaderOptions, Reject, read_file, walk
from .progress import Progress
from .outputs import Layout, existing_files
from .record import REMOVED_MODES
from .remote import RemoteOutput, check_input, is_url, local_path
from .executors.driver import WORK_DIR, json_text, run_sharded
from .executors.engines import make_engine
from .executors.shards import SHARD_BYTES
from .stats import Stats
from .writers import check_target, write_atomic

log = logging.getLogger(__name__)

OUTPUT_FILES = ("documents.jsonl", "dropped.jsonl", "rejects.jsonl", "removals.jsonl", "stats.json",
                "pipeline.toml")
#: The run report (its timings vary from run to run, so it is not among ``OUTPUT_FILES``).
REPORT_FILE = "report.html"


@dataclass
class RunSummary:
    """What a run did: its stats and where it wrote (a URL for output to a store)."""

    stats: Stats
    output: Path | str
    files: list[Path] | list[str] = field(default_factory=list)


def iter_inputs(root: Path, options: ReaderOptions | None = None) -> Iterator[Document | Reject]:
    """Every document and reject under ``root``, in a deterministic order."""
    for item in walk(root, options):
        if isinstance(item, Reject):
            yield item
        else:
            path, rel = item
            yield from read_file(path, rel, options)


def run_safely(pipeline: Pipeline, doc: Document, *, time_budget: float | None = None, **span: Any) -> Result | Reject:
    """Run ``pipeline`` on ``doc``; a failure inside a filter becomes a reject, not a crash.

    A document that takes longer than ``time_budget`` seconds becomes a ``pipeline.timeout``
    reject (:mod:`corpusclean.budget`; ``None``: the default set with ``default_budget``, 10 s
    unless changed; ``0``: no limit). ``span`` is passed on to :meth:`Pipeline.run`.
    """
    line = doc.meta.get("line")
    line = line if isinstance(line, int) else None
    try:
        with _time_budget(default_seconds() if time_budget is None else time_budget):
            return pipeline.run(doc, **span)
    except BudgetExceeded as exc:
        return Reject(doc.source or doc.id, "pipeline.timeout", f"the pipeline {exc}", line=line)
    except RecursionError:
        return Reject(doc.source or doc.id, "pipeline.error", "recursion too deep in a filter", line=line)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        log.exception("filter failed on %s", doc.id)
        return Reject(doc.source or doc.id, "pipeline.error", f"{type(exc).__name__}: {exc}", line=line)


def process(
    items: Iterable[Document | Reject], pipeline: Pipeline
) -> Iterator[tuple[Document | Reject, Result | Reject]]:
    """Run ``pipeline`` over ``items`` in order, yielding each item with its outcome.

    Without corpus steps this streams one document at a time. With corpus steps every document
    is held until each corpus step has collected its state over the whole input.
    """
    if not pipeline.corpus_indexes():
        for item in items:
            yield item, item if isinstance(item, Reject) else run_safely(pipeline, item)
        return
    held = list(items)
    outcomes: list[Result | Reject] = [
        item if isinstance(item, Reject) else Result(item, None, None, ()) for item in held
    ]
    for start, end in pipeline.segments():
        if pipeline.infos[start].corpus:
            step = pipeline.filters[start]
            state = step.empty()
            for o in outcomes:
                if isinstance(o, Result) and o.kept:
                    state = step.collect(state, o.doc)
            pipeline.bind(start, step.merge([state]))
        outcomes = [
            o if isinstance(o, Reject) else run_safely(pipeline, o.doc, start=start, end=end, prior=o)
            for o in outcomes
        ]
    yield from zip(held, outcomes)


def check_output_dir(input_path: Path, output: Path, *, overwrite: bool) -> None:
    """Refuse an output inside the input, over an earlier output without ``overwrite``, or
    through a symbolic link at any output file's name (links are never written through)."""
    out = output.resolve()
    inp = None if is_url(input_path) else input_path.resolve()
    if inp is not None and inp.is_dir() and (out == inp or inp in out.parents):
        msg = (f"the output directory {output} is inside the input {input_path}, so its files "
               "would be read as input; choose an output directory outside the input")
        raise OutputError(msg)
    if out.exists() and not out.is_dir():
        msg = f"{output} exists and is not a directory; choose a directory for the output"
        raise OutputError(msg)
    if not out.is_dir():
        return
    names = sorted({*OUTPUT_FILES, REPORT_FILE, *existing_files(out)})
    for name in names:
        check_target(out / name)
    existing = [n for n in names if os.path.lexists(out / n)]
    if existing and not overwrite:
        msg = (f"{output} already holds corpusclean output ({', '.join(existing)}); "
               "pass --overwrite to replace it, or choose another output directory")
        raise OutputError(msg)


def clean_directory(
    input_path: str | Path,
    output: str | Path,
    pipeline: Pipeline | None = None,
    *,
    reader_options: ReaderOptions | None = None,
    overwrite: bool = False,
    on_item: Callable[[Document | Reject, Result | Reject], None] | None = None,
    workers: int | None = 1,
    engine: str = "local",
    resume: bool = False,
    shard_bytes: int = SHARD_BYTES,
    progress: Callable[[int], None] | None = None,
    time_budget: float | None = None,
    removed: str = "sidecar",
    meter: Progress | None = None,
    layout: Layout | None = None,
    report: bool = True,
    storage_options: Mapping[str, Any] | None = None,
) -> RunSummary:
    """Clean every supported file under ``input_path`` into ``output``.

    Either may be a URL (``s3://bucket/prefix``, ``gs://``, ``hf://``, ``file://``: needs
    ``corpusclean[remote]`` but for ``file://``), reached with fsspec and ``storage_options``
    (endpoint, profile, ``anon``...; see :mod:`corpusclean.remote`).

    The input is cut into shards (``shard_bytes`` of input each, see
    :mod:`corpusclean.executors.shards`) run by ``workers`` processes (``None``: every core) or,
    with ``engine="ray"``, by a Ray cluster; the output is the same bytes whatever runs it.
    ``resume`` picks up a run that was stopped, even killed, from its completed shards.
    ``on_item`` sees every document of the final pass with its outcome (one worker only);
    ``progress`` is called with the number of documents of each finished shard.
    ``time_budget`` is the seconds one document may take before it becomes a
    ``pipeline.timeout`` reject (``None``: the current default, 10 s; ``0``: no limit).
    ``removed`` says where the removed lines' text goes (:data:`corpusclean.record.REMOVED_MODES`):
    ``removals.jsonl`` (default), each record (``inline``) or nowhere (``none``).
    ``meter`` shows how far the run is (:class:`corpusclean.progress.Progress`). ``stats.json``
    gets the run's ``timings`` (elapsed and CPU time, rates, time per step). ``layout`` says how
    the record streams are written (:class:`corpusclean.outputs.Layout`: size-bounded files,
    compression, Parquet); ``report`` writes ``report.html`` (:mod:`corpusclean.report`).
    """
    input_path = local_path(input_path)
    output = local_path(output)
    if removed not in REMOVED_MODES:
        msg = f"removed={removed!r}: choose one of {', '.join(REMOVED_MODES)}"
        raise ValueError(msg)
    if on_item is not None and (workers is None or workers > 1 or engine != "local"):
        msg = "on_item needs workers=1 and the local engine; use progress= to follow a parallel run"
        raise ValueError(msg)
    reader_options = reader_options or ReaderOptions()
    if storage_options:
        reader_options = replace(reader_options, storage_options=dict(storage_options))
    if isinstance(input_path, str):
        check_input(input_path, reader_options.storage_options)
    elif not input_path.exists():
        msg = f"{input_path} does not exist; give an existing directory or file to clean"
        raise InputError(msg)
    pipeline = pipeline or Pipeline.default()
    layout = layout or Layout()
    layout.require()  # a missing extra stops the run before anything is written
    run: dict[str, Any] = {"reader_options": reader_options, "resume": resume, "shard_bytes": shard_bytes,
                           "on_item": on_item, "progress": progress, "removed": removed, "meter": meter,
                           "layout": layout}
    if isinstance(output, str):  # a store: the run is staged locally (corpusclean.remote)
        store = RemoteOutput(output, reader_options.storage_options)
        try:
            store.prepare(str(input_path), (*OUTPUT_FILES, REPORT_FILE), resume=resume, overwrite=overwrite)
            stats, names = _run(input_path, store.stage, pipeline, engine, workers, time_budget, store, report,
                                overwrite=True, **run)  # the store's output was checked, the stage is new
        finally:
            store.close()
        return RunSummary(stats, store.url, [f"{store.url}/{n}" for n in names])
    # With resume, the driver compares what the output was made from with this run.
    earlier = resume and ((output / WORK_DIR).is_dir() or (output / "stats.json").is_file())
    check_output_dir(input_path, output, overwrite=overwrite or earlier)  # type: ignore[arg-type]
    stats, names = _run(input_path, output, pipeline, engine, workers, time_budget, None, report,
                        overwrite=overwrite, **run)
    return RunSummary(stats, output, [output / n for n in names])


def _run(input_path: Path | str, output: Path, pipeline: Pipeline, engine: str, workers: int | None,
         time_budget: float | None, store: RemoteOutput | None, report: bool,
         **run: Any) -> tuple[Stats, list[str]]:
    """Run the checked job into the directory ``output`` (a store's staging directory when
    ``store`` is given, which gets each completed shard's work files and the final files);
    return the stats and the names of the final files (the layout's record files, the stats,
    the pipeline and, with ``report``, ``report.html``)."""
    runner = make_engine(engine, workers)  # before the output is made: a missing extra stops here
    if store is not None:
        runner = store.wrap(runner)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        runner.close()
        msg = f"cannot create {output}: {exc.strerror}"
        raise OutputError(msg) from None
    budget = default_budget(time_budget) if time_budget is not None else nullcontext()
    clock = RunClock()
    try:
        with budget:
            stats = run_sharded(input_path, output, pipeline, runner, **run)  # type: ignore[arg-type]
    except BaseException:
        runner.abort()  # an interrupt stops the workers now; the work files stay for --resume
        raise
    finally:
        runner.close()
    found = bool(stats.timings)  # a finished run found by --resume, not one that did the work
    if not found:
        stats.timings = clock.figures(stats)
        data = json.loads((output / "stats.json").read_text(encoding="utf-8"))
        write_atomic(output / "stats.json", json_text({**data, "timings": stats.timings}))
    elif store is not None:
        return stats, store.final_names()  # the store's files, left as they were
    names = [*existing_files(output), "stats.json", "pipeline.toml"]
    if report and _write_report(output, store.url if store is not None else output):
        names.append(REPORT_FILE)
    if store is not None:
        store.publish(names)
    return stats, names


def _write_report(output: Path, shown: Path | str) -> bool:
    """Write ``report.html``; the output is complete without it, so a failure is a warning
    (``shown``: the output as the user named it, a store's URL for a staged run)."""
    from .report import write_report

    try:
        write_report(output)
    except Exception as exc:  # noqa: BLE001 - the run's files are written; the report is extra
        hint = (f"corpusclean report {shown}" if isinstance(shown, Path)
                else f"corpusclean report on a copy of {shown} downloaded into a directory")
        log.warning("report.html was not written (%s: %s); the output is complete. Try again with: %s",
                    type(exc).__name__, exc, hint)
        return False
    return True


class RunClock:
    """Wall and CPU time of a run from its start: this process and the worker processes it
    waited for (a Ray cluster's other machines are not counted)."""

    def __init__(self) -> None:
        self.wall = time.monotonic()
        self.cpu = _cpu_seconds()

    def figures(self, stats: Stats) -> dict[str, Any]:
        """The ``timings`` of ``stats.json``: what varies from run to run."""
        elapsed = max(time.monotonic() - self.wall, 1e-9)
        c = stats.counts
        steps = sum(stats.seconds.values()) or 1.0
        return {
            "elapsed_seconds": round(elapsed, 3),
            "cpu_seconds": round(_cpu_seconds() - self.cpu, 3),
            "mb_per_second": round(c["bytes.in"] / 1e6 / elapsed, 4),
            "documents_per_second": round(c["documents.in"] / elapsed, 2),
            "steps": {name: {"seconds": round(sec, 3), "share": round(sec / steps, 4)}
                      for name, sec in sorted(stats.seconds.items(), key=lambda kv: -kv[1])},
        }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def clean_text(text: str, pipeline: Pipeline | None = None, *, id: str = "") -> Result:
    """Clean one text with ``pipeline`` (default pipeline if none)."""
    pipeline = pipeline or Pipeline.default()
    return pipeline.run(Document.from_text(text, id=id))
