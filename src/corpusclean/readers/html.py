"""HTML to text lines, and the DOM evidence behind every line.

Pages are parsed by Lexbor (selectolax), as a browser parses them (:func:`parse_html`); a tree a
user parsed with beautifulsoup4 is read as it is. Both kinds of tree are walked the same way:
:func:`_walk` over a soup is the readable form, :func:`_walk_lexbor` the same steps written out
for speed, and the tests hold them to the same lines and evidence.

:func:`html_to_blocks` turns a page into one line per block element (text whitespace-folded,
scripts and styles out, the ``<title>`` first) and a compact, picklable record of where each line
sat in the page (:class:`DomEvidence`): the chain of enclosing block and flagged elements with
their tag and the hints their ``class``/``id``/``role`` carry, and how much of the line's text is
link text. The reader decides nothing; the ``html.dom_boilerplate`` filter reads this evidence
(stored as ``meta["dom"]``) and removes lines with an explained reason.

Evidence format (``DomEvidence.to_meta()``), schema 1:

- ``nodes``: a tuple, index = node id, of ``(parent id, tag, flags)``; node 0 is the page root.
  Nodes are the block elements and every element whose tag, role or class/id hints matter;
  ``flags`` is a bit set of :data:`HINTS` and :data:`TAG_FLAGS`.
- ``lines``: ``{line number: (node id, link characters)}``, the innermost recorded element that
  holds the start of the line, and how many of its characters sit inside ``<a>`` elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex
from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

if TYPE_CHECKING:  # beautifulsoup4 is imported where a soup is read: most runs read none
    from bs4 import Tag

    #: A parsed page: a Lexbor document (:func:`parse_html`), or a beautifulsoup4 tree.
    Tree = LexborHTMLParser | Tag

from .. import _accel

#: Elements whose content is never visible text.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "canvas",
})

#: Elements that start a new line of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    "button", "label", "select", "textarea", "menu",
})

#: Elements of a page's ``<head>`` that are not walked for text (:func:`tree_to_blocks`).
_HEAD_ONLY = frozenset({"title", "meta", "link", "base"})

#: Inline elements recorded as nodes even without hints (they say what a line is).
FLAGGED_INLINE = frozenset({"a", "input"})

# -- flags -----------------------------------------------------------------------------------------
# Hints read from class, id and a few other attributes (one bit per family).
NAV = 1 << 0
BREADCRUMB = 1 << 1
SHARE = 1 << 2
COMMENT = 1 << 3
RELATED = 1 << 4
COOKIE = 1 << 5
SIDEBAR = 1 << 6
FOOTER = 1 << 7
HEADER = 1 << 8
WIDGET = 1 << 9
AD = 1 << 10
TAGS = 1 << 11
PAGER = 1 << 12
HIDDEN = 1 << 13
POSITIVE = 1 << 14
META = 1 << 15
# Structural facts from the tag or its ARIA role.
T_NAV = 1 << 20
T_HEADER = 1 << 21
T_FOOTER = 1 << 22
T_ASIDE = 1 << 23
T_FORM = 1 << 24
T_CONTROL = 1 << 25
T_MAIN = 1 << 26
T_ARTICLE = 1 << 27

HINTS: dict[str, int] = {
    "nav": NAV, "breadcrumb": BREADCRUMB, "share": SHARE, "comment": COMMENT, "related": RELATED,
    "cookie": COOKIE, "sidebar": SIDEBAR, "footer": FOOTER, "header": HEADER, "widget": WIDGET,
    "ad": AD, "tags": TAGS, "pager": PAGER, "hidden": HIDDEN, "positive": POSITIVE, "meta": META,
}
TAG_FLAGS: dict[str, int] = {
    "t_nav": T_NAV, "t_header": T_HEADER, "t_footer": T_FOOTER, "t_aside": T_ASIDE,
    "t_form": T_FORM, "t_control": T_CONTROL, "t_main": T_MAIN, "t_article": T_ARTICLE,
}

# Words of class/id names, by family, in the spellings sites use (English first, then German,
# French, Spanish, Portuguese, Italian, Polish, Dutch and others). A word matches a name token
# exactly; a STEM (in _STEMS) also matches inside a longer token ("sharebar", "kommentarliste").
_WORDS: dict[int, tuple[str, ...]] = {
    NAV: ("nav", "navi", "navbar", "menu", "menus", "menue", "navigation", "topnav", "subnav",
          "mainnav", "megamenu", "dropdown", "hamburger", "skip", "skiplink", "jumplink", "toc",
          "submenu", "menubar", "navegacion", "navigazione", "nawigacja", "menuitem"),
    BREADCRUMB: ("breadcrumb", "breadcrumbs", "crumbs", "crumb", "brotkrumen", "ariane", "migas",
                 "brotkrumennavigation", "filariane", "trail"),
    SHARE: ("share", "shares", "sharing", "social", "socials", "teilen", "partager", "partage",
            "compartir", "compartilhar", "condividi", "udostepnij", "delen", "sociaal", "sns",
            "addthis", "sharethis", "shariff", "follow", "socialmedia"),
    COMMENT: ("comment", "comments", "kommentar", "kommentare", "commentaire", "commentaires",
              "comentario", "comentarios", "commento", "commenti", "komentarz", "komentarze",
              "reacties", "disqus", "respond", "reply", "replies", "discussion", "leserbriefe"),
    RELATED: ("related", "relatedposts", "recommended", "recommendations", "recirculation",
              "readmore", "readnext", "morestories", "popular", "trending", "mostread",
              "mostpopular", "verwandt", "aehnlich", "ahnlich", "empfehlungen", "weitere",
              "similar", "similaires", "relacionados", "relacionadas", "correlati", "powiazane",
              "teaser", "teasers", "outbrain", "taboola", "suggested", "upnext"),
    COOKIE: ("cookie", "cookies", "consent", "gdpr", "dsgvo", "cookiebar", "cookiebanner",
             "cookienotice", "privacybanner", "rgpd", "onetrust", "usercentrics", "borlabs"),
    SIDEBAR: ("sidebar", "sidebars", "aside", "rail", "siderail", "rightrail", "leftrail",
              "seitenleiste", "sidecol", "barralateral", "lateral", "marginal"),
    FOOTER: ("footer", "foot", "colophon", "copyright", "fusszeile", "fuss", "pied", "piedepagina",
             "rodape", "stopka", "impressum", "legal", "imprint"),
    HEADER: ("header", "masthead", "topbar", "branding", "logo", "kopfzeile", "cabecera",
             "cabecalho", "entete", "naglowek", "sitehead", "siteheader"),
    WIDGET: ("widget", "widgets", "newsletter", "subscribe", "subscription", "signup", "login",
             "signin", "register", "promo", "promotion", "banner", "popup", "modal", "overlay",
             "paywall", "abo", "abonnement", "anmelden", "inscription", "suscripcion", "donate",
             "donation", "cta", "toolbar", "tools", "print", "rating", "vote", "poll", "search",
             "suche", "recherche", "busqueda", "author", "authorbox", "bio", "profile"),
    AD: ("ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "sponsor",
         "sponsored", "sponsors", "werbung", "anzeige", "anzeigen", "publicidad", "publicite",
         "pub", "reklama", "pubblicita", "adsense", "dfp", "gpt", "adslot", "adunit", "commercial",
         "affiliate"),
    TAGS: ("tags", "tag", "taglist", "tagcloud", "keywords", "schlagworte", "schlagwort",
           "etiquetas", "categories", "category", "kategorie", "kategorien", "topics", "tagi"),
    PAGER: ("pagination", "pager", "paging", "pagenav", "prevnext", "postnav", "blaettern",
            "paginacion"),
    HIDDEN: ("sronly", "screenreader", "visuallyhidden", "offscreen"),
    META: ("byline", "dateline", "timestamp", "published", "posted", "postmeta", "entrymeta",
           "caption", "credit", "credits", "photocredit"),
    POSITIVE: ("article", "articles", "content", "post", "entry", "story", "body", "text", "main",
               "artikel", "beitrag", "inhalt", "contenido", "contenu", "articulo", "conteudo",
               "materia", "tresc", "artykul", "articolo", "contenuto", "blog", "prose", "hentry",
               "postbody", "articlebody", "richtext", "storybody", "entrycontent", "postcontent",
               "articletext", "articlecontent", "page", "single"),
}
#: Words long and specific enough to match inside a longer token.
_STEMS: dict[int, tuple[str, ...]] = {
    NAV: ("navigation", "navbar", "megamenu", "menu"),
    BREADCRUMB: ("breadcrumb", "brotkrumen"),
    SHARE: ("share", "sharing", "social", "teilen", "partage"),
    COMMENT: ("comment", "kommentar", "komentar", "comentari", "disqus"),
    RELATED: ("related", "recommend", "verwandt", "relacionad", "mostread", "outbrain", "taboola"),
    COOKIE: ("cookie", "consent", "gdpr", "dsgvo"),
    SIDEBAR: ("sidebar", "seitenleiste"),
    FOOTER: ("footer", "copyright"),
    WIDGET: ("widget", "newsletter", "subscri", "popup", "paywall"),
    AD: ("advert", "sponsor", "werbung", "adsense", "adslot"),
    PAGER: ("pagination",),
    POSITIVE: ("articlebody", "storybody", "entrycontent", "postcontent", "articletext",
               "articlecontent", "postbody"),
}
_WORD_FLAGS: dict[str, int] = {}
for _flag, _words in _WORDS.items():
    for _w in _words:
        _WORD_FLAGS[_w] = _WORD_FLAGS.get(_w, 0) | _flag
_STEM_LIST: tuple[tuple[str, int], ...] = tuple(
    (stem, flag) for flag, stems in _STEMS.items() for stem in stems
)

_ROLE_FLAGS = {
    "navigation": T_NAV, "menu": T_NAV, "menubar": T_NAV, "banner": T_HEADER,
    "contentinfo": T_FOOTER, "complementary": T_ASIDE, "main": T_MAIN, "article": T_ARTICLE,
    "search": T_FORM, "dialog": WIDGET, "alertdialog": WIDGET, "button": T_CONTROL,
}
_TAG_BITS = {
    "nav": T_NAV, "menu": T_NAV, "header": T_HEADER, "footer": T_FOOTER, "aside": T_ASIDE,
    "form": T_FORM, "button": T_CONTROL, "select": T_CONTROL, "option": T_CONTROL,
    "textarea": T_CONTROL, "input": T_CONTROL, "label": T_CONTROL, "main": T_MAIN,
    "article": T_ARTICLE, "dialog": WIDGET,
}

#: The stems by their first four characters (every stem has four or more), to look for in a token.
_STEM_HEADS: dict[str, tuple[tuple[str, int], ...]] = {}
for _stem, _flag in _STEM_LIST:
    _STEM_HEADS[_stem[:4]] = (*_STEM_HEADS.get(_stem[:4], ()), (_stem, _flag))
assert min(len(stem) for stem, _flag in _STEM_LIST) >= 4

# ASCII classes only: the standard library's engine, faster on these short names
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_HIDDEN_STYLE_RE = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")


@lru_cache(maxsize=1 << 16)
def name_hints(value: str) -> int:
    """Hint flags of a class/id value: its words, split on punctuation and camelCase.

    >>> name_hints("post-content") == POSITIVE
    True
    >>> name_hints("socialShareBar") & SHARE != 0, name_hints("header") & AD
    (True, 0)
    """
    flags = 0
    for token in _SPLIT_RE.split(_CAMEL_RE.sub("-", value).lower()):
        if token and not token.isdigit():
            flags |= _token_hints(token)
    # a joined name ("sharebar", "entrycontent") also gets its compound's hints
    low = value.lower()
    joined = _SPLIT_RE.sub("", low)
    if joined != low:
        flags |= _WORD_FLAGS.get(joined, 0)
    return flags


@lru_cache(maxsize=1 << 16)
def _token_hints(token: str) -> int:
    """Hint flags of one word of a name: the word's, and those of the stems inside it.
    (Names are often unique, "post-4711"; their words repeat.)"""
    flags = _WORD_FLAGS.get(token, 0)
    if len(token) > 4:
        for i in range(len(token) - 3):
            for stem, flag in _STEM_HEADS.get(token[i : i + 4], ()):
                if token.startswith(stem, i):
                    flags |= flag
    return flags


def element_flags(el: Tag) -> int:
    """Flags of one element of a beautifulsoup4 tree (:func:`attribute_flags`)."""
    return attribute_flags(el.name, el.attrs)


def attribute_flags(tag: str, attrs: Mapping[str, Any]) -> int:
    """Flags of one element from its tag, ARIA role, class, id and visibility attributes;
    ``class`` is a string of names or a list of them (as beautifulsoup4 gives it).

    >>> attribute_flags("div", {"class": "post-content share"}) == POSITIVE | SHARE
    True
    """
    flags = _TAG_BITS.get(tag, 0)
    if attrs:
        role = attrs.get("role")
        if isinstance(role, str):
            flags |= _ROLE_FLAGS.get(role.strip().lower(), 0)
        names: list[str] = []
        cls = attrs.get("class")
        if isinstance(cls, str):
            names.extend(cls.split())
        elif isinstance(cls, list):
            names.extend(c for c in cls if isinstance(c, str))
        for key in ("id", "itemprop"):
            v = attrs.get(key)
            if isinstance(v, str):
                names.append(v)
        for name in names:
            flags |= name_hints(name[:200])
        if attrs.get("itemprop") == "articleBody":
            flags |= T_MAIN
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            flags |= HIDDEN
        style = attrs.get("style")
        if isinstance(style, str) and _HIDDEN_STYLE_RE.search(style):
            flags |= HIDDEN
    return flags


@dataclass
class DomEvidence:
    """Where each line came from: a table of nodes and, per line number, its node and link text."""

    nodes: list[tuple[int, str, int]] = field(default_factory=lambda: [(-1, "#root", 0)])
    lines: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: What the page says of itself (:func:`page_metadata`); not part of ``to_meta()``.
    page: dict[str, str] = field(default_factory=dict)

    def to_meta(self) -> dict[str, Any]:
        return {"schema": 1, "nodes": tuple(self.nodes), "lines": dict(self.lines)}


class _Builder:
    """Collects text chunks into lines while the tree is walked."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ev = DomEvidence()
        self.parts: list[str] = []
        self.node = 0
        self.link = 0
        self.visible = False  # whether the line's parts hold more than whitespace

    def text(self, chunk: str, node: int, in_link: bool) -> None:
        # the line's node is that of its first visible text
        if not self.visible:
            self.node = node
            self.visible = not chunk.isspace() and chunk != ""
        self.parts.append(chunk)
        if in_link:
            self.link += len(" ".join(chunk.split()))

    def flush(self) -> None:
        if not self.parts:
            return
        text = " ".join("".join(self.parts).split())
        self.parts = []
        self.visible = False
        if text:
            self.lines.append(text)
            self.ev.lines[len(self.lines)] = (self.node, min(self.link, len(text)))
        self.link = 0


