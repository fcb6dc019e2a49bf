"""Document quality filters: the published Gopher, C4 and FineWeb rules, in every script.

=====================  ==========================================================================
``quality.gopher``     MassiveText's quality and repetition rules (Rae et al. 2021, Gopher)
``quality.c4``         C4's line and page rules (Raffel et al. 2020)
``quality.fineweb``    FineWeb's own rules (Penedo et al. 2024)
=====================  ==========================================================================

The published thresholds are the defaults and every threshold is a parameter. Each rule has
its own reason code (``quality.gopher.word_count``, ``quality.c4.curly_brace``, ...), listed
in :data:`GOPHER_REASONS`, :data:`C4_REASONS` and :data:`FINEWEB_REASONS`; ``quality.c4``
removes lines like any line filter (``remove_lines``, a reason per line) before it judges the
page. With ``annotate_only = true`` a filter drops and removes nothing: it writes what it
measured under the ``quality`` annotation (``metadata.quality.<family>`` in the output
record), with the reasons that would have fired under ``failed``.

Words are counted by :mod:`corpusclean.language.words`, so Chinese, Japanese, Thai, Khmer,
Lao, Burmese and Tibetan text has words too; the rules read the document's text as it will be
written (``Document.text``). docs/filters.md lists every rule with its default and reason, and
docs/quality.md how the decisions compare with datatrove's implementations.

>>> from corpusclean.document import Document
>>> GopherQuality()(Document.from_text("Too short.")).reason
'quality.gopher.word_count'
>>> C4(min_sentences=1)(Document.from_text("Home\\nThis line ends well, and it has words.")).removed[0].reason
'quality.c4.no_terminal_punct'
"""

# ruff: noqa: RUF001  (multilingual text: letters and punctuation of other scripts are meant)

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from ..decision import Decision, drop, keep, remove_lines, rewrite
from ..document import Document, thaw
from ..language import scripts
from ..language.stopwords import STOPWORDS
from ..language.words import count_sentences, is_spaced_word, is_word, words

if TYPE_CHECKING:
    import numpy as np

ANNOTATION = "quality"

# -- reason codes -------------------------------------------------------------------------------

GOPHER_REASONS: Mapping[str, str] = {
    "quality.gopher.word_count": "fewer than min_words or more than max_words words",
    "quality.gopher.mean_word_length": "mean word length outside min/max_mean_word_length",
    "quality.gopher.hash_ratio": "more '#' than max_symbol_word_ratio per word",
    "quality.gopher.ellipsis_ratio": "more '...' or '…' than max_symbol_word_ratio per word",
    "quality.gopher.bullet_lines": "more than max_bullet_lines of the lines start with a bullet",
    "quality.gopher.ellipsis_lines": "more than max_ellipsis_lines of the lines end with an ellipsis",
    "quality.gopher.alpha_words": "fewer than min_alpha_words of the words have a letter",
    "quality.gopher.stop_words": "fewer than min_stop_words stop words of the document's language",
    "quality.gopher.dup_paragraphs": "more than max_dup_paragraphs of the paragraphs are repeats",
    "quality.gopher.dup_paragraph_chars": "repeated paragraphs hold more than max_dup_paragraph_chars of the text",
    "quality.gopher.dup_lines": "more than max_dup_lines of the lines are repeats",
    "quality.gopher.dup_line_chars": "repeated lines hold more than max_dup_line_chars of the text",
    "quality.gopher.top_ngram": "the most frequent word n-gram covers too much of the text (top_ngrams)",
    "quality.gopher.dup_ngram": "repeated word n-grams cover too much of the text (dup_ngrams)",
}

