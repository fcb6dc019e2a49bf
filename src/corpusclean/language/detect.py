"""Deterministic language identification with langdetect.

langdetect draws random n-grams while it estimates; its own ``detect()`` is reproducible only
when ``DetectorFactory.seed`` is set, and its profile table is filled in directory-listing order.
This wrapper builds one private factory per process, loading the profiles in sorted order and
with a fixed seed, so the same text gets the same answer in every run and on every machine.
"No features in text" is not an exception here: it is the value :data:`UNDETERMINED`.

langdetect reads a few hundred lines per second, so a document is judged on a bounded sample:
its most prose-like lines, chosen deterministically, at most ``max_chars`` characters. Where the
compiled core is present (``corpusclean._accel``), its port of langdetect's detector judges the
sample, over the tables the factory would build (the core reads langdetect's profile files
itself), with the same probabilities to the last bit; langdetect's own ``Detector`` is the
reference and the fallback.

>>> detect_text("Le chat dort sur le canapé depuis ce matin.").language
'fr'
>>> detect_text("12:30 -- ***").language
'und'
"""

# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils import unicode_block
from langdetect.utils.ngram import NGram

from .. import _accel
from . import scripts
from .lines import facts as line_facts
from .lines import line_language
from .scripts import ascii_letters
from .stopwords import are_close, hit_counts, tokens

log = logging.getLogger(__name__)

#: The language code for text with nothing to judge (no letters, only symbols, empty).
UNDETERMINED = "und"

#: The seed of langdetect's random sampling.
SEED = 0

#: langdetect codes folded into one output code.
CODE_MAP = {"zh-cn": "zh", "zh-tw": "zh"}

_LETTER_RE = regex.compile(r"\p{L}")
# One Han, kana or Hangul character carries about as much as a short word.
_DENSE_RE = regex.compile(r"[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]")
_NOT_DENSE_RE = regex.compile(r"[^\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]+")
_NOT_LETTERS_RE = regex.compile(r"\P{L}+")
_LATIN_RE = regex.compile(r"\p{sc=Latin}+")


def _without_minor_latin(text: str, counts: Mapping[str, int] | None = None) -> str:
    """Drop Latin words from text whose :func:`~corpusclean.language.scripts.main_script` is
    another script (brand names, English terms and English navigation in Chinese, Russian or
    Urdu text mislead langdetect). ``counts`` are the text's
    :func:`~corpusclean.language.scripts.script_counts` when the caller has them.

    >>> _without_minor_latin("使用 Python 和 TensorFlow 进行开发")
    '使用   和   进行开发'
    """
    if counts is None:
        counts = scripts.script_counts(text)
    if not counts.get("Latin") or scripts.main_script(counts) in (None, "Latin"):
        return text
    return _LATIN_RE.sub(" ", text)


# Four runs of word characters or more (possessive, from a word's start: no backtracking).
_FOUR_WORDS_RE = regex.compile(r"\b\w++(?:\W++\w++){3}")
_TERMINAL = frozenset(".!?。！？؟।…:;\"'”»)")  # sentence-final punctuation


@dataclass(frozen=True, slots=True)
class Detection:
    """A language decision: an ISO 639-1 code (langdetect's, with ``zh-cn``/``zh-tw`` folded
    into ``zh``) or ``und``, the probability of that language, and every candidate langdetect
    kept (probability above 0.1), best first."""

    language: str
    score: float
    candidates: tuple[tuple[str, float], ...] = ()

    @property
    def determined(self) -> bool:
        return self.language != UNDETERMINED

    def probability(self, language: str) -> float:
        """The probability of ``language`` among the candidates (0.0 when absent)."""
        return sum(p for code, p in self.candidates if code == language)


NOTHING = Detection(UNDETERMINED, 0.0)


