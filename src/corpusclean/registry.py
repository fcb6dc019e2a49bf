"""The registry of filters: one explicit table of built-ins, plus plug-ins from entry points.

A registry is an object, not a global: tests build fresh ones, and :func:`default_registry`
returns the shared one that holds the built-ins of :data:`corpusclean.filters.BUILTINS` and every
filter published under the ``corpusclean.filters`` entry-point group.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .decision import check_reason
from .errors import ConfigError, DuplicateNameError, UnknownStepError

ENTRY_POINT_GROUP = "corpusclean.filters"


@dataclass(frozen=True)
class FilterInfo:
    """What the registry knows about a filter.

    ``factory`` takes keyword-only parameters and returns the filter, a callable
    ``Document -> Decision``, or for a ``corpus`` step an object following
    :class:`corpusclean.corpus.CorpusStep`. ``reasons`` lists every reason code it may emit.
    """

    name: str
    factory: Callable[..., Any]
    reasons: frozenset[str]
    requires: frozenset[str] = frozenset()
    provides: frozenset[str] = frozenset()
    summary: str = ""
    #: A corpus step sees every document before it decides (see ``corpusclean.corpus``).
    corpus: bool = False
    reason_help: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.reasons:
            check_reason(r)
        if not self.summary:
            doc = inspect.getdoc(self.factory) or ""
            object.__setattr__(self, "summary", doc.split("\n\n")[0].replace("\n", " "))

    def parameters(self) -> dict[str, inspect.Parameter]:
        """The factory's parameters (name -> inspect.Parameter)."""
        return dict(inspect.signature(self.factory).parameters)

    def defaults(self) -> dict[str, Any]:
        """Every parameter that has a default, with its default."""
        return {
            n: p.default
            for n, p in self.parameters().items()
            if p.default is not inspect.Parameter.empty
        }

    def bind(self, params: Mapping[str, Any], where: str = "") -> tuple[dict[str, Any], list[str]]:
        """Check ``params`` against the factory signature; return effective params and problems."""
        problems: list[str] = []
        sig = self.parameters()
        prefix = f"{where}." if where else ""
        for key in params:
            if key not in sig:
                close = difflib.get_close_matches(key, list(sig), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"{prefix}{key}: unknown parameter of {self.name!r}{hint}")
        effective: dict[str, Any] = {}
        for name, p in sig.items():
            if name in params:
                value = params[name]
                default = p.default
                if default is not inspect.Parameter.empty and default is not None:
                    if not _same_kind(value, default):
                        problems.append(
                            f"{prefix}{name}: expected {type(default).__name__}, got {value!r}"
                        )
                effective[name] = value
            elif p.default is inspect.Parameter.empty:
                problems.append(f"{prefix}{name}: required parameter of {self.name!r} is missing")
            else:
                effective[name] = p.default
        return effective, problems


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple, frozenset, set)):
        return isinstance(value, (list, tuple, frozenset, set))
    return isinstance(value, type(default))


class Registry:
    """A table of named filters."""

    def __init__(self, infos: Iterable[FilterInfo] = ()) -> None:
        self._infos: dict[str, FilterInfo] = {}
        for info in infos:
            self.add(info)

    def add(self, info: FilterInfo) -> None:
        """Register ``info``; registering another filter under a taken name is an error."""
        old = self._infos.get(info.name)
        if old is not None and old.factory is not info.factory:
            msg = f"a different filter is already registered as {info.name!r}"
            raise DuplicateNameError(msg)
        self._infos[info.name] = info

    def get(self, name: str) -> FilterInfo:
        """Look a filter up by name, with a helpful error listing close names."""
        try:
            return self._infos[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._infos), n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise UnknownStepError([f"unknown filter {name!r}{hint} (see `corpusclean filters`)"]) from None

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def names(self) -> list[str]:
        return sorted(self._infos)

    def infos(self) -> list[FilterInfo]:
        return [self._infos[n] for n in self.names()]

    def build(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        """Build the filter ``name`` with ``params`` (raises ConfigError on bad params)."""
        info = self.get(name)
        effective, problems = info.bind(params or {})
        if problems:
            raise ConfigError(problems)
        return info.factory(**effective)


def _load_entry_points(registry: Registry) -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        infos = obj if isinstance(obj, (list, tuple)) else [obj]
        for info in infos:
            if not isinstance(info, FilterInfo):
                msg = f"entry point {ep.name!r} must give a FilterInfo or a list of them"
                raise ConfigError([msg])
            registry.add(info)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The built-in filters plus every plug-in installed under ``corpusclean.filters``."""
    from .filters import BUILTINS

    registry = Registry(BUILTINS)
    _load_entry_points(registry)
    return registry
