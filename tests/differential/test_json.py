"""The JSON line scans: ``_core.json_scan`` against ``_json.scan_reference``, on generated lines
made of the pieces the scans look for, and on the records of a real run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean import _json
from corpusclean._json import FLOAT_SUSPECT, LINE_BREAK, LONG_NUMBER

from .strategies import lines as any_text

ALL = FLOAT_SUSPECT | LINE_BREAK | LONG_NUMBER

#: Pieces near and at what the scans look for, to be joined in any order.
PIECES = ["0.0000", "0.000", "null", "nul", "e-", "e-5", "e-55", "1e-5,", "e-x", "\x85", "\u2028",
          "\u2029", "\u2027", "\u202a", "\xc2", "\xe2\x80", "1234567890", "123456789", "9", " ",
          '"', "é", "\ud800"]

pieces = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=400)
@given(st.one_of(any_text, pieces), st.integers(0, ALL))
def test_scan_of_text_and_its_utf8(core, text, wanted):
    expected = _json.scan_reference(text, wanted)
    try:
        assert core.json_scan(text, wanted) == expected
    except UnicodeEncodeError:
        assert any(0xD800 <= ord(c) < 0xE000 for c in text)
    data = text.encode("utf-8", "surrogatepass")
    assert core.json_scan(data, wanted) == _json.scan_reference(data, wanted)
    assert _json.scan(text, wanted) == expected


@given(st.binary(max_size=200), st.integers(0, ALL))
def test_scan_of_any_bytes(core, data, wanted):
    assert core.json_scan(data, wanted) == _json.scan_reference(data, wanted)


@pytest.mark.parametrize("value", [
    {"a": 1e-5, "b": float("nan")}, {"t": "a\u2028b", "n": 12345678901234567890},
    {"x": [0.00001, None, "e-5", "\x85"]}, {"ok": "plain text", "f": 0.5},
])
def test_lines_written_and_read_as_the_standard_library_does(value):
    import json

    line = _json.dumps_line(value)
    assert line == _json.dumps_std(value)
    assert _json.loads(line) == json.loads(line)


def test_the_scan_refuses_other_types(core):
    with pytest.raises(TypeError):
        core.json_scan(123, ALL)
