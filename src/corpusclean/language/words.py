"""Words and sentences for counting rules, in every script, without a dictionary.

The quality filters (``filters/quality.py``) count words, n-grams of words and sentences. A
word here is what a rule about "words" should count:

- **Spaced scripts** (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul, ...): a run
  of letters, marks, digits and ``_`` is a word; digits joined by ``.`` or ``,`` (``3.5``,
  ``2,000``) and letters joined by ``.`` or ``@`` (``U.S.A``, ``user@mail.com``) stay one word.
  English clitics are words of their own (``do`` ``n't``, ``it`` ``'s``) and every punctuation
  or symbol character is a token of its own, except ``...`` (one token). A period stays on a
  single letter (``J.``), on a word with an inner period (``e.g.``) and on a few title and
  month abbreviations (``Mr.``, ``Jan.``). This is the shape of spaCy's English tokenizer, which
  datatrove's filters use, written as one regular expression.
- **Han, Hiragana, Katakana**: each character is a word (Chinese words average under two
  characters, and the rules' thresholds were set on words, so this errs on the side of more
  words, never fewer).
- **Thai, Lao, Khmer, Myanmar** (no spaces between words, no syllable mark): a run of letters is
  cut into words of :data:`LETTERS_PER_WORD` letters (each with its combining marks), an
  estimate of the mean word length of these languages.
- **Tibetan**: each syllable (letters between two tsheg marks ``་``) is a word.

:func:`words` gives the tokens (punctuation tokens included, as the rules need them);
:func:`is_word` tells the tokens that hold a letter, mark or digit from the symbol tokens.

>>> words("It's 3.5% of U.S.A. sales... Don't!")
['It', "'s", '3.5', '%', 'of', 'U.S.A.', 'sales', '...', 'Do', "n't", '!']
>>> words("我们今天去北京。")
['我', '们', '今', '天', '去', '北', '京', '。']
>>> words("ภาษาไทยง่ายมาก")
['ภาษา', 'ไทยง่', 'ายมา', 'ก']
"""

# ruff: noqa: RUF001, RUF002  (multilingual text: letters and marks of other scripts are meant)

from __future__ import annotations

import regex

#: Letters per word in the scripts written without spaces and without a syllable mark.
LETTERS_PER_WORD = 4

#: Scripts whose words are counted by the rules of this module rather than by spaces.
UNSPACED_SCRIPTS = ("Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar", "Tibetan")

