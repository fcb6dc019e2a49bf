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
neighbouring lines, so decisions come in runs, as boilerplate does. Inference is pure Python.

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
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from ..decision import Decision, keep, remove_lines
from ..document import Document

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
# and labels few. It is one signal among many, so a language missing here is not lost.
FUNCTION_WORDS = frozenset("""
the a an of to in and or is are was were be been it its that this with for on at by from as not
but have has had will would can could which who what their there they we you he she his her
der die das den dem des ein eine einer eines und oder ist sind war waren wird werden mit von zu
im auf für nicht auch sich es er sie wir ich aus bei nach wie als dass noch nur
le la les un une des du de et ou est sont était dans pour sur par avec que qui ne pas au aux ce
il elle nous vous ils en se son sa ses
el los las lo una unos y o es son era en para por con que del al se su sus como pero más
il lo gli uno di da e è sono nel della delle che per non una
o os as um uma do da dos das em no na e é são com não que por mais
het een en van is zijn op te dat niet met voor ook
w i z na do się nie jest to że o jak od po przez dla
и в на не что с по как это к из за от для но о а он она они
och att det som en är på för med av har inte
og at det som en er på for med af har ikke
ja on ei se että oli ovat
ve bir bu da de ile için olan
dan yang di dengan untuk ini itu dari ke
""".split())

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


@dataclass(frozen=True, slots=True)
class LineShape:
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
        return self.tokens >= 25 or (self.tokens >= 10 and self.end_terminal)

    @property
    def is_short(self) -> bool:
        return self.tokens < 6


@lru_cache(maxsize=1 << 16)
def line_shape(text: str) -> LineShape:
    """Measure one line (cached: the filter measures the same lines in each of its rounds).

    >>> s = line_shape("Home | News | Sport")
    >>> s.tokens, s.separators, s.end_terminal
    (3, 2, False)
    """
    text = text.strip()
    chars = len(text)
    toks = TOKEN_RE.findall(text.casefold())
    seg = sum(1 for t in toks if _SEG_RE.match(t))
    words = _WORD_RE.findall(text)
    letters = digits = upper = punct = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            upper += ch.isupper()
        elif ch.isdigit():
            digits += 1
        elif not ch.isspace():
            punct += 1
    stripped = text.rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1]
    last = stripped[-1:] if stripped else ""
    first_letter = next((ch for ch in text if ch.isalpha() or ch.isdigit()), "")
    cased = [w for w in words if w[0].isupper() or w[0].islower()]
    title = sum(1 for w in cased if w[0].isupper())
    func = sum(1 for w in words if w.casefold() in FUNCTION_WORDS)
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
        punct_share=punct / chars if chars else 0.0,
        titlecase_share=title / len(cased) if cased else 0.0,
        function_share=func / len(words) if words else 0.0,
        comma_rate=sum(1 for ch in text if ch in _COMMAS) / n_tok if n_tok else 0.0,
        link_like=_URL_RE.search(text) is not None,
        separators=len(_SEPARATOR_RE.findall(text)),
        date_like=_DATE_RE.search(text) is not None,
        time_like=_TIME_RE.search(text) is not None,
        segmented_share=seg / n_tok if n_tok else 0.0,
        mean_word_len=sum(len(w) for w in words) / len(words) if words else 0.0,
        bullet=_BULLET_RE.match(text) is not None,
        sentences=sum(
            1 for i, ch in enumerate(text)
            if ch in _TERMINAL and (i + 1 == chars or text[i + 1] == " ")
        ),
        copyright="©" in text or "(c)" in text.casefold(),
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
        m = self.margin(row)
        return 1.0 / (1.0 + math.exp(-m)) if m > -30 else 0.0


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


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> LineModel:
    """Load the line model shipped with the package (or one at ``path``)."""
    p = Path(path) if path else MODEL_PATH
    return LineModel.from_json(json.loads(p.read_text(encoding="utf-8")))


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


@dataclass(frozen=True)
class LayoutBoilerplate:
    """Remove boilerplate lines with the learned layout model (reason ``boilerplate.layout``).

    ``threshold`` overrides the model's decision threshold on the content probability (lower
    removes less); ``model`` names another model file. The filter is run until a round removes
    nothing (at most ``max_rounds`` rounds; on the benchmark pages it takes one to fourteen), so
    it is idempotent. Documents with fewer than ``min_lines`` non-blank lines are left alone, and
    so are pages read from HTML when ``skip_html`` is set: the model learned from plain-text dumps,
    and ``html.dom_boilerplate`` has already chosen their main region from the DOM.
    """

    threshold: float = -1.0
    model: str = ""
    min_lines: int = 3
    max_rounds: int = 100
    skip_html: bool = True

    def __call__(self, doc: Document) -> Decision:
        if self.skip_html and "dom" in doc.meta:
            return keep()
        model = load_model(self.model or None)
        thr = model.threshold if self.threshold < 0 else self.threshold
        live = [i for i, _ in doc.content_lines()]
        reasons: dict[int, str] = {}
        details: dict[int, str] = {}
        for _ in range(self.max_rounds):
            if len(live) < self.min_lines:
                break
            rows = document_features([doc.lines[i].text for i in live])
            probs = model.score_rows(rows)
            gone = [k for k, p in enumerate(probs) if p < thr]
            if not gone:
                break
            if len(gone) == len(live):
                # Never empty a document: it is the drop filters' job to judge a whole page.
                break
            for k in gone:
                reasons[live[k]] = REASON
                details[live[k]] = f"{explain(rows[k])} (p={probs[k]:.2f})"
            gone_set = set(gone)
            live = [i for k, i in enumerate(live) if k not in gone_set]
        if not reasons:
            return keep()
        return remove_lines(doc, reasons, details)


__all__ = [
    "CONTEXT_FEATURES", "FEATURES", "LayoutBoilerplate", "LineModel", "Trees",
    "context_features", "document_features", "line_shape", "load_model",
]
