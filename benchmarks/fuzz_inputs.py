"""The hostile-input battery and a mutation fuzzer for corpusclean's input side.

Two parts, both run through ``corpusclean.runner.clean_directory`` with the default pipeline:

- the **battery**: one file (or directory entry) per hostile case, each with the outcome it must
  give: ``doc`` (a kept or dropped record) or a reject reason code (``docs/reliability.md``);
- the **fuzzer**: seed pages and JSONL mutated at random (bytes flipped, cut, NUL and invalid
  UTF-8 inserted, line ends mixed, markup nested, gzip cut short...), in batches, for a time.

Every run is checked for the three failures that must never happen: a **crash** (an exception
out of ``clean_directory``), a **hang** (a batch over its time limit) and a **lost record** (an
input file, or a non-blank JSONL line, with no line in ``documents.jsonl``, ``dropped.jsonl``
or ``rejects.jsonl``).

    python benchmarks/fuzz_inputs.py --seconds 60 --seed 1
"""

from __future__ import annotations

import argparse
import bz2
import codecs
import gzip
import json
import lzma
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from corpusclean.budget import BudgetExceeded, default_budget, time_budget
from corpusclean.readers import ReaderOptions
from corpusclean.runner import clean_directory

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OUTPUTS = ("documents.jsonl", "dropped.jsonl", "rejects.jsonl")

GERMAN = "Die Straße führt über die Brücke nach Köln.\nZweite Zeile mit Inhalt und Umlauten: äöü.\n"
RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю.\nВторая строка текста.\n"
CHINESE = "这是一个关于编码检测的测试句子。我们希望解码器能够正确识别中文文本。\n第二行。\n"


def _jsonl(*records: object) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


def _complete_lines(cut_gzip: bytes) -> int:
    """How many whole lines the readable part of a cut gzip stream holds."""
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut_gzip).count(b"\n")


_CUT_JSONL_GZ = gzip.compress(_jsonl(*({"text": f"record {i} " * 30} for i in range(50))))[:-100]


