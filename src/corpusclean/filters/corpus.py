"""Corpus steps: lines repeated across a site's pages, and duplicate documents.

Both are corpus steps (:mod:`corpusclean.corpus`): they collect a state over every document,
merge the shard states, then decide for each document. Their states pickle, and merging gives
the same state, so the same output, however the documents were split into shards.

``corpus.template_lines`` counts, per site, in how many documents each normalized line occurs,
and removes a line seen in at least ``min_docs`` documents of its site from all of them.
``corpus.dedup`` drops exact duplicates (same text once case and whitespace are folded) and
near duplicates (MinHash over word 5-grams, LSH banding, union-find), keeping the first
document of each group by :func:`corpusclean.corpus.doc_order`. See ``docs/corpus.md``.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..corpus import doc_order
from ..decision import Decision, drop, keep, remove_lines
from ..document import Document

if TYPE_CHECKING:
    import numpy as np

# numpy is imported by the functions that use it, not by the module: a run without corpus steps
# never needs it.

# The standard ``re`` module: Unicode-aware for these classes and faster than ``regex`` here.
_DIGITS_RE = re.compile(r"\d+")
_WORD_RE = re.compile(r"\w+")
_CHAR_RE = re.compile(r"\w")
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")
#: Scripts written without spaces between words (Han, kana, Thai, Lao, Tibetan, Myanmar, Khmer):
#: shingled by characters, not words.
_UNSPACED_RE = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]"
)


def hash64(text: str) -> int:
    """A stable 64-bit hash of ``text`` (BLAKE2b), the same in every process and platform.

    >>> hash64("a") == hash64("a") != hash64("b")
    True
    """
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def fold_line(text: str) -> str:
    """The form two lines must share to count as the same template line.

    Case is folded, every run of digits becomes ``0``, whitespace runs become one space.

    >>> fold_line("  Page 3 of 12 ")
    'page 0 of 0'
    """
    return " ".join(_DIGITS_RE.sub("0", text.casefold()).split())


def fold_text(text: str) -> str:
    """Case and whitespace folded text: what two exact duplicates share.

    >>> fold_text("Hello\\n\\n  World") == fold_text("hello world")
    True
    """
    return " ".join(text.casefold().split())


# -- sites ------------------------------------------------------------------------------------


def _lookup(meta: Mapping[str, Any], path: str) -> Any:
    node: Any = meta
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def url_host(url: str) -> str:
    """The host of ``url``, lowercased, without a leading ``www.``; ``""`` if none.

    >>> url_host("https://WWW.Example.com:8080/a?b=1")
    'example.com'
    """
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def site_of(doc: Document, *, site: str = "auto", url_field: str = "url") -> str:
    """The site a document belongs to, for counting template lines.

    ``site`` is ``"url"`` (host of the URL in ``meta[url_field]`` or
    ``meta["input_metadata"][url_field]``; a dotted ``url_field`` walks nested fields),
    ``"directory"`` (the directory of ``meta["source"]``), ``"auto"`` (the URL host when there
    is one, else the directory) or ``"corpus"`` (every document is one site).

    >>> d = Document.from_text("x", meta={"source": "crawl/a/p1.txt"})
    >>> site_of(d)
    'crawl/a/'
    >>> site_of(Document.from_text("x", meta={"input_metadata": {"url": "http://b.org/x"}}))
    'b.org'
    """
    if site == "corpus":
        return "*"
    if site in ("auto", "url"):
        for root in (doc.meta, doc.meta.get("input_metadata")):
            value = _lookup(root, url_field) if isinstance(root, Mapping) else None
            if isinstance(value, str):
                host = url_host(value)
                if host:
                    return host
        if site == "url":
            return ""
    return (posixpath.dirname(doc.source.replace("\\", "/")) or ".") + "/"


# -- counting structure -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _cm_seeds() -> np.ndarray:
    """Odd 64-bit multipliers of the count-min rows (multiply-shift hashing of 64-bit keys)."""
    import numpy as np

    seeds = np.random.default_rng(0x5EED_C0DE).integers(1, 2**63, size=16, dtype=np.uint64)
    return seeds * np.uint64(2) + np.uint64(1)


#: Sketch cells are 16-bit and saturate: a sum of non-negative counts capped at the same value
#: is still associative and commutative, so shards merge to the same sketch.
_CELL_MAX = 0xFFFF  # np.iinfo(np.uint16).max


def _no_keys() -> np.ndarray:
    import numpy as np

    return np.zeros(0, np.uint64)


def _no_counts() -> np.ndarray:
    import numpy as np

    return np.zeros(0, np.uint32)


def _scatter_add(row: np.ndarray, idx: np.ndarray, weights: np.ndarray) -> None:
    """``row[idx] += weights`` with repeated indexes summed, saturating at the cell maximum."""
    import numpy as np

    if idx.size == 0:
        return
    order = np.argsort(idx, kind="stable")
    sidx = idx[order]
    starts = np.flatnonzero(np.r_[True, sidx[1:] != sidx[:-1]])
    cells = sidx[starts]
    sums = row[cells].astype(np.uint64) + np.add.reduceat(weights[order].astype(np.uint64), starts)
    row[cells] = np.minimum(sums, _CELL_MAX).astype(row.dtype)


def _compact(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys with summed counts."""
    import numpy as np

    if keys.size == 0:
        return keys.astype(np.uint64), counts.astype(np.uint32)
    order = np.argsort(keys, kind="stable")
    skeys = keys[order]
    starts = np.flatnonzero(np.r_[True, skeys[1:] != skeys[:-1]])
    return skeys[starts], np.add.reduceat(counts[order].astype(np.uint32), starts)


