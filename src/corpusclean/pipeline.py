"""Pipelines: an ordered list of named steps, the same in Python and in TOML.

>>> pipe = Pipeline([Step("encoding.normalize")])
>>> Pipeline.from_toml(pipe.to_toml()) == pipe
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import textwrap
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from ._version import __version__
from .decision import Decision, removals_of
from .document import Document, FrozenDict, Removal, freeze, thaw
from .errors import ConfigError
from .registry import FilterInfo, Registry, default_registry

log = logging.getLogger(__name__)

# A few lines of prose and page furniture: enough for every built-in step to load what it uses.
# A line for each pattern the steps compile lazily: a menu, a cookie banner, its controls and
# its widget configuration, running text, a share bar, a comment form, a newsletter prompt, a
# stamp, a footer, text in another language.
_WARM_UP_TEXT = """Home | News | Contact
We use cookies to improve your experience on this website. Accept
Manage cookies
buttons=(OK) days=(30)
The council met on Tuesday evening to discuss the budget for the coming year, which includes
more money for schools and libraries.
Share on Facebook
Leave a Reply
Your email address will not be published.
Join our newsletter today
Published 3 May 2024
© 2024 Example. All rights reserved.
Le conseil municipal s'est réuni mardi soir pour discuter du budget de l'année prochaine.
"""

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SCHEMA = 1

#: The reason a document whose every line was removed is dropped at the end of a pipeline (by
#: the pseudo-step ``pipeline``): an empty text is never written out as a kept document.
EMPTY_REASON = "document.empty"
EMPTY_STEP = "pipeline"

_REASON = attrgetter("reason")


@dataclass(frozen=True)
class Step:
    """One step of a pipeline: a registered filter name, its parameters, an optional name."""

    use: str
    params: Mapping[str, Any] = field(default_factory=FrozenDict)
    name: str | None = None

    def __init__(self, use: str, params: Mapping[str, Any] | None = None, *, name: str | None = None, **kw: Any) -> None:
        merged = dict(params or {})
        merged.update(kw)
        object.__setattr__(self, "use", use)
        object.__setattr__(self, "params", freeze(merged))
        object.__setattr__(self, "name", name)


@dataclass(frozen=True, slots=True)
class StepTrace:
    """What one step did to one document."""

    step: str
    use: str
    action: str
    reason: str | None
    removed: tuple[Removal, ...]
    seconds: float


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of running a pipeline on one document.

    ``doc`` is the final document (also when dropped, so nothing is lost); ``dropped`` is the
    reason code when a step dropped it, else ``None``.
    """

    doc: Document
    dropped: str | None
    dropped_by: str | None
    trace: tuple[StepTrace, ...]

    @property
    def kept(self) -> bool:
        return self.dropped is None


def _step_names(steps: Sequence[Step]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for s in steps:
        base = s.name or s.use.replace(".", "_")
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}_{n + 1}")
    return names


