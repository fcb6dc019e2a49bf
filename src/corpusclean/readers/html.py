"""HTML to text blocks with beautifulsoup4: one line per block element, scripts and styles out."""

from __future__ import annotations

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag

#: Elements whose content is never visible text.
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "canvas"})

#: Elements that start a new line of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    "button", "label", "select", "textarea",
})


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line.

    >>> html_to_text("<p>Hello <b>world</b></p><script>x()</script><div>Next</div>")
    'Hello world\\nNext'
    """
    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    parts: list[str] = []
    _walk(soup.body or soup, parts)
    lines = [" ".join(chunk.split()) for chunk in "".join(parts).split("\n")]
    lines = [ln for ln in lines if ln]
    if title and (not lines or lines[0] != title):
        lines.insert(0, title)
    return "\n".join(lines)


def _walk(node: Tag, parts: list[str]) -> None:
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and not isinstance(item, NavigableString):
            parts.append(item)  # a block boundary marker
            continue
        if isinstance(item, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(item, NavigableString):
            parts.append(str(item))
            continue
        if not isinstance(item, Tag) or item.name in DROP_TAGS:
            continue
        if item.name in ("head", "title"):
            continue
        block = item.name in BLOCK_TAGS
        if block:
            parts.append("\n")
            stack.append("\n")
        stack.extend(reversed(item.contents))


class HtmlError(ValueError):
    """The markup cannot be turned into text; ``reason`` is a dotted code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def safe_html_to_text(markup: str) -> str:
    """:func:`html_to_text`, with a parser failure turned into :class:`HtmlError`.

    Deeply nested markup is parsed without recursion by ``html.parser``, but any part of the
    conversion that recurses on such a tree is stopped here (``html.too_deep``) instead of
    ending the run; time is limited by the reader's time budget.
    """
    try:
        return html_to_text(markup)
    except RecursionError:
        raise HtmlError("html.too_deep", "the markup is nested too deeply to convert") from None
    except (AssertionError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise HtmlError("html.parse_error", f"the HTML parser failed: {type(exc).__name__}: {exc}") from None
