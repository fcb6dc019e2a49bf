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
page. Every family's phrases are compiled once into a few matchers: hash sets for whole lines
and one trie-shaped pattern per table for phrases inside lines (one pass over a line, no
nested quantifiers, time linear in the line length).

This module is the reference: the compiled core (``rust/core/src/boilerplate.rs``) gives the
same answers, reads a document's lines once for all families and carries the speed; here each
family reads the page it is given afresh.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from operator import attrgetter
from typing import NamedTuple

import regex

from .. import _accel
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
_COUNTER_RE = re.compile(r"\d+(?:[.,]\d+)*(?:[kmb](?![^\W\d_]))?")
_NON_LETTER_RE = re.compile(r"[\W\d_]+")
_MARK_RE = regex.compile(r"[\p{Mn}\u0640]")  # combining marks and the Arabic tatweel
_LETTER_FOLD = str.maketrans({"ى": "ي", "ة": "ه", "ٱ": "ا", "ی": "ي", "ک": "ك"})
_CJK_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]")
_SENTENCE_END_RE = regex.compile(r"[.!?。！？…:;\"”»']\W*$")


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
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = _MARK_RE.sub("", text).translate(_LETTER_FOLD)
    text = _COUNTER_RE.sub(" ", text)
    return _NON_LETTER_RE.sub(" ", text).strip()


def size(norm: str) -> int:
    """Words in a normalized line; CJK, kana and Thai characters count half a word each.

    >>> size("leave a reply"), size("发表评论")
    (3, 2)
    """
    if not norm:
        return 0
    cjk = 0 if norm.isascii() else len(_CJK_RE.findall(norm))
    if not cjk:
        return norm.count(" ") + 1
    spaced = len(_CJK_RE.sub(" ", norm).split())
    return spaced + (cjk + 1) // 2


def is_prose(raw: str, n: int) -> bool:
    """A line of running text: twelve words or more, or six ending like a sentence."""
    return n >= 12 or (n >= 6 and _SENTENCE_END_RE.search(raw) is not None)


# -- phrase patterns --------------------------------------------------------------------------

# Letters of the scripts that separate words by spaces and do not glue particles to words:
# a phrase may not touch one of them (it must start, and usually end, at a word edge). CJK
# and Arabic letters are not among them, so phrases match inside unspaced text and after
# Arabic clitics.
_WORDISH = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"


#: :func:`normalize` of a phrase, worked out once: the families (and the core's reader) share
#: the tables, and so ask for many phrases several times at startup.
_normalized = lru_cache(maxsize=None)(normalize)


def _entries(table: phrases.Table | Sequence[str], languages: Sequence[str]) -> list[str]:
    if isinstance(table, dict):
        langs = languages or tuple(table)
        items: Iterable[str] = (p for lang in langs for p in table.get(lang, ()))
    else:
        items = table
    return sorted({n for p in items if (n := _normalized(p))})


@lru_cache(maxsize=256)
def _union(names: tuple[str, ...], languages: tuple[str, ...],
           extra: tuple[str, ...]) -> tuple[str, ...]:
    """The normalized phrases of the named tables (restricted to ``languages``, empty: all) and
    of ``extra``, sorted."""
    items = {p for name in names for p in _entries(getattr(phrases, name), languages)}
    return tuple(sorted(items | {n for p in extra if (n := _normalized(p))}))


class PhraseSet:
    """Normalized phrases for whole-line tests: exact lookup, or a split of the line into
    phrases (``"facebook twitter e mail"``), found by a left-to-right pass over word positions.

    >>> s = PhraseSet(["facebook", "twitter", "e mail"])
    >>> s.whole("twitter"), s.split("facebook twitter e mail"), s.split("facebook is great")
    (True, True, False)
    """

    def __init__(self, items: Iterable[str]) -> None:
        self.items = frozenset(items)
        # The first words of each phrase ("e", "e mail"): a split stops extending a phrase as
        # soon as no phrase starts with the words it has.
        self.starts = frozenset(p.rsplit(" ", k)[0] for p in self.items
                                for k in range(p.count(" ") + 1))

    def whole(self, norm: str) -> bool:
        return norm in self.items

    def without(self, norm: str) -> str:
        """``norm`` without the words that are phrases of the set.

        >>> PhraseSet(["on", "may"]).without("published on may")
        'published'
        """
        return " ".join(w for w in norm.split() if w not in self.items)

    def split(self, norm: str) -> bool:
        words = norm.split()
        if not words:
            return False
        reach = [False] * (len(words) + 1)
        reach[0] = True
        for start in range(len(words)):
            if not reach[start]:
                continue
            phrase = words[start]
            for stop in range(start + 1, len(words) + 1):
                if stop > start + 1:
                    phrase = f"{phrase} {words[stop - 1]}"
                if phrase not in self.starts:
                    break
                if phrase in self.items:
                    reach[stop] = True
        return reach[-1]