def profile_files() -> list[Path]:
    """langdetect's profile files, in the order :func:`factory` loads them (sorted by name)."""
    paths = sorted(p for p in Path(PROFILES_DIRECTORY).iterdir() if not p.name.startswith("."))
    return [p for p in paths if p.is_file()]


@lru_cache(maxsize=1)
def factory() -> DetectorFactory:
    """The process's langdetect factory: profiles loaded once, in sorted order, seeded."""
    profiles = [p.read_text(encoding="utf-8") for p in profile_files()]
    f = DetectorFactory()
    f.load_json_profile(profiles)
    f.set_seed(SEED)
    log.debug("loaded %d langdetect profiles", len(profiles))
    return f


def languages() -> tuple[str, ...]:
    """The languages the detector can answer, as output codes, sorted."""
    return tuple(sorted({CODE_MAP.get(c, c) for c in factory().get_lang_list()}))


# The blocks NGram.normalize changes characters of; every other character stays itself. In the
# first group it maps every character to one character; in the CJK ideographs it maps through
# NGram.CJK_MAP; in the rest it is worked out character by character.
_CONSTANT_BLOCKS = frozenset(
    getattr(unicode_block, "UNICODE_" + name)
    for name in (
        "GENERAL_PUNCTUATION", "HIRAGANA", "KATAKANA", "BOPOMOFO", "BOPOMOFO_EXTENDED",
        "HANGUL_SYLLABLES",
    )
)
_CJK_BLOCK = unicode_block.UNICODE_CJK_UNIFIED_IDEOGRAPHS
_NORMALIZED_BLOCKS = frozenset(
    getattr(unicode_block, "UNICODE_" + name)
    for name in ("BASIC_LATIN", "LATIN_1_SUPPLEMENT", "LATIN_EXTENDED_B", "ARABIC",
                 "LATIN_EXTENDED_ADDITIONAL")
) | _CONSTANT_BLOCKS | {_CJK_BLOCK}


def _normalized_chars() -> dict[str, str]:
    """Every character ``NGram.normalize`` changes, with its replacement: a block at a time
    where it gives one character for the whole block or looks the character up in
    ``NGram.CJK_MAP``, character by character elsewhere (1,000 calls rather than 33,500)."""
    changed: dict[str, str] = {}
    blocks = unicode_block._unicode_blocks  # (block, first, last) in langdetect's own table
    for block, first, last in blocks:
        if block not in _NORMALIZED_BLOCKS:
            continue
        if block in _CONSTANT_BLOCKS:
            to = NGram.normalize(chr(first))
            changed.update((chr(code), to) for code in range(first, last + 1) if chr(code) != to)
        elif block == _CJK_BLOCK:
            changed.update((ch, NGram.CJK_MAP[ch]) for ch in sorted(NGram.CJK_MAP)
                           if first <= ord(ch) <= last and NGram.CJK_MAP[ch] != ch)
        else:
            for code in range(first, last + 1):
                ch = chr(code)
                normalized = NGram.normalize(ch)
                if normalized != ch:
                    changed[ch] = normalized
    return changed


#: How this Python's ``sum()`` adds floats (3.12 made it compensated), which langdetect's
#: normalization step inherits.
SUM_MODE = "left" if sys.version_info < (3, 12) else "neumaier"


@lru_cache(maxsize=1)
def core_detector() -> object | None:
    """The compiled detector, or None without the core.

    The core reads langdetect's profile files itself (:func:`profile_files`) and builds the
    tables :func:`factory` builds, to the bit; where it cannot (a file in a form it does not
    read), it is handed :func:`factory`'s tables instead."""
    core = _accel.core()
    if core is None:
        return None
    vietnamese = (NGram.TO_NORMALIZE_VI_CHARS, NGram.DMARK_CLASS, NGram.NORMALIZED_VI_CHARS)
    if line_language() is not None:
        # The core's character table is this interpreter's: it has the uppercase characters
        # and the sampling's classes already (not computed here at every start).
        uppercase, classes = None, None
    else:
        uppercase = "".join(filter(str.isupper, map(chr, range(sys.maxunicode + 1))))
        classes = _text_classes()
    rest = (_normalized_chars(), uppercase, vietnamese, classes, SEED, SUM_MODE)
    try:
        return core.LangDetector([str(p) for p in profile_files()], None, *rest)
    except (OSError, ValueError) as exc:
        _accel.FALLBACKS["core.fallback.profiles"] += 1
        log.warning("the core did not read langdetect's profiles (%s): loading them here", exc)
    f = factory()
    return core.LangDetector(f.word_lang_prob_map, f.langlist, *rest)


