//! langdetect's text preparation and n-gram extraction (`Detector.append`, `cleaning_text`,
//! `_extract_ngrams` and `NGram` in `langdetect/detector.py` and `langdetect/utils/ngram.py`),
//! on code points, with the character tables langdetect itself holds (passed in by the caller).

use crate::charset::CharSet;

/// `Detector.max_text_length`: characters kept of the text after URLs and addresses are blanked.
pub const MAX_TEXT_LENGTH: usize = 10_000;
/// The longest URL langdetect blanks after `http://` (`Detector.URL_RE`).
const URL_MAX: usize = 2076;

/// langdetect's per-character tables, as the installed package holds them.
pub struct CharTables {
    /// `NGram.normalize(ch)` for every code point below `normalized.len()` (identity above).
    normalized: Vec<char>,
    /// The characters `str.isupper()` accepts.
    uppercase: CharSet,
    /// `NGram.TO_NORMALIZE_VI_CHARS`, `NGram.DMARK_CLASS`, `NGram.NORMALIZED_VI_CHARS`.
    vi_letters: Vec<char>,
    vi_marks: Vec<char>,
    vi_table: Vec<Vec<char>>,
    /// The smallest and largest of `vi_marks` (a quick test before the list).
    vi_mark_range: (char, char),
}

impl CharTables {
    /// Tables from the characters `NGram.normalize` changes (pairs of code points), the
    /// uppercase characters, and `normalize_vi`'s letters, marks and table (one string per mark).
    /// Returns None when the Vietnamese table does not cover every letter and mark.
    #[must_use]
    pub fn new(
        changed: &[(char, char)],
        uppercase: &str,
        vi_letters: &str,
        vi_marks: &str,
        vi_table: &[String],
    ) -> Option<Self> {
        let size = changed
            .iter()
            .map(|&(from, _)| from as usize + 1)
            .max()
            .unwrap_or(0);
        let mut normalized: Vec<char> = (0..size)
            .map(|cp| char::from_u32(cp as u32).unwrap_or(' '))
            .collect();
        for &(from, to) in changed {
            normalized[from as usize] = to;
        }
        let vi_letters: Vec<char> = vi_letters.chars().collect();
        let vi_marks: Vec<char> = vi_marks.chars().collect();
        let vi_table: Vec<Vec<char>> = vi_table.iter().map(|row| row.chars().collect()).collect();
        if vi_table.len() < vi_marks.len()
            || vi_table.iter().any(|row| row.len() < vi_letters.len())
        {
            return None;
        }
        let vi_mark_range = (
            vi_marks.iter().copied().min().unwrap_or('\u{1}'),
            vi_marks.iter().copied().max().unwrap_or('\0'),
        );
        Some(Self {
            normalized,
            uppercase: CharSet::new(uppercase),
            vi_letters,
            vi_marks,
            vi_table,
            vi_mark_range,
        })
    }

    /// `NGram.normalize(ch)`.
    #[inline]
    #[must_use]
    pub fn normalize(&self, ch: char) -> char {
        self.normalized.get(ch as usize).copied().unwrap_or(ch)
    }

    /// `ch.isupper()`.
    #[inline]
    #[must_use]
    pub fn is_upper(&self, ch: char) -> bool {
        self.uppercase.contains(ch)
    }

    /// Is `ch` one of `normalize_vi`'s marks?
    #[inline]
    fn is_vi_mark(&self, ch: char) -> bool {
        let (first, last) = self.vi_mark_range;
        first <= ch && ch <= last && self.vi_marks.contains(&ch)
    }

