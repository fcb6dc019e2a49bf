"""Encoding repair and normalization: ftfy mojibake repair, Unicode NFC, whitespace, controls.

These filters rewrite characters inside lines; they never add, remove or merge lines, so every
line keeps its source number. Clean text is never changed: ftfy runs without quote uncurling,
width folding or ligature expansion, and only on lines a cheap check finds suspicious.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import ftfy
import regex
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
SUSPECT_RE = regex.compile(
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
        new_lines: list[Line] = []
        repairs: list[dict[str, object]] = []
        for line in doc.lines:
            if needs_ftfy(line.text) and (badness.is_bad(line.text) or _has_damage(line.text)):
                fixed, steps = ftfy.fix_and_explain(line.text, config=FTFY_CONFIG)
                if fixed != line.text and "\n" not in fixed:
                    repairs.append({"line": line.no, "steps": [list(s) for s in steps or []]})
                    new_lines.append(Line(line.no, fixed))
                    continue
            new_lines.append(line)
        if not repairs:
            return keep()
        prior = list(doc.annotations.get("encoding_repairs", ()))
        return rewrite(doc.evolve(lines=tuple(new_lines)).annotate(encoding_repairs=prior + repairs))


def _has_damage(text: str) -> bool:
    return regex.search("[\x80-\x9f\ud800-\udfff\x1b]", text) is not None


# Zero-width and format characters that carry nothing in web text. ZWJ/ZWNJ (U+200C/D) are kept:
# Persian, Indic scripts and emoji need them.
_INVISIBLE_RE = regex.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
# Controls other than tab; lone surrogates cannot be written as UTF-8.
_CONTROL_RE = regex.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Every Unicode space separator and tab becomes one space.
_SPACE_RE = regex.compile(r"[\t\p{Zs}]+")


def normalize_line(text: str, form: str = "NFC") -> str:
    """Normalize one line: Unicode form, controls out, spaces folded, ends stripped.

    >>> normalize_line("  caf\\u0065\\u0301\\u00a0 au\\tlait\\u200b ")
    'café au lait'
    """
    if not text.isascii():
        text = unicodedata.normalize(form, text)
        text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(_control_replacement, text)
    text = _SPACE_RE.sub(" ", text)
    return text.strip()


def _control_replacement(m: regex.Match[str]) -> str:
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
        changed = 0
        new_lines: list[Line] = []
        for line in doc.lines:
            text = normalize_line(line.text, self.form)
            if text != line.text:
                changed += 1
                line = Line(line.no, text)
            new_lines.append(line)
        if not changed:
            return keep()
        return rewrite(doc.evolve(lines=tuple(new_lines)))