@lru_cache(maxsize=256)
def phrase_set(names: tuple[str, ...], languages: tuple[str, ...] = (),
               extra: tuple[str, ...] = ()) -> PhraseSet:
    """The union of the named phrase tables (restricted to ``languages``, empty: all), plus
    ``extra`` phrases, normalized.

    >>> phrase_set(("SHARE_LINES",), ("en",)).whole("read more")
    True
    """
    return PhraseSet(_union(names, languages, extra))


def _trie_regex(items: Iterable[str]) -> str:
    """One alternation shaped as a trie: every branch starts with a different character, so a
    match attempt at one position costs at most the length of the longest phrase."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for item in items:
        node = trie
        for ch in item:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@lru_cache(maxsize=256)
def phrase_search(names: tuple[str, ...], languages: tuple[str, ...] = (),
                  prefix: bool = False) -> re.Pattern[str]:
    """A pattern finding any phrase of the named tables inside a normalized line (use with
    ``search``). A phrase in a spaced script must start at a word edge and, unless ``prefix``
    (plurals and compounds: ``cookie`` in ``cookieeinstellungen``), end at one.

    >>> bool(phrase_search(("COOKIE_TERMS",), ("de",), prefix=True).search("cookieeinstellungen"))
    True
    >>> bool(phrase_search(("COMMENT_PROMPTS",)).search("bitte schreibe einen kommentar"))
    True
    """
    items = _union(names, languages, ())
    if not items:
        return re.compile(r"(?!)")
    right = "" if prefix else f"(?![{_WORDISH}])"
    return re.compile(f"(?<![{_WORDISH}])(?:{_trie_regex(items)}){right}")


# -- shared line scaffolding ------------------------------------------------------------------


# Characters of code, markup and quotation, and calls: a line with one is not a bare UI label (a
# code line ``print(data)``, a quoted word ``"Search"``), even when its letters spell one.
_CODE_RE = re.compile(r"[;{}=\[\]_\"“”„`\\]|\w\(|\(\)")
# A line without letters that may stand in a row of buttons or fields ("×", "*", "|").
_SYMBOL_RE = re.compile(r"[^\w\s]{1,3}")
_COUNT_RE = re.compile(r"\(?\d{1,3}(?:[.,]\d{1,3})*[kKmM]?\)?")
_TIME_RANGE_RE = re.compile(r"\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?\s*[-–—]\s*\d", re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


class _Text(NamedTuple):
    """What a line's text alone says."""

    norm: str
    size: int
    plain: bool  # no code, markup or quotation characters
    lead_in: bool  # ends with a colon: "See also:" introduces what follows
    counter: bool  # only a number, a counter split from its label ("12", "1.2K")
    symbol: bool  # one to three symbols and no letters ("×", "*", "|")
    token: bool  # a lone code token ("(", ".", "[", "="): the line before it is code
    phrase: bool  # a phrase of a GATED_TABLES table may start in it (any language)


#: The phrase tables whose patterns the families search first in a line (the other searches
#: come after one of them matched). A line where none of their phrases (of any language, as a
#: word start) occurs is skipped by every family without searching it table by table.
GATED_TABLES = ("CONSENT_PHRASES", "COOKIE_TERMS", "COMMENT_PHRASES", "COMMENT_PROMPTS",
                "NAV_PHRASES", "NEWSLETTER_TERMS")


