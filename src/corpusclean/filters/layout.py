"""Layout boilerplate: a small learned line classifier for plain-text page dumps.

A scraped page dump holds the article between runs of menus, breadcrumbs, footers, share
buttons and teasers. :class:`LayoutBoilerplate` scores every line from language-independent
evidence and removes the lines it finds to be boilerplate, with the reason code
``boilerplate.layout`` and a detail naming the strongest evidence.

Evidence per line (:data:`FEATURES`): its length in characters and tokens (script-aware: a CJK
or Thai character is a token), terminal punctuation, shares of digits, capitals and punctuation,
title-case words, link-like text (URLs, ``|`` and ``»`` separators), date and time shapes,
a cross-language function-word share, its position (relative, lines and characters from both
edges, prose before and after it), its neighbours (their lengths, whether they are prose), the
density of prose lines around it, the run of short lines it belongs to, how often it repeats in
the document and how much it shares with the first line (often the page title).

The model (``models/line_model.json``, trained by ``benchmarks/train_line_model.py``) is two
passes of small gradient-boosted trees: the second pass adds the first pass's scores of the
neighbouring lines, so decisions come in runs, as boilerplate does. With the compiled core the
filter runs on a document in one call (``_core.LineModel``, :meth:`LayoutBoilerplate.removals`);
the Python path scores all lines of a document at once with numpy (:class:`LineColumns`,
:class:`TreeArrays`); the per-row functions (:func:`document_features`, :meth:`Trees.margin`) are
the reference the training script uses. All three give the same numbers to the last bit.

The filter is applied until nothing more is removed, so its output is a fixpoint: running it
again on its own output removes nothing (the model is trained on clean articles too, so this
converges in two or three rounds).

Extra evidence can be passed per line as named values (``extra_features``); a model trained
with such names uses them, and names it does not know are ignored.
"""

# ruff: noqa: RUF001  (the Unicode punctuation tables are meant)
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import regex

from .. import _accel
from ..decision import Decision, keep, remove_lines
from ..document import Document

if TYPE_CHECKING:
    import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "models" / "line_model.json"
REASON = "boilerplate.layout"

# Scripts written without spaces between words: each character is a token.
_SEG = (
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
)
TOKEN_RE = regex.compile(rf"[{_SEG}]|[^\W_{_SEG}]+")
_SEG_RE = regex.compile(rf"[{_SEG}]")
_WORD_RE = regex.compile(rf"[^\W\d_{_SEG}][^\W_{_SEG}]*")
# Only searched for presence; each alternative starts where its token starts and runs
# possessively, so the search is linear on long adversarial lines.
_URL_RE = regex.compile(
    r"(?:https?://|www\.)\S|(?<![\w.+-])[\w.+-]++@[\w-]++\.[\w.]|(?<![\w-])[\w-]++\.(?:com|org|net|de|uk)\b"
)


_SEPARATOR_RE = regex.compile(r"\s[|/·•»›>→]\s|[|»›→]|\s-\s")
_DATE_RE = regex.compile(
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b(?:1[89]|20)\d\d\b|\d{4}年|\d{1,2}月\d{1,2}日"
)
_TIME_RE = regex.compile(r"\b\d{1,2}:\d\d\b")
_BULLET_RE = regex.compile(r"^(?:[-*•·▪►◦–—]\s|\d{1,3}[.)]\s|\(\d{1,3}\)\s)")
# Sentence ends, in Latin, CJK, Arabic, Devanagari, Ethiopic and Armenian writing; closing quotes
# and brackets after them are skipped.
_TERMINAL = frozenset(".!?…。！？।॥۔؟።՝")
_CLOSERS = frozenset("\"'”’»)]}」』）")
_COMMAS = frozenset(",;，、；،")