C4_LINE_REASONS: Mapping[str, str] = {
    "quality.c4.long_word": "line with a word longer than max_word_length characters",
    "quality.c4.no_terminal_punct": "line that does not end in terminal punctuation (or ends in '...')",
    "quality.c4.too_few_words": "line of fewer than min_words_per_line words",
    "quality.c4.javascript": "line that mentions javascript",
    "quality.c4.policy": "line about terms of use, privacy or cookie policy",
}
C4_REASONS: Mapping[str, str] = {
    **C4_LINE_REASONS,
    "quality.c4.lorem_ipsum": "a kept line holds 'lorem ipsum'",
    "quality.c4.curly_brace": "a kept line holds a curly brace '{'",
    "quality.c4.too_few_sentences": "the kept lines make fewer than min_sentences sentences",
}

FINEWEB_REASONS: Mapping[str, str] = {
    "quality.fineweb.empty": "no line with text",
    "quality.fineweb.line_punct": "fewer than line_punct_thr of the lines end in terminal punctuation",
    "quality.fineweb.short_lines": "more than short_line_thr of the lines are short_line_length characters or less",
    "quality.fineweb.char_duplicates": "repeated lines hold more than char_duplicates_ratio of the characters",
    "quality.fineweb.newline_ratio": "more than new_line_ratio newlines per word (a list)",
}

# -- shared measures ----------------------------------------------------------------------------

_PARAGRAPH_SPLIT_RE = re.compile(r"\n{2,}")
_LINE_SPLIT_RE = re.compile(r"\n+")
#: Characters a bullet line starts with.
BULLETS = ("•", "-", "‣", "◦", "⁃", "▪", "●")
ELLIPSES = ("...", "…")
_UNSPACED_CHAR_RE = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"
)
_DENSE_CHAR_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# A sentence's end: Unicode's Sentence_Terminal marks, the Tibetan shad, or a letter of Thai or
# Lao, which write no mark at the end of a sentence (a space or a line break ends it).
_SENTENCE_END_RE = regex.compile(
    r"[\p{Sentence_Terminal}\u0f0d\u0f0e]|[[\p{Thai}\p{Lao}]&&[\p{L}\p{M}]]", regex.V1
)


def ends_with_terminal(line: str) -> bool:
    """Does the line's last character end a sentence (FineWeb's test, no space stripped)?

    >>> ends_with_terminal("Done."), ends_with_terminal("完了。"), ends_with_terminal("Done. ")
    (True, True, False)
    """
    if not line:
        return False
    last = line[-1]
    if last.isascii():
        return last in ".!?"
    return _SENTENCE_END_RE.match(last) is not None


def duplicates(items: Sequence[str]) -> tuple[int, int]:
    """How many items repeat an earlier one, and how many characters those repeats hold.

    >>> duplicates(["a", "bb", "a", "bb", "bb"])
    (3, 5)
    """
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def top_ngram_chars(tokens: Sequence[str], n: int) -> int:
    """Characters covered by the most frequent word n-gram (written with single spaces), counted
    once per occurrence; among n-grams as frequent, the first one seen. 0 when there is none.

    >>> top_ngram_chars("a b a b a".split(), 2)
    6
    """
    counts: dict[str, int] = {}
    for i in range(len(tokens) - n + 1):
        gram = " ".join(tokens[i : i + n])
        counts[gram] = counts.get(gram, 0) + 1
    if not counts:
        return 0
    best = max(counts.values())
    gram = next(g for g, c in counts.items() if c == best)
    return len(gram) * best


def dup_ngram_chars(tokens: Sequence[str], n: int) -> int:
    """Characters (without spaces) of the word n-grams that repeat an earlier one, walking the
    text left to right and jumping over a repeat, so no word is counted twice.

    >>> dup_ngram_chars("a b c a b c".split(), 3)
    3
    """
    seen: set[tuple[str, ...]] = set()
    chars = i = 0
    last = len(tokens) - n
    while i <= last:
        gram = tuple(tokens[i : i + n])
        if gram in seen:
            chars += sum(map(len, gram))
            i += n
        else:
            seen.add(gram)
            i += 1
    return chars