@lru_cache(maxsize=1)
def _gate() -> re.Pattern[str]:
    # Every language and no end at a word edge: it matches wherever a family's pattern of these
    # tables does, whatever its languages and ``prefix``.
    return phrase_search(GATED_TABLES, (), prefix=True)


def _plain(raw: str) -> bool:
    """No code, markup or quotation characters, and no call like ``f(`` or ``()``."""
    return _CODE_RE.search(raw) is None


def _text(raw: str) -> _Text:
    norm = normalize(raw)
    bare = raw.strip()
    return _Text(norm, size(norm), _plain(raw), bare.endswith(":"),
                 _COUNT_RE.fullmatch(bare) is not None, _SYMBOL_RE.fullmatch(bare) is not None,
                 len(bare) == 1 and bare in "(.[=", _gate().search(norm) is not None)


class _Line:
    """One non-blank line with what its neighbours say about it; ``norm``, ``size`` and
    ``label`` are copied out of its text, since every family reads them on every line."""

    __slots__ = ("code", "label", "lead", "norm", "raw", "size", "text")

    def __init__(self, raw: str, text: _Text, code: bool = False, lead: str | None = None) -> None:
        self.raw = raw
        self.text = text
        self.code = code  # the next line is a lone code token
        self.lead = lead  # in a list: the normalized lead-in line that introduces it
        self.norm = text.norm
        self.size = text.size
        # The normalized text when the line can be a bare label (not code or a quotation).
        self.label = text.norm if text.plain and not code else ""


class _Page(NamedTuple):
    """The non-blank lines of a document, linked, and the position of each in ``doc.lines``."""

    lines: list[_Line]
    where: list[int]


def _nonblank(doc: Document) -> _Page:
    """The page of ``doc``: its non-blank lines, read and linked."""
    content = list(doc.content_lines())
    return _Page(_relink([_Line(ln.text, _text(ln.text)) for _, ln in content]),
                 [i for i, _ in content])


def _relink(lines: list[_Line]) -> list[_Line]:
    """Set what depends on the neighbours: ``code`` (the next line is a lone code token) and
    ``lead`` (a short line in a list introduced by a lead-in line "...:")."""
    out = []
    lead: str | None = None
    for pos, line in enumerate(lines):
        if line.size > 6:
            lead = None
        elif pos > 0 and lines[pos - 1].text.lead_in:
            lead = lines[pos - 1].norm
        code = pos + 1 < len(lines) and lines[pos + 1].text.token
        out.append(_Line(line.raw, line.text, code, lead))
    return out


def _spread(lines: list[_Line], seeds: set[int], candidate: Sequence[bool],
            window: int) -> set[int]:
    """Positions of candidate lines within ``window`` non-blank lines of a seed, before or
    after it, hopping over labelled candidates already reached (a row of buttons under a
    banner); a candidate without letters (a counter, a symbol) is reached but never hopped
    from, so runs of numbers do not carry the neighbourhood along."""
    reached: set[int] = set()
    if not seeds:
        return reached
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        last = None
        for pos in order:
            if pos in seeds:
                last = pos
            elif last is not None and abs(pos - last) <= window and candidate[pos]:
                reached.add(pos)
                if lines[pos].norm:
                    last = pos
    return reached


class _Phrases(cached_property[PhraseSet]):
    """A family attribute: the phrase set of the named tables for the family's languages (and
    its ``extra_lines`` if ``extra``), looked up once per filter."""

    def __init__(self, *names: str, extra: bool = False) -> None:
        super().__init__(lambda family: family._set(*names, extra=extra))


class _Pattern(cached_property[re.Pattern[str]]):
    """A family attribute: the phrase pattern of the named tables for the family's languages
    (:func:`phrase_search`), looked up once per filter."""

    def __init__(self, *names: str, prefix: bool = False) -> None:
        super().__init__(lambda family: family._search(*names, prefix=prefix))
        self.names = names
        self.prefix = prefix


_phrases = _Phrases
_pattern = _Pattern


# -- the compiled core ------------------------------------------------------------------------

# The core's page of the last document seen or returned, by the identity of its line tuple
# (None: the core declined the document, whose lines the reference reads): the families run
# one after the other, and each passes the page of the document it returns on to the next.
_last_core: tuple[tuple[object, ...], object] = ((), None)