    /// `NGram.normalize_vi`: a letter followed by a combining mark becomes one precomposed
    /// letter.
    fn normalize_vi(&self, text: Vec<char>) -> Vec<char> {
        if !text.iter().skip(1).any(|&ch| self.is_vi_mark(ch)) {
            return text; // no mark: nothing to compose
        }
        let mut out = Vec::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            if let Some(next) = text.get(i + 1) {
                let mark = self.vi_marks.iter().position(|c| c == next);
                let letter = || self.vi_letters.iter().position(|&c| c == text[i]);
                if let (Some(mark), Some(letter)) = (mark, mark.and_then(|_| letter())) {
                    out.push(self.vi_table[mark][letter]);
                    i += 2;
                    continue;
                }
            }
            out.push(text[i]);
            i += 1;
        }
        out
    }
}

/// `[-_.?&~;+=/#0-9A-Za-z]`, the characters of a URL after `http://`.
fn is_url_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || "-_.?&~;+=/#".contains(ch)
}

/// `[-_0-9A-Za-z]`.
fn is_host_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'
}

/// `[-_.0-9A-Za-z]`.
fn is_mail_char(ch: char) -> bool {
    is_host_char(ch) || ch == '.'
}

/// Run lengths: `runs[i]` is how many characters from `i` on satisfy `class` (one slot past the
/// end, holding 0).
fn runs(text: &[char], class: fn(char) -> bool) -> Vec<usize> {
    let mut out = vec![0; text.len() + 1];
    for i in (0..text.len()).rev() {
        if class(text[i]) {
            out[i] = out[i + 1] + 1;
        }
    }
    out
}

