"""Decisions: what a filter says about a document.

A filter never changes its input. It returns one of three decisions, built with the helpers
below: :func:`keep`, :func:`drop` (with a reason code), or :func:`rewrite` (a new document, and
the lines it removed, each with its reason). :func:`remove_lines` is the usual way a line filter
answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain, repeat
from dataclasses import dataclass
from typing import Literal

import regex

from .document import Document, Removal

REASON_RE = regex.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")

Action = Literal["keep", "drop", "rewrite"]


def check_reason(reason: str) -> str:
    """Check that ``reason`` is a dotted lowercase code such as ``boilerplate.cookie``."""
    if not REASON_RE.match(reason):
        msg = f"reason code {reason!r} must be dotted lowercase, like 'boilerplate.cookie'"
        raise ValueError(msg)
    return reason


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of a filter for one document."""

    action: Action
    reason: str | None = None
    doc: Document | None = None
    removed: tuple[Removal, ...] = ()


_KEEP = Decision("keep")


def keep() -> Decision:
    """Keep the document as it is."""
    return _KEEP


def drop(reason: str, *, doc: Document | None = None) -> Decision:
    """Drop the whole document for ``reason``.

    ``doc``, if given, is the same document with annotations added that say more about the
    drop (``corpus.dedup`` records the id of the document it duplicates); the pipeline keeps
    those annotations on the dropped document and ignores any other change.

    >>> d = Document.from_text("x")
    >>> drop("dedup.exact", doc=d.annotate(duplicate_of="a")).doc.annotations["duplicate_of"]
    'a'
    """
    return Decision("drop", reason=check_reason(reason), doc=doc)


def rewrite(doc: Document, *, removed: tuple[Removal, ...] = (), reason: str | None = None) -> Decision:
    """Replace the document by ``doc`` (new lines and/or annotations), listing removed lines."""
    return Decision("rewrite", reason=reason, doc=doc, removed=tuple(removed))


def remove_lines(doc: Document, reasons: Mapping[int, str], details: Mapping[int, str] | None = None) -> Decision:
    """Remove the lines at the given indexes (positions in ``doc.lines``), each for its reason.

    >>> d = Document.from_text("keep\\nnav")
    >>> remove_lines(d, {1: "boilerplate.navigation"}).doc.text
    'keep'
    """
    if not reasons:
        return _KEEP
    detail = (details or {}).get
    lines = doc.lines
    gone = sorted(reasons)
    codes = [reasons[i] for i in gone]
    for reason in dict.fromkeys(codes):  # each reason code checked once, in line order
        check_reason(reason)
    numbers, texts = zip(*map(lines.__getitem__, gone), strict=True)
    removed = removals_of(numbers, texts, codes, repeat(""), map(detail, gone, repeat("")))
    if gone[0] < 0:
        kept = tuple(line for i, line in enumerate(lines) if i not in reasons)
        return Decision("rewrite", doc=doc.evolve(lines=kept), removed=removed)
    if len(gone) * len(lines) <= 65536:  # a few removals: deleting from a copy moves little
        copy = list(lines)
        for i in reversed(gone):
            del copy[i]
        kept = tuple(copy)
    else:  # the lines between the removed ones, as slices
        kept = tuple(chain.from_iterable(
            lines[a + 1:b] for a, b in zip([-1, *gone], [*gone, len(lines)], strict=True)))
    return Decision("rewrite", doc=doc.keeping(kept), removed=removed)


def removals_of(*columns: Iterable[object]) -> tuple[Removal, ...]:
    """:class:`Removal` tuples from their fields' columns (line, text, reason, step, detail),
    built without a Python-level call per removal: a page can lose thousands of lines, and the
    pipeline builds each removal again with its step's name.

    >>> removals_of([3], ["menu"], ["boilerplate.navigation"], ["nav"], [""])
    (Removal(line=3, text='menu', reason='boilerplate.navigation', step='nav', detail=''),)
    """
    return tuple(map(_new_removal, repeat(Removal), zip(*columns)))  # noqa: B905 - repeat()s


_new_removal = tuple.__new__