_TEXT = attrgetter("text")


@lru_cache(maxsize=1)
def _core_reader() -> object | None:
    """The core's page reader (the gated tables' search built in), or None: no core."""
    items = _union(GATED_TABLES, (), ())
    return _accel.attempt(lambda core: core.BoilerplateReader(items), "boilerplate")


def _core_page(doc: Document) -> object | None:
    """The core's page of ``doc`` (the one passed on, when ``doc`` is the document the last
    family returned), or None."""
    global _last_core
    seen, page = _last_core
    if seen is not doc.lines:
        reader = _core_reader()
        page = None if reader is None else _accel.attempt(
            lambda _: reader.page(map(_TEXT, doc.lines)), "boilerplate")  # type: ignore[attr-defined]
        _last_core = (doc.lines, page)
    return page


@dataclass(frozen=True, kw_only=True)
class _LineFamily:
    """Parameters every family has: ``languages`` restricts the phrase tables (empty: all),
    ``extra_lines`` adds whole-line phrases of the family, ``max_words`` bounds the length of
    the lines it looks at.

    A family reads each line through :meth:`line_facts`, what its rules say of the line alone
    and of its neighbourhood. Phrase sets and patterns are looked up once per filter
    (:func:`_phrases`, :func:`_pattern`)."""

    languages: tuple[str, ...] = ()
    extra_lines: tuple[str, ...] = ()
    max_words: int = 120

    reason = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.languages) - set(phrases.LANGUAGES))
        if unknown:
            msg = (f"no boilerplate phrases for language(s) {unknown}; "
                   f"known: {', '.join(phrases.LANGUAGES)}")
            raise ValueError(msg)

    def _set(self, *names: str, extra: bool = False) -> PhraseSet:
        return phrase_set(names, tuple(self.languages), tuple(self.extra_lines) if extra else ())

    def _search(self, *names: str, prefix: bool = False) -> re.Pattern[str]:
        return phrase_search(names, tuple(self.languages), prefix)

    def __getstate__(self) -> dict[str, object]:
        # Only the parameters: phrase sets, patterns and the core are rebuilt where it is loaded.
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def _core_tables(self) -> tuple[dict[str, list[str]], dict[str, tuple[Sequence[str], bool]]]:
        """The family's phrase sets and patterns as the core takes them, by attribute name."""
        sets: dict[str, list[str]] = {}
        searches: dict[str, tuple[Sequence[str], bool]] = {}
        for klass in reversed(type(self).__mro__):
            for name, attr in vars(klass).items():
                if isinstance(attr, _Phrases):
                    sets[name.lstrip("_")] = sorted(getattr(self, name).items)
                elif isinstance(attr, _Pattern):
                    searches[name.lstrip("_")] = (_union(attr.names, tuple(self.languages), ()),
                                                  attr.prefix)
        return sets, searches

    @cached_property
    def _core(self) -> object | None:
        """The family's rules in the compiled core, or None (no core)."""
        sets, searches = self._core_tables()
        params = {f.name: float(value) for f in fields(self)
                  if isinstance(value := getattr(self, f.name), (int, float))}
        return _accel.attempt(
            lambda core: core.BoilerplateFamily(self.reason, sets, searches, params), self.reason)

    def _run_core(self, doc: Document) -> Decision | None:
        """The family on ``doc`` in the compiled core, or None: the reference answers."""
        global _last_core
        family = self._core
        page = None if family is None else _core_page(doc)
        if page is None:
            return None
        answer = _accel.attempt(lambda _: family.run(page), self.reason)  # type: ignore[attr-defined]
        if answer is None:
            return None
        removed, rest = answer
        decision = remove_lines(doc, dict.fromkeys(removed, self.reason))
        if decision.doc is not None:
            _last_core = (decision.doc.lines, rest)
        return decision

    def facts(self, lines: list[_Line]) -> list[tuple[bool, ...]]:
        """:meth:`line_facts` of each line."""
        return [self.line_facts(line) for line in lines]

    def line_facts(self, line: _Line) -> tuple[bool, ...]:
        """What the family's rules say of one line (a named tuple of the family)."""
        raise NotImplementedError

    def __call__(self, doc: Document) -> Decision:
        # Removing lines brings neighbours closer, so the rules run again on what is left until
        # they remove nothing more: the output is a fixpoint and a second run changes nothing.
        decided = self._run_core(doc)
        if decided is not None:
            return decided
        lines, where = _nonblank(doc)
        removed: list[int] = []
        while hits := self.find(lines):
            removed += (where[pos] for pos in hits)
            keep = [pos for pos in range(len(lines)) if pos not in hits]
            lines = _relink([lines[pos] for pos in keep])
            where = [where[pos] for pos in keep]
        return remove_lines(doc, dict.fromkeys(sorted(removed), self.reason))

    def find(self, lines: list[_Line]) -> set[int]:
        """Positions (in ``lines``) of the lines to remove."""
        raise NotImplementedError


