"""Bytes to text; binary input is refused.

The order (:func:`decode_bytes`; ``docs/encoding.md`` says why and what it measures): byte-order
mark; binary signature; UTF-32 or UTF-16 without a mark, when the bytes have NULs or many
control bytes; ISO-2022 (7-bit with designation escapes); more than 5% control bytes is binary;
strict UTF-8; UTF-8 with a few invalid sequences; the detector (chardet 7), whose answer is
reported under its own name; last, CJK text in UTF-16 without a mark.

The decision (``encoding``, ``method``, ``confidence``) goes into each record's metadata so a
reader of the output knows how its text was obtained.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Leading bytes of common binary formats that are never text.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "elf"),
    (b"RIFF", "riff"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"(\xb5/\xfd", "zstd"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x00asm", "wasm"),
)

SNIFF_BYTES = 64 * 1024
#: What the detector reads (:func:`_detector_sample`; docs/encoding.md: its time grows with what
#: it reads, and 16 KiB with a hundred non-ASCII bytes or more decide as well as 256 KiB).
DECLARATION_BYTES = 4 * 1024
DETECT_BYTES = 16 * 1024
DETECT_MAX_BYTES = 256 * 1024
DETECT_MIN_NON_ASCII = 128
_ASCII_BYTES = bytes(range(128))

#: Share of control bytes (other than tab, line ends, form feed and ESC) above which bytes are
#: binary. Random bytes have about 10.5%; text in any single-byte or multi-byte encoding none.
BINARY_CONTROLS = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))

#: A byte order of UTF-16/UTF-32 without a mark is taken when at least this share of the
#: characters it gives are letters, marks, digits, punctuation, symbols or spaces...
WIDE_GOOD = 0.95
#: ... and at least this share are below U+2000 (the alphabets, whose high byte is small: the
#: other order puts their varied low byte first and scatters them over CJK, Yi and Hangul).
WIDE_SMALL = 0.5
#: CJK text in UTF-16 has neither NULs nor small high bytes; it is recognised late (when the
#: detector has nothing) by this share of CJK, kana and Hangul characters.
WIDE_CJK = 0.3
#: Distinct characters text has at least (or an eighth of its length, if fewer): a pattern of
#: a few byte pairs repeated is data, whatever letters it reads as.
WIDE_VARIETY = 8
#: Characters scored per byte order.
WIDE_SAMPLE = 4096
#: Confidence of an alphabetic or UTF-32 guess, and of a CJK UTF-16 guess (docs/encoding.md).
WIDE_CONFIDENCE = 0.95
WIDE_CJK_CONFIDENCE = 0.8

#: Designations of a double-byte set in ISO-2022 (``ESC $ ...``); ANSI colour escapes are
#: ``ESC [`` and never match.
_ISO2022_RE = re.compile("\x1b\\$(?:[@AB]|[()*+][@-Z])")
ISO2022_KR_DESIGNATION = b"\x1b$)C"
ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004")

#: Multi-byte encodings and their standard subsets, smallest first. The detector may name the
#: superset; when a subset decodes every byte, the file was written in the subset, and where the
#: two map a byte pair differently (GB2312 A1AA is U+2015, GBK's is U+2014) the subset is right.
SUBSETS: dict[str, tuple[str, ...]] = {
    "gb18030": ("gb2312", "gbk"),
    "gbk": ("gb2312",),
    "cp949": ("euc_kr",),
    "big5hkscs": ("big5",),
}


#: How many replaced-byte offsets a record keeps (the count is always exact).
MAX_OFFSETS = 20

#: Invalid UTF-8 is repaired in place (bytes replaced by U+FFFD) rather than handed to the
#: detector when the file has at least this many validly encoded non-ASCII characters per
#: invalid sequence: such a file is UTF-8 with damage, not text in a legacy encoding.
UTF8_VALID_PER_INVALID = 4


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, and how.

    ``replaced`` counts the invalid byte sequences that became U+FFFD and ``offsets`` holds the
    byte offsets of the first :data:`MAX_OFFSETS` of them.
    """

    text: str
    encoding: str
    method: str  # "bom", "utf-8", "utf-8-replaced", "utf-16-guess", "utf-32-guess", "iso-2022",
    # "charset", "detector", "empty"
    confidence: float
    replaced: int = 0
    offsets: tuple[int, ...] = ()

    def to_meta(self) -> dict[str, object]:
        out: dict[str, object] = {
            "encoding": self.encoding,
            "method": self.method,
            "confidence": round(self.confidence, 3),
        }
        if self.replaced:
            out["replaced"] = self.replaced
            out["replaced_offsets"] = list(self.offsets)
        return out


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can tell; ``reason`` is a dotted code."""

    def __init__(self, reason: str, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.offset = offset


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data``, or ``None`` if it may be text."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:SNIFF_BYTES]
    if not sample:
        return None
    if _control_share(sample) > BINARY_CONTROLS:
        return "binary"
    return None


def _control_share(sample: bytes) -> float:
    """Share of the control bytes other than tab, line ends, form feed and ESC."""
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def decode_utf8_replacing(
    data: bytes, max_errors: int = 10_000
) -> tuple[str, int, list[int], int] | None:
    """Decode UTF-8, replacing each invalid sequence by U+FFFD.

    Returns ``(text, number of invalid sequences, their byte offsets (first few), number of valid
    non-ASCII characters)``, or ``None`` when there are more than ``max_errors`` invalid
    sequences. One decoding with the ``replace`` error handler (hundreds of MB/s however many
    bytes are invalid), then a strict pass up to the first :data:`MAX_OFFSETS` errors.

    >>> decode_utf8_replacing(b"caf\\xc3\\xa9 \\xff ok")[:3]
    ('café \\ufffd ok', 1, [6])
    """
    text = data.decode("utf-8", "replace")
    errors = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # a valid U+FFFD is no error
    if errors > max_errors:
        return None
    valid_non_ascii = len(text) - errors - _ascii_count(text)
    return text, errors, _utf8_error_offsets(data, MAX_OFFSETS), valid_non_ascii


def _utf8_error_offsets(data: bytes, limit: int) -> list[int]:
    """Byte offsets of the first ``limit`` invalid UTF-8 sequences (each resumed after, as the
    ``replace`` error handler does)."""
    view = memoryview(data)
    offsets: list[int] = []
    pos = 0
    while len(offsets) < limit:
        try:
            codecs.utf_8_decode(view[pos:], "strict", True)
            break
        except UnicodeDecodeError as exc:
            offsets.append(pos + exc.start)
            pos += exc.end
    return offsets


def _may_be_damaged_utf8(sample: bytes) -> bool:
    """Whether the start of a file that is not strict UTF-8 could pass the damaged-UTF-8 rule:
    checked first on :data:`SNIFF_BYTES`, so a legacy-encoded file is not decoded as UTF-8
    whole only to be found full of invalid sequences."""
    repaired = decode_utf8_replacing(sample)
    if repaired is None:
        return False
    _, errors, _, valid = repaired
    return valid >= UTF8_VALID_PER_INVALID * errors - 1  # a sequence may be cut at the end


def _ascii_count(text: str) -> int:
    return len(text.encode("ascii", "ignore"))


def detect(data: bytes) -> tuple[str, float] | None:
    """The detector's guess for ``data``: ``(Python codec name, confidence)``, or ``None``.

    The encoding is reported under its own name (chardet's ``prefer_superset`` is off): the
    Windows "supersets" of ISO-8859-2/5/6/7 put other letters at the same bytes.

    >>> detect("Добрый день, это текст на русском языке.".encode("koi8-r"))[0]
    'koi8-r'
    """
    import chardet  # here, not at module level: input in UTF-8 never needs it

    result = chardet.detect(data[:DETECT_MAX_BYTES], max_bytes=DETECT_MAX_BYTES)
    enc = result.get("encoding")
    if not enc:
        return None
    try:
        name = codecs.lookup(enc).name
    except LookupError:
        return None
    return name, float(result.get("confidence") or 0.0)


def _wide_scores(text: str) -> tuple[float, float, float, int]:
    """``(good, small, cjk, high bytes)`` of a UTF-16/32 reading: the shares of characters that
    are text (letters, marks, digits, punctuation, symbols, spaces, tab and line ends), below
    U+2000, and CJK/kana/Hangul, and how many distinct high bytes (``ord(ch) >> 8``) they have."""
    sample = text[:WIDE_SAMPLE]
    if not sample:
        return 0.0, 0.0, 0.0, 0
    good = small = cjk = 0
    highs: set[int] = set()
    for ch in sample:
        code = ord(ch)
        highs.add(code >> 8)
        if ch in "\t\n\r\f" or unicodedata.category(ch)[0] in "LMNPSZ":
            good += 1
        if code < 0x2000:
            small += 1
        elif 0x3000 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7A3 or 0xFF00 <= code <= 0xFFEF:
            cjk += 1
    n = len(sample)
    return good / n, small / n, cjk / n, len(highs)


def _varied(text: str) -> bool:
    """Whether ``text`` has :data:`WIDE_VARIETY` distinct characters, or an eighth of its length
    if that is fewer."""
    return len(set(text[:WIDE_SAMPLE])) >= min(WIDE_VARIETY, len(text) // 8)


def _wide_guess(data: bytes, *, cjk: bool) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 without a byte-order mark: ``(text, codec)`` or ``None``.

    A byte order counts when the bytes decode in it and the text is almost all letters, marks,
    digits, punctuation, symbols and spaces (:data:`WIDE_GOOD`), of some variety
    (:data:`WIDE_VARIETY`), and either mostly alphabetic
    (:data:`WIDE_SMALL`) or, with ``cjk``, CJK (:data:`WIDE_CJK`). Of two orders that count, the
    one whose characters have fewer distinct high bytes wins (Greek read in the wrong order is
    valid Hangul, but its high bytes are the varied low bytes of the Greek letters).
    """
    for width, encodings in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        if len(data) < width or len(data) % width:
            continue
        best: tuple[int, str, str] | None = None
        for enc in encodings:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            good, small, share_cjk, highs = _wide_scores(text)
            fits = small >= WIDE_SMALL or (cjk and share_cjk >= WIDE_CJK)
            if good >= WIDE_GOOD and fits and _varied(text) and (best is None or highs < best[0]):
                best = (highs, enc, text)
        if best is not None:
            return best[2], best[1]
    return None


def _iso2022(data: bytes) -> tuple[str, str] | None:
    """7-bit text that designates a double-byte set (ISO-2022-KR or -JP): ``(text, codec)``."""
    if b"\x1b" not in data or b"\x1b$" not in data or not data.isascii():
        return None  # one byte is found several times faster than two
    if not _ISO2022_RE.search(data.decode("ascii")):
        return None
    candidates = ("iso2022_kr",) if ISO2022_KR_DESIGNATION in data else ISO2022_JP_CODECS
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None


def _binary(kind: str) -> DecodeError:
    return DecodeError("decode.binary", f"looks like binary data ({kind}), not text", 0)


def decode_bytes(data: bytes, *, hint: str | None = None) -> Decoded:
    """Decode ``data``; refuse it with ``decode.binary`` when it is not text. ``hint`` is an
    encoding the bytes are declared in (an HTTP ``Content-Type`` charset): it is tried after
    UTF-8 (step 7) and before the detector, and decides when it decodes every byte
    (``method="charset"``).

    1. a byte-order mark decides (``method="bom"``);
    2. a binary signature (PNG, PDF, ZIP, ELF...) refuses;
    3. bytes with a NUL or with more than :data:`BINARY_CONTROLS` control bytes may be UTF-32 or
       UTF-16 without a mark (:func:`_wide_guess`, ``method="utf-16-guess"``/``"utf-32-guess"``);
    4. 7-bit bytes with an ISO-2022 designation are ISO-2022-KR or -JP (``method="iso-2022"``);
    5. more than :data:`BINARY_CONTROLS` control bytes refuses, unless they read as CJK UTF-16;
    6. strict UTF-8 (a stray NUL or terminal escapes in it are text; ``method="utf-8"``);
    7. UTF-8 with at least :data:`UTF8_VALID_PER_INVALID` valid non-ASCII characters per invalid
       sequence keeps its text, each invalid sequence a U+FFFD whose offset is recorded
       (``method="utf-8-replaced"``): one corrupt byte neither rejects a UTF-8 file nor sends it
       to the detector;
    8. the detector (``method="detector"``), its encoding under its own name (ISO-8859-5 is not
       swapped for Windows-1251, whose letters at the same bytes differ), or a multi-byte
       encoding's standard subset when that decodes every byte (:data:`SUBSETS`);
    9. CJK text in UTF-16 without a mark, which nothing before could tell.

    >>> decode_bytes("Привет, как дела? Это текст на русском языке.".encode("cp1251")).encoding
    'cp1251'
    >>> decode_bytes(b"plain").method
    'utf-8'
    >>> decode_bytes("Καλημέρα σας".encode("utf-16-be")).encoding
    'utf-16-be'
    """
    if not data:
        return Decoded("", "utf-8", "empty", 1.0)
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(enc), enc, "bom", 1.0)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    "decode.bad_bom_text",
                    f"starts with a {enc} byte-order mark but is not valid {enc}",
                    len(bom) + exc.start,
                ) from None
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise _binary(kind)
    controls = _control_share(data[:SNIFF_BYTES])
    if controls > BINARY_CONTROLS or b"\x00" in data:
        wide = _wide_guess(data, cjk=False)
        if wide is not None:
            return Decoded(wide[0], wide[1], wide[1][:6] + "-guess", WIDE_CONFIDENCE)
    iso = _iso2022(data)
    if iso is not None:
        return Decoded(iso[0], iso[1], "iso-2022", 1.0)
    if controls > BINARY_CONTROLS:
        wide = _wide_guess(data, cjk=True)  # CJK in UTF-16 has as many "control" bytes as binary
        if wide is not None:
            return Decoded(wide[0], wide[1], wide[1][:6] + "-guess", WIDE_CJK_CONFIDENCE)
        raise _binary("binary")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    repaired = decode_utf8_replacing(data) if _may_be_damaged_utf8(data[:SNIFF_BYTES]) else None
    if repaired is not None:
        text, errors, offsets, valid = repaired
        if valid >= UTF8_VALID_PER_INVALID * errors:
            return Decoded(
                text, "utf-8", "utf-8-replaced", valid / (valid + errors), errors, tuple(offsets)
            )
    declared = _declared(hint)
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared, "charset", CHARSET_CONFIDENCE)
        except UnicodeDecodeError:
            pass
    return _detector_decode(data)


