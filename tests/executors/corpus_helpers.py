"""Toy corpus steps and a generated corpus for the executor tests."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from corpusclean import FilterInfo, Registry
from corpusclean.corpus import doc_order
from corpusclean.decision import drop, keep, remove_lines
from corpusclean.filters import BUILTINS


@dataclass(frozen=True)
class SiteRepeats:
    """Remove lines seen in at least ``k`` documents (counted by line hash)."""

    k: int = 3

    def empty(self):
        return Counter()

    def collect(self, state, doc):
        state.update({_digest(ln.text) for ln in doc.lines if ln.text})
        return state

    def merge(self, states):
        return sum(states, Counter())

    def bind(self, state):
        frequent = {key for key, n in state.items() if n >= self.k}
        return lambda doc: remove_lines(
            doc, {i: "corpus.repeated" for i, ln in enumerate(doc.lines) if _digest(ln.text) in frequent})


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=8).digest()


@dataclass(frozen=True)
class KeepFirstCopy:
    """Drop every document whose text an earlier document (in ``doc_order``) already has."""

    def empty(self):
        return {}

    def collect(self, state, doc):
        key = hashlib.sha1(doc.text.encode()).hexdigest()
        order = doc_order(doc)
        if key not in state or order < state[key]:
            state[key] = order
        return state

    def merge(self, states):
        out: dict[str, tuple] = {}
        for s in states:
            for key, order in s.items():
                if key not in out or order < out[key]:
                    out[key] = order
        return out

    def bind(self, state):
        def apply(doc):
            first = state.get(hashlib.sha1(doc.text.encode()).hexdigest())
            return drop("corpus.duplicate") if first is not None and first != doc_order(doc) else keep()

        return apply


@dataclass(frozen=True)
class DropShort:
    """Drop documents shorter than ``min_chars``."""

    min_chars: int = 20

    def __call__(self, doc):
        return drop("quality.too_short") if len(doc.text) < self.min_chars else keep()


def registry() -> Registry:
    return Registry([
        *BUILTINS,
        FilterInfo("test.site_repeats", SiteRepeats, reasons=frozenset({"corpus.repeated"}), corpus=True),
        FilterInfo("test.keep_first", KeepFirstCopy, reasons=frozenset({"corpus.duplicate"}), corpus=True),
        FilterInfo("test.drop_short", DropShort, reasons=frozenset({"quality.too_short"})),
    ])


WORDS = ("the river runs north past old mills while the town sleeps under snow and "
         "Grüße aus München café naïve Привет мир 東京 京都 données été menu home login").split()
BOILER = ["Home | About | Contact", "Accept cookies", "© 2024 Example Ltd", "Share this page"]


def make_corpus(root: Path, *, files: int = 3, docs: int = 60, seed: int = 7, dup_ids: bool = True) -> Path:
    """JSONL files and a few text files of generated web-like documents, with repeated
    boilerplate lines, exact duplicate documents, a broken line and mojibake."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    texts: list[str] = []
    for f in range(files):
        with (root / f"part{f}.jsonl").open("w", encoding="utf-8") as out:
            for i in range(docs):
                if texts and rng.random() < 0.1:
                    text = rng.choice(texts)
                else:
                    body = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 25)))
                            for _ in range(rng.randint(1, 6))]
                    text = "\n".join([rng.choice(BOILER), *body, rng.choice(BOILER)])
                    if rng.random() < 0.1:
                        text += "\ncafÃ© crÃ¨me"
                    texts.append(text)
                rec = {"id": f"d{f}-{i}", "text": text, "url": f"https://example.org/{i}"}
                if dup_ids and rng.random() < 0.05:
                    rec["id"] = f"d{f}-0"
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                if i == docs // 2:
                    out.write("{not json\n")
    for t in range(4):
        (root / f"page{t}.txt").write_text(rng.choice(texts) + "\n", encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in rng.choice(texts).split("\n"))
    (root / "page.html").write_text(f"<html><title>T</title><body>{body}</body></html>", encoding="utf-8")
    zipped = "".join(json.dumps({"id": f"z{i}", "text": rng.choice(texts)}) + "\n" for i in range(5))
    (root / "zipped.jsonl.gz").write_bytes(gzip.compress(zipped.encode("utf-8"), mtime=0))
    return root


@dataclass(frozen=True)
class Slow:
    """Keep every document after ``seconds`` (to stop a run half-way in the resume test)."""

    seconds: float = 0.001

    def __call__(self, doc):
        time.sleep(self.seconds)
        return keep()


def slow_registry() -> Registry:
    reg = registry()
    reg.add(FilterInfo("test.slow", Slow, reasons=frozenset()))
    return reg


def output_bytes(out: Path) -> dict[str, bytes]:
    """Every output file of a run in ``out``, stats.json without the fields that describe the
    run (``RUN_FIELDS``: what it was made from, timings): what must not depend on how it ran."""
    from corpusclean.runner import OUTPUT_FILES
    from corpusclean.stats import RUN_FIELDS

    files = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    stats = json.loads(files["stats.json"])
    files["stats.json"] = json.dumps({k: v for k, v in stats.items() if k not in RUN_FIELDS}).encode()
    return files
