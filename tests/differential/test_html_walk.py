"""The HTML reader's walk in the core (``_core.HtmlWalker``, over the HTML Lexbor serializes its
tree to) against the reference walk over the tree (``_walk_lexbor`` in ``readers/html.py``): the
same lines, nodes and line evidence on every dev page and on generated markup (misnested and
foreign elements, raw text, entities, odd attribute names and values, every script); where the
core declines a page, the reference walks it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean.readers import html as H

from .conftest import BENCH
from .strategies import lines


def walks(markup: str) -> bool | None:
    """Whether the core walked the page (its answer then the reference's); None: not a Lexbor
    tree or no root."""
    tree = H.parse_html(markup)
    if not isinstance(tree, H.LexborHTMLParser):
        return None
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return None
    core, ref = H._Builder(), H._Builder()
    core.lines.append("title")  # numbering after lines and nodes already there
    ref.lines.append("title")
    core.ev.nodes.append((0, "title", 0))
    ref.ev.nodes.append((0, "title", 0))
    walked = H._walk_core(root, core)
    H._walk_lexbor(root, ref)
    if walked:
        assert core.lines == ref.lines
        assert core.ev.nodes == ref.ev.nodes
        assert list(core.ev.lines.items()) == list(ref.ev.lines.items())
    return walked


@pytest.mark.skipif(BENCH is None, reason="no bench pages")
def test_dev_pages(core):
    pages = sorted(BENCH.glob("*.html"))
    assert pages
    walked = [walks(p.read_text(encoding="utf-8", errors="replace")) for p in pages[::2]]
    assert walked.count(False) <= len(walked) // 50  # declined: at most 2 %


TAGS = ["div", "p", "span", "a", "b", "li", "ul", "table", "tr", "td", "nav", "form", "svg",
        "math", "mi", "foreignObject", "template", "xmp", "noembed", "noframes", "script",
        "style", "noscript", "textarea", "title", "select", "option", "plaintext", "iframe",
        "input", "img", "br", "source", "area", "h2", "figcaption", "object", "my-el", "P", "A"]
NAMES = ["post-content", "share", "socialShareBar", "İnav", "\u212aomment", "nav menu",
         "cookie\u3000banner", "x1", "", "42", "ÄdBlock", "entryContent", "sidebar-widget",
         "a" * 210 + "share", "foo&amp;bar", 'q"uote', "lt<gt>"]
ATTRS = st.one_of(
    st.builds(lambda k, v: f' {k}="{v}"',
              st.sampled_from(["class", "id", "role", "itemprop", "style", "aria-hidden",
                               "hidden", "href", "data-x", "=odd", 'a"b', "CLASS"]),
              st.sampled_from([*NAMES, "navigation", " Main ", "articleBody", "true",
                               "display : none", "visibility:\u2003hidden", "DISPLAY:NONE"])),
    st.sampled_from([" hidden", " class", " role", " a=b=c", " x='y\"z'"]),
)
TEXT = st.one_of(lines, st.sampled_from([
    "rain in Lisbon", "  ", "\n", "\t", "&amp;", "&lt;b&gt;", "&nbsp;", "\xa0", "\x1c", "\r",
    "&#13;", "\x00", "<!-- c -->", "<!-- a --->", "</p>", "</script>", "<!--<script>", "<?pi x?>",
    "<![CDATA[x<y]]>", "é", "中文", "a  b", "&unknown;", "</", "<", "]]>",
]))


@st.composite
def markup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(TEXT))
        elif kind == 1:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(draw(st.lists(ATTRS, max_size=3)))
            parts.append(f"<{tag}{attrs}>")
        elif kind == 2:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(draw(st.lists(ATTRS, max_size=2)))
            parts.append(f"<{tag}{attrs}>{draw(TEXT)}</{tag}>")
    return "".join(parts)


@settings(max_examples=1500, deadline=None)
@given(markup(), st.booleans())
def test_generated_markup(core, body, frameset):
    walks(f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")
    if frameset:
        walks(f"<html><frameset><frame></frameset>{body}")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcp-ndivlua&;#\n!?xmsgtr")), max_size=300))
def test_arbitrary_markup(core, text):
    walks(text)


def test_what_the_core_declines(core):
    assert walks("<p>a<plaintext>b</plaintext>c") is False
    assert walks("<p>x</p><script><!--<script></script>y</script>z") is not None
    assert walks("<div class='\u0130nav'>x</div>") is False
    assert walks("<div class='nav'>x</div><p>y") is True