# The complements of the sampling's classes, as this Python's `regex` and `str` define them.
_OUTSIDE_CLASSES = (
    _NOT_LETTERS_RE,  # letters
    _NOT_DENSE_RE,  # Han, kana, Hangul
    regex.compile(r"\P{sc=Latin}+"),  # Latin
    regex.compile(r"\W+"),  # the word characters of _FOUR_WORDS_RE
    re.compile(r"\S+"),  # str.isspace(): what str.strip() removes
)


def _text_classes() -> tuple[str, ...]:
    """The characters of the classes :func:`prose_score`, :func:`sample` and
    :func:`_without_minor_latin` use: letters, Han/kana/Hangul, Latin, word characters,
    white space (each what is left of every character once the rest is removed, a plane at a
    time)."""
    planes = [
        "".join(map(chr, range(start, min(start + 0x10000, sys.maxunicode + 1))))
        for start in range(0, sys.maxunicode + 1, 0x10000)
    ]
    return tuple(
        "".join(pattern.sub("", plane) for plane in planes) for pattern in _OUTSIDE_CLASSES
    )


def reference_ranked(text: str) -> list[tuple[str, float]]:
    """langdetect's candidates for ``text`` (above 0.1, best first) by langdetect itself, the
    reference of the compiled detector; empty when langdetect finds nothing to judge."""
    detector = factory().create()
    detector.append(text)
    try:
        return [(lang.lang, lang.prob) for lang in detector.get_probabilities()]
    except LangDetectException:
        return []


def _detection(ranked: list[tuple[str, float]], counts: Mapping[str, int]) -> Detection:
    """A decision on a text from langdetect's candidates, ``zh-cn`` and ``zh-tw`` merged into
    ``zh``, corrected by :func:`by_script` with the text's script ``counts``."""
    if not ranked:
        return NOTHING
    merged: dict[str, float] = {}
    for lang, prob in ranked:
        code = CODE_MAP.get(lang, lang)
        merged[code] = merged.get(code, 0.0) + prob
    candidates = tuple(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))
    best, score = candidates[0]
    return by_script(Detection(best, score, candidates), counts)


def by_script(found: Detection, counts: Mapping[str, int]) -> Detection:
    """langdetect's answer corrected where the letters decide. The text's
    :func:`~corpusclean.language.scripts.main_script` names the language when only one
    language writes it (Greek, Hebrew, Thai, Hangul, kana, ... : probability 1.0); Han without
    kana or Hangul is Chinese, never Korean; an answer in a script the text has no letter of
    gives way to the best candidate written in the text's script (when there is one).

    >>> by_script(Detection("ko", 0.8, (("ko", 0.8), ("zh", 0.2))), {"Han": 12}).language
    'zh'
    >>> by_script(Detection("en", 0.9, (("en", 0.9),)), {"Greek": 30, "Latin": 12})
    Detection(language='el', score=1.0, candidates=(('en', 0.9),))
    """
    if not found.determined:
        return found
    main = scripts.main_script(counts)
    if main == "Han" and found.language != "zh":
        return Detection("zh", found.score, found.candidates)
    if main is None or scripts.writes(found.language, main):
        return found
    only = scripts.SCRIPT_LANGUAGE.get(main)
    if only is not None:
        return Detection(only, 1.0, found.candidates)
    if any(scripts.writes(found.language, s) for s, n in counts.items() if n):
        return found  # the answer's script is there too: mixed text, the model's call
    for code, p in found.candidates:
        if scripts.writes(code, main):
            return Detection(code, p, found.candidates)
    return found