def html_to_blocks(markup: str | Tag) -> tuple[list[str], DomEvidence]:
    """Lines of visible text (one per block element, the page title first) and their evidence.
    ``markup`` is the page's text, or a tree beautifulsoup4 already parsed.

    >>> page = "<title>T</title><nav><a href=/>Home</a></nav><p>Hi <b>there</b></p>"
    >>> lines, ev = html_to_blocks(page)
    >>> lines
    ['T', 'Home', 'Hi there']
    >>> ev.nodes[ev.lines[2][0]][1], ev.lines[2][1], ev.nodes[ev.lines[3][0]][1]
    ('a', 4, 'p')
    >>> from bs4 import BeautifulSoup
    >>> html_to_blocks(BeautifulSoup(page, "html.parser"))[0]
    ['T', 'Home', 'Hi there']
    """
    return tree_to_blocks(parse_html(markup) if isinstance(markup, str) else markup)


def parse_html(markup: str) -> Tree:
    """The parsed tree of a page, built as browsers build it (the HTML5 parsing algorithm, by
    Lexbor through selectolax). Text a server printed before the page's ``<html>`` tag (error
    messages) is left out, as it is outside the page. Lone surrogates (from a JSON string) are
    left out too: they are no text.

    >>> parse_html("Notice: x.php on line 5<br><!DOCTYPE html><html><p>Hi").body.html
    '<body><p>Hi</p></body>'
    """
    start = _html_start(markup)
    if start:
        markup = markup[start:]
    if markup.count("<") > _MANY_TAGS and _nesting(markup) > _DEEP:
        # Lexbor's time grows with the square of the nesting, and the time budget cannot stop
        # C code: such a page goes to the parser the budget can stop
        from bs4 import BeautifulSoup

        return BeautifulSoup(markup, "html.parser")
    # as a browser that runs scripts parses it (a <noscript> is text, not markup), and the
    # tree as the source gives it (no <selectedcontent> copied from an <option>)
    return LexborHTMLParser(markup, scripting=True, options=LexborDocumentOptions.WO_EVENTS)


