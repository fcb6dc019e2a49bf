//! The layout model's line measurements (`corpusclean.filters.layout`: `line_shape`,
//! `_measure`, `LineShape`, and the per-line columns `LineColumns` builds from them).
//!
//! Each measurement is one function over a [`Line`] (the stripped text, its characters and its
//! casefolded form, read once), named after the `LineShape` field it fills; the regular
//! expressions of the reference are written out as scans with the same leftmost, greedy,
//! non-overlapping answers, over the character classes of `regex` (`\w`, `\d`, `\s`) and of
//! `str` (`isalpha`, `isupper`, ...) from [`crate::unicode`]. Shares are divisions of integer
//! counts as doubles, as Python's `int / int` is for counts below 2**53: equal to the bit.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use memchr::memmem;

use crate::unicode::{
    self, PY_ALPHA, PY_DIGIT, PY_LOWER, PY_SPACE, PY_UPPER, RX_DIGIT, RX_SPACE, RX_WORD,
};

/// What one line looks like on its own: `LineShape` of the reference, field for field.
#[derive(Debug, Clone, PartialEq)]
pub struct LineShape {
    pub chars: usize,
    pub tokens: usize,
    pub words: usize,
    pub end_terminal: bool,
    pub end_colon: bool,
    pub end_comma: bool,
    pub starts_lower: bool,
    pub digit_share: f64,
    pub upper_share: f64,
    pub punct_share: f64,
    pub titlecase_share: f64,
    pub function_share: f64,
    pub comma_rate: f64,
    pub link_like: bool,
    pub separators: usize,
    pub date_like: bool,
    pub time_like: bool,
    pub segmented_share: f64,
    pub mean_word_len: f64,
    pub bullet: bool,
    pub sentences: usize,
    pub copyright: bool,
    pub key: String,
}

/// The number of numeric fields of [`LineShape`] (all but `key`), the width of [`LineShape::numbers`].
pub const NUMERIC_FIELDS: usize = 22;

impl LineShape {
    /// The numeric fields in the reference's order, booleans as 0.0 and 1.0.
    pub fn numbers(&self) -> [f64; NUMERIC_FIELDS] {
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        #[allow(clippy::cast_precision_loss)]
        let n = |x: usize| x as f64;
        [
            n(self.chars),
            n(self.tokens),
            n(self.words),
            b(self.end_terminal),
            b(self.end_colon),
            b(self.end_comma),
            b(self.starts_lower),
            self.digit_share,
            self.upper_share,
            self.punct_share,
            self.titlecase_share,
            self.function_share,
            self.comma_rate,
            b(self.link_like),
            n(self.separators),
            b(self.date_like),
            b(self.time_like),
            self.segmented_share,
            self.mean_word_len,
            b(self.bullet),
            n(self.sentences),
            b(self.copyright),
        ]
    }

    /// `LineShape.is_prose`: long, or a finished sentence of some length.
    pub fn is_prose(&self) -> bool {
        self.tokens >= 25 || (self.tokens >= 10 && self.end_terminal)
    }
}

/// Every line's measurements of one document, and what the columns need across lines.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentShapes {
    pub shapes: Vec<LineShape>,
    /// Each line's key as a small integer, numbered in order of first appearance.
    pub key_ids: Vec<i64>,
}

/// Measure every line of a document (`[line_shape(t) for t in texts]` and the key numbering of
/// `LineColumns`).
pub fn measure_lines<S: AsRef<str>>(lines: &[S]) -> DocumentShapes {
    let shapes = shapes_of(lines);
    let mut ids: HashMap<&str, i64, Fast> =
        HashMap::with_capacity_and_hasher(shapes.len(), Fast::default());
    let key_ids = shapes
        .iter()
        .map(|s| {
            let next = i64::try_from(ids.len()).unwrap_or(i64::MAX);
            *ids.entry(s.key.as_str()).or_insert(next)
        })
        .collect();
    DocumentShapes { shapes, key_ids }
}

/// `[line_shape(t) for t in lines]`.
fn shapes_of<S: AsRef<str>>(lines: &[S]) -> Vec<LineShape> {
    let mut measurer = Measurer::default();
    lines
        .iter()
        .map(|t| measurer.line_shape(t.as_ref()))
        .collect()
}

/// Each line's share of its tokens found among the tokens of line `first` (the title):
/// `LineColumns._title_overlap`.
pub fn title_overlap(shapes: &[LineShape], first: usize) -> Vec<f64> {
    KeyTokens::new(shapes).title_overlap(first)
}

/// Every line's key tokens (`key.split()`) as numbers, the same token the same number, so
/// that the title overlap of any first line is counted without hashing.
struct KeyTokens {
    ids: Vec<u32>,
    /// Line `i`'s tokens are `ids[ends[i - 1]..ends[i]]` (from 0 for the first line).
    ends: Vec<usize>,
    distinct: usize,
}

impl KeyTokens {
    fn new(shapes: &[LineShape]) -> Self {
        let keys: usize = shapes.iter().map(|s| s.tokens).sum();
        let mut numbers: HashMap<&str, u32, Fast> =
            HashMap::with_capacity_and_hasher(keys, Fast::default());
        let mut ids = Vec::with_capacity(keys);
        let mut ends = Vec::with_capacity(shapes.len());
        for s in shapes {
            for tok in unicode::py_split(&s.key) {
                let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
                ids.push(*numbers.entry(tok).or_insert(next));
            }
            ends.push(ids.len());
        }
        KeyTokens {
            ids,
            ends,
            distinct: numbers.len(),
        }
    }

    /// Each line's key as a small integer, numbered in order of first appearance (the
    /// numbering of [`measure_lines`]): two keys are equal when their tokens are, as no token
    /// holds a space (`key_tokens_hold_no_space`).
    fn key_ids(&self) -> Vec<usize> {
        let n = self.ends.len();
        let mut ids: HashMap<&[u32], usize, Fast> =
            HashMap::with_capacity_and_hasher(n, Fast::default());
        (0..n)
            .map(|i| {
                let next = ids.len();
                *ids.entry(self.line(i)).or_insert(next)
            })
            .collect()
    }

    fn line(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.ids[start..self.ends[i]]
    }

    /// [`title_overlap`] of every line.
    fn title_overlap(&self, first: usize) -> Vec<f64> {
        let n = self.ends.len();
        if first >= n {
            return vec![0.0; n];
        }
        let mut in_title = vec![false; self.distinct];
        for &t in self.line(first) {
            in_title[t as usize] = true;
        }
        (0..n)
            .map(|i| {
                let toks = self.line(i);
                let found = toks.iter().filter(|&&t| in_title[t as usize]).count();
                ratio(found, toks.len())
            })
            .collect()
    }
}

/// Hashing of short strings, a word at a time (the sets and maps of one document's words).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type Fast = BuildHasherDefault<WordHasher>;

/// `a / b` of two counts as Python computes it, 0.0 when `b` is 0.
#[allow(clippy::cast_precision_loss)]
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

