"""Boilerplate removal from the DOM evidence of HTML pages (``meta["dom"]``, ``readers/html.py``).

``html.dom_boilerplate`` finds the main-content region of a page the way readability-style
extractors do, but from evidence it can explain line by line:

1. every line with enough text scores its block's ancestors (``1 + commas + length``, decaying
   with distance); a block's score is scaled by its non-link share and moved by its class/id
   hints (``post-content`` up, ``sidebar`` down) and tags (``<article>``, ``<main>`` up);
2. the best block is the main region, widened to a common ancestor when the best few blocks
   share one, and joined by those of its siblings that look like content;
3. lines outside the region are removed: with the boilerplate family their own evidence names
   (``<nav>``, a ``share`` hint, a cookie banner...) or else ``html.outside_main``; lines inside it
   are removed only when an element between them and the region says what they are (a share bar
   or comment form inside the article) or when they sit in a list that is almost all links.

Documents without DOM evidence (plain text, JSONL) are kept as they are.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import regex

from .. import _accel
from ..decision import Decision, keep, remove_lines
from ..document import Document
from ..readers import html as H

#: Reason codes, with what each one means (shown by ``corpusclean filters``).
REASONS: dict[str, str] = {
    "boilerplate.navigation": "inside <nav>, a menu, breadcrumb, pager or tag list",
    "boilerplate.share": "inside a share / social-media bar",
    "boilerplate.comment_form": "inside a comment form",
    "boilerplate.cookie": "inside a cookie or consent banner",
    "boilerplate.widget": "inside a form control, newsletter, login, search or promo widget",
    "boilerplate.related": "inside a related / recommended / most-read block",
    "boilerplate.ad": "inside an advertisement or sponsored block",
    "html.comments": "inside the comment section",
    "html.sidebar": "inside an <aside> or sidebar",
    "html.header": "inside the page header (<header>, masthead)",
    "html.footer": "inside the page footer (<footer>, copyright)",
    "html.hidden": "inside an element hidden from view (hidden, display:none)",
    "html.outside_main": "outside the main-content region of the page",
    "html.link_dense": "a link in a block made almost only of links",
    "html.caption": "a figure or table caption (photo credits, image descriptions)",
    "html.meta": "a byline, date line or photo credit (class/id: byline, dateline, credit...)",
    "html.title": "the <title> of the page (the headline is kept where the page shows it)",
}

# Flag -> reason, in priority order: the first matching family names the removal.
_FAMILIES: tuple[tuple[int, str], ...] = (
    (H.COOKIE, "boilerplate.cookie"),
    (H.HIDDEN, "html.hidden"),
    (H.SHARE, "boilerplate.share"),
    (H.COMMENT, "html.comments"),
    (H.BREADCRUMB | H.NAV | H.T_NAV | H.PAGER | H.TAGS, "boilerplate.navigation"),
    (H.AD, "boilerplate.ad"),
    (H.RELATED, "boilerplate.related"),
    (H.WIDGET | H.T_FORM | H.T_CONTROL, "boilerplate.widget"),
    (H.SIDEBAR | H.T_ASIDE, "html.sidebar"),
    (H.FOOTER | H.T_FOOTER, "html.footer"),
    (H.HEADER | H.T_HEADER, "html.header"),
)
_NEGATIVE = (
    H.COOKIE
    | H.SHARE
    | H.COMMENT
    | H.BREADCRUMB
    | H.NAV
    | H.PAGER
    | H.TAGS
    | H.AD
    | H.RELATED
    | H.WIDGET
    | H.SIDEBAR
    | H.FOOTER
    | H.HEADER
)
_NEGATIVE_TAGS = H.T_NAV | H.T_ASIDE | H.T_FOOTER | H.T_FORM | H.T_HEADER
_MAIN_TAGS = H.T_MAIN | H.T_ARTICLE

_NAMES = {v: k for k, v in H.HINTS.items()} | {v: k[2:] for k, v in H.TAG_FLAGS.items()}

# Structural, not text: elements whose tag alone says what a line is.
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol", "menu", "dl"})
# Blocks whose text scores the region around them (readability's paragraphs, plus divs with text).
_SCORED = frozenset(
    {
        "p",
        "pre",
        "td",
        "blockquote",
        "dd",
        "div",
        "section",
        "article",
        "main",
        "span",
        "font",
        "li",
        "figcaption",
        "address",
        "center",
        "em",
        "strong",
        "b",
        "i",
    }
)

_SCORED_OR_HEADING = _SCORED | _HEADINGS

_WIDE = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_WIDE_RE = regex.compile(f"[{_WIDE}]")
_COMMAS = ",\uff0c\u3001\u060c;\uff1b"
_COMMA_RE = regex.compile(f"[{_COMMAS}]")


def text_weight(text: str) -> int:
    """Length of a text, counting each CJK / Thai-like character as three (they carry a word).

    >>> text_weight("abc"), text_weight("中文")
    (3, 6)
    """
    n = len(text)
    if not text.isascii():
        n += 2 * len(_WIDE_RE.findall(text))
    return n


_SORTED_NAMES = tuple(sorted(_NAMES.items()))


@lru_cache(maxsize=4096)
def flag_names(flags: int) -> str:
    """Readable names of a flag set, for removal details.

    >>> flag_names(H.SHARE | H.T_NAV)
    'share,nav'
    """
    return ",".join(name for bit, name in _SORTED_NAMES if flags & bit)


@dataclass(frozen=True)
class DomBoilerplate:
    """Remove navigation, share bars, comment sections, cookie banners and everything outside the
    main-content region of an HTML page, from the DOM evidence its reader recorded.

    Region: lines of ``min_text`` or more score their blocks; ``class_weight`` is added or taken
    for class/id hints, ``context_boost`` multiplies blocks inside ``<main>``/``<article>``;
    siblings with ``sibling_ratio`` of the best score join it. Under ``min_region_score``, or
    with less than ``min_region_share`` of the page's plain text, the whole page is the region.
    Hints covering over ``max_hint_share`` of the text, and hints of wrappers holding over
    ``wrapper_share`` of it, are ignored. Outside the region, plain lines of ``outside_min_text``
    or more stay, with the unmarked lines ``recover_depth`` levels around them. Inside it, links
    in lists with ``link_density`` of link text and one-link lines under ``link_line_max`` go,
    unless such links hold over ``list_page_share`` of the region's text (a list page);
    ``drop_captions``, ``remove_title`` and ``keep_meta`` switch those families.
    See ``docs/filters.md``.
    """

    min_text: int = 25
    sibling_ratio: float = 0.2
    link_density: float = 0.6
    class_weight: float = 25.0
    drop_captions: bool = True
    link_line_max: int = 80
    outside_min_text: int = 80
    recover_depth: int = 1
    widen_ratio: float = 0.75
    min_region_score: float = 25.0
    min_region_share: float = 0.25
    context_boost: float = 1.5
    max_hint_share: float = 0.5
    wrapper_share: float = 0.8
    remove_title: bool = True
    keep_meta: bool = False
    list_page_share: float = 0.5

    def __call__(self, doc: Document) -> Decision:
        dom = doc.meta.get("dom")
        if not dom or dom.get("schema") != 1:
            return keep()
        answer = self._decide_core(doc, dom)
        if answer is not None:
            return remove_lines(doc, *answer)
        try:
            reasons, details = self.decide(doc, dom["nodes"], dom["lines"])
        except (KeyError, IndexError, TypeError, ValueError):
            return keep()  # evidence that does not match the lines: decide nothing
        return remove_lines(doc, reasons, details)

    def _decide_core(
        self, doc: Document, dom: Any
    ) -> tuple[dict[int, str], dict[int, str]] | None:
        """:meth:`decide` in the compiled core, one call per page; None when the reference is
        to answer (no core, evidence or parameters it declines, a text with lone surrogates)."""
        region = _core_region()
        params = None if region is None else _core_params(self)
        if params is None:
            return None
        lines = doc.lines
        try:
            answer = _accel.attempt(lambda _: region.decide(  # type: ignore[attr-defined]
                params, dom["nodes"], [ln.text for ln in lines], [ln.no for ln in lines],
                dom["lines"]), "html.dom_boilerplate")
        except (KeyError, TypeError, OverflowError):
            return None  # evidence not of the reader's types: the reference decides
        if answer is None:
            return None
        return {i: r for i, r, _ in answer}, {i: d for i, _, d in answer}

    # -- the decision ----------------------------------------------------------------------------

    def decide(
        self, doc: Document, nodes: Any, line_ev: Any
    ) -> tuple[dict[int, str], dict[int, str]]:
        items = [(i, ln, line_ev[ln.no]) for i, ln in doc.content_lines() if ln.no in line_ev]
        if not items:
            return {}, {}
        parents = [n[0] for n in nodes]
        limit = len(parents)  # a longer chain goes round a cycle
        chains: dict[int, list[int]] = {}

        def chain(node: int) -> list[int]:
            """``node`` and its ancestors up to the root (iterative: pages can nest deeply);
            the chains of the ancestors met on the way are kept too."""
            c = chains.get(node)
            if c is None:
                path = []
                n = node
                while n > 0 and n not in chains:
                    path.append(n)
                    n = parents[n]
                    if len(path) > limit:
                        msg = "the node table has a cycle"
                        raise ValueError(msg)
                c = chains.get(n, [n]) if n >= 0 else []
                for a in reversed(path):
                    c = [a, *c]
                    chains[a] = c
            return c

        # text and link weight under every node
        text_w: dict[int, float] = defaultdict(float)
        link_w: dict[int, float] = defaultdict(float)
        per_line: list[tuple[int, Any, list[int], int, float]] = []
        for i, ln, (node, link) in items:
            w = text_weight(ln.text)
            ratio = min(link / max(len(ln.text), 1), 1.0)
            anc = chain(node)
            per_line.append((i, ln, anc, w, ratio))
            lw = w * ratio
            for a in anc:
                text_w[a] += w
                link_w[a] += lw
        total_w = text_w[0] or 1.0

        # Hints that say nothing on this page: those of a wrapper holding most of the page's
        # text, and a family found around most of the text (page builders put "widget" on
        # every block; forums mark every post as a comment).
        wrapper = self.wrapper_share * total_w
        cover: dict[int, float] = defaultdict(float)
        for _i, _ln, anc, w, _ratio in per_line:
            seen = 0
            for a in anc:
                if text_w[a] <= wrapper:
                    seen |= nodes[a][2]
            bit = 1
            while bit <= seen:
                if seen & bit:
                    cover[bit] += w
                bit <<= 1
        ignored = 0
        for bit, w in cover.items():
            if w > self.max_hint_share * total_w and not bit & (
                H.POSITIVE | _MAIN_TAGS | _NEGATIVE_TAGS
            ):
                ignored |= bit
        keep_bits = ~ignored
        wrapper_bits = ~(_NEGATIVE | _NEGATIVE_TAGS | H.HIDDEN)

        def flags_of(n: int, raw: bool = False) -> int:
            if nodes[n][1] in ("body", "html"):
                return 0
            bits = -1 if raw else keep_bits
            if text_w[n] > wrapper:
                return nodes[n][2] & bits & wrapper_bits
            return nodes[n][2] & bits

        # flags_of(n) and flags_of(n, raw=True) of every node above a line, looked up in the loops
        # (the nodes above the lines are those chain() met, and the root)
        kept_flags: dict[int, int] = {}
        raw_flags: dict[int, int] = {}
        for a in (0, *chains):
            if a < len(nodes):
                kept_flags[a] = flags_of(a)
                raw_flags[a] = flags_of(a, raw=True)

        # paragraph scores of candidate regions
        score: dict[int, float] = defaultdict(float)
        for _i, ln, anc, w, ratio in per_line:
            if w < self.min_text or ratio > 0.5:
                continue
            block = next((k for k, a in enumerate(anc) if nodes[a][1] in _SCORED_OR_HEADING), None)
            if block is None or nodes[anc[block]][1] in _HEADINGS:
                continue
            s = 1.0 + len(_COMMA_RE.findall(ln.text)) + min(w / 100.0, 3.0)
            if nodes[anc[block]][1] == "li":
                s *= 0.5
            for level, a in enumerate(anc[block + 1 : block + 6]):
                score[a] += s if level == 0 else s / 2 if level == 1 else s / (3 * level)

        def final(n: int) -> float:
            flags = flags_of(n)
            s = score[n] * (1.0 - link_w[n] / text_w[n] if text_w[n] else 1.0)
            if flags & (H.POSITIVE | _MAIN_TAGS):
                s += self.class_weight
            if flags & (_NEGATIVE | _NEGATIVE_TAGS):
                s -= self.class_weight
            # inside <main>/<article>, unless a footer, sidebar, nav or comment section is nearer
            for a in chain(n)[1:]:
                up = flags_of(a)
                if up & _MAIN_TAGS:
                    return s * self.context_boost
                if up & (H.T_FOOTER | H.T_ASIDE | H.T_NAV | H.COMMENT):
                    return s
            return s

        cands = sorted(
            ((final(n), n) for n in score if n > 0 and nodes[n][1] not in ("body", "html")),
            key=lambda t: (-t[0], t[1]),
        )
        region: set[int] = set()
        plain = 0.0  # text of the page with no evidence against it, links left out
        for _i, _ln, anc, w, ratio in per_line:
            f = 0
            for a in anc:
                f |= kept_flags[a]
            if not f & (_NEGATIVE | _NEGATIVE_TAGS | H.HIDDEN):
                plain += w * (1.0 - ratio)
        if (
            cands
            and cands[0][0] >= self.min_region_score
            and text_w[cands[0][1]] - link_w[cands[0][1]] >= self.min_region_share * plain
        ):
            top_score, top = cands[0]
            top = self._widen(top, top_score, cands, chain)
            region = self._with_siblings(top, top_score, nodes, parents, final, text_w, link_w)
        elif cands:
            # no block stands out (a landing or listing page): the whole page is the region,
            # and only lines with evidence against them go
            region = {0}
        reasons: dict[int, str] = {}
        details: dict[int, str] = {}
        recovered: set[int] = set()
        dense_lines: list[tuple[int, str, int]] = []  # link lines of the region, and their text
        region_w = 0.0  # the region's other text, links left out
        for i, _ln, anc, w, ratio in per_line:
            cut = None
            for k, a in enumerate(anc):
                if a in region:
                    cut = k
                    break
            inside = cut is not None
            below = anc if cut is None else anc[:cut]
            flags = 0
            # outside the region a hint keeps its meaning even where it is common
            table = kept_flags if inside else raw_flags
            for a in below:
                flags |= table[a]
            if nodes[anc[0]][1] == "title":
                if self.remove_title:
                    reasons[i], details[i] = "html.title", "page <title>"
                continue
            reason = self._family(flags)
            if reason is None and flags & H.META and not self.keep_meta:
                reason = "html.meta"
            if (
                reason is None
                and self.drop_captions
                and any(nodes[a][1] in ("figcaption", "caption") for a in below)
            ):
                reasons[i], details[i] = "html.caption", "inside <figcaption>"
                continue
            if inside and reason is None:
                dense = self._link_list(anc[:cut], nodes, text_w, link_w, ratio)
                if (
                    dense is None
                    and self.link_line_max
                    and ratio >= 0.9
                    and w < self.link_line_max
                    and not any(nodes[a][1] in _HEADINGS for a in anc[:3])
                ):
                    dense = "a line that is one short link"
                if dense is not None:
                    dense_lines.append((i, dense, w))
                else:
                    region_w += w * (1.0 - ratio)
                continue
            if (
                reason is None
                and self.outside_min_text
                and w >= self.outside_min_text
                and ratio < 0.2
            ):
                # a long, plain paragraph with no evidence against it stays, and so does the
                # unmarked text in the small blocks around it (a post's signature, a heading)
                for a in anc[1 : 1 + self.recover_depth]:
                    if text_w[a] <= wrapper:
                        recovered.add(a)
                continue
            if reason is None:
                if not region:
                    continue  # no main region found: remove only what evidence names
                reason = "html.outside_main"
                details[i] = "not inside the main region"
            else:
                named = flag_names(flags & ~H.POSITIVE & ~_MAIN_TAGS)
                details[i] = f"inside <{_where(below, nodes, kept_flags.__getitem__)}> ({named})"
            if reason == "html.comments" and flags & H.T_FORM:
                reason = "boilerplate.comment_form"
            reasons[i] = reason
        if not self._is_list_page(sum(w for _i, _d, w in dense_lines), region_w):
            for i, dense, _w in dense_lines:
                reasons[i], details[i] = "html.link_dense", dense
        if recovered:
            for i, _ln, anc, _w, _ratio in per_line:
                if reasons.get(i) == "html.outside_main" and any(
                    a in recovered for a in anc[: 1 + self.recover_depth]
                ):
                    del reasons[i]
                    del details[i]
        return reasons, details

    def _widen(self, top: int, top_score: float, cands: list[tuple[float, int]], chain: Any) -> int:
        """The lowest common ancestor of the best blocks, when three of the best five share one."""
        close = [n for s, n in cands[1:5] if s >= self.widen_ratio * top_score]
        if len(close) < 2:
            return top
        top_chain = chain(top)
        counts: dict[int, int] = defaultdict(int)
        for n in close:
            for a in chain(n):
                counts[a] += 1
        for a in top_chain:
            if counts.get(a, 0) >= 2 and a > 0:
                return a
        return top

    def _with_siblings(
        self,
        top: int,
        top_score: float,
        nodes: Any,
        parents: list[int],
        final: Any,
        text_w: Any,
        link_w: Any,
    ) -> set[int]:
        region = {top}
        parent = parents[top]
        if parent <= 0:
            return region
        threshold = max(10.0, top_score * self.sibling_ratio)
        for n, (p, tag, _flags) in enumerate(nodes):
            if p != parent or n == top or not text_w.get(n):
                continue
            density = link_w[n] / text_w[n]
            if final(n) >= threshold:
                region.add(n)
            elif tag == "p" and density < 0.25 and text_w[n] > 80:
                region.add(n)
        return region

    def _is_list_page(self, link_w: float, other_w: float) -> bool:
        """Whether the main region is a list of links (an index, a listing, a table of contents):
        its link lines hold over ``list_page_share`` of its text, so they are its content."""
        return link_w > self.list_page_share * (link_w + other_w)

    def _family(self, flags: int) -> str | None:
        for bits, reason in _FAMILIES:
            if flags & bits:
                return reason
        return None

    def _link_list(
        self, below: list[int], nodes: Any, text_w: Any, link_w: Any, ratio: float
    ) -> str | None:
        if ratio < 0.9:
            return None
        for a in below:
            if nodes[a][1] in _LISTS and text_w[a] and link_w[a] / text_w[a] >= self.link_density:
                return f"{round(100 * link_w[a] / text_w[a])}% of the <{nodes[a][1]}> is link text"
        return None


@lru_cache(maxsize=1)
def _core_region() -> object | None:
    """The core's :class:`DomBoilerplate` tables (built once per process), or None: no core."""
    bits = {
        "positive": H.POSITIVE, "main_tags": _MAIN_TAGS, "negative": _NEGATIVE,
        "negative_tags": _NEGATIVE_TAGS, "hidden": H.HIDDEN, "meta": H.META, "t_form": H.T_FORM,
        "comment": H.COMMENT, "boost_stop": H.T_FOOTER | H.T_ASIDE | H.T_NAV | H.COMMENT,
    }
    tags = {"headings": sorted(_HEADINGS), "lists": sorted(_LISTS), "scored": sorted(_SCORED)}
    return _accel.attempt(lambda core: core.DomRegion(
        bits, list(_FAMILIES), list(_SORTED_NAMES), tags, _wide_characters(), _COMMAS,
    ), "html.dom_boilerplate")


