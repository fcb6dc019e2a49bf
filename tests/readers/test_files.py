"""The reader battery: every hostile input becomes documents or a located reject, never an error."""

import codecs
import errno
import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from corpusclean.document import Document
from corpusclean.readers import ReaderOptions, Reject, read_file, walk
from corpusclean.readers import files as files_mod

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 2
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + os.urandom(300)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + os.urandom(200)
TEXT = "Die Straße führt über die Brücke.\nZweite Zeile mit Inhalt.\n"


def read(tmp_path: Path, name: str, data: bytes, **opts: object) -> list[Document | Reject]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_file(path, name, ReaderOptions(**opts)))  # type: ignore[arg-type]


def reasons(items: list[Document | Reject]) -> list[str]:
    return [i.reason if isinstance(i, Reject) else "doc" for i in items]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.txt", b"", ["read.empty"]),
        ("blank.txt", b" \n\t\r\n", ["read.empty"]),
        ("empty.html", b"", ["read.empty"]),
        ("empty.jsonl", b"", ["read.empty"]),
        ("blank.jsonl", b"\n \n\r\n", ["read.empty"]),
        ("image.txt", PNG, ["decode.binary"]),
        ("image.html", PNG, ["decode.binary"]),
        ("paper.txt", PDF, ["decode.binary"]),
        ("archive.html", ZIP, ["decode.binary"]),
        ("program.txt", ELF, ["decode.binary"]),
        ("nul.txt", b"text with a\x00 NUL byte inside a longer line of words\n", ["doc"]),
        ("utf16.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), ["doc"]),
        ("utf16-nobom.txt", TEXT.encode("utf-16-le"), ["doc"]),
        ("utf16be-nobom.txt", TEXT.encode("utf-16-be"), ["doc"]),
        ("latin.txt", TEXT.encode("cp1252"), ["doc"]),
        ("empty.txt.gz", gzip.compress(b"", mtime=0), ["read.empty"]),
        ("page.txt.gz", gzip.compress(TEXT.encode(), mtime=0), ["doc"]),
        ("cut.txt.gz", gzip.compress(TEXT.encode() * 50, mtime=0)[:-12], ["read.bad_gzip"]),
        ("notgz.txt.gz", b"plain text, not gzip", ["read.bad_gzip"]),
    ],
)
def test_battery(tmp_path: Path, name: str, data: bytes, expected: list[str]) -> None:
    items = read(tmp_path, name, data)
    assert reasons(items) == expected
    for item in items:
        if isinstance(item, Reject):
            assert item.source == name and item.message
        else:
            assert "Straße" in item.text or "NUL" in item.text


def test_mixed_line_endings_are_three_lines(tmp_path: Path) -> None:
    [doc] = read(tmp_path, "eol.txt", b"one\r\ntwo\rthree\nfour")
    assert isinstance(doc, Document)
    assert [ln.text for ln in doc.lines] == ["one", "two", "three", "four"]


def test_invalid_utf8_in_the_middle_is_kept_and_located(tmp_path: Path) -> None:
    head = ("Überschrift über Änderungen " * 10 + "\n").encode()
    [doc] = read(tmp_path, "bad.txt", head + b"broken \xff\xfe byte\n" + head)
    assert isinstance(doc, Document)
    enc = doc.meta["encoding"]
    assert enc["method"] == "utf-8-replaced"
    assert enc["replaced"] == 2 and enc["replaced_offsets"][0] == len(head) + 7
    assert "broken \ufffd\ufffd byte" in doc.text


def test_over_the_limit_is_rejected_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(10_000_000)  # sparse: cheap to make

    def no_read(*_a: object) -> bytes:
        raise AssertionError("the file was read")

    real_open = files_mod._open_regular

    def guarded(p: Path):  # type: ignore[no-untyped-def]
        f, st = real_open(p)
        f.read = no_read  # type: ignore[method-assign]
        return f, st

    monkeypatch.setattr(files_mod, "_open_regular", guarded)
    [rej] = list(read_file(path, "big.txt", ReaderOptions(max_bytes=1_000_000)))
    assert isinstance(rej, Reject) and rej.reason == "read.too_large"
    assert "10000000 bytes" in rej.message and "--max-bytes" in rej.message


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"a" * 5_000_000)
    assert len(bomb) < 100_000
    assert reasons(read(tmp_path, "bomb.txt.gz", bomb, max_bytes=1_000_000)) == ["read.too_large"]


# -- JSONL --------------------------------------------------------------------------------------

def jsonl(*lines: object) -> bytes:
    out = []
    for ln in lines:
        out.append(ln if isinstance(ln, bytes) else json.dumps(ln).encode())
    return b"\n".join(out) + b"\n"


