"""Deterministic language identification with langdetect.

langdetect draws random n-grams while it estimates; its own ``detect()`` is reproducible only
when ``DetectorFactory.seed`` is set, and its profile table is filled in directory-listing order.
This wrapper builds one private factory per process, loading the profiles in sorted order and
with a fixed seed, so the same text gets the same answer in every run and on every machine.
"No features in text" is not an exception here: it is the value :data:`UNDETERMINED`.

langdetect reads a few hundred lines per second, so a document is judged on a bounded sample:
its most prose-like lines, chosen deterministically, at most ``max_chars`` characters.

>>> detect_text("Le chat dort sur le canapé depuis ce matin.").language
'fr'
>>> detect_text("12:30 -- ***").language
'und'
"""

# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

from . import scripts
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


def _without_minor_latin(text: str) -> str:
    """Drop Latin words from text whose :func:`~corpusclean.language.scripts.main_script` is
    another script (brand names, English terms and English navigation in Chinese, Russian or
    Urdu text mislead langdetect).

    >>> _without_minor_latin("使用 Python 和 TensorFlow 进行开发")
    '使用   和   进行开发'
    """
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


class _NormalizedChars(dict):  # type: ignore[type-arg]
    """A ``str.translate`` table applying langdetect's per-character ``NGram.normalize``,
    filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = ch = NGram.normalize(chr(code))
        return ch


_NORMALIZED = _NormalizedChars()
_SPACES_RE = re.compile(" {2,}")
_ASCII_LETTERS_RE = re.compile("[A-z]")  # langdetect's own range: 'A' <= ch <= 'z'
_FROM_COMBINING_RE = re.compile("[\u0300-\U0010ffff]")


def _word_ngrams(word: str, known: dict[str, list[float]]) -> tuple[str, ...]:
    """The n-grams langdetect takes from one normalized word (with its following space, if
    any): NGram.add_char and NGram.get inlined, ``grams`` holding the last three characters,
    the word starting after a space; a run of capitals ("NASA") gives none."""
    out: list[str] = []
    grams = " "
    capital = False
    for ch in word:
        last = grams[-1]
        if last == " ":
            grams = " " + ch
            capital = False
        else:
            grams = (grams[1:] if len(grams) >= 3 else grams) + ch
            if not ch.isupper():
                capital = False
            elif last.isupper():
                capital = True
            if capital:
                continue
        if ch != " " and ch in known:
            out.append(ch)
        if grams[-2:] in known:
            out.append(grams[-2:])
        if len(grams) == 3 and grams in known:
            out.append(grams)
    return tuple(out)


_WORD_NGRAMS: dict[str, tuple[str, ...]] = {}
_WORD_NGRAMS_SIZE = 1 << 14


class FastDetector(Detector):
    """langdetect's ``Detector`` with its per-character work done in bulk and its sampling loop
    inlined: the same text cleaning, the same n-grams in the same order, the same random draws
    and the same float operations in the same order, hence the same probabilities to the last
    bit (tests compare it with ``Detector``). The 55 language probabilities are a numpy array:
    its elementwise products and quotients are the same IEEE operations as Python's, and their
    sum is still taken by Python's ``sum`` (numpy's is not left to right). On 3,000-character
    samples of web pages it takes about 45 % of ``Detector``'s time, most of it in the random
    sampling itself."""

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # langdetect keeps a character unless it is a space after a space.
        self.text += _SPACES_RE.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        text = self.text
        latin = len(_ASCII_LETTERS_RE.findall(text))
        non_latin = len(_FROM_COMBINING_RE.findall(text))
        if latin * 2 < non_latin:
            self.text = _ASCII_LETTERS_RE.sub("", text)

    def _extract_ngrams(self) -> list[str]:
        # NGram.add_char and NGram.get start afresh at each word, so a word's n-grams depend on
        # the word alone (and on whether a space follows it): they are looked up per word.
        words = self.text.translate(_NORMALIZED).split(" ")
        known = self.word_lang_prob_map
        result: list[str] = []
        for k, word in enumerate(words):
            if word:
                key = word + " " if k + 1 < len(words) else word
                grams = _WORD_NGRAMS.get(key)
                if grams is None:
                    if len(_WORD_NGRAMS) >= _WORD_NGRAMS_SIZE:
                        _WORD_NGRAMS.clear()
                    grams = _WORD_NGRAMS[key] = _word_ngrams(key, known)
                result += grams
        return result

    def _detect_block(self) -> None:
        # Detector._detect_block with _update_lang_prob and _normalize_prob inlined: the same
        # random draws, and the same float operations in the same order. The per-language
        # products and quotients are numpy elementwise operations (one IEEE operation per
        # element, as in Python); the sum stays Python's own ``sum`` over the same floats.
        self.cleaning_text()
        ngrams = self._extract_ngrams()
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        rows = _rows(self.word_lang_prob_map)
        rnd = self.random
        rnd.seed(self.seed)
        # random.choice(seq) is seq[random._randbelow(len(seq))]: the same draws, one call less.
        # That method is private; randrange(n) draws the same where it is missing.
        randbelow, count = getattr(rnd, "_randbelow", rnd.randrange), len(ngrams)
        threshold, limit = self.CONV_THRESHOLD, self.ITERATION_LIMIT
        langprob = np.zeros(len(self.langlist))
        for _ in range(self.n_trial):
            prob = np.array(self._init_probability(), dtype=np.float64)
            weight = (self.alpha + rnd.gauss(0.0, 1.0) * self.ALPHA_WIDTH) / self.BASE_FREQ
            i = 0
            while True:
                prob *= weight + rows[ngrams[randbelow(count)]]
                if i % 5 == 0:
                    prob /= sum(prob.tolist())
                    if prob.max() > threshold or i >= limit:
                        break
                i += 1
            langprob += prob / self.n_trial
        self.langprob = langprob.tolist()


class _ProbabilityRows(dict):  # type: ignore[type-arg]
    """langdetect's per-n-gram probability lists as numpy arrays, made as n-grams are drawn
    (a few thousand of the profiles' 170,000 n-grams are ever drawn)."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, ngram: str) -> np.ndarray:
        if len(self) >= _ROWS_SIZE:
            self.clear()
        self[ngram] = row = np.array(self.table[ngram], dtype=np.float64)
        return row


_ROWS_SIZE = 1 << 14
_ROWS: dict[int, _ProbabilityRows] = {}


def _rows(table: dict[str, list[float]]) -> _ProbabilityRows:
    """The array rows of one factory's n-gram table (one table per process in practice)."""
    rows = _ROWS.get(id(table))
    if rows is None or rows.table is not table:
        _ROWS.clear()
        rows = _ROWS[id(table)] = _ProbabilityRows(table)
    return rows


@lru_cache(maxsize=1)
def factory() -> DetectorFactory:
    """The process's langdetect factory: profiles loaded once, in sorted order, seeded."""
    paths = sorted(p for p in Path(PROFILES_DIRECTORY).iterdir() if not p.name.startswith("."))
    profiles = [p.read_text(encoding="utf-8") for p in paths if p.is_file()]
    f = DetectorFactory()
    f.load_json_profile(profiles)
    f.set_seed(SEED)
    log.debug("loaded %d langdetect profiles", len(profiles))
    return f


def languages() -> tuple[str, ...]:
    """The languages the detector can answer, as output codes, sorted."""
    return tuple(sorted({CODE_MAP.get(c, c) for c in factory().get_lang_list()}))


def detect_text(text: str) -> Detection:
    """Detect the language of ``text`` as it is (no sampling; langdetect reads at most 10,000
    characters), corrected by :func:`by_script`. Returns :data:`NOTHING` (``und``, 0.0) when
    there is nothing to judge."""
    if _LETTER_RE.search(text) is None:
        return NOTHING
    detector = FastDetector(factory())
    try:
        detector.append(_without_minor_latin(text))
        ranked = detector.get_probabilities()
    except LangDetectException:
        return NOTHING
    if not ranked:
        return NOTHING
    merged: dict[str, float] = {}
    for lang in ranked:
        code = CODE_MAP.get(lang.lang, lang.lang)
        merged[code] = merged.get(code, 0.0) + lang.prob
    candidates = tuple(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))
    best, score = candidates[0]
    return by_script(Detection(best, score, candidates), scripts.script_counts(text))


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
    main = scripts.main_script_of_lines(pieces)
    if main is not None:
        pieces = [p for p in pieces if scripts.line_vote(p)[0] == main]
    found = detect_text("\n".join(pieces))
    if len(pieces) < 2 or not found.determined:
        return found
    labels = [_stopword_language(tokens(p)) for p in pieces]
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
