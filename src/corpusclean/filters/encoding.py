"""Encoding repair and normalization: ftfy mojibake repair, Unicode NFC, whitespace, controls.

These filters rewrite characters inside lines; they never add, remove or merge lines, so every
line keeps its source number. Clean text is never changed: the repair (ftfy without quote
uncurling, width folding or ligature expansion, then the damaged words ftfy left) runs only on
lines a cheap check finds suspicious, and sees them as they came: normalization comes after.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-*" codecs)
from ftfy import badness

from .. import _accel
from ..decision import Decision, keep, rewrite
from ..document import Document, Line

log = logging.getLogger(__name__)

#: ftfy options that repair damage but leave clean text as it is.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)

#: Code pages whose reading of UTF-8 bytes the repair undoes, in the order tried: Windows-1252
#: (undefined bytes passing through as C1 controls), ISO-8859-1, Windows-1251, Windows-1250,
#: Mac Roman. ftfy registers the "sloppy" codecs.
MOJIBAKE_CODECS = (
    "sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "sloppy-windows-1250", "mac-roman",
)


def _images(codec: str, lo: int, hi: int) -> set[str]:
    """The characters ``codec`` reads the bytes ``lo`` to ``hi`` as."""
    return {bytes([b]).decode(codec, "ignore") for b in range(lo, hi + 1)} - {""}


def _class(chars: set[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


_DAMAGE_CHARS = "\x80-\x9f\ud800-\udfff\x1b\ufffd"
_LOST_A0_LETTERS = "\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e0\u00e2\u00e3"
#: Per code page of :data:`MOJIBAKE_CODECS`, the characters it reads the UTF-8 lead bytes
#: (C2-F4) as, and those it reads the continuation bytes (80-BF) as.
LEADS = tuple(_images(c, 0xC2, 0xF4) for c in MOJIBAKE_CODECS)
CONTINUATIONS = tuple(_images(c, 0x80, 0xBF) for c in MOJIBAKE_CODECS)


def _suspect_pattern() -> str:
    """Lines worth a repair: a UTF-8 lead byte (C2-F4) followed by a continuation byte (80-BF)
    as one of :data:`MOJIBAKE_CODECS` reads them (every UTF-8 character of two bytes or more,
    misread, holds such a pair), or damage ftfy repairs without a pair (C1 controls,
    surrogates, terminal escapes, U+FFFD, and the Windows-1252 letters a lost byte A0 leaves
    before a space). Written as one class of first characters, then a look back at which one it
    was: the regular-expression engine skips in C to the next character of a leading class,
    several times faster than over an alternation."""
    pairs = [
        f"(?<=[{_class(lead)}])[{_class(cont)}]"
        for lead, cont in zip(LEADS, CONTINUATIONS, strict=True)
    ]
    return (
        f"[{_class(set().union(*LEADS))}{_DAMAGE_CHARS}](?:{'|'.join(pairs)}"
        f"|(?<=[{_DAMAGE_CHARS}])|(?<=[{_LOST_A0_LETTERS}]) )"
    )


SUSPECT_RE = re.compile(_suspect_pattern())


def needs_ftfy(line: str) -> bool:
    """Cheap check: could the repair change this line?

    >>> needs_ftfy("plain ascii"), needs_ftfy("caf\\u00c3\\u00a9"), needs_ftfy("ser\\u221a\\u00b0")
    (False, True, True)
    """
    return not line.isascii() and SUSPECT_RE.search(line) is not None or "\x1b" in line


@dataclass(frozen=True)
class FixMojibake:
    """Repair mojibake and encoding damage, line by line, leaving clean text alone.

    Each suspect line (:func:`needs_ftfy`) is repaired as it came (:func:`repair_line`): no
    normalization before, since the no-break space and the soft hyphen that ``encoding.normalize``
    folds or removes are the bytes A0 and AD of the UTF-8 that was misread. Records the steps
    applied and the numbers of the lines they changed in the ``encoding_repairs`` annotation.
    """

    def __call__(self, doc: Document) -> Decision:
        new_lines = list(doc.lines)
        repairs: list[dict[str, object]] = []
        for k in suspect_lines(doc.lines):
            line = doc.lines[k]
            fixed, steps = repair_line(line.text)
            if fixed != line.text and "\n" not in fixed:
                repairs.append({"line": line.no, "steps": steps})
                new_lines[k] = Line(line.no, fixed)
        if not repairs:
            return keep()
        prior = list(doc.annotations.get("encoding_repairs", ()))
        return rewrite(doc.evolve(lines=tuple(new_lines)).annotate(encoding_repairs=prior + repairs))


def suspect_lines(lines: Sequence[Line]) -> list[int]:
    """The indexes of the lines for which :func:`needs_ftfy` holds (with the compiled core,
    one call for all of them).

    >>> suspect_lines([Line(1, "plain"), Line(2, "caf\\u00c3\\u00a9"), Line(3, "\\x1b[0m")])
    [1, 2]
    """
    found = _accel.attempt(lambda core: _suspect_scan(core).lines(lines), "encoding.fix_mojibake")
    if found is None:
        found = [k for k, line in enumerate(lines) if needs_ftfy(line.text)]
    return found


@cache
def _suspect_scan(core: ModuleType) -> object:
    """The core's scan for :data:`SUSPECT_RE`, over the same characters."""
    damage = "".join(map(chr, range(0x80, 0xA0))) + "\x1b\ufffd"  # _DAMAGE_CHARS, no surrogates
    pairs = [("".join(sorted(lead)), "".join(sorted(cont)))
             for lead, cont in zip(LEADS, CONTINUATIONS, strict=True)]
    return core.SuspectScan(pairs, damage, _LOST_A0_LETTERS)