def test_jsonl_battery_keeps_going_and_locates_each_problem(tmp_path: Path) -> None:
    data = jsonl(
        {"id": "a", "text": "first"},
        b'{"id": "b", "text": "unterminated',
        b"[1, 2, 3]",
        b'"just a string"',
        {"id": "c", "body": "no text field"},
        {"id": "d", "text": 42},
        {"id": "e", "text": None},
        {"id": "a", "text": "duplicate id"},
        b"",
        b"   ",
        b'{"id": "f", "text": "lone \\ud800 surrogate", "tags": ["x\\udfff"]}',
        b'{"id": "g", "text": "bad \xff byte"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"id": "h", "text": "deep", "meta": ' + b"[" * 70 + b"1" + b"]" * 70 + b"}",
        {"id": True, "text": "bool id"},
        b'{"id": "i", "text": "crlf"}\r',
        {"id": "last", "text": "still read"},
    )
    items = read(tmp_path, "in.jsonl", data)
    got = [(reasons([i])[0], i.line if isinstance(i, Reject) else i.meta["line"]) for i in items]
    assert got == [
        ("doc", 1),
        ("jsonl.bad_json", 2),
        ("jsonl.not_object", 3),
        ("jsonl.not_object", 4),
        ("jsonl.no_text", 5),
        ("jsonl.no_text", 6),
        ("jsonl.no_text", 7),
        ("doc", 8),
        ("doc", 11),
        ("doc", 12),
        ("jsonl.too_deep", 13),
        ("jsonl.too_deep", 14),
        ("doc", 15),
        ("doc", 16),
        ("doc", 17),
    ]
    docs = {d.meta["line"]: d for d in items if isinstance(d, Document)}
    assert docs[8].id == "a#in.jsonl:8" and docs[8].meta["duplicate_id_of_line"] == 1
    assert docs[11].text == "lone \ufffd surrogate"
    assert docs[11].meta["encoding"]["lone_surrogates"] == 2
    assert docs[12].text == "bad \ufffd byte"
    assert docs[12].meta["encoding"]["replaced"] == 1
    assert docs[15].id == "in.jsonl:15"
    offsets = [i.offset for i in items if isinstance(i, Reject)]
    assert all(isinstance(o, int) and 0 <= o < len(data) for o in offsets)
    bad = next(i for i in items if isinstance(i, Reject) and i.reason == "jsonl.bad_json")
    assert data[bad.offset - 1: bad.offset] in (b"d", b'"', b"l")  # points into line 2
    missing = next(i for i in items if isinstance(i, Reject) and i.line == 5)
    assert "missing" in missing.message
    wrong = next(i for i in items if isinstance(i, Reject) and i.line == 6)
    assert "a number, not a string" in wrong.message


def test_jsonl_line_over_the_limit_is_skipped_not_held(tmp_path: Path) -> None:
    data = jsonl({"text": "a"}, {"text": "x" * 5000}, {"text": "b"})
    items = read(tmp_path, "long.jsonl", data, max_bytes=1000)
    assert reasons(items) == ["doc", "jsonl.line_too_long", "doc"]
    assert items[1].offset == len(jsonl({"text": "a"}))  # type: ignore[union-attr]
    assert items[2].meta["line"] == 3  # type: ignore[union-attr]


def test_truncated_jsonl_gz_keeps_the_lines_before(tmp_path: Path) -> None:
    raw = jsonl(*({"id": str(i), "text": f"line {i} " * 20} for i in range(200)))
    items = read(tmp_path, "cut.jsonl.gz", gzip.compress(raw)[: -200])
    kinds = reasons(items)
    assert kinds[-1] == "read.bad_gzip"
    assert kinds[:-1] == ["doc"] * (len(kinds) - 1) and len(kinds) > 100
    assert items[-1].line == len(kinds)  # type: ignore[union-attr]


def test_utf16_jsonl_is_refused_with_advice(tmp_path: Path) -> None:
    items = read(tmp_path, "u16.jsonl", codecs.BOM_UTF16_LE + jsonl({"text": "x"}).decode().encode("utf-16-le"))
    assert reasons(items) == ["jsonl.not_utf8"]
    assert "iconv" in items[0].message  # type: ignore[union-attr]


def test_jsonl_bom_is_skipped(tmp_path: Path) -> None:
    assert reasons(read(tmp_path, "bom.jsonl", codecs.BOM_UTF8 + jsonl({"text": "x"}))) == ["doc"]


# -- the file system ----------------------------------------------------------------------------

def test_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    [rej] = list(read_file(tmp_path / "gone.txt", "gone.txt"))
    assert isinstance(rej, Reject) and rej.reason == "read.unreadable" and "broken symbolic link" in rej.message


def test_symlink_loop_to_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert reasons(list(read_file(tmp_path / "a.txt", "a.txt"))) == ["read.symlink_loop"]