# -- cookie -----------------------------------------------------------------------------------

# Starts only where a name starts, with possessive runs: linear on long runs of letters.
_CONFIG_RE = re.compile(r"(?<![\w-])[A-Za-z_][\w-]*+\s*+=\s*+[(\[{\"'\w]")


class _CookieFacts(NamedTuple):
    banner: bool
    button: bool


@dataclass(frozen=True, kw_only=True)
class CookieBanner(_LineFamily):
    """Remove cookie and consent banners and the short button lines next to them.

    A banner line has a cookie word together with a phrase addressing the reader or speaking
    for the site ("we use", "you agree", "this website"), or a consent-manager formula ("we
    value your privacy"); on a short line (``max_control_words``) a cookie word with a control
    word is enough ("Cookie settings", "Accept cookies"); a widget configuration line
    (``key=value`` pairs) counts when it carries a cookie word or consent buttons. Button lines
    ("Accept", "I agree", "OK", "Learn more", or a row of them) go only when they stand within
    ``window`` non-blank lines of a banner.

    >>> doc = Document.from_text("News text.\\nWe use cookies on this website.\\nOK\\nOK")
    >>> [r.line for r in CookieBanner()(doc).removed]
    [2, 3, 4]
    """

    window: int = 3
    max_control_words: int = 8
    reason = COOKIE

    _consent = _pattern("CONSENT_PHRASES")
    _cookie = _pattern("COOKIE_TERMS", prefix=True)
    _address = _pattern("COOKIE_ADDRESS")
    _actions = _pattern("COOKIE_ACTIONS")
    _button_phrase = _pattern("COOKIE_BUTTONS")
    _buttons = _phrases("COOKIE_BUTTONS", extra=True)

    def is_banner(self, line: _Line) -> bool:
        norm, n = line.norm, line.size
        if not norm or n > self.max_words:
            return False
        has_cookie = False
        if line.text.phrase:  # else no consent phrase and no cookie word: GATED_TABLES
            if self._consent.search(norm):
                return True
            has_cookie = self._cookie.search(norm) is not None
            if has_cookie:
                if self._address.search(norm):
                    return True
                if n <= self.max_control_words and self._actions.search(norm):
                    return True
        if n <= 12 and "=" in line.raw and len(_CONFIG_RE.findall(line.raw)) >= 2:
            return has_cookie or self._button_phrase.search(norm) is not None
        return False

    def is_button(self, line: _Line) -> bool:
        if not line.norm:
            return line.text.symbol  # a lone "×" or "!"
        return line.size <= 6 and self._buttons.split(line.label)

    def line_facts(self, line: _Line) -> _CookieFacts:
        return _CookieFacts(self.is_banner(line), self.is_button(line))

    def find(self, lines: list[_Line]) -> set[int]:
        facts = self.facts(lines)
        seeds = {pos for pos, f in enumerate(facts) if f.banner}
        return seeds | _spread(lines, seeds, [f.button for f in facts], self.window)


# -- comment form -----------------------------------------------------------------------------


class _FormFacts(NamedTuple):
    form: bool
    field: bool


