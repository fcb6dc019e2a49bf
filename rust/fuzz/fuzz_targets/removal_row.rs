//! `record::write_str` on any text: the JSON string it writes holds no control character and
//! no U+0085, U+2028 or U+2029 raw, and reading its escapes back gives the text.
#![no_main]

use corpusclean_core::record::write_str;
use libfuzzer_sys::fuzz_target;

/// The text of a JSON string as `write_str` writes it (the escapes it uses, nothing more).
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
    let mut out = Vec::new();
    write_str(&mut out, &text);
    let json = String::from_utf8(out).expect("UTF-8 in, UTF-8 out");
    assert!(!json
        .chars()
        .any(|c| c < ' ' || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')));
    assert_eq!(read_back(&json).as_deref(), Some(&*text));
});
