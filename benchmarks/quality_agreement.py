#!/usr/bin/env python3
"""Agreement of the quality filters with datatrove's implementations, and their speed beside it.

For every page of the bench's development split (English pages by default), two documents: the
full-page dump (``NAME.dump.txt``: menus, footers and banners included) and, where the page has
one, the gold main text (``NAME.gold.txt``). Each runs through one family of ours and the same
family of datatrove, with defaults, on the same text (``Document.text``: what corpusclean writes):

  gopher   quality.gopher    against GopherQualityFilter, then GopherRepetitionFilter
  c4       quality.c4        against C4QualityFilter
  fineweb  quality.fineweb   against FineWebQualityFilter

Printed per family: the share of documents with the same keep/drop decision (overall, on dumps,
on gold texts), and the disagreements as classes ``ours reason / datatrove reason`` with a
count and one example page each. Then the speed: MB of text (UTF-8) per CPU second of each
family and of datatrove's, in this process, one core. datatrove words come from spaCy's English
tokenizer (``spacy.blank("en")``), which its filters load themselves.

  nice python benchmarks/quality_agreement.py                 # English pages
  nice python benchmarks/quality_agreement.py --lang all      # every page, agreement by language
  nice python benchmarks/quality_agreement.py --examples 3    # three examples per class

Needs datatrove and spaCy (benchmarks/requirements.txt); the bench is found at ``--bench``,
else ``$CORPUSCLEAN_BENCH``, else ``../shared/bench`` beside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from corpusclean.document import Document  # noqa: E402
from corpusclean.filters.quality import C4, FineWeb, GopherQuality  # noqa: E402
from corpusclean.language import words as words_module  # noqa: E402

FAMILIES = ("gopher", "c4", "fineweb")

#: datatrove's drop reasons by our reason codes (the same rule).
SAME_RULE = {
    "gopher_short_doc": "quality.gopher.word_count",
    "gopher_long_doc": "quality.gopher.word_count",
    "gopher_below_avg_threshold": "quality.gopher.mean_word_length",
    "gopher_above_avg_threshold": "quality.gopher.mean_word_length",
    "gopher_too_many_hashes": "quality.gopher.hash_ratio",
    "gopher_too_many_ellipsis": "quality.gopher.ellipsis_ratio",
    "gopher_too_many_bullets": "quality.gopher.bullet_lines",
    "gopher_too_many_end_ellipsis": "quality.gopher.ellipsis_lines",
    "gopher_below_alpha_threshold": "quality.gopher.alpha_words",
    "gopher_enough_stop_words": "quality.gopher.stop_words",
    "empty": "quality.gopher.word_count",
    "dup_para_frac": "quality.gopher.dup_paragraphs",
    "dup_para_char_frac": "quality.gopher.dup_paragraph_chars",
    "dup_line_frac": "quality.gopher.dup_lines",
    "dup_line_char_frac": "quality.gopher.dup_line_chars",
    **{f"top_{n}_gram": "quality.gopher.top_ngram" for n in range(1, 11)},
    **{f"duplicated_{n}_n_grams": "quality.gopher.dup_ngram" for n in range(1, 11)},
    "lorem_ipsum": "quality.c4.lorem_ipsum",
    "curly_bracket": "quality.c4.curly_brace",
    "too_few_sentences": "quality.c4.too_few_sentences",
    "line_punct_ratio": "quality.fineweb.line_punct",
    "short_line_ratio": "quality.fineweb.short_lines",
    "char_dup_ratio": "quality.fineweb.char_duplicates",
    "list_ratio": "quality.fineweb.newline_ratio",
}


def find_bench(arg: str | None) -> Path:
    for cand in (arg, os.environ.get("CORPUSCLEAN_BENCH"), str(REPO.parent / "shared" / "bench"),
                 "/work/shared/bench"):
        if cand and (Path(cand) / "dev").is_dir():
            return Path(cand)
    sys.exit("bench not found: pass --bench")


def load_texts(bench: Path, lang: str) -> list[dict[str, Any]]:
    """(name, kind, language, text) for every dump and gold text of the dev split."""
    out = []
    with (bench / "dev" / "manifest.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        if row.get("split", "dev") != "dev" or (lang != "all" and row.get("lang") != lang):
            continue
        for kind in ("dump", "gold"):
            path = bench / "dev" / f"{row['name']}.{kind}.txt"
            if path.exists():
                text = Document.from_text(path.read_text(encoding="utf-8")).text
                out.append({"name": row["name"], "kind": kind, "lang": row.get("lang") or "?",
                            "text": text})
    return out


def ours(family: str) -> Callable[[dict[str, Any]], str | None]:
    """The family's decision on a text: None (kept) or the drop reason. The document carries
    the page's language from the manifest, as ``language.detect`` would annotate it."""
    step = {"gopher": GopherQuality(), "c4": C4(), "fineweb": FineWeb()}[family]

    def decide(item: dict[str, Any]) -> str | None:
        doc = Document.from_text(item["text"])
        if item["lang"] != "?":  # what language.detect would say, from the manifest
            doc = doc.annotate(language=item["lang"])
        decision = step(doc)
        return decision.reason if decision.action == "drop" else None

    return decide