@dataclass(frozen=True, kw_only=True)
class CommentForm(_LineFamily):
    """Remove comment forms: "Leave a reply", "Your email address will not be published",
    "Required fields are marked *", "Post comment", "N comments", and the field labels and
    buttons ("Name", "Email", "Website", "Submit") within ``window`` non-blank lines of them.

    >>> doc = Document.from_text("Text.\\nLeave a Reply\\nName *\\nEmail *\\nName")
    >>> [r.line for r in CommentForm(window=2)(doc).removed]
    [2, 3, 4, 5]
    """

    window: int = 4
    max_words: int = 30
    max_prompt_words: int = 8
    reason = COMMENT_FORM

    _form_lines = _phrases("COMMENT_LINES", extra=True)
    _form_phrase = _pattern("COMMENT_PHRASES")
    _prompt = _pattern("COMMENT_PROMPTS")
    _fields = _phrases("COMMENT_WEAK")

    def is_form(self, line: _Line) -> bool:
        if not line.norm or line.size > self.max_words:
            return False
        if self._form_lines.whole(line.label):
            return True
        return line.text.phrase and (  # else neither table's phrases occur: GATED_TABLES
            self._form_phrase.search(line.norm) is not None
            or (line.size <= self.max_prompt_words and self._prompt.search(line.norm) is not None))

    def is_field(self, line: _Line) -> bool:
        if not line.norm:
            return line.text.symbol or line.text.counter
        return self._fields.whole(line.label)

    def line_facts(self, line: _Line) -> _FormFacts:
        return _FormFacts(self.is_form(line), self.is_field(line))

    def find(self, lines: list[_Line]) -> set[int]:
        facts = self.facts(lines)
        seeds = {pos for pos, f in enumerate(facts) if f.form}
        return seeds | _spread(lines, seeds, [f.field for f in facts], self.window)


# -- navigation -------------------------------------------------------------------------------

# Starts only at the first space of a run (or at the separator): linear on long space runs.
_CRUMB_SPLIT_RE = re.compile(r"(?<!\s)\s*(?:[›»>|/•·→]|(?<=\s)[-–](?=\s))\s*")


class _NavFacts(NamedTuple):
    strong: bool
    prose: bool  # running text (the edges of the page are before and after it)
    label: bool
    short: bool  # can stand in a menu run


@dataclass(frozen=True, kw_only=True)
class Navigation(_LineFamily):
    """Remove navigation: skip links, "Home", "Menu", "Search", "Close", "Show more",
    "Details", "Back to top", "Trending", "Exit mobile version", footer links and copyright
    lines, breadcrumbs ("Home > World > Asia") and lines made only of menu labels.

    Section names and site links that can also be a heading or a list item ("World",
    "Sports", "Careers") go only at the page's top or bottom edge (before the first or after
    the last line of running text) or in a run of at least ``min_run`` menu labels among short
    lines (``run_words`` words at most) where they are at least ``run_share`` of the lines;
    ``edge_labels=False`` switches both off.

    >>> doc = Document.from_text("World\\nA headline\\n" + "A sentence of running text. " * 3)
    >>> [r.line for r in Navigation()(doc).removed]
    [1]
    """

    edge_labels: bool = True
    min_run: int = 3
    run_share: float = 0.25
    run_words: int = 4
    reason = NAVIGATION

    _nav_lines = _phrases("NAV_LINES", extra=True)
    _nav_phrase = _pattern("NAV_PHRASES")
    _home = _phrases("NAV_HOME")
    _labels = _phrases("NAV_LINES", "NAV_WEAK", extra=True)

    def is_strong(self, line: _Line) -> bool:
        norm, n = line.norm, line.size
        if not norm:
            return False
        if self._nav_lines.whole(line.label):
            return True
        if n <= 20 and line.text.phrase and self._nav_phrase.search(norm):  # GATED_TABLES
            return True
        if n <= 16 and self.is_breadcrumb(line):
            return True
        return 3 <= n <= 12 and norm.count(" ") >= 2 and self._labels.split(line.label)

    def is_breadcrumb(self, line: _Line) -> bool:
        """Items split by ``>``, ``›``, ``|``, ``/``... starting at "Home", or all labels."""
        pieces = _CRUMB_SPLIT_RE.split(line.raw)
        if len(pieces) < 2:
            return False
        parts = [p for p in map(normalize, pieces) if p]
        if len(parts) < 2 or any(size(p) > 5 for p in parts):
            return False
        if self._home.whole(parts[0]):
            return True
        return len(parts) >= 3 and all(self._labels.whole(p) for p in parts)

    def is_label(self, line: _Line) -> bool:
        """A menu label, alone or in a list introduced by one ("Sections:")."""
        return (not line.text.lead_in and self._labels.whole(line.label)
                and (line.lead is None or self._labels.whole(line.lead)))

    def line_facts(self, line: _Line) -> _NavFacts:
        if not self.edge_labels:
            return _NavFacts(self.is_strong(line), False, False, False)
        return _NavFacts(self.is_strong(line), is_prose(line.raw, line.size), self.is_label(line),
                         line.size <= self.run_words and not _SENTENCE_END_RE.search(line.raw))

    def find(self, lines: list[_Line]) -> set[int]:
        facts = self.facts(lines)
        hits = {pos for pos, f in enumerate(facts) if f.strong}
        if not self.edge_labels:
            return hits
        prose = [pos for pos, f in enumerate(facts) if f.prose and not f.strong]
        first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)
        labels = {pos for pos, f in enumerate(facts) if f.label}
        hits |= {pos for pos in labels if pos < first or pos > last}
        hits |= self._menu_runs(facts, labels)
        return hits

    def _menu_runs(self, facts: list[_NavFacts], labels: set[int]) -> set[int]:
        """Labels in runs of short lines where they are at least ``min_run`` and ``run_share``
        of the run."""
        out: set[int] = set()
        run: list[int] = []
        for pos in [*range(len(facts)), len(facts)]:
            if pos < len(facts) and facts[pos].short:
                run.append(pos)
                continue
            in_run = [p for p in run if p in labels]
            if len(in_run) >= self.min_run and self.run_share * len(run) <= len(in_run):
                out.update(in_run)
            run = []
        return out


