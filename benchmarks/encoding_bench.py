"""Decoding and mojibake repair: corpusclean beside chardet, charset-normalizer and ftfy alone.

Reads an encoding benchmark folder (``files/<id>.txt`` raw bytes, ``index.jsonl`` with the true
codec and kind of each file, ``expected.jsonl.gz`` the true texts, ``mojibake.jsonl`` damaged
lines with their originals) and prints, as JSON:

- ``decode``: for corpusclean's reader (``decode_bytes``), chardet alone (BOM, strict UTF-8
  when there is no NUL byte, then ``chardet.detect``) and charset-normalizer alone
  (``from_bytes().best()``): the share of text files decoded exactly (overall, by kind, by codec
  family), binary files refused, and how many decodes with confidence >= 0.9 are wrong;
- ``mojibake``: the share of damaged cases ``encoding.fix_mojibake`` restores exactly beside
  ftfy alone with the same configuration, by kind, and the share of clean cases left unchanged;
- ``speed``: decoding MB per CPU second of ``decode_bytes`` on legacy-encoded input (the true
  texts of the files in their own single-byte or CJK code page, each repeated to about 256 KiB)
  and on the same texts in UTF-8, and of ``encoding.fix_mojibake`` on the true texts and on the
  damaged lines; best of three rounds.

Texts are compared up to layout (a leading BOM, line-end style, blank lines at the start and
end, runs of blank lines, whitespace-only lines), as the benchmark's own scorer does.
``--pred DIR`` also writes each decoder's output in the scorer's layout (``DIR/<decoder>/<id>.txt``
and ``confidence.jsonl``; ``DIR/mojibake.jsonl``).

    python benchmarks/encoding_bench.py --data ../shared/bench/encoding [--pred out/] [--json f]
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from corpusclean.document import Document  # noqa: E402
from corpusclean.filters.encoding import FTFY_CONFIG, FixMojibake  # noqa: E402
from corpusclean.readers.decode import DecodeError, decode_bytes  # noqa: E402

#: A decoder gives ``(text, confidence)``, or ``None`` when it refuses the bytes.
Decoder = Callable[[bytes], "tuple[str, float | None] | None"]

SPEED_BYTES = 8 * 1024 * 1024  # of each input, built by repeating the texts
SPEED_ROUNDS = 3


def layout(text: str) -> str:
    """``text`` with the layout folded that does not count."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def corpusclean_decode(data: bytes) -> tuple[str, float] | None:
    try:
        decoded = decode_bytes(data)
    except DecodeError:
        return None
    return decoded.text, decoded.confidence


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def chardet_decode(data: bytes) -> tuple[str, float | None] | None:
    import chardet

    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, "replace"), 1.0
    if b"\x00" not in data:  # UTF-16 and UTF-32 text is valid UTF-8 when it is ASCII
        try:
            return data.decode("utf-8"), 1.0
        except UnicodeDecodeError:
            pass
    result = chardet.detect(data)
    if not result["encoding"]:
        return None
    try:
        return data.decode(result["encoding"], "replace"), result["confidence"]
    except LookupError:
        return None


def charset_normalizer_decode(data: bytes) -> tuple[str, float | None] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else (str(best), None)


DECODERS: dict[str, Decoder] = {
    "corpusclean": corpusclean_decode,
    "chardet": chardet_decode,
    "charset-normalizer": charset_normalizer_decode,
}


def load(data_dir: Path) -> tuple[list[dict], dict[str, str]]:
    index = [json.loads(line) for line in (data_dir / "index.jsonl").open(encoding="utf-8")]
    with gzip.open(data_dir / "expected.jsonl.gz", "rt", encoding="utf-8") as f:
        expected = {r["id"]: r["text"] for r in map(json.loads, f)}
    return index, expected


def pct(n: int, d: int) -> float | None:
    return round(100 * n / d, 1) if d else None


def bench_decode(data_dir: Path, pred: Path | None) -> dict[str, object]:
    index, expected = load(data_dir)
    figures: dict[str, object] = {}
    for name, decoder in DECODERS.items():
        out_dir = None
        if pred is not None:
            out_dir = pred / name
            out_dir.mkdir(parents=True, exist_ok=True)
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        refused = binaries = sure = sure_wrong = 0
        wrong: list[str] = []
        confidences: list[dict[str, object]] = []
        for row in index:
            result = decoder((data_dir / "files" / f"{row['id']}.txt").read_bytes())
            if out_dir is not None and result is not None:
                (out_dir / f"{row['id']}.txt").write_text(result[0], encoding="utf-8")
                confidences.append({"id": row["id"], "confidence": result[1]})
            if row["kind"] == "binary":
                binaries += 1
                refused += result is None
                continue
            good = result is not None and layout(result[0]) == layout(expected[row["id"]])
            keys = ((by_kind, row["kind"]), (by_kind, "all"), (by_family, row["family"]))
            for table, key in keys:
                table[key][0] += good
                table[key][1] += 1
            if result is not None and result[1] is not None and result[1] >= 0.9:
                sure += 1
                sure_wrong += not good
            if not good:
                wrong.append(f"{row['codec']}:{row['kind']}")
        if out_dir is not None:
            with (out_dir / "confidence.jsonl").open("w", encoding="utf-8") as f:
                f.writelines(json.dumps(c) + "\n" for c in confidences)
        figures[name] = {
            "exact": {k: f"{pct(*v)} ({v[1]})" for k, v in sorted(by_kind.items())},
            "by_family": {k: f"{pct(*v)} ({v[1]})" for k, v in sorted(by_family.items())},
            "binary_refused": f"{refused}/{binaries}",
            "confidence_0_9_wrong": f"{sure_wrong} of {sure}" if sure else "-",
            "wrong": sorted(wrong),
        }
    return figures


