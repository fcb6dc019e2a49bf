import json

from hypothesis import given
from hypothesis import strategies as st

from corpusclean.record import dumps


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\x85\u2028\u2029\n\r\x0b\x0c\x1c")))
def test_one_record_is_one_line_for_every_line_splitter(text):
    line = dumps({"id": "x", "text": text})
    assert line.endswith("\n")
    assert len(line.splitlines()) == 1
    assert json.loads(line)["text"] == text
