from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from corpusclean.executors import shards
from corpusclean.executors.shards import plan_shards, split_points

line = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"x") + b"\n")


@given(st.lists(line, min_size=1, max_size=60), st.integers(min_value=1, max_value=200),
       st.booleans(), st.integers(min_value=1, max_value=64))
def test_split_points_cut_at_line_starts_and_count_lines(tmp_path_factory, lines, shard_bytes, last_newline, block):
    data = b"".join(lines)
    if not last_newline:
        data = data[:-1]
    path = tmp_path_factory.mktemp("s") / "f.jsonl"
    path.write_bytes(data)
    with patch.object(shards, "_SCAN_BLOCK", block):  # blocks smaller than lines and ranges
        points = split_points(path, len(data), shard_bytes)
    assert points[0] == (0, 1)
    offsets = [p for p, _ in points]
    assert offsets == sorted(set(offsets)) and all(0 < p < len(data) for p in offsets[1:])
    for p, first_line in points[1:]:
        assert data[p - 1:p] == b"\n"
        assert first_line == data[:p].count(b"\n") + 1
    for a, b in zip(offsets, offsets[1:]):
        # a range ends after the first newline at or past shard_bytes from its start
        assert b == data.find(b"\n", a + shard_bytes) + 1
    last = data.find(b"\n", offsets[-1] + shard_bytes)
    assert last == -1 or last == len(data) - 1


def test_gzip_and_html_files_are_whole_units(tmp_path):
    import gzip

    (tmp_path / "big.jsonl").write_text("".join(f'{{"id": "{i}", "text": "line {i}"}}\n' for i in range(200)))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"id": "z", "text": "zipped"}\n' * 200))
    (tmp_path / "c.html").write_text("<p>hello</p>")
    shards = plan_shards(tmp_path, shard_bytes=1000)
    units = [u for s in shards for u in s.units]
    assert [u.rel for u in units if not u.is_range] == ["b.jsonl.gz", "c.html"]
    assert sum(u.is_range for u in units) > 3
    assert [s.index for s in shards] == list(range(len(shards)))


# A JSONL line: a record with an id from a small set (so ids repeat), one without an id, one
# with a boolean id (not an id: the record gets PATH:LINE), or a line that is not a record.
record_line = st.one_of(
    st.sampled_from("abcde").map(lambda i: f'{{"id": "{i}", "text": "t"}}\n'),
    st.integers(0, 3).map(lambda i: f'{{"id": {i}, "text": "n"}}\n'),
    st.just('{"text": "no id"}\n'),
    st.just('{"id": true, "text": "b"}\n'),
    st.just("not json\n"),
    st.just("\n"),
)


def _ids(items):
    from corpusclean.document import Document

    return [(d.id, d.meta.get("duplicate_id_of_line"), d.meta["line"]) if isinstance(d, Document)
            else (d.reason, d.line) for d in items]


@given(st.lists(record_line, min_size=1, max_size=40), st.integers(min_value=1, max_value=120),
       st.integers(min_value=0, max_value=6))
def test_repeated_ids_across_range_cuts_as_in_one_read(tmp_path_factory, lines, shard_bytes, tracked):
    # However a file is cut, its ranges read in order name each record as one read of the whole
    # file does: an id repeated across a cut is found, and the bounded id table fills the same.
    from corpusclean.readers import ReaderOptions, read_file

    root = tmp_path_factory.mktemp("ids")
    path = root / "f.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    options = ReaderOptions(max_tracked_ids=tracked, time_budget=None)
    whole = list(read_file(path, "f.jsonl", options))
    plan = plan_shards(root, options, shard_bytes=shard_bytes)
    ranged = [i for s in plan for i in shards.read_shard(s, options)]
    if any(u.is_range for s in plan for u in s.units):  # ranges: no whole-file emptiness check
        whole = [i for i in whole if getattr(i, "reason", "") != "read.empty"]
    assert _ids(ranged) == _ids(whole)


def test_ids_carried_into_a_range_are_only_its_repeats(tmp_path):
    lines = [f'{{"id": "{i}", "text": "x"}}\n' for i in ("a", "b", "c", "d", "a", "e", "b", "a")]
    (tmp_path / "f.jsonl").write_text("".join(lines))
    size = len(lines[0])
    plan = plan_shards(tmp_path, shard_bytes=4 * size - 1)  # lines 1-4, then 5-8
    [first], [second] = (s.units for s in plan)
    assert first.carried == () and first.id_room == 1_000_000
    assert second.carried == (("a", 1), ("b", 2))  # "c" and "d" do not occur again
    assert second.id_room == 1_000_000 - 4


@given(st.lists(line, min_size=1, max_size=60), st.integers(min_value=1, max_value=200),
       st.booleans(), st.integers(min_value=1, max_value=64))
