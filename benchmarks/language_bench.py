"""Measure language detection and foreign-line removal on the labelled dev bench.

    nice python benchmarks/language_bench.py [--bench ../shared/bench] [--show N] [--json FILE]

1. Document language: ``language.detect`` on each page's gold text (pages with full gold) and
   on its raw dump (every page), after the encoding steps, against the manifest's ``lang``
   (given by the source data set, or inferred by the bench's builders with py3langid: see
   ``lang_source``).
2. Foreign lines: the encoding steps, ``language.detect`` and ``language.foreign_lines`` over
   each dump (one dump line per document line); every removed line is looked up in the page's
   labels: removed boilerplate is a true positive, removed content a false one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from corpusclean import Document, Pipeline, Step


def load_manifest(bench: Path) -> list[dict]:
    path = bench / "dev" / "manifest.jsonl"
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--bench", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "bench"
    )
    ap.add_argument("--show", type=int, default=20, help="list this many removed content lines")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    ap.add_argument(
        "--pred",
        type=Path,
        help="write the kept dump lines per page here, for score.py --task lines",
    )
    args = ap.parse_args(argv)
    data = args.bench / "dev"
    if not data.is_dir():
        print(f"no bench at {args.bench}", file=sys.stderr)
        return 2
    detect = Pipeline(
        [Step("encoding.fix_mojibake"), Step("encoding.normalize"), Step("language.detect")]
    )
    clean = Pipeline(
        [
            Step("encoding.fix_mojibake"),
            Step("encoding.normalize"),
            Step("language.detect"),
            Step("language.foreign_lines"),
        ]
    )

    acc: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[tuple[str, str, str]] = Counter()
    removed: Counter[tuple[str, str]] = Counter()
    by_lang: Counter[tuple[str, str]] = Counter()
    content_removed: list[tuple[str, str, str, str]] = []
    total_lines = Counter()
    t0 = time.perf_counter()
    for rec in load_manifest(args.bench):
        name, gold_lang = rec["name"], rec.get("lang")
        if not gold_lang:
            continue
        src = rec.get("lang_source", "?")
        gold_path = data / f"{name}.gold.txt"
        if gold_path.exists():
            got = detect.run(Document.from_text(gold_path.read_text(encoding="utf-8"))).doc
            lang = got.annotations["language"]
            acc["gold"]["n"] += 1
            acc["gold"]["ok"] += lang == gold_lang
            acc[f"gold/{src}"]["n"] += 1
            acc[f"gold/{src}"]["ok"] += lang == gold_lang
            if lang != gold_lang:
                confusion[("gold", gold_lang, lang)] += 1
        labels = [
            json.loads(line) for line in (data / f"{name}.labels.jsonl").open(encoding="utf-8")
        ]
        doc = Document.from_text("\n".join(lab["text"] for lab in labels), id=name)
        res = clean.run(doc).doc
        if args.pred:
            args.pred.mkdir(parents=True, exist_ok=True)
            gone = {r.line for r in res.removals}
            kept = [lab["text"] for i, lab in enumerate(labels, start=1) if i not in gone]
            (args.pred / f"{name}.txt").write_text("\n".join(kept), encoding="utf-8")
        lang = res.annotations["language"]
        acc["dump"]["n"] += 1
        acc["dump"]["ok"] += lang == gold_lang
        acc[f"dump/{src}"]["n"] += 1
        acc[f"dump/{src}"]["ok"] += lang == gold_lang
        acc[f"dump/{gold_lang}"]["n"] += 1
        acc[f"dump/{gold_lang}"]["ok"] += lang == gold_lang
        if lang != gold_lang:
            confusion[("dump", gold_lang, lang)] += 1
        for lab in labels:
            total_lines[str(lab["label"])] += 1
        for r in res.removals:
            label = str(labels[r.line - 1]["label"]) if r.line - 1 < len(labels) else "?"
            removed[(r.reason, label)] += 1
            by_lang[(gold_lang, label)] += 1
            if label == "content":
                content_removed.append((name, r.reason, r.detail, r.text[:120]))
    seconds = time.perf_counter() - t0

    figures: dict[str, object] = {
        "accuracy": {
            k: {"pages": v["n"], "correct": v["ok"], "accuracy": round(v["ok"] / v["n"], 4)}
            for k, v in sorted(acc.items())
        },
        "confusions": [
            {"text": t, "gold": g, "got": p, "pages": n}
            for (t, g, p), n in sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "removed": {f"{reason} {label}": n for (reason, label), n in sorted(removed.items())},
        "removed_by_page_language": {
            f"{lang} {label}": n for (lang, label), n in sorted(by_lang.items())
        },
        "dump_lines": dict(total_lines),
        "seconds": round(seconds, 1),
    }
    n_removed = sum(removed.values())
    n_bad = sum(n for (_, label), n in removed.items() if label == "content")
    figures["removed_lines"] = n_removed
    figures["removed_content_lines"] = n_bad
    figures["precision"] = round(1 - n_bad / n_removed, 4) if n_removed else None
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    for row in content_removed[: args.show]:
        print("CONTENT REMOVED:", *row, sep="\t")
    if args.json:
        args.json.write_text(
            json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
