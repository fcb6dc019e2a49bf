"""html.dom_boilerplate: removals from DOM evidence, each with a reason code."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.filters import DEFAULT_STEPS
from corpusclean.filters.html import REASONS, DomBoilerplate
from corpusclean.readers.html import html_to_blocks

PARA = (
    "The committee met on Tuesday, after a long delay, to discuss the budget, the schedule and "
    "the new rules for the harbour, which had been debated for months."
)


def page_doc(markup: str) -> Document:
    lines, ev = html_to_blocks(markup)
    return Document.from_text(
        "\n".join(lines), id="p", meta={"format": "html", "dom": ev.to_meta()}
    )


def run(markup: str, **params: object) -> tuple[list[str], dict[str, str]]:
    doc = page_doc(markup)
    dec = DomBoilerplate(**params)(doc)  # type: ignore[arg-type]
    if dec.action == "keep":
        return [ln.text for ln in doc.lines], {}
    assert dec.doc is not None
    return [ln.text for ln in dec.doc.lines], {r.text: r.reason for r in dec.removed}


ARTICLE_PAGE = f"""<html><head><title>Harbour budget | City News</title></head><body>
<div id="cookie-consent"><p>We use cookies to improve your experience. Accept all</p></div>
<header class="site-header"><a href="/">City News</a>
  <nav><ul><li><a href="/a">Politics</a></li><li><a href="/b">Sport</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/p">Politics</a></div>
<article>
  <h1>Harbour budget approved</h1>
  <p>{PARA}</p>
  <h2>What changes</h2>
  <p>{PARA.replace("Tuesday", "Friday")}</p>
  <blockquote>“It is done.”</blockquote>
  <p>{PARA.replace("budget", "plan")}</p>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
</article>
<section id="comments"><h3>Leave a reply</h3>
  <form class="comment-form"><label>Name</label><textarea></textarea>
    <button>Post comment</button></form>
