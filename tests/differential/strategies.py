"""Text strategies for the differential tests: every script, the characters Python and Rust
disagree about, control characters, long and empty lines."""

from __future__ import annotations

from hypothesis import strategies as st

#: Characters where the semantics of ``str`` methods, ``re`` and ``regex`` differ from each
#: other or from Rust's: information separators (spaces to ``str.isspace``, not to ``regex``),
#: NEL, NBSP, line and paragraph separators, zero-width characters, combining marks, dotless
#: and dotted i, sharp s, final sigma, ligatures, digits of other scripts, superscripts.
TRICKY = (
    "\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u200b\u200c\u200d\u2060\ufeff\u0301\u0308\u064b"
    "ıİiIßẞσςΣﬁﬀŉǅǈ\u0345ΐ٣۴१๓²½Ⅻ_-.@:/|»›→·•年月日©()[]\"'”’」』）,;，、；،"
    "!?…。！？।॥۔؟።՝\t\n\r\x0b\x0c "
)
#: One sample range per script family (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic,
#: Devanagari, Thai, Lao, Myanmar, Khmer, Hangul jamo, kana, CJK, Hangul syllables, fullwidth,
#: mathematical letters, emoji, private use, unassigned).
RANGES = (
    (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x52F), (0x530, 0x58F),
    (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xEFF), (0x1000, 0x109F),
    (0x1780, 0x17FF), (0x1100, 0x11FF), (0x2000, 0x206F), (0x3000, 0x30FF), (0x3400, 0x4DBF),
    (0x4E00, 0x4E80), (0xAC00, 0xAD00), (0xD7A0, 0xD7FF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
    (0x1D400, 0x1D7FF), (0x1F300, 0x1F6FF), (0xE000, 0xE0FF), (0x40000, 0x40010),
)

characters = st.one_of(
    st.sampled_from(TRICKY),
    *(st.characters(min_codepoint=lo, max_codepoint=hi, exclude_categories=("Cs",))
      for lo, hi in RANGES),
    st.characters(exclude_categories=("Cs",)),
)
words = st.one_of(
    st.text(characters, min_size=1, max_size=12),
    st.sampled_from(["http://x.org/a", "www.example.de", "a.b+c@mail.co.uk", "site.com",
                     "12.05.2024", "1999", "9:30", "2024年", "3月12日", "(c)", "(C)", "•", "1)",
                     "(12)", "the", "Und", "ÉTÉ", "für", "İstanbul", "Straße", "ΟΔΟΣ"]),
)
lines = st.one_of(
    st.lists(words, max_size=30).flatmap(
        lambda ws: st.lists(st.sampled_from([" ", "  ", " | ", " - ", ". ", "\x1f", "\xa0", ""]),
                            min_size=len(ws), max_size=len(ws)).map(
            lambda seps: "".join(w + s for w, s in zip(ws, seps, strict=True)))),
    st.text(characters, max_size=200),
)
documents = st.lists(lines, max_size=25)
