"""Properties of the default pipeline on arbitrary text."""

from hypothesis import given
from hypothesis import strategies as st

from corpusclean import Document, Pipeline, Step
from corpusclean.record import dumps, to_record

PIPE = Pipeline.default()
ENCODING_ONLY = Pipeline([Step(s.use) for s in PIPE.steps if s.use.startswith("encoding.")])

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\n\r\t \u00a0\u200b\ud800"),
    max_size=400,
)
line_texts = st.lists(
    st.sampled_from([
        "Home", "Accept cookies", "Leave a Reply", "A short heading",
        "Ordinary prose sentence that runs on for a while, as articles do.",
        "Новости", "اترك تعليقاً", "相关文章", "", " ", "42", "© 2024",
    ]),
    max_size=30,
).map("\n".join)


@given(texts)
def test_never_raises(text):
    result = PIPE.run(Document.from_text(text, id="x"))
    dumps(to_record(result, PIPE.fingerprint()))


@given(texts | line_texts)
def test_idempotent(text):
    once = PIPE.run(Document.from_text(text)).doc.text
    twice = PIPE.run(Document.from_text(once)).doc.text
    assert twice == once


@given(texts | line_texts)
def test_removal_only_after_encoding_repair(text):
    """Past the encoding steps, the pipeline only removes lines: never edits or reorders them."""
    doc = Document.from_text(text)
    out = PIPE.run(doc).doc
    normalized = iter(ln.text for ln in ENCODING_ONLY.run(doc).doc.lines)
    for line in out.text.split("\n"):
        if line:
            assert any(line == cand for cand in normalized)


@given(texts | line_texts)
def test_deterministic(text):
    a = dumps(to_record(PIPE.run(Document.from_text(text, id="d")), PIPE.fingerprint()))
    b = dumps(to_record(PIPE.run(Document.from_text(text, id="d")), PIPE.fingerprint()))
    assert a == b


@given(texts | line_texts)
def test_removals_and_output_account_for_every_line(text):
    doc = Document.from_text(text)
    out = PIPE.run(doc).doc
    kept = {ln.no for ln in out.lines}
    removed = {r.line for r in out.removals}
    assert kept | removed == {ln.no for ln in doc.lines}
    assert not kept & removed