_DENSE = r"[\p{Han}\p{Hiragana}\p{Katakana}\u30fc\uff70]"
_CHUNKED = r"[[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]&&[\p{L}\p{M}]]"
_TIBETAN = r"[\p{Tibetan}&&[\p{L}\p{M}]]"
# A letter, mark, digit or underscore of a spaced script.
_W = (
    r"[[\p{L}\p{M}\p{N}_]--[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}"
    r"\p{Myanmar}\p{Tibetan}]]"
)
_CLITIC = r"(?:[nN]['’][tT]|['’](?:[sSdDmM]|re|RE|ve|VE|ll|LL))(?!\p{L})"
_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|St|Prof|Jr|Sr|Mt|Gov|Sen|Rep|Gen|Inc|Ltd|Corp|Co|vs|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# What str.split() splits at: \s and the four information separators (U+001C..U+001F).
_SPACE = r"\s\x1c-\x1f"
_NOT_SPACE = rf"[^{_SPACE}]"
_UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
# What may stand inside a word between two word characters: anything but spaces, the hyphens
# and dashes "-–—~" before a letter ("-" between digits too), ellipses, symbols (So), and
# ",:<>=/" or "." where spaCy's English infixes cut ("a,b", "x:y", "end.The"); "2,000",
# "10:30", "U.S.A", "Friend(WATCH", "1.5–3x", "EP-133", "How‑to" (U+2011) stay whole, and so
# do "-t", ".edu", "+1" at the start of a space-separated chunk and "path/", "Broadcast-",
# "Google+" at its end.
_INNER = (
    rf"(?:[[^{_SPACE}\-–—~…,:<>=/.\p{{So}}]--[{_UNSPACED}]]"
    r"|,(?=\p{N})|[:/<>=](?!\p{L})|\.(?![.\p{Lu}])|(?<!\p{Ll})\.(?=\p{Lu})"
    r"|[–—~](?!\p{L})|(?<!\p{N})-(?![\p{L}-])|-(?![\p{L}\p{N}-]))"
)
_URL = rf"(?:https?://|www\.){_NOT_SPACE}+?(?=[.,;:!?)\]}}\"'»”’]*(?:[{_SPACE}]|$))"
_WORD = (
    rf"{_W}+?(?={_CLITIC})"  # the stem before a clitic: "do" of "don't"
    rf"|(?:{_ABBREVIATIONS})\.(?!{_W})"
    rf"|(?:(?<!{_NOT_SPACE})(?:-+|\.(?!\.)|\+(?=\p{{N}})))?{_W}(?:{_INNER}*{_W})?"
    rf"(?:[/-]+(?!{_NOT_SPACE})|(?<!\p{{N}})\++(?!{_W}))?"
    rf"(?:(?<=(?:^|[^\p{{L}}\p{{M}}\p{{N}}_.])\p{{L}})\.|(?<=\.{_W}+)\.)?"
)
_TOKEN_RE = regex.compile(
    rf"{_DENSE}"
    rf"|{_CHUNKED}+"
    rf"|{_TIBETAN}+"
    rf"|{_URL}"
    rf"|{_CLITIC}"
    rf"|{_WORD}"
    r"|\.{2,}"
    rf"|(?<!{_NOT_SPACE})/+(?!{_NOT_SPACE})"
    rf"|{_NOT_SPACE}",
    regex.V1,
)
_CHUNKED_SCRIPT_RE = regex.compile(r"[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
# A token of the expression's run of those scripts' letters and marks, cut into words of at
# most LETTERS_PER_WORD letters (their digits and symbols are tokens of their own, kept whole).
_CHUNKED_RUN_RE = regex.compile(rf"{_CHUNKED}+", regex.V1)
_ABBREVIATION_SET = frozenset(_ABBREVIATIONS.split("|"))
# The tokens of the chunks the expression had to read, remembered (web text repeats "don't",
# "“The", "2,000" and the like): most chunks that need the expression were seen before.
_CHUNKS: dict[str, list[str]] = {}
_CACHE_SIZE = 1 << 16
# Characters that a plain ASCII word followed by them gives back as two tokens.
_SPLIT_AFTER_WORD = frozenset(',;:!?)"]}' + "'")
_LETTER_RUN_RE = regex.compile(rf"(?:\p{{L}}\p{{M}}*|\p{{M}}+){{1,{LETTERS_PER_WORD}}}")
_WORDLIKE_RE = regex.compile(r"[\p{L}\p{M}\p{N}]")
_SPACED_WORD_RE = regex.compile(rf"^{_W}", regex.V1)


def words(text: str) -> list[str]:
    """The tokens of ``text``: words by the rules of this module and punctuation tokens.

    The text is cut at spaces first (no token spans a space, and the expression looks no
    further than a space), plain chunks are taken as they are and the others' tokens are
    remembered (a bounded table, cleared when full): :func:`reference_words` is
    the same tokenizer as one expression over the whole text, and the two agree
    (tests/language/test_words.py).

    >>> words("e-mail and/or co-op, Mr. Smith's (2020-2021) #1")
    ['e', '-', 'mail', 'and', '/', 'or', 'co', '-', 'op', ',', 'Mr.', 'Smith', "'s", '(', '2020', '-', '2021', ')', '#', '1']
    """
    if _CHUNKED_SCRIPT_RE.search(text) is not None:
        return reference_words(text)
    out: list[str] = []
    append = out.append
    findall = _TOKEN_RE.findall
    cache = _CHUNKS
    for chunk in text.split():
        if chunk.isascii():
            if chunk.isalpha():
                append(chunk)
                continue
            stem, last = chunk[:-1], chunk[-1]
            if stem.isalpha() and (last in _SPLIT_AFTER_WORD
                                   or (last == "." and len(stem) > 1 and stem not in _ABBREVIATION_SET)):
                append(stem)
                append(last)
                continue
        found = cache.get(chunk)
        if found is None:
            found = findall(chunk)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[chunk] = found
        out.extend(found)
    return out


def reference_words(text: str) -> list[str]:
    """:func:`words` as one regular expression over the whole text (the reference)."""
    out: list[str] = []
    for token in _TOKEN_RE.findall(text):
        if _CHUNKED_RUN_RE.fullmatch(token):
            out.extend(_LETTER_RUN_RE.findall(token))
        else:
            out.append(token)
    return out


def is_word(token: str) -> bool:
    """Does ``token`` hold a letter, a mark or a digit (not punctuation or symbols alone)?

    >>> is_word("3.5"), is_word("..."), is_word("©"), is_word("京")
    (True, False, False, True)
    """
    return _WORDLIKE_RE.search(token) is not None


def is_spaced_word(token: str) -> bool:
    """Is ``token`` a word of a script written with spaces (its length means something)?

    >>> is_spaced_word("Haus"), is_spaced_word("京"), is_spaced_word("ภาษา")
    (True, False, False)
    """
    return _SPACED_WORD_RE.match(token) is not None


#: Characters that end a sentence: Unicode's Sentence_Terminal property (``.!?`` and the
#: full stops, question and exclamation marks of other scripts: ``。！？।॥؟۔።``...).
SENTENCE_TERMINAL_RE = regex.compile(r"\p{Sentence_Terminal}")
_PUNCT_ONLY_RE = regex.compile(r"^\p{P}+$")


def count_sentences(tokens: list[str]) -> int:
    """How many sentences the tokens of one line make: a sentence ends at a token that is one
    sentence-terminal character, once a token that is not punctuation follows (so ``.`` in
    ``Mr.`` or ``3.5`` ends nothing, and ``!?`` ends one sentence). Empty: 0.

    >>> count_sentences(words("Mr. Smith came. He left! Did he?")), count_sentences([])
    (3, 0)
    """
    if not tokens:
        return 0
    count = 1
    seen_end = False
    for tok in tokens:
        if len(tok) == 1 and (tok in ".!?" or (not tok.isascii() and SENTENCE_TERMINAL_RE.match(tok))):
            seen_end = True
        elif seen_end and (tok.isalnum() or not _PUNCT_ONLY_RE.match(tok)):
            count += 1
            seen_end = False
    return count