def test_gzip_cut_points_are_those_of_the_decompressed_bytes(tmp_path_factory, lines, shard_bytes, last_newline,
                                                             block):
    import gzip

    data = b"".join(lines)
    if not last_newline:
        data = data[:-1]
    root = tmp_path_factory.mktemp("g")
    (root / "f.jsonl").write_bytes(data)
    (root / "f.jsonl.gz").write_bytes(gzip.compress(data))
    with patch.object(shards, "_SCAN_BLOCK", block):
        plain = split_points(root / "f.jsonl", len(data), shard_bytes)
        assert shards.compressed_split_points(root / "f.jsonl.gz", shard_bytes) == (plain, len(data))


def test_a_broken_gzip_file_is_not_cut(tmp_path):
    import gzip

    data = gzip.compress(b"".join(f'{{"id": "{i}", "text": "line {i}"}}\n'.encode() for i in range(400)))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    assert shards.compressed_split_points(tmp_path / "cut.jsonl.gz", 100) is None
    [shard] = plan_shards(tmp_path, shard_bytes=100)
    [unit] = shard.units
    assert not unit.is_range  # read whole: the reader says where the stream breaks off


@given(st.lists(record_line, min_size=1, max_size=40), st.integers(min_value=1, max_value=120),
       st.integers(min_value=0, max_value=6))
def test_gzip_ranges_read_as_the_whole_file(tmp_path_factory, lines, shard_bytes, tracked):
    # A compressed file cut into ranges of its decompressed bytes reads, range after range, as
    # one read of the whole file: the same records, ids, line numbers and offsets.
    import gzip

    from corpusclean.readers import ReaderOptions, read_file

    root = tmp_path_factory.mktemp("gz")
    path = root / "f.jsonl.gz"
    path.write_bytes(gzip.compress("".join(lines).encode()))
    options = ReaderOptions(max_tracked_ids=tracked, time_budget=None)
    whole = list(read_file(path, "f.jsonl.gz", options))
    with patch.object(shards, "GZIP_RATIO", 10_000):  # scan even a tiny file
        plan = plan_shards(root, options, shard_bytes=shard_bytes)
    ranged = [i for s in plan for i in shards.read_shard(s, options)]
    if any(u.is_range for s in plan for u in s.units):
        whole = [i for i in whole if getattr(i, "reason", "") != "read.empty"]
    assert _ids(ranged) == _ids(whole)
    assert [getattr(i, "offset", None) for i in ranged] == [getattr(i, "offset", None) for i in whole]


def test_large_gzip_jsonl_is_cut_into_ranges(tmp_path):
    import gzip
    import random

    rng = random.Random(3)
    rows = "".join(f'{{"id": "{i}", "text": "{rng.random()} {rng.random()}"}}\n' for i in range(3000))
    (tmp_path / "big.jsonl.gz").write_bytes(gzip.compress(rows.encode()))
    plan = plan_shards(tmp_path, shard_bytes=20_000)
    units = [u for s in plan for u in s.units]
    assert len(units) > 3 and all(u.is_range and u.compression == "gzip" for u in units)
    assert units[-1].end == len(rows.encode())


def test_scans_in_a_pool_give_the_same_plan(tmp_path):
    import gzip

    from corpusclean.executors.engines import PoolEngine

    rows = "".join(f'{{"id": "{i % 50}", "text": "line {i}"}}\n' for i in range(600))
    for k in range(3):
        (tmp_path / f"big{k}.jsonl").write_text(rows)
        (tmp_path / f"big{k}.jsonl.gz").write_bytes(gzip.compress(rows.encode()))
    (tmp_path / "small.txt").write_text("a page")
    serial = plan_shards(tmp_path, shard_bytes=3000)
    engine = PoolEngine(2)
    try:
        pooled = plan_shards(tmp_path, shard_bytes=3000, scan_map=engine.map)
    finally:
        engine.close()
    assert pooled == serial
    assert [s.index for s in serial] == list(range(len(serial)))
    assert sum(u.compression == "gzip" for s in serial for u in s.units) > 6 and any(u.carried for s in serial for u in s.units)


def test_a_gzip_file_is_cut_into_a_bounded_number_of_ranges(tmp_path):
    import gzip

    from corpusclean.readers import ReaderOptions, read_file

    rows = "".join(f'{{"id": "{i % 40}", "text": "line {i}"}}\n' for i in range(2000))
    (tmp_path / "big.jsonl.gz").write_bytes(gzip.compress(rows.encode()))
    with patch.object(shards, "GZIP_MAX_RANGES", 5):
        plan = plan_shards(tmp_path, shard_bytes=1000)
    units = [u for s in plan for u in s.units]
    assert 2 <= len(units) <= 5 and all(u.compression == "gzip" for u in units)
    assert units[0].start == 0 and units[-1].end == len(rows.encode())
    assert all(a.end == b.start for a, b in zip(units, units[1:]))
    options = ReaderOptions(time_budget=None)
    whole = [i for i in read_file(tmp_path / "big.jsonl.gz", "big.jsonl.gz", options)]
    ranged = [i for s in plan for i in shards.read_shard(s, options)]
    assert _ids(ranged) == _ids(whole)
