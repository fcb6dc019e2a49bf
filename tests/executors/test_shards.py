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