// -- the characters of the reference's tables ---------------------------------------------------

/// `_SEG`: scripts written without spaces between words.
fn is_seg(c: char) -> bool {
    // Most text is below Thai: one comparison.
    c >= '\u{0e00}'
        && matches!(c,
        '\u{0e00}'..='\u{0e7f}' | '\u{0e80}'..='\u{0eff}' | '\u{1000}'..='\u{109f}'
        | '\u{1780}'..='\u{17ff}' | '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ac00}'..='\u{d7af}')
}

/// The function words: those of up to seven bytes as numbers ([`packed`]), the others as
/// strings, and the length in bytes of the longest.
struct FunctionWords {
    short: HashSet<u64, Fast>,
    long: HashSet<&'static str, Fast>,
    longest: usize,
}

/// A word of up to seven bytes as one number: its bytes and its length (so that no two words
/// share one).
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    let mut out = [0u8; 8];
    out.get_mut(..bytes.len())?.copy_from_slice(bytes);
    out[7] = u8::try_from(bytes.len()).ok().filter(|&n| n < 8)?;
    Some(u64::from_le_bytes(out))
}

fn function_words() -> &'static FunctionWords {
    static WORDS: OnceLock<FunctionWords> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = FunctionWords {
            short: HashSet::default(),
            long: HashSet::default(),
            longest: 0,
        };
        let all = FUNCTION_WORDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .flat_map(str::split_whitespace);
        for word in all {
            words.longest = words.longest.max(word.len());
            match packed(word) {
                Some(n) => words.short.insert(n),
                None => words.long.insert(word),
            };
        }
        words
    })
}

/// Whether a casefolded word is a function word.
fn is_function_word(folded: &str) -> bool {
    let words = function_words();
    folded.len() <= words.longest
        && match packed(folded) {
            Some(n) => words.short.contains(&n),
            None => words.long.contains(folded),
        }
}

/// [`is_function_word`] of an ASCII word, lowered (into `buffer` when longer than seven bytes).
fn ascii_function_word(word: &[u8], buffer: &mut String) -> bool {
    let words = function_words();
    if word.len() < 8 {
        let mut out = [0u8; 8];
        for (o, b) in out.iter_mut().zip(word) {
            *o = b.to_ascii_lowercase();
        }
        out[7] = u8::try_from(word.len()).unwrap_or(0);
        return words.short.contains(&u64::from_le_bytes(out));
    }
    buffer.clear();
    buffer.extend(word.iter().map(|&b| char::from(b.to_ascii_lowercase())));
    word.len() <= words.longest && words.long.contains(buffer.as_str())
}

/// `FUNCTION_WORDS` of the reference: the same file.
const FUNCTION_WORDS: &str =
    include_str!("../../../src/corpusclean/filters/models/function_words.txt");

// -- one line -------------------------------------------------------------------------------------

fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '。' | '！' | '？' | '।' | '॥' | '۔' | '؟' | '።' | '՝'
    )
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '}' | '」' | '』' | '）'
    )
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | ';' | '，' | '、' | '；' | '،')
}

/// A text's characters with their class bits, looked up once.
#[derive(Default)]
struct Text {
    c: Vec<char>,
    f: Vec<u16>,
}

impl Text {
    #[cfg(test)]
    fn new(text: &str) -> Self {
        let mut t = Text::default();
        t.fill(text);
        t
    }

    /// Hold `text` (the buffers reused).
    fn fill(&mut self, text: &str) {
        self.c.clear();
        self.c.extend(text.chars());
        self.f.clear();
        self.f.extend(self.c.iter().map(|&ch| unicode::flags(ch)));
    }

    fn len(&self) -> usize {
        self.c.len()
    }

    fn get(&self, i: usize) -> Option<char> {
        self.c.get(i).copied()
    }

    /// Whether the character at `i` exists and has the class bits `mask`.
    fn has(&self, i: usize, mask: u16) -> bool {
        self.f.get(i).is_some_and(|&f| f & mask == mask)
    }

    fn word(&self, i: usize) -> bool {
        self.has(i, RX_WORD)
    }

    fn digit(&self, i: usize) -> bool {
        self.has(i, RX_DIGIT)
    }

    fn space(&self, i: usize) -> bool {
        self.has(i, RX_SPACE)
    }

    /// `\b` of `regex` at position `i`.
    fn boundary(&self, i: usize) -> bool {
        (i > 0 && self.word(i - 1)) != self.word(i)
    }

    /// The length of the run of positions from `i` on that satisfy `class`.
    fn run(&self, i: usize, class: impl Fn(usize) -> bool) -> usize {
        (i..self.len()).take_while(|&k| class(k)).count()
    }

    /// Whether `s` starts at position `i`.
    fn starts(&self, i: usize, s: &str) -> bool {
        let mut k = i;
        s.chars().all(|ch| {
            k += 1;
            self.get(k - 1) == Some(ch)
        })
    }
}

/// `[SEG]` and `[^\W_SEG]` of the token and word patterns.
fn seg(t: &Text, i: usize) -> bool {
    t.get(i).is_some_and(is_seg)
}

fn plain_word(t: &Text, i: usize) -> bool {
    t.word(i) && t.c[i] != '_' && !is_seg(t.c[i])
}

/// `TOKEN_RE.findall(folded)`, joined by spaces into `key` (`[SEG]|[^\W_SEG]+`); returns
/// the number of tokens and how many of them are `SEG` characters.
fn tokens(folded: &Text, key: &mut String) -> (usize, usize) {
    key.clear();
    let (mut count, mut segmented) = (0, 0);
    let mut i = 0;
    while i < folded.len() {
        let end = if seg(folded, i) {
            segmented += 1;
            i + 1
        } else if plain_word(folded, i) {
            i + folded.run(i, |k| plain_word(folded, k))
        } else {
            i += 1;
            continue;
        };
        if count > 0 {
            key.push(' ');
        }
        key.extend(&folded.c[i..end]);
        count += 1;
        i = end;
    }
    (count, segmented)
}