def detect_text(text: str, counts: Mapping[str, int] | None = None) -> Detection:
    """Detect the language of ``text`` as it is (no sampling; langdetect reads at most 10,000
    characters) without its minor Latin words, corrected by :func:`by_script`. Returns
    :data:`NOTHING` (``und``, 0.0) when there is nothing to judge. ``counts`` are the text's
    :func:`~corpusclean.language.scripts.script_counts` when the caller has them."""
    if _LETTER_RE.search(text) is None:
        return NOTHING
    if counts is None:
        counts = scripts.script_counts(text)
    return _detection(_ranked(_without_minor_latin(text, counts)), counts)


def _ranked(text: str) -> list[tuple[str, float]]:
    """langdetect's candidates for ``text``: by the compiled detector where there is one, else
    by :func:`reference_ranked`."""
    detector = core_detector()
    if detector is not None:
        with _accel.fallback_on_error("language.detect"):
            return detector.detect(text) or []  # type: ignore[attr-defined]
    return reference_ranked(text)


def prose_score(line: str) -> float:
    """How much a line looks like running text: its letters (up to 400; Han, kana and Hangul
    count three times), scaled by the share of letters among its characters, with a bonus for
    sentence-final punctuation.

    >>> prose_score("Home | About") < prose_score("The cat sat on the mat all day long.")
    True
    """
    stripped = line.strip()
    if not stripped:
        return 0.0
    if stripped.isascii():  # the letters of ASCII are A-Z and a-z, none of them dense
        letters = weight = ascii_letters(stripped)
    else:
        # Counted as what is left once everything else is removed (no list of matches).
        letters = len(_NOT_LETTERS_RE.sub("", stripped))
        weight = letters + 2 * len(_NOT_DENSE_RE.sub("", stripped))
    if not letters:
        return 0.0
    score = min(weight, 400) * letters / len(stripped)
    # The line is stripped: only its last character can end it like a sentence.
    if stripped[-1] in _TERMINAL and _FOUR_WORDS_RE.search(stripped):
        score += 50.0
    return score


def sample_lines(
    lines: Sequence[str],
    *,
    max_chars: int = 3000,
    max_line_chars: int = 600,
    min_chars: int = 300,
    min_ratio: float = 0.2,
) -> list[str]:
    """The bounded text a document is judged on: its most prose-like lines (ties broken by
    position), each cut at ``max_line_chars``, taken until ``max_chars`` is reached and put
    back in document order.

    Lines scoring under ``min_ratio`` of the best line (table rows, lists of names, menus) are
    taken only while the sample is shorter than ``min_chars``, so they cannot outweigh the
    running text of a page.

    >>> sample_lines(["Menu", "A long line of running text here.", "Footer"], max_chars=40)
    ['A long line of running text here.', 'Footer']
    """
    if (max_line_chars, min_chars, min_ratio) == (600, 300, 0.2):  # the core's limits
        detector = core_detector()
        if detector is not None:
            with _accel.fallback_on_error("language.detect"):
                return detector.sample_lines(lines, max_chars)  # type: ignore[attr-defined,no-any-return]
    return reference_sample_lines(
        lines, max_chars=max_chars, max_line_chars=max_line_chars, min_chars=min_chars,
        min_ratio=min_ratio,
    )


