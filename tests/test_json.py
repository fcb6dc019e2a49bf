"""orjson and the standard library write the same bytes and read the same values."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean import _json

values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@given(values)
def test_dumps_line_is_the_standard_library(value):
    assert _json.dumps_line(value) == _json.dumps_std(value)


@given(values)
def test_loads_round_trips_like_json(value):
    text = json.dumps(value, ensure_ascii=False)
    got, want = _json.loads(text), json.loads(text)
    assert json.dumps(got) == json.dumps(want)


@pytest.mark.parametrize("text", ['{"a": "\\ud800"}', '{"a": NaN}', '{"a": 123456789012345678901234567890}'])
def test_loads_takes_what_json_takes(text):
    assert repr(_json.loads(text)) == repr(json.loads(text))


def test_loads_errors_are_the_standard_librarys():
    with pytest.raises(json.JSONDecodeError) as err:
        _json.loads('{"a": ')
    assert err.value.msg == "Expecting value"


def test_small_floats_and_nan_are_written_as_json_writes_them():
    assert _json.dumps_line([1e-05, math.inf]) == b"[1e-05,Infinity]\n"


class _Flag(int):
    def __repr__(self) -> str:
        return "_Flag()"


class _Name(str):
    pass


@pytest.mark.parametrize("value", [
    {"n": _Flag(3)}, {"s": _Name("x")}, [_Name("a"), {"b": _Flag(1)}],
    {"text": "e-1 and 0.00001 and null as text", "x": 1.5},
    {"a": [2.0**-20, 1e-08], "b": None}, {"a": -9300000000000000000},
])
def test_subclasses_and_suspect_lines_are_written_as_json_writes_them(value):
    assert _json.dumps_line(value) == _json.dumps_std(value)
