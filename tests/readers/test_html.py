"""The HTML reader: one line per block element, and the DOM evidence of every line."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.pipeline import Pipeline, Result
from corpusclean.readers import html as H
from corpusclean.readers import read_file
from corpusclean.readers.html import html_to_blocks, html_to_text, name_hints
from corpusclean.record import to_record

PAGE = """<!doctype html><html><head><title>Rain in Lisbon - The Daily</title>
<style>p{color:red}</style><script>var x = "<p>not text</p>";</script></head>
<body>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav>
<article>
  <h1>Rain in <em>Lisbon</em></h1>
  <p>It rained for three days, and the river rose <a href="/r">above the quay</a>.</p>
  <div style="display:none">Hidden text</div>
</article>
<footer id="footer">&copy; 2024 The Daily</footer>
</body></html>"""


def _line(lines: list[str], ev: H.DomEvidence, text: str) -> tuple[str, int, int]:
    no = lines.index(text) + 1
    node, link = ev.lines[no]
    return ev.nodes[node][1], ev.nodes[node][2], link


def test_lines_title_first_blocks_one_per_line() -> None:
    lines, ev = html_to_blocks(PAGE)
    assert lines == [
        "Rain in Lisbon - The Daily",
        "Home",
        "World",
        "Rain in Lisbon",
        "It rained for three days, and the river rose above the quay.",
        "Hidden text",
        "© 2024 The Daily",
    ]
    assert sorted(ev.lines) == list(range(1, len(lines) + 1))


def test_evidence_tags_hints_and_links() -> None:
    lines, ev = html_to_blocks(PAGE)
    tag, _flags, link = _line(lines, ev, "Home")
    assert tag == "a" and link == 4
    chain = H.ancestors(ev.nodes, ev.lines[lines.index("Home") + 1][0])
    union = 0
    for n in chain:
        union |= ev.nodes[n][2]
    assert union & H.T_NAV and union & H.NAV
    tag, _flags, link = _line(
        lines, ev, "It rained for three days, and the river rose above the quay."
    )
    assert tag == "p" and link == len("above the quay")
    assert _line(lines, ev, "Hidden text")[1] & H.HIDDEN
    assert _line(lines, ev, "© 2024 The Daily")[1] & H.T_FOOTER
    assert _line(lines, ev, "© 2024 The Daily")[1] & H.FOOTER  # id="footer"


def test_title_repeated_as_first_line_is_kept_once() -> None:
    lines, ev = html_to_blocks("<title>Same</title><body><h1>Same</h1><p>Body text.</p></body>")
    assert lines == ["Same", "Body text."]
    assert ev.nodes[ev.lines[1][0]][1] == "h1"


@pytest.mark.parametrize(
    ("name", "flag"),
    [
        ("share-buttons", H.SHARE),
        ("socialShareBar", H.SHARE),
        ("partager", H.SHARE),
        ("compartir", H.SHARE),
        ("comments-area", H.COMMENT),
        ("kommentarliste", H.COMMENT),
        ("commentaires", H.COMMENT),
        ("komentarze", H.COMMENT),
        ("cookie-banner", H.COOKIE),
        ("consent_box", H.COOKIE),
        ("breadcrumbs", H.BREADCRUMB),
        ("fil-ariane", H.BREADCRUMB),
        ("related-posts", H.RELATED),
        ("verwandte-artikel", H.RELATED),
        ("sidebar", H.SIDEBAR),
        ("seitenleiste", H.SIDEBAR),
        ("site-footer", H.FOOTER),
        ("main-menu", H.NAV),
        ("ad-slot", H.AD),
        ("werbung", H.AD),
        ("newsletter-signup", H.WIDGET),
        ("entry-content", H.POSITIVE),
        ("articleBody", H.POSITIVE),
    ],
)
def test_name_hints(name: str, flag: int) -> None:
    assert name_hints(name) & flag


@pytest.mark.parametrize(
    "name", ["header", "shadow", "download", "loading", "leading", "readability", "badge"]
)
def test_no_ad_hint_inside_other_words(name: str) -> None:
    assert not name_hints(name) & H.AD


def test_read_file_stores_evidence_and_records_leave_it_out(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = next(read_file(path, "page.html"))
    assert doc.meta["dom"]["schema"] == 1
    assert set(doc.meta["dom"]["lines"]) == {ln.no for ln in doc.lines}
    assert pickle.loads(pickle.dumps(doc)) == doc
    result = Result(doc, None, None, ())
    assert "dom" not in to_record(result, "f")["metadata"]
    assert "dom" in to_record(result, "f", keep_internal=True)["metadata"]


def test_text_only_html_to_text() -> None:
    assert html_to_text("<p>a</p><p>b<br>c</p>") == "a\nb\nc"


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcp-ndivlua&;#\n")), max_size=300))
def test_never_raises_on_arbitrary_markup(markup: str) -> None:
    lines, ev = html_to_blocks(markup)
    assert len(lines) == len(ev.lines)
    for no, text in enumerate(lines, start=1):
        assert text and text == text.strip() and "\n" not in text
        assert 0 <= ev.lines[no][0] < len(ev.nodes)
    Pipeline.default()  # the default pipeline builds with the HTML filter in it


@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(markup: str) -> None:
    lines, ev = html_to_blocks(markup)
    assert len(lines) == len(ev.lines)


# -- the Lexbor walk against the beautifulsoup4 walk (the readable reference) ----------------------
# Markup whose tree no parser repairs (every element closed, nesting the HTML Standard leaves as
# it is): both parsers build the same tree, so both walks must give the same lines and evidence.

_NESTABLE = ("div", "span", "section", "article", "nav", "aside", "header", "footer", "main", "em",
             "b", "figure", "figcaption", "blockquote", "ul", "label")  # <form> in <form>: dropped
_CLASSES = ("post-content", "share", "socialShareBar", "sidebar", "nav menu", "cookie-banner",
            "entry", "related-posts", "ad", "x1", "footer-links", "byline")
_attrs = st.lists(
    st.sampled_from([
        *(f'class="{c}"' for c in _CLASSES), 'id="comments"', 'id="main"', 'role="navigation"',
        'role="main"', "hidden", 'aria-hidden="true"', 'style="display: none"',
        'itemprop="articleBody"', 'href="/x"', 'data-x="1"',
    ]),
    max_size=3, unique_by=lambda a: a.split("=")[0],  # a repeated attribute: parsers differ
).map(lambda a: "".join(" " + x for x in a))
_text = st.lists(
    st.sampled_from(["rain", "in", "Lisbon,", "  ", "\n", "\t", "&amp;", "caf\u00e9", "\u00a0",
                     "7"]),
    min_size=1, max_size=6,
).map("".join)
_leaf = st.one_of(
    _text,
    st.builds(lambda a, t: f"<a{a}>{t}</a>", _attrs, _text),
    st.just("<br>"),
    st.builds(lambda t: f"<script>{t}</script>", _text),
    st.builds(lambda t: f"<noscript>{t}</noscript>", _text),
)
_body = st.recursive(
    _leaf,
    lambda inner: st.builds(lambda tag, a, kids: f"<{tag}{a}>{''.join(kids)}</{tag}>",
                            st.sampled_from(_NESTABLE), _attrs, st.lists(inner, max_size=4)),
    max_leaves=25,
)


@given(_body, _text)
def test_lexbor_walk_matches_the_soup_walk(body: str, title: str) -> None:
    page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"
    lines, ev = H.tree_to_blocks(H.parse_html(page))
    ref_lines, ref = H.tree_to_blocks(BeautifulSoup(page, "html.parser"))
    assert lines == ref_lines
    assert (ev.nodes, ev.lines, ev.page) == (ref.nodes, ref.lines, ref.page)


def test_a_soup_of_ones_own_is_read_as_it_is() -> None:
    soup = BeautifulSoup(PAGE, "html.parser")
    assert html_to_blocks(soup)[0] == html_to_blocks(PAGE)[0]
    assert H.page_metadata(soup, "t") == H.page_metadata(H.parse_html(PAGE), "t")


def test_the_tree_a_browser_builds() -> None:
    # an end tag that does not match the open <div> still closes the <nav> (HTML 4 parsers kept
    # the rest of the page inside it)
    page = "<body><nav><div><a href=/>Home</a></nav><p>Main text of the page.</p>"
    lines, ev = html_to_blocks(page)
    assert _line(lines, ev, "Main text of the page.")[:2] == ("p", 0)
    # <noscript> is text of its own, not markup that closes the head
    page = "<head><noscript><iframe src=x></noscript><title>T</title></head><p>x"
    lines, _ = html_to_blocks(page)
    assert lines == ["T", "x"]


def test_text_before_the_page_is_left_out() -> None:
    page = ("<br />\n<b>Warning</b>: x() is deprecated in /www/a.php on line <b>5</b><br />\n"
            "<!DOCTYPE html><html lang=de><head><title>Seite</title></head>"
            "<body><p>Text</p></body></html>")
    lines, ev = html_to_blocks(page)
    assert lines == ["Seite", "Text"]
    assert ev.page["language"] == "de"
    # head elements before <html> belong to the page: nothing is cut
    page = '<meta property="og:url" content="https://x.org/a"><title>T</title>Oops<html><p>Text'
    assert html_to_blocks(page)[1].page["url"] == "https://x.org/a"


def test_deep_nesting_and_odd_text() -> None:
    n = 30_000  # beyond what Lexbor is given: beautifulsoup4 parses it
    lines, _ = html_to_blocks("<div>" * n + "deep" + "</div>" * n + "<p>after</p>")
    assert lines == ["deep", "after"]
    # stray end tags do not hide the nesting from the estimate
    assert html_to_blocks("<div></b>" * n + "deep")[0] == ["deep"]
    assert html_to_blocks("<p>a\ud800b</p><p>\x00c</p>")[0] == ["ab", "c"]
