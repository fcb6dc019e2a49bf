"""The built-in filters: :data:`BUILTINS` is the one table of their names, reasons and factories.

Adding a built-in means writing it in its family module and adding one row here. The default
pipeline is :data:`DEFAULT_STEPS`, in order.
"""

from __future__ import annotations

from ..registry import FilterInfo
from . import encoding, layout

BUILTINS: tuple[FilterInfo, ...] = (
    FilterInfo("encoding.fix_mojibake", encoding.FixMojibake, reasons=frozenset(),
               provides=frozenset({"encoding_repairs"})),
    FilterInfo("encoding.normalize", encoding.Normalize, reasons=frozenset()),
    FilterInfo("boilerplate.layout", layout.LayoutBoilerplate, reasons=frozenset({layout.REASON}),
               reason_help={layout.REASON: "line scored as boilerplate by the layout line model"}),
)

#: The default pipeline, in order.
DEFAULT_STEPS: tuple[str, ...] = (
    "encoding.fix_mojibake",
    "encoding.normalize",
    "boilerplate.layout",
)

__all__ = ["BUILTINS", "DEFAULT_STEPS"]