#: Pages with more tags than this have their nesting estimated before they are parsed.
_MANY_TAGS = 20_000
#: Estimated nesting past which beautifulsoup4 parses a page (:func:`parse_html`).
_DEEP = 2_000
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][^\s/<>]*)([^<>]*)>")  # a tag ends at > or at the next <
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody",
                          "thead", "tfoot", "rb", "rt", "rp", "rtc"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


def _nesting(markup: str) -> int:
    """An estimate of how deeply a page's elements nest, from its tags alone: an end tag closes
    only the innermost open element of its name (stray end tags, which parsers pass over,
    close nothing), and an element left open counts as nested, so the estimate is not below
    the real depth.

    >>> _nesting("<div><p>a<br><img src=x/><span>b</span></div><div></div>")
    3
    >>> _nesting("<div></b>" * 50), _nesting("<ul><li>a<li>b<li>c</ul>" * 50)
    (50, 2)
    """
    open_: list[str] = []
    top = 0
    for m in _TAG_RE.finditer(markup):
        name = m.group(2).lower()
        if m.group(1):
            # the end tags of elements whose end a parser implies (<p>, <li>, <td>...) go first
            while open_ and open_[-1] != name and open_[-1] in _IMPLIED_END:
                open_.pop()
            if open_ and open_[-1] == name:
                open_.pop()
        elif not m.group(3).endswith("/") and name not in _VOID:
            if name in _IMPLIED_END and open_ and open_[-1] == name:
                open_.pop()  # <li> after <li>: a sibling, not a child
            open_.append(name)
            top = max(top, len(open_))
    return top