class Ngrams:
    """The word n-grams of a text as integer ids, for :func:`top_ngram_chars` and
    :func:`dup_ngram_chars` at numpy speed. Two positions share an id exactly when their
    n-grams are equal. An n-gram can only repeat where both its (n-1)-grams repeat, so only
    those positions are numbered by sorting their (id of the (n-1)-gram, id of the last word)
    pairs; every other position gets an id of its own.

    >>> grams = Ngrams("a b a b a".split())
    >>> grams.top_chars(2), grams.dup_chars(2)
    (6, 2)
    """

    def __init__(self, tokens: Sequence[str]) -> None:
        import numpy as np

        index = {t: i for i, t in enumerate(dict.fromkeys(tokens))}  # ids in order of first use
        self.n_tokens = len(tokens)
        self.vocabulary = len(index)
        ids = np.fromiter(map(index.__getitem__, tokens), np.int64, len(tokens))
        lengths = np.fromiter(map(len, tokens), np.int64, len(tokens))
        #: cum[j] = characters of the first j tokens
        self.cum = np.concatenate((np.zeros(1, np.int64), np.cumsum(lengths)))
        before = np.concatenate((np.full(1, -1, np.int64), np.maximum.accumulate(ids)[:-1]))
        first = np.flatnonzero(ids > before)  # where each id is used first, in id order
        self._levels: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {
            1: (ids, first, np.bincount(ids, minlength=len(first)))}

    def ids(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The id of the n-gram at each position, the first position of each id, and how many
        times each id occurs."""
        import numpy as np

        if n not in self._levels:
            prev, _, prev_counts = self.ids(n - 1)
            repeated = prev_counts[prev] > 1
            maybe = repeated[:-1] & repeated[1:]
            at = np.flatnonzero(maybe)
            key = prev[at] * (self.vocabulary + 1) + self._levels[1][0][at + n - 1]
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            alone = np.flatnonzero(~maybe)
            ids = np.empty(len(maybe), np.int64)
            ids[at] = inverse.reshape(-1)
            ids[alone] = len(first) + np.arange(len(alone))
            firsts = np.concatenate((at[first], alone))
            self._levels[n] = (ids, firsts, np.bincount(ids, minlength=len(firsts)))
        return self._levels[n]

    def top_chars(self, n: int) -> int:
        """:func:`top_ngram_chars` of the tokens."""
        if self.n_tokens < n:
            return 0
        _, first, counts = self.ids(n)
        best = int(counts.max())
        at = int(first[counts == best].min())  # the first seen of the most frequent
        return (int(self.cum[at + n] - self.cum[at]) + n - 1) * best

    def dup_chars(self, n: int) -> int:
        """:func:`dup_ngram_chars` of the tokens. Only positions whose n-gram came earlier can
        be repeats; the walk jumps from one to the next and marks the n-grams in between seen
        at once."""
        import numpy as np

        if self.n_tokens < n:
            return 0
        ids, first, _ = self.ids(n)
        is_first = np.zeros(len(ids), bool)
        is_first[first] = True
        repeats = np.flatnonzero(~is_first).tolist()
        if not repeats:
            return 0
        cum = self.cum
        chars = i = 0
        if len(repeats) * 4 > len(ids):  # mostly repeats: walk every position
            seen_ids: set[int] = set()
            plain = ids.tolist()
            last = len(plain) - 1
            while i <= last:
                g = plain[i]
                if g in seen_ids:
                    chars += int(cum[i + n] - cum[i])
                    i += n
                else:
                    seen_ids.add(g)
                    i += 1
            return chars
        seen = np.zeros(len(first), bool)
        for j in repeats:
            if j < i:
                continue
            seen[ids[i:j]] = True
            g = ids[j]
            if seen[g]:
                chars += int(cum[j + n] - cum[j])
                i = j + n
            else:
                seen[g] = True
                i = j + 1
        return chars


def token_counts(tokens: Sequence[str]) -> tuple[int, int, int, int]:
    """Of the tokens: how many are words (:func:`~corpusclean.language.words.is_word`), how many
    words of spaced scripts and their characters, and how many tokens hold a letter.

    >>> token_counts(["The", "3.5", "%", "京", "x-y"])
    (4, 3, 9, 3)
    """
    n = spaced = spaced_chars = alpha = 0
    for t, count in Counter(tokens).items():  # each different token once
        if t.isalnum():
            n += count
            if t.isascii():
                spaced += count
                spaced_chars += len(t) * count
                alpha += 0 if t.isdigit() else count
                continue
        elif is_word(t):
            n += count
        else:
            continue
        if is_spaced_word(t):
            spaced += count
            spaced_chars += len(t) * count
        if any(c.isalpha() for c in t):
            alpha += count
    return n, spaced, spaced_chars, alpha


def display_length(line: str) -> int:
    """The length of a line in Latin-letter equivalents: a Han, kana or Hangul character counts
    as three (it carries about as much as a short word: ``scripts.WEIGHTS``).

    >>> display_length("abc"), display_length("東京")
    (3, 6)
    """
    if line.isascii():
        return len(line)
    return len(line) + 2 * len(_DENSE_CHAR_RE.findall(line))


# -- stop words ---------------------------------------------------------------------------------

#: Gopher's English stop words (Rae et al. 2021, section A.1.1).
GOPHER_STOPWORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})

#: Stop words of languages written without spaces, found in the text as substrings (their words
#: are not cut by spaces, so a whole-word match would miss them).
UNSPACED_STOPWORDS: Mapping[str, frozenset[str]] = {
    "zh": frozenset("的 了 是 在 和 有 我 不 这 也 就 都 他 们 与 为 中 上 说 到".split()),
    "ja": frozenset("の に は を た が で て と し も な か ます です".split()),
    "th": frozenset("ที่ และ ใน ของ การ เป็น ได้ ไม่ มี ว่า จะ ให้ นี้ กับ แต่ คือ".split()),
}

#: The language whose stop words count when the document has no ``language`` annotation, by
#: its main script (Latin: English, as Gopher).
_SCRIPT_DEFAULT = {"Latin": "en", "Han": "zh", "Kana": "ja", "Thai": "th"}
_SCRIPT_SAMPLE = 4096  # characters of the text that tell its main script


def stop_word_language(doc: Document) -> str | None:
    """The language whose stop words the document is checked against: the ``language``
    annotation (``language.detect``), else the one its main script says, else ``None``.

    >>> stop_word_language(Document.from_text("Der Hund").annotate(language="de"))
    'de'
    >>> stop_word_language(Document.from_text("The dog")), stop_word_language(Document.from_text("Ζώο"))
    ('en', None)
    """
    language = doc.annotations.get("language")
    if isinstance(language, str) and language not in ("", "und"):
        return language
    sample = doc.text[:_SCRIPT_SAMPLE]
    if sample.isascii():
        return "en" if scripts.ascii_letters(sample) else None
    script = scripts.main_script_of_lines(sample.splitlines())
    return _SCRIPT_DEFAULT.get(script or "")


def count_stop_words(text: str, tokens: Sequence[str], language: str | None,
                     own: frozenset[str]) -> int | None:
    """How many different stop words the text holds (``own``, else the language's list);
    ``None`` when there is no list for the language."""
    if own:
        return len(own.intersection(t.lower() for t in tokens))
    if language is None:
        return None
    if language in UNSPACED_STOPWORDS:
        return sum(1 for w in UNSPACED_STOPWORDS[language] if w in text)
    listed = GOPHER_STOPWORDS if language == "en" else STOPWORDS.get(language)
    if listed is None:
        return None
    return len(listed.intersection(t.lower() for t in tokens))


# -- the filters ----------------------------------------------------------------------------------

Check = tuple[str, str, Any, bool]  # (reason, signal name, value, failed)


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        msg = f"{name} must be between 0 and 1, not {value!r}"
        raise ValueError(msg)


def _pairs(name: str, value: Any) -> tuple[tuple[int, float], ...]:
    """``value`` as ``((n, share), ...)`` (TOML gives lists of lists)."""
    out: list[tuple[int, float]] = []
    for item in value:
        n, share = item
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            msg = f"{name}: n must be an integer of 1 or more, not {n!r}"
            raise ValueError(msg)
        _check_share(f"{name}[{n}]", share)
        out.append((n, float(share)))
    return tuple(out)


def _decide(doc: Document, family: str, checks: Iterator[Check], annotate_only: bool) -> Decision:
    """Run the checks in order: drop at the first one that fails, or with ``annotate_only`` run
    them all and annotate the document with the signals and the failed reasons."""
    if not annotate_only:
        for reason, _, _, failed in checks:
            if failed:
                return drop(reason)
        return keep()
    signals: dict[str, Any] = {}
    failed_reasons: list[str] = []
    for reason, name, value, failed in checks:
        signals[name] = round(value, 4) if isinstance(value, float) else value
        if failed and reason not in failed_reasons:
            failed_reasons.append(reason)
    return _annotated(doc, family, {**signals, "failed": failed_reasons})


def _annotated(doc: Document, family: str, values: dict[str, Any]) -> Decision:
    """Write ``values`` under ``quality.<family>`` (keep when they are there already)."""
    merged = thaw(doc.annotations.get(ANNOTATION) or {})
    if merged.get(family) == values:
        return keep()
    merged[family] = values
    return rewrite(doc.annotate(**{ANNOTATION: merged}))


@dataclass(frozen=True)
class GopherQuality:
    """Drop documents that fail MassiveText's quality or repetition rules (Gopher).

    Quality: between ``min_words`` and ``max_words`` words; mean word length between
    ``min_mean_word_length`` and ``max_mean_word_length`` (words of spaced scripts); at most
    ``max_symbol_word_ratio`` '#' and as many ellipses per word; at most ``max_bullet_lines`` of
    the lines starting with a bullet and ``max_ellipsis_lines`` ending with an ellipsis; at least
    ``min_alpha_words`` of the words with a letter; at least ``min_stop_words`` stop words.
    Repetition: shares of repeated lines and paragraphs (by count and by characters), the
    character share of the most frequent 2-, 3- and 4-gram (``top_ngrams``) and of the repeated
    5- to 10-grams (``dup_ngrams``). ``min_words``, ``max_words`` and ``min_stop_words`` are off
    at 0. Stop words: ``stop_words`` if given, else the document's language's.
    """

    min_words: int = 50
    max_words: int = 100_000
    min_mean_word_length: float = 3.0
    max_mean_word_length: float = 10.0
    max_symbol_word_ratio: float = 0.1
    max_bullet_lines: float = 0.9
    max_ellipsis_lines: float = 0.3
    min_alpha_words: float = 0.8
    min_stop_words: int = 2
    stop_words: tuple[str, ...] = ()
    max_dup_paragraphs: float = 0.3
    max_dup_paragraph_chars: float = 0.2
    max_dup_lines: float = 0.3
    max_dup_line_chars: float = 0.2
    top_ngrams: tuple[tuple[int, float], ...] = ((2, 0.2), (3, 0.18), (4, 0.16))
    dup_ngrams: tuple[tuple[int, float], ...] = (
        (5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10),
    )
    annotate_only: bool = False

    def __post_init__(self) -> None:
        for name in ("max_bullet_lines", "max_ellipsis_lines", "min_alpha_words",
                     "max_dup_paragraphs", "max_dup_paragraph_chars", "max_dup_lines",
                     "max_dup_line_chars"):
            _check_share(name, getattr(self, name))
        for name in ("min_words", "max_words", "min_stop_words"):
            if getattr(self, name) < 0:
                msg = f"{name} must be 0 (off) or more, not {getattr(self, name)!r}"
                raise ValueError(msg)
        object.__setattr__(self, "stop_words", tuple(self.stop_words))
        object.__setattr__(self, "top_ngrams", _pairs("top_ngrams", self.top_ngrams))
        object.__setattr__(self, "dup_ngrams", _pairs("dup_ngrams", self.dup_ngrams))

    def __call__(self, doc: Document) -> Decision:
        return _decide(doc, "gopher", self.checks(doc), self.annotate_only)

    def checks(self, doc: Document) -> Iterator[Check]:
        """Every rule in the published order, as ``(reason, signal, value, failed)``; the
        measures of a rule are taken only when the one before has been looked at."""
        text = doc.text
        tokens = words(text)
        n_tokens = len(tokens) or 1
        n, spaced, spaced_chars, alpha_words = token_counts(tokens)
        yield ("quality.gopher.word_count", "words", n,
               (self.min_words > 0 and n < self.min_words)
               or (self.max_words > 0 and n > self.max_words))
        if spaced:
            mean = spaced_chars / spaced
            yield ("quality.gopher.mean_word_length", "mean_word_length", mean,
                   not self.min_mean_word_length <= mean <= self.max_mean_word_length)
        hashes = text.count("#") / n_tokens
        yield ("quality.gopher.hash_ratio", "hash_ratio", hashes,
               hashes > self.max_symbol_word_ratio)
        ellipses = (text.count("...") + text.count("…")) / n_tokens
        yield ("quality.gopher.ellipsis_ratio", "ellipsis_ratio", ellipses,
               ellipses > self.max_symbol_word_ratio)
        lines = text.splitlines() or [""]
        bullets = sum(ln.lstrip().startswith(BULLETS) for ln in lines) / len(lines)
        yield ("quality.gopher.bullet_lines", "bullet_lines", bullets,
               bullets > self.max_bullet_lines)
        trailing = sum(ln.rstrip().endswith(ELLIPSES) for ln in lines) / len(lines)
        yield ("quality.gopher.ellipsis_lines", "ellipsis_lines", trailing,
               trailing > self.max_ellipsis_lines)
        alpha = alpha_words / n_tokens
        yield ("quality.gopher.alpha_words", "alpha_words", alpha, alpha < self.min_alpha_words)
        language = stop_word_language(doc)
        stops = count_stop_words(text, tokens, language, frozenset(self.stop_words))
        if stops is not None:
            yield ("quality.gopher.stop_words", "stop_words", stops,
                   self.min_stop_words > 0 and stops < self.min_stop_words)
        yield from self._repetition(text, tokens)

    def _repetition(self, text: str, tokens: list[str]) -> Iterator[Check]:
        size = len(text) or 1
        paragraphs = _PARAGRAPH_SPLIT_RE.split(text.strip())
        count, chars = duplicates(paragraphs)
        yield ("quality.gopher.dup_paragraphs", "dup_paragraphs", count / len(paragraphs),
               count / len(paragraphs) > self.max_dup_paragraphs)
        yield ("quality.gopher.dup_paragraph_chars", "dup_paragraph_chars", chars / size,
               chars / size > self.max_dup_paragraph_chars)
        lines = _LINE_SPLIT_RE.split(text)
        count, chars = duplicates(lines)
        yield ("quality.gopher.dup_lines", "dup_lines", count / len(lines),
               count / len(lines) > self.max_dup_lines)
        yield ("quality.gopher.dup_line_chars", "dup_line_chars", chars / size,
               chars / size > self.max_dup_line_chars)
        grams = Ngrams(tokens)
        for n, share in self.top_ngrams:
            value = grams.top_chars(n) / size
            yield ("quality.gopher.top_ngram", f"top_{n}gram", value, value > share)
        for n, share in self.dup_ngrams:
            value = grams.dup_chars(n) / size
            yield ("quality.gopher.dup_ngram", f"dup_{n}gram", value, value > share)


#: What C4 calls terminal punctuation, and the sentence ends of other scripts.
C4_END_MARKS = (".", "?", "!", '"', "'")
_CITATION_RE = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
#: Closing quotes and brackets (and spaces) read past at a line's end to find its last mark.
CLOSING = "」』）》〉】\"”’'»)] \t"
POLICY_PHRASES = ("terms of use", "privacy policy", "cookie policy", "uses cookies",
                  "use of cookies", "use cookies")


def ends_sentence(line: str) -> bool:
    """C4's terminal punctuation: ``. ? ! " '`` at the end of the line but not ``...``; or a
    sentence-terminal mark of another script (``。！？।॥؟۔`` ..., the Tibetan shad), also before
    closing quotes and brackets; or, in Thai and Lao, which mark no sentence end, a letter. A
    Latin mark before a typographic quote is not one, as in C4.

    >>> ends_sentence("It works."), ends_sentence("Wait..."), ends_sentence("「好。」")
    (True, False, True)
    >>> ends_sentence("Really?”"), ends_sentence("यह अच्छा है।"), ends_sentence("ภาษาไทย")
    (False, True, True)
    """
    if line.endswith(C4_END_MARKS):
        return not line.endswith("...")
    if line.isascii():
        return False
    bare = line.rstrip(CLOSING)
    return bool(bare) and not bare[-1].isascii() and ends_with_terminal(bare)


@dataclass(frozen=True)
class C4:
    """Remove the lines C4 removes, then drop the page if what is left is not a page.

    Lines go (in this order) with a word over ``max_word_length`` characters, without terminal
    punctuation, with fewer than ``min_words_per_line`` words, with "javascript", about a policy
    (terms of use, privacy or cookie policy, cookie use). Among the lines left, "lorem ipsum" or
    a curly brace drops the page, and so do fewer than ``min_sentences`` sentences in all.
    ``max_word_length`` and ``min_sentences`` are off at 0; the ``filter_*`` switches turn a
    rule off. Citation marks ("[1]", "[edit]") are ignored when a line's end is read.
    """

    max_word_length: int = 1000
    filter_no_terminal_punct: bool = True
    min_words_per_line: int = 3
    filter_javascript: bool = True
    filter_policy: bool = True
    filter_lorem_ipsum: bool = True
    filter_curly_brace: bool = True
    min_sentences: int = 5
    annotate_only: bool = False

    def __post_init__(self) -> None:
        for name in ("max_word_length", "min_words_per_line", "min_sentences"):
            if getattr(self, name) < 0:
                msg = f"{name} must be 0 (off) or more, not {getattr(self, name)!r}"
                raise ValueError(msg)

    def line_reason(self, text: str) -> tuple[str | None, list[str]]:
        """The reason C4 removes a line for (``None``: kept) and, for a kept line, its tokens."""
        line = text.strip()
        if (self.max_word_length and len(line) > self.max_word_length
                and any(len(w) > self.max_word_length for w in line.split())):
            return "quality.c4.long_word", []
        bare = _CITATION_RE.sub("", line) if "[" in line else line
        if self.filter_no_terminal_punct and not ends_sentence(bare):
            return "quality.c4.no_terminal_punct", []
        if self.min_words_per_line and line_words(line) < self.min_words_per_line:
            return "quality.c4.too_few_words", []
        lowered = bare.lower()
        if self.filter_javascript and "javascript" in lowered:
            return "quality.c4.javascript", []
        if self.filter_policy and any(p in lowered for p in POLICY_PHRASES):
            return "quality.c4.policy", []
        return None, words(bare)

    def __call__(self, doc: Document) -> Decision:
        reasons: dict[int, str] = {}
        page_reasons: list[str] = []
        sentences = 0
        for i, line in doc.content_lines():
            reason, tokens = self.line_reason(line.text)
            if reason is None or reason in ("quality.c4.javascript", "quality.c4.policy"):
                # C4 reads lorem ipsum and braces on lines that passed the first rules.
                lowered = line.text.lower()
                if self.filter_lorem_ipsum and "lorem ipsum" in lowered:
                    page_reasons.append("quality.c4.lorem_ipsum")
                    if not self.annotate_only:
                        return drop("quality.c4.lorem_ipsum")
                curly_read = reason is None or reason == "quality.c4.policy"
                if curly_read and self.filter_curly_brace and "{" in line.text:
                    page_reasons.append("quality.c4.curly_brace")
                    if not self.annotate_only:
                        return drop("quality.c4.curly_brace")
            if reason is not None:
                reasons[i] = reason
            else:
                sentences += count_sentences(tokens)
        if self.min_sentences and sentences < self.min_sentences:
            page_reasons.append("quality.c4.too_few_sentences")
            if not self.annotate_only:
                return drop("quality.c4.too_few_sentences")
        if not self.annotate_only:
            return remove_lines(doc, reasons)
        removable: dict[str, int] = {}
        for reason in reasons.values():
            removable[reason] = removable.get(reason, 0) + 1
        return _annotated(doc, "c4", {
            "lines": sum(1 for _ in doc.content_lines()),
            "removable_lines": dict(sorted(removable.items())),
            "sentences": sentences,
            "failed": list(dict.fromkeys([*sorted(set(reasons.values())), *page_reasons])),
        })


def line_words(line: str) -> int:
    """Words of a line for C4's minimum: split on spaces, as C4 does (citation marks
    included); when the line holds words of an unspaced script, by
    :mod:`~corpusclean.language.words` if that finds more.

    >>> line_words("Go now [1]."), line_words("我们今天去北京。")
    (3, 7)
    """
    spaced = len(line.split())
    if line.isascii() or _UNSPACED_CHAR_RE.search(line) is None:
        return spaced
    return max(spaced, sum(1 for t in words(line) if is_word(t) and not is_spaced_word(t)))


@dataclass(frozen=True)
class FineWeb:
    """Drop documents that fail FineWeb's own rules: fewer than ``line_punct_thr`` of the lines
    ending in terminal punctuation; more than ``short_line_thr`` of the lines of
    ``short_line_length`` characters or less (a Han, kana or Hangul character counts three);
    repeated lines holding more than ``char_duplicates_ratio`` of the characters; more than
    ``new_line_ratio`` newlines per word. ``line_punct_exclude_zero`` keeps documents with no
    such line at all."""

    line_punct_thr: float = 0.12
    line_punct_exclude_zero: bool = False
    short_line_thr: float = 0.67
    short_line_length: int = 30
    char_duplicates_ratio: float = 0.01
    new_line_ratio: float = 0.3
    annotate_only: bool = False

    def __post_init__(self) -> None:
        for name in ("line_punct_thr", "short_line_thr", "char_duplicates_ratio"):
            _check_share(name, getattr(self, name))
        if self.new_line_ratio < 0:
            msg = f"new_line_ratio must be 0 or more, not {self.new_line_ratio!r}"
            raise ValueError(msg)

    def __call__(self, doc: Document) -> Decision:
        return _decide(doc, "fineweb", self.checks(doc), self.annotate_only)

    def checks(self, doc: Document) -> Iterator[Check]:
        """Every rule in FineWeb's order, as ``(reason, signal, value, failed)``."""
        text = doc.text
        lines = [ln for ln in text.split("\n") if ln.strip()]
        yield ("quality.fineweb.empty", "lines", len(lines), not lines)
        if not lines:
            return
        punct = sum(1 for ln in lines if ends_with_terminal(ln)) / len(lines)
        yield ("quality.fineweb.line_punct", "line_punct", punct,
               punct < self.line_punct_thr and not (punct == 0 and self.line_punct_exclude_zero))
        short = sum(1 for ln in lines if display_length(ln) <= self.short_line_length) / len(lines)
        yield ("quality.fineweb.short_lines", "short_lines", short, short > self.short_line_thr)
        chars = duplicates(lines)[1] / (len(text) - text.count("\n") or 1)
        yield ("quality.fineweb.char_duplicates", "char_duplicates", chars,
               chars > self.char_duplicates_ratio)
        ratio = text.count("\n") / (len(words(text)) or 1)
        yield ("quality.fineweb.newline_ratio", "newline_ratio", ratio, ratio > self.new_line_ratio)
