"""The encoding steps' per-line work in the core (``_core.Normalizer``, ``_core.SuspectScan``)
against the reference (``filters/encoding.py``): ``normalize_line`` of every line in the four
Unicode forms, and the lines ``needs_ftfy`` holds for."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean import _accel
from corpusclean.document import Document, Line
from corpusclean.filters import encoding as enc

from .conftest import BENCH
from .strategies import characters, documents

FORMS = ("NFC", "NFKC", "NFD", "NFKD")

#: What the Unicode forms and the scan turn on: combining marks of several classes (in and out
#: of order), Hangul jamo (leading, vowel, trailing, old ones) and syllables, composition
#: exclusions, singletons, compatibility characters, the characters the mojibake code pages
#: read UTF-8 bytes as, spaces, controls and invisible characters.
NORMALIZATION = (
    "\u0300\u0301\u0302\u0308\u0323\u0327\u0328\u031b\u0345\u05b0\u0591\u093c\u094d\u0e48"
    "\u3099\u309a\u1100\u1112\u1113\u1161\u1175\u1176\u11a7\u11a8\u11c2\u11c3\uac00\uac01"
    "\ud7a3\u0958\u0344\u0f73\u2126\u212b\u1e9b\ufb01\u2460\uff21\u00bd\u0b47\u0b3e\u0b57"
    "\u0dd9\u0dcf\u0dca\u1025\u102e\u3131AEIOUaeiouÅåÇçKΩ\u0391\u03b9\u0399"
)
MOJIBAKE = "".join(sorted(set().union(*enc.LEADS, *enc.CONTINUATIONS))) + "\x1b\ufffd \u00a0"
SPACES = (" \t\u00a0\u2003\u3000\u200b\u00ad\ufeff\u180e\u2060\x00\x07\x0b\x0c\x1c\x1f\x7f\x85"
          "\x9f\u2028\u2029\n")

marked = st.one_of(characters, st.sampled_from(NORMALIZATION), st.sampled_from(SPACES))
suspicious = st.one_of(st.sampled_from(MOJIBAKE), st.sampled_from(MOJIBAKE), characters)
line_texts = st.one_of(st.text(marked, max_size=60), st.text(suspicious, max_size=60))
texts = st.one_of(documents, st.lists(line_texts, max_size=25))


def reference_changes(lines: list[str], form: str) -> list[tuple[int, str]]:
    return [(k, new) for k, t in enumerate(lines) if (new := enc.normalize_line(t, form)) != t]


def reference_suspects(lines: list[str]) -> list[int]:
    return [k for k, t in enumerate(lines) if enc.needs_ftfy(t)]


def normalizer(core, form):
    return core.Normalizer(form, unicodedata.unidata_version)


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from(FORMS))
def test_generated_lines(core, lines, form):
    assert normalizer(core, form).changes(lines) == reference_changes(lines, form)
    assert enc._suspect_scan(core).lines(lines) == reference_suspects(lines)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(marked, min_size=1000, max_size=5000), max_size=3), st.sampled_from(FORMS))
def test_huge_lines(core, lines, form):
    assert normalizer(core, form).changes(lines) == reference_changes(lines, form)
    assert enc._suspect_scan(core).lines(lines) == reference_suspects(lines)


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from(FORMS))
def test_steps(core, lines, form):
    """The steps give the lines the reference gives, on documents of ``Line``s."""
    doc = Document(id="d", lines=tuple(Line(i + 1, t) for i, t in enumerate(lines)))
    assert enc.line_changes(doc.lines, form) == reference_changes(lines, form)
    assert enc.suspect_lines(doc.lines) == reference_suspects(lines)


@pytest.mark.parametrize("form", FORMS)
def test_every_code_point(core, form):
    """Each code point alone, and each pair the composing forms join, with marks around it."""
    alone = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
    assert normalizer(core, form).changes(alone) == reference_changes(alone, form)
    pairs = []
    for c in alone:
        fields = unicodedata.decomposition(c).split()
        if len(fields) == 2 and not fields[0].startswith("<"):
            a, b = (chr(int(f, 16)) for f in fields)
            pairs += [a + b, f"x{a}{b}\u0301", f"{a}\u0323{b}", f"{a}{b}\u0323", b + a + b, c + b]
    assert normalizer(core, form).changes(pairs) == reference_changes(pairs, form)


def test_the_scan_on_every_pair_of_mojibake_characters(core):
    chars = sorted(set(MOJIBAKE) | {"a", " ", "\u00e9"})
    lines = [a + b for a in chars for b in chars]
    assert enc._suspect_scan(core).lines(lines) == reference_suspects(lines)


def test_lone_surrogates_take_the_reference_path(core):
    lines = (Line(1, "  caf\u00c3\u00a9 \u00a0"), Line(2, "bad \ud800 line"), Line(3, "ok"))
    before = _accel.FALLBACKS["core.fallback.surrogates"]
    assert enc.line_changes(lines) == [(0, "caf\u00c3\u00a9"), (1, "bad \ufffd line")]
    assert enc.suspect_lines(lines) == [0, 1]
    assert _accel.FALLBACKS["core.fallback.surrogates"] == before + 2


def test_tables_of_another_unicode_are_refused(core):
    with pytest.raises(ValueError, match="rerun"):
        core.Normalizer("NFC", "1.0.0")
    with pytest.raises(ValueError, match="form"):
        core.Normalizer("NFX", unicodedata.unidata_version)


def test_pickled_by_their_arguments(core):
    import pickle

    nfc = pickle.loads(pickle.dumps(normalizer(core, "NFKC")))
    assert nfc.changes(["\ufb01 x"]) == [(0, "fi x")]
    scan = pickle.loads(pickle.dumps(enc._suspect_scan(core)))
    assert scan.lines(["caf\u00c3\u00a9"]) == [0]


@pytest.mark.skipif(BENCH is None, reason="benchmark data not beside the repository")
def test_dev_dumps(core):
    paths = sorted(BENCH.glob("*.dump.txt"))
    assert paths
    for path in paths:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        for form in FORMS:
            got = normalizer(core, form).changes(lines)
            assert got == reference_changes(lines, form), (path.name, form)
        assert enc._suspect_scan(core).lines(lines) == reference_suspects(lines), path.name