#: The ``<html>`` start tag, or a comment (in which such a tag does not count).
_HTML_OR_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)|<html[\s>]", re.IGNORECASE | re.DOTALL)


#: Elements of a page's head: markup before ``<html>`` that holds them is part of the page.
_HEAD_TAG_RE = re.compile(r"<(?:title|meta|link|base)\b", re.IGNORECASE)


def _shows_text(markup: str) -> bool:
    """Whether markup holds text outside its tags, comments, scripts and styles (one pass).

    >>> _shows_text("<!-- x --><style>p{}</style><meta a=b>"), _shows_text("<b>Warning</b>")
    (False, True)
    """
    low = markup.lower()
    i, n = 0, len(markup)
    while i < n:
        lt = markup.find("<", i)
        if markup[i : n if lt < 0 else lt].strip():
            return True
        if lt < 0:
            return False
        if markup.startswith("<!--", lt):
            end, close = markup.find("-->", lt + 4), 3
        elif low.startswith(("<script", "<style"), lt):
            name = "</script" if low.startswith("<script", lt) else "</style"
            end, close = markup.find(">", max(low.find(name, lt), lt)), 1
        else:
            end, close = markup.find(">", lt), 1
        i = n if end < 0 else end + close
    return False


def _html_start(markup: str) -> int:
    """Where a page's ``<html>`` tag (or the doctype before it) starts, when visible text and no
    element of a page's head come before it (0 otherwise).

    >>> _html_start("<b>Warning</b>: x.php on line 5<br>\\n<!DOCTYPE html><html><p>Hi")
    36
    >>> _html_start("<!-- <html lang=en> --><meta charset=utf-8><html><p>Hi")
    0
    """
    for m in _HTML_OR_COMMENT_RE.finditer(markup, 0, 65536):
        if m.group().startswith("<!--"):
            continue
        head = markup[: m.start()]
        if _shows_text(head) and not _HEAD_TAG_RE.search(head):
            doctype = head.lower().rfind("<!doctype")
            return doctype if doctype >= 0 else m.start()
        break
    return 0


