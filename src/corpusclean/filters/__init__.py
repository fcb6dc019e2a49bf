"""The built-in filters: :data:`BUILTINS` is the one table of their names, reasons and factories.

Adding a built-in means writing it in its family module and adding one row here. The default
pipeline is :data:`DEFAULT_STEPS`, in order.
"""

from __future__ import annotations

from ..registry import FilterInfo
from . import encoding, language

BUILTINS: tuple[FilterInfo, ...] = (
    FilterInfo("encoding.fix_mojibake", encoding.FixMojibake, reasons=frozenset(),
               provides=frozenset({"encoding_repairs"})),
    FilterInfo("encoding.normalize", encoding.Normalize, reasons=frozenset()),
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
)

#: The default pipeline, in order.
DEFAULT_STEPS: tuple[str, ...] = (
    "encoding.fix_mojibake",
    "encoding.normalize",
    "language.detect",
    "language.foreign_lines",
)

__all__ = ["BUILTINS", "DEFAULT_STEPS"]
