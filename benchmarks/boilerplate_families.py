"""Time the five boilerplate line families alone, on the documents as they reach them.

    python benchmarks/boilerplate_families.py DIR_OR_FILE [--digest]

Reads the input like ``corpusclean clean`` (text, HTML or JSONL files), runs the default
pipeline's steps before the families (encoding, HTML), then runs the families once in pipeline
order, as a cold run does (phrase tables compiled on first use, no line cached yet), and prints
the time of each family and of all five. Timings vary from run to run: run it a few times.
``--digest`` prints a hash of every decision (removed lines, reasons, details), to compare two
versions of the code: equal digests, equal output. ``--dump FILE`` writes what the core's
families read (the gated phrases, each family's tables and parameters, every document's lines)
for ``rust/core/examples/families.rs``, which times the core alone.
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import time
from dataclasses import fields
from pathlib import Path

from corpusclean.document import Document
from corpusclean.filters import DEFAULT_STEPS
from corpusclean.filters import boilerplate
from corpusclean.pipeline import Pipeline, Step
from corpusclean.readers.files import read_file, walk

FAMILIES = tuple(s for s in DEFAULT_STEPS
                 if s.startswith("boilerplate.") and s != "boilerplate.layout")


def documents(root: Path) -> list[Document]:
    """The documents of ``root`` after the default steps that run before the families."""
    before = DEFAULT_STEPS[: DEFAULT_STEPS.index(FAMILIES[0])]
    pipe = Pipeline([Step(name) for name in before])
    docs = []
    for item in walk(root):
        if not isinstance(item, tuple):
            continue
        path, rel = item
        for doc in read_file(path, rel):
            if isinstance(doc, Document):
                result = pipe.run(doc)
                if result.kept:
                    docs.append(result.doc)
    return docs


def run_once(pipe: Pipeline, docs: list[Document], digest: hashlib._Hash | None) -> list[float]:
    per_step = [0.0] * len(FAMILIES)
    for doc in docs:
        result = pipe.run(doc)
        for k, trace in enumerate(result.trace):
            per_step[k] += trace.seconds
            if digest is not None:
                digest.update(repr((trace.action, trace.reason, trace.removed)).encode())
    return per_step


def dump(pipe: Pipeline, docs: list[Document], path: Path) -> None:
    """The families' input for ``rust/core/examples/families.rs``: little-endian u32 counts
    and lengths, UTF-8 strings, f64 parameters."""
    out = bytearray()

    def count(n: int) -> None:
        out.extend(struct.pack("<I", n))

    def text(s: str) -> None:
        data = s.encode("utf-8", "surrogatepass")
        count(len(data))
        out.extend(data)

    def texts(items: list[str]) -> None:
        count(len(items))
        for item in items:
            text(item)

    texts(boilerplate._union(boilerplate.GATED_TABLES, (), ()))
    count(len(pipe.filters))
    for family in pipe.filters:
        sets, searches = family._core_tables()
        params = {f.name: float(v) for f in fields(family)
                  if isinstance(v := getattr(family, f.name), (int, float))}
        text(family.reason)
        count(len(sets))
        for name, items in sets.items():
            text(name)
            texts(items)
        count(len(searches))
        for name, (items, prefix) in searches.items():
            text(name)
            texts(items)
            count(int(prefix))
        count(len(params))
        for name, value in params.items():
            text(name)
            out.extend(struct.pack("<d", value))
    count(len(docs))
    for doc in docs:
        texts([ln.text for ln in doc.lines])
    path.write_bytes(bytes(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--digest", action="store_true")
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    docs = documents(args.input)
    pipe = Pipeline([Step(name) for name in FAMILIES])
    if args.dump:
        dump(pipe, docs, args.dump)
        return
    digest = hashlib.sha256() if args.digest else None
    t0, c0 = time.perf_counter(), time.process_time()
    times = run_once(pipe, docs, digest)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    for name, seconds in zip(FAMILIES, times):
        print(f"{name:28s} {seconds:.3f} s")
    print(f"{'all five':28s} {sum(times):.3f} s  ({total:.3f} s wall, {cpu:.3f} s CPU, "
          f"{len(docs)} documents)")
    if digest is not None:
        print(f"digest {digest.hexdigest()}")


if __name__ == "__main__":
    main()
