"""The encoding steps give what the plain line-by-line definitions give, with or without the
compiled core (``tests/differential/test_encoding.py`` compares the core itself)."""

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from corpusclean.document import Document, Line
from corpusclean.filters.encoding import (
    ZS_CHARS,
    SUSPECT_RE,
    FixMojibake,
    repair_line,
    Normalize,
    needs_ftfy,
    normalize_line,
)

# Characters that exercise every branch: spaces of each kind, controls, invisibles, surrogates,
# combining marks, mojibake letters, line separators.
TRICKY = (" \t\u00a0\u2003\u3000\u200b\u00ad\ufeff\x00\x07\x0b\x0c\x1c\x1f\x7f\x85\x9f\u2028\u2029"
          "\u0301\u0308eaAÃÂ©â€™ÐÑœ\u0420\u0421\u201e\x1b\ud800")
line_text = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(blacklist_characters="\n\r"), max_size=30)
lines = st.lists(line_text, min_size=1, max_size=12)


def test_zs_chars_are_the_unicode_space_separators():
    zs = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Zs")
    assert ZS_CHARS == zs


def test_normalize_line_keeps_a_newline_inside_a_line():
    assert normalize_line("a\n  b") == "a\n b" and normalize_line(" c ") == "c"


def reference_fix(doc):
    """The line-by-line definition of encoding.fix_mojibake."""
    out, repairs = [], []
    for line in doc.lines:
        if needs_ftfy(line.text):
            fixed, steps = repair_line(line.text)
            if fixed != line.text and "\n" not in fixed:
                repairs.append({"line": line.no, "steps": steps})
                out.append(Line(line.no, fixed))
                continue
        out.append(line)
    return out, repairs


MOJIBAKE = st.sampled_from(["cafÃ©", "Ã  la", "donâ€™t", "Ã", "Â ", "naÃ¯ve", "â€œquotedâ€\x9d", "plain", ""])


@given(st.lists(line_text | MOJIBAKE, min_size=1, max_size=10))
def test_fix_mojibake_finds_the_lines_the_plain_loop_finds(texts):
    doc = Document(id="d", lines=tuple(Line(i + 1, t) for i, t in enumerate(texts)))
    decision = FixMojibake()(doc)
    expected_lines, expected_repairs = reference_fix(doc)
    if decision.action == "keep":
        assert expected_repairs == []
    else:
        assert list(decision.doc.lines) == expected_lines
        assert list(decision.doc.annotations["encoding_repairs"]) == [
            {"line": r["line"], "steps": tuple(tuple(s) for s in r["steps"])} for r in expected_repairs
        ]


@given(lines, st.sampled_from(["NFC", "NFKC", "NFD", "NFKD"]))
def test_normalize_step_matches_the_line_function(texts, form):
    doc = Document(id="d", lines=tuple(Line(i + 1, t) for i, t in enumerate(texts)))
    decision = Normalize(form)(doc)
    result = doc if decision.action == "keep" else decision.doc
    assert [ln.text for ln in result.lines] == [normalize_line(t, form) for t in texts]
    assert [ln.no for ln in result.lines] == [ln.no for ln in doc.lines]


def plain_suspect_pattern():
    """The definition of SUSPECT_RE: one alternative per code page, a lead byte's character then
    a continuation byte's, plus the damage that needs no pair."""
    import re

    import ftfy.bad_codecs  # noqa: F401

    from corpusclean.filters.encoding import MOJIBAKE_CODECS

    def chars(codec, lo, hi):
        found = {bytes([b]).decode(codec, "ignore") for b in range(lo, hi + 1)} - {""}
        return "".join(re.escape(c) for c in sorted(found))

    pairs = [f"[{chars(c, 0xC2, 0xF4)}][{chars(c, 0x80, 0xBF)}]" for c in MOJIBAKE_CODECS]
    return re.compile("|".join(pairs) + "|[\x80-\x9f\ud800-\udfff\x1b\ufffd]"
                      "|[\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e0\u00e2\u00e3] ")


PLAIN_SUSPECT = plain_suspect_pattern()
SUSPECT_ALPHABET = st.sampled_from("aÃÂÄÅÐÑØÙГВР√©¤¥€…‚„†‡ˆ‰Š‹Œ‘’“”•–—™š›œžŸ\u00a0\u00ad\x81\x9d ")


@given(st.text(alphabet=SUSPECT_ALPHABET | st.characters(), max_size=40))
def test_suspect_pattern_finds_what_its_plain_definition_finds(text):
    assert [m.start() for m in SUSPECT_RE.finditer(text)] == [
        m.start() for m in PLAIN_SUSPECT.finditer(text)
    ]
