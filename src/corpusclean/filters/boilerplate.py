"""Boilerplate line families: cookie banners, comment forms, navigation, page widgets, share bars.

Each family is one line filter that removes whole lines with its own reason code:

=========================  ==========================================================
``boilerplate.cookie``     cookie and consent banners, their buttons, widget configs
``boilerplate.comment_form`` comment forms, their field labels, comment counters
``boilerplate.navigation`` menus, breadcrumbs, skip links, footer links, edge labels
``boilerplate.widget``     publication stamps, reading time, counters, prompts, ads
``boilerplate.share``      share bars, social follow lines, related / read-more links
=========================  ==========================================================

Lines are compared in a normalized form (:func:`normalize`: casefolded, accents and
punctuation removed, digits and counters dropped). Short lines are matched whole against the
phrase tables of :mod:`._boilerplate_phrases`; longer lines only by distinctive phrases or by a
combination (a cookie word *and* a phrase addressing the reader). Labels that are ambiguous on
their own ("OK", "Name", "World", "on") are removed only where their neighbourhood says what
they are: next to a banner or a form, in a run of menu labels, at the top or bottom edge of the
page. Every family's phrases are compiled into a few patterns (``regex`` named lists, matched
in one pass per line, no nested quantifiers).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ..decision import Decision, remove_lines
from ..document import Document
from . import _boilerplate_phrases as phrases

COOKIE = "boilerplate.cookie"
COMMENT_FORM = "boilerplate.comment_form"
NAVIGATION = "boilerplate.navigation"
WIDGET = "boilerplate.widget"
SHARE = "boilerplate.share"

# -- normalization ----------------------------------------------------------------------------

# Counters ("12", "1.2k", "3,400") and every other digit; a k/m/b suffix goes with its number.
_COUNTER_RE = regex.compile(r"\d+(?:[.,]\d+)*(?:[kmb](?![^\W\d_]))?")
_NON_LETTER_RE = regex.compile(r"[^\p{L}]+")
_MARK_RE = regex.compile(r"[\p{Mn}\u0640]")  # combining marks and the Arabic tatweel
_LETTER_FOLD = str.maketrans({"ى": "ي", "ة": "ه", "ٱ": "ا", "ی": "ي", "ک": "ك"})
_CJK_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]")
_SENTENCE_END_RE = regex.compile(r"[.!?。！？…:;\"”»']\W*$")


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """The comparison form of a line: casefolded, compatibility-decomposed, without combining
    marks, counters, digits or punctuation, spaces folded.

    >>> normalize("  Leave a Reply: ")
    'leave a reply'
    >>> normalize("1.2K Views · 3 min read")
    'views min read'
    >>> normalize("اترك تعليقاً")
    'اترك تعليقا'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _MARK_RE.sub("", text).translate(_LETTER_FOLD)
    text = _COUNTER_RE.sub(" ", text)
    return _NON_LETTER_RE.sub(" ", text).strip()


def size(norm: str) -> int:
    """Words in a normalized line; CJK, kana and Thai characters count half a word each.

    >>> size("leave a reply"), size("发表评论")
    (3, 2)
    """
    cjk = len(_CJK_RE.findall(norm))
    if not cjk:
        return norm.count(" ") + 1 if norm else 0
    spaced = len(_CJK_RE.sub(" ", norm).split())
    return spaced + (cjk + 1) // 2


def is_prose(raw: str, norm: str) -> bool:
    """A line of running text: long, or medium-long and ending like a sentence."""
    n = size(norm)
    return n >= 12 or (n >= 6 and _SENTENCE_END_RE.search(raw) is not None)


# -- phrase patterns --------------------------------------------------------------------------

_WORDISH = r"\p{Latin}\p{Cyrillic}\p{Greek}"


def _entries(table: phrases.Table | Sequence[str], languages: Sequence[str]) -> list[str]:
    if isinstance(table, dict):
        langs = languages or tuple(table)
        items: Iterable[str] = (p for lang in langs for p in table.get(lang, ()))
    else:
        items = table
    return sorted({n for p in items if (n := normalize(p))})