def tree_to_blocks(tree: Tree) -> tuple[list[str], DomEvidence]:
    """:func:`html_to_blocks` of a parsed page (:func:`parse_html`, or a beautifulsoup4 tree)."""
    if not isinstance(tree, LexborHTMLParser):
        return _soup_blocks(tree)
    b = _Builder()
    title_el = tree.css_first("title")
    title = " ".join(title_el.text(separator=" ").split()) if title_el is not None else ""
    if title:
        b.ev.nodes.append((0, "title", 0))
        b.text(title, 1, False)
        b.flush()
    root = tree.body if tree.body is not None else tree.root
    if root is not None and not _walk_core(root, b):
        _walk_lexbor(root, b)
    return _finish(b, title, _lexbor_facts(tree))


def _soup_blocks(soup: Tag) -> tuple[list[str], DomEvidence]:
    from bs4 import Tag

    b = _Builder()
    title_el = soup.find("title")
    title = " ".join(title_el.get_text(" ").split()) if isinstance(title_el, Tag) else ""
    if title:
        b.ev.nodes.append((0, "title", 0))
        b.text(title, 1, False)
        b.flush()
    root = soup.body if isinstance(soup.body, Tag) else soup
    _walk(root, b)
    return _finish(b, title, _soup_facts(soup))


