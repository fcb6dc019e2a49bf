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
use std::sync::OnceLock;

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
    let shapes: Vec<LineShape> = lines.iter().map(|t| line_shape(t.as_ref())).collect();
    let mut ids: HashMap<&str, i64> = HashMap::new();
    let key_ids = shapes
        .iter()
        .map(|s| {
            let next = i64::try_from(ids.len()).unwrap_or(i64::MAX);
            *ids.entry(s.key.as_str()).or_insert(next)
        })
        .collect();
    DocumentShapes { shapes, key_ids }
}

/// Each line's share of its tokens found among the tokens of line `first` (the title):
/// `LineColumns._title_overlap`.
pub fn title_overlap(shapes: &[LineShape], first: usize) -> Vec<f64> {
    let Some(title) = shapes.get(first) else {
        return vec![0.0; shapes.len()];
    };
    let title: HashSet<&str> = unicode::py_split(&title.key).collect();
    shapes
        .iter()
        .map(|s| {
            let (mut found, mut total) = (0usize, 0usize);
            for tok in unicode::py_split(&s.key) {
                total += 1;
                found += usize::from(title.contains(tok));
            }
            ratio(found, total)
        })
        .collect()
}

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
    matches!(c,
        '\u{0e00}'..='\u{0e7f}' | '\u{0e80}'..='\u{0eff}' | '\u{1000}'..='\u{109f}'
        | '\u{1780}'..='\u{17ff}' | '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ac00}'..='\u{d7af}')
}

fn function_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        FUNCTION_WORDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
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
struct Text {
    c: Vec<char>,
    f: Vec<u16>,
}

impl Text {
    fn new(text: &str) -> Self {
        let c: Vec<char> = text.chars().collect();
        let f = c.iter().map(|&ch| unicode::flags(ch)).collect();
        Text { c, f }
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

    /// Characters `a..b` as a string.
    fn slice(&self, a: usize, b: usize) -> String {
        self.c[a..b].iter().collect()
    }
}

/// `[SEG]` and `[^\W_SEG]` of the token and word patterns.
fn seg(t: &Text, i: usize) -> bool {
    t.get(i).is_some_and(is_seg)
}

fn plain_word(t: &Text, i: usize) -> bool {
    t.word(i) && t.c[i] != '_' && !is_seg(t.c[i])
}

/// `TOKEN_RE.findall(folded)`: `[SEG]|[^\W_SEG]+`.
fn tokens(folded: &Text) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        if seg(folded, i) {
            out.push(folded.slice(i, i + 1));
            i += 1;
        } else if plain_word(folded, i) {
            let end = i + folded.run(i, |k| plain_word(folded, k));
            out.push(folded.slice(i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// `_WORD_RE.findall(text)`: `[^\W\d_SEG][^\W_SEG]*`, as ranges.
fn words(t: &Text) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
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
    out
}

/// `_URL_RE.search(text) is not None`.
fn link_like(t: &Text) -> bool {
    let n = t.len();
    let not_space = |i: usize| i < n && !t.space(i);
    // (?:https?://|www\.)\S
    for i in 0..n {
        if matches!(t.c[i], 'h' | 'w')
            && ((t.starts(i, "http://") && not_space(i + 7))
                || (t.starts(i, "https://") && not_space(i + 8))
                || (t.starts(i, "www.") && not_space(i + 4)))
        {
            return true;
        }
    }
    // (?<![\w.+-])[\w.+-]++@[\w-]++\.[\w.]: possessive runs, so each starts where its run starts.
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
    // (?<![\w-])[\w-]++\.(?:com|org|net|de|uk)\b
    for i in 0..n {
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
    for (&c, &f) in t.c.iter().zip(&t.f) {
        if f & PY_ALPHA != 0 {
            if f & PY_UPPER != 0 {
                n.upper += 1;
            } else {
                n.lower += 1;
            }
        } else if f & PY_DIGIT != 0 {
            n.digits += 1;
        } else if f & PY_SPACE != 0 {
            // not counted
        } else if is_comma(c) {
            n.commas += 1;
        } else {
            n.other += 1;
        }
    }
    n
}

/// Measure one line: `line_shape(text)` of the reference.
pub fn line_shape(text: &str) -> LineShape {
    let stripped = unicode::py_strip(text);
    let t = Text::new(stripped);
    let folded_str = unicode::casefold(stripped);
    let folded = Text::new(&folded_str);
    let toks = tokens(&folded);
    let words = words(&t);
    let counts = class_counts(&t);
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
    let mut folded_word = String::new();
    for &(a, b) in &words {
        if t.has(a, PY_UPPER) {
            title += 1;
            cased += 1;
        } else if t.has(a, PY_LOWER) {
            cased += 1;
        }
        folded_word.clear();
        for &c in &t.c[a..b] {
            unicode::push_casefold(c, &mut folded_word);
        }
        func += usize::from(function_words().contains(folded_word.as_str()));
        word_chars += b - a;
    }
    let n_tok = toks.len();
    let segmented = (0..folded.len()).filter(|&i| seg(&folded, i)).count();
    let first = t.get(0);
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
        link_like: link_like(&t),
        separators: separators(&t),
        date_like: counts.digits > 0 && date_like(&t),
        time_like: counts.digits > 0 && time_like(&t),
        segmented_share: ratio(segmented, n_tok),
        mean_word_len: ratio(word_chars, words.len()),
        bullet: bullet(&t),
        sentences: sentences(&t),
        copyright: stripped.contains('©') || folded_str.contains("(c)"),
        key: toks.join(" "),
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
        let count = if internal == 0 {
            0
        } else {
            feats.len() / internal
        };
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
                        // Right unless "<=" (NaN goes right), as Trees.margin has it.
                        k = 2 * k + 1 + usize::from(!(value <= self.thresholds[at]));
                    }
                    total += self.leaves[t * (internal + 1) + k - internal];
                }
                total
            })
            .collect()
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
        assert!(link_like(&chars("see www.example")));
        assert!(link_like(&chars("mail a.b@c.d")));
        assert!(link_like(&chars("example.com")));
        assert!(!link_like(&chars("example.community")));
        assert!(!link_like(&chars("www. x")));
    }

    #[test]
    fn keys_are_numbered_in_order() {
        let d = measure_lines(&["b a", "x", "B  A"]);
        assert_eq!(d.key_ids, [0, 1, 0]);
        assert_eq!(title_overlap(&d.shapes, 0), [1.0, 0.0, 1.0]);
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

    fn chars(s: &str) -> Text {
        Text::new(s)
    }
}