@lru_cache(maxsize=256)
def pattern(names: tuple[str, ...], languages: tuple[str, ...] = (), extra: tuple[str, ...] = (),
            mode: str = "line") -> regex.Pattern[str]:
    """One compiled pattern for the union of the named phrase tables.

    ``mode`` is ``"line"`` (use with ``fullmatch``), ``"phrase"`` (``search``; a phrase must
    start and end at word edges) or ``"prefix"`` (``search``; word start only, so plurals and
    compounds match). CJK and Arabic phrases need no word edges.

    >>> bool(pattern(("SHARE_LINES",), ("en",)).fullmatch("read more"))
    True
    >>> bool(pattern(("COOKIE_TERMS",), ("de",), mode="prefix").search("cookieeinstellungen"))
    True
    """
    items = sorted({p for name in names for p in _entries(getattr(phrases, name), languages)}
                   | {n for p in extra if (n := normalize(p))})
    if not items:
        return regex.compile(r"(?!)")
    if mode == "line":
        return regex.compile(r"\L<items>", items=items)
    left = rf"(?<![{_WORDISH}])"
    right = "" if mode == "prefix" else rf"(?![{_WORDISH}])"
    return regex.compile(rf"{left}\L<items>{right}", items=items)


@lru_cache(maxsize=64)
def sequence_pattern(names: tuple[str, ...], languages: tuple[str, ...] = (),
                     extra: tuple[str, ...] = ()) -> regex.Pattern[str]:
    """A whole line made of phrases of the named tables separated by single spaces (use with
    ``fullmatch`` on short lines: a split of the line into phrases is searched).

    >>> bool(sequence_pattern(("SHARE_TOKENS",)).fullmatch("facebook twitter e mail"))
    True
    """
    items = sorted({p for name in names for p in _entries(getattr(phrases, name), languages)}
                   | {n for p in extra if (n := normalize(p))})
    return regex.compile(r"\L<t>(?: \L<t>)*", t=items)


# -- shared line scaffolding ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    index: int  # position in doc.lines
    raw: str
    norm: str


def _nonblank(doc: Document) -> list[_Line]:
    return [_Line(i, ln.text, normalize(ln.text)) for i, ln in doc.content_lines()]


def _spread(lines: list[_Line], seeds: set[int], candidate: Callable[[_Line], bool],
            window: int) -> set[int]:
    """Positions of candidate lines reachable from a seed within ``window`` non-blank lines,
    hopping over other reached candidates (a row of buttons under a banner)."""
    reached: set[int] = set()
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        last = None
        for pos in order:
            if pos in seeds:
                last = pos
            elif last is not None and abs(pos - last) <= window and candidate(lines[pos]):
                reached.add(pos)
                last = pos
    return reached


@dataclass(frozen=True, kw_only=True)
class _LineFamily:
    """Common parameters: ``languages`` restricts the phrase tables (empty: all of them),
    ``extra_lines`` adds whole-line phrases, ``max_words`` bounds the lines considered."""

    languages: tuple[str, ...] = ()
    extra_lines: tuple[str, ...] = ()
    max_words: int = 120
    reason: str = field(default="", init=False, repr=False)

    def _p(self, *names: str, mode: str = "line", extra: bool = False) -> regex.Pattern[str]:
        return pattern(names, tuple(self.languages), tuple(self.extra_lines) if extra else (), mode)

    def __call__(self, doc: Document) -> Decision:
        lines = _nonblank(doc)
        hits = self.find(lines)
        return remove_lines(doc, {lines[pos].index: self.reason for pos in sorted(hits)})

    def find(self, lines: list[_Line]) -> set[int]:  # pragma: no cover - abstract
        raise NotImplementedError


# -- cookie -----------------------------------------------------------------------------------

_CONFIG_RE = regex.compile(r"[A-Za-z_][\w-]*\s*=\s*[(\[{\"'\w]")


@dataclass(frozen=True, kw_only=True)
class CookieBanner(_LineFamily):
    """Remove cookie and consent banners and the short button lines next to them.

    A banner line has a cookie word together with a phrase addressing the reader or speaking
    for the site ("we use", "you agree", "this website"), or a consent-manager formula ("we
    value your privacy"), or, on a short line, a cookie word with a control word ("Cookie
    settings", "Accept cookies"), or is a widget configuration (``key=value`` pairs) carrying
    consent buttons. Button lines ("Accept", "I agree", "OK", "Learn more") go only when they
    stand within ``window`` lines of a banner.
    """

    window: int = 3
    max_control_words: int = 8
    reason: str = field(default=COOKIE, init=False, repr=False)

    def is_banner(self, line: _Line) -> bool:
        norm = line.norm
        n = size(norm)
        if not norm or n > self.max_words:
            return False
        if self._p("CONSENT_PHRASES", mode="phrase").search(norm):
            return True
        if self._p("COOKIE_BUTTONS", extra=True).fullmatch(norm):
            return False
        has_cookie = self._p("COOKIE_TERMS", mode="prefix").search(norm) is not None
        if has_cookie:
            if self._p("COOKIE_ADDRESS", mode="phrase").search(norm):
                return True
            if n <= self.max_control_words and self._p("COOKIE_ACTIONS", mode="phrase").search(norm):
                return True
        if n <= 12 and len(_CONFIG_RE.findall(line.raw)) >= 2:
            return has_cookie or self._p("COOKIE_BUTTONS", mode="phrase").search(norm) is not None
        return False

    def is_button(self, line: _Line) -> bool:
        norm = line.norm
        return (not norm and len(line.raw) <= 3) or (
            size(norm) <= 6
            and sequence_pattern(("COOKIE_BUTTONS",), tuple(self.languages),
                                 tuple(self.extra_lines)).fullmatch(norm) is not None
        )

    def find(self, lines: list[_Line]) -> set[int]:
        seeds = {pos for pos, line in enumerate(lines) if self.is_banner(line)}
        if not seeds:
            return set()
        return seeds | _spread(lines, seeds, self.is_button, self.window)


