"""The contract of corpus steps: filters that must see every document before deciding.

Template lines repeated across a site and duplicate documents can only be found across
documents. A corpus step is registered like any filter (``FilterInfo(corpus=True)``); its factory
returns an object with four methods, which an executor calls in this order:

1. ``empty()`` gives a fresh state;
2. ``collect(state, doc)`` adds one document (the output of the steps before it) to a state and
   returns it; an executor keeps one state per shard;
3. ``merge(states)`` combines the shard states into one; the result must not depend on how the
   documents were split into shards or on the order of ``states``, so 1 and N workers (or a
   cluster) give the same output;
4. ``bind(state)`` returns the filter, a callable ``Document -> Decision``, run on every
   document like any other step.

States must pickle (they cross process boundaries). A document's stable order for "keep the
first" decisions is :func:`doc_order`, which depends on the input only, not on sharding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from .decision import Decision
from .document import Document


class CorpusStep(Protocol):
    """What a corpus step's factory returns."""

    def empty(self) -> Any: ...

    def collect(self, state: Any, doc: Document) -> Any: ...

    def merge(self, states: Sequence[Any]) -> Any: ...

    def bind(self, state: Any) -> Callable[[Document], Decision]: ...


def doc_order(doc: Document) -> tuple[str, int, str]:
    """A stable order of documents: source path, line in the source (JSONL), id.

    >>> doc_order(Document.from_text("x", id="a", meta={"source": "d/f.jsonl", "line": 3}))
    ('d/f.jsonl', 3, 'a')
    """
    line = doc.meta.get("line", 0)
    return (doc.source, line if isinstance(line, int) else 0, doc.id)
