import pickle

import pytest

from corpusclean.document import Document, Line, render, split_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("a", "a"),
        ("\n\na\n", "a"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\n \n\t\nb", "a\n\nb"),
    ],
)
def test_render_folds_blank_runs(text, expected):
    assert render(split_lines(text)) == expected


def test_lines_keep_source_numbers():
    doc = Document.from_text("x\ny\nz")
    assert doc.lines == (Line(1, "x"), Line(2, "y"), Line(3, "z"))


def test_document_is_read_only():
    doc = Document.from_text("x", meta={"source": "a.txt", "nested": {"k": [1]}})
    with pytest.raises(TypeError):
        doc.meta["source"] = "b"  # type: ignore[index]
    with pytest.raises(TypeError):
        doc.meta["nested"]["k"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        doc.id = "z"  # type: ignore[misc]


def test_annotate_returns_new_document():
    doc = Document.from_text("x")
    new = doc.annotate(language="en")
    assert new.annotations["language"] == "en"
    assert "language" not in doc.annotations


def test_document_pickles():
    doc = Document.from_text("x\ny", id="1", meta={"a": {"b": 1}}).annotate(language="en")
    assert pickle.loads(pickle.dumps(doc)) == doc