def theirs(family: str) -> Callable[[dict[str, Any]], str | None]:
    from datatrove.data import Document as DtDocument
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    steps = {
        "gopher": [GopherQualityFilter(), GopherRepetitionFilter()],
        "c4": [C4QualityFilter()],
        "fineweb": [FineWebQualityFilter()],
    }[family]

    def decide(item: dict[str, Any]) -> str | None:
        doc = DtDocument(text=item["text"], id="x")
        for step in steps:
            answer = step.filter(doc)
            if answer is not True:
                return answer[1] if isinstance(answer, tuple) else "dropped"
        return None

    return decide


def run(decide: Callable[[dict[str, Any]], str | None],
        texts: list[dict[str, Any]]) -> tuple[list[str | None], float]:
    t0 = time.process_time()
    answers = [decide(t) for t in texts]
    return answers, time.process_time() - t0


def c4_lines(texts: list[dict[str, Any]], mine: list[str | None], other: list[str | None]) -> None:
    """Line by line, on the documents both keep: does each line stay in both outputs? (datatrove
    writes kept lines stripped and without citation marks; ours keeps them as they were.)"""
    import re

    from datatrove.data import Document as DtDocument
    from datatrove.pipeline.filters import C4QualityFilter

    citation = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
    step, peer = C4(), C4QualityFilter()
    same = total = 0
    for t, a, b in zip(texts, mine, other):
        if a is not None or b is not None:
            continue
        decision = step(Document.from_text(t["text"]))
        kept = {ln.no for ln in (decision.doc or Document.from_text(t["text"])).lines}
        dt_doc = DtDocument(text=t["text"], id="x")
        peer.filter(dt_doc)
        theirs = Counter(dt_doc.text.split("\n"))
        for line in Document.from_text(t["text"]).lines:
            if not line.text.strip():
                continue
            stays = citation.sub("", line.text.strip())
            in_theirs = theirs[stays] > 0
            if in_theirs:
                theirs[stays] -= 1
            total += 1
            same += (line.no in kept) == in_theirs
    if total:
        print(f"   lines of the documents both keep: same keep/remove for {same}/{total} = "
              f"{100 * same / total:.2f}%")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench")
    ap.add_argument("--lang", default="en", help="manifest language of the pages, or 'all' (default: en)")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--examples", type=int, default=1, help="example pages per disagreement class")
    args = ap.parse_args(argv)
    bench = find_bench(args.bench)
    texts = load_texts(bench, args.lang)
    mb = sum(len(t["text"].encode("utf-8")) for t in texts) / 1e6
    kinds = Counter(t["kind"] for t in texts)
    print(f"{len(texts)} texts ({kinds['dump']} dumps, {kinds['gold']} gold texts), {mb:.1f} MB, "
          f"language {args.lang}\n")
    speed = []
    for family in args.families.split(","):
        words_module._CHUNKS.clear()  # each family's time includes filling the token table
        mine, t_mine = run(ours(family), texts)
        peer = theirs(family)
        peer(texts[0])  # loads spaCy before the clock starts
        other, t_other = run(peer, texts)
        speed.append((family, t_mine, t_other))
        same = [(a is None) == (b is None) for a, b in zip(mine, other)]
        print(f"== {family}: same decision on {sum(same)}/{len(same)} = {100 * sum(same) / len(same):.1f}%"
              f" (ours drop {sum(a is not None for a in mine)}, datatrove drop "
              f"{sum(b is not None for b in other)})")
        for kind in ("dump", "gold"):
            sel = [s for s, t in zip(same, texts) if t["kind"] == kind]
            if sel:
                print(f"   {kind}: {sum(sel)}/{len(sel)} = {100 * sum(sel) / len(sel):.1f}%")
        if args.lang == "all":
            by_lang: dict[str, list[bool]] = defaultdict(list)
            for s, t in zip(same, texts):
                by_lang[t["lang"]].append(s)
            for lang, sel in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
                print(f"   lang {lang}: {sum(sel)}/{len(sel)} = {100 * sum(sel) / len(sel):.1f}%")
        both = [(a, b) for a, b in zip(mine, other) if a is not None and b is not None]
        if both:
            agree = sum(SAME_RULE.get(b, b) == a for a, b in both)
            print(f"   dropped by both: {len(both)}, for the same rule {agree} = {100 * agree / len(both):.1f}%")
        if family == "c4":
            c4_lines(texts, mine, other)
        classes: dict[tuple[str, str], list[str]] = defaultdict(list)
        for a, b, s, t in zip(mine, other, same, texts):
            if not s:
                classes[(a or "keep", b or "keep")].append(f"{t['name']}.{t['kind']}")
        for (a, b), names in sorted(classes.items(), key=lambda kv: -len(kv[1])):
            print(f"   {len(names):4d}  ours {a:36s} datatrove {b:28s} e.g. {', '.join(names[: args.examples])}")
        print()
    print("speed, one core, MB of text per CPU second (same texts, same process):")
    print(f"  {'family':8s} {'corpusclean':>12s} {'datatrove':>10s} {'ratio':>6s}")
    for family, t_mine, t_other in speed:
        print(f"  {family:8s} {mb / t_mine:12.2f} {mb / t_other:10.2f} {t_other / t_mine:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
