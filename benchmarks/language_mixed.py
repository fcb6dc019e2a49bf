"""Write predictions for the language benchmark (texts and mixed-language documents).

    nice python benchmarks/language_mixed.py [--data DIR] --out OUT [--kinds sentence udhr]

``DIR`` holds ``texts.jsonl`` (one text per line: ``id``, ``text``) and ``mixed.jsonl`` (short
documents with one inserted line: ``id``, ``text``). Two files are written in ``OUT``:

- ``langs.jsonl``: ``{"id", "lang"}`` per text, the language ``language.detect`` annotates;
- ``kept.jsonl``: ``{"id", "kept", "removed"}`` per document, the indexes of the lines that
  ``language.detect`` then ``language.foreign_lines`` (at their defaults) kept, and each removed
  line's reason and detail.

Score them with the benchmark's own scorer::

    python score_lang_enc.py lang --pred OUT/langs.jsonl --data DIR
    python score_lang_enc.py lines --pred OUT/kept.jsonl --data DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from corpusclean import Document, Pipeline, Step

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "language"


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict_languages(rows: list[dict]) -> list[dict]:
    pipe = Pipeline([Step("language.detect")])
    out = []
    for row in rows:
        doc = pipe.run(Document.from_text(row["text"], id=row["id"])).doc
        lang = doc.annotations.get("language", "und") if doc is not None else "und"
        out.append({"id": row["id"], "lang": lang})
    return out


def predict_lines(rows: list[dict]) -> list[dict]:
    pipe = Pipeline([Step("language.detect"), Step("language.foreign_lines")])
    out = []
    for row in rows:
        source = Document.from_text(row["text"], id=row["id"])
        doc = pipe.run(source).doc
        gone = {r.line: r for r in doc.removals} if doc is not None else {}
        kept = [i for i, line in enumerate(source.lines) if line.no not in gone]
        removed = [
            {"index": i, "reason": gone[line.no].reason, "detail": gone[line.no].detail}
            for i, line in enumerate(source.lines)
            if line.no in gone
        ]
        out.append({"id": row["id"], "kept": kept, "removed": removed})
    return out


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, required=True, help="folder for the predictions")
    ap.add_argument("--kinds", nargs="*", help="only texts of these kinds (default: all)")
    args = ap.parse_args(argv)
    if not (args.data / "texts.jsonl").is_file() or not (args.data / "mixed.jsonl").is_file():
        print(f"no texts.jsonl and mixed.jsonl in {args.data}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    texts = _read(args.data / "texts.jsonl")
    if args.kinds:
        texts = [t for t in texts if t.get("kind") in args.kinds]
    t0 = time.perf_counter()
    _write(args.out / "langs.jsonl", predict_languages(texts))
    t1 = time.perf_counter()
    docs = _read(args.data / "mixed.jsonl")
    _write(args.out / "kept.jsonl", predict_lines(docs))
    t2 = time.perf_counter()
    print(
        f"{len(texts)} texts in {t1 - t0:.1f} s, {len(docs)} documents in {t2 - t1:.1f} s; "
        f"wrote {args.out}/langs.jsonl and {args.out}/kept.jsonl",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