</section>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Another story</a></li></ul></aside>
<footer><p>© 2024 City News. All rights reserved.</p></footer>
</body></html>"""


def test_article_kept_boilerplate_removed_with_reasons() -> None:
    kept, reasons = run(ARTICLE_PAGE)
    assert kept[0] == "Harbour budget approved"  # the headline stays
    assert "What changes" in kept
    assert PARA in kept and "“It is done.”" in kept  # a short quote inside the article stays
    assert len(kept) == 6
    assert reasons["We use cookies to improve your experience. Accept all"] == "boilerplate.cookie"
    assert reasons["Politics"] == "boilerplate.navigation"
    assert reasons["Share on Facebook Tweet"] == "boilerplate.share"
    assert reasons["Post comment"] == "boilerplate.comment_form"
    assert reasons["Leave a reply"] == "html.comments"
    assert reasons["Another story"] in ("html.sidebar", "boilerplate.related")
    assert reasons["© 2024 City News. All rights reserved."] == "html.footer"
    assert reasons["Harbour budget | City News"] == "html.title"
    assert set(reasons.values()) <= set(REASONS)


def test_removals_are_explained() -> None:
    doc = page_doc(ARTICLE_PAGE)
    dec = DomBoilerplate()(doc)
    by_text = {r.text: r for r in dec.removed}
    assert "share" in by_text["Share on Facebook Tweet"].detail
    assert "<nav>" in by_text["Politics"].detail or "nav" in by_text["Politics"].detail


def test_page_without_article_tag() -> None:
    markup = f"""<body><div id="top"><a href="/">Home</a> <a href="/about">About us</a></div>
    <div class="wrap"><div class="left"><ul><li><a href="/1">One</a></li>
    <li><a href="/2">Two</a></li>
    <li><a href="/3">Three</a></li></ul></div>
    <div class="story"><h2>A quiet week</h2><p>{PARA}</p><p>{PARA.upper()}</p>
    <p>{PARA.lower()}</p></div></div>
    <div>Copyright 2024, all rights reserved, Example Ltd</div></body>"""
    kept, reasons = run(markup)
    assert kept == ["A quiet week", PARA, PARA.upper(), PARA.lower()]
    assert reasons["One"] in ("html.outside_main", "html.link_dense")


def test_list_heavy_article_keeps_its_items() -> None:
    items = "".join(
        f"<li>Step {i}: mix the flour, the water and the salt, then wait an hour.</li>"
        for i in range(8)
    )
    markup = f"""<body><nav><a href="/">Home</a></nav><main><h1>Bread</h1><p>{PARA}</p>
    <ol>{items}</ol><ul><li>Flour</li><li>Water</li><li>Salt</li></ul><p>{PARA}</p></main>
    <footer>Footer text here</footer></body>"""
    kept, reasons = run(markup)
    assert "Flour" in kept and "Salt" in kept  # short list items stay
    assert sum(1 for k in kept if k.startswith("Step ")) == 8
    assert "Bread" in kept
    assert "Home" in reasons and "Footer text here" in reasons


def test_link_list_inside_the_article_goes() -> None:
    links = "".join(f'<li><a href="/{i}">Story number {i}</a></li>' for i in range(6))
    markup = f"<body><article><p>{PARA}</p><p>{PARA}</p><ul>{links}</ul></article></body>"
    kept, reasons = run(markup)
    assert kept == [PARA, PARA]
    assert set(reasons.values()) == {"html.link_dense"}


LIST_TITLES = (
    "Hafenhaushalt nach langer Debatte beschlossen",
    "New ferry timetable starts in the spring",
    "港の予算が承認されました",
    "Nouvelles règles pour le port de plaisance",
    "Budżet portu przyjęty po długiej debacie",
    "Harbour works delayed by the winter storms",
)


def test_list_page_keeps_its_links() -> None:
    # an index page: the main region is mostly a list of links, so the links are its content
    links = "".join(f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(LIST_TITLES * 2))
    markup = f"""<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
    <main><h1>Archive</h1><p>{PARA}</p><ul class="posts">{links}</ul></main>
    <footer>Footer text here</footer></body>"""
    kept, reasons = run(markup)
    assert [k for k in kept if k in LIST_TITLES] == list(LIST_TITLES * 2)
    assert PARA in kept and "html.link_dense" not in reasons.values()
    assert reasons["Home About"] == "boilerplate.navigation"
    assert reasons["Footer text here"] == "html.footer"
    # the page-level signal can be switched off: then the list goes as link-dense
    _, strict = run(markup, list_page_share=1.0)
    assert {strict[t] for t in LIST_TITLES} == {"html.link_dense"}


def test_headings_in_the_content_stay() -> None:
    body = "".join(f"<h3>Part {i}</h3><p>{PARA}</p>" for i in range(4))
    kept, _ = run(f"<body><div class='content'>{body}</div></body>")
    assert [k for k in kept if k.startswith("Part")] == [f"Part {i}" for i in range(4)]


def test_documents_without_evidence_are_kept() -> None:
    doc = Document.from_text("Home\nAbout\n" + PARA)
    assert DomBoilerplate()(doc).action == "keep"
    bad = Document.from_text("x", meta={"dom": {"schema": 1, "nodes": (), "lines": {1: (5, 0)}}})
    assert DomBoilerplate()(bad).action == "keep"


def test_in_default_pipeline_after_normalize() -> None:
    steps = list(DEFAULT_STEPS)
    assert steps.index("html.dom_boilerplate") == steps.index("encoding.normalize") + 1


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcpnavdiulfotrsh-\n.,")), max_size=400))
def test_never_raises_on_arbitrary_markup(markup: str) -> None:
    doc = page_doc(markup)
    dec = DomBoilerplate()(doc)
    if dec.action == "rewrite":
        assert dec.doc is not None
        assert len(dec.doc.lines) + len(dec.removed) == len(doc.lines)


def test_deeply_nested_page() -> None:
    markup = "<div>" * 3000 + f"<p>{PARA}</p>" + "</div>" * 3000 + "<footer>Footer line</footer>"
    kept, reasons = run(markup)
    assert kept == [PARA]
    assert reasons == {"Footer line": "html.footer"}


def test_evidence_with_a_cycle_is_ignored() -> None:
    meta = {
        "dom": {
            "schema": 1,
            "nodes": ((-1, "#root", 0), (2, "div", 0), (1, "p", 0)),
            "lines": {1: (2, 0)},
        }
    }
    doc = Document.from_text(PARA, meta=meta)
    assert DomBoilerplate()(doc).action == "keep"