# A cross-language function-word list: articles, pronouns, prepositions, conjunctions and
# auxiliaries of the most common languages written with spaces. Prose has many of them, menus
# and labels few. It is one signal among many, so a language missing here is not lost. The
# compiled core reads the same file.
FUNCTION_WORDS = frozenset(
    word
    for line in (MODEL_PATH.parent / "function_words.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)

# Pass-one feature names, in order. Extra features are appended by name at training time.
FEATURES: tuple[str, ...] = (
    "log_chars", "log_tokens", "end_terminal", "end_colon", "end_comma", "starts_lower",
    "digit_share", "upper_share", "punct_share", "titlecase_share", "function_share",
    "comma_rate", "link_like", "separators", "date_like", "time_like", "segmented_share",
    "mean_word_len", "bullet", "sentences", "copyright",
    "rel_pos", "log_from_start", "log_to_end", "chars_before", "prose_before", "prose_after",
    "before_first_prose", "after_last_prose", "log_repeats", "title_overlap",
    "prev_log_chars", "next_log_chars", "prev2_log_chars", "next2_log_chars",
    "prev_prose", "next_prose", "prose_window3", "prose_window10",
    "log_up_to_prose", "log_down_to_prose", "log_short_run", "log_doc_lines", "doc_prose_share",
    "prev_open", "next_continues", "is_prose",
)
# Pass-two features: pass-one scores of the neighbourhood.
CONTEXT_FEATURES: tuple[str, ...] = (
    "p1", "p1_prev", "p1_next", "p1_prev2", "p1_next2", "p1_mean2", "p1_mean5", "p1_mean15",
    "p1_max5", "p1_min5", "p1_before", "p1_after",
)


class LineShape(NamedTuple):
    """What one line looks like on its own (the part of the features that ignores context)."""

    chars: int
    tokens: int
    words: int
    end_terminal: bool
    end_colon: bool
    end_comma: bool
    starts_lower: bool
    digit_share: float
    upper_share: float
    punct_share: float
    titlecase_share: float
    function_share: float
    comma_rate: float
    link_like: bool
    separators: int
    date_like: bool
    time_like: bool
    segmented_share: float
    mean_word_len: float
    bullet: bool
    sentences: int
    copyright: bool
    key: str

    @property
    def is_prose(self) -> bool:
        """A line of running text: long, or a finished sentence of some length."""
        return bool(_is_prose(self.tokens, self.end_terminal))

    @property
    def is_short(self) -> bool:
        return bool(_is_short(self.tokens))


# Written with ``|`` and ``&``, so that they take numpy columns as well as one line's values.
def _is_prose(tokens: Any, end_terminal: Any) -> Any:
    return (tokens >= 25) | ((tokens >= 10) & end_terminal)


def _is_short(tokens: Any) -> Any:
    return tokens < 6


def _char_class(ch: str) -> str:
    """A character's class for :func:`line_shape`'s counts: ``U`` an uppercase letter, ``L``
    another letter, ``D`` a digit, ``S`` a space, ``C`` a comma, ``P`` anything else (as
    ``str.isalpha``, ``isupper``, ``isdigit`` and ``isspace`` say, in that order)."""
    if ch.isalpha():
        return "U" if ch.isupper() else "L"
    if ch.isdigit():
        return "D"
    if ch.isspace():
        return "S"
    return "C" if ch in _COMMAS else "P"


_SENTENCE_END_RE = regex.compile(
    "[" + regex.escape("".join(sorted(_TERMINAL))) + r"](?= |\Z)"
)


@lru_cache(maxsize=1 << 14)
def line_shape(text: str) -> LineShape:
    """Measure one line (the reference of the compiled core's ``line_shapes``; cached, since
    training measures the same lines again).

    >>> s = line_shape("Home | News | Sport")
    >>> s.tokens, s.separators, s.end_terminal
    (3, 2, False)
    """
    text = text.strip()
    chars = len(text)
    folded = text.casefold()
    toks = TOKEN_RE.findall(folded)
    words = _WORD_RE.findall(text)
    classes = [_char_class(ch) for ch in text]
    digits = classes.count("D")
    commas = classes.count("C")
    upper = classes.count("U")
    letters = upper + classes.count("L")
    first_letter = next((ch for ch, cls in zip(text, classes) if cls in "ULD"), "")
    stripped = text.rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1]
    last = stripped[-1:]  # "" when nothing is left, which is `in` every str (not a frozenset)
    initials = [w[0] for w in words]
    title = sum(ch.isupper() for ch in initials)
    cased = sum(ch.isupper() or ch.islower() for ch in initials)
    func = sum(w.casefold() in FUNCTION_WORDS for w in words)
    n_tok = len(toks)
    return LineShape(
        chars=chars,
        tokens=n_tok,
        words=len(words),
        end_terminal=last in _TERMINAL,
        end_colon=last in ":：",
        end_comma=last in _COMMAS or last in "-–—",
        starts_lower=bool(text)
        and (first_letter.islower() or text[0] in _COMMAS or text[0] in ".)]"),
        digit_share=digits / chars if chars else 0.0,
        upper_share=upper / letters if letters else 0.0,
        punct_share=(classes.count("P") + commas) / chars if chars else 0.0,
        titlecase_share=title / cased if cased else 0.0,
        function_share=func / len(words) if words else 0.0,
        comma_rate=commas / n_tok if n_tok else 0.0,
        link_like=_URL_RE.search(text) is not None,
        separators=len(_SEPARATOR_RE.findall(text)),
        # Only where str.isdigit finds a digit (the regex module may know digits of a newer
        # Unicode version than str does).
        date_like=digits > 0 and _DATE_RE.search(text) is not None,
        time_like=digits > 0 and _TIME_RE.search(text) is not None,
        # Every unspaced-script character is a token of its own.
        segmented_share=len(_SEG_RE.findall(folded)) / n_tok if n_tok else 0.0,
        mean_word_len=sum(map(len, words)) / len(words) if words else 0.0,
        bullet=_BULLET_RE.match(text) is not None,
        sentences=len(_SENTENCE_END_RE.findall(text)),
        copyright="©" in text or "(c)" in folded,
        key=" ".join(toks),
    )


def _log(x: float) -> float:
    return math.log1p(x)


def document_features(
    texts: Sequence[str], extra: Sequence[Mapping[str, float]] | None = None
) -> list[dict[str, float]]:
    """Pass-one features for every line of a document (blank lines must be left out).

    ``extra`` adds named values per line (for instance a phrase family's hit, 0 or 1).
    """
    n = len(texts)
    shapes = [line_shape(t) for t in texts]
    prose = [s.is_prose for s in shapes]
    total_chars = sum(s.chars for s in shapes) or 1
    prose_chars = [s.chars if p else 0 for s, p in zip(shapes, prose, strict=True)]
    total_prose = sum(prose_chars)
    first_prose = next((i for i, p in enumerate(prose) if p), n)
    last_prose = max((i for i, p in enumerate(prose) if p), default=-1)
    repeats = Counter(s.key for s in shapes)
    title_tokens = set(shapes[0].key.split()) if shapes else set()
    # Distances to the nearest prose line above and below (n when there is none).
    up = [n] * n
    last = None
    for i in range(n):
        if last is not None:
            up[i] = i - last
        if prose[i]:
            last = i
    down = [n] * n
    last = None
    for i in range(n - 1, -1, -1):
        if last is not None:
            down[i] = last - i
        if prose[i]:
            last = i
    # Runs of short lines.
    run = [0] * n
    i = 0
    while i < n:
        j = i
        while j < n and shapes[j].is_short:
            j += 1
        if j > i:
            for k in range(i, j):
                run[k] = j - i
            i = j
        else:
            i += 1
    prose_prefix = [0] * (n + 1)
    for i, p in enumerate(prose):
        prose_prefix[i + 1] = prose_prefix[i] + p
    doc_prose_share = total_prose / total_chars

    def window(i: int, w: int) -> float:
        lo, hi = max(0, i - w), min(n, i + w + 1)
        return (prose_prefix[hi] - prose_prefix[lo] - prose[i]) / max(1, hi - lo - 1)

    out: list[dict[str, float]] = []
    chars_before = 0
    prose_before = 0
    for i, s in enumerate(shapes):
        toks = s.key.split()
        prev = shapes[i - 1] if i > 0 else None
        nxt = shapes[i + 1] if i + 1 < n else None
        f = {
            "log_chars": _log(s.chars),
            "log_tokens": _log(s.tokens),
            "end_terminal": float(s.end_terminal),
            "end_colon": float(s.end_colon),
            "end_comma": float(s.end_comma),
            "starts_lower": float(s.starts_lower),
            "digit_share": s.digit_share,
            "upper_share": s.upper_share,
            "punct_share": s.punct_share,
            "titlecase_share": s.titlecase_share,
            "function_share": s.function_share,
            "comma_rate": s.comma_rate,
            "link_like": float(s.link_like),
            "separators": float(s.separators),
            "date_like": float(s.date_like),
            "time_like": float(s.time_like),
            "segmented_share": s.segmented_share,
            "mean_word_len": s.mean_word_len,
            "bullet": float(s.bullet),
            "sentences": float(s.sentences),
            "copyright": float(s.copyright),
            "rel_pos": i / n,
            "log_from_start": _log(i),
            "log_to_end": _log(n - 1 - i),
            "chars_before": chars_before / total_chars,
            "prose_before": prose_before / total_prose if total_prose else 0.0,
            "prose_after": (
                (total_prose - prose_before - prose_chars[i]) / total_prose if total_prose else 0.0
            ),
            "before_first_prose": float(i < first_prose),
            "after_last_prose": float(i > last_prose),
            "log_repeats": _log(repeats[s.key] - 1),
            "title_overlap": (
                sum(1 for t in toks if t in title_tokens) / len(toks) if toks and i else 0.0
            ),
            "prev_log_chars": _log(prev.chars) if prev else -1.0,
            "next_log_chars": _log(nxt.chars) if nxt else -1.0,
            "prev2_log_chars": _log(shapes[i - 2].chars) if i > 1 else -1.0,
            "next2_log_chars": _log(shapes[i + 2].chars) if i + 2 < n else -1.0,
            "prev_prose": float(prose[i - 1]) if i else -1.0,
            "next_prose": float(prose[i + 1]) if i + 1 < n else -1.0,
            "prose_window3": window(i, 3),
            "prose_window10": window(i, 10),
            "log_up_to_prose": _log(up[i]),
            "log_down_to_prose": _log(down[i]),
            "log_short_run": _log(run[i]),
            "log_doc_lines": _log(n),
            "doc_prose_share": doc_prose_share,
            "prev_open": float(prev is not None and not prev.end_terminal and prev.tokens > 0),
            "next_continues": float(nxt is not None and nxt.starts_lower),
            "is_prose": float(prose[i]),
        }
        if extra is not None:
            f.update(extra[i])
        out.append(f)
        chars_before += s.chars
        prose_before += prose_chars[i]
    return out


def context_features(p1: Sequence[float]) -> list[dict[str, float]]:
    """Pass-two features: the pass-one scores of each line's neighbourhood."""
    n = len(p1)
    prefix = [0.0] * (n + 1)
    for i, p in enumerate(p1):
        prefix[i + 1] = prefix[i] + p

    def mean(lo: int, hi: int) -> float:
        lo, hi = max(0, lo), min(n, hi)
        return (prefix[hi] - prefix[lo]) / (hi - lo) if hi > lo else -1.0

    out = []
    for i in range(n):
        near = p1[max(0, i - 5): i + 6]
        out.append({
            "p1": p1[i],
            "p1_prev": p1[i - 1] if i else -1.0,
            "p1_next": p1[i + 1] if i + 1 < n else -1.0,
            "p1_prev2": p1[i - 2] if i > 1 else -1.0,
            "p1_next2": p1[i + 2] if i + 2 < n else -1.0,
            "p1_mean2": mean(i - 2, i + 3),
            "p1_mean5": mean(i - 5, i + 6),
            "p1_mean15": mean(i - 15, i + 16),
            "p1_max5": max(near),
            "p1_min5": min(near),
            "p1_before": mean(0, i),
            "p1_after": mean(i + 1, n),
        })
    return out


# ---------------------------------------------------------------------------------------------
# The model: gradient-boosted trees stored in heap order.


def _probability(margin: float) -> float:
    """The content probability of a tree margin (the logistic function, 0.0 far below)."""
    return 1.0 / (1.0 + math.exp(-margin)) if margin > -30 else 0.0


@dataclass(frozen=True)
class Trees:
    """An additive model of complete binary trees of one depth, in heap order.

    Each tree is ``(features, thresholds, leaves)``: internal node ``k`` sends a line left when
    its value of ``features[k]`` is ``<= thresholds[k]``; children of ``k`` are ``2k+1`` and
    ``2k+2``; ``leaves`` hold the ``2**depth`` leaf values, left to right.
    """

    names: tuple[str, ...]
    depth: int
    bias: float
    trees: tuple[tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]], ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trees:
        return cls(
            names=tuple(data["features"]),
            depth=int(data["depth"]),
            bias=float(data["bias"]),
            trees=tuple((tuple(t[0]), tuple(float(x) for x in t[1]), tuple(float(x) for x in t[2]))
                        for t in data["trees"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.names), "depth": self.depth, "bias": self.bias,
                "trees": [[list(f), list(t), list(v)] for f, t, v in self.trees]}

    def margin(self, row: Mapping[str, float]) -> float:
        x = [row.get(name, 0.0) for name in self.names]
        internal = (1 << self.depth) - 1
        total = self.bias
        for feats, thresholds, leaves in self.trees:
            k = 0
            while k < internal:
                k = 2 * k + 1 if x[feats[k]] <= thresholds[k] else 2 * k + 2
            total += leaves[k - internal]
        return total

    def predict(self, row: Mapping[str, float]) -> float:
        """Probability that the line is content."""
        return _probability(self.margin(row))


def core_trees(trees: Trees) -> Any:
    """``trees`` in the compiled core (``_core.Trees``: node features, thresholds and leaves of
    all trees in flat lists, tree after tree, as :class:`TreeArrays` lays them out), or None
    when the reference scores the lines."""
    return _accel.attempt(lambda core: core.Trees(
        [f for t in trees.trees for f in t[0]], [x for t in trees.trees for x in t[1]],
        [v for t in trees.trees for v in t[2]], trees.depth, trees.bias))


@dataclass(frozen=True)
class LineModel:
    """The two-pass line model and its decision threshold (content probability)."""

    pass1: Trees
    pass2: Trees | None
    threshold: float
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineModel:
        return cls(
            pass1=Trees.from_json(data["pass1"]),
            pass2=Trees.from_json(data["pass2"]) if data.get("pass2") else None,
            threshold=float(data["threshold"]),
            meta=data.get("meta", {}),
        )

    def to_json(self) -> dict[str, Any]:
        return {"meta": dict(self.meta), "threshold": self.threshold, "pass1": self.pass1.to_json(),
                "pass2": self.pass2.to_json() if self.pass2 else None}

    @cached_property
    def arrays(self) -> tuple[TreeArrays, TreeArrays | None]:
        """Both passes as :class:`TreeArrays` (built once per loaded model)."""
        return TreeArrays(self.pass1), TreeArrays(self.pass2) if self.pass2 else None

    @cached_property
    def engine(self) -> Any:
        """The whole model in the compiled core (``_core.LineModel``, built once per loaded
        model), or None when the reference scores the lines."""
        first = core_trees(self.pass1)
        second = None if self.pass2 is None else core_trees(self.pass2)
        if first is None or (self.pass2 is not None and second is None):
            return None
        pass2 = None if self.pass2 is None else (second, list(self.pass2.names))
        return _accel.attempt(lambda core: core.LineModel(first, list(self.pass1.names), pass2))

    def score_rows(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """Content probability of every line from its pass-one feature rows."""
        p1 = [self.pass1.predict(r) for r in rows]
        if self.pass2 is None:
            return p1
        ctx = context_features(p1)
        return [self.pass2.predict({**r, **c}) for r, c in zip(rows, ctx, strict=True)]

    def score(
        self, texts: Sequence[str], extra: Sequence[Mapping[str, float]] | None = None
    ) -> list[float]:
        """Content probability of every (non-blank) line of a document."""
        if not texts:
            return []
        return self.score_rows(document_features(texts, extra))


def write_plain_model(path: str | Path, model: LineModel | None = None) -> None:
    """Write the line model as plain text for the core's timing example
    (``rust/core/examples/layout_rounds.rs``): the threshold, then per pass a line
    ``depth bias trees``, a line of feature names and a line per tree (node features,
    thresholds, leaves)."""
    model = model or load_model()
    out = [repr(model.threshold)]
    for trees in (model.pass1, model.pass2):
        if trees is None:
            continue
        out += [f"{trees.depth} {trees.bias!r} {len(trees.trees)}", " ".join(trees.names)]
        out += [" ".join(map(repr, (*f, *t, *v))) for f, t, v in trees.trees]
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> LineModel:
    """Load the line model shipped with the package (or one at ``path``)."""
    p = Path(path) if path else MODEL_PATH
    return LineModel.from_json(json.loads(p.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------
# Vectorized inference: the same features and scores, a column per feature.
#
# The filter reruns the model until a round removes nothing, so it scores most lines several
# times. ``document_features`` and ``Trees.margin`` above are the reference (training uses them);
# the functions below compute the same numbers for all lines at once with numpy, with the same
# float operations in the same order (integer ratios are exact divisions of doubles, logarithms
# come from ``math.log1p``, tree margins are summed left to right), so the two agree to the last
# bit (``tests/filters/test_layout.py`` compares them). numpy is imported by these functions, not
# by the module: with the core, a run never needs it.

#: ``math.log1p(k)`` for every ``k`` below its length (an array once :func:`_log_ints` grows it).
_LOG1P: np.ndarray | tuple[()] = ()


def _log_ints(values: np.ndarray) -> np.ndarray:
    """``math.log1p`` of non-negative integers, looked up in a table grown on demand."""
    import numpy as np

    global _LOG1P
    top = int(values.max()) if values.size else 0
    if top >= (1 << 22):
        return np.array([math.log1p(v) for v in values.tolist()])
    if top >= len(_LOG1P):
        size = max(top + 1, 2 * len(_LOG1P), 1024)
        _LOG1P = np.array([math.log1p(k) for k in range(size)])
    return _LOG1P[values]


# The pass-one features that depend on a line alone, in the order of FEATURES: the logarithms of
# the first two fields of LineShape, then its fields from ``end_terminal`` to ``copyright``.
_SHAPE_FEATURES = FEATURES[:FEATURES.index("rel_pos")]
_NUMERIC_FIELDS = LineShape._fields.index("key")
assert LineShape._fields[3:_NUMERIC_FIELDS] == ("end_terminal", *_SHAPE_FEATURES[3:])


def _measure_lines(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The numeric fields of every line's :class:`LineShape` (a row per line) and their keys."""
    import numpy as np

    shapes = [line_shape(t) for t in texts]
    fields = np.array([s[:_NUMERIC_FIELDS] for s in shapes], dtype=np.float64)
    return fields.reshape(len(shapes), _NUMERIC_FIELDS), [s.key for s in shapes]


class LineColumns:
    """The per-line facts of one document's lines as arrays, measured once; ``features(live)``
    gives the pass-one feature columns of any subset of them, as if the others were absent."""

    def __init__(self, texts: Sequence[str]) -> None:
        import numpy as np

        fields, keys = _measure_lines(texts)
        self.chars = fields[:, 0].astype(np.int64)
        tokens = fields[:, 1].astype(np.int64)
        end_terminal = fields[:, 3] > 0
        self.shape = np.concatenate(
            (_log_ints(self.chars)[:, None], _log_ints(tokens)[:, None], fields[:, 3:]), axis=1)
        self.prose = _is_prose(tokens, end_terminal)
        self.short = _is_short(tokens)
        self.open = ~end_terminal & (tokens > 0)
        self.lower = fields[:, LineShape._fields.index("starts_lower")] > 0
        ids: dict[str, int] = {}
        self.key = np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=np.int64)
        self.tokens = [k.split() for k in keys]
        self._overlap: tuple[int, np.ndarray] | None = None

    def _title_overlap(self, first: int) -> np.ndarray:
        """Each line's share of tokens found in line ``first`` (the title), for all lines."""
        import numpy as np

        if self._overlap is None or self._overlap[0] != first:
            title = set(self.tokens[first])
            col = [sum(t in title for t in toks) / len(toks) if toks else 0.0
                   for toks in self.tokens]
            self._overlap = (first, np.array(col, dtype=np.float64))
        return self._overlap[1]

    def features(self, live: np.ndarray) -> dict[str, np.ndarray]:
        """Pass-one feature columns of the lines ``live`` (positions, ascending, at least one),
        by name."""
        import numpy as np

        n = len(live)
        cols = dict(zip(_SHAPE_FEATURES, self.shape[live].T, strict=True))
        chars, prose, short = self.chars[live], self.prose[live], self.short[live]
        pos = np.arange(n)
        total_chars = int(chars.sum()) or 1
        prose_chars = np.where(prose, chars, 0)
        total_prose = int(prose_chars.sum())
        prose_at = np.flatnonzero(prose)
        first_prose = int(prose_at[0]) if prose_at.size else n
        last_prose = int(prose_at[-1]) if prose_at.size else -1
        key = self.key[live]
        repeats = np.bincount(key)[key]
        # Distances to the nearest prose line above and below (n when there is none).
        marks = np.where(prose, pos, -1)
        above = np.concatenate(([-1], np.maximum.accumulate(marks)[:-1]))
        up = np.where(above >= 0, pos - above, n)
        marks = np.where(prose, pos, n)
        below = np.concatenate((np.minimum.accumulate(marks[::-1])[::-1][1:], [n]))
        down = np.where(below < n, below - pos, n)
        # Runs of short lines: the length of the run a short line belongs to, else 0.
        starts = short & ~np.concatenate(([False], short[:-1]))
        run_id = np.cumsum(starts)
        lengths = np.bincount(run_id[short], minlength=int(run_id[-1]) + 1)
        run = np.where(short, lengths[run_id], 0)
        prefix = np.concatenate(([0], np.cumsum(prose)))

        def window(w: int) -> np.ndarray:
            lo, hi = np.maximum(0, pos - w), np.minimum(n, pos + w + 1)
            return (prefix[hi] - prefix[lo] - prose) / np.maximum(1, hi - lo - 1)

        chars_before = np.concatenate(([0], np.cumsum(chars)[:-1]))
        prose_before = np.concatenate(([0], np.cumsum(prose_chars)[:-1]))
        log_chars = cols["log_chars"]
        is_prose = prose.astype(np.float64)
        overlap = self._title_overlap(int(live[0]))[live]
        overlap[0] = 0.0  # the title itself

        cols.update({
            "rel_pos": pos / n,
            "log_from_start": _log_ints(pos),
            "log_to_end": _log_ints(n - 1 - pos),
            "chars_before": chars_before / total_chars,
            "prose_before": prose_before / total_prose if total_prose else np.zeros(n),
            "prose_after": ((total_prose - prose_before - prose_chars) / total_prose
                            if total_prose else np.zeros(n)),
            "before_first_prose": (pos < first_prose).astype(np.float64),
            "after_last_prose": (pos > last_prose).astype(np.float64),
            "log_repeats": _log_ints(repeats - 1),
            "title_overlap": overlap,
            "prev_log_chars": _shifted(log_chars, 1),
            "next_log_chars": _shifted(log_chars, -1),
            "prev2_log_chars": _shifted(log_chars, 2),
            "next2_log_chars": _shifted(log_chars, -2),
            "prev_prose": _shifted(is_prose, 1),
            "next_prose": _shifted(is_prose, -1),
            "prose_window3": window(3),
            "prose_window10": window(10),
            "log_up_to_prose": _log_ints(up),
            "log_down_to_prose": _log_ints(down),
            "log_short_run": _log_ints(run),
            "log_doc_lines": np.full(n, _log(n)),
            "doc_prose_share": np.full(n, total_prose / total_chars),
            "prev_open": np.concatenate(([False], self.open[live][:-1])).astype(np.float64),
            "next_continues": np.concatenate((self.lower[live][1:], [False])).astype(np.float64),
            "is_prose": is_prose,
        })
        return cols


def _shifted(col: np.ndarray, by: int) -> np.ndarray:
    """``col`` moved ``by`` places down (up when negative), -1.0 where nothing was."""
    import numpy as np

    n = len(col)
    out = np.full(n, -1.0)
    if by > 0 and n > by:
        out[by:] = col[:-by]
    elif by < 0 and n > -by:
        out[:by] = col[-by:]
    return out


def context_columns(p1: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`context_features` as columns."""
    import numpy as np

    n = len(p1)
    pos = np.arange(n)
    prefix = np.concatenate(([0.0], np.cumsum(p1)))

    def mean(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        lo, hi = np.maximum(0, lo), np.minimum(n, hi)
        span = hi - lo
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (prefix[hi] - prefix[lo]) / span
        return np.where(span > 0, out, -1.0)

    padded_hi = np.concatenate((np.full(5, -np.inf), p1, np.full(5, -np.inf)))
    padded_lo = np.concatenate((np.full(5, np.inf), p1, np.full(5, np.inf)))
    max5, min5 = p1.copy(), p1.copy()
    for d in range(11):
        np.maximum(max5, padded_hi[d:d + n], out=max5)
        np.minimum(min5, padded_lo[d:d + n], out=min5)
    return {
        "p1": p1,
        "p1_prev": _shifted(p1, 1),
        "p1_next": _shifted(p1, -1),
        "p1_prev2": _shifted(p1, 2),
        "p1_next2": _shifted(p1, -2),
        "p1_mean2": mean(pos - 2, pos + 3),
        "p1_mean5": mean(pos - 5, pos + 6),
        "p1_mean15": mean(pos - 15, pos + 16),
        "p1_max5": max5,
        "p1_min5": min5,
        "p1_before": mean(np.zeros(n, dtype=np.int64), pos),
        "p1_after": mean(pos + 1, np.full(n, n)),
    }


class TreeArrays:
    """:class:`Trees` as arrays, to score many lines at once (:meth:`Trees.margin` for each)."""

    def __init__(self, trees: Trees) -> None:
        import numpy as np

        self.names = trees.names
        self.depth = trees.depth
        self.bias = trees.bias
        self.internal = (1 << trees.depth) - 1
        count = len(trees.trees)
        # Flat arrays: node k of tree t is at t * internal + k, leaf j at t * 2**depth + j.
        self.feats = np.array([t[0] for t in trees.trees], dtype=np.intp).reshape(-1)
        self.thresholds = np.array([t[1] for t in trees.trees], dtype=np.float64).reshape(-1)
        self.leaves = np.array([t[2] for t in trees.trees], dtype=np.float64).reshape(-1)
        self.node_base = (np.arange(count) * self.internal)[None, :]
        self.leaf_base = (np.arange(count) * (1 << trees.depth) - self.internal)[None, :]
        self.count = count
        self.core = core_trees(trees)

    def rows(self, cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """The feature rows of ``n`` lines, a column per name of the trees (zeros where ``cols``
        lacks the name)."""
        import numpy as np

        x = np.zeros((n, len(self.names)))
        for j, name in enumerate(self.names):
            if name in cols:
                x[:, j] = cols[name]
        return x

    def margins(self, cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        import numpy as np

        width = len(self.names)
        x = self.rows(cols, n).reshape(-1)
        row_base = (np.arange(n) * width)[:, None]
        node = np.zeros((n, self.count), dtype=np.intp)
        for _ in range(self.depth):
            k = self.node_base + node
            right = x.take(row_base + self.feats.take(k)) <= self.thresholds.take(k)
            np.logical_not(right, out=right)  # not "<=" (rather than ">"), as Trees.margin has it
            node = 2 * node + 1
            node += right
        summed = np.empty((n, self.count + 1))
        summed[:, 0] = self.bias
        summed[:, 1:] = self.leaves.take(self.leaf_base + node)
        # Summed left to right from the bias, as Trees.margin does (cumsum is sequential).
        return np.cumsum(summed, axis=1)[:, -1]

    def predict(self, cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        import numpy as np

        return np.array([_probability(m) for m in self.margins(cols, n).tolist()])


def score_columns(model: LineModel, cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """:meth:`LineModel.score_rows` on feature columns."""
    pass1, pass2 = model.arrays
    p1 = pass1.predict(cols, n)
    if pass2 is None:
        return p1
    return pass2.predict({**cols, **context_columns(p1)}, n)


def explain(row: Mapping[str, float]) -> str:
    """Name the strongest plain evidence that a line is boilerplate, for the removal detail."""
    parts: list[str] = []
    if row["log_tokens"] <= _log(5):
        parts.append("short")
    if row["link_like"] or row["separators"] >= 2:
        parts.append("link-like")
    if row["date_like"] or row["time_like"]:
        parts.append("date or time")
    if row["log_repeats"] > 0:
        parts.append("repeated")
    if row["before_first_prose"]:
        parts.append("before the text")
    elif row["after_last_prose"]:
        parts.append("after the text")
    elif row["log_short_run"] >= _log(4):
        parts.append("in a run of short lines")
    if not parts:
        lonely = row["prose_window3"] < 0.2
        parts.append("no prose around it" if lonely else "unlike its neighbours")
    return ", ".join(parts)


_EXPLAINED = ("log_tokens", "link_like", "separators", "date_like", "time_like", "log_repeats",
              "before_first_prose", "after_last_prose", "log_short_run", "prose_window3")


@dataclass(frozen=True)
class LayoutBoilerplate:
    """Remove boilerplate lines with the learned layout model (reason ``boilerplate.layout``).

    ``threshold`` overrides the model's decision threshold on the content probability (lower
    removes less); ``model`` names another model file. The filter is run until a round removes
    nothing (at most ``max_rounds`` rounds; on the benchmark pages it takes one to fourteen), so
    it is idempotent. Documents with fewer than ``min_lines`` non-blank lines are left alone, and
    so are pages read from HTML when ``skip_html`` is set: the model learned from plain-text dumps,
    and ``html.dom_boilerplate`` has already chosen their main region from the DOM.

    With ``page_context`` (the default) the model reads the page as it was read: the lines that
    earlier steps removed (``doc.removals``) count in every line's neighbourhood and position,
    as they did in the dumps the model learned from, and go through its rounds like the others;
    then the rounds go on over the lines still present until nothing more goes. Only lines still
    present are removed. Without it the model reads only what the earlier steps left.
    """

    threshold: float = -1.0
    model: str = ""
    min_lines: int = 3
    max_rounds: int = 100
    skip_html: bool = True
    page_context: bool = True

    def __call__(self, doc: Document) -> Decision:
        if self.skip_html and "dom" in doc.meta:
            return keep()
        model = load_model(self.model or None)
        thr = model.threshold if self.threshold < 0 else self.threshold
        found = self._core_removals(model, thr, doc)
        if found is None:
            found = self._entry_removals(model, thr, doc)
        if not found:
            return keep()
        return remove_lines(doc, dict.fromkeys(found, REASON), found)

    def _core_removals(self, model: LineModel, thr: float, doc: Document) -> dict[int, str] | None:
        """:meth:`_entry_removals` in one call into the core, which gathers the lines itself
        from ``doc.lines`` and ``doc.removals``; None when the reference is to answer."""
        engine = model.engine
        if engine is None:
            return None
        earlier = doc.removals if self.page_context else ()
        found = _accel.attempt(lambda _: engine.remove_lines(
            doc.lines, earlier, thr, max(self.min_lines, 0), max(self.max_rounds, 0)), REASON)
        return None if found is None else dict(zip(*found, strict=True))

    def _entry_removals(self, model: LineModel, thr: float, doc: Document) -> dict[int, str]:
        """The detail of every line of ``doc`` the rounds remove, by position in ``doc.lines``
        (nothing when it has fewer than ``min_lines`` non-blank lines), in Python: the core
        has declined the document already."""
        # (line number, text, position in doc.lines or -1 for a line an earlier step removed)
        entries = [(line.no, line.text, i) for i, line in doc.content_lines()]
        if len(entries) < self.min_lines:
            return {}
        if self.page_context and doc.removals:
            entries += [(r.line, r.text, -1) for r in doc.removals if r.text.strip()]
            entries.sort(key=itemgetter(0))
        return self.reference_removals(model, thr, [text for _, text, _ in entries],
                                       [i for _, _, i in entries])

    def removals(self, model: LineModel, thr: float, texts: Sequence[str],
                 positions: Sequence[int]) -> dict[int, str]:
        """The rounds over one document's lines ``texts`` (present and, with page context,
        removed earlier, in line order; ``positions`` holds each one's place in ``doc.lines``,
        -1 for a line removed earlier): the detail of every present line they remove, by
        position. In one call into the core when it is in use, else :meth:`reference_removals`."""
        engine = model.engine
        if engine is not None:
            found = _accel.attempt(lambda _: engine.remove(
                texts, positions, thr, max(self.min_lines, 0), max(self.max_rounds, 0)), REASON)
            if found is not None:
                return dict(found)
        return self.reference_removals(model, thr, texts, positions)

    def reference_removals(self, model: LineModel, thr: float, texts: Sequence[str],
                           positions: Sequence[int]) -> dict[int, str]:
        """:meth:`removals` in Python (the reference the core reproduces)."""
        import numpy as np

        columns = LineColumns(texts)
        where = np.array(positions, dtype=np.int64)
        details: dict[int, str] = {}
        live = self._rounds(model, thr, columns, np.arange(len(texts)), where, details)
        if (where < 0).any():
            # The lines earlier steps removed leave: the rest must be a fixpoint on its own.
            self._rounds(model, thr, columns, live[where[live] >= 0], where, details)
        return details

    def _rounds(self, model: LineModel, thr: float, columns: LineColumns, live: np.ndarray,
                where: np.ndarray, details: dict[int, str]) -> np.ndarray:
        """Score ``live`` and drop the lines under the threshold until a round drops none; record
        the present ones in ``details``; return what is left."""
        import numpy as np

        for _ in range(self.max_rounds):
            if len(live) < max(self.min_lines, 1):  # (no lines: nothing to score)
                break
            cols = columns.features(live)
            probs = score_columns(model, cols, len(live))
            gone = np.flatnonzero(probs < thr)
            if not gone.size:
                break
            if gone.size == len(live):
                # Never empty a document: it is the drop filters' job to judge a whole page.
                break
            evidence = zip(*(cols[name][gone].tolist() for name in _EXPLAINED))
            for pos, values, p in zip(where[live[gone]].tolist(), evidence, probs[gone].tolist()):
                if pos >= 0:
                    details[pos] = f"{explain(dict(zip(_EXPLAINED, values)))} (p={p:.2f})"
            live = np.delete(live, gone)
        return live


__all__ = [
    "CONTEXT_FEATURES", "FEATURES", "LayoutBoilerplate", "LineModel", "Trees",
    "context_features", "document_features", "line_shape", "load_model",
]
