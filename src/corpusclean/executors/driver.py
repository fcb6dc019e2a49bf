"""The driver: plan shards, run the passes on an engine, merge corpus states, assemble output.

Work files live in ``OUT/.corpusclean-work/`` until the run is complete: shard parts, spills
between passes, corpus states, completion markers and ``run.json`` (what a resumed run must
match). The final files are assembled from the parts in shard order and renamed into place, then
the work directory is removed. See ``docs/scale.md``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import pickle
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..budget import default_seconds
from ..document import Document
from ..errors import OutputError
from ..outputs import Layout, remove_stale, write_stream
from ..pipeline import Pipeline, Result
from ..progress import Progress
from ..readers import ReaderOptions, Reject
from ..readers.files import missing_extras
from ..remote import is_url
from ..stats import Stats
from ..writers import write_atomic, write_bytes_atomic
from . import tasks
from .engines import Engine, Handle, start_method
from .shards import SHARD_BYTES, Shard, plan_digest, plan_shards, shard_bytes_of
from .tasks import STREAMS, PassSpec, PipelineSpec, ShardTask, marker_path, part_path, state_path

#: Allocations between two collections of the youngest generation while a run's passes go on
#: in this process (Python's default is 700; on the 30 MB speed corpus 5,000 took the
#: collector from 0.19 to 0.03 s CPU).
YOUNG_COLLECTION = 5000

log = logging.getLogger(__name__)

WORK_DIR = ".corpusclean-work"
#: Shard states merged at once when reducing a corpus step.
MERGE_BATCH = 16


@dataclass
class Plan:
    """The passes of a pipeline: one per corpus step, then the final one."""

    passes: list[PassSpec]

    @classmethod
    def of(cls, pipeline: Pipeline) -> Plan:
        corpus = pipeline.corpus_indexes()
        bounds = [0, *corpus, len(pipeline.filters)]
        passes = []
        for j in range(len(bounds) - 1):
            collect = corpus[j] if j < len(corpus) else None
            passes.append(PassSpec(j, bounds[j], bounds[j + 1], collect))
        return cls(passes)


def _run_identity(input_path: Path, pipeline: Pipeline, digest: str, options: ReaderOptions,
                  shard_bytes: int, removed: str, layout: Layout) -> dict[str, Any]:
    """What a resumed run must match: the input (its path, and every file's size and time in the
    plan), the pipeline, the version and the options that change the output."""
    return {
        "input": str(input_path),
        "version": __version__,
        "removed": removed,
        "pipeline": pipeline.fingerprint(),
        "plan": digest,
        "shard_bytes": shard_bytes,
        "text_field": options.text_field,
        "id_field": options.id_field,
        "max_bytes": options.max_bytes,
        "text_format": options.text_format,
        "output": layout.identity(),
    }


#: How a difference in the run identity is told.
_DIFFERENCES = {"input": "another input directory", "plan": "input files that changed since",
                "pipeline": "another pipeline", "version": "another version of corpusclean",
                "output": "other output options (--output-format, --compress, --max-output-mb)"}


def refuse_other_run(output: Path, earlier: Any, identity: dict[str, Any], *, finished: bool) -> None:
    """Raise :class:`OutputError` unless ``earlier`` (the identity an output holds) is
    ``identity``, saying what differs."""
    if earlier == identity:
        return
    if not isinstance(earlier, dict):
        what = "run that does not record what it was made from (an older version?)"
    else:
        keys = sorted(k for k in identity.keys() | earlier.keys() if earlier.get(k) != identity.get(k))
        what = ", ".join(dict.fromkeys(_DIFFERENCES.get(k, f"another {k} option") for k in keys))
        what = f"run made with {what}"
    state = "finished" if finished else "unfinished"
    msg = (f"{output} holds the output of a {state} {what}; --resume continues only the same run. "
           "Pass --overwrite instead of --resume to start again, or choose another output directory")
    raise OutputError(msg)


def _prepare_work(output: Path, identity: dict[str, Any], resume: bool, overwrite: bool) -> Path:
    work = output / WORK_DIR
    run_file = work / "run.json"
    if work.exists():
        earlier = None
        try:
            earlier = json.loads(run_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            earlier = None
        if resume:
            refuse_other_run(output, earlier, identity, finished=False)
            for tmp in work.glob("*.tmp"):
                tmp.unlink(missing_ok=True)
            return work
        if not resume and not overwrite:
            msg = (f"{output} holds an unfinished run; pass --resume to continue it or "
                   "--overwrite to start again")
            raise OutputError(msg)
        _remove_work(work)
    trash = work.with_name(work.name + ".trash")
    if trash.exists():
        shutil.rmtree(trash)
    work.mkdir(parents=True)
    write_atomic(run_file, json.dumps(identity, sort_keys=True) + "\n")
    return work


def _reduce(step: Any, work: Path, number: int, shards: list[Shard]) -> Any:
    """Merge the shard states of one collecting pass, a batch at a time, in shard order."""
    acc: list[Any] = []
    for shard in shards:
        with state_path(work, number, shard).open("rb") as f:
            acc.append(pickle.load(f))
        if len(acc) >= MERGE_BATCH:
            acc = [step.merge(acc)]
    return step.merge(acc) if acc else step.merge([step.empty()])


def run_sharded(
    input_path: Path,
    output: Path,
    pipeline: Pipeline,
    engine: Engine,
    *,
    reader_options: ReaderOptions,
    resume: bool = False,
    overwrite: bool = False,
    shard_bytes: int = SHARD_BYTES,
    on_item: Callable[[Document | Reject, Result | Reject], None] | None = None,
    progress: Callable[[int], None] | None = None,
    removed: str = "sidecar",
    meter: Progress | None = None,
    layout: Layout | None = None,
) -> Stats:
    """Clean ``input_path`` into ``output`` with ``engine``; return the run's stats.

    The caller has checked the output directory. ``progress`` is called with the number of
    documents of each shard as the final pass finishes it; ``meter`` is told the plan's bytes
    (once per pass) and the bytes read as the tasks read them. ``layout`` says how the record
    streams are written (:class:`corpusclean.outputs.Layout`; default: one JSONL file each).
    """
    layout = layout or Layout()
    # Workers may run elsewhere; a URL (corpusclean.remote) is read there as it is.
    input_path = input_path if is_url(input_path) else input_path.absolute()
    output = output.absolute()
    forked = engine.name == "pool" and start_method() == "fork"
    if forked:
        pipeline.warm_up()  # before the pool starts (planning may use it): workers inherit it
    here = forked or engine.name == "serial"  # the pipeline runs in this process or its forks
    # The large JSONL files are read for their cut points and ids by the engine's workers.
    skipped: Counter[str] = Counter()
    shards = plan_shards(input_path, reader_options, shard_bytes=shard_bytes, scan_map=engine.map,
                         skipped=skipped)
    if skipped["files.unsupported"]:
        kinds = ", ".join(f"{k} {v}" for k, v in Stats(skipped).group("unsupported").items())
        log.warning("%d files skipped: no reader takes them (%s); counted in stats.json",
                    skipped["files.unsupported"], kinds)
    missing = missing_extras(u.path for s in shards for u in s.units if u.reject is None)
    if missing:
        log.warning("files rejected for want of an extra (read.missing_extra): %s; "
                    "pip install 'corpusclean[%s]'", ", ".join(f"{k} {v}" for k, v in sorted(missing.items())),
                    ",".join(sorted(missing)))
    identity = _run_identity(input_path, pipeline, plan_digest(shards), reader_options, shard_bytes, removed,
                             layout)
    finished = _finished_run(output)
    if resume and finished is not None:
        refuse_other_run(output, finished.get("run"), identity, finished=True)
        return Stats.from_dict(finished)
    output.mkdir(parents=True, exist_ok=True)
    work = _prepare_work(output, identity, resume, overwrite)
    fingerprint = identity["pipeline"]
    spec_path = work / "pipeline.pkl"
    spec = PipelineSpec.of(pipeline)
    if engine.name != "serial":
        write_bytes_atomic(spec_path, pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
    nonce = os.urandom(6).hex()
    pipe_handle: Handle = engine.broadcast(
        pipeline if engine.name == "serial" else spec, spec_path, f"pipeline:{nonce}"
    )
    bound: list[tuple[int, Handle]] = []
    totals = Stats()
    previous_hook = tasks.ITEM_HOOK
    if on_item is not None and engine.name == "serial":
        tasks.ITEM_HOOK = on_item
    passes = Plan.of(pipeline).passes
    sizes = [shard_bytes_of(s) for s in shards]
    follow = _Follow(engine, meter, sum(sizes), len(passes), sum(len(s.units) for s in shards))
    collector = gc.get_threshold()
    if here:
        # What is loaded by now (modules, and models warmed up for a pool) lives for the whole
        # run: out of the collector's sight until the passes end, its full collections scan
        # less (and forked workers do not copy its pages by touching them). A document makes
        # thousands of objects that all live until the next one, hardly ever in cycles: the
        # youngest generation is collected every YOUNG_COLLECTION allocations, not every 700.
        gc.freeze()
        if collector[0]:  # 0: the user turned automatic collection off
            gc.set_threshold(max(collector[0], YOUNG_COLLECTION), *collector[1:])
    try:
        for spec_ in passes:
            todo = [s for s in shards if not marker_path(work, spec_.number, s).exists()]
            follow.pass_starts(spec_.number, sum(sizes[s.index] for s in shards if s not in todo))
            jobs = [ShardTask(s, spec_, str(work), pipe_handle, tuple(bound), reader_options, fingerprint,
                              default_seconds(), removed)
                    for s in todo]
            for i, done in engine.map(tasks.run_task, jobs):
                follow.shard_done(sizes[jobs[i].shard.index])
                if spec_.final and progress is not None:
                    progress(done.documents)
            if spec_.collect is not None:
                merged_path = work / f"state-{spec_.collect}.pkl"
                step = pipeline.filters[spec_.collect]
                if merged_path.exists():
                    with merged_path.open("rb") as f:
                        merged = pickle.load(f)
                else:
                    merged = _reduce(step, work, spec_.number, shards)
                    write_bytes_atomic(merged_path, pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))
                handle = engine.broadcast(merged, merged_path, f"state-{spec_.collect}:{nonce}")
                bound.append((spec_.collect, handle))
    finally:
        if here:
            gc.unfreeze()
            gc.set_threshold(*collector)
        tasks.ITEM_HOOK = previous_hook
        engine.heartbeat = None
    final = len(passes) - 1

    def marker_of(number: int, shard: Shard) -> dict[str, Any]:
        return json.loads(marker_path(work, number, shard).read_text(encoding="utf-8"))

    for shard in shards:
        marker = marker_of(final, shard)
        part = marker["stats"]
        totals += Stats(Counter(part["counts"]), Counter(part["seconds"]))
        # what the readers passed over (WARC records of other types), in the first pass's marker
        totals.counts.update((marker if final == 0 else marker_of(0, shard)).get("read", {}))
    totals.counts.update(skipped)
    written: list[str] = []
    for name in STREAMS:
        written += write_stream([part_path(work, name, s) for s in shards], output, name, layout)
    remove_stale(output, written)
    totals.counts["bytes.in"] = _file_bytes(shards)
    totals.counts["bytes.out"] = sum((output / n).stat().st_size for n in written if n.startswith("documents"))
    write_atomic(output / "stats.json", json_text({**totals.to_dict(), "run": identity}))
    write_atomic(output / "pipeline.toml", pipeline.to_toml())
    _remove_work(work)
    return totals


class _Follow:
    """Tells a :class:`~corpusclean.progress.Progress` how far the passes are: from the
    engine's byte counter at each heartbeat, or, where the engine has none (Ray), shard by
    shard. The total is the plan's bytes once per pass."""

    def __init__(self, engine: Engine, meter: Progress | None, size: int, passes: int, files: int) -> None:
        self.engine, self.meter, self.size = engine, meter, size
        self.base = self.counted = self.start_read = 0
        if meter is not None:
            meter.start(size * passes, files)
            engine.heartbeat = self.beat

    def pass_starts(self, number: int, already: int) -> None:
        """Pass ``number`` starts with ``already`` bytes of shards done by an earlier run."""
        self.base = number * self.size + already
        read = self.engine.bytes_read()
        self.start_read = read if read is not None else 0
        self.counted = 0
        self.beat()

    def shard_done(self, size: int) -> None:
        self.counted += size
        self.beat()

    def beat(self) -> None:
        if self.meter is None:
            return
        read = self.engine.bytes_read()
        live = read - self.start_read if read is not None else self.counted
        self.meter.update(self.base + live)


def _file_bytes(shards: list[Shard]) -> int:
    """The size of the input files on disk (compressed files as they are)."""
    paths = {u.path: u.listed for s in shards for u in s.units if u.reject is None}
    total = 0
    for path, listed in paths.items():
        if listed is not None:
            total += listed[0]
            continue
        try:
            total += os.stat(path).st_size
        except OSError:
            pass
    return total


def json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _finished_run(output: Path) -> dict[str, Any] | None:
    """The stats of the finished run in ``output`` (None if there is none, or it is unfinished)."""
    if (output / WORK_DIR).exists():
        return None
    try:
        data = json.loads((output / "stats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _remove_work(work: Path) -> None:
    """Remove the work directory: renamed first, so a kill cannot leave half of it looking valid."""
    trash = work.with_name(work.name + ".trash")
    if trash.exists():
        shutil.rmtree(trash)
    os.replace(work, trash)
    shutil.rmtree(trash)