#: Rounds of repair at most (double mojibake takes two, and one more shows the fixpoint).
MAX_ROUNDS = 4


def repair_line(text: str) -> tuple[str, list[list[object]]]:
    """Repair one line, repeated until stable: ftfy on the whole line, then the damaged words
    ftfy left (:func:`repair_words`: a line that mixes clean text and mojibake).

    The repair sees the raw line. If ``encoding.normalize`` would then expose more damage
    (a tab or an em space folded to a space after a Windows-1252 letter), its normalized form
    is repaired too, so cleaning twice gives what cleaning once gave.

    >>> repair_line("\\x83\\x8d\\u00df")[0]
    '\\u0127'
    >>> repair_line("Clean text. Ceci est d\\u00c3\\u00a9j\\u00c3\\u00a0 vu.")[0]
    'Clean text. Ceci est déjà vu.'
    """
    steps: list[list[object]] = []
    current = _repair_to_fixpoint(text, steps)
    normalized = normalize_line(current)
    if normalized != current and needs_ftfy(normalized):
        again = _repair_to_fixpoint(normalized, steps)
        if again != normalized:
            current = again
    return current, steps


def _repair_to_fixpoint(text: str, steps: list[list[object]]) -> str:
    current = text
    for _ in range(MAX_ROUNDS):
        fixed = current
        known: tuple[str, ...] = ()
        if badness.is_bad(fixed) or _has_damage(fixed):
            fixed, explained = ftfy.fix_and_explain(fixed, config=FTFY_CONFIG)
            steps.extend(list(s) for s in explained or [])
            known = _codecs_undone(explained or [])
        fixed, codecs_used = repair_words(fixed, known)
        steps.extend(["decode_words", c] for c in codecs_used)
        if fixed == current:
            break
        current = fixed
    return current


def _codecs_undone(explained: list[tuple[str, str]]) -> tuple[str, ...]:
    """The code pages of :data:`MOJIBAKE_CODECS` whose misreading ftfy undid in a line: those it
    encoded back to, and Windows-1252 when it decoded UTF-8 sequences inside clean text."""
    out: list[str] = []
    for action, name in explained:
        if action == "encode" and name in MOJIBAKE_CODECS:
            out.append(name)
        elif (action, name) == ("apply", "decode_inconsistent_utf8"):
            out.append("sloppy-windows-1252")
    return tuple(dict.fromkeys(out))


_WORD_RE = re.compile(r"[^ \t]+")


