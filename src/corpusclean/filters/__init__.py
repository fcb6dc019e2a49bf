"""The built-in filters: :data:`BUILTINS` is the one table of their names, reasons and factories.

Adding a built-in means writing it in its family module and adding one row here. The default
pipeline is :data:`DEFAULT_STEPS`, in order.
"""

from __future__ import annotations

from ..registry import FilterInfo
from . import encoding, html

BUILTINS: tuple[FilterInfo, ...] = (
    FilterInfo("encoding.fix_mojibake", encoding.FixMojibake, reasons=frozenset(),
               provides=frozenset({"encoding_repairs"})),
    FilterInfo("encoding.normalize", encoding.Normalize, reasons=frozenset()),
    FilterInfo("html.dom_boilerplate", html.DomBoilerplate, reasons=frozenset(html.REASONS),
               reason_help=html.REASONS),
)

#: The default pipeline, in order.
DEFAULT_STEPS: tuple[str, ...] = (
    "encoding.fix_mojibake",
    "encoding.normalize",
    "html.dom_boilerplate",
)

__all__ = ["BUILTINS", "DEFAULT_STEPS"]