def bench_mojibake(data_dir: Path, pred: Path | None) -> dict[str, object]:
    import ftfy

    cases = [json.loads(line) for line in (data_dir / "mojibake.jsonl").open(encoding="utf-8")]
    step = FixMojibake()
    config = FTFY_CONFIG._replace(explain=False)
    tally: dict[str, dict[str, list[int]]] = {"corpusclean": defaultdict(lambda: [0, 0]),
                                              "ftfy": defaultdict(lambda: [0, 0])}
    outputs = []
    for case in cases:
        doc = Document.from_text(case["text"], id=case["id"])
        decision = step(doc)
        repaired = (doc if decision.action == "keep" else decision.doc).text
        outputs.append({"id": case["id"], "text": repaired})
        expected = layout(case["expected"])
        alone = ftfy.fix_text(case["text"], config=config)
        for name, text in (("corpusclean", repaired), ("ftfy", alone)):
            good = layout(text) == expected
            tally[name][case["kind"]][0] += good
            tally[name][case["kind"]][1] += 1
            if case["kind"] != "clean":
                tally[name]["all damaged"][0] += good
                tally[name]["all damaged"][1] += 1
    if pred is not None:
        pred.mkdir(parents=True, exist_ok=True)
        with (pred / "mojibake.jsonl").open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(o, ensure_ascii=False) + "\n" for o in outputs)
    return {
        name: {k: f"{pct(*v)} ({v[1]})" for k, v in sorted(t.items())} for name, t in tally.items()
    }


def bench_speed(data_dir: Path) -> dict[str, object]:
    """MB/s of ``decode_bytes`` on the true texts, in each file's legacy code page and in UTF-8."""
    index, expected = load(data_dir)
    legacy: list[bytes] = []
    utf8: list[bytes] = []
    for row in index:
        codec = row["codec"]
        if row["kind"] == "binary" or codec.startswith(("utf", "ascii", "iso2022")):
            continue
        text = expected[row["id"]]
        legacy.append(text.encode(codec))
        utf8.append(text.encode("utf-8"))
    figures: dict[str, object] = {}
    for name, samples in (("legacy", legacy), ("utf-8", utf8)):
        # Each sample repeated to about 256 KiB: files of a realistic size, whatever the sample.
        inputs = [s * max(1, (256 * 1024) // len(s)) for s in samples]
        total = sum(map(len, inputs))
        best = float("inf")
        for _ in range(SPEED_ROUNDS):
            t0 = time.process_time()  # CPU time: what other jobs on the machine take is not counted
            for data in inputs:
                decode_bytes(data)
            best = min(best, time.process_time() - t0)
        figures[name] = {"files": len(inputs), "mb": round(total / 1e6, 1),
                         "mb_per_s": round(total / 1e6 / best, 1)}
    # encoding.fix_mojibake over the true texts (clean: the common case) and the damaged lines.
    step = FixMojibake()
    cases = [json.loads(line) for line in (data_dir / "mojibake.jsonl").open(encoding="utf-8")]
    for name, texts in (("fix_mojibake clean", [expected[r["id"]] for r in index
                                                 if r["kind"] != "binary"]),
                        ("fix_mojibake damaged", [c["text"] for c in cases])):
        docs = [Document.from_text(t) for t in texts]
        total = sum(len(t.encode("utf-8")) for t in texts)
        best = float("inf")
        for _ in range(SPEED_ROUNDS):
            t0 = time.process_time()
            for doc in docs:
                step(doc)
            best = min(best, time.process_time() - t0)
        figures[name] = {"mb": round(total / 1e6, 2), "mb_per_s": round(total / 1e6 / best, 1)}
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared/bench/encoding")
    ap.add_argument("--pred", type=Path, help="write each decoder's output here, for the scorer")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--only", choices=("decode", "mojibake", "speed"), action="append")
    args = ap.parse_args(argv)
    if not (args.data / "index.jsonl").is_file():
        print(f"no encoding benchmark at {args.data}", file=sys.stderr)
        return 2
    parts = args.only or ["decode", "mojibake", "speed"]
    figures: dict[str, object] = {}
    if "decode" in parts:
        figures["decode"] = bench_decode(args.data, args.pred)
    if "mojibake" in parts:
        figures["mojibake"] = bench_mojibake(args.data, args.pred)
    if "speed" in parts:
        figures["speed"] = bench_speed(args.data)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