#: (file name, bytes, expected outcomes in order). Sizes are kept small; big files are
#: measured by benchmarks/big_files.py and tests/reliability/test_big_files.py.
CASES: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("empty.txt", b"", ("read.empty",)),
    ("whitespace.html", b"  \r\n\t\n", ("read.empty",)),
    ("blank-lines.jsonl", b"\n\n  \n", ("read.empty",)),
    ("png-named.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ("decode.binary",)),
    ("pdf-named.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", ("decode.binary",)),
    ("zip-named.txt", b"PK\x03\x04\x14\x00\x08\x00" + bytes(range(200)), ("decode.binary",)),
    ("elf-named.html", b"\x7fELF\x02\x01\x01\x00" + bytes(300), ("decode.binary",)),
    ("random-binary.txt", random.Random(7).randbytes(4096), ("decode.binary",)),
    ("nul-bytes.txt", b"Some text\x00 with NUL\x00 bytes in a line of words.\n", ("doc",)),
    ("bad-utf8-middle.txt", (GERMAN * 5).encode() + b"cut \xe2\x82 here \xff\n" + GERMAN.encode(), ("doc",)),
    ("utf16-bom.txt", codecs.BOM_UTF16_LE + GERMAN.encode("utf-16-le"), ("doc",)),
    ("utf16-no-bom.txt", GERMAN.encode("utf-16-le"), ("doc",)),
    ("utf16be-cjk-no-bom.txt", CHINESE.encode("utf-16-be"), ("doc",)),
    ("utf32-bom.txt", codecs.BOM_UTF32_LE + GERMAN.encode("utf-32-le"), ("doc",)),
    ("cp1251.txt", RUSSIAN.encode("cp1251"), ("doc",)),
    ("mixed-eol.txt", b"one\r\ntwo\rthree\nfour\r\n\r\nfive", ("doc",)),
    ("controls.txt", "bell\x07 esc\x1b[31m red\x1b[0m tab\t vt\x0b ff\x0c del\x7f c1\x85 end\n".encode(), ("doc",)),
    ("surrogate-bytes.txt", b"CESU \xed\xa0\x80\xed\xb0\x80 pair and lone \xed\xa0\x80 here, " * 3 + "é".encode() * 40,
     ("doc",)),
    ("deep.html", b"<div>" * 3000 + b"deep text" + b"</div>" * 3000, ("doc",)),
    ("malformed.html", b"<html><p>unclosed <b>bold <table><tr><td>cell</p></div></span><<>>&bogus;&#0;", ("doc",)),
    ("only-script.html", b"<script>var x = 1;</script><style>p{}</style>", ("doc",)),
    ("page.txt.gz", gzip.compress(GERMAN.encode()), ("doc",)),
    ("truncated.html.gz", gzip.compress(GERMAN.encode() * 100)[:-30], ("read.bad_gzip",)),
    ("not-gzip.txt.gz", b"just text", ("read.bad_gzip",)),
    ("gzip-bomb.txt.gz", gzip.compress(b"a" * 3_000_000), ("read.too_large",)),
    ("truncated.html.bz2", bz2.compress(GERMAN.encode() * 100)[:-30], ("read.bad_bz2",)),
    ("not-xz.txt.xz", b"just text", ("read.bad_xz",)),
    ("xz-bomb.txt.xz", lzma.compress(b"a" * 3_000_000), ("read.too_large",)),
    ("records.jsonl", _jsonl(
        {"id": "1", "text": "fine"},
        b'{"id": "2", "text": "broken',
        b"[1, 2]",
        {"id": "3"},
        {"id": "4", "text": ["not", "a", "string"]},
        {"id": "1", "text": "duplicate id"},
        b'{"id": "5", "text": "lone \\udc80 surrogate"}',
        b'{"id": "6", "text": "bad \xc3 byte"}',
        b"[" * 3000 + b"]" * 3000,
        b"",
        {"id": "7", "text": "last"},
    ), ("doc", "jsonl.bad_json", "jsonl.not_object", "jsonl.no_text", "jsonl.no_text", "doc", "doc", "doc",
        "jsonl.too_deep", "doc")),
    ("long-line.jsonl", _jsonl({"text": "a"}, {"text": "x" * 2_000_000}, {"text": "b"}),
     ("doc", "jsonl.line_too_long", "doc")),
    ("utf16.jsonl", codecs.BOM_UTF16_LE + _jsonl({"text": "x"}).decode().encode("utf-16-le"), ("jsonl.not_utf8",)),
    ("utf16-no-bom.jsonl", _jsonl({"text": "x"}, {"text": "y"}).decode().encode("utf-16-le"), ("jsonl.not_utf8",)),
    ("cut-in-long-line.jsonl.gz", gzip.compress(_jsonl({"text": "a"}, {"text": "x" * 2_000_000}))[:-60],
     ("doc", "read.bad_gzip")),
    ("truncated.jsonl.gz", _CUT_JSONL_GZ, ("doc",) * _complete_lines(_CUT_JSONL_GZ) + ("read.bad_gzip",)),
]

#: Directory entries that are not plain files: name -> (how to make it, expected outcomes).
SPECIAL: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "broken-link.txt": (lambda p: p.symlink_to(p.parent / "nowhere.txt"), ("read.unreadable",)),
    "loop-a.txt": (lambda p: (p.symlink_to(p.parent / "loop-b.txt"),
                              (p.parent / "loop-b.txt").symlink_to(p)) and None, ("read.symlink_loop",)),
    "loop-b.txt": (lambda p: None, ("read.symlink_loop",)),
    "fifo.txt": (lambda p: os.mkfifo(p), ("read.not_regular",)),
    "directory.html": (lambda p: p.mkdir(), ()),  # a directory is walked, not read: nothing to report
    "dirloop": (lambda p: (p.mkdir(), (p / "self").symlink_to(p)) and None, ("read.symlink_loop",)),
}


