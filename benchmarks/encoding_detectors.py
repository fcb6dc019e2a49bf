"""Compare byte-encoding detectors (chardet 7.x, charset-normalizer) on real text in legacy encodings.

The labelled set is built from the dev bench: every ``*.gold.txt`` and ``*.dump.txt`` under
``--bench`` (real pages in many languages). For each file and each legacy encoding, the sample is
the file's lines that the encoding can represent; a sample counts only if it holds at least
``--min-non-ascii`` non-ASCII letters (pure ASCII decodes the same under any guess). Each sample
is tried long (up to 16 KiB) and short (the first 256 bytes, cut at a line boundary when one is
near). A guess is correct when the bytes decoded with it equal the original text exactly.

Two figures per detector: the detector alone, and corpusclean's whole decoder order
(``decode_bytes`` with that detector), which is what a user gets. The encoding benchmark with
UTF-16/32, ISO-2022, binary files and mojibake is ``benchmarks/encoding_bench.py``.

    python benchmarks/encoding_detectors.py --bench ../shared/bench/dev --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

ENCODINGS = (
    "cp1252", "latin-1", "iso-8859-15", "cp1250", "iso-8859-2", "cp1251", "koi8-r", "cp1256",
    "iso-8859-7", "cp1253", "cp1255", "cp1254", "shift_jis", "euc-jp", "gbk", "gb2312", "big5",
    "euc-kr",
)
#: The script a sample's non-ASCII letters must mostly be in to count for an encoding: Latin
#: text encoded as EUC-JP is a possible byte string, but not one a real page would hold.
SCRIPT = {
    "cp1252": "LATIN", "latin-1": "LATIN", "iso-8859-15": "LATIN", "cp1250": "LATIN",
    "iso-8859-2": "LATIN", "cp1254": "LATIN", "cp1251": "CYRILLIC", "koi8-r": "CYRILLIC",
    "cp1256": "ARABIC", "iso-8859-7": "GREEK", "cp1253": "GREEK", "cp1255": "HEBREW",
    "shift_jis": "CJK", "euc-jp": "CJK", "gbk": "CJK", "gb2312": "CJK", "big5": "CJK", "euc-kr": "HANGUL",
}
#: Unicode name prefixes counted as each script.
SCRIPT_NAMES = {"CJK": ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")}
LONG_BYTES = 16 * 1024
SHORT_BYTES = 256


def non_ascii_letters(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127 and ch.isalpha())


def in_script(text: str, script: str) -> bool:
    """Whether most non-ASCII letters of ``text`` belong to ``script``."""
    prefixes = SCRIPT_NAMES.get(script, (script,))
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    hits = sum(1 for ch in letters if unicodedata.name(ch, "").startswith(prefixes))
    return bool(letters) and hits >= 0.5 * len(letters)


def build_samples(bench: Path, min_non_ascii: int) -> list[tuple[str, str, str, bytes]]:
    """``(name, encoding, length, data)`` for every usable (file, encoding, length)."""
    samples: list[tuple[str, str, str, bytes]] = []
    files = sorted(bench.glob("*.gold.txt")) + sorted(bench.glob("*.dump.txt"))
    for path in files:
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        lines = [ln for ln in text.splitlines() if ln.strip()]
        for enc in ENCODINGS:
            kept = []
            for ln in lines:
                try:
                    ln.encode(enc)
                except UnicodeEncodeError:
                    continue
                kept.append(ln)
            body = "\n".join(kept)
            if non_ascii_letters(body) < min_non_ascii or not in_script(body, SCRIPT[enc]):
                continue
            data = body.encode(enc)
            long = _cut(data, LONG_BYTES, enc)
            short = _cut(_from_first_non_ascii(body, enc), SHORT_BYTES, enc)
            samples.append((path.name, enc, "long", long))
            if non_ascii_letters(short.decode(enc)) >= 3:
                samples.append((path.name, enc, "short", short))
    return samples


def _from_first_non_ascii(body: str, enc: str) -> bytes:
    """The text from the start of the first line that has a non-ASCII letter."""
    lines = body.split("\n")
    for i, ln in enumerate(lines):
        if non_ascii_letters(ln):
            return "\n".join(lines[i:]).encode(enc)
    return body.encode(enc)


def _cut(data: bytes, limit: int, enc: str) -> bytes:
    """At most ``limit`` bytes of ``data``, cut where it still decodes (a line end if near)."""
    if len(data) <= limit:
        return data
    cut = data.rfind(b"\n", 0, limit)
    if cut < limit // 2:
        cut = limit
    while cut > 0:
        try:
            data[:cut].decode(enc)
            return data[:cut]
        except UnicodeDecodeError:
            cut -= 1
    return data[:limit]


def chardet_guess(data: bytes) -> str | None:
    import chardet

    return chardet.detect(data)["encoding"]


def charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else best.encoding


DETECTORS: dict[str, Callable[[bytes], str | None]] = {
    "chardet": chardet_guess,
    "charset-normalizer": charset_normalizer_guess,
}


def decodes_to(data: bytes, enc: str | None, original: str) -> bool:
    if not enc:
        return False
    try:
        return data.decode(enc) == original
    except (UnicodeDecodeError, LookupError):
        return False


def decoder_text(data: bytes, detect: Callable[[bytes], str | None]) -> str | None:
    """The text corpusclean's whole decoder (``decode_bytes``) gives with this detector."""
    from corpusclean.readers import decode

    def guess(b: bytes) -> tuple[str, float] | None:
        enc = detect(b)
        return None if enc is None else (enc, 1.0)

    saved = decode.detect
    decode.detect = guess
    try:
        return decode.decode_bytes(data).text
    except decode.DecodeError:
        return None
    finally:
        decode.detect = saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=Path(__file__).resolve().parents[2] / "shared/bench/dev")
    ap.add_argument("--min-non-ascii", type=int, default=20)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no bench directory at {args.bench}", file=sys.stderr)
        return 2
    samples = build_samples(args.bench, args.min_non_ascii)
    figures: dict[str, object] = {"samples": len(samples)}
    per_enc_count: dict[str, int] = defaultdict(int)
    for _, enc, length, _ in samples:
        per_enc_count[f"{enc}/{length}"] += 1
    figures["samples_per_encoding"] = dict(sorted(per_enc_count.items()))
    runs = [(name, mode) for name in DETECTORS for mode in ("detector", "decoder")]
    ok: dict[tuple[str, str], dict[str, int]] = {r: defaultdict(int) for r in runs}
    total: dict[str, int] = defaultdict(int)
    by_enc: dict[tuple[str, str], dict[str, list[int]]] = {r: defaultdict(lambda: [0, 0]) for r in runs}
    seconds: dict[tuple[str, str], dict[str, float]] = {r: defaultdict(float) for r in runs}
    wrong: dict[tuple[str, str], dict[str, int]] = {r: defaultdict(int) for r in runs}
    # Every sample goes through every (detector, mode) back to back, in an order that alternates,
    # so a change of load on a shared machine weighs on all of them alike.
    for i, (_, enc, length, data) in enumerate(samples):
        original = data.decode(enc)
        total[length] += 1
        for run in runs if i % 2 == 0 else runs[::-1]:
            name, mode = run
            detect = DETECTORS[name]
            t0 = time.perf_counter()
            if mode == "detector":
                guess = detect(data)
                seconds[run][length] += time.perf_counter() - t0
                good = decodes_to(data, guess, original)
            else:
                text = decoder_text(data, detect)
                seconds[run][length] += time.perf_counter() - t0
                good = text == original
                guess = "rejected" if text is None else "other text"
            ok[run][length] += good
            by_enc[run][enc][1] += 1
            by_enc[run][enc][0] += good
            if not good:
                wrong[run][f"{enc}->{guess}"] += 1
    for run in runs:
        scripts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for enc, (good_n, total_n) in by_enc[run].items():
            scripts[SCRIPT[enc]][0] += good_n
            scripts[SCRIPT[enc]][1] += total_n
        figures["/".join(run)] = {
            "by_script": {k: f"{v[0]}/{v[1]}" for k, v in sorted(scripts.items())},
            "accuracy": {k: round(ok[run][k] / total[k], 4) for k in sorted(total)},
            "correct": dict(ok[run]),
            "total": dict(total),
            "ms_per_sample": {k: round(1000 * seconds[run][k] / total[k], 3) for k in sorted(total)},
            "by_encoding": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_enc[run].items())},
            "top_errors": dict(sorted(wrong[run].items(), key=lambda kv: -kv[1])[:12]),
        }
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