def _finish(b: _Builder, title: str, facts: _Facts) -> tuple[list[str], DomEvidence]:
    b.flush()
    if title and len(b.lines) > 1 and b.lines[1] == title:
        # the page repeats its title as the first visible line: keep one copy
        b.lines.pop(0)
        b.ev.lines = {no - 1: v for no, v in b.ev.lines.items() if no > 1}
    b.ev.page = _page_of(facts, title)
    return b.lines, b.ev


#: ``<meta>`` names and properties (lowercase) that state a page's date and author, best first.
DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "date", "dc.date",
             "dcterms.date", "dc.date.issued", "pubdate", "publishdate", "publish-date", "sailthru.date")
AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author")


def page_metadata(tree: Tree, title: str = "") -> dict[str, str]:
    """What a page states about itself, where it does: ``title``, canonical ``url``, declared
    ``language``, publication ``date`` and ``author`` (as the page writes them).

    >>> page = ('<html lang="de-DE"><head><title>Neu</title><link rel="canonical" href="https://x.org/a">'
    ...         '<meta name="author" content="A. Muster"></head><body><time datetime="2024-05-03">3. Mai</time></body></html>')
    >>> from bs4 import BeautifulSoup
    >>> page_metadata(BeautifulSoup(page, "html.parser"), "Neu")
    {'title': 'Neu', 'url': 'https://x.org/a', 'language': 'de-DE', 'date': '2024-05-03', 'author': 'A. Muster'}
    >>> soup = BeautifulSoup(page, "html.parser")
    >>> page_metadata(parse_html(page), "Neu") == page_metadata(soup, "Neu")
    True
    """
    return _page_of(_lexbor_facts(tree) if isinstance(tree, LexborHTMLParser) else _soup_facts(tree),
                    title)


@dataclass
class _Facts:
    """The raw statements :func:`page_metadata` reads, gathered from either kind of tree."""

    metas: dict[str, str]  # <meta> key (lowercase) -> content, the first of each
    canonical: str | None  # href of the first <link rel=canonical href>, None without one
    lang: str | None  # the <html> element's lang
    # asked only when the <meta> elements do not tell:
    stamp: Callable[[], str | None]  # a <time>/<meta itemprop=datePublished>, else <time datetime>
    author: Callable[[], str | None]  # the text of the first rel=author, else itemprop=author


def _page_of(facts: _Facts, title: str) -> dict[str, str]:
    metas = facts.metas
    found: dict[str, str] = {}
    if title:
        found["title"] = title
    url = facts.canonical if facts.canonical is not None else metas.get("og:url")
    if isinstance(url, str) and url.strip():
        found["url"] = url.strip()
    lang = facts.lang if facts.lang and facts.lang.strip() else metas.get("content-language")
    if lang:
        found["language"] = lang.strip()
    date = next((metas[k] for k in DATE_META if k in metas), None)
    if date is None:
        stamp = facts.stamp()
        date = " ".join(stamp.split()) or None if stamp is not None else None
    if date:
        found["date"] = date
    author = next(
        (metas[k] for k in AUTHOR_META if k in metas and not metas[k].startswith("http")), None
    )
    if author is None:
        text = facts.author()
        author = " ".join(text.split())[:200] or None if text is not None else None
    if author:
        found["author"] = author
    return found


def _meta_table(pairs: Any) -> dict[str, str]:
    metas: dict[str, str] = {}
    for key, content in pairs:
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            metas.setdefault(key.strip().lower(), " ".join(content.split()))
    return metas


def _meta_key(attrs: Mapping[str, Any]) -> Any:
    get = attrs.get
    return get("property") or get("name") or get("itemprop") or get("http-equiv")


