//! Character classes as Python sees them: `str.isspace`, `isalpha`, `isupper`, `islower`,
//! `isdigit`, `isdecimal`, `isalnum`, `casefold`, and the `\w`, `\d`, `\s` of the `re` and
//! `regex` engines, from tables generated out of the interpreter itself
//! (`tools/gen_unicode_tables.py`), so that the core classifies every code point as the
//! reference does, whatever Unicode version Rust's own methods follow.

pub use crate::unicode_tables::{
    PY_ALNUM, PY_ALPHA, PY_DECIMAL, PY_DIGIT, PY_LOWER, PY_SPACE, PY_UPPER, RE_DIGIT, RE_SPACE,
    RE_WORD, RX_CJK, RX_DIGIT, RX_MARK_NONSPACING, RX_SPACE, RX_WORD,
};
use std::sync::OnceLock;

use crate::unicode_tables::{CASEFOLD, RUNS};

/// The flags of the ASCII characters, looked up without a search.
static ASCII: [u16; 128] = ascii_flags();

const fn ascii_flags() -> [u16; 128] {
    let mut out = [0u16; 128];
    let mut run = 0;
    let mut cp = 0;
    while cp < 128 {
        while run + 1 < RUNS.len() && RUNS[run + 1].0 <= cp as u32 {
            run += 1;
        }
        out[cp] = RUNS[run].1;
        cp += 1;
    }
    out
}

/// Every class bit of `c` (the constants above).
#[inline]
pub fn flags(c: char) -> u16 {
    let cp = c as u32;
    if cp < 128 {
        return ASCII[cp as usize];
    }
    if cp < 0x10000 {
        return bmp()[cp as usize];
    }
    search(cp)
}

fn search(cp: u32) -> u16 {
    // RUNS starts at code point 0, so the run holding `cp` is the last one starting at or before it.
    let at = RUNS.partition_point(|&(start, _)| start <= cp);
    RUNS[at - 1].1
}

/// The flags of the Basic Multilingual Plane, one entry per code point (128 KiB, built once).
fn bmp() -> &'static [u16] {
    static TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    TABLE.get_or_init(|| (0..0x10000).map(search).collect())
}

/// Whether `c` has all of the class bits `mask`.
#[inline]
pub fn is(c: char, mask: u16) -> bool {
    flags(c) & mask == mask
}

/// `str.isspace` of one character.
#[inline]
pub fn py_space(c: char) -> bool {
    is(c, PY_SPACE)
}

/// `str.strip()`: without the leading and trailing characters `str.isspace` accepts.
pub fn py_strip(text: &str) -> &str {
    text.trim_matches(py_space)
}

/// `str.split()`: the runs between characters `str.isspace` accepts.
pub fn py_split(text: &str) -> impl Iterator<Item = &str> {
    text.split(py_space).filter(|w| !w.is_empty())
}

/// Appends `str.casefold()` of `c` to `out`.
#[inline]
pub fn push_casefold(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match CASEFOLD.binary_search_by_key(&(c as u32), |&(cp, _)| cp) {
        Ok(at) => out.push_str(CASEFOLD[at].1),
        Err(_) => out.push(c),
    }
}

/// `str.casefold()`.
pub fn casefold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_casefold(c, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_spaces_include_the_information_separators() {
        for c in [
            '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', '\u{85}', '\u{a0}', '\u{2028}', ' ',
        ] {
            assert!(py_space(c), "{c:?}");
        }
        assert!(!is('\u{1c}', RX_SPACE));
        assert!(!py_space('\u{200b}'));
        assert_eq!(
            py_split("a\u{1f}b  c\u{a0}").collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(py_strip("\u{1e} x \u{3000}"), "x");
    }

    #[test]
    fn casefold_is_full_folding() {
        assert_eq!(casefold("Straße ΣΑΣ İ ﬁ"), "strasse σασ i\u{307} fi");
    }

    #[test]
    fn classes() {
        assert!(is('É', PY_ALPHA | PY_UPPER | RX_WORD | RE_WORD));
        assert!(is('٣', PY_DIGIT | PY_DECIMAL | RX_DIGIT | RE_DIGIT));
        assert!(is('²', PY_DIGIT) && !is('²', PY_DECIMAL) && !is('²', RX_DIGIT));
        assert!(is('_', RX_WORD) && !is('_', PY_ALNUM));
        assert!(is('漢', RX_CJK | PY_ALPHA));
    }
}