# -- comment form -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CommentForm(_LineFamily):
    """Remove comment forms: "Leave a reply", "Your email address will not be published",
    "Required fields are marked *", "Post comment", "N comments", and the field labels
    ("Name", "Email", "Website") standing within ``window`` lines of such a line.
    """

    window: int = 4
    reason: str = field(default=COMMENT_FORM, init=False, repr=False)

    def is_form(self, line: _Line) -> bool:
        norm = line.norm
        if not norm or size(norm) > self.max_words:
            return False
        return (self._p("COMMENT_LINES", extra=True).fullmatch(norm) is not None
                or self._p("COMMENT_PHRASES", mode="phrase").search(norm) is not None)

    def is_field(self, line: _Line) -> bool:
        return not line.norm or self._p("COMMENT_WEAK").fullmatch(line.norm) is not None

    def find(self, lines: list[_Line]) -> set[int]:
        seeds = {pos for pos, line in enumerate(lines) if self.is_form(line)}
        if not seeds:
            return set()
        return seeds | _spread(lines, seeds, self.is_field, self.window)


# -- navigation -------------------------------------------------------------------------------

_CRUMB_SPLIT_RE = regex.compile(r"\s*(?:[›»>|/•·→»]|\s-\s)\s*")


@dataclass(frozen=True, kw_only=True)
class Navigation(_LineFamily):
    """Remove navigation: skip links, "Home", "Menu", "Search", "Close", "Show more",
    "Details", "Back to top", "Trending", "Exit mobile version", footer links and copyright
    lines, breadcrumbs ("Home > World > Asia") and lines made only of menu labels.

    Section names and site links that can also be a heading or a list item ("World",
    "Sports", "Careers") go only in the page's top or bottom edge (before the first or after
    the last line of running text) or in a run of at least ``min_run`` menu labels among
    short lines (``edge_labels`` switches both off).
    """

    edge_labels: bool = True
    min_run: int = 3
    reason: str = field(default=NAVIGATION, init=False, repr=False)

    def is_strong(self, line: _Line) -> bool:
        norm = line.norm
        if not norm:
            return False
        n = size(norm)
        if self._p("NAV_LINES", extra=True).fullmatch(norm):
            return True
        if n <= 20 and self._p("NAV_PHRASES", mode="phrase").search(norm):
            return True
        if n <= 16 and self.is_breadcrumb(line):
            return True
        return 3 <= n <= 12 and self._labels().fullmatch(norm) is not None and (
            len(self._label_words().findall(norm)) >= 3)

    def is_breadcrumb(self, line: _Line) -> bool:
        parts = [normalize(p) for p in _CRUMB_SPLIT_RE.split(line.raw)]
        parts = [p for p in parts if p]
        if len(parts) < 2 or any(size(p) > 5 for p in parts):
            return False
        if self._p("NAV_HOME").fullmatch(parts[0]):
            return True
        label = self._p("NAV_LINES", "NAV_WEAK")
        return len(parts) >= 3 and all(label.fullmatch(p) for p in parts)

    def _labels(self) -> regex.Pattern[str]:
        return sequence_pattern(("NAV_LINES", "NAV_WEAK"), tuple(self.languages))

    def _label_words(self) -> regex.Pattern[str]:
        return self._p("NAV_LINES", "NAV_WEAK", mode="phrase")

    def is_label(self, line: _Line) -> bool:
        return bool(line.norm) and self._p("NAV_LINES", "NAV_WEAK", extra=True).fullmatch(
            line.norm) is not None

    def find(self, lines: list[_Line]) -> set[int]:
        hits = {pos for pos, line in enumerate(lines) if self.is_strong(line)}
        if not self.edge_labels:
            return hits
        prose = [pos for pos, line in enumerate(lines)
                 if pos not in hits and is_prose(line.raw, line.norm)]
        first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)
        labels = {pos for pos, line in enumerate(lines) if self.is_label(line)}
        hits |= {pos for pos in labels if pos < first or pos > last}
        hits |= self._menu_runs(lines, labels)
        return hits

    def _menu_runs(self, lines: list[_Line], labels: set[int]) -> set[int]:
        """Labels inside runs of short lines where labels are at least half and ``min_run``."""
        out: set[int] = set()
        run: list[int] = []
        for pos in [*range(len(lines)), len(lines)]:
            short = pos < len(lines) and size(lines[pos].norm) <= 4 and not _SENTENCE_END_RE.search(
                lines[pos].raw)
            if short:
                run.append(pos)
                continue
            in_run = [p for p in run if p in labels]
            if len(in_run) >= self.min_run and 2 * len(in_run) >= len(run):
                out.update(in_run)
            run = []
        return out


