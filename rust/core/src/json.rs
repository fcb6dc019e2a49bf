//! `corpusclean._json`: what a JSON line holds that the writer or the reader must look at again.
//!
//! The writer (`dumps_line`) lets orjson write a value first; the line is then checked for
//! what orjson may write differently from the standard library (a float below 1e-4, NaN and
//! the infinities: `0.0000`, `null`, an exponent of one digit) and for the line-break
//! characters U+0085, U+2028 and U+2029 that it writes raw and the project escapes. The reader
//! (`loads`) checks a text for a run of 19 digits, the only way an integer beyond 64 bits can
//! be written. Each check is a substring search over the whole line; the lines are large
//! (a document's record, the sidecar row of its removed lines), so the searches are the
//! `memchr` crate's vectorized ones.

use memchr::memmem;

/// The line may hold a float orjson writes differently (`0.0000`, `null`, `e-` and one digit).
pub const FLOAT_SUSPECT: u8 = 1;
/// The line holds U+0085, U+2028 or U+2029 in UTF-8.
pub const LINE_BREAK: u8 = 2;
/// The text holds a run of 19 ASCII digits.
pub const LONG_NUMBER: u8 = 4;

/// The flags of `line` among those in `wanted` (bits of the constants above); flags not
/// wanted are not looked for and stay clear.
pub fn scan(line: &[u8], wanted: u8) -> u8 {
    let mut flags = 0;
    if wanted & FLOAT_SUSPECT != 0 && float_suspect(line) {
        flags |= FLOAT_SUSPECT;
    }
    if wanted & LINE_BREAK != 0 && line_break(line) {
        flags |= LINE_BREAK;
    }
    if wanted & LONG_NUMBER != 0 && long_number(line) {
        flags |= LONG_NUMBER;
    }
    flags
}

fn float_suspect(line: &[u8]) -> bool {
    memmem::find(line, b"0.0000").is_some()
        || memmem::find(line, b"null").is_some()
        || memmem::find_iter(line, b"e-").any(|at| short_exponent(line, at + 2))
}

/// `e-\d(?!\d)` after the `e-` that ends before `digit`.
fn short_exponent(line: &[u8], digit: usize) -> bool {
    line.get(digit).is_some_and(u8::is_ascii_digit)
        && !line.get(digit + 1).is_some_and(u8::is_ascii_digit)
}

fn line_break(line: &[u8]) -> bool {
    !line.is_ascii()
        && (memmem::find(line, b"\xc2\x85").is_some()
            || memmem::find(line, b"\xe2\x80\xa8").is_some()
            || memmem::find(line, b"\xe2\x80\xa9").is_some())
}

/// U+0085, U+2028 and U+2029 in `line` written as JSON escapes (`_json._escape_line_breaks`):
/// JSON allows them raw inside strings, but some JSONL readers end a line there.
pub fn escape_line_breaks(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 16);
    let mut rest = line;
    while let Some(at) = memchr::memchr2(0xc2, 0xe2, rest) {
        let (escape, width): (&[u8], usize) = match &rest[at..] {
            [0xc2, 0x85, ..] => (b"\\u0085", 2),
            [0xe2, 0x80, 0xa8, ..] => (b"\\u2028", 3),
            [0xe2, 0x80, 0xa9, ..] => (b"\\u2029", 3),
            _ => (&rest[at..=at], 1),
        };
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(escape);
        rest = &rest[at + width..];
    }
    out.extend_from_slice(rest);
    out
}

/// Length of the run of digits [`long_number`] looks for.
const RUN: usize = 19;

/// Whether `text` holds `RUN` ASCII digits in a row. Looks at the last byte of each window
/// first: when it is no digit, no window holding it can be a run, and the search moves past
/// it; else it reads back to the window's start for the last byte that is no digit.
fn long_number(text: &[u8]) -> bool {
    let mut start = 0;
    while start + RUN <= text.len() {
        let window = &text[start..start + RUN];
        match window.iter().rposition(|b| !b.is_ascii_digit()) {
            None => return true,
            Some(at) => start += at + 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_escaped_and_nothing_else() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("plain", "plain"),
            ("x\u{85}y\u{2028}z\u{2029}", "x\\u0085y\\u2028z\\u2029"),
            (
                "\u{84}\u{86}\u{2027}\u{202a}é€",
                "\u{84}\u{86}\u{2027}\u{202a}é€",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(
                escape_line_breaks(line.as_bytes()),
                want.as_bytes(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn floats_orjson_writes_differently_are_suspect() {
        for line in [&b"{\"a\":0.00001}"[..], b"[null]", b"[1e-5]", b"x e-9"] {
            assert_eq!(scan(line, FLOAT_SUSPECT), FLOAT_SUSPECT, "{line:?}");
        }
        for line in [
            &b"{\"a\":0.0001}"[..],
            b"[1e-05]",
            b"e-",
            b"e-x",
            b"nul",
            b"e-12",
        ] {
            assert_eq!(scan(line, FLOAT_SUSPECT), 0, "{line:?}");
        }
    }

    #[test]
    fn line_breaks_are_found_in_utf8() {
        for ch in ['\u{85}', '\u{2028}', '\u{2029}'] {
            let line = format!("{{\"t\":\"a{ch}b\"}}");
            assert_eq!(scan(line.as_bytes(), LINE_BREAK), LINE_BREAK);
        }
        assert_eq!(scan("\u{2027}\u{202a} é".as_bytes(), LINE_BREAK), 0);
    }

    #[test]
    fn runs_of_nineteen_digits() {
        let nineteen = "1234567890123456789";
        assert_eq!(scan(nineteen.as_bytes(), LONG_NUMBER), LONG_NUMBER);
        assert_eq!(scan(&nineteen.as_bytes()[1..], LONG_NUMBER), 0);
        for at in 0..40 {
            let mut text = vec![b'x'; 40];
            for b in text.iter_mut().skip(at).take(RUN) {
                *b = b'7';
            }
            let run = at + RUN <= 40;
            assert_eq!(long_number(&text), run, "{at}");
            if run {
                text[at + 9] = b'.';
                assert!(!long_number(&text));
            }
        }
        assert_eq!(scan(b"", FLOAT_SUSPECT | LINE_BREAK | LONG_NUMBER), 0);
    }

    #[test]
    fn only_wanted_flags_are_set() {
        let line = "null 1234567890123456789 \u{2028}".as_bytes();
        assert_eq!(scan(line, 0), 0);
        assert_eq!(scan(line, LONG_NUMBER), LONG_NUMBER);
        assert_eq!(scan(line, 7), 7);
    }
}
