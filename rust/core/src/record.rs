//! `corpusclean.record`: the sidecar row of a document's removed lines, as one JSON line.
//!
//! The reference builds the row as a dict (`record.removal_row`) and writes it with
//! `_json.dumps_line`: orjson's compact bytes, then U+0085, U+2028 and U+2029 written as
//! escapes. A page can lose thousands of lines, so the core writes the same bytes straight
//! from the removals' fields, the same way: `serde_json`, whose compact form and string
//! escapes are orjson's (`\"`, `\\`, `\b \t \n \f \r`, other control characters as `\u00xx`
//! in lower-case hex, everything else as is), then [`json::escape_line_breaks`].

use serde::Serialize;

use crate::json;

/// A removed line, the fields of `corpusclean.document.Removal`, in the order
/// `Removal.to_dict` gives them (`detail` only when it is not empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Removed<'a> {
    pub line: i64,
    pub reason: &'a str,
    pub step: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub detail: &'a str,
    pub text: &'a str,
}

/// `record.removal_row`'s dict.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    source: &'a str,
    removed: &'a [Removed<'a>],
}

/// The sidecar row `{"id", "source", "removed": [...]}` of a document's removals, ending
/// in a newline: the bytes `dumps_line(removal_row(result))` gives.
pub fn removal_row(
    id: &str,
    source: &str,
    removed: &[Removed<'_>],
) -> Result<Vec<u8>, serde_json::Error> {
    let size: usize = removed
        .iter()
        .map(|r| r.text.len() + r.detail.len() + 80)
        .sum();
    let mut line = Vec::with_capacity(size + id.len() + source.len() + 40);
    serde_json::to_writer(
        &mut line,
        &Row {
            id,
            source,
            removed,
        },
    )?;
    if json::scan(&line, json::LINE_BREAK) != 0 {
        line = json::escape_line_breaks(&line);
    }
    line.push(b'\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, removed: &[Removed<'_>]) -> String {
        let line = removal_row(id, "in/a.txt", removed).unwrap_or_default();
        String::from_utf8(line).unwrap_or_default()
    }

    #[test]
    fn strings_are_escaped_as_the_reference_writer_escapes_them() {
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
            let want = format!("{{\"id\":{want},\"source\":\"in/a.txt\",\"removed\":[]}}\n");
            assert_eq!(row(text, &[]), want, "{text:?}");
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
                line: -12,
                text: "Accept",
                reason: "boilerplate.cookie",
                step: "c",
                detail: "why",
            },
        ];
        assert_eq!(
            row("d1", &removed),
            "{\"id\":\"d1\",\"source\":\"in/a.txt\",\"removed\":[\
             {\"line\":3,\"reason\":\"boilerplate.navigation\",\"step\":\"nav\",\"text\":\"Menu\"},\
             {\"line\":-12,\"reason\":\"boilerplate.cookie\",\"step\":\"c\",\"detail\":\"why\",\"text\":\"Accept\"}]}\n"
        );
    }
}
