"""Encoding repair and normalization: ftfy mojibake repair, Unicode NFC, whitespace, controls.

These filters rewrite characters inside lines; they never add, remove or merge lines, so every
line keeps its source number. Clean text is never changed: ftfy runs without quote uncurling,
width folding or ligature expansion, and only on lines a cheap check finds suspicious.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import ftfy
from ftfy import badness

from ..decision import Decision, keep, rewrite
from ..document import Document, Line

#: ftfy options that repair damage but leave clean text as it is.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)

# Characters that occur in mojibake or in the damage ftfy repairs: C1 controls, the Latin-1 and
# Windows-1252 letters UTF-8 bytes turn into, surrogates, terminal escapes.
SUSPECT_RE = re.compile(
    "[\x80-\x9f\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e2\u00e3\u00e0"
    "\u0420\u0421\u201a\u0192\u201e\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2122\u0161\u203a\u0153\u017e\u0178\ud800-\udfff\x1b\ufffd]"
)


def needs_ftfy(line: str) -> bool:
    """Cheap check: could ftfy change this line?

    >>> needs_ftfy("plain ascii"), needs_ftfy("caf\\u00c3\\u00a9")
    (False, True)
    """
    return not line.isascii() and SUSPECT_RE.search(line) is not None or "\x1b" in line


@dataclass(frozen=True)
class FixMojibake:
    """Repair mojibake and encoding damage with ftfy, line by line, leaving clean text alone.

    Records the ftfy steps applied and the numbers of the lines they changed in the
    ``encoding_repairs`` annotation.
    """

    def __call__(self, doc: Document) -> Decision:
        new_lines = list(doc.lines)
        repairs: list[dict[str, object]] = []
        for k in _suspect_lines(doc.lines):
            line = doc.lines[k]
            pre = normalize_line(line.text, keep_c1=True)
            if badness.is_bad(pre) or _has_damage(pre):
                fixed, steps = repair_line(line.text)
                if fixed != line.text and "\n" not in fixed:
                    repairs.append({"line": line.no, "steps": steps})
                    new_lines[k] = Line(line.no, fixed)
        if not repairs:
            return keep()
        prior = list(doc.annotations.get("encoding_repairs", ()))
        return rewrite(doc.evolve(lines=tuple(new_lines)).annotate(encoding_repairs=prior + repairs))


def repair_line(text: str) -> tuple[str, list[list[object]]]:
    """ftfy's repair of one line, as ``encoding.normalize`` will leave it, repeated until stable.

    Normalization comes first (C1 controls kept for ftfy) and after each ftfy round: folding a
    tab or a no-break space, or dropping a control, can reveal mojibake that ftfy would repair
    on a second run, so repairing the normalized form to a fixpoint keeps cleaning idempotent.

    >>> repair_line("\\x83\\x8d\\u00df")[0]
    '\\u0127'
    """
    steps: list[list[object]] = []
    current = normalize_line(text, keep_c1=True)
    for _ in range(4):
        fixed, explained = ftfy.fix_and_explain(current, config=FTFY_CONFIG)
        steps.extend(list(s) for s in explained or [])
        fixed = normalize_line(fixed)
        if fixed == current:
            break
        current = fixed
    return current, steps


def _suspect_lines(lines: tuple[Line, ...]) -> Iterator[int]:
    """Indexes of the lines for which :func:`needs_ftfy` holds, found by searching the joined
    text once per such line (the suspect pattern never matches a newline)."""
    joined = "\n".join([line.text for line in lines])
    if joined.isascii() and "\x1b" not in joined:
        return
    k = counted = pos = 0  # line k starts at or before ``counted``; search from ``pos``
    while True:
        m = SUSPECT_RE.search(joined, pos)
        if m is None:
            return
        k += joined.count("\n", counted, m.start())
        counted = m.start()
        yield k
        pos = joined.find("\n", counted) + 1
        if pos == 0:
            return


_DAMAGE_RE = re.compile("[\x80-\x9f\ud800-\udfff\x1b]")


def _has_damage(text: str) -> bool:
    return _DAMAGE_RE.search(text) is not None


# Zero-width and format characters that carry nothing in web text. ZWJ/ZWNJ (U+200C/D) are kept:
# Persian, Indic scripts and emoji need them. The standard library's ``re`` runs these simple
# character classes several times faster than ``regex``.
_INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
# Controls other than tab; lone surrogates cannot be written as UTF-8.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_C0_SURROGATE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
# Every Unicode space separator (category Zs) and tab becomes one space. Only runs that change
# are matched: a lone U+0020 is left alone, which is most of them.
ZS_CHARS = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_ZS = ZS_CHARS
_OTHER_SPACES = "\t" + _ZS.replace(" ", "")
_SPACE_RE = re.compile(f" [\t{_ZS}]+|[{_OTHER_SPACES}][\t{_ZS}]*")
_OTHER_ZS = _ZS.replace(" ", "")
_CONTROL_OR_INVISIBLE_RE = re.compile(f"{_CONTROL_RE.pattern}|{_INVISIBLE_RE.pattern}")


def normalize_line(text: str, form: str = "NFC", *, keep_c1: bool = False) -> str:
    """Normalize one line: Unicode form, controls out, spaces folded, ends stripped.

    ``keep_c1`` leaves C1 controls in, for ftfy to read as Windows-1252 bytes.

    >>> normalize_line("  caf\\u0065\\u0301\\u00a0 au\\tlait\\u200b ")
    'café au lait'
    """
    if not text.isascii():
        text = unicodedata.normalize(form, text)
        text = _INVISIBLE_RE.sub("", text)
    text = (_C0_SURROGATE_RE if keep_c1 else _CONTROL_RE).sub(_control_replacement, text)
    text = _SPACE_RE.sub(" ", text)
    return text.strip()


def _control_replacement(m: re.Match[str]) -> str:
    ch = m.group()
    return "\ufffd" if "\ud800" <= ch <= "\udfff" else ""


@dataclass(frozen=True)
class Normalize:
    """Normalize Unicode (NFC by default), remove control and zero-width characters, fold
    every run of spaces and tabs into one space and strip each line's ends.

    Blank-line runs are folded when the document is written (see ``Document.text``).
    """

    form: str = "NFC"

    def __post_init__(self) -> None:
        if self.form not in ("NFC", "NFKC", "NFD", "NFKD"):
            msg = f"form must be NFC, NFKC, NFD or NFKD, not {self.form!r}"
            raise ValueError(msg)

    def __call__(self, doc: Document) -> Decision:
        texts = [line.text for line in doc.lines]
        normalized = normalize_lines(texts, self.form)
        if normalized == texts:
            return keep()
        new_lines = tuple(
            line if new == old else Line(line.no, new)
            for line, old, new in zip(doc.lines, texts, normalized)
        )
        return rewrite(doc.evolve(lines=new_lines))


def normalize_lines(texts: list[str], form: str = "NFC") -> list[str]:
    """:func:`normalize_line` on every line, done on the joined text at once (no pattern and
    no normalization form crosses a newline), each pattern only where a fast check finds work
    for it; line by line if a line holds a newline.

    >>> normalize_lines(["  a\u00a0 b ", "caf\u0065\u0301", "\u200b", "x\ty"])
    ['a b', 'café', '', 'x y']
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [normalize_line(t, form) for t in texts]
    ascii_only = joined.isascii()
    if not ascii_only:
        joined = unicodedata.normalize(form, joined)
    if _CONTROL_OR_INVISIBLE_RE.search(joined):
        if not ascii_only:
            joined = _INVISIBLE_RE.sub("", joined)
        joined = _CONTROL_RE.sub(_control_replacement, joined)
    if "\t" in joined or "  " in joined or (not ascii_only and any(c in joined for c in _OTHER_ZS)):
        joined = _SPACE_RE.sub(" ", joined)
    lines = joined.split("\n")
    # Whitespace left now: U+0020, U+2028, U+2029 (controls are gone, other spaces folded).
    if (joined.startswith(" ") or joined.endswith(" ") or "\n " in joined or " \n" in joined
            or "\u2028" in joined or "\u2029" in joined):
        lines = [t.strip() for t in lines]
    return lines