class Pipeline:
    """An ordered list of steps, built against a registry.

    Building resolves every name, binds the parameters, checks that each annotation a step
    requires is provided by an earlier step, and reports every problem at once.
    """

    def __init__(self, steps: Iterable[Step], *, registry: Registry | None = None) -> None:
        self.steps: tuple[Step, ...] = tuple(steps)
        self.registry = registry or default_registry()
        self.names: tuple[str, ...] = tuple(_step_names(self.steps))
        problems: list[str] = []
        self.infos: list[FilterInfo] = []
        self.params: list[dict[str, Any]] = []
        provided: set[str] = set()
        for i, step in enumerate(self.steps):
            where = f"steps[{i}]"
            if step.use not in self.registry:
                try:
                    self.registry.get(step.use)
                except ConfigError as exc:
                    problems.extend(f"{where}: {p}" for p in exc.problems)
                continue
            info = self.registry.get(step.use)
            effective, errs = info.bind(thaw(step.params), where)
            problems.extend(errs)
            missing = info.requires - provided
            if missing:
                problems.append(
                    f"{where}: {step.use!r} needs {sorted(missing)} from an earlier step"
                )
            provided |= info.provides
            self.infos.append(info)
            self.params.append(effective)
        if problems:
            raise ConfigError(problems)
        self.filters = [info.factory(**p) for info, p in zip(self.infos, self.params)]
        self._bound: dict[int, Any] = {}

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def default(cls, *, registry: Registry | None = None, corpus: bool = False) -> Pipeline:
        """The default cleaning pipeline (see ``docs/filters.md``).

        ``corpus=True`` appends the corpus steps (template lines, duplicates: ``docs/corpus.md``).
        """
        from .filters import CORPUS_STEPS, DEFAULT_STEPS

        uses = DEFAULT_STEPS + (CORPUS_STEPS if corpus else ())
        return cls([Step(use) for use in uses], registry=registry)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, registry: Registry | None = None) -> Pipeline:
        problems: list[str] = []
        head = data.get("pipeline", {})
        schema = head.get("schema", SCHEMA) if isinstance(head, Mapping) else SCHEMA
        if schema != SCHEMA:
            problems.append(f"pipeline.schema: expected {SCHEMA}, got {schema!r}")
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            problems.append("steps: a pipeline needs at least one [[steps]] table")
            raw_steps = []
        steps: list[Step] = []
        for i, raw in enumerate(raw_steps):
            if not isinstance(raw, Mapping) or not isinstance(raw.get("use"), str):
                problems.append(f"steps[{i}]: each step needs a string 'use' key")
                continue
            enabled = raw.get("enabled", True)
            if not isinstance(enabled, bool):
                problems.append(f"steps[{i}]: 'enabled' must be true or false, not {enabled!r}")
            if enabled is False:
                continue
            params = {k: v for k, v in raw.items() if k not in ("use", "name", "enabled")}
            name = raw.get("name")
            steps.append(Step(raw["use"], params, name=name if isinstance(name, str) else None))
        if problems:
            raise ConfigError(problems)
        return cls(steps, registry=registry)

    @classmethod
    def from_toml(cls, text: str, *, registry: Registry | None = None) -> Pipeline:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"not valid TOML: {exc}"]) from None
        return cls.from_dict(data, registry=registry)

    @classmethod
    def from_file(cls, path: str | Path, *, registry: Registry | None = None) -> Pipeline:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError([f"{path}: cannot read the configuration ({exc.strerror})"]) from None
        return cls.from_toml(text, registry=registry)

    # -- serialization ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Every step with every effective parameter, defaults included."""
        steps = []
        for step, name, params in zip(self.steps, self.names, self.params):
            entry: dict[str, Any] = {"use": step.use}
            if step.name:
                entry["name"] = name
            entry.update({k: thaw(v) for k, v in sorted(params.items())})
            steps.append(entry)
        return {"pipeline": {"schema": SCHEMA}, "steps": steps}

    def to_toml(self, *, comments: bool = False) -> str:
        """The pipeline as TOML; ``comments``: with a line above each step that says what it
        does (``corpusclean pipeline``)."""
        data = self.to_dict()
        out = ["[pipeline]", f"schema = {SCHEMA}", ""]
        if comments:
            out[:0] = ["# The steps run in this order. Edit a parameter, remove a step, or switch one",
                       "# off with 'enabled = false'; then pass this file with --config.", ""]
        for info, entry in zip(self.infos, data["steps"]):
            if comments:
                out.extend(f"# {part}" for part in textwrap.wrap(info.summary, 94))
            out.append("[[steps]]")
            out.extend(f"{k} = {_toml_value(v)}" for k, v in entry.items())
            out.append("")
        return "\n".join(out)

    def fingerprint(self) -> str:
        """A short hash of the effective configuration and the library version."""
        canon = json.dumps([__version__, self.to_dict()], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pipeline) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def __repr__(self) -> str:
        return f"Pipeline([{', '.join(repr(s.use) for s in self.steps)}])"

    # -- running ------------------------------------------------------------------------------

    def segments(self) -> list[tuple[int, int]]:
        """Split the steps into runs of per-document steps, cut at each corpus step.

        Returns ``(start, end)`` index pairs; a corpus step is a segment of its own. An executor
        runs a per-document segment on every document, and for a corpus step first collects
        state over every document (:class:`corpusclean.corpus.CorpusStep`), merges it, binds
        it with :meth:`bind`, then runs the step like any filter.
        """
        out: list[tuple[int, int]] = []
        start = 0
        for i, info in enumerate(self.infos):
            if info.corpus:
                if start < i:
                    out.append((start, i))
                out.append((i, i + 1))
                start = i + 1
        if start < len(self.infos):
            out.append((start, len(self.infos)))
        return out

    def corpus_indexes(self) -> list[int]:
        """Indexes of the corpus steps."""
        return [i for i, info in enumerate(self.infos) if info.corpus]

    def bind(self, index: int, state: Any) -> None:
        """Bind the merged corpus state of the corpus step at ``index``."""
        if not self.infos[index].corpus:
            msg = f"step {self.names[index]!r} is not a corpus step"
            raise ValueError(msg)
        self._bound[index] = self.filters[index].bind(state)

    def warm_up(self) -> None:
        """Run the steps before the first corpus step once on a short text, so that what they load
        lazily (models, profiles, compiled patterns) is in memory: worker processes forked
        afterwards share it instead of each loading it again. Outputs do not change. Best
        effort: a step that fails on the sample fails later on real documents, where the run
        records it."""
        corpus = self.corpus_indexes()
        sample = Document.from_text(_WARM_UP_TEXT, id="warm-up")
        try:
            self.run(sample, end=corpus[0] if corpus else None)
        except Exception:  # noqa: BLE001 - see the docstring
            log.debug("warm-up run failed", exc_info=True)

    def run(
        self, doc: Document, *, start: int = 0, end: int | None = None, prior: Result | None = None
    ) -> Result:
        """Run steps ``start`` to ``end`` on ``doc``; stop at the first step that drops it.

        A document still kept after the last step but left with no text is dropped with
        :data:`EMPTY_REASON`.

        ``prior`` is the result of the steps before ``start`` (its trace is carried on). Corpus
        steps must be bound first (:meth:`bind`), which the executors and :meth:`run_corpus` do.
        """
        trace: list[StepTrace] = list(prior.trace) if prior is not None else []
        if prior is not None and not prior.kept:
            return prior
        stop = len(self.filters) if end is None else end
        for i in range(start, stop):
            name, info = self.names[i], self.infos[i]
            if info.corpus:
                filt = self._bound.get(i)
                if filt is None:
                    msg = (f"corpus step {name!r} sees the whole corpus first: run it with "
                           "clean_directory() or Pipeline.run_corpus(), not on one document")
                    raise RuntimeError(msg)
            else:
                filt = self.filters[i]
            t0 = time.perf_counter()
            decision: Decision = filt(doc)
            dt = time.perf_counter() - t0
            removed: tuple[Removal, ...] = ()
            if decision.action == "rewrite":
                assert decision.doc is not None
                removed = _stamped(decision.removed, name)
                _check_declared(info, set(map(_REASON, removed)))
                doc = decision.doc.evolve(removals=doc.removals + removed)
            trace.append(StepTrace(name, info.name, decision.action, decision.reason, removed, dt))
            if decision.action == "drop":
                assert decision.reason is not None
                _check_declared(info, {decision.reason})
                if decision.doc is not None:  # annotations that say more about the drop
                    doc = doc.evolve(annotations=decision.doc.annotations)
                return Result(doc, decision.reason, name, tuple(trace))
        if stop == len(self.filters) and not any(line.text.strip() for line in doc.lines):
            return Result(doc, EMPTY_REASON, EMPTY_STEP, tuple(trace))
        return Result(doc, None, None, tuple(trace))

    def run_corpus(self, docs: Iterable[Document]) -> list[Result]:
        """Run the whole pipeline, corpus steps included, over documents held in memory."""
        results: list[Result] = [Result(d, None, None, ()) for d in docs]
        for start, end in self.segments():
            if self.infos[start].corpus:
                step = self.filters[start]
                state = step.empty()
                for r in results:
                    if r.kept:
                        state = step.collect(state, r.doc)
                self.bind(start, step.merge([state]))
            results = [self.run(r.doc, start=start, end=end, prior=r) for r in results]
        return results

    __call__ = run


def _stamped(removed: tuple[Removal, ...], step: str) -> tuple[Removal, ...]:
    """A decision's removals with the name of the step that made them."""
    if not removed:
        return ()
    line, text, reason, _, detail = zip(*removed, strict=True)
    return removals_of(line, text, reason, repeat(step), detail)


def _check_declared(info: FilterInfo, reasons: set[str]) -> None:
    undeclared = reasons - info.reasons
    if undeclared:
        msg = f"filter {info.name!r} emitted undeclared reason(s) {sorted(undeclared)}"
        raise RuntimeError(msg)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v) if isinstance(v, (set, frozenset)) else v
        return "[" + ", ".join(_toml_value(x) for x in items) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    msg = f"cannot write {v!r} to TOML"
    raise TypeError(msg)
