"""The built-in filters: :data:`BUILTINS` is the one table of their names, reasons and factories.

Adding a built-in means writing it in its family module and adding one row here. The default
pipeline is :data:`DEFAULT_STEPS`, in order.
"""

from __future__ import annotations

from ..registry import FilterInfo
from . import boilerplate, corpus, encoding, html, language, layout, quality

BUILTINS: tuple[FilterInfo, ...] = (
    FilterInfo("encoding.fix_mojibake", encoding.FixMojibake, reasons=frozenset(),
               provides=frozenset({"encoding_repairs"})),
    FilterInfo("encoding.normalize", encoding.Normalize, reasons=frozenset()),
    FilterInfo("html.dom_boilerplate", html.DomBoilerplate, reasons=frozenset(html.REASONS),
               reason_help=html.REASONS),
    FilterInfo("boilerplate.cookie", boilerplate.CookieBanner,
               reasons=frozenset({boilerplate.COOKIE}),
               reason_help={boilerplate.COOKIE: "cookie or consent banner, or a button next to one"}),
    FilterInfo("boilerplate.comment_form", boilerplate.CommentForm,
               reasons=frozenset({boilerplate.COMMENT_FORM}),
               reason_help={boilerplate.COMMENT_FORM: "comment form text, field label or counter"}),
    FilterInfo("boilerplate.widget", boilerplate.PageWidget,
               reasons=frozenset({boilerplate.WIDGET}),
               reason_help={boilerplate.WIDGET: "publication stamp, reading time, counter, "
                            "print/subscribe/login prompt, newsletter sign-up"}),
    FilterInfo("boilerplate.share", boilerplate.ShareLinks,
               reasons=frozenset({boilerplate.SHARE}),
               reason_help={boilerplate.SHARE: "share bar, social follow line, related or "
                            "read-more link"}),
    FilterInfo("boilerplate.navigation", boilerplate.Navigation,
               reasons=frozenset({boilerplate.NAVIGATION}),
               reason_help={boilerplate.NAVIGATION: "menu label, breadcrumb, skip link, footer "
                            "link or copyright line"}),
    FilterInfo("language.detect", language.Detect, reasons=frozenset(),
               provides=frozenset({"language"})),
    FilterInfo("language.foreign_lines", language.ForeignLines,
               reasons=frozenset({language.FOREIGN_SCRIPT, language.FOREIGN_LINE}),
               requires=frozenset({"language"}),
               reason_help={language.FOREIGN_SCRIPT: "line in a script the document does not use",
                            language.FOREIGN_LINE: "line in another language than the document's"}),
    FilterInfo("language.keep", language.Keep, reasons=frozenset({language.UNWANTED}),
               requires=frozenset({"language"}),
               reason_help={language.UNWANTED: "document language not wanted or score too low"}),
    FilterInfo("corpus.template_lines", corpus.TemplateLines, reasons=frozenset({"corpus.template_line"}),
               corpus=True, reason_help={
                   "corpus.template_line": "a line repeated across many documents of the same site"}),
    FilterInfo("corpus.dedup", corpus.Dedup, reasons=frozenset({"dedup.exact", "dedup.near"}),
               provides=frozenset({"duplicate_of", "duplicate_similarity"}), corpus=True, reason_help={
                   "dedup.exact": "the same text (case and spacing folded) as an earlier document",
                   "dedup.near": "a near copy (MinHash Jaccard of word 5-grams) of an earlier document"}),
    FilterInfo("boilerplate.layout", layout.LayoutBoilerplate, reasons=frozenset({layout.REASON}),
               reason_help={layout.REASON: "line scored as boilerplate by the layout line model"}),
    FilterInfo("quality.gopher", quality.GopherQuality, reasons=frozenset(quality.GOPHER_REASONS),
               provides=frozenset({quality.ANNOTATION}), reason_help=quality.GOPHER_REASONS),
    FilterInfo("quality.c4", quality.C4, reasons=frozenset(quality.C4_REASONS),
               provides=frozenset({quality.ANNOTATION}), reason_help=quality.C4_REASONS),
    FilterInfo("quality.fineweb", quality.FineWeb, reasons=frozenset(quality.FINEWEB_REASONS),
               provides=frozenset({quality.ANNOTATION}), reason_help=quality.FINEWEB_REASONS),
)

#: The default pipeline, in order.
DEFAULT_STEPS: tuple[str, ...] = (
    "encoding.fix_mojibake",
    "encoding.normalize",
    "html.dom_boilerplate",
    "boilerplate.cookie",
    "boilerplate.comment_form",
    "boilerplate.widget",
    "boilerplate.share",
    "boilerplate.navigation",
    "language.detect",
    "language.foreign_lines",
    "boilerplate.layout",
)

#: Corpus steps appended by ``Pipeline.default(corpus=True)`` and ``corpusclean clean --corpus``.
#: Not in DEFAULT_STEPS: a corpus step cannot run on one document alone (``Pipeline.run``).
CORPUS_STEPS: tuple[str, ...] = (
    "corpus.template_lines",
    "corpus.dedup",
)

__all__ = ["BUILTINS", "CORPUS_STEPS", "DEFAULT_STEPS"]