#: How sure a declared charset that decodes every byte is (below a BOM's or strict UTF-8's).
CHARSET_CONFIDENCE = 0.9

#: Labels read as browsers read them (the WHATWG Encoding Standard): Latin-1 and ASCII are
#: Windows-1252.
_WHATWG = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _declared(label: str | None) -> str | None:
    """The Python codec of a declared charset label, None when there is none or it is not a
    text encoding Python knows.

    >>> _declared("ISO-8859-1"), _declared("Shift_JIS"), _declared("x-unknown"), _declared("utf-7")
    ('cp1252', 'shift_jis', None, None)
    """
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("'\""))
    except (LookupError, ValueError):
        return None
    if not info._is_text_encoding or info.name in ("utf-7", "rot-13"):
        return None
    return _WHATWG.get(info.name, info.name)


def _detector_sample(data: bytes) -> bytes:
    """What the detector reads: the file's head, where a charset declaration would be (up to
    :data:`DECLARATION_BYTES`), then :data:`DETECT_BYTES` from the line of the first non-ASCII
    byte, or up to :data:`DETECT_MAX_BYTES` when those hold fewer than
    :data:`DETECT_MIN_NON_ASCII` non-ASCII bytes. Markup and ASCII before the text drown the
    letters the detector goes by, and its time grows with what it reads."""
    try:
        data[:DETECT_MAX_BYTES].decode("ascii")
        return data[:DETECT_MAX_BYTES]
    except UnicodeDecodeError as exc:
        first = exc.start
    start = data.rfind(b"\n", 0, first) + 1
    body = data[start : start + DETECT_BYTES]
    if len(body.translate(None, _ASCII_BYTES)) < DETECT_MIN_NON_ASCII:
        body = data[start : start + DETECT_MAX_BYTES]
    return data[: min(start, DECLARATION_BYTES)] + body


