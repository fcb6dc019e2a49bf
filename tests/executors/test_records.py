import itertools

import pytest

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


def test_real_column_types_become_json_and_a_bad_one_rejects_its_record_only():
    import datetime as dt
    from decimal import Decimal

    import numpy as np

    from corpusclean.record import dumps

    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")

    text = "The ferry to the island runs twice a day in winter and every hour in summer."
    table = pa.table({
        "id": ["a", "b"], "text": [text, text + " Tickets are sold on board."],
        "when": [dt.datetime(2024, 5, 3, 12, 30), None],
        "price": pa.array([Decimal("9.50"), Decimal("12.25")], pa.decimal128(6, 2)),
        "raw": [b"\xff\x00", b"ok"],
        "tags": [["x", "y"], []],
        "nested": [{"k": dt.date(2020, 1, 2)}, {"k": None}],
    })
    frame = pd.DataFrame({"id": ["c", "d"], "text": [text + " c", text + " d"],
                          "seen": [pd.Timestamp("2021-06-01"), pd.NaT], "n": np.array([1, 2], dtype=np.int64),
                          "score": [0.5, float("nan")]})
    rows = table.to_pylist() + frame.to_dict("records") + [{"id": "e", "text": text, "obj": object()}]
    out = list(clean_records(rows, dropped=True))
    meta = {r["id"]: r["metadata"] for r in out}
    assert meta["a"]["input_metadata"] == {"when": "2024-05-03T12:30:00", "price": 9.5,
                                           "raw": {"base64": "/wA="}, "tags": ["x", "y"],
                                           "nested": {"k": "2020-01-02"}}
    assert meta["b"]["input_metadata"]["when"] is None and meta["b"]["input_metadata"]["raw"] == "ok"
    assert meta["c"]["input_metadata"] == {"seen": "2021-06-01T00:00:00", "n": 1, "score": 0.5}
    assert meta["d"]["input_metadata"] == {"seen": None, "n": 2, "score": None}
    assert meta["e"]["rejected"]["reason"] == "record.bad_metadata"
    assert "'obj'" in meta["e"]["rejected"]["message"]
    for record in out:
        dumps(record)  # every record is writable JSON
    assert [r["id"] for r in clean_records(rows)] == ["a", "b", "c", "d"]  # the job goes on