def _soup_facts(soup: Tag) -> _Facts:
    from bs4 import Tag

    metas = _meta_table(
        (_meta_key(el.attrs), el.get("content")) for el in soup.find_all("meta")
    )
    link = soup.find("link", rel=lambda v: v is not None and "canonical" in v, href=True)
    canonical = link.get("href") if isinstance(link, Tag) else None
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None

    def stamp() -> str | None:
        el = soup.find(["time", "meta"], attrs={"itemprop": "datePublished"})
        el = el or soup.find("time", datetime=True)
        if isinstance(el, Tag):
            return str(el.get("datetime") or el.get("content") or el.get_text(" "))
        return None

    def author() -> str | None:
        el = soup.find(attrs={"rel": "author"}) or soup.find(attrs={"itemprop": "author"})
        return el.get_text(" ") if isinstance(el, Tag) else None

    return _Facts(metas, canonical if isinstance(canonical, str) else None,
                  lang if isinstance(lang, str) else None, stamp, author)


def _lexbor_facts(tree: LexborHTMLParser) -> _Facts:
    metas = _meta_table(
        (_meta_key(a), a.get("content")) for a in (el.attributes for el in tree.css("meta"))
    )
    link = tree.css_first('link[rel*="canonical"][href]')
    html = tree.root

    def stamp() -> str | None:
        el = tree.css_first('time[itemprop="datePublished"], meta[itemprop="datePublished"]')
        if el is None:
            el = tree.css_first("time[datetime]")
        if el is None:
            return None
        a = el.attributes
        return a.get("datetime") or a.get("content") or _visible_text(el)

    def author() -> str | None:
        el = tree.css_first('[rel~="author"]') or tree.css_first('[itemprop="author"]')
        return _visible_text(el) if el is not None else None

    return _Facts(metas, link.attributes.get("href") if link is not None else None,
                  html.attributes.get("lang") if html is not None else None, stamp, author)


def _visible_text(el: LexborNode) -> str:
    """An element's text less that of its scripts and styles (as beautifulsoup4's ``get_text``)."""
    return " ".join(
        n.text_content or "" for n in el.traverse(include_text=True)
        if n.tag == "-text" and n.parent is not None and n.parent.tag not in _NOT_TEXT
    )


_NOT_TEXT = frozenset({"script", "style", "template", "noscript"})


#: The attributes :func:`attribute_flags` reads: without them an element has its tag's flags.
_FLAG_ATTRS = frozenset({"class", "id", "role", "itemprop", "style", "hidden", "aria-hidden"})


def _walk_lexbor(root: LexborNode, b: _Builder) -> None:
    """The walk of :func:`_walk` over a Lexbor tree, the same lines and evidence from the same
    tree; written out for speed (it runs once per node of every page), with the builder's
    steps inline, moving through the tree by first child and next sibling."""
    nodes = b.ev.nodes
    line_ev = b.ev.lines
    lines = b.lines
    flag_cache: dict[tuple[Any, ...], int] = {}  # flags by tag and the attributes they come from
    parts: list[str] = []
    first = 0  # the node of the line's first visible text
    visible = False  # whether the line so far holds more than whitespace
    link_chars = 0
    node, link = 0, False  # the recorded element and link state the next text belongs to
    # the elements entered and not yet left, each with the state around it and whether it is a block
    open_: list[tuple[LexborNode, int, bool, bool]] = []

    def flush() -> None:  # only called when the line holds visible text
        nonlocal visible, link_chars
        line = " ".join("".join(parts).split())
        parts.clear()
        lines.append(line)
        line_ev[len(lines)] = (first, min(link_chars, len(line)))
        visible = False
        link_chars = 0

    cur = root
    while True:
        tag = cur.tag
        if tag == "-text":
            chunk = cur.text_content
            # whitespace before a line's first visible text adds nothing to it
            if chunk and (visible or not chunk.isspace()):
                if not visible:
                    first = node
                    visible = True
                parts.append(chunk)
                if link:
                    link_chars += len(" ".join(chunk.split()))
        elif tag and tag[0].isalpha() and tag not in DROP_TAGS:
            block = tag in BLOCK_TAGS
            attrs = cur.attributes
            if attrs and not _FLAG_ATTRS.isdisjoint(attrs):
                get = attrs.get
                key = (tag, get("class"), get("id"), get("role"), get("itemprop"), get("style"),
                       "hidden" in attrs, get("aria-hidden"))
                flags = flag_cache.get(key, -1)
                if flags < 0:
                    flags = flag_cache[key] = attribute_flags(tag, attrs)
            else:
                flags = _TAG_BITS.get(tag, 0)
            around = (node, link, block)
            if block or flags or tag in FLAGGED_INLINE:
                nodes.append((node, tag, flags))
                node = len(nodes) - 1
            if block and visible:
                flush()
            if tag == "a":
                link = True
            child = cur.child
            if child is not None:
                open_.append((cur, *around))
                cur = child
                continue
            node, link, _ = around
            if block and visible:
                flush()
        # comments, doctypes and dropped elements are passed over
        while True:  # on to the next node: a sibling, else leave the elements that end here
            if not open_:
                if visible:
                    flush()
                return
            nxt = cur.next
            if nxt is not None:
                cur = nxt
                break
            cur, node, link, block = open_.pop()
            if block and visible:
                flush()


