import itertools

from corpus_helpers import registry

from corpusclean import Document, Pipeline, Step, clean_records
from corpusclean.executors.records import record_to_document
from corpusclean.record import to_record

ROWS = [
    {"id": "a", "text": "Menu\nA first   story about rivers.\n\n\nShare", "url": "u1"},
    {"id": "b", "text": "Menu\nA second story, on mills.\nShare"},
    {"id": "z", "text": "Menu\nA first   story about rivers.\n\n\nShare"},
    {"text": "tiny"},
    {"id": "no-text", "body": "x"},
]


def corpus_pipeline():
    return Pipeline([Step("encoding.normalize"), Step("test.site_repeats", k=3),
                     Step("test.drop_short", min_chars=10), Step("test.keep_first")], registry=registry())


def test_records_are_cleaned_like_documents_by_run_corpus():
    pipe = corpus_pipeline()
    got = list(clean_records(ROWS, pipe, dropped=True))
    docs = [record_to_document(r) for r in ROWS]
    expected = [to_record(r, pipe.fingerprint()) for r in pipe.run_corpus([d for d in docs if isinstance(d, Document)])]
    assert got[:4] == expected
    assert got[4]["metadata"]["rejected"]["reason"] == "record.no_text"
    assert [r["text"] for r in got[:2]] == ["A first story about rivers.", "A second story, on mills."]
    assert got[2]["metadata"]["dropped"]["reason"] == "corpus.duplicate"
    assert got[0]["metadata"]["input_metadata"] == {"url": "u1"}


def test_only_kept_records_by_default():
    assert [r["id"] for r in clean_records(ROWS, corpus_pipeline())] == ["a", "b"]


def test_missing_ids_come_from_the_text_not_the_position():
    first = record_to_document({"text": "same text"})
    again = record_to_document({"text": "same text", "other": 1})
    assert first.id == again.id and first.id.startswith("sha256:")


def test_without_corpus_steps_records_stream_and_partitions_add_up():
    pulled = []

    def source():
        for r in ROWS[:3]:
            pulled.append(r)
            yield r

    out = clean_records(source())
    next(out)
    assert len(pulled) == 1  # one record read, one written: nothing is held
    # What Spark's mapPartitions or Dask's map_partitions does: the function on each partition.
    whole = list(clean_records(ROWS[:4]))
    parts = [list(clean_records(p)) for p in (ROWS[:1], ROWS[1:4])]
    assert list(itertools.chain(*parts)) == whole


def test_integer_ids_are_kept_as_text():
    assert record_to_document({"id": 7, "text": "x"}).id == "7"
    assert record_to_document({"id": True, "text": "x"}).id.startswith("sha256:")
