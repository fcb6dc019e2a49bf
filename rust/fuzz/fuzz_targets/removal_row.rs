//! `record::removal_row` with any text as the id: one line, with no control character and no
//! U+0085, U+2028 or U+2029 raw, and reading the id's escapes back gives the text.
#![no_main]

use corpusclean_core::record::removal_row;
use libfuzzer_sys::fuzz_target;

/// The text of a JSON string as the row writes it (the escapes it uses, nothing more).
fn read_back(json: &str) -> Option<String> {
    let inner = json.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let row = removal_row(&text, "s", &[]).expect("a row of strings is written");
    let row = String::from_utf8(row).expect("UTF-8 in, UTF-8 out");
    let body = row.strip_suffix('\n').expect("a row ends its line");
    assert!(!body
        .chars()
        .any(|c| c < ' ' || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')));
    let id = body
        .strip_prefix("{\"id\":")
        .and_then(|rest| rest.strip_suffix(",\"source\":\"s\",\"removed\":[]}"));
    assert_eq!(id.and_then(read_back).as_deref(), Some(&*text));
});