# -- widgets ----------------------------------------------------------------------------------


class _WidgetFacts(NamedTuple):
    widget: bool
    fragment: bool
    dated: bool  # a date standing alone that is no widget line and no range: archive lists
    counter: bool  # a counter alone, allowed inside a run of dates


@dataclass(frozen=True, kw_only=True)
class PageWidget(_LineFamily):
    """Remove page widgets: publication stamps standing alone ("Published", "Updated 3 May
    2024", "on"), reading time ("3 min read"), counters ("12 likes", "1.2K views"), print,
    subscribe and login prompts, newsletter sign-ups, advertisement labels.

    Months, weekdays, times and the small words of a date are stripped before a line is looked
    up, so a stamp matches with or without its date; a line that is only a date or a connector
    ("on") goes when it stands within ``window`` non-blank lines of a widget line, and a run of
    at least ``min_date_run`` such lines is an archive list.

    >>> doc = Document.from_text("Published\\non\\nMarch 3, 2024\\n4 min read\\nText on")
    >>> [r.line for r in PageWidget()(doc).removed]
    [1, 2, 3, 4]
    """

    window: int = 2
    max_signup_words: int = 30
    min_date_run: int = 3
    reason = WIDGET

    _date_words = _phrases("WIDGET_DATE_WORDS")
    _known = _phrases("WIDGET_LINES", extra=True)
    _newsletter = _pattern("NEWSLETTER_TERMS", prefix=True)
    _signup = _pattern("SIGNUP_ACTIONS")

    def stripped(self, norm: str) -> str:
        return self._date_words.without(norm)

    def is_widget(self, line: _Line) -> bool:
        norm, n = line.norm, line.size
        if not norm:
            return False
        if n <= 12 and line.label:
            known = self._known
            rest = self.stripped(line.label)
            if known.whole(line.label) or (rest and known.whole(rest)):
                return True
        return (n <= self.max_signup_words and line.text.phrase  # GATED_TABLES
                and self._newsletter.search(norm) is not None
                and self._signup.search(norm) is not None)

    def is_fragment(self, line: _Line) -> bool:
        """A date, a time or a connector standing alone ("on", "3 March 2024", "12.05.2024")."""
        if not line.norm:
            return line.text.counter or (len(line.raw) <= 24
                                         and _NUMERIC_DATE_RE.search(line.raw) is not None)
        return line.size <= 8 and not self.stripped(line.label) and bool(line.label)

    def line_facts(self, line: _Line) -> _WidgetFacts:
        widget, fragment = self.is_widget(line), self.is_fragment(line)
        dated = (bool(line.norm) and fragment and not widget
                 and not _TIME_RANGE_RE.search(line.raw))
        return _WidgetFacts(widget, fragment, dated, not line.norm and line.text.counter)

    def find(self, lines: list[_Line]) -> set[int]:
        facts = self.facts(lines)
        seeds = {pos for pos, f in enumerate(facts) if f.widget}
        seeds.update(self._date_runs(facts))
        return seeds | _spread(lines, seeds, [f.fragment for f in facts], self.window)

    def _date_runs(self, facts: list[_WidgetFacts]) -> set[int]:
        """Runs of at least ``min_date_run`` dates standing alone, counters allowed between
        them: an archive list ("March 2024", "(12)", "February 2024") or a column of timestamps
        ("3 days ago"). Opening hours ("Monday 9:30 am - 6 pm") are ranges and stay."""
        out: set[int] = set()
        run: list[int] = []
        for pos in range(len(facts) + 1):
            f = facts[pos] if pos < len(facts) else None
            if f is not None and f.counter and run:
                continue
            if f is not None and f.dated:
                run.append(pos)
                continue
            if len(run) >= self.min_date_run:
                out.update(run)
            run = []
        return out