def repair_words(text: str, known: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """Decode the words that are UTF-8 read in one code page, keeping every other word.

    A word is a run of characters between ASCII spaces and tabs (the misread bytes are never
    those). It is decoded in the first of :data:`MOJIBAKE_CODECS` in which its characters
    (those the code page has; a word half repaired keeps the others) are bytes of valid UTF-8,
    when it is not word-shaped and its decoding is (:func:`_word_shaped`): the decoding turns a
    non-word into a word. Clean words are word-shaped and stay as they are. Once the line shows
    damage in a code page (a word decoded so, or ``known``: the code pages ftfy undid in it),
    a word-shaped word that decodes in that code page to another word is decoded too (``sÃ¥``
    and ``skupinÄ›`` look like words with a symbol or a quote at their end).

    >>> repair_words("Ikvienam ir ties\u00c4\u00abbas, \u00d9\u02c6 ser\u221a\u00b0")[0]
    'Ikvienam ir tiesības, و será'
    >>> repair_words("skupin\u00c4\u203a nebo osob\u00c4\u203a, d\u00c3\u00a1t")[0]
    'skupině nebo osobě, dát'
    """
    if text.isascii():
        return text, []
    used: list[str] = []

    def strong(m: re.Match[str]) -> str:
        word = m.group()
        if word.isascii() or not SUSPECT_RE.search(word) or _word_shaped(word):
            return word
        for codec in MOJIBAKE_CODECS:
            decoded = _decode_word(word, codec)
            if decoded != word and _word_shaped(decoded):
                if codec not in used:
                    used.append(codec)
                return decoded
        return word

    text = _WORD_RE.sub(strong, text)
    seen = tuple(used) + tuple(c for c in known if c not in used)
    if not seen:
        return text, used

    def supported(m: re.Match[str]) -> str:
        word = m.group()
        if word.isascii() or not SUSPECT_RE.search(word):
            return word
        for codec in seen:
            decoded = _decode_word(word, codec)
            if decoded != word and _word_shaped(decoded):
                if codec not in used:
                    used.append(codec)
                return decoded
        return word

    return _WORD_RE.sub(supported, text), used


def _decode_word(word: str, codec: str) -> str:
    """``word`` with each valid UTF-8 sequence of its bytes in ``codec`` decoded; the characters
    that ``codec`` lacks and the bytes that are no part of a valid sequence stay as they were."""
    out: list[str] = []
    run: list[str] = []
    for ch in word + "\uffff":  # U+FFFF is in no code page: it ends the last run
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            if run:
                decoded = "".join(run).encode(codec).decode("utf-8", "surrogateescape")
                out.append(_SURROGATE_ESCAPE_RE.sub(lambda m: _byte_char(m, codec), decoded))
                run = []
            out.append(ch)
        else:
            run.append(ch)
    return "".join(out[:-1])


_SURROGATE_ESCAPE_RE = re.compile("[\udc80-\udcff]")


def _byte_char(m: re.Match[str], codec: str) -> str:
    return bytes([ord(m.group()) - 0xDC00]).decode(codec)


#: Characters that may join the letters of one word: apostrophes, hyphens, dots, middle dot,
#: zero-width (non-)joiners.
_JOINERS = frozenset("'\u2019-\u2010\u2011.\u00b7\u200c\u200d")


def _word_shaped(word: str) -> bool:
    """Whether ``word`` is letters, marks and digits of a single script (ASCII digits and the
    generic combining marks go with any) with joiners between them, ASCII or opening
    punctuation before and ASCII or closing punctuation after, and no control character.

    >>> _word_shaped("\u00abd\u00e9j\u00e0\u00bb,"), _word_shaped("d\u2019\u00c9mile")
    (True, True)
    >>> _word_shaped("s\u00c3\u00a5"), _word_shaped("d\u0413\u00a9j"), _word_shaped("\u00c3\u00a5")
    (False, False, False)
    """
    scripts: set[str] = set()
    letters = [i for i, ch in enumerate(word) if unicodedata.category(ch)[0] in "LMN"]
    if not letters:
        return False
    first, last = letters[0], letters[-1]
    for i, ch in enumerate(word):
        cat = unicodedata.category(ch)
        if cat[0] in "LMN":
            if cat[0] == "L" or not ch.isascii():
                scripts.add(_script(ch))
        elif cat[0] == "C" and ch not in "\u200c\u200d":
            return False
        elif ch.isascii():
            continue
        elif i < first:
            if cat not in ("Ps", "Pi", "Po"):
                return False
        elif i > last:
            if cat not in ("Pe", "Pf", "Po"):
                return False
        elif ch not in _JOINERS:
            return False
    scripts.discard("COMBINING")  # the generic marks go with every script
    return len(scripts) <= 1


def _script(ch: str) -> str:
    """The script of a letter, mark or digit, as the first word of its Unicode name (``LATIN``,
    ``CYRILLIC``, ``CJK``, ``ARABIC-INDIC``, ``COMBINING``...); kana count as one script with
    CJK ideographs."""
    name = unicodedata.name(ch, "")
    head = name.split(" ", 1)[0]
    return "CJK" if head in ("HIRAGANA", "KATAKANA") else head


_DAMAGE_RE = re.compile("[\x80-\x9f\ud800-\udfff\x1b]")


def _has_damage(text: str) -> bool:
    return _DAMAGE_RE.search(text) is not None


# Zero-width and format characters that carry nothing in web text. ZWJ/ZWNJ (U+200C/D) are kept:
# Persian, Indic scripts and emoji need them. The standard library's ``re`` runs these simple
# character classes several times faster than ``regex``.
_INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
# Controls other than tab; lone surrogates cannot be written as UTF-8.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Every Unicode space separator (category Zs) and tab: each run of them becomes one space.
ZS_CHARS = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SPACE_RE = re.compile(f"[\t{ZS_CHARS}]+")


def normalize_line(text: str, form: str = "NFC") -> str:
    """Normalize one line: Unicode form, invisible and control characters out, spaces folded,
    ends stripped.

    >>> normalize_line("  caf\\u0065\\u0301\\u00a0 au\\tlait\\u200b ")
    'café au lait'
    """
    text = unicodedata.normalize(form, text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(_control_replacement, text)
    return _SPACE_RE.sub(" ", text).strip()


def _control_replacement(m: re.Match[str]) -> str:
    ch = m.group()
    return "\ufffd" if "\ud800" <= ch <= "\udfff" else ""


@dataclass(frozen=True)
class Normalize:
    """Normalize Unicode (NFC by default), remove control and zero-width characters, fold
    every run of spaces and tabs into one space and strip each line's ends.

    Blank-line runs are folded when the document is written (see ``Document.text``).
    """

    form: str = "NFC"

    def __post_init__(self) -> None:
        if self.form not in ("NFC", "NFKC", "NFD", "NFKD"):
            msg = f"form must be NFC, NFKC, NFD or NFKD, not {self.form!r}"
            raise ValueError(msg)

    def __call__(self, doc: Document) -> Decision:
        changes = line_changes(doc.lines, self.form)
        if not changes:
            return keep()
        new_lines = list(doc.lines)
        for k, text in changes:
            new_lines[k] = Line(new_lines[k].no, text)
        return rewrite(doc.evolve(lines=tuple(new_lines)))


def line_changes(lines: Sequence[Line], form: str = "NFC") -> list[tuple[int, str]]:
    """The lines :func:`normalize_line` changes, as (index, new text) pairs (with the compiled
    core, one call for all of them).

    >>> line_changes([Line(1, "  a\\u00a0 b "), Line(2, "ok"), Line(3, "caf\\u0065\\u0301")])
    [(0, 'a b'), (2, 'café')]
    """
    normalizer = _normalizer(form)
    if normalizer is not None:
        found = _accel.attempt(lambda _: normalizer.changes(lines), "encoding.normalize")
        if found is not None:
            return found
    return [(k, new) for k, line in enumerate(lines)
            if (new := normalize_line(line.text, form)) != line.text]


@cache
def _normalizer(form: str) -> object | None:
    """The core's ``Normalizer`` for ``form``, or ``None``: no core, or a core whose tables
    were generated for another Unicode version than the running ``unicodedata``'s."""
    core = _accel.core()
    if core is None:
        return None
    try:
        return core.Normalizer(form, unicodedata.unidata_version)
    except ValueError as exc:
        _accel.FALLBACKS["core.fallback.tables"] += 1
        log.warning("encoding.normalize: the compiled core's tables do not fit (%s)", exc)
        return None