# -- widgets ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PageWidget(_LineFamily):
    """Remove page widgets: publication stamps standing alone ("Published", "Updated 3 May
    2024", "on"), reading time ("3 min read"), counters ("12 likes", "1.2K views"), print,
    subscribe and login prompts, newsletter sign-ups, advertisement labels.

    Dates, times and their small words are stripped before a line is looked up, so a stamp
    matches with or without its date; a line that is only a date or a connector ("on") goes
    when it stands within ``window`` lines of a stamp.
    """

    window: int = 2
    max_signup_words: int = 30
    reason: str = field(default=WIDGET, init=False, repr=False)

    def stripped(self, norm: str) -> str:
        dates = self._p("WIDGET_DATE_WORDS")
        return " ".join(w for w in norm.split() if not dates.fullmatch(w))

    def is_widget(self, line: _Line) -> bool:
        norm = line.norm
        if not norm:
            return False
        n = size(norm)
        rest = self.stripped(norm) if n <= 12 else norm
        if rest and self._p("WIDGET_LINES", extra=True).fullmatch(rest):
            return True
        return (n <= self.max_signup_words
                and self._p("NEWSLETTER_TERMS", mode="prefix").search(norm) is not None
                and self._p("SIGNUP_ACTIONS", mode="phrase").search(norm) is not None)

    def is_fragment(self, line: _Line) -> bool:
        return size(line.norm) <= 8 and not self.stripped(line.norm)

    def find(self, lines: list[_Line]) -> set[int]:
        seeds = {pos for pos, line in enumerate(lines) if self.is_widget(line)}
        if not seeds:
            return set()
        return seeds | _spread(lines, seeds, self.is_fragment, self.window)


# -- share ------------------------------------------------------------------------------------

#: Share tokens that also are ordinary words; a share bar needs one network besides them.
_AMBIGUOUS_SHARE_TOKENS = frozenset({"x", "ok", "line", "mix", "mail", "e mail", "google", "print",
                                     "rss", "sms", "pocket", "threads", "messenger"})


@dataclass(frozen=True, kw_only=True)
class ShareLinks(_LineFamily):
    """Remove share bars and related-content links: "Share", "Share on Facebook", "Tweet",
    lines made only of social networks ("Facebook Twitter Email"), "Follow us", "Related
    articles", "Read more", "See also", "You may also like".
    """

    reason: str = field(default=SHARE, init=False, repr=False)

    def is_share(self, line: _Line) -> bool:
        norm = line.norm
        if not norm or size(norm) > 12:
            return False
        if self._p("SHARE_LINES", extra=True).fullmatch(norm):
            return True
        networks = _network_pattern()
        if networks.fullmatch(norm):
            return True
        bar = sequence_pattern(("SHARE_TOKENS", "SHARE_JOINERS"))
        return bar.fullmatch(norm) is not None and networks.search(norm) is not None

    def find(self, lines: list[_Line]) -> set[int]:
        return {pos for pos, line in enumerate(lines) if self.is_share(line)}


@lru_cache(maxsize=1)
def _network_pattern() -> regex.Pattern[str]:
    strong = [t for t in phrases.SHARE_TOKENS if t not in _AMBIGUOUS_SHARE_TOKENS]
    return regex.compile(rf"(?<![{_WORDISH}])\L<n>(?![{_WORDISH}])", n=_entries(strong, ()))


__all__ = [
    "COMMENT_FORM",
    "COOKIE",
    "NAVIGATION",
    "SHARE",
    "WIDGET",
    "CommentForm",
    "CookieBanner",
    "Navigation",
    "PageWidget",
    "ShareLinks",
    "normalize",
]
