"""The document model: an immutable document made of numbered lines.

Filters never mutate a :class:`Document`; they return a :class:`~corpusclean.decision.Decision`
and the pipeline builds the next document. Every line keeps the number it had in the decoded
source, so a removal can always be traced back to the input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any, NamedTuple


class FrozenDict(dict):  # type: ignore[type-arg]
    """A read-only ``dict`` that still pickles and serializes like a dict."""

    def _readonly(self, *args: object, **kwargs: object) -> None:
        msg = "this mapping belongs to a Document and is read-only; build a new one instead"
        raise TypeError(msg)

    __setitem__ = __delitem__ = _readonly  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]
    __ior__ = _readonly  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, repr(v)) for k, v in self.items())))


_ATOMS = frozenset({str, int, float, bool, type(None)})


def _flat_rows(value: Any) -> bool:
    """Whether ``value`` is a tuple of tuples of atoms (checked without a Python-level loop)."""
    return (
        type(value) is tuple
        and _TUPLE.issuperset(map(type, value))
        and _ATOMS.issuperset(map(type, chain.from_iterable(value)))
    )


_TUPLE = frozenset({tuple})


def freeze(value: Any) -> Any:
    """Return a deeply read-only copy of ``value`` (dicts and lists become frozen forms).

    >>> freeze({"a": [1, (2, "b")]})
    {'a': (1, (2, 'b'))}
    """
    if type(value) is tuple and _ATOMS.issuperset(map(type, value)):
        return value  # read-only all the way down already (the DOM evidence is made of these)
    if _flat_rows(value):
        return value  # a tuple of such tuples (the DOM evidence's node table)
    if isinstance(value, Mapping):
        if type(value) is dict and _ATOMS.issuperset(map(type, value)) and _flat_rows(
            tuple(value.values())
        ):
            return FrozenDict(value)  # atoms to such tuples (the DOM evidence's line table)
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Return plain ``dict``/``list`` structures for serialization."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


class Line(NamedTuple):
    """One line of a document: its 1-based number in the decoded source, and its text."""

    no: int
    text: str


class Removal(NamedTuple):
    """A line removed from a document, with the reason code that removed it and the step that
    did (a filter leaves ``step`` empty: the pipeline fills it in). A named tuple, like
    :class:`Line`: a page can lose thousands of lines, and each removal is built twice."""

    line: int
    text: str
    reason: str
    step: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        line, text, reason, step, detail = self
        if detail:
            return {"line": line, "reason": reason, "step": step, "detail": detail, "text": text}
        return {"line": line, "reason": reason, "step": step, "text": text}


def split_lines(text: str) -> tuple[Line, ...]:
    """Split text on ``\\n`` (after folding CRLF and CR) into numbered lines.

    >>> split_lines("a\\r\\nb")
    (Line(no=1, text='a'), Line(no=2, text='b'))
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n")
    return tuple(map(_new_line, repeat(Line), zip(range(1, len(parts) + 1), parts)))


_new_line = tuple.__new__  # builds a Line from a (no, text) pair without a Python-level call


def render(lines: Iterable[Line]) -> str:
    """Join lines into text: at most one blank line in a row, none at the start or the end.

    >>> render(split_lines("\\n\\na\\n\\n\\n\\nb\\n"))
    'a\\n\\nb'
    """
    out: list[str] = []
    blank = True  # drops leading blank lines
    for line in lines:
        is_blank = not line.text.strip()
        if is_blank:
            if not blank:
                out.append("")
            blank = True
        else:
            out.append(line.text)
            blank = False
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Document:
    """An immutable document.

    ``meta`` holds what the reader knew about the input (source path, encoding decision, fields of
    a JSONL record); ``annotations`` holds what filters found (language, scores); ``removals``
    lists every line removed so far, in the order the steps removed them.
    """

    id: str
    lines: tuple[Line, ...]
    meta: Mapping[str, Any] = field(default_factory=FrozenDict)
    annotations: Mapping[str, Any] = field(default_factory=FrozenDict)
    removals: tuple[Removal, ...] = ()

    def __post_init__(self) -> None:
        self._settle(_FIELDS)

    def _settle(self, names: Iterable[str]) -> None:
        """Bring the fields ``names`` to their read-only forms: lines as :class:`Line` tuples,
        mappings frozen, removals a tuple."""
        if "lines" in names:
            lines = self.lines
            if type(lines) is not tuple or (lines and set(map(type, lines)) != {Line}):
                object.__setattr__(self, "lines", tuple(Line(*ln) for ln in lines))
        if "meta" in names and not isinstance(self.meta, FrozenDict):
            object.__setattr__(self, "meta", freeze(self.meta))
        if "annotations" in names and not isinstance(self.annotations, FrozenDict):
            object.__setattr__(self, "annotations", freeze(self.annotations))
        if "removals" in names and type(self.removals) is not tuple:
            object.__setattr__(self, "removals", tuple(self.removals))

    @classmethod
    def from_text(
        cls, text: str, *, id: str = "", meta: Mapping[str, Any] | None = None
    ) -> Document:
        """Build a document from text; lines are numbered from 1."""
        return cls(id=id, lines=split_lines(text), meta=meta or {})

    @property
    def text(self) -> str:
        """The document's text as it will be written."""
        return render(self.lines)

    @property
    def source(self) -> str:
        return str(self.meta.get("source", ""))

    def content_lines(self) -> Iterator[tuple[int, Line]]:
        """Yield ``(index, line)`` for every non-blank line."""
        for i, line in enumerate(self.lines):
            if line.text.strip():
                yield i, line

    def evolve(self, **changes: Any) -> Document:
        """Return a copy with some fields replaced (the original is untouched). Only the
        replaced fields are brought to their read-only forms again: the others already are.

        >>> d = Document.from_text("a\\nb")
        >>> d.evolve(lines=[(2, "b")]).lines, d.evolve(removals=[]).removals
        ((Line(no=2, text='b'),), ())
        """
        if type(self) is not Document:  # a subclass may have fields of its own
            return dataclasses.replace(self, **changes)
        new = self._with(changes)
        new._settle(changes)
        return new

    def keeping(self, lines: tuple[Line, ...]) -> Document:
        """A copy with ``lines``, some of this document's lines in order: ``evolve(lines=...)``
        without checking again what the lines are (a tenth of its time)."""
        if type(self) is not Document:
            return dataclasses.replace(self, lines=lines)
        return self._with({"lines": lines})

    def _with(self, changes: Mapping[str, Any]) -> Document:
        """A copy with the fields in ``changes`` set as they are, the others shared."""
        unknown = changes.keys() - _FIELD_SET
        if unknown:
            msg = f"Document has no field(s) {', '.join(sorted(unknown))}"
            raise TypeError(msg)
        new = object.__new__(Document)
        for name in _FIELDS:
            object.__setattr__(new, name, changes[name] if name in changes else getattr(self, name))
        return new

    def annotate(self, **values: Any) -> Document:
        """Return a copy with annotations added or replaced."""
        merged = dict(self.annotations)
        merged.update(values)
        return self.evolve(annotations=merged)


_FIELDS = tuple(f.name for f in dataclasses.fields(Document))
_FIELD_SET = frozenset(_FIELDS)
