"""Load corpusclean's output with datatrove's, dolma's and Hugging Face datasets' JSONL readers.

Usage: python benchmarks/compat_readers.py OUT_DIR
(after `corpusclean clean seeds -o OUT_DIR`, in an environment with `pip install datatrove
datasets dolma`). Prints what each reader saw and exits 1 if any of them fails or loses a record.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(out: Path) -> int:
    path = out / "documents.jsonl"
    expected = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    failures = 0

    from datatrove.pipeline.readers import JsonlReader

    docs = list(JsonlReader(str(out), glob_pattern="documents.jsonl")())
    # datatrove merges our "metadata" object and the other top-level keys into Document.metadata
    ok = [d.id for d in docs] == [r["id"] for r in expected] and all(
        d.text == r["text"] and d.metadata["removed"] == r["metadata"]["removed"]
        for d, r in zip(docs, expected)
    )
    print(f"datatrove JsonlReader: {len(docs)} documents, ids and text {'match' if ok else 'DIFFER'}")
    failures += not ok

    import datasets

    ds = datasets.load_dataset("json", data_files=str(path), split="train")
    ok = ds.num_rows == len(expected) and ds["id"] == [r["id"] for r in expected] and ds["text"] == [r["text"] for r in expected]
    print(f"datasets.load_dataset('json'): {ds.num_rows} rows, columns {ds.column_names}, {'match' if ok else 'DIFFER'}")
    failures += not ok

    import msgspec
    from dolma.core.data_types import InputSpecWithMetadata

    decoder = msgspec.json.Decoder(InputSpecWithMetadata)
    specs = [decoder.decode(line) for line in path.read_bytes().splitlines()]
    ok = [s.id for s in specs] == [r["id"] for r in expected] and all(s.source for s in specs)
    print(f"dolma InputSpecWithMetadata: {len(specs)} documents, {'match' if ok else 'DIFFER'}")
    failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