def test_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # a plain open() would wait for a writer forever
    [rej] = list(read_file(tmp_path / "pipe.txt", "pipe.txt"))
    assert isinstance(rej, Reject) and rej.reason == "read.not_regular" and "FIFO" in rej.message


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    assert reasons(list(read_file(tmp_path / "dir.txt", "dir.txt"))) == ["read.not_regular"]


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which chmod 000 does not stop: make open() refuse instead.
    path = tmp_path / "secret.txt"
    path.write_text("x")
    real = os.open

    def deny(p: object, *a: object, **k: object) -> int:
        if str(p) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real(p, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    [rej] = list(read_file(path, "secret.txt"))
    assert isinstance(rej, Reject) and rej.reason == "read.unreadable" and "Permission denied" in rej.message


def test_vanished_before_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    found = [i for i in walk(tmp_path) if not isinstance(i, Reject)]
    (tmp_path / "a.txt").unlink()
    path, rel = found[0]
    assert reasons(list(read_file(path, rel))) == ["read.vanished"]


def after_open(monkeypatch: pytest.MonkeyPatch, action: Callable[[Path], object]) -> None:
    """Make the reader's open run ``action(path)`` once the file is open, before it is read."""
    real = files_mod._open_regular

    def patched(p: Path):  # type: ignore[no-untyped-def]
        f, st = real(p)
        action(p)
        return f, st

    monkeypatch.setattr(files_mod, "_open_regular", patched)


def append_line(p: Path) -> None:
    with p.open("a") as w:  # a writer still at work on the file
        w.write("more text arriving\n")


def test_text_file_changed_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "grow.txt"
    path.write_text("first version\n")
    after_open(monkeypatch, append_line)
    [rej] = list(read_file(path, "grow.txt"))
    assert isinstance(rej, Reject) and rej.reason == "read.changed"


def test_jsonl_changed_while_read_keeps_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    path.write_bytes(jsonl({"text": "one"}, {"text": "two"}))
    it = read_file(path, "live.jsonl")
    first = next(it)
    with path.open("r+b") as w:
        w.truncate(5)
    rest = list(it)
    assert isinstance(first, Document)
    assert reasons(rest)[-1] == "read.changed"


def test_walk_reports_directory_loops_and_unlistable_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("x")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(p: object = ".") -> object:
        if str(p).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real(p)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(walk(tmp_path))
    rejects = [(i.source, i.reason) for i in items if isinstance(i, Reject)]
    assert ("d/loop", "read.symlink_loop") in rejects
    assert ("locked", "read.unlistable") in rejects
    assert [rel for i in items if not isinstance(i, Reject) for rel in [i[1]]] == ["d/a.txt"]


def test_undecodable_file_name_is_shown_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text("hello")
    [(path, rel)] = [i for i in walk(tmp_path) if not isinstance(i, Reject)]
    assert rel == "caf\\xe9.txt"
    [doc] = list(read_file(path, rel))
    assert isinstance(doc, Document) and doc.id == "caf\\xe9.txt"
    doc.id.encode("utf-8")


@pytest.mark.parametrize(
    "markup",
    [
        "<div>" * 5000 + "deep" + "</div>" * 5000,
        "<p>unclosed <b>bold <i>italic <table><tr><td>cell",
        "</div></p></html>stray closers<<<>>>",
        "<!-- never closed comment <p>hidden",
        "<script>while(1){}</script><p>after script",
        "<p>" + "&amp;" * 1000 + "&#xdead; &#0; &#x110000;</p>",
    ],
)
def test_hostile_html_never_raises(tmp_path: Path, markup: str) -> None:
    items = read(tmp_path, "page.html", markup.encode())
    assert len(items) == 1
    item = items[0]
    if isinstance(item, Document):
        item.text.encode("utf-8")
    else:
        assert item.reason.startswith(("html.", "read.", "decode."))


def test_deleted_after_opening_is_still_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The open descriptor keeps the file's content: what was there is read completely.
    path = tmp_path / "going.txt"
    path.write_text("content that is being deleted\n")
    after_open(monkeypatch, Path.unlink)
    [doc] = list(read_file(path, "going.txt"))
    assert isinstance(doc, Document) and doc.text == "content that is being deleted"


def test_duplicate_id_table_is_bounded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = jsonl(*({"id": i % 3, "text": "x"} for i in range(6)))
    items = read(tmp_path, "ids.jsonl", data, max_tracked_ids=2)
    dups = [d.meta.get("duplicate_id_of_line") for d in items if isinstance(d, Document)]
    assert dups == [None, None, None, 1, 2, None]  # id 2 came after the table was full
    assert "duplicates of later ids are not detected" in caplog.text


def test_gzip_cut_inside_an_over_long_jsonl_line(tmp_path: Path) -> None:
    raw = jsonl({"text": "a"}, {"text": "x" * 50_000}, {"text": "b"})
    cut = gzip.compress(raw)[:-60]
    items = read(tmp_path, "cut.jsonl.gz", cut, max_bytes=1000)
    assert reasons(items) == ["doc", "read.bad_gzip"]


def test_utf16_jsonl_without_bom_is_refused(tmp_path: Path) -> None:
    data = jsonl({"text": "x"}, {"text": "y"}).decode().encode("utf-16-le")
    assert reasons(read(tmp_path, "u16.jsonl", data)) == ["jsonl.not_utf8"]