/// `re.sub(pattern, " ", text)` where `match_at(i)` is the end of the leftmost match starting at
/// `i`, if any (matches are never empty).
fn blank(text: &[char], match_at: impl Fn(usize) -> Option<usize>) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some(end) = match_at(i) {
            out.push(' ');
            i = end;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

/// `Detector.URL_RE.sub(" ", text)`: `https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}`.
fn blank_urls(text: &[char]) -> Vec<char> {
    let url = runs(text, is_url_char);
    blank(text, |i| {
        let rest = &text[i..];
        let scheme = if rest.starts_with(&['h', 't', 't', 'p', 's', ':', '/', '/']) {
            8
        } else if rest.starts_with(&['h', 't', 't', 'p', ':', '/', '/']) {
            7
        } else {
            return None;
        };
        let run = url[i + scheme].min(URL_MAX);
        (run > 0).then_some(i + scheme + run)
    })
}

/// `Detector.MAIL_RE.sub(" ", text)`:
/// `[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}`, with `re`'s backtracking:
/// the local part runs up to the `@`, the host takes as much as it can while leaving the last
/// part one character at least.
fn blank_addresses(text: &[char]) -> Vec<char> {
    let mail = runs(text, is_mail_char);
    let host = runs(text, is_host_char);
    blank(text, |i| {
        let local = mail[i];
        if local == 0 || local > 64 || text.get(i + local) != Some(&'@') {
            return None;
        }
        let start = i + local + 1;
        let first = host[start].min(255);
        (1..=first).rev().find_map(|taken| {
            let last = mail[start + taken].min(255);
            (last > 0).then_some(start + taken + last)
        })
    })
}

/// The text langdetect judges: `Detector.append` (URLs and addresses blanked, Vietnamese
/// normalized, cut at [`MAX_TEXT_LENGTH`], runs of spaces squeezed) then `cleaning_text`
/// (ASCII-range letters dropped from text mostly in other scripts).
#[must_use]
pub fn prepare(tables: &CharTables, text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().collect();
    // A URL starts with "http://" or "https://", an address has an '@': without them the
    // blanking changes nothing.
    if text.contains("://") {
        chars = blank_urls(&chars);
    }
    if text.contains('@') {
        chars = blank_addresses(&chars);
    }
    let chars = tables.normalize_vi(chars);
    let mut kept = Vec::with_capacity(chars.len().min(MAX_TEXT_LENGTH));
    // langdetect's 'A' <= ch <= 'z' (brackets and the like included) against U+0300 and above.
    let is_latin = |ch: char| ('A'..='z').contains(&ch);
    let (mut latin, mut non_latin) = (0usize, 0usize);
    let mut previous = '\0';
    for &ch in chars.iter().take(MAX_TEXT_LENGTH) {
        if ch != ' ' || previous != ' ' {
            kept.push(ch);
            latin += usize::from(is_latin(ch));
            non_latin += usize::from(ch >= '\u{300}');
        }
        previous = ch;
    }
    if latin * 2 < non_latin {
        kept.retain(|&ch| !is_latin(ch));
    }
    kept
}

/// One n-gram of one to three characters as a number: each character plus one in 21 bits.
#[inline]
#[must_use]
pub fn key(gram: &[char]) -> u64 {
    gram.iter()
        .fold(0, |acc, &ch| (acc << 21) | (u64::from(ch) + 1))
}

/// `Detector._extract_ngrams`: the keys of the n-grams of the prepared text, in langdetect's
/// order, passed to `found` which keeps those of the profiles.
pub fn extract(tables: &CharTables, text: &[char], mut found: impl FnMut(u64)) {
    let mut grams: [char; 3] = [' '; 3];
    let mut len = 1;
    let mut capital = false;
    for &raw in text {
        // NGram.add_char
        let ch = tables.normalize(raw);
        let last = grams[len - 1];
        if last == ' ' {
            grams[0] = ' ';
            len = 1;
            capital = false;
            if ch == ' ' {
                continue;
            }
        } else if len >= 3 {
            grams.copy_within(1..3, 0);
            len = 2;
        }
        grams[len] = ch;
        len += 1;
        if tables.is_upper(ch) {
            if tables.is_upper(last) {
                capital = true;
            }
        } else {
            capital = false;
        }
        if capital {
            continue;
        }
        for n in 1..=len {
            let gram = &grams[len - n..len];
            if n == 1 && gram[0] == ' ' {
                continue;
            }
            found(key(gram));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// ASCII tables: letters kept, everything else a space, A-Z uppercase, one Vietnamese pair.
    pub(crate) fn tables() -> CharTables {
        let changed: Vec<(char, char)> = (0u8..128)
            .map(char::from)
            .filter(|ch| !ch.is_ascii_alphabetic())
            .map(|ch| (ch, ' '))
            .collect();
        let upper: String = ('A'..='Z').collect();
        CharTables::new(&changed, &upper, "a", "\u{301}", &["\u{e1}".to_owned()])
            .unwrap_or_else(|| unreachable!())
    }

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn urls_and_addresses_are_blanked() {
        assert_eq!(
            blank_urls(&chars("see https://x.org/a?b=1 now")),
            chars("see   now")
        );
        assert_eq!(blank_urls(&chars("http:// x")), chars("http:// x"));
        assert_eq!(
            blank_addresses(&chars("mail a.b@c-d.org!")),
            chars("mail  !")
        );
        // The host must leave one character to the last part.
        assert_eq!(blank_addresses(&chars("a@bc")), chars(" "));
        assert_eq!(blank_addresses(&chars("a@b")), chars("a@b"));
        assert_eq!(blank_addresses(&chars("@b.c")), chars("@b.c"));
    }

    #[test]
    fn spaces_are_squeezed_and_vietnamese_composed() {
        let t = tables();
        assert_eq!(prepare(&t, "a\u{301}  b   c"), chars("\u{e1} b c"));
    }

    #[test]
    fn capital_runs_give_no_ngrams() {
        let t = tables();
        let mut keys = Vec::new();
        extract(&t, &chars("NASA ab"), |k| keys.push(k));
        // "A" after "N" starts a run of capitals: nothing until the space ends the word.
        let expected: Vec<u64> = ["N", " N", "A ", "SA ", "a", " a", "b", "ab", " ab"]
            .iter()
            .map(|g| key(&chars(g)))
            .collect();
        assert_eq!(keys, expected);
    }
}