def _wide_characters() -> str:
    """Every character :func:`text_weight` counts three times, as this Python's ``regex`` has
    them (what is left of each plane once the others are removed)."""
    outside = regex.compile(f"[^{_WIDE}]+")
    return "".join(
        outside.sub("", "".join(map(chr, range(start, min(start + 0x10000, sys.maxunicode + 1)))))
        for start in range(0, sys.maxunicode + 1, 0x10000)
    )


def _core_params(f: DomBoilerplate) -> list[float] | None:
    """The filter's parameters in the order the core takes them, or None when one of them is
    not a number a float holds exactly."""
    values = {field.name: getattr(f, field.name) for field in fields(f)}
    out = []
    for name in _core_param_names():
        value = values[name]
        if not isinstance(value, (int, float)) or float(value) != value:
            return None
        out.append(float(value))
    return out


@lru_cache(maxsize=1)
def _core_param_names() -> tuple[str, ...]:
    core = _accel.core()
    return tuple(core.DomRegion.params()) if core is not None else ()


def _where(below: list[int], nodes: Any, flags_of: Any) -> str:
    """The tag of the innermost element whose evidence removed a line."""
    for a in below:
        if flags_of(a) & ~(H.POSITIVE | _MAIN_TAGS):
            return str(nodes[a][1])
    return str(nodes[below[0]][1]) if below else "?"