def outcomes(out: Path) -> dict[str, list[tuple[int | None, str]]]:
    """``source -> [(line, outcome)]`` from the three output files of a run."""
    got: dict[str, list[tuple[int | None, str]]] = {}
    for name in OUTPUTS:
        path = out / name
        if not path.exists():
            continue
        for raw in path.read_text(encoding="utf-8").split("\n"):
            if not raw:
                continue
            rec = json.loads(raw)
            if name == "rejects.jsonl":
                got.setdefault(rec["source"], []).append((rec.get("line"), rec["reason"]))
            else:
                meta = rec["metadata"]
                got.setdefault(meta["source_path"], []).append((meta.get("line"), "doc"))
    for items in got.values():
        items.sort(key=lambda it: (it[0] is not None, it[0] or 0))
    return got


def write_battery(root: Path, max_bytes: int) -> dict[str, tuple[str, ...]]:
    """Write every case under ``root``; return what each source must produce."""
    expected: dict[str, tuple[str, ...]] = {}
    for name, data, expect in CASES:
        (root / name).write_bytes(data)
        expected[name] = expect
    for name, (make, expect) in SPECIAL.items():
        if not os.path.lexists(root / name):
            make(root / name)
        if expect:
            expected["dirloop/self" if name == "dirloop" else name] = expect
    return expected


def run_battery(workdir: Path, max_bytes: int = 1_000_000) -> tuple[dict[str, tuple[str, ...]], dict[str, list[str]]]:
    """Run the battery; return ``(expected, got)`` per source."""
    inp, out = workdir / "battery", workdir / "battery-out"
    inp.mkdir()
    expected = write_battery(inp, max_bytes)
    clean_directory(inp, out, reader_options=ReaderOptions(max_bytes=max_bytes))
    got = {src: [o for _, o in items] for src, items in outcomes(out).items()}
    return expected, got


# -- the fuzzer ---------------------------------------------------------------------------------

def _seed_inputs() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    seeds += [GERMAN.encode(), RUSSIAN.encode("cp1251"), CHINESE.encode("gbk"), CHINESE.encode("utf-16")]
    seeds.append(b"<html><head><title>T</title></head><body><div><p>Para <b>one</b></p><ul><li>item</li></ul>"
                 b"</div><script>x()</script></body></html>")
    seeds.append(_jsonl(*({"id": i, "text": t, "url": f"https://example.org/{i}"}
                          for i, t in enumerate((GERMAN, RUSSIAN, CHINESE, "plain")))))
    return seeds


