"""Writing systems: which script each letter belongs to, a text's script profile, and which
scripts belong together in one language (Japanese mixes Han, Hiragana and Katakana; Korean mixes
Hangul and Han; Serbian is written in Cyrillic and Latin).

Only letters and combining marks count: digits, punctuation, symbols and spaces are shared by
every script (Unicode's ``Common`` and ``Inherited``) and belong to none.

>>> script_counts("Москва (Moscow), 2024")
Counter({'Cyrillic': 6, 'Latin': 6})
>>> dominant_script("東京都は高い")
'Han'
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache

import regex

#: The scripts told apart, in a fixed order (ties in counts are broken by this order).
SCRIPTS: tuple[str, ...] = (
    "Latin",
    "Cyrillic",
    "Greek",
    "Armenian",
    "Georgian",
    "Hebrew",
    "Arabic",
    "Syriac",
    "Thaana",
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Thai",
    "Lao",
    "Tibetan",
    "Myanmar",
    "Khmer",
    "Ethiopic",
    "Hangul",
    "Hiragana",
    "Katakana",
    "Han",
    "Bopomofo",
    "Mongolian",
)

#: Letters of any script not listed in :data:`SCRIPTS`.
OTHER = "Other"

# The prolonged sound marks are Unicode script Common, but only Japanese uses them.
_EXTRA = {"Katakana": "\u30fc\uff70"}


def _class(script: str) -> str:
    extra = _EXTRA.get(script, "")
    return rf"[[\p{{sc={script}}}&&[\p{{L}}\p{{M}}]]{extra}]+"


_RUN_RE = regex.compile(
    "|".join(f"(?P<{s}>{_class(s)})" for s in SCRIPTS) + rf"|(?P<{OTHER}>\p{{L}}+)",
    regex.V1,
)
_ORDER = {s: i for i, s in enumerate((*SCRIPTS, OTHER, "Kana"))}  # dominant_script's tie order
_LETTER_RE = regex.compile(r"\p{L}")

#: Scripts that one language writes together. A document whose language or main script is in
#: this table also accepts the other scripts of its group as its own.
LANGUAGE_SCRIPTS: Mapping[str, frozenset[str]] = {
    "ja": frozenset({"Han", "Hiragana", "Katakana", "Latin"}),
    "ko": frozenset({"Hangul", "Han"}),
    "zh": frozenset({"Han", "Bopomofo"}),
    "sr": frozenset({"Cyrillic", "Latin"}),
    "bs": frozenset({"Cyrillic", "Latin"}),
    "mk": frozenset({"Cyrillic"}),
    "uz": frozenset({"Cyrillic", "Latin"}),
    "kk": frozenset({"Cyrillic", "Latin"}),
    "az": frozenset({"Cyrillic", "Latin"}),
}

#: Scripts that always come together: a document using one of the keys uses the values too.
SCRIPT_GROUPS: Mapping[str, frozenset[str]] = {
    "Hiragana": LANGUAGE_SCRIPTS["ja"],
    "Katakana": LANGUAGE_SCRIPTS["ja"],
    "Hangul": LANGUAGE_SCRIPTS["ko"],
    "Bopomofo": LANGUAGE_SCRIPTS["zh"],
}

#: How many Latin letters one character of a script is worth when shares are compared: a Han
#: character, a kana or a Hangul syllable carries about as much as a short word.
WEIGHTS: Mapping[str, int] = {"Han": 3, "Hiragana": 3, "Katakana": 3, "Hangul": 3}

#: Scripts written without spaces between words (word counts do not apply to them).
UNSPACED: frozenset[str] = frozenset(
    {"Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar", "Tibetan"}
)


#: Hiragana and Katakana together, as :func:`main_script` names them.
KANA = "Kana"

#: The script each language is written in, for the languages of the language detector that are
#: not written in Latin letters (every other language: Latin). Japanese is listed by its kana:
#: Han alone does not tell Japanese from Chinese.
WRITTEN_IN: Mapping[str, str] = {
    **dict.fromkeys(("ar", "fa", "ur"), "Arabic"),
    **dict.fromkeys(("bg", "mk", "ru", "uk"), "Cyrillic"),
    **dict.fromkeys(("hi", "mr", "ne"), "Devanagari"),
    "bn": "Bengali",
    "el": "Greek",
    "gu": "Gujarati",
    "he": "Hebrew",
    "ja": "Kana",
    "kn": "Kannada",
    "ko": "Hangul",
    "ml": "Malayalam",
    "pa": "Gurmukhi",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "zh": "Han",
}

#: Scripts that only one of those languages writes: a text in one of them is in that language
#: whatever a model says (Greek letters are Greek; Hangul is Korean; kana is Japanese).
SCRIPT_LANGUAGE: Mapping[str, str] = {
    **{
        script: lang
        for lang, script in WRITTEN_IN.items()
        if list(WRITTEN_IN.values()).count(script) == 1 and script != "Han"
    },
}


def written_in(language: str) -> str | None:
    """The main script of ``language`` (``None`` for ``und``).

    >>> written_in("uk"), written_in("fr"), written_in("ja"), written_in("und")
    ('Cyrillic', 'Latin', 'Kana', None)
    """
    if language == "und":
        return None
    return WRITTEN_IN.get(language, "Latin")


#: Scripts :func:`main_script` tells apart by the share of each (Han, kana, Hangul).
DENSE = frozenset({"Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"})


def main_script(counts: Mapping[str, int]) -> str | None:
    """The script that says which language a text is in, from its letter counts: the script
    with the most (weighted) letters, Latin left aside when the other scripts together have
    a third of the letters or more (brand names, English terms and English navigation beside
    Russian, Urdu or Chinese text: the other script is the writer's). Han, kana and Hangul are
    told apart as languages write them: any Hangul makes Korean text (``Hangul``), kana in a
    tenth of the letters or more makes Japanese text (:data:`KANA`), Han alone is ``Han``.

    >>> main_script(script_counts("Apple представила новый iPhone"))
    'Cyrillic'
    >>> [main_script(script_counts(t)) for t in ("東京は晴れです", "한국어 文字", "中文", "ok")]
    ['Kana', 'Hangul', 'Han', 'Latin']
    """
    w = weighted(counts)
    latin = w.get("Latin", 0)
    if latin and (sum(w.values()) - latin) * 2 >= latin:
        del w["Latin"]
    best = dominant_script(w)
    if best not in DENSE:
        return best
    kana = w.get("Hiragana", 0) + w.get("Katakana", 0)
    hangul = w.get("Hangul", 0)
    if hangul and hangul >= kana:
        return "Hangul"
    if kana * 10 >= sum(n for s, n in w.items() if s in DENSE):
        return KANA
    return "Han"


def main_script_of_lines(lines: Iterable[str]) -> str | None:
    """The main script of a text given as lines, by a vote of its lines: each line votes for
    its :func:`main_script` with the square root of its (weighted) letters, so that long
    paragraphs count more than menu items but one long line does not outvote several
    sentences. ``None`` without letters; ties go to the first script in :data:`SCRIPTS`.

    >>> main_script_of_lines(["Одна строка.", "Другая строка.", "A much longer English line."])
    'Cyrillic'
    """
    votes: dict[str, float] = {}
    for line in lines:
        script, weight, _ = line_vote(line)
        if script is not None:
            votes[script] = votes.get(script, 0.0) + weight
    return dominant_script(votes) if votes else None


def line_vote(line: str) -> tuple[str | None, float, str | None]:
    """One line's :func:`main_script`, the square root of its weighted letters (its vote in
    :func:`main_script_of_lines`) and its script with the most weighted letters.

    >>> line_vote("Привет, world")
    ('Cyrillic', 3.3166247903554, 'Cyrillic')
    """
    counts = script_counts(line)
    heavy = weighted(counts)
    return main_script(counts), sum(heavy.values()) ** 0.5, dominant_script(heavy)


def writes(language: str, script: str) -> bool:
    """Is ``script`` (a script of :data:`SCRIPTS` or :data:`KANA`) the script ``language`` is
    written in, or one that goes with it (Han for Japanese and Korean)?

    >>> writes("ja", "Han"), writes("ja", KANA), writes("zh", KANA), writes("ru", "Latin")
    (True, True, False, False)
    """
    own = written_in(language)
    if own is None:
        return False
    return script == own or (script != "Latin" and script in LANGUAGE_SCRIPTS.get(language, ()))


def script_counts(text: str) -> Counter[str]:
    """Count the letters (and combining marks) of ``text`` per script, in the order the text
    first uses each script.

    >>> script_counts("abc déf 123 !")
    Counter({'Latin': 6})
    >>> script_counts("")
    Counter()
    """
    counts: Counter[str] = Counter()
    if text.isascii():  # the letters of ASCII are A-Z and a-z, all Latin
        if n := ascii_letters(text):
            counts["Latin"] = n
        return counts
    for ch, n in Counter(text).items():  # each different character looked up once
        script = char_script(ch)
        if script is not None:
            counts[script] += n
    return counts


def ascii_letters(text: str) -> int:
    """How many letters an ASCII text has (its A-Z and a-z): what is left once the rest of its
    characters are deleted.

    >>> ascii_letters("Hello, World 42!")
    10
    """
    return len(text) - len(text.encode("ascii").translate(None, _ASCII_LETTERS))


_ASCII_LETTERS = string.ascii_letters.encode("ascii")


def has_letters(text: str) -> bool:
    """True when ``text`` has at least one letter of any script.

    >>> has_letters("12.05.2024, 16:00 — €"), has_letters("№ 5 a")
    (False, True)
    """
    return _LETTER_RE.search(text) is not None


def dominant_script(text_or_counts: str | Mapping[str, int] | Mapping[str, float]) -> str | None:
    """The script with the most letters, or ``None`` when there are no letters.

    >>> dominant_script("Привет, world!"), dominant_script("42")
    ('Cyrillic', None)
    """
    counts = script_counts(text_or_counts) if isinstance(text_or_counts, str) else text_or_counts
    best: str | None = None
    best_n: float = 0
    # The first script in the order of SCRIPTS with the largest positive count.
    for script, n in counts.items():
        if script not in _ORDER:
            continue
        if n > best_n or (n == best_n and best is not None and _ORDER[script] < _ORDER[best]):
            best, best_n = script, n
    return best


def weighted(counts: Mapping[str, int]) -> Counter[str]:
    """Letter counts with Han, kana and Hangul weighed by :data:`WEIGHTS`.

    >>> sorted(weighted(script_counts("使用 Python")).items())
    [('Han', 6), ('Latin', 6)]
    """
    return Counter({s: n * WEIGHTS.get(s, 1) for s, n in counts.items()})


def profile(lines: Iterable[str]) -> dict[str, float]:
    """The share of text per script over ``lines`` (letters, weighed by :data:`WEIGHTS`),
    largest first, rounded to 4 places.

    >>> profile(["Hello there", "Привет"])
    {'Latin': 0.625, 'Cyrillic': 0.375}
    """
    total: Counter[str] = Counter()
    for line in lines:
        total.update(weighted(script_counts(line)))
    n = sum(total.values())
    if not n:
        return {}
    ranked = sorted(total.items(), key=lambda kv: (-kv[1], _ORDER[kv[0]]))
    return {s: round(c / n, 4) for s, c in ranked}


def document_scripts(
    script_profile: Mapping[str, float], language: str = "und", *, min_share: float = 0.2
) -> frozenset[str]:
    """The scripts a document uses: its main script, every script with at least ``min_share``
    of its letters, and the scripts that belong with those (:data:`SCRIPT_GROUPS`) or with the
    document's ``language`` (:data:`LANGUAGE_SCRIPTS`).

    >>> sorted(document_scripts({"Hiragana": 0.5, "Han": 0.4, "Latin": 0.1}))
    ['Han', 'Hiragana', 'Katakana', 'Latin']
    >>> sorted(document_scripts({"Latin": 0.97, "Arabic": 0.03}, "en"))
    ['Latin']
    """
    used: set[str] = set()
    main = dominant_script(script_profile)
    if main is not None:
        used.add(main)
    used.update(s for s, share in script_profile.items() if share >= min_share)
    for script in list(used):
        used |= SCRIPT_GROUPS.get(script, frozenset())
    used |= LANGUAGE_SCRIPTS.get(language, frozenset())
    return frozenset(used)


def own_scripts(
    lines: Sequence[str], language: str = "und", *, min_share: float = 0.3
) -> frozenset[str]:
    """The scripts a document given as lines uses (:func:`document_scripts`), judged by its
    lines: its main script by a vote of lines (:func:`main_script_of_lines`), the scripts of its
    ``language`` when that language writes this main script, and every other script that has
    ``min_share`` of the document's letters *and* ``min_share`` of its lines with letters (one
    long line in another script is not enough to make it the document's).

    >>> sorted(own_scripts(["Пасть была оскалена.", "Ситуации случаются у всех.",
    ...                     "Первые 48 часов прошли.", "A much longer line written in English."]))
    ['Cyrillic']
    """
    main = main_script_of_lines(lines)
    if main is None:
        return frozenset()
    by_line: Counter[str] = Counter()
    counted = 0
    for line in lines:
        best = line_vote(line)[2]
        if best is not None:
            by_line[best] += 1
            counted += 1
    return scripts_in_use(main, profile(lines), by_line, counted, language, min_share=min_share)


def scripts_in_use(
    main: str,
    letters: Mapping[str, float],
    by_line: Mapping[str, int],
    counted: int,
    language: str = "und",
    *,
    min_share: float = 0.3,
) -> frozenset[str]:
    """:func:`own_scripts` from what it counts over the lines: their main script, their
    :func:`profile`, how many lines each script is the heaviest in and how many lines have
    letters."""
    main = "Hiragana" if main == "Kana" else main
    shares = {main: 1.0}
    for script, share in letters.items():
        if share >= min_share and by_line.get(script, 0) >= min_share * counted:
            shares.setdefault(script, share)
    if not writes(language, main if main != "Hiragana" else KANA):
        language = "und"
    return document_scripts(shares, language, min_share=min_share)


def foreign_share(counts: Mapping[str, int], own: Collection[str]) -> float:
    """The share of letters in ``counts`` (weighed by :data:`WEIGHTS`) written in scripts
    outside ``own`` (0.0 without letters).

    >>> foreign_share(script_counts("Xi Jinping (习近平) said"), {"Latin"})
    0.4091
    """
    total = foreign = 0
    for script, n in counts.items():
        n *= WEIGHTS.get(script, 1)
        total += n
        if script not in own:
            foreign += n
    if not total:
        return 0.0
    return round(foreign / total, 4)


@lru_cache(maxsize=1 << 14)
def char_script(ch: str) -> str | None:
    """The script of one character, or ``None`` for digits, punctuation, symbols and spaces
    (remembered per character: a table of the characters met).

    >>> char_script("ж"), char_script("7"), char_script("ー")
    ('Cyrillic', None, 'Katakana')
    """
    m = _RUN_RE.fullmatch(ch)
    return m.lastgroup if m else None