# -- share ------------------------------------------------------------------------------------

#: Share tokens that also are ordinary words: a share bar needs a network besides them.
AMBIGUOUS_SHARE_TOKENS = frozenset({"x", "ok", "line", "mix", "mail", "e mail", "google", "print",
                                    "rss", "sms", "pocket", "threads", "messenger", "email"})


@dataclass(frozen=True, kw_only=True)
class ShareLinks(_LineFamily):
    """Remove share bars and related-content links: "Share", "Share on Facebook", "Tweet",
    lines made only of social networks and share words ("Facebook Twitter Email"), "Follow
    us", "Related articles", "Read more", "See also", "You may also like".

    >>> doc = Document.from_text("Text.\\nShare on Facebook\\nFacebook Twitter E-mail\\nMail")
    >>> [r.line for r in ShareLinks()(doc).removed]
    [2, 3]
    """

    reason = SHARE

    _headers = _phrases("SHARE_HEADERS")
    _share_lines = _phrases("SHARE_LINES", "SHARE_HEADERS", extra=True)
    _lines_set = _phrases("SHARE_LINES", extra=True)
    # Every language's tokens: a bar of network names reads the same in all of them.
    _bar_words = cached_property(
        lambda self: phrase_set(("SHARE_TOKENS", "SHARE_JOINERS", "SHARE_LINES")))

    def is_share(self, line: _Line) -> bool:
        norm = line.label
        if not norm or line.size > 12:
            return False
        if line.text.lead_in:  # "Share this:" heads a bar, "Read more:" introduces content
            return self._headers.whole(norm)
        if self._share_lines.whole(norm):
            return True
        networks = _networks()
        if networks.whole(norm):  # alone, or in a list after "Share:" / "Follow us on:"
            return line.lead is None or self._share_lines.whole(line.lead)
        lines_set = self._lines_set
        return self._bar_words.split(norm) and any(
            w in networks.items or w in lines_set.items for w in norm.split())

    def line_facts(self, line: _Line) -> tuple[bool]:
        return (self.is_share(line),)

    def _core_tables(self) -> tuple[dict[str, list[str]], dict[str, tuple[Sequence[str], bool]]]:
        sets, searches = super()._core_tables()
        sets["bar_words"] = sorted(self._bar_words.items)
        sets["networks"] = sorted(_networks().items)
        return sets, searches

    def find(self, lines: list[_Line]) -> set[int]:
        return {pos for pos, (share,) in enumerate(self.facts(lines)) if share}


@lru_cache(maxsize=1)
def _networks() -> PhraseSet:
    return PhraseSet(_entries([t for t in phrases.SHARE_TOKENS
                               if t not in AMBIGUOUS_SHARE_TOKENS], ()))


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
    "PhraseSet",
    "ShareLinks",
    "normalize",
    "phrase_search",
    "phrase_set",
]
