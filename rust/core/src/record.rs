//! `corpusclean.record`: the sidecar row of a document's removed lines, as one JSON line.
//!
//! The reference builds the row as a dict (`record.removal_row`) and writes it with
//! `_json.dumps_line`: orjson's compact bytes, then U+0085, U+2028 and U+2029 written as
//! escapes. A page can lose thousands of lines, so the core writes the same bytes straight
//! from the removals' fields: keys in the reference's order, `detail` only when it is not
//! empty, strings escaped as orjson escapes them (`\"`, `\\`, `\b \t \n \f \r`, other
//! control characters as `\u00xx` in lower-case hex; everything else as is) plus the three
//! line breaks.

/// A removed line, the fields of `corpusclean.document.Removal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed<'a> {
    pub line: i64,
    pub text: &'a str,
    pub reason: &'a str,
    pub step: &'a str,
    pub detail: &'a str,
}

/// The sidecar row `{"id", "source", "removed": [...]}` of a document's removals, ending
/// in a newline: the bytes `dumps_line(removal_row(result))` gives.
pub fn removal_row(id: &str, source: &str, removed: &[Removed<'_>]) -> Vec<u8> {
    let text_bytes: usize = removed
        .iter()
        .map(|r| r.text.len() + r.reason.len() + r.step.len() + r.detail.len() + 64)
        .sum();
    let mut out = Vec::with_capacity(id.len() + source.len() + text_bytes + 40);
    out.extend_from_slice(b"{\"id\":");
    write_str(&mut out, id);
    out.extend_from_slice(b",\"source\":");
    write_str(&mut out, source);
    out.extend_from_slice(b",\"removed\":[");
    for (k, r) in removed.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"line\":");
        out.extend_from_slice(r.line.to_string().as_bytes());
        out.extend_from_slice(b",\"reason\":");
        write_str(&mut out, r.reason);
        out.extend_from_slice(b",\"step\":");
        write_str(&mut out, r.step);
        if !r.detail.is_empty() {
            out.extend_from_slice(b",\"detail\":");
            write_str(&mut out, r.detail);
        }
        out.extend_from_slice(b",\"text\":");
        write_str(&mut out, r.text);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}\n");
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether the eight bytes of `word` are ASCII with nothing to escape: no control character,
/// no quote, no backslash (each test is exact for ASCII bytes, the usual bit tricks).
fn plain_word(word: u64) -> bool {
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS != 0;
    word & HIGHS == 0
        && !below(word, 0x20)
        && !below(word ^ (ONES * u64::from(b'"')), 1)
        && !below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// Whether byte `b` may begin something to escape: a control character, a quote, a
/// backslash, or the first byte of U+0085 (C2) or of U+2028 and U+2029 (E2).
fn may_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b == 0xc2 || b == 0xe2
}

/// `text` as a JSON string, escaped as the reference's writer escapes it.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0; // the bytes from here on are not written yet
    let mut i = 0;
    while i < bytes.len() {
        while let Some(Ok(word)) = bytes.get(i..i + 8).map(<[u8; 8]>::try_from) {
            if !plain_word(u64::from_le_bytes(word)) {
                break;
            }
            i += 8;
        }
        let Some(&b) = bytes.get(i) else { break };
        if !may_escape(b) {
            i += 1;
            continue;
        }
        let next = |k: usize| bytes.get(i + k).copied();
        let (escape, width): (&[u8], usize) = match b {
            b'"' => (b"\\\"", 1),
            b'\\' => (b"\\\\", 1),
            b'\n' => (b"\\n", 1),
            b'\r' => (b"\\r", 1),
            b'\t' => (b"\\t", 1),
            0x08 => (b"\\b", 1),
            0x0c => (b"\\f", 1),
            0x00..=0x1f => (&[], 1),
            0xc2 if next(1) == Some(0x85) => (b"\\u0085", 2),
            0xe2 if next(1) == Some(0x80) && next(2) == Some(0xa8) => (b"\\u2028", 3),
            0xe2 if next(1) == Some(0x80) && next(2) == Some(0xa9) => (b"\\u2029", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        i += width;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, text);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn escapes_as_the_reference_writer() {
        let cases: &[(&str, &str)] = &[
            ("plain", "\"plain\""),
            ("", "\"\""),
            ("a\"b\\c/d", "\"a\\\"b\\\\c/d\""),
            ("\n\r\t\u{8}\u{c}", "\"\\n\\r\\t\\b\\f\""),
            ("\u{0}\u{1f}\u{1b}", "\"\\u0000\\u001f\\u001b\""),
            ("\u{7f}é€😀", "\"\u{7f}é€😀\""),
            ("x\u{85}y\u{2028}z\u{2029}", "\"x\\u0085y\\u2028z\\u2029\""),
            (
                "\u{2027}\u{202a}\u{84}\u{86}",
                "\"\u{2027}\u{202a}\u{84}\u{86}\"",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(string(text), *want, "{text:?}");
        }
    }

    #[test]
    fn rows_keep_the_reference_key_order_and_leave_out_an_empty_detail() {
        let removed = [
            Removed {
                line: 3,
                text: "Menu",
                reason: "boilerplate.navigation",
                step: "nav",
                detail: "",
            },
            Removed {
                line: 12,
                text: "Accept",
                reason: "boilerplate.cookie",
                step: "c",
                detail: "why",
            },
        ];
        let row = String::from_utf8(removal_row("d1", "in/a.txt", &removed)).unwrap_or_default();
        assert_eq!(
            row,
            "{\"id\":\"d1\",\"source\":\"in/a.txt\",\"removed\":[\
             {\"line\":3,\"reason\":\"boilerplate.navigation\",\"step\":\"nav\",\"text\":\"Menu\"},\
             {\"line\":12,\"reason\":\"boilerplate.cookie\",\"step\":\"c\",\"detail\":\"why\",\"text\":\"Accept\"}]}\n"
        );
        assert_eq!(
            removal_row("", "", &[]),
            b"{\"id\":\"\",\"source\":\"\",\"removed\":[]}\n"
        );
    }
}
