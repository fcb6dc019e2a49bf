"""The HTML reader: one line per block element, and the DOM evidence of every line."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
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