@dataclass
class LineCounts:
    """Document counts of (site, line) keys: exact while they fit, then a count-min sketch.

    Exact counts are two numpy arrays (sorted 64-bit keys, 32-bit counts: 12 bytes a key)
    fed through a buffer. When more than ``capacity`` distinct keys are seen, every count is
    folded into a count-min sketch of ``depth`` rows of ``width`` 16-bit saturating cells. The
    sketch is linear, so a merge adds sketches; whether a merged state is exact depends only on
    the total number of distinct keys, so any split of the corpus gives the same merged state.
    """

    capacity: int
    width: int
    depth: int
    sites: dict[str, int] = field(default_factory=dict)
    keys: np.ndarray = field(default_factory=_no_keys)
    counts: np.ndarray = field(default_factory=_no_counts)
    pending: list[np.ndarray] = field(default_factory=list)
    n_pending: int = 0
    sketch: np.ndarray | None = None

    def add(self, site: str, keys: np.ndarray) -> None:
        self.sites[site] = self.sites.get(site, 0) + 1
        if keys.size:
            self.pending.append(keys)
            self.n_pending += keys.size
            if self.n_pending >= max(1 << 16, min(self.capacity, 1 << 22) // 4):
                self.flush()

    def flush(self) -> None:
        """Fold the buffer into the exact table or the sketch; switch to the sketch if full."""
        import numpy as np

        if not self.pending:
            return
        new = np.concatenate(self.pending)
        self.pending, self.n_pending = [], 0
        if self.sketch is not None:
            self._sketch_add(new, np.ones(new.size, np.uint32))
            return
        self.keys, self.counts = _compact(
            np.concatenate([self.keys, new]),
            np.concatenate([self.counts, np.ones(new.size, np.uint32)]),
        )
        if self.keys.size > self.capacity:
            self.to_sketch()

    def to_sketch(self) -> None:
        import numpy as np

        if self.sketch is None:
            self.sketch = np.zeros((self.depth, self.width), np.uint16)
        self._sketch_add(self.keys, self.counts)
        self.keys, self.counts = _no_keys(), _no_counts()

    def _rows(self, keys: np.ndarray) -> list[np.ndarray]:
        import numpy as np

        shift = np.uint64(64 - (self.width.bit_length() - 1))
        seeds = _cm_seeds()
        return [(keys * seeds[r]) >> shift for r in range(self.depth)]

    def _sketch_add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        assert self.sketch is not None
        for r, idx in enumerate(self._rows(keys)):
            _scatter_add(self.sketch[r], idx, counts)

    @property
    def exact(self) -> bool:
        return self.sketch is None

    @property
    def load(self) -> float:
        """Mean count per sketch cell (documents x lines / width); 0 while counts are exact."""
        import numpy as np

        return (
            0.0 if self.sketch is None else float(self.sketch[0].sum(dtype=np.uint64)) / self.width
        )

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Document counts of ``keys`` (exact, or the count-min estimate, never below the truth)."""
        import numpy as np

        self.flush()
        if keys.size == 0:
            return np.zeros(0, np.int64)
        if self.sketch is not None:
            est = np.stack([self.sketch[r][idx] for r, idx in enumerate(self._rows(keys))])
            return est.min(axis=0).astype(np.int64)
        pos = np.searchsorted(self.keys, keys)
        pos = np.minimum(pos, max(self.keys.size - 1, 0))
        found = self.keys[pos] == keys if self.keys.size else np.zeros(keys.size, bool)
        return np.where(found, self.counts[pos] if self.keys.size else 0, 0).astype(np.int64)

    def __eq__(self, other: object) -> bool:
        import numpy as np

        if not isinstance(other, LineCounts):
            return NotImplemented
        self.flush()
        other.flush()
        same_sketch = (self.sketch is None and other.sketch is None) or (
            self.sketch is not None
            and other.sketch is not None
            and np.array_equal(self.sketch, other.sketch)
        )
        return (
            (self.capacity, self.width, self.depth, self.sites)
            == (other.capacity, other.width, other.depth, other.sites)
            and np.array_equal(self.keys, other.keys)
            and np.array_equal(self.counts, other.counts)
            and same_sketch
        )

    __hash__ = None  # type: ignore[assignment]


def merge_counts(states: Sequence[LineCounts], capacity: int, width: int, depth: int) -> LineCounts:
    """Merge shard counts; exact if the union of keys fits ``capacity``, else one sketch."""
    import numpy as np

    out = LineCounts(capacity, width, depth)
    for s in states:
        s.flush()
        for site, n in s.sites.items():
            out.sites[site] = out.sites.get(site, 0) + n
    out.sites = dict(sorted(out.sites.items()))
    out.keys, out.counts = _compact(
        np.concatenate([out.keys, *(s.keys for s in states)]),
        np.concatenate([out.counts, *(s.counts for s in states)]),
    )
    sketches = [s.sketch for s in states if s.sketch is not None]
    if sketches or out.keys.size > capacity:
        if sketches:  # row by row, to keep the temporary small
            out.sketch = np.zeros((depth, width), np.uint16)
            for r in range(depth):
                acc = np.zeros(width, np.uint32)
                for sk in sketches:
                    acc += sk[r]
                out.sketch[r] = np.minimum(acc, _CELL_MAX)
        out.to_sketch()
    return out


# -- template lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateLines:
    """Remove lines repeated across many documents of the same site (menus, footers, banners).

    A line counts once per document, by its folded form (case, digits and whitespace folded).
    It is removed from every document of the site, not kept once, when it occurs in at least
    ``min_docs`` documents of the site and in at least ``min_share`` of them. A long line (more
    than ``max_words`` words or ``max_chars`` characters: prose, not a template) needs
    ``long_min_docs`` documents. ``site`` says how documents are grouped into sites (see
    :func:`site_of`). Counts are exact up to ``memory_mb`` of counting tables, then estimated
    by a count-min sketch of the same size (``docs/corpus.md`` gives the error bound).
    """

    min_docs: int = 3
    min_share: float = 0.2
    max_words: int = 30
    max_chars: int = 200
    long_min_docs: int = 10
    site: str = "auto"
    url_field: str = "url"
    memory_mb: float = 256.0
    sketch_depth: int = 4

    def __post_init__(self) -> None:
        if self.site not in ("auto", "url", "directory", "corpus"):
            msg = f"site must be 'auto', 'url', 'directory' or 'corpus', not {self.site!r}"
            raise ValueError(msg)
        if self.min_docs < 2 or self.long_min_docs < 2:
            msg = ("min_docs and long_min_docs must be at least 2 "
                   "(a line of one document is no template)")
            raise ValueError(msg)

    # Sizes derived from the budget: an exact key takes 12 bytes, about 32 while the table is
    # compacted; a sketch cell takes 2 bytes.
    @property
    def capacity(self) -> int:
        return max(64, int(self.memory_mb * 2**20) // 32)

    @property
    def width(self) -> int:
        cells = max(64, int(self.memory_mb * 2**20) // (2 * self.sketch_depth))
        return 1 << (cells.bit_length() - 1)

    def _site(self, doc: Document) -> str:
        return site_of(doc, site=self.site, url_field=self.url_field)

    def _line_keys(self, doc: Document, site: str) -> dict[int, tuple[int, str]]:
        """Line index -> (key, folded line) for the lines that can be template lines."""
        out: dict[int, tuple[int, str]] = {}
        prefix = site + "\x00"
        idxs = [i for i, _line in doc.content_lines()]
        if not idxs:
            return out
        # fold every line in one pass (the same as fold_line on each: no line holds a newline)
        block = _DIGITS_RE.sub("0", "\n".join(doc.lines[i].text for i in idxs).casefold())
        for i, raw in zip(idxs, block.split("\n"), strict=True):
            folded = " ".join(raw.split())
            if _HAS_LETTER_RE.search(folded):
                out[i] = (hash64(prefix + folded), folded)
        return out

    def empty(self) -> LineCounts:
        return LineCounts(self.capacity, self.width, self.sketch_depth)

    def collect(self, state: LineCounts, doc: Document) -> LineCounts:
        import numpy as np

        site = self._site(doc)
        keys = {k for k, _ in self._line_keys(doc, site).values()}
        state.add(site, np.fromiter(keys, np.uint64, len(keys)))
        return state

    def merge(self, states: Sequence[LineCounts]) -> LineCounts:
        return merge_counts(states, self.capacity, self.width, self.sketch_depth)

    def bind(self, state: LineCounts) -> Callable[[Document], Decision]:
        state.flush()
        where = "" if state.exact else "about "

        def template_lines(doc: Document) -> Decision:
            import numpy as np

            site = self._site(doc)
            n_site = state.sites.get(site, 0)
            if n_site < self.min_docs:
                return keep()
            lines = self._line_keys(doc, site)
            idxs = list(lines)
            counts = state.lookup(np.fromiter((lines[i][0] for i in idxs), np.uint64, len(idxs)))
            reasons: dict[int, str] = {}
            details: dict[int, str] = {}
            for i, c in zip(idxs, counts.tolist(), strict=True):
                folded = lines[i][1]
                long = len(folded.split()) > self.max_words or len(folded) > self.max_chars
                need = max(self.long_min_docs if long else self.min_docs, self.min_share * n_site)
                if c >= need or c >= _CELL_MAX:
                    reasons[i] = "corpus.template_line"
                    details[i] = f"seen in {where}{c} of {n_site} documents of {site}"
            return remove_lines(doc, reasons, details)

        return template_lines


# -- duplicates -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _gram_mult() -> np.ndarray:
    """Multipliers combining token hashes into an n-gram hash (odd, 64-bit)."""
    import numpy as np

    mult = np.random.default_rng(0xD3D0_5EED).integers(1, 2**63, size=64, dtype=np.uint64)
    return mult * np.uint64(2) + np.uint64(1)


def tokens(text: str, *, unspaced_share: float = 0.5) -> tuple[np.ndarray, np.ndarray, bool]:
    """Token hashes of ``text`` (casefolded): words, or characters for unspaced scripts.

    Returns the 32-bit token hashes (as uint64), the line number of each token, and whether
    characters were used: text whose word characters are mostly Chinese, Japanese, Thai, Lao,
    Khmer, Myanmar or Tibetan has no spaces between words, so it is shingled by characters.

    >>> t, line, chars = tokens("Hello world,\\nhello")
    >>> len(t), line.tolist(), chars, bool(t[0] == t[2])
    (3, [0, 0, 1], False, True)
    >>> tokens("東京は日本の首都です")[2]
    True
    """
    import numpy as np

    folded = text.casefold()
    lines = folded.split("\n")
    unspaced = len(_UNSPACED_RE.findall(folded))
    chars = unspaced > 0 and unspaced > unspaced_share * len(_CHAR_RE.findall(folded))
    per_line = [_CHAR_RE.findall(ln) if chars else _WORD_RE.findall(ln) for ln in lines]
    flat = [t for toks in per_line for t in toks]
    if chars:
        hashes = np.fromiter(map(ord, flat), np.uint64, len(flat))
    else:
        try:
            hashes = np.fromiter(map(zlib.crc32, map(str.encode, flat)), np.uint64, len(flat))
        except UnicodeEncodeError:  # lone surrogates
            hashes = np.fromiter(
                (zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in flat), np.uint64, len(flat)
            )
    line_of = np.repeat(np.arange(len(lines)), [len(t) for t in per_line])
    return hashes, line_of, chars


def shingles(toks: np.ndarray, line_of: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the ``n``-grams of ``toks`` inside each line.

    An n-gram never spans two lines, so reordering paragraphs keeps every shingle; a line of
    fewer than ``n`` tokens is one shingle.

    >>> t, line, _ = tokens("a b c\\nd e")
    >>> shingles(t, line, 2).size, shingles(t, line, 5).size
    (3, 2)
    """
    import numpy as np

    if toks.size == 0:
        return np.zeros(0, np.uint64)
    mult = _gram_mult()
    parts = []
    m = toks.size - n + 1
    if m > 0:
        x = np.zeros(m, np.uint64)
        for j in range(n):
            x += toks[j : j + m] * mult[j]
        parts.append(x[line_of[:m] == line_of[n - 1 :]])
    bounds = np.flatnonzero(np.r_[True, line_of[1:] != line_of[:-1], True])
    starts, lengths = bounds[:-1], np.diff(bounds)
    short = lengths < n
    if short.any():
        st, ln = starts[short], lengths[short]
        x = ln.astype(np.uint64) * mult[n % mult.size]
        for j in range(int(ln.max())):
            live = ln > j
            x[live] += toks[st[live] + j] * mult[j]
        parts.append(x)
    x = np.concatenate(parts)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(29)
    return np.unique(x >> np.uint64(32))


@lru_cache(maxsize=8)
def _perm_params(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2)
    return a, b


def minhash(sh: np.ndarray, a: np.ndarray, b: np.ndarray, *, block: int = 2048) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes.

    Each of the ``len(a)`` hash functions is ``((a * x + b) mod 2**64) >> 32`` (Dietzfelbinger's
    multiply-add-shift family, strongly universal for 32-bit ``x``), evaluated with numpy.
    """
    import numpy as np

    sig = np.full(a.size, np.iinfo(np.uint32).max, np.uint64)
    for s in range(0, sh.size, block):
        x = sh[s : s + block, None]
        np.minimum(sig, ((x * a[None, :] + b[None, :]) >> np.uint64(32)).min(axis=0), out=sig)
    return sig.astype(np.uint32)


#: One collected document: (doc_order key, id, exact hash, signature bytes, shingle bytes).
DedupRecord = tuple[tuple[str, int, str], str, int, bytes, bytes]


@dataclass
class DedupState:
    """What ``corpus.dedup`` collects: one small record a document, sorted by document order."""

    records: list[DedupRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Verdict:
    kept_id: str
    reason: str
    similarity: float


class _UnionFind:
    """Union-find whose root is always the smallest index (the first document)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            lo, hi = (ri, rj) if ri < rj else (rj, ri)
            self.parent[hi] = lo


@dataclass(frozen=True)
class Dedup:
    """Drop exact and near duplicate documents, keeping the first of each group.

    Exact duplicates share their text once case and whitespace are folded (reason
    ``dedup.exact``). Near duplicates have a Jaccard similarity of at least ``threshold``
    between their sets of word ``ngram``-grams (character ``char_ngram``-grams for Chinese,
    Japanese, Thai and other unspaced scripts), estimated by MinHash with ``num_perm`` hash
    functions; LSH with ``bands`` bands finds candidate pairs, and ``verify`` checks them
    against the true Jaccard similarity (the state then keeps every document's shingles).
    Documents linked by a chain of similar pairs form one group (reason ``dedup.near``). The
    kept document is the first by document order; a dropped one is annotated with
    ``duplicate_of`` (the kept id) and ``duplicate_similarity``. Documents with fewer than
    ``min_words`` tokens take part in exact deduplication only.
    """

    threshold: float = 0.3
    ngram: int = 5
    char_ngram: int = 5
    num_perm: int = 128
    bands: int = 64
    min_words: int = 8
    verify: bool = False
    near: bool = True
    seed: int = 1

    def __post_init__(self) -> None:
        problems = []
        if not 0.0 < self.threshold <= 1.0:
            problems.append(f"threshold must be in (0, 1], not {self.threshold}")
        if self.bands < 1 or self.num_perm % self.bands:
            problems.append(f"bands ({self.bands}) must divide num_perm ({self.num_perm})")
        if self.ngram < 1 or self.char_ngram < 1:
            problems.append("ngram and char_ngram must be at least 1")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def candidate_probability(self, similarity: float) -> float:
        """Probability that LSH makes a pair of this Jaccard similarity a candidate.

        >>> round(Dedup().candidate_probability(0.3), 3)
        0.998
        """
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands

    def _params(self) -> tuple[np.ndarray, np.ndarray]:
        return _perm_params(self.num_perm, self.seed)

    def empty(self) -> DedupState:
        return DedupState()

    def collect(self, state: DedupState, doc: Document) -> DedupState:
        text = doc.text
        folded = fold_text(text)
        if not folded:
            return state
        sig = sh_bytes = b""
        if self.near:
            toks, line_of, chars = tokens(text)
            if toks.size >= self.min_words:
                sh = shingles(toks, line_of, self.char_ngram if chars else self.ngram)
                a, b = self._params()
                sig = minhash(sh, a, b).astype("<u4").tobytes()
                if self.verify:
                    sh_bytes = sh.astype("<u4").tobytes()
        state.records.append((doc_order(doc), doc.id, hash64(folded), sig, sh_bytes))
        return state

    def merge(self, states: Sequence[DedupState]) -> DedupState:
        return DedupState(sorted(r for s in states for r in s.records))

    def groups(self, state: DedupState) -> dict[tuple[str, int, str], Verdict]:
        """The verdict for every document that is dropped, keyed by its document order."""
        import numpy as np

        recs = sorted(state.records)
        n = len(recs)
        uf = _UnionFind(n)
        first_of: dict[int, int] = {}
        for i, rec in enumerate(recs):
            j = first_of.setdefault(rec[2], i)
            if j != i:
                uf.union(j, i)
        reps = [i for i in range(n) if first_of[recs[i][2]] == i and recs[i][3]]
        sigs = (
            np.frombuffer(b"".join(recs[i][3] for i in reps), "<u4").reshape(
                len(reps), self.num_perm
            )
            if reps
            else np.zeros((0, self.num_perm), np.uint32)
        )
        sets = [np.frombuffer(recs[i][4], "<u4") for i in reps] if self.verify else []
        if self.near and len(reps) > 1:
            self._link(sigs, sets, reps, uf)
        out: dict[tuple[str, int, str], Verdict] = {}
        rep_pos = {r: p for p, r in enumerate(reps)}
        for i in range(n):
            k = uf.find(i)
            if k == i:
                continue
            if recs[i][2] == recs[k][2]:
                out[recs[i][0]] = Verdict(recs[k][1], "dedup.exact", 1.0)
                continue
            pi, pk = rep_pos.get(first_of[recs[i][2]]), rep_pos.get(k)
            sim = 0.0
            if pi is not None and pk is not None:
                sim = (
                    _jaccard(sets[pi], sets[pk])
                    if self.verify
                    else float(np.mean(sigs[pi] == sigs[pk]))
                )
            out[recs[i][0]] = Verdict(recs[k][1], "dedup.near", round(sim, 3))
        return out

    def _link(
        self, sigs: np.ndarray, sets: list[np.ndarray], reps: list[int], uf: _UnionFind
    ) -> None:
        """Union every LSH candidate pair whose similarity reaches the threshold."""
        import numpy as np

        r = self.rows
        margin = 0.15 if self.verify else 0.0
        for band in range(self.bands):
            cols = sigs[:, band * r : (band + 1) * r].astype(np.uint64)
            key = cols[:, 0].copy()
            for c in range(1, r):
                key = key * np.uint64(0x100000001B3) + cols[:, c]
            order = np.argsort(key, kind="stable")
            skey = key[order]
            cuts = np.flatnonzero(np.r_[True, skey[1:] != skey[:-1], True])
            for s, e in itertools.pairwise(cuts):
                if e - s < 2:
                    continue
                members = np.sort(order[s:e])
                roots = {uf.find(reps[m]) for m in members.tolist()}
                if len(roots) == 1:
                    continue
                self._link_bucket(members, sigs, sets, reps, uf, margin)

    def _link_bucket(
        self,
        members: np.ndarray,
        sigs: np.ndarray,
        sets: list[np.ndarray],
        reps: list[int],
        uf: _UnionFind,
        margin: float,
    ) -> None:
        """Link similar members of one LSH bucket: every pair in a small bucket; in a large one,
        each member against the first still unmatched member (the leader), leader after leader."""
        import numpy as np

        if members.size <= 64:
            sub = sigs[members]
            est = (sub[:, None, :] == sub[None, :, :]).mean(axis=2)
            ii, jj = np.nonzero(np.triu(est >= self.threshold - margin, k=1))
            for i, j in zip(members[ii].tolist(), members[jj].tolist(), strict=True):
                if uf.find(reps[i]) != uf.find(reps[j]) and self._close(sets, i, j):
                    uf.union(reps[i], reps[j])
            return
        remaining = members
        while remaining.size > 1:
            lead, rest = int(remaining[0]), remaining[1:]
            hit = (sigs[rest] == sigs[lead]).mean(axis=1) >= self.threshold - margin
            for p in np.flatnonzero(hit).tolist():
                if self._close(sets, lead, int(rest[p])):
                    uf.union(reps[lead], reps[int(rest[p])])
                else:
                    hit[p] = False
            remaining = rest[~hit]

    def _close(self, sets: list[np.ndarray], i: int, j: int) -> bool:
        """With ``verify``, whether the true Jaccard similarity reaches the threshold."""
        return not self.verify or _jaccard(sets[i], sets[j]) >= self.threshold

    def bind(self, state: DedupState) -> Callable[[Document], Decision]:
        verdicts = self.groups(state)

        def dedup(doc: Document) -> Decision:
            v = verdicts.get(doc_order(doc))
            if v is None:
                return keep()
            marked = doc.annotate(duplicate_of=v.kept_id, duplicate_similarity=v.similarity)
            return drop(v.reason, doc=marked)

        return dedup


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    import numpy as np

    if x.size == 0 and y.size == 0:
        return 1.0
    inter = np.intersect1d(x, y, assume_unique=True).size
    return inter / (x.size + y.size - inter)


__all__ = [
    "Dedup",
    "DedupState",
    "LineCounts",
    "TemplateLines",
    "fold_line",
    "fold_text",
    "hash64",
    "site_of",
]
