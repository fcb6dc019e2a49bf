"""JSON in and out, with orjson when it is installed (the ``fast`` extra) and the standard
library otherwise. Both give the same values in and the same bytes out.

orjson writes what ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`` writes except
for a few values: floats below 1e-4 in magnitude (``1e-05`` against ``0.00001``), NaN and
infinities, integers beyond 64 bits, non-string keys. :func:`dumps_line` sends every record
holding one of those to the standard library, so the output does not depend on what is installed.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import regex

from . import _accel

try:  # pragma: no cover - depends on the environment
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]

HAVE_ORJSON = orjson is not None


def loads(text: str | bytes) -> Any:
    """Parse one JSON value; errors are the standard library's, with its message and position."""
    if orjson is not None:
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # orjson refuses some inputs json takes (lone surrogates, NaN)
        else:
            if not scan(text, LONG_NUMBER) or not _has_huge_float(value):
                return value
    return json.loads(text)


#: An integer outside orjson's 64 bits has at least 19 digits; a text without such a run of
#: digits needs no check of its values.
_LONG_NUMBER = (regex.compile(rb"[0-9]{19}"), regex.compile(r"[0-9]{19}"))


def _has_huge_float(value: Any) -> bool:
    """orjson reads integers beyond 64 bits as floats; json keeps them integers."""
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is float:
            if not -(2.0**63) < v < 2.0**64:
                return True
        elif t is dict:
            stack.extend(v.values())
        elif t is list:
            stack.extend(v)
    return False


#: orjson refuses what it would write differently from the standard library, except floats.
_ORJSON_OPTIONS = (orjson.OPT_APPEND_NEWLINE | orjson.OPT_PASSTHROUGH_SUBCLASS) if orjson else 0

#: An exponent of one digit in orjson's line (``1e-5`` where the standard library writes
#: ``1e-05``).
_SHORT_EXPONENT = re.compile(rb"e-\d(?!\d)")


#: What :func:`scan` looks for: a float orjson may write differently, a line-break character
#: (:data:`_LINE_BREAKS`), a run of 19 digits (an integer beyond 64 bits).
FLOAT_SUSPECT, LINE_BREAK, LONG_NUMBER = 1, 2, 4


def scan(data: bytes | str, wanted: int) -> int:
    """The flags among ``wanted`` that ``data`` (a JSON line, or a text to parse) holds; in the
    compiled core when it is in use (one vectorized search per pattern), else
    :func:`scan_reference`.

    >>> scan(b'[1e-5,"\\xe2\\x80\\xa8"]', FLOAT_SUSPECT | LINE_BREAK | LONG_NUMBER)
    3
    """
    found = _accel.attempt(lambda core: core.json_scan(data, wanted), "json")
    return scan_reference(data, wanted) if found is None else found


def scan_reference(data: bytes | str, wanted: int) -> int:
    """:func:`scan` in Python: ``FLOAT_SUSPECT`` when orjson's line may hold a float it writes
    differently (an exponent of one digit, a positional small float such as ``0.00001``, or
    ``null`` for NaN, the infinities and None; a line that only looks so costs the full check
    of its values), ``LINE_BREAK`` when it holds U+0085, U+2028 or U+2029, ``LONG_NUMBER``
    when it holds 19 digits in a row. Only the flags asked for are looked for."""
    text = type(data) is str
    line = data.encode("utf-8", "surrogatepass") if text and wanted & ~LONG_NUMBER else data
    flags = 0
    if wanted & FLOAT_SUSPECT and (b"0.0000" in line or b"null" in line
                                   or (b"e-" in line and _SHORT_EXPONENT.search(line) is not None)):
        flags |= FLOAT_SUSPECT
    if wanted & LINE_BREAK and not line.isascii() and any(raw in line for raw, _ in _LINE_BREAKS):
        flags |= LINE_BREAK
    if wanted & LONG_NUMBER and _LONG_NUMBER[text].search(data):
        flags |= LONG_NUMBER
    return flags


def _floats_written_alike(value: Any) -> bool:
    """Whether every float in ``value`` is one orjson writes as the standard library does (not
    NaN, an infinity or below 1e-4 in magnitude). Only called on values orjson wrote with
    ``OPT_PASSTHROUGH_SUBCLASS``: plain dicts, lists, tuples and scalars, nothing else."""
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is float:
            if not math.isfinite(v) or (v != 0.0 and -1e-4 < v < 1e-4):
                return False
        elif t is dict:
            stack.extend(v.values())
        elif t is list or t is tuple:
            stack.extend(v)
    return True




#: U+0085, U+2028 and U+2029 in UTF-8: ``str.splitlines()`` and some JSONL readers end a line
#: there, and JSON allows them raw inside strings, so they are written as escapes to keep one
#: record on one line for every reader.
_LINE_BREAKS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def dumps_line(obj: Any) -> bytes:
    """One compact JSON line as UTF-8 bytes, the same whichever library writes it.

    >>> dumps_line({"a": "é", "b": [1, 2.5e-05]})
    b'{"a":"\\xc3\\xa9","b":[1,2.5e-05]}\\n'
    >>> dumps_line({"a": "x" + chr(0x2028)})
    b'{"a":"x\\\\u2028"}\\n'
    """
    if orjson is not None:
        try:
            line = orjson.dumps(obj, option=_ORJSON_OPTIONS)
        except TypeError:
            pass  # lone surrogates, integers beyond 64 bits, non-string keys, subclasses
        else:
            # Only a float below 1e-4 (written differently) or NaN and the infinities (written
            # as null) can make orjson's bytes differ now; when the line shows neither, no value
            # needs checking.
            flags = scan(line, FLOAT_SUSPECT | LINE_BREAK)
            if not flags & FLOAT_SUSPECT or _floats_written_alike(obj):
                return _escape_line_breaks(line) if flags & LINE_BREAK else line
    return dumps_std(obj)


def dumps_std(obj: Any) -> bytes:
    """One compact JSON line (UTF-8, keys in insertion order) with the standard library."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
    return _escape_line_breaks(text.encode("utf-8", errors="replace"))


def _escape_line_breaks(line: bytes) -> bytes:
    if not line.isascii():
        for raw, escaped in _LINE_BREAKS:
            if raw in line:
                line = line.replace(raw, escaped)
    return line