/// `_WORD_RE.findall(text)`: `[^\W\d_SEG][^\W_SEG]*`, as ranges, into `out`.
fn words(t: &Text, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut i = 0;
    while i < t.len() {
        if plain_word(t, i) && !t.digit(i) {
            let end = i + 1 + t.run(i + 1, |k| plain_word(t, k));
            out.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
}

/// `_URL_RE.search(text) is not None` of `text`, whose characters `t` holds: each of the
/// three patterns is looked for only when `text` holds the ASCII it cannot match without
/// (`://` or `www.`; `@`; a dot before `com`, `org`, `net`, `de` or `uk`).
fn link_like(text: &str, t: &Text) -> bool {
    let bytes = text.as_bytes();
    let web = || memmem::find(bytes, b"://").is_some() || memmem::find(bytes, b"www.").is_some();
    let mail = || memchr::memchr(b'@', bytes).is_some();
    let domain = || {
        memchr::memchr_iter(b'.', bytes).any(|i| {
            let rest = &bytes[i + 1..];
            [&b"com"[..], b"org", b"net", b"de", b"uk"]
                .iter()
                .any(|d| rest.starts_with(d))
        })
    };
    web() && web_address(t) || mail() && mail_address(t) || domain() && domain_name(t)
}

/// `(?:https?://|www\.)\S` matches somewhere in `t`.
fn web_address(t: &Text) -> bool {
    let n = t.len();
    let not_space = |i: usize| i < n && !t.space(i);
    for i in 0..n {
        if matches!(t.c[i], 'h' | 'w')
            && ((t.starts(i, "http://") && not_space(i + 7))
                || (t.starts(i, "https://") && not_space(i + 8))
                || (t.starts(i, "www.") && not_space(i + 4)))
        {
            return true;
        }
    }
    false
}

/// `(?<![\w.+-])[\w.+-]++@[\w-]++\.[\w.]` matches somewhere in `t`: possessive runs, so each
/// starts where its run starts.
fn mail_address(t: &Text) -> bool {
    let n = t.len();
    let local = |i: usize| t.word(i) || matches!(t.get(i), Some('.' | '+' | '-'));
    let domain = |i: usize| t.word(i) || t.get(i) == Some('-');
    for i in 0..n {
        if local(i) && (i == 0 || !local(i - 1)) {
            let at = i + t.run(i, local);
            if t.get(at) == Some('@') {
                let dot = at + 1 + t.run(at + 1, domain);
                if dot > at + 1
                    && t.get(dot) == Some('.')
                    && (t.word(dot + 1) || t.get(dot + 1) == Some('.'))
                {
                    return true;
                }
            }
        }
    }
    false
}

/// `(?<![\w-])[\w-]++\.(?:com|org|net|de|uk)\b` matches somewhere in `t`.
fn domain_name(t: &Text) -> bool {
    let domain = |i: usize| t.word(i) || t.get(i) == Some('-');
    for i in 0..t.len() {
        if domain(i) && (i == 0 || !domain(i - 1)) {
            let dot = i + t.run(i, domain);
            if t.get(dot) == Some('.') {
                for tld in ["com", "org", "net", "de", "uk"] {
                    if t.starts(dot + 1, tld) && t.boundary(dot + 1 + tld.len()) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// `len(_SEPARATOR_RE.findall(text))`: `\s[|/·•»›>→]\s|[|»›→]|\s-\s`.
fn separators(t: &Text) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < t.len() {
        let mid = t.get(i + 1);
        if t.space(i)
            && matches!(mid, Some('|' | '/' | '·' | '•' | '»' | '›' | '>' | '→'))
            && t.space(i + 2)
        {
            count += 1;
            i += 3;
        } else if matches!(t.c[i], '|' | '»' | '›' | '→') {
            count += 1;
            i += 1;
        } else if t.space(i) && mid == Some('-') && t.space(i + 2) {
            count += 1;
            i += 3;
        } else {
            i += 1;
        }
    }
    count
}

/// `_DATE_RE.search(text) is not None`:
/// `\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b(?:1[89]|20)\d\d\b|\d{4}年|\d{1,2}月\d{1,2}日`.
fn date_like(t: &Text) -> bool {
    let sep = |i: usize| matches!(t.get(i), Some('.' | '/' | '-'));
    let digits = |i: usize| t.run(i, |k| t.digit(k));
    for i in 0..t.len() {
        if t.digit(i) && t.boundary(i) {
            // \d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b: each run of digits whole (a longer one cannot
            // be cut where a separator or a boundary follows).
            let a = digits(i);
            if a <= 4 && sep(i + a) {
                let j = i + a + 1;
                let b = digits(j);
                if (1..=2).contains(&b) && sep(j + b) {
                    let k = j + b + 1;
                    let c = digits(k);
                    if (1..=4).contains(&c) && t.boundary(k + c) {
                        return true;
                    }
                }
            }
            // (?:1[89]|20)\d\d\b
            let century = matches!(
                (t.c[i], t.get(i + 1)),
                ('1', Some('8' | '9')) | ('2', Some('0'))
            );
            if century && t.digit(i + 2) && t.digit(i + 3) && t.boundary(i + 4) {
                return true;
            }
        }
        match t.c[i] {
            // \d{4}年
            '年' if i >= 4 && (i - 4..i).all(|k| t.digit(k)) => return true,
            // \d{1,2}月\d{1,2}日
            '月' if i >= 1 && t.digit(i - 1) => {
                let b = digits(i + 1);
                if (1..=2).contains(&b) && t.get(i + 1 + b) == Some('日') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// `_TIME_RE.search(text) is not None`: `\b\d{1,2}:\d\d\b`.
fn time_like(t: &Text) -> bool {
    (0..t.len()).any(|i| {
        if !(t.digit(i) && t.boundary(i)) {
            return false;
        }
        let a = t.run(i, |k| t.digit(k));
        a <= 2
            && t.get(i + a) == Some(':')
            && t.digit(i + a + 1)
            && t.digit(i + a + 2)
            && t.boundary(i + a + 3)
    })
}

/// `_BULLET_RE.match(text) is not None`:
/// `^(?:[-*•·▪►◦–—]\s|\d{1,3}[.)]\s|\(\d{1,3}\)\s)`.
fn bullet(t: &Text) -> bool {
    let Some(first) = t.get(0) else { return false };
    if matches!(first, '-' | '*' | '•' | '·' | '▪' | '►' | '◦' | '–' | '—') && t.space(1)
    {
        return true;
    }
    let a = t.run(0, |k| t.digit(k));
    if (1..=3).contains(&a) && matches!(t.get(a), Some('.' | ')')) && t.space(a + 1) {
        return true;
    }
    let b = t.run(1, |k| t.digit(k));
    first == '(' && (1..=3).contains(&b) && t.get(1 + b) == Some(')') && t.space(b + 2)
}

/// `len(_SENTENCE_END_RE.findall(text))`: a sentence end followed by a space or the end.
fn sentences(t: &Text) -> usize {
    (0..t.len())
        .filter(|&i| is_terminal(t.c[i]) && matches!(t.get(i + 1), None | Some(' ')))
        .count()
}

/// [`sentences`] of ASCII text, by its bytes (its characters): `.`, `!` or `?` followed by a
/// space or the end.
fn ascii_sentences(bytes: &[u8]) -> usize {
    let ends = |i: usize| matches!(bytes[i], b'.' | b'!' | b'?');
    let next = |i: usize| bytes.get(i + 1).map_or(true, |&b| b == b' ');
    (0..bytes.len()).filter(|&i| ends(i) && next(i)).count()
}

/// The counts of `_CharClasses`: upper and other letters, digits, commas and other characters
/// (spaces are counted by none).
#[derive(Default)]
struct ClassCounts {
    upper: usize,
    lower: usize,
    digits: usize,
    commas: usize,
    other: usize,
}

fn class_counts(t: &Text) -> ClassCounts {
    let mut n = ClassCounts::default();
    // Each class a flag of its own, counted without a branch (letters, digits, spaces and
    // punctuation alternate too often for branches to be guessed).
    for (&c, &f) in t.c.iter().zip(&t.f) {
        let alpha = f & PY_ALPHA != 0;
        let digit = !alpha && f & PY_DIGIT != 0;
        let rest = !alpha && !digit && f & PY_SPACE == 0;
        let comma = rest && is_comma(c);
        n.upper += usize::from(alpha && f & PY_UPPER != 0);
        n.lower += usize::from(alpha && f & PY_UPPER == 0);
        n.digits += usize::from(digit);
        n.commas += usize::from(comma);
        n.other += usize::from(rest && !comma);
    }
    n
}

/// Measure one line: `line_shape(text)` of the reference.
pub fn line_shape(text: &str) -> LineShape {
    Measurer::default().line_shape(text)
}

/// The buffers of [`line_shape`], kept from one line to the next.
#[derive(Default)]
struct Measurer {
    t: Text,
    folded: Text,
    folded_str: String,
    words: Vec<(usize, usize)>,
    folded_word: String,
}

impl Measurer {
    fn line_shape(&mut self, text: &str) -> LineShape {
        let stripped = unicode::py_strip(text);
        self.t.fill(stripped);
        self.folded_str.clear();
        let mut key = String::with_capacity(stripped.len());
        // ASCII folds to its lower case, one character each, of the same classes: the
        // tokens are the text's own, lowered.
        let ascii = stripped.is_ascii();
        let (n_tok, segmented) = if ascii {
            let n = tokens(&self.t, &mut key);
            key.make_ascii_lowercase();
            n
        } else {
            for c in stripped.chars() {
                unicode::push_casefold(c, &mut self.folded_str);
            }
            self.folded.fill(&self.folded_str);
            tokens(&self.folded, &mut key)
        };
        let (t, words) = (&self.t, &mut self.words);
        self::words(t, words);
        let counts = class_counts(t);
        let chars = t.len();
        let letters = counts.upper + counts.lower;

        let first_letter = (0..chars).find(|&i| t.has(i, PY_ALPHA) || t.has(i, PY_DIGIT));
        let mut end = chars;
        while end > 0 && is_closer(t.c[end - 1]) {
            end -= 1;
        }
        // The last character before the closers; `last in ":："` is true of the empty string.
        let last = if end > 0 { Some(t.c[end - 1]) } else { None };

        let (mut title, mut cased) = (0, 0);
        let mut func = 0;
        let mut word_chars = 0;
        let longest = function_words().longest;
        for &(a, b) in words.iter() {
            if t.has(a, PY_UPPER) {
                title += 1;
                cased += 1;
            } else if t.has(a, PY_LOWER) {
                cased += 1;
            }
            // Casefolding makes no fewer characters, each of a byte or more: a word of more
            // characters than the longest function word has bytes is none.
            if b - a <= longest {
                func += usize::from(if ascii {
                    // ASCII folds to its lower case, a byte each, as characters are bytes.
                    ascii_function_word(&stripped.as_bytes()[a..b], &mut self.folded_word)
                } else {
                    self.folded_word.clear();
                    for &c in &t.c[a..b] {
                        unicode::push_casefold(c, &mut self.folded_word);
                    }
                    is_function_word(&self.folded_word)
                });
            }
            word_chars += b - a;
        }
        let first = t.get(0);
        // The links and times the patterns look for need a dot or a colon.
        let bytes = stripped.as_bytes();
        let colon = bytes.contains(&b':');
        LineShape {
            chars,
            tokens: n_tok,
            words: words.len(),
            end_terminal: last.is_some_and(is_terminal),
            end_colon: last.map_or(true, |c| matches!(c, ':' | '：')),
            end_comma: last.map_or(true, |c| is_comma(c) || matches!(c, '-' | '–' | '—')),
            starts_lower: first.is_some_and(|c| {
                first_letter.is_some_and(|i| t.has(i, PY_LOWER))
                    || is_comma(c)
                    || matches!(c, '.' | ')' | ']')
            }),
            digit_share: ratio(counts.digits, chars),
            upper_share: ratio(counts.upper, letters),
            punct_share: ratio(counts.other + counts.commas, chars),
            titlecase_share: ratio(title, cased),
            function_share: ratio(func, words.len()),
            comma_rate: ratio(counts.commas, n_tok),
            link_like: link_like(stripped, t),
            // Every separator holds one of these characters; ASCII text can only hold the
            // first four.
            separators: if ascii && !bytes.iter().any(|b| matches!(b, b'|' | b'/' | b'>' | b'-')) {
                0
            } else {
                separators(t)
            },
            date_like: counts.digits > 0 && date_like(t),
            time_like: counts.digits > 0 && colon && time_like(t),
            segmented_share: ratio(segmented, n_tok),
            mean_word_len: ratio(word_chars, words.len()),
            bullet: bullet(t),
            sentences: if ascii {
                ascii_sentences(bytes)
            } else {
                sentences(t)
            },
            copyright: if ascii {
                stripped.contains("(c)") || stripped.contains("(C)")
            } else {
                stripped.contains('©') || self.folded_str.contains("(c)")
            },
            key,
        }
    }
}

// -- the model's trees ------------------------------------------------------------------------

/// Gradient-boosted trees of one depth in heap order, flattened as `TreeArrays` has them:
/// internal node `k` of tree `t` at `t * (2**depth - 1) + k`, leaf `j` at `t * 2**depth + j`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trees {
    pub feats: Vec<usize>,
    pub thresholds: Vec<f64>,
    pub leaves: Vec<f64>,
    pub depth: u32,
    pub bias: f64,
}

/// Why a [`Trees`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreesError {
    /// The arrays' lengths do not fit one another and the depth.
    Shape,
}

impl Trees {
    pub fn new(
        feats: Vec<usize>,
        thresholds: Vec<f64>,
        leaves: Vec<f64>,
        depth: u32,
        bias: f64,
    ) -> Result<Self, TreesError> {
        let internal = (1usize << depth.min(30)) - 1;
        let count = feats.len().checked_div(internal).unwrap_or(0);
        if depth == 0
            || depth > 30
            || feats.len() != count * internal
            || thresholds.len() != feats.len()
            || leaves.len() != count * (internal + 1)
        {
            return Err(TreesError::Shape);
        }
        Ok(Trees {
            feats,
            thresholds,
            leaves,
            depth,
            bias,
        })
    }

    /// `TreeArrays.margins`: each row's bias plus its leaf of every tree, summed left to right;
    /// `x` holds `width` features per row. A feature index beyond the row reads 0.0.
    pub fn margins(&self, x: &[f64], width: usize) -> Vec<f64> {
        let internal = (1usize << self.depth) - 1;
        let count = self.feats.len() / internal;
        x.chunks_exact(width.max(1))
            .map(|row| {
                let mut total = self.bias;
                for t in 0..count {
                    let mut k = 0;
                    for _ in 0..self.depth {
                        let at = t * internal + k;
                        let value = row.get(self.feats[at]).copied().unwrap_or(0.0);
                        // Left when "<=", else right (NaN goes right), as Trees.margin has it.
                        k = 2 * k + 2 - usize::from(value <= self.thresholds[at]);
                    }
                    total += self.leaves[t * (internal + 1) + k - internal];
                }
                total
            })
            .collect()
    }
}

// -- the whole filter: features, rounds, removals --------------------------------------------

/// The columns of a row of features: the pass-one names (`FEATURES`), then the pass-two ones
/// (`CONTEXT_FEATURES`), in the reference's order.
pub const FEATURE_NAMES: [&str; 59] = [
    "log_chars",
    "log_tokens",
    "end_terminal",
    "end_colon",
    "end_comma",
    "starts_lower",
    "digit_share",
    "upper_share",
    "punct_share",
    "titlecase_share",
    "function_share",
    "comma_rate",
    "link_like",
    "separators",
    "date_like",
    "time_like",
    "segmented_share",
    "mean_word_len",
    "bullet",
    "sentences",
    "copyright",
    "rel_pos",
    "log_from_start",
    "log_to_end",
    "chars_before",
    "prose_before",
    "prose_after",
    "before_first_prose",
    "after_last_prose",
    "log_repeats",
    "title_overlap",
    "prev_log_chars",
    "next_log_chars",
    "prev2_log_chars",
    "next2_log_chars",
    "prev_prose",
    "next_prose",
    "prose_window3",
    "prose_window10",
    "log_up_to_prose",
    "log_down_to_prose",
    "log_short_run",
    "log_doc_lines",
    "doc_prose_share",
    "prev_open",
    "next_continues",
    "is_prose",
    "p1",
    "p1_prev",
    "p1_next",
    "p1_prev2",
    "p1_next2",
    "p1_mean2",
    "p1_mean5",
    "p1_mean15",
    "p1_max5",
    "p1_min5",
    "p1_before",
    "p1_after",
];

/// The columns a line's shape fills (`_SHAPE_FEATURES`: `log_chars` to `copyright`).
const SHAPE_COLUMNS: usize = 21;
/// The column read by a feature the model names but the filter does not compute: always 0.0
/// (`TreeArrays.margins` leaves such a column at zero).
const ZERO: usize = FEATURE_NAMES.len();
/// Columns of a row, the zero column included.
const WIDTH: usize = ZERO + 1;

/// The column of a feature, found when the crate is compiled (`col!`).
const fn column(name: &str) -> usize {
    let mut i = 0;
    while i < FEATURE_NAMES.len() {
        let (a, b) = (FEATURE_NAMES[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return i;
            }
        }
        i += 1;
    }
    ZERO
}

/// The column of a feature by name, a constant (a name not in [`FEATURE_NAMES`] fails to
/// compile).
macro_rules! col {
    ($name:literal) => {
        const {
            let c = column($name);
            assert!(c < ZERO, "not a feature name");
            c
        }
    };
}

/// `math.log1p` of a count, as `_log_ints` has it.
fn log_count(k: usize) -> f64 {
    count(k).ln_1p()
}

/// A count as a double (exact below 2**53, as numpy converts integer arrays).
#[allow(clippy::cast_precision_loss)]
fn count(k: usize) -> f64 {
    k as f64
}

/// `a / b` of two counts as numpy's true division of integer arrays has it.
fn div(a: usize, b: usize) -> f64 {
    count(a) / count(b)
}

/// `_probability`: the content probability of a margin, 0.0 far below.
fn probability(margin: f64) -> f64 {
    if margin > -30.0 {
        1.0 / (1.0 + (-margin).exp())
    } else {
        0.0
    }
}

/// The learned line model (`LineModel`), its trees reading row columns by number.
#[derive(Debug, Clone, PartialEq)]
pub struct LineModel {
    pass1: Trees,
    pass2: Option<Trees>,
}

/// Why a [`LineModel`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// A tree tests a feature beyond its list of names.
    FeatureIndex,
}

impl Trees {
    /// These trees with every feature index (into `names`) turned into a row column: the
    /// column of that name, or the zero column for a name the filter does not compute.
    fn on_columns(&self, names: &[String]) -> Result<Trees, ModelError> {
        let mut trees = self.clone();
        for f in &mut trees.feats {
            let name = names.get(*f).ok_or(ModelError::FeatureIndex)?;
            *f = FEATURE_NAMES.iter().position(|n| n == name).unwrap_or(ZERO);
        }
        Ok(trees)
    }

    /// Each of `m` rows' margin, into `out`: `cols` holds the rows column by column (column `c`
    /// of row `r` at `c * m + r`). A few rows at a time through every tree, each row's leaves
    /// added left to right from the bias, as `Trees.margin` adds them.
    fn margins_of_columns(&self, cols: &[f64], m: usize, out: &mut Vec<f64>) {
        /// Rows walked side by side: their paths are independent, so their loads overlap.
        const BLOCK: usize = 8;
        out.clear();
        out.resize(m, self.bias);
        let depth = self.depth as usize;
        let internal = (1usize << depth) - 1;
        if internal == 0 || cols.len() < WIDTH * m {
            return;
        }
        // Where each node's column starts.
        let base: Vec<usize> = self.feats.iter().map(|&f| f.min(ZERO) * m).collect();
        let trees = || {
            base.chunks_exact(internal)
                .zip(self.thresholds.chunks_exact(internal))
                .zip(self.leaves.chunks_exact(internal + 1))
        };
        // A block of rows through all the trees, then the next: the block's columns stay in
        // the nearest cache.
        let mut blocks = out.chunks_exact_mut(BLOCK);
        for (b, totals) in (&mut blocks).enumerate() {
            let r = b * BLOCK;
            for ((base, thr), leaves) in trees() {
                // Left when "<=", else right (NaN goes right), as Trees.margin has it.
                let step =
                    |k: usize, r: usize| 2 * k + 2 - usize::from(cols[base[k] + r] <= thr[k]);
                let mut k = [0usize; BLOCK];
                for _ in 0..depth {
                    for (j, k) in k.iter_mut().enumerate() {
                        *k = step(*k, r + j);
                    }
                }
                for (total, k) in totals.iter_mut().zip(k) {
                    *total += leaves[k - internal];
                }
            }
        }
        let done = m - blocks.into_remainder().len();
        for (r, total) in out.iter_mut().enumerate().skip(done) {
            for ((base, thr), leaves) in trees() {
                let mut k = 0;
                for _ in 0..depth {
                    k = 2 * k + 2 - usize::from(cols[base[k] + r] <= thr[k]);
                }
                *total += leaves[k - internal];
            }
        }
    }
}

impl LineModel {
    /// The model from its passes' trees and feature names (`Trees.names`).
    pub fn new(
        pass1: &Trees,
        names1: &[String],
        pass2: Option<(&Trees, &[String])>,
    ) -> Result<Self, ModelError> {
        Ok(LineModel {
            pass1: pass1.on_columns(names1)?,
            pass2: pass2.map(|(t, n)| t.on_columns(n)).transpose()?,
        })
    }
}

/// What one round needs of every line of a document, measured once.
struct Lines {
    /// The shape columns of each line, row by row.
    shape: Vec<[f64; SHAPE_COLUMNS]>,
    chars: Vec<usize>,
    prose: Vec<bool>,
    short: Vec<bool>,
    open: Vec<bool>,
    lower: Vec<bool>,
    key: Vec<usize>,
    tokens: KeyTokens,
    /// `log_count` of 0 to the number of lines, every count a round takes the log of.
    logs: Vec<f64>,
}

impl Lines {
    fn new<S: AsRef<str>>(texts: &[S]) -> Self {
        let shapes = shapes_of(texts);
        let tokens = KeyTokens::new(&shapes);
        let n = shapes.len();
        let mut lines = Lines {
            shape: Vec::with_capacity(n),
            chars: Vec::with_capacity(n),
            prose: Vec::with_capacity(n),
            short: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            lower: Vec::with_capacity(n),
            key: tokens.key_ids(),
            tokens,
            logs: (0..=n).map(log_count).collect(),
        };
        for s in &shapes {
            let numbers = s.numbers();
            let mut row = [0.0; SHAPE_COLUMNS];
            row[0] = log_count(s.chars);
            row[1] = log_count(s.tokens);
            row[2..].copy_from_slice(&numbers[3..]);
            lines.shape.push(row);
            lines.chars.push(s.chars);
            lines.prose.push(s.is_prose());
            lines.short.push(s.tokens < 6);
            lines.open.push(!s.end_terminal && s.tokens > 0);
            lines.lower.push(s.starts_lower);
        }
        lines
    }

    /// `log_count(k)`, from the table for counts up to the number of lines.
    fn log(&self, k: usize) -> f64 {
        self.logs.get(k).copied().unwrap_or_else(|| log_count(k))
    }
}

/// The rounds' working memory: the rows of the live lines column by column, and scratch.
#[derive(Default)]
struct Scratch {
    cols: Vec<f64>,
    margins: Vec<f64>,
    probs: Vec<f64>,
    prose_chars: Vec<usize>,
    counts: Vec<usize>,
    prefix: Vec<usize>,
    /// The title-overlap column and the line it was measured against.
    overlap: Option<(usize, Vec<f64>)>,
}

/// One line the filter removes: its position in the document's lines and the detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    pub position: i64,
    pub detail: String,
}

/// The filter's settings for one call (`LayoutBoilerplate`'s fields).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rounds {
    pub threshold: f64,
    pub min_lines: usize,
    pub max_rounds: usize,
}

impl LineModel {
    /// `LayoutBoilerplate.__call__` after its entries are gathered: `texts` are the lines
    /// (present and earlier removed, in line order), `positions` each one's place in
    /// `doc.lines` (-1 for a line an earlier step removed). Runs the rounds to the fixpoint
    /// over all lines, then (when some were removed earlier) over the present ones left; returns
    /// the present lines removed, in the order they went.
    pub fn remove<S: AsRef<str>>(
        &self,
        texts: &[S],
        positions: &[i64],
        settings: Rounds,
    ) -> Vec<Removed> {
        let lines = Lines::new(texts);
        let mut scratch = Scratch::default();
        let mut removed = Vec::new();
        let at = |e: usize| positions.get(e).copied().unwrap_or(-1);
        let live: Vec<usize> = (0..lines.chars.len()).collect();
        let mut live = self.rounds(&lines, live, &at, settings, &mut scratch, &mut removed);
        if (0..lines.chars.len()).any(|e| at(e) < 0) {
            live.retain(|&e| at(e) >= 0);
            self.rounds(&lines, live, &at, settings, &mut scratch, &mut removed);
        }
        removed
    }

    /// The whole of `LayoutBoilerplate.__call__` but the document's rewriting: `lines` are the
    /// document's lines as (line number, text), `earlier` the lines earlier steps removed (the
    /// page context; empty without it). The non-blank lines and the non-blank earlier ones go
    /// through [`LineModel::remove`] in line-number order (a stable sort, present lines first on
    /// a tie, made only when `earlier` is not empty); a document with fewer than
    /// `settings.min_lines` non-blank lines is left alone. Returns the lines removed, by their
    /// index in `lines`, ascending.
    pub fn remove_from_page<S: AsRef<str>>(
        &self,
        lines: &[(i64, S)],
        earlier: &[(i64, S)],
        settings: Rounds,
    ) -> Vec<Removed> {
        let blank = |t: &S| unicode::py_strip(t.as_ref()).is_empty();
        // (line number, text, place in `lines` or -1)
        let mut entries: Vec<(i64, &str, i64)> = lines
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| !blank(t))
            .map(|(i, (no, t))| (*no, t.as_ref(), i64::try_from(i).unwrap_or(i64::MAX)))
            .collect();
        if entries.len() < settings.min_lines {
            return Vec::new();
        }
        if !earlier.is_empty() {
            entries.extend(
                earlier
                    .iter()
                    .filter(|(_, t)| !blank(t))
                    .map(|(no, t)| (*no, t.as_ref(), -1)),
            );
            entries.sort_by_key(|e| e.0);
        }
        let texts: Vec<&str> = entries.iter().map(|e| e.1).collect();
        let positions: Vec<i64> = entries.iter().map(|e| e.2).collect();
        let mut removed = self.remove(&texts, &positions, settings);
        removed.sort_by_key(|r| r.position);
        removed
    }

    /// One round's margins of the lines `live` (positions into `texts`, ascending): pass one's,
    /// and pass two's when the model has one (`TreeArrays.margins` of `LineColumns.features`
    /// and `context_columns`).
    pub fn margins<S: AsRef<str>>(
        &self,
        texts: &[S],
        live: &[usize],
    ) -> (Vec<f64>, Option<Vec<f64>>) {
        let lines = Lines::new(texts);
        let live: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&e| e < lines.chars.len())
            .collect();
        let mut scratch = Scratch::default();
        features(&lines, &live, &mut scratch);
        let m = live.len();
        let mut first = Vec::new();
        self.pass1.margins_of_columns(&scratch.cols, m, &mut first);
        let second = self.pass2.as_ref().map(|pass2| {
            let p1: Vec<f64> = first.iter().map(|&x| probability(x)).collect();
            context(&p1, &mut scratch.cols, m);
            let mut out = Vec::new();
            pass2.margins_of_columns(&scratch.cols, m, &mut out);
            out
        });
        (first, second)
    }

    /// `LayoutBoilerplate._rounds`: score `live` and drop the lines under the threshold until a
    /// round drops none (or would drop all); returns what is left.
    fn rounds(
        &self,
        lines: &Lines,
        mut live: Vec<usize>,
        at: &impl Fn(usize) -> i64,
        settings: Rounds,
        s: &mut Scratch,
        removed: &mut Vec<Removed>,
    ) -> Vec<usize> {
        for _ in 0..settings.max_rounds {
            let m = live.len();
            if m < settings.min_lines {
                break;
            }
            features(lines, &live, s);
            self.pass1.margins_of_columns(&s.cols, m, &mut s.margins);
            s.probs.clear();
            s.probs.extend(s.margins.iter().map(|&x| probability(x)));
            if let Some(pass2) = &self.pass2 {
                context(&s.probs, &mut s.cols, m);
                pass2.margins_of_columns(&s.cols, m, &mut s.margins);
                s.probs.clear();
                s.probs.extend(s.margins.iter().map(|&x| probability(x)));
            }
            let gone = s.probs.iter().filter(|&&p| p < settings.threshold).count();
            if gone == 0 || gone == m {
                // Never empty a document: it is the drop filters' job to judge a whole page.
                break;
            }
            let mut r = 0;
            live.retain(|&e| {
                let p = s.probs[r];
                let gone = p < settings.threshold;
                if gone && at(e) >= 0 {
                    let value = |c: usize| s.cols[c * m + r];
                    removed.push(Removed {
                        position: at(e),
                        detail: format!("{} (p={:.2})", explain(&value), p),
                    });
                }
                r += 1;
                !gone
            });
        }
        live
    }
}

/// `explain`: the strongest plain evidence that a line is boilerplate, from its pass-one
/// columns.
fn explain(value: &impl Fn(usize) -> f64) -> String {
    let truthy = |c: usize| value(c) != 0.0;
    let mut parts: Vec<&str> = Vec::new();
    if value(col!("log_tokens")) <= 5f64.ln_1p() {
        parts.push("short");
    }
    if truthy(col!("link_like")) || value(col!("separators")) >= 2.0 {
        parts.push("link-like");
    }
    if truthy(col!("date_like")) || truthy(col!("time_like")) {
        parts.push("date or time");
    }
    if value(col!("log_repeats")) > 0.0 {
        parts.push("repeated");
    }
    if truthy(col!("before_first_prose")) {
        parts.push("before the text");
    } else if truthy(col!("after_last_prose")) {
        parts.push("after the text");
    } else if value(col!("log_short_run")) >= 4f64.ln_1p() {
        parts.push("in a run of short lines");
    }
    if parts.is_empty() {
        parts.push(if value(col!("prose_window3")) < 0.2 {
            "no prose around it"
        } else {
            "unlike its neighbours"
        });
    }
    parts.join(", ")
}

/// `LineColumns.features(live)`: the pass-one columns of the lines `live` as if the others
/// were absent, into `s.cols` (column by column, `WIDTH` columns of `live.len()` rows; the
/// context columns and the zero column left at 0.0).
#[allow(clippy::too_many_lines)]
fn features(lines: &Lines, live: &[usize], s: &mut Scratch) {
    let m = live.len();
    s.cols.clear();
    s.cols.resize(WIDTH * m, 0.0);
    if m == 0 {
        return;
    }
    let cols = &mut s.cols;
    for (r, &e) in live.iter().enumerate() {
        for (c, &x) in lines.shape[e].iter().enumerate() {
            cols[c * m + r] = x;
        }
    }
    let prose = |r: usize| lines.prose[live[r]];
    let total_chars = live.iter().map(|&e| lines.chars[e]).sum::<usize>().max(1);
    s.prose_chars.clear();
    s.prose_chars.extend(
        live.iter()
            .map(|&e| if lines.prose[e] { lines.chars[e] } else { 0 }),
    );
    let total_prose: usize = s.prose_chars.iter().sum();
    let first_prose = (0..m).find(|&r| prose(r)).unwrap_or(m);
    let last_prose = (0..m).rev().find(|&r| prose(r));
    // How often each line's key comes among the live lines.
    let keys = lines.key.iter().max().map_or(0, |&k| k + 1);
    s.counts.clear();
    s.counts.resize(keys, 0);
    for &e in live {
        s.counts[lines.key[e]] += 1;
    }
    // Prose lines before each row, for the windows.
    s.prefix.clear();
    s.prefix.push(0);
    for r in 0..m {
        let last = s.prefix[r];
        s.prefix.push(last + usize::from(prose(r)));
    }
    // The title is the first live line.
    let first = live[0];
    if s.overlap.as_ref().map_or(true, |(f, _)| *f != first) {
        s.overlap = Some((first, lines.tokens.title_overlap(first)));
    }
    let overlap = s
        .overlap
        .as_ref()
        .map_or(&[][..], |(_, col)| col.as_slice());

    let mut set = |c: usize, r: usize, x: f64| cols[c * m + r] = x;
    let log_n = lines.log(m);
    let share = div(total_prose, total_chars);
    let (mut chars_before, mut prose_before) = (0usize, 0usize);
    let mut up_from: Option<usize> = None;
    let mut run = 0usize;
    for r in 0..m {
        let e = live[r];
        set(col!("rel_pos"), r, div(r, m));
        set(col!("log_from_start"), r, lines.log(r));
        set(col!("log_to_end"), r, lines.log(m - 1 - r));
        set(col!("chars_before"), r, div(chars_before, total_chars));
        let (before, after) = if total_prose > 0 {
            (
                div(prose_before, total_prose),
                div(total_prose - prose_before - s.prose_chars[r], total_prose),
            )
        } else {
            (0.0, 0.0)
        };
        set(col!("prose_before"), r, before);
        set(col!("prose_after"), r, after);
        set(
            col!("before_first_prose"),
            r,
            f64::from(u8::from(r < first_prose)),
        );
        set(
            col!("after_last_prose"),
            r,
            f64::from(u8::from(last_prose.map_or(true, |l| r > l))),
        );
        set(
            col!("log_repeats"),
            r,
            lines.log(s.counts[lines.key[e]] - 1),
        );
        set(
            col!("title_overlap"),
            r,
            if r == 0 {
                0.0
            } else {
                overlap.get(e).copied().unwrap_or(0.0)
            },
        );
        let neighbour = |d: isize| {
            r.checked_add_signed(d)
                .filter(|&i| i < m)
                .map_or(-1.0, |i| lines.shape[live[i]][col!("log_chars")])
        };
        set(col!("prev_log_chars"), r, neighbour(-1));
        set(col!("next_log_chars"), r, neighbour(1));
        set(col!("prev2_log_chars"), r, neighbour(-2));
        set(col!("next2_log_chars"), r, neighbour(2));
        let is_prose = |i: usize| f64::from(u8::from(prose(i)));
        set(
            col!("prev_prose"),
            r,
            if r > 0 { is_prose(r - 1) } else { -1.0 },
        );
        set(
            col!("next_prose"),
            r,
            if r + 1 < m { is_prose(r + 1) } else { -1.0 },
        );
        for (c, w) in [(col!("prose_window3"), 3), (col!("prose_window10"), 10)] {
            let (lo, hi) = (r.saturating_sub(w), (r + w + 1).min(m));
            let others = s.prefix[hi] - s.prefix[lo] - usize::from(prose(r));
            set(c, r, div(others, (hi - lo - 1).max(1)));
        }
        set(
            col!("log_up_to_prose"),
            r,
            lines.log(up_from.map_or(m, |l| r - l)),
        );
        // Short runs: the length of the run this row belongs to, counted once at its start.
        if lines.short[e] {
            if r == 0 || !lines.short[live[r - 1]] {
                run = (r..m).take_while(|&i| lines.short[live[i]]).count();
            }
        } else {
            run = 0;
        }
        set(col!("log_short_run"), r, lines.log(run));
        set(col!("log_doc_lines"), r, log_n);
        set(col!("doc_prose_share"), r, share);
        set(
            col!("prev_open"),
            r,
            f64::from(u8::from(r > 0 && lines.open[live[r - 1]])),
        );
        set(
            col!("next_continues"),
            r,
            f64::from(u8::from(r + 1 < m && lines.lower[live[r + 1]])),
        );
        set(col!("is_prose"), r, is_prose(r));
        chars_before += lines.chars[e];
        prose_before += s.prose_chars[r];
        if prose(r) {
            up_from = Some(r);
        }
    }
    // Distances down to the next prose line, from the end.
    let mut down_to: Option<usize> = None;
    for r in (0..m).rev() {
        set(
            col!("log_down_to_prose"),
            r,
            lines.log(down_to.map_or(m, |l| l - r)),
        );
        if prose(r) {
            down_to = Some(r);
        }
    }
    for &e in live {
        s.counts[lines.key[e]] = 0;
    }
}

/// `context_columns(p1)`: the pass-one probabilities of each row's neighbourhood, into the
/// context columns of `cols` (`m` rows).
fn context(p1: &[f64], cols: &mut [f64], m: usize) {
    let mut prefix = Vec::with_capacity(m + 1);
    prefix.push(0.0);
    let mut sum = 0.0;
    for &p in p1 {
        sum += p;
        prefix.push(sum);
    }
    // The mean of rows lo..hi (clipped), -1.0 when there are none.
    let mean = |lo: isize, hi: isize| {
        let lo = usize::try_from(lo.max(0)).unwrap_or(0);
        let hi = usize::try_from(hi).unwrap_or(0).min(m);
        if hi > lo {
            (prefix[hi] - prefix[lo]) / count(hi - lo)
        } else {
            -1.0
        }
    };
    let shifted = |r: usize, d: isize| {
        r.checked_add_signed(d)
            .filter(|&i| i < m)
            .map_or(-1.0, |i| p1[i])
    };
    let mut set = |c: usize, r: usize, x: f64| cols[c * m + r] = x;
    for r in 0..m {
        let i = isize::try_from(r).unwrap_or(isize::MAX);
        set(col!("p1"), r, p1[r]);
        set(col!("p1_prev"), r, shifted(r, -1));
        set(col!("p1_next"), r, shifted(r, 1));
        set(col!("p1_prev2"), r, shifted(r, -2));
        set(col!("p1_next2"), r, shifted(r, 2));
        set(col!("p1_mean2"), r, mean(i - 2, i + 3));
        set(col!("p1_mean5"), r, mean(i - 5, i + 6));
        set(col!("p1_mean15"), r, mean(i - 15, i + 16));
        // np.maximum and np.minimum over the window: the first NaN wins, else the larger
        // (smaller), the earlier on a tie.
        let near = &p1[r.saturating_sub(5)..(r + 6).min(m)];
        let (mut hi, mut lo) = (p1[r], p1[r]);
        for &p in near {
            if !hi.is_nan() && (p.is_nan() || p > hi) {
                hi = p;
            }
            if !lo.is_nan() && (p.is_nan() || p < lo) {
                lo = p;
            }
        }
        set(col!("p1_max5"), r, hi);
        set(col!("p1_min5"), r, lo);
        set(col!("p1_before"), r, mean(0, i));
        set(
            col!("p1_after"),
            r,
            mean(i + 1, isize::try_from(m).unwrap_or(isize::MAX)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_line() {
        let s = line_shape("Home | News | Sport");
        assert_eq!((s.tokens, s.separators, s.end_terminal), (3, 2, false));
        assert_eq!(s.key, "home news sport");
    }

    #[test]
    fn empty_and_closer_lines_end_in_a_colon_and_a_comma() {
        for text in ["", "  ", "»", "\")"] {
            let s = line_shape(text);
            assert!(s.end_colon && s.end_comma && !s.end_terminal, "{text:?}");
        }
    }

    #[test]
    fn dates_times_links() {
        assert!(date_like(&chars("on 12.05.2024.")));
        assert!(!date_like(&chars("on 12.05.20245")));
        assert!(date_like(&chars("2024年3月")));
        assert!(date_like(&chars("3月12日")));
        assert!(date_like(&chars("in 1999")));
        assert!(!date_like(&chars("in 19999")));
        assert!(time_like(&chars("at 9:30 am")));
        assert!(!time_like(&chars("at 9:300")));
        let link = |s: &str| link_like(s, &chars(s));
        assert!(link("see www.example"));
        assert!(link("mail a.b@c.d"));
        assert!(link("example.com"));
        assert!(link("http://x"));
        assert!(!link("example.community"));
        assert!(!link("www. x"));
        assert!(!link("a@b"));
    }

    #[test]
    fn keys_are_numbered_in_order() {
        let texts = ["b a", "x", "B  A", "b-a", "ba"];
        let d = measure_lines(&texts);
        assert_eq!(d.key_ids, [0, 1, 0, 0, 2]);
        let ids: Vec<i64> = KeyTokens::new(&d.shapes)
            .key_ids()
            .into_iter()
            .map(|k| i64::try_from(k).unwrap_or(-1))
            .collect();
        assert_eq!(ids, d.key_ids);
        assert_eq!(title_overlap(&d.shapes, 0), [1.0, 0.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn one_tree_of_depth_one() {
        let trees =
            Trees::new(vec![1], vec![0.5], vec![-1.0, 2.0], 1, 0.25).unwrap_or_else(|_| panic!());
        assert_eq!(
            trees.margins(&[9.0, 0.5, 9.0, 0.7, 0.0, f64::NAN], 2),
            [-0.75, 2.25, 2.25]
        );
        assert!(Trees::new(vec![1], vec![0.5], vec![1.0], 1, 0.0).is_err());
    }

    #[test]
    fn key_tokens_hold_no_space() {
        // A token is made of word characters: were one a space to `str.split`, two keys could
        // differ while their split tokens agree.
        let both = unicode::RX_WORD | unicode::PY_SPACE;
        let clash = (0..=0x10_ffff)
            .filter_map(char::from_u32)
            .find(|&c| unicode::flags(c) & both == both);
        assert_eq!(clash, None);
    }

    fn chars(s: &str) -> Text {
        Text::new(s)
    }
}
