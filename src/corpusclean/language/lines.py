"""The compiled core's facts about a document's lines, for the language steps.

The language steps ask the same questions of every line: its letters per script
(:func:`~corpusclean.language.scripts.script_counts`), its main script
(:func:`~corpusclean.language.scripts.line_vote`), its words and their stopwords
(:func:`~corpusclean.language.stopwords.hit_counts`). With the core, one call reads every line
of a document and answers them all (``_core.LineFacts``); the Python functions stay the
reference, and answer whenever :func:`facts` returns ``None``: no core, a text the core cannot
take (lone surrogates), or a core whose character table was generated for another Unicode or
``regex`` version than the running ones.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import regex

from .. import _accel
from . import scripts
from .stopwords import CLOSE_LANGUAGES, STOPWORDS

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def line_language() -> object | None:
    """The core's ``LineLanguage`` over this package's script and stopword tables (built once
    per process), or ``None``."""
    core = _accel.core()
    if core is None:
        return None
    try:
        return core.LineLanguage(
            (*scripts.SCRIPTS, scripts.OTHER),
            sorted(scripts.WEIGHTS.items()),
            sorted(scripts.UNSPACED),
            sorted(scripts.DENSE),
            sorted((lang, sorted(words)) for lang, words in STOPWORDS.items()),
            [sorted(group) for group in CLOSE_LANGUAGES],
            f"{unicodedata.unidata_version} {regex.__version__}",
        )
    except ValueError as exc:  # a character table for other versions: the reference answers
        _accel.FALLBACKS["core.fallback.tables"] += 1
        log.warning("language: the compiled core's tables do not fit (%s)", exc)
        return None


def facts(lines: Sequence[str], *, words: bool = True) -> object | None:
    """The core's facts of ``lines`` (``words=False``: letters and scripts only), or ``None``
    when the reference is to answer.

    The facts of the last lines read with their words are kept: ``language.detect`` and
    ``language.foreign_lines`` ask about the same lines one after the other, and the second
    gets them without reading the lines again.
    """
    global _last  # one document's facts, replaced by the next
    tables = line_language()
    if tables is None:
        return None
    lines = list(lines)
    last = _last
    if last is not None and last[0] == lines:
        return last[1]
    found = _accel.attempt(lambda _: tables.facts(lines, words=words), "language.lines")
    if words and found is not None:
        _last = (lines, found)
    return found


# The lines and facts of the last call of facts() with words.
_last: tuple[list[str], object] | None = None