INSERTS = (b"\x00", b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\r", b"\r\n", b"\n", b"\x1b[0m", b"<div>" * 200,
           b"</p>", b"&#xd800;", b'\\ud800', b'"', b"{", b"]", b"\xef\xbb\xbf", b"\t" * 50, b"a" * 5000,
           "é".encode(), "中".encode("gbk"), b"\x85", b"\xe2\x80\xa8")


def mutate(rng: random.Random, data: bytes) -> bytes:
    """Apply 1-6 random mutations to ``data``."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # flip bytes
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op == 1:  # insert a hostile fragment
            buf[pos:pos] = rng.choice(INSERTS)
        elif op == 2:  # cut short
            del buf[pos:]
        elif op == 3 and buf:  # duplicate a slice
            end = min(len(buf), pos + rng.randint(1, 2000))
            buf[pos:pos] = buf[pos:end] * rng.randint(1, 20)
        elif op == 4:  # line ends to CR or CRLF
            buf = bytearray(bytes(buf).replace(b"\n", rng.choice((b"\r", b"\r\n", b"\n\r"))))
        elif op == 5:  # delete a slice
            del buf[pos:pos + rng.randint(1, 500)]
        else:  # re-encode as UTF-16 or prepend a BOM
            buf[0:0] = rng.choice((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    return bytes(buf)


def expected_count(name: str, data: bytes) -> int | None:
    """How many outcomes a fuzzed file must give at least (``None``: at least one)."""
    if ".jsonl" in name:
        lines = data.split(b"\n")
        if lines and lines[0].startswith(codecs.BOM_UTF8):
            lines[0] = lines[0][3:]
        return max(1, sum(1 for ln in lines if ln.strip()))  # an empty file is one read.empty
    return None


@dataclass
class Figures:
    """What a fuzzing run did."""

    files: int = 0
    batches: int = 0
    crashes: int = 0
    hangs: int = 0
    lost: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"files": self.files, "batches": self.batches, "crashes": self.crashes, "hangs": self.hangs,
                "lost_records": self.lost, "outcomes": dict(self.outcomes.most_common()),
                "failures": self.failures[:10]}


def fuzz(
    seconds: float, seed: int, workdir: Path, batch: int = 25, batch_limit: float = 60.0,
    keep: Path | None = None,
) -> Figures:
    """Mutate seeds into batches of files and run each batch; count crashes, hangs, lost records.

    Inputs that lost a record are copied to ``keep`` when it is given.
    """
    rng = random.Random(seed)
    seeds = _seed_inputs()
    exts = (".txt", ".html", ".jsonl", ".txt.gz", ".html.gz", ".jsonl.gz", ".htm")
    figs = Figures()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        n = figs.batches
        figs.batches += 1
        inp, out = workdir / f"in{n}", workdir / f"out{n}"
        inp.mkdir()
        made: dict[str, bytes | None] = {}
        for i in range(batch):
            ext = rng.choice(exts)
            data = mutate(rng, rng.choice(seeds))
            name = f"f{i:03d}{ext}"
            raw = data
            if ext.endswith(".gz"):
                data = gzip.compress(data)
                if rng.random() < 0.3:
                    data = data[: rng.randint(0, len(data))]
            (inp / name).write_bytes(data)
            intact = not ext.endswith(".gz") or _gunzips_to(data, raw)
            made[name] = raw if intact else None  # a cut gzip stream: at least one outcome
        figs.files += batch
        try:
            with time_budget(batch_limit), default_budget(5):
                options = ReaderOptions(max_bytes=rng.choice((8192, 200_000)), time_budget=5)
                clean_directory(inp, out, reader_options=options)
        except BudgetExceeded:
            figs.hangs += 1
            figs.failures.append(f"batch {n}: over {batch_limit} s")
            continue
        except Exception:
            figs.crashes += 1
            figs.failures.append(f"batch {n}: {traceback.format_exc(limit=3)}")
            continue
        got = outcomes(out)
        for name, raw in made.items():
            items = got.get(name, [])
            figs.outcomes.update(o for _, o in items)
            need = 1 if raw is None else expected_count(name, raw)
            if need is None:
                need = 1
            if len(items) < need and not (items and _file_level(items)):
                figs.lost += 1
                figs.failures.append(f"batch {n}: {name} gave {items[:3]}, needs {need} outcome(s)")
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(inp / name, keep / f"batch{n}-{name}")
        shutil.rmtree(inp)
        shutil.rmtree(out)
    return figs


def _gunzips_to(data: bytes, raw: bytes) -> bool:
    """Whether ``data`` is a whole gzip stream of ``raw`` (a cut one may hold less, or nothing)."""
    try:
        return gzip.decompress(data) == raw
    except Exception:  # any failure means "not whole"
        return False


def _file_level(items: list[tuple[int | None, str]]) -> bool:
    """A reject that legitimately ends a JSONL file early (UTF-16, broken gzip, too large)."""
    return any(reason in ("jsonl.not_utf8", "read.bad_gzip", "read.too_large", "read.changed")
               for _, reason in items)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--keep", type=Path, help="copy inputs that lost a record into this directory")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        expected, got = run_battery(Path(tmp))
        mismatched = {k: (v, got.get(k, [])) for k, v in expected.items() if list(v) != got.get(k, [])}
        figs = fuzz(args.seconds, args.seed, Path(tmp), keep=args.keep)
    report = {"battery": {"cases": len(expected), "as_expected": len(expected) - len(mismatched),
                          "mismatched": mismatched},
              "fuzz": {"seconds": args.seconds, "seed": args.seed, **figs.to_dict()}}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0 if not mismatched and not (figs.crashes or figs.hangs or figs.lost) else 1


if __name__ == "__main__":
    sys.exit(main())