def reference_sample_lines(
    lines: Sequence[str],
    *,
    max_chars: int = 3000,
    max_line_chars: int = 600,
    min_chars: int = 300,
    min_ratio: float = 0.2,
) -> list[str]:
    """:func:`sample_lines` by :func:`prose_score`, the reference of the compiled core's."""
    # Best score first, ties in document order.
    ranked = sorted((-prose_score(line), i) for i, line in enumerate(lines))
    best = -ranked[0][0] if ranked else 0.0
    chosen: list[tuple[int, str]] = []
    total = 0
    for negated, i in ranked:
        score = -negated
        if score <= 0 or total >= max_chars:
            break
        if score < min_ratio * best and total >= min_chars:
            break
        piece = lines[i].strip()[:max_line_chars]
        chosen.append((i, piece))
        total += len(piece) + 1
    return [piece for _, piece in sorted(chosen)]


def sample(lines: Sequence[str], **limits: float) -> str:
    """:func:`sample_lines` joined by newlines."""
    return "\n".join(sample_lines(lines, **limits))  # type: ignore[arg-type]


def _stopword_language(words: list[str]) -> str | None:
    """The language whose stopwords a line has most of (at least two, and more than any
    language not close to it), or ``None``."""
    hits, _ = hit_counts(words)
    if not hits:
        return None
    best = max(sorted(hits), key=hits.__getitem__)
    n = hits[best]
    if n < 2 or any(m >= n for lang, m in hits.items() if not are_close(lang, best)):
        return None
    return best


def detect_lines(lines: Iterable[str], *, max_chars: int = 3000) -> Detection:
    """Detect the language of a document given as lines, on a bounded sample of them
    (:func:`sample`), judged by its lines before its letters:

    1. Only the sample lines in the document's main script are read: the script that most
       lines are written in (:func:`~corpusclean.language.scripts.main_script_of_lines`), so
       one long line in another script does not decide the document's language.
    2. A sample line whose stopwords name a language other than the answer (and not close to
       it) is left out and the rest is read again. When the lines of one such language are
       more, and outvote, the lines whose stopwords name the answer (each with the square root
       of its length), the answer was tipped by a few long lines, and the document is read
       again without the answer's lines instead.
    """
    pieces = sample_lines(list(lines), max_chars=max_chars)
    known = line_facts(pieces)  # the core's answers for every piece, or None
    counts = None  # the script counts of the pieces kept, when the core has them
    if known is None:
        main = scripts.main_script_of_lines(pieces)
        if main is not None:
            pieces = [p for p in pieces if scripts.line_vote(p)[0] == main]
    else:
        main, kept = known.summary()[0], list(range(len(pieces)))  # type: ignore[attr-defined]
        if main is not None:
            votes = known.votes()  # type: ignore[attr-defined]
            kept = [i for i in kept if votes[i] == main]
            pieces = [pieces[i] for i in kept]
        counts = dict(known.counts(kept))  # type: ignore[attr-defined]
    found = detect_text("\n".join(pieces), counts)
    if len(pieces) < 2 or not found.determined:
        return found
    if known is None:
        labels = [_stopword_language(tokens(p)) for p in pieces]
    else:
        every = known.stopword_languages()  # type: ignore[attr-defined]
        labels = [every[i] for i in kept]
    dissent = [
        lab is not None and not are_close(lab, found.language) for lab in labels
    ]
    if not any(dissent):
        return found
    votes: dict[str, float] = {}
    count: Counter[str] = Counter()
    for piece, lab in zip(pieces, labels, strict=True):
        if lab is not None:
            key = found.language if are_close(lab, found.language) else lab
            votes[key] = votes.get(key, 0.0) + len(piece) ** 0.5
            count[key] += 1
    rival = max(sorted(votes), key=votes.__getitem__)
    if (
        votes[rival] > votes.get(found.language, 0.0)
        and count[rival] > count[found.language]
    ):
        rest = [p for p, lab in zip(pieces, labels, strict=True) if lab != found.language]
    else:
        rest = [p for p, d in zip(pieces, dissent, strict=True) if not d]
    again = detect_text("\n".join(rest))
    return again if again.determined else found