@lru_cache(maxsize=1)
def _core_walker() -> object | None:
    """The core's walk with this module's tables (built once per process), or None: no core."""
    return _accel.attempt(lambda core: core.HtmlWalker(
        _WORD_FLAGS, list(_STEM_LIST), dict(_ROLE_FLAGS), _TAG_BITS,
        sorted(BLOCK_TAGS), sorted(DROP_TAGS), sorted(FLAGGED_INLINE), HIDDEN, T_MAIN,
    ), "html.walk")


def _walk_core(root: LexborNode, b: _Builder) -> bool:
    """:func:`_walk_lexbor` in the compiled core, over the HTML Lexbor serializes ``root`` to
    (one call per page); False when the reference is to walk (no core, or markup the core
    does not read back for sure, ``html_walk.rs``)."""
    walker = _core_walker()
    if walker is None:
        return False
    markup = root.html
    if markup is None:
        return False
    answer = _accel.attempt(
        lambda _: walker.walk(markup, len(b.ev.nodes), len(b.lines)), "html.walk")  # type: ignore[attr-defined]
    if answer is None:
        return False
    nodes, lines, evidence = answer
    b.ev.nodes.extend(nodes)
    b.lines.extend(lines)
    line_ev = b.ev.lines
    for no, node, link in evidence:
        line_ev[no] = (node, link)
    return True


_END = object()


def _walk(root: Tag, b: _Builder) -> None:
    from bs4 import Comment, Doctype, NavigableString, ProcessingInstruction, Tag

    # explicit stack: (item, node id, inside a link); _END marks the end of a block element
    stack: list[tuple[object, int, bool]] = [(root, 0, False)]
    while stack:
        item, node, in_link = stack.pop()
        if item is _END:
            b.flush()
            continue
        if isinstance(item, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(item, NavigableString):
            b.text(str(item), node, in_link)
            continue
        if not isinstance(item, Tag):
            continue
        name = item.name
        if name in DROP_TAGS:
            continue
        block = name in BLOCK_TAGS
        flags = element_flags(item)
        child_node = node
        if block or flags or name in FLAGGED_INLINE:
            b.ev.nodes.append((node, name, flags))
            child_node = len(b.ev.nodes) - 1
        if block:
            b.flush()
            stack.append((_END, node, in_link))
        link = in_link or name == "a"
        stack.extend((c, child_node, link) for c in reversed(item.contents))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line.

    >>> html_to_text("<p>Hello <b>world</b></p><script>x()</script><div>Next</div>")
    'Hello world\\nNext'
    """
    return "\n".join(html_to_blocks(markup)[0])


def ancestors(nodes: Sequence[tuple[int, str, int]], node: int) -> list[int]:
    """Node ids from ``node`` up to the root (both included)."""
    table = nodes
    out: list[int] = []
    while node >= 0:
        out.append(node)
        node = table[node][0]
    return out


class HtmlError(ValueError):
    """The markup cannot be turned into text; ``reason`` is a dotted code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def safe_html_to_blocks(markup: str) -> tuple[list[str], DomEvidence]:
    """:func:`html_to_blocks`, with a parser failure turned into :class:`HtmlError`.

    Parsing and walking do not recurse, so deeply nested markup converts (a page nested past
    what Lexbor is given goes to ``html.parser``, which the reader's time budget can stop); any
    part of the conversion that recurses on such a tree is stopped here (``html.too_deep``)
    instead of ending the run.
    """
    try:
        return html_to_blocks(markup)
    except RecursionError:
        raise HtmlError("html.too_deep", "the markup is nested too deeply to convert") from None
    except (AssertionError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise HtmlError("html.parse_error", f"the HTML parser failed: {type(exc).__name__}: {exc}") from None


def safe_html_to_text(markup: str) -> str:
    """:func:`html_to_text`, with a parser failure turned into :class:`HtmlError`."""
    return "\n".join(safe_html_to_blocks(markup)[0])