def _detector_decode(data: bytes) -> Decoded:
    """The detector's decoding of ``data`` (steps 8 and 9 of :func:`decode_bytes`). When the
    detector's answer from a short sample does not decode the whole, it reads the longest sample
    once more; what still does not decode becomes U+FFFD, counted and located."""
    sample = _detector_sample(data)
    guess = detect(sample)
    if guess is None:
        wide = _wide_guess(data, cjk=True)
        if wide is not None:
            return Decoded(wide[0], wide[1], wide[1][:6] + "-guess", WIDE_CJK_CONFIDENCE)
        raise DecodeError("decode.unknown_encoding", "no text encoding fits these bytes", 0)
    enc, confidence = guess
    decoded = _decode_as(data, enc, confidence)
    if decoded is None and len(sample) < min(len(data), DETECT_MAX_BYTES):
        second = detect(data[:DETECT_MAX_BYTES])
        if second is not None:
            enc, confidence = second
            decoded = _decode_as(data, enc, confidence)
    if decoded is not None:
        return decoded
    # The detector saw a prefix; the rest may not fit. Keep what decodes, record the rest.
    replaced, offsets = _replaced_offsets(data, enc)
    return Decoded(
        data.decode(enc, errors="replace"), enc, "detector", confidence, replaced, tuple(offsets)
    )


def _decode_as(data: bytes, enc: str, confidence: float) -> Decoded | None:
    """``data`` decoded in the smallest of ``enc`` and its subsets that decodes it all."""
    for name in (*SUBSETS.get(enc, ()), enc):
        try:
            return Decoded(data.decode(name), name, "detector", confidence)
        except UnicodeDecodeError:
            continue
    return None


def _replaced_offsets(data: bytes, enc: str) -> tuple[int, list[int]]:
    """How many byte sequences ``enc`` cannot decode, and where the first few are."""
    count = 0
    offsets: list[int] = []

    def record(exc: UnicodeError) -> tuple[str, int]:
        nonlocal count
        assert isinstance(exc, UnicodeDecodeError)
        count += 1
        if len(offsets) < MAX_OFFSETS:
            offsets.append(exc.start)
        return "", exc.end

    codecs.register_error("corpusclean.count", record)
    data.decode(enc, errors="corpusclean.count")
    return count, offsets
