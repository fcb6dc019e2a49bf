"""The built-in filters: :data:`BUILTINS` is the one table of their names, reasons and factories.

Adding a built-in means writing it in its family module and adding one row here. The default
pipeline is :data:`DEFAULT_STEPS`, in order.
"""

from __future__ import annotations

from ..registry import FilterInfo
from . import corpus, encoding

BUILTINS: tuple[FilterInfo, ...] = (
    FilterInfo("encoding.fix_mojibake", encoding.FixMojibake, reasons=frozenset(),
               provides=frozenset({"encoding_repairs"})),
    FilterInfo("encoding.normalize", encoding.Normalize, reasons=frozenset()),
    FilterInfo("corpus.template_lines", corpus.TemplateLines, reasons=frozenset({"corpus.template_line"}),
               corpus=True, reason_help={
                   "corpus.template_line": "a line repeated across many documents of the same site"}),
    FilterInfo("corpus.dedup", corpus.Dedup, reasons=frozenset({"dedup.exact", "dedup.near"}),
               provides=frozenset({"duplicate_of", "duplicate_similarity"}), corpus=True, reason_help={
                   "dedup.exact": "the same text (case and spacing folded) as an earlier document",
                   "dedup.near": "a near copy (MinHash Jaccard of word 5-grams) of an earlier document"}),
)

#: The default pipeline, in order.
DEFAULT_STEPS: tuple[str, ...] = (
    "encoding.fix_mojibake",
    "encoding.normalize",
)

#: Corpus steps appended by ``Pipeline.default(corpus=True)`` and ``corpusclean clean --corpus``.
#: Not in DEFAULT_STEPS: a corpus step cannot run on one document alone (``Pipeline.run``).
CORPUS_STEPS: tuple[str, ...] = (
    "corpus.template_lines",
    "corpus.dedup",
)

__all__ = ["BUILTINS", "CORPUS_STEPS", "DEFAULT_STEPS"]
