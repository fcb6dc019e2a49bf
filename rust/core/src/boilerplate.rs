//! `filters/boilerplate.py`: the boilerplate line families (cookie banners, comment forms,
//! navigation, page widgets, share bars), one document at a time.
//!
//! A [`Page`] holds what the reference's `_text` says of every non-blank line of a document
//! (its normalized form, size and flags) and the neighbourhood `_relink` gives it; a [`Family`]
//! runs one family's rules on a page to their fixpoint, as `_LineFamily.__call__` does, and
//! answers the document's lines it removes and the page of what is left, which the next family
//! reads without measuring the lines again. The phrase tables come normalized from Python
//! (`_union` of the reference), so both sides read the same phrases; phrases inside a line are
//! found by one Aho-Corasick automaton per table set, with the word-edge tests of
//! `phrase_search` applied to each occurrence (time linear in the line).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::unicode::{
    flags, is, push_casefold, py_split, py_strip, RE_DIGIT, RE_SPACE, RE_WORD, RX_CJK,
    RX_MARK_NONSPACING, RX_WORD,
};
use crate::unicode_tables_families::{COMBINING, NFKD};

// -- normalization ----------------------------------------------------------------------------

/// A letter to `re`: `[^\W\d_]`.
#[inline]
fn re_letter(c: char) -> bool {
    let f = flags(c);
    f & RE_WORD != 0 && f & RE_DIGIT == 0 && c != '_'
}

#[inline]
fn re_word(c: char) -> bool {
    is(c, RE_WORD)
}

#[inline]
fn re_space(c: char) -> bool {
    is(c, RE_SPACE)
}

fn combining(c: char) -> u8 {
    let cp = c as u32;
    if cp < 0x300 {
        return 0;
    }
    match COMBINING.binary_search_by_key(&cp, |&(k, _)| k) {
        Ok(at) => COMBINING[at].1,
        Err(_) => 0,
    }
}

fn push_nfkd(c: char, out: &mut Vec<char>) {
    let cp = c as u32;
    if cp < 0xA0 {
        out.push(c);
        return;
    }
    if (0xAC00..0xD7A4).contains(&cp) {
        // Hangul syllables: the Unicode algorithm (what unicodedata does).
        let i = cp - 0xAC00;
        let parts = [0x1100 + i / 588, 0x1161 + (i % 588) / 28, 0x11A7 + i % 28];
        let count = if i % 28 == 0 { 2 } else { 3 };
        out.extend(parts[..count].iter().filter_map(|&p| char::from_u32(p)));
        return;
    }
    match NFKD.binary_search_by_key(&cp, |&(k, _)| k) {
        Ok(at) => out.extend(NFKD[at].1.chars()),
        Err(_) => out.push(c),
    }
}

/// `unicodedata.normalize("NFKD", ...)`: each character's decomposition, then every run of
/// characters with a nonzero combining class sorted by class (stable).
fn nfkd(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        push_nfkd(c, &mut out);
    }
    let mut start = 0;
    while start < out.len() {
        if combining(out[start]) == 0 {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < out.len() && combining(out[end]) != 0 {
            end += 1;
        }
        if end - start > 1 {
            out[start..end].sort_by_key(|&c| combining(c));
        }
        start = end;
    }
    out
}

/// `_LETTER_FOLD`: Arabic and Persian letter variants folded.
fn letter_fold(c: char) -> char {
    match c {
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ٱ' => 'ا',
        'ک' => 'ك',
        other => other,
    }
}

/// `normalize`: casefolded, compatibility-decomposed, without combining marks, counters,
/// digits or punctuation, spaces folded.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return normalize_ascii(text.as_bytes());
    }
    let chars: Vec<char> = {
        let mut folded = String::with_capacity(text.len());
        for c in text.chars() {
            push_casefold(c, &mut folded);
        }
        nfkd(&folded)
            .into_iter()
            .filter(|&c| c != '\u{640}' && !is(c, RX_MARK_NONSPACING))
            .map(letter_fold)
            .collect()
    };
    let mut out = String::with_capacity(chars.len());
    let mut gap = false;
    for (i, &c) in chars.iter().enumerate() {
        // `_COUNTER_RE`: a k, m or b right after a digit and before no letter is a counter's.
        let letter = re_letter(c)
            && !(matches!(c, 'k' | 'm' | 'b')
                && i > 0
                && is(chars[i - 1], RE_DIGIT)
                && !chars.get(i + 1).is_some_and(|&n| re_letter(n)));
        if letter {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// [`normalize`] of ASCII text: the same steps on bytes (letters are ASCII letters, digits
/// ASCII digits, and casefolding is lowercasing).
fn normalize_ascii(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for (i, &b) in text.iter().enumerate() {
        let c = b.to_ascii_lowercase();
        let letter = c.is_ascii_alphabetic()
            && !(matches!(c, b'k' | b'm' | b'b')
                && i > 0
                && text[i - 1].is_ascii_digit()
                && !text.get(i + 1).is_some_and(u8::is_ascii_alphabetic));
        if letter {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(char::from(c));
        } else {
            gap = true;
        }
    }
    out
}

/// `size`: words of a normalized line; CJK, kana and Thai characters count half a word each.
pub fn size(norm: &str) -> usize {
    if norm.is_empty() {
        return 0;
    }
    let cjk = if norm.is_ascii() {
        0
    } else {
        norm.chars().filter(|&c| is(c, RX_CJK)).count()
    };
    if cjk == 0 {
        return norm.matches(' ').count() + 1;
    }
    let mut spaced = 0;
    let mut inside = false;
    for c in norm.chars() {
        let gap = is(c, RX_CJK) || crate::unicode::py_space(c);
        if !gap && !inside {
            spaced += 1;
        }
        inside = !gap;
    }
    spaced + cjk.div_ceil(2)
}

/// `_SENTENCE_END_RE`: a sentence's end mark, then only non-word characters (`regex`'s `\W`).
fn sentence_end(raw: &str) -> bool {
    raw.chars()
        .rev()
        .take_while(|&c| !is(c, RX_WORD))
        .any(|c| ".!?。！？…:;\"”»'".contains(c))
}

/// `is_prose`: running text.
fn is_prose(raw: &str, n: usize) -> bool {
    n >= 12 || (n >= 6 && sentence_end(raw))
}

// -- phrases ----------------------------------------------------------------------------------

/// A fast hash of short strings (the Fx hash of rustc: a multiply per 8 bytes); the phrase
/// sets hold no input of an adversary's choosing, only the tables.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type Set = HashSet<String, BuildHasherDefault<FxHasher>>;

/// `PhraseSet`: normalized phrases for whole-line tests.
#[derive(Debug, Default)]
pub struct PhraseSet {
    items: Set,
    starts: Set,
}

impl PhraseSet {
    pub fn new(items: impl IntoIterator<Item = String>) -> Self {
        let items: Set = items.into_iter().collect();
        let mut starts = Set::default();
        for p in &items {
            for (at, c) in p.char_indices() {
                if c == ' ' {
                    starts.insert(p[..at].to_owned());
                }
            }
            starts.insert(p.clone());
        }
        PhraseSet { items, starts }
    }

    pub fn whole(&self, norm: &str) -> bool {
        self.items.contains(norm)
    }

    /// `PhraseSet.without`: the words that are not phrases of the set, joined by spaces.
    pub fn without(&self, norm: &str) -> String {
        let mut out = String::new();
        for w in py_split(norm).filter(|w| !self.items.contains(*w)) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        out
    }

    /// `PhraseSet.split`: whether the line is a sequence of phrases of the set.
    pub fn split(&self, norm: &str) -> bool {
        let words: Vec<&str> = py_split(norm).collect();
        if words.is_empty() {
            return false;
        }
        let mut reach = vec![false; words.len() + 1];
        reach[0] = true;
        let mut phrase = String::new();
        for start in 0..words.len() {
            if !reach[start] {
                continue;
            }
            phrase.clear();
            for stop in start + 1..=words.len() {
                if stop > start + 1 {
                    phrase.push(' ');
                }
                phrase.push_str(words[stop - 1]);
                if !self.starts.contains(&phrase) {
                    break;
                }
                if self.items.contains(&phrase) {
                    reach[stop] = true;
                }
            }
        }
        reach[words.len()]
    }
}

/// `_WORDISH`: letters of the spaced scripts a phrase may not touch.
#[inline]
fn wordish(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c as u32, 0xC0..=0x24F | 0x370..=0x3FF | 0x400..=0x52F)
}

/// `phrase_search`: any phrase of a set inside a normalized line, starting at a word edge and,
/// unless `prefix`, ending at one.
#[derive(Debug)]
pub struct Search {
    automaton: Option<AhoCorasick>,
    prefix: bool,
}

impl Search {
    pub fn new(items: &[String], prefix: bool) -> Result<Self, String> {
        let items: Vec<&String> = items.iter().filter(|p| !p.is_empty()).collect();
        let automaton = if items.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(items)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(Search { automaton, prefix })
    }

    pub fn search(&self, norm: &str) -> bool {
        let Some(automaton) = &self.automaton else {
            return false;
        };
        automaton.find_overlapping_iter(norm).any(|m| {
            let before = norm[..m.start()].chars().next_back();
            if before.is_some_and(wordish) {
                return false;
            }
            self.prefix || !norm[m.end()..].chars().next().is_some_and(wordish)
        })
    }
}

// -- lines and pages --------------------------------------------------------------------------

/// `_Text`: what a line's text alone says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineText {
    pub raw: String,
    pub norm: String,
    pub size: usize,
    /// No code, markup or quotation characters.
    pub plain: bool,
    /// Ends with a colon.
    pub lead_in: bool,
    /// Only a number (`_COUNT_RE`).
    pub counter: bool,
    /// One to three symbols and no letters.
    pub symbol: bool,
    /// A lone code token.
    pub token: bool,
    /// A phrase of a gated table may start in it.
    pub phrase: bool,
}

/// `_plain`: no code, markup or quotation characters, and no call like `f(` or `()`.
fn plain(raw: &str) -> bool {
    if raw.chars().any(|c| ";{}=[]_\"“”„`\\".contains(c)) {
        return false;
    }
    if !raw.contains('(') {
        return true;
    }
    if raw.contains("()") {
        return false;
    }
    let mut before: Option<char> = None;
    for c in raw.chars() {
        if c == '(' && before.is_some_and(re_word) {
            return false;
        }
        before = Some(c);
    }
    true
}

/// `_COUNT_RE.fullmatch`: `\(?\d{1,3}(?:[.,]\d{1,3})*[kKmM]?\)?`.
fn count_fullmatch(bare: &str) -> bool {
    let mut s = bare.strip_prefix('(').unwrap_or(bare);
    s = s.strip_suffix(')').unwrap_or(s);
    s = s.strip_suffix(['k', 'K', 'm', 'M']).unwrap_or(s);
    !s.is_empty()
        && s.split(['.', ',']).all(|group| {
            let n = group.chars().count();
            (1..=3).contains(&n) && group.chars().all(|c| is(c, RE_DIGIT))
        })
}

/// `_SYMBOL_RE.fullmatch`: one to three characters, neither word nor space.
fn symbol(bare: &str) -> bool {
    let n = bare.chars().count();
    (1..=3).contains(&n) && bare.chars().all(|c| !re_word(c) && !re_space(c))
}

impl LineText {
    /// `_text`: `gate` is the search of the gated tables.
    pub fn new(raw: &str, gate: &Search) -> Self {
        let norm = normalize(raw);
        let bare = py_strip(raw);
        LineText {
            raw: raw.to_owned(),
            size: size(&norm),
            plain: plain(raw),
            lead_in: bare.ends_with(':'),
            counter: count_fullmatch(bare),
            symbol: symbol(bare),
            token: matches!(bare, "(" | "." | "[" | "="),
            phrase: gate.search(&norm),
            norm,
        }
    }
}

/// A non-blank line of a page with what its neighbours say (`_Line`): `code`, the next line is
/// a lone code token; `lead`, the lead-in line (index into the texts) of the list it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLine {
    pub text: usize,
    pub code: bool,
    pub lead: Option<usize>,
}

/// `_Page`: the non-blank lines of a document, linked, and the position of each in the
/// document's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub texts: Arc<Vec<LineText>>,
    pub lines: Vec<PageLine>,
    pub where_: Vec<usize>,
}

impl Page {
    /// `_nonblank`: the page of a document's lines.
    pub fn new<S: AsRef<str>>(lines: &[S], gate: &Search) -> Self {
        let mut texts = Vec::new();
        let mut where_ = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let raw = line.as_ref();
            if !py_strip(raw).is_empty() {
                texts.push(LineText::new(raw, gate));
                where_.push(i);
            }
        }
        let lines = relink(&texts, (0..texts.len()).collect());
        Page {
            texts: Arc::new(texts),
            lines,
            where_,
        }
    }
}

/// `_relink`: `code` and `lead` of each line, from its neighbours.
fn relink(texts: &[LineText], order: Vec<usize>) -> Vec<PageLine> {
    let mut out = Vec::with_capacity(order.len());
    let mut lead: Option<usize> = None;
    let mut before: Option<usize> = None;
    for (k, &t) in order.iter().enumerate() {
        let text = &texts[t];
        if text.size > 6 {
            lead = None;
        } else if let Some(b) = before.filter(|&b| texts[b].lead_in) {
            lead = Some(b);
        }
        before = Some(t);
        let code = order.get(k + 1).is_some_and(|&next| texts[next].token);
        out.push(PageLine {
            text: t,
            code,
            lead,
        });
    }
    out
}

/// `_spread`: candidates within `window` lines of a seed, hopping over lettered candidates.
fn spread(
    texts: &[LineText],
    lines: &[PageLine],
    seeds: &[bool],
    candidate: &[bool],
    window: f64,
) -> Vec<bool> {
    let n = lines.len();
    let mut reached = vec![false; n];
    if !seeds.iter().any(|&s| s) {
        return reached;
    }
    let mut visit = |pos: usize, last: &mut Option<usize>| {
        if seeds[pos] {
            *last = Some(pos);
        } else if let Some(l) = *last {
            if (pos.abs_diff(l) as f64) <= window && candidate[pos] {
                reached[pos] = true;
                if !texts[lines[pos].text].norm.is_empty() {
                    *last = Some(pos);
                }
            }
        }
    };
    let mut last = None;
    for pos in 0..n {
        visit(pos, &mut last);
    }
    let mut last = None;
    for pos in (0..n).rev() {
        visit(pos, &mut last);
    }
    reached
}

// -- the reference's regexes on raw lines -----------------------------------------------------

/// `len(_CONFIG_RE.findall(raw))`, counting up to 2.
fn config_pairs(raw: &str) -> usize {
    let chars: Vec<char> = raw.chars().collect();
    let n = chars.len();
    let name = |c: char| re_word(c) || c == '-';
    let mut count = 0;
    let mut i = 0;
    while i < n && count < 2 {
        if (i == 0 || !name(chars[i - 1])) && (chars[i].is_ascii_alphabetic() || chars[i] == '_') {
            let mut j = i + 1;
            while j < n && name(chars[j]) {
                j += 1;
            }
            while j < n && re_space(chars[j]) {
                j += 1;
            }
            if j < n && chars[j] == '=' {
                j += 1;
                while j < n && re_space(chars[j]) {
                    j += 1;
                }
                if j < n && ("([{\"'".contains(chars[j]) || re_word(chars[j])) {
                    count += 1;
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    count
}

/// `_NUMERIC_DATE_RE.search`: `\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b`.
fn numeric_date(raw: &str) -> bool {
    let chars: Vec<char> = raw.chars().collect();
    let n = chars.len();
    let digit = |k: usize| k < n && is(chars[k], RE_DIGIT);
    let sep = |k: usize| k < n && matches!(chars[k], '.' | '/' | '-');
    let run = |from: usize| (from..n).take_while(|&k| digit(k)).count();
    (0..n).any(|i| {
        if !digit(i) || (i > 0 && re_word(chars[i - 1])) {
            return false;
        }
        let a = run(i);
        if a > 4 || !sep(i + a) {
            return false;
        }
        let b = run(i + a + 1);
        if !(1..=2).contains(&b) || !sep(i + a + 1 + b) {
            return false;
        }
        let at = i + a + b + 2;
        let c = run(at);
        (1..=4).contains(&c) && !(at + c < n && re_word(chars[at + c]))
    })
}

/// `_TIME_RANGE_RE.search`: `\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?\s*[-–—]\s*\d`, ignoring case.
fn time_range(raw: &str) -> bool {
    let chars: Vec<char> = raw.chars().collect();
    let n = chars.len();
    let digit = |k: usize| k < n && is(chars[k], RE_DIGIT);
    let skip_space = |mut k: usize| {
        while k < n && re_space(chars[k]) {
            k += 1;
        }
        k
    };
    let dash_then_digit =
        |k: usize| k < n && matches!(chars[k], '-' | '–' | '—') && digit(skip_space(k + 1));
    let after = |p: usize| {
        let q = skip_space(p);
        if dash_then_digit(q) {
            return true;
        }
        if q < n && matches!(chars[q], 'a' | 'A' | 'p' | 'P') {
            let mut m = q + 1;
            if m < n && chars[m] == '.' {
                m += 1;
            }
            if m < n && matches!(chars[m], 'm' | 'M') {
                let mut e = m + 1;
                if e < n && chars[e] == '.' {
                    e += 1;
                }
                return dash_then_digit(skip_space(e));
            }
        }
        false
    };
    (0..n).any(|i| {
        digit(i)
            && (after(i + 1)
                || (i + 3 < n
                    && matches!(chars[i + 1], ':' | '.')
                    && digit(i + 2)
                    && digit(i + 3)
                    && after(i + 4)))
    })
}

const CRUMB_SEPARATORS: &str = "›»>|/•·→";

/// `_CRUMB_SPLIT_RE.split(raw)`, or None when it does not split (`_CRUMB_MARK_RE`).
fn crumb_pieces(raw: &str) -> Option<Vec<String>> {
    if !raw
        .chars()
        .any(|c| CRUMB_SEPARATORS.contains(c) || c == '-' || c == '–')
    {
        return None;
    }
    let chars: Vec<char> = raw.chars().collect();
    let n = chars.len();
    let at = |i: usize| -> Option<usize> {
        if i > 0 && re_space(chars[i - 1]) {
            return None;
        }
        let mut j = i;
        while j < n && re_space(chars[j]) {
            j += 1;
        }
        let c = *chars.get(j)?;
        let sep = CRUMB_SEPARATORS.contains(c)
            || ((c == '-' || c == '–') && j > i && chars.get(j + 1).is_some_and(|&d| re_space(d)));
        if !sep {
            return None;
        }
        let mut k = j + 1;
        while k < n && re_space(chars[k]) {
            k += 1;
        }
        Some(k)
    };
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut i = 0;
    while i < n {
        match at(i) {
            Some(end) => {
                pieces.push(chars[piece_start..i].iter().collect());
                piece_start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if pieces.is_empty() {
        return None;
    }
    pieces.push(chars[piece_start..].iter().collect());
    Some(pieces)
}

// -- the families -----------------------------------------------------------------------------

/// The phrase sets of the families (the reference's attribute names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum S {
    Buttons,
    FormLines,
    Fields,
    NavLines,
    Home,
    Labels,
    DateWords,
    Known,
    Headers,
    ShareLines,
    LinesSet,
    BarWords,
    Networks,
}

impl S {
    const ALL: [S; 13] = [
        S::Buttons,
        S::FormLines,
        S::Fields,
        S::NavLines,
        S::Home,
        S::Labels,
        S::DateWords,
        S::Known,
        S::Headers,
        S::ShareLines,
        S::LinesSet,
        S::BarWords,
        S::Networks,
    ];

    fn name(self) -> &'static str {
        match self {
            S::Buttons => "buttons",
            S::FormLines => "form_lines",
            S::Fields => "fields",
            S::NavLines => "nav_lines",
            S::Home => "home",
            S::Labels => "labels",
            S::DateWords => "date_words",
            S::Known => "known",
            S::Headers => "headers",
            S::ShareLines => "share_lines",
            S::LinesSet => "lines_set",
            S::BarWords => "bar_words",
            S::Networks => "networks",
        }
    }
}

/// The phrase searches of the families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Q {
    Consent,
    Cookie,
    Address,
    Actions,
    ButtonPhrase,
    FormPhrase,
    Prompt,
    NavPhrase,
    Newsletter,
    Signup,
}

impl Q {
    const ALL: [Q; 10] = [
        Q::Consent,
        Q::Cookie,
        Q::Address,
        Q::Actions,
        Q::ButtonPhrase,
        Q::FormPhrase,
        Q::Prompt,
        Q::NavPhrase,
        Q::Newsletter,
        Q::Signup,
    ];

    fn name(self) -> &'static str {
        match self {
            Q::Consent => "consent",
            Q::Cookie => "cookie",
            Q::Address => "address",
            Q::Actions => "actions",
            Q::ButtonPhrase => "button_phrase",
            Q::FormPhrase => "form_phrase",
            Q::Prompt => "prompt",
            Q::NavPhrase => "nav_phrase",
            Q::Newsletter => "newsletter",
            Q::Signup => "signup",
        }
    }
}

/// The parameters of the families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Window,
    MaxWords,
    MaxControlWords,
    MaxPromptWords,
    EdgeLabels,
    MinRun,
    RunShare,
    RunWords,
    MaxSignupWords,
    MinDateRun,
}

impl P {
    const ALL: [P; 10] = [
        P::Window,
        P::MaxWords,
        P::MaxControlWords,
        P::MaxPromptWords,
        P::EdgeLabels,
        P::MinRun,
        P::RunShare,
        P::RunWords,
        P::MaxSignupWords,
        P::MinDateRun,
    ];

    fn name(self) -> &'static str {
        match self {
            P::Window => "window",
            P::MaxWords => "max_words",
            P::MaxControlWords => "max_control_words",
            P::MaxPromptWords => "max_prompt_words",
            P::EdgeLabels => "edge_labels",
            P::MinRun => "min_run",
            P::RunShare => "run_share",
            P::RunWords => "run_words",
            P::MaxSignupWords => "max_signup_words",
            P::MinDateRun => "min_date_run",
        }
    }
}

/// Which family a [`Family`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cookie,
    CommentForm,
    Navigation,
    Widget,
    Share,
}

impl Kind {
    /// The family of a reason code (`boilerplate.cookie`, ...).
    pub fn from_reason(reason: &str) -> Option<Kind> {
        Some(match reason {
            "boilerplate.cookie" => Kind::Cookie,
            "boilerplate.comment_form" => Kind::CommentForm,
            "boilerplate.navigation" => Kind::Navigation,
            "boilerplate.widget" => Kind::Widget,
            "boilerplate.share" => Kind::Share,
            _ => return None,
        })
    }
}

/// One family's phrase sets, searches and parameters, as the Python filter has them.
#[derive(Debug)]
pub struct Family {
    kind: Kind,
    sets: Vec<PhraseSet>,
    searches: Vec<Option<Search>>,
    params: Vec<f64>,
}

/// The phrase sets, searches and parameters each family needs (names as in the reference).
pub fn requirements(
    kind: Kind,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
) {
    match kind {
        Kind::Cookie => (
            &["buttons"],
            &["consent", "cookie", "address", "actions", "button_phrase"],
            &["window", "max_words", "max_control_words"],
        ),
        Kind::CommentForm => (
            &["form_lines", "fields"],
            &["form_phrase", "prompt"],
            &["window", "max_words", "max_prompt_words"],
        ),
        Kind::Navigation => (
            &["nav_lines", "home", "labels"],
            &["nav_phrase"],
            &["edge_labels", "min_run", "run_share", "run_words"],
        ),
        Kind::Widget => (
            &["date_words", "known"],
            &["newsletter", "signup"],
            &["window", "max_signup_words", "min_date_run"],
        ),
        Kind::Share => (
            &[
                "headers",
                "share_lines",
                "lines_set",
                "bar_words",
                "networks",
            ],
            &[],
            &[],
        ),
    }
}

/// What a family's rules say of a line's text alone, remembered for the rounds of a run.
#[derive(Debug, Clone, Copy, Default)]
struct TextFacts {
    /// Holds whatever the neighbours say.
    a: bool,
    /// Holds when the line is a bare label (`plain` and not before a code token).
    b: bool,
    /// A third fact of the family.
    c: bool,
    /// A fourth fact of the family.
    d: bool,
    /// Running text (navigation).
    e: bool,
    /// Short enough for a menu run (navigation).
    f: bool,
}

impl Family {
    /// A family of `kind` from its normalized phrase sets, searches (items and `prefix`) and
    /// numeric parameters; an error names what is missing.
    pub fn new(
        kind: Kind,
        sets: HashMap<String, Vec<String>>,
        searches: HashMap<String, (Vec<String>, bool)>,
        params: HashMap<String, f64>,
    ) -> Result<Self, String> {
        let (need_sets, need_searches, need_params) = requirements(kind);
        for name in need_sets {
            if !sets.contains_key(*name) {
                return Err(format!("missing phrase set {name:?}"));
            }
        }
        for name in need_searches {
            if !searches.contains_key(*name) {
                return Err(format!("missing search {name:?}"));
            }
        }
        for name in need_params {
            if !params.contains_key(*name) {
                return Err(format!("missing parameter {name:?}"));
            }
        }
        let mut sets = sets;
        let mut searches = searches;
        let mut built = Vec::with_capacity(Q::ALL.len());
        for q in Q::ALL {
            built.push(match searches.remove(q.name()) {
                Some((items, prefix)) => Some(Search::new(&items, prefix)?),
                None => None,
            });
        }
        Ok(Family {
            kind,
            sets: S::ALL
                .iter()
                .map(|s| PhraseSet::new(sets.remove(s.name()).unwrap_or_default()))
                .collect(),
            searches: built,
            params: P::ALL
                .iter()
                .map(|p| params.get(p.name()).copied().unwrap_or(0.0))
                .collect(),
        })
    }

    #[inline]
    fn set(&self, which: S) -> &PhraseSet {
        &self.sets[which as usize]
    }

    #[inline]
    fn search(&self, which: Q, norm: &str) -> bool {
        self.searches[which as usize]
            .as_ref()
            .is_some_and(|s| s.search(norm))
    }

    #[inline]
    fn param(&self, which: P) -> f64 {
        self.params[which as usize]
    }

    fn text_facts(&self, t: &LineText) -> TextFacts {
        let n = t.size as f64;
        let norm = t.norm.as_str();
        let mut f = TextFacts::default();
        if self.kind == Kind::Navigation {
            f.e = is_prose(&t.raw, t.size);
            f.f = n <= self.param(P::RunWords) && !sentence_end(&t.raw);
        }
        if norm.is_empty() {
            return f;
        }
        match self.kind {
            Kind::Cookie => {
                f.a = self.is_banner(t);
                f.b = t.size <= 6 && t.plain && self.set(S::Buttons).split(norm);
            }
            Kind::CommentForm => {
                if n <= self.param(P::MaxWords) {
                    f.b = t.plain && self.set(S::FormLines).whole(norm);
                    f.a = t.phrase
                        && (self.search(Q::FormPhrase, norm)
                            || (n <= self.param(P::MaxPromptWords)
                                && self.search(Q::Prompt, norm)));
                }
                f.c = t.plain && self.set(S::Fields).whole(norm);
            }
            Kind::Navigation => {
                let labels = self.set(S::Labels);
                f.b = (t.plain && self.set(S::NavLines).whole(norm))
                    || (3 <= t.size
                        && t.size <= 12
                        && norm.matches(' ').count() >= 2
                        && t.plain
                        && labels.split(norm));
                f.a = (t.size <= 20 && t.phrase && self.search(Q::NavPhrase, norm))
                    || (t.size <= 16 && self.is_breadcrumb(&t.raw));
                f.c = t.plain && !t.lead_in && labels.whole(norm);
            }
            Kind::Widget => {
                let known = self.set(S::Known);
                let rest = if t.plain && t.size <= 12 {
                    self.set(S::DateWords).without(norm)
                } else {
                    String::new()
                };
                if t.size <= 12 && t.plain {
                    f.b = known.whole(norm) || (!rest.is_empty() && known.whole(&rest));
                }
                f.a = n <= self.param(P::MaxSignupWords)
                    && t.phrase
                    && self.search(Q::Newsletter, norm)
                    && self.search(Q::Signup, norm);
                // A date or connector alone (as a bare label).
                f.c = t.size <= 8 && t.plain && rest.is_empty();
                // Not a time range: read only of a date standing alone.
                f.d = f.c && !time_range(&t.raw);
            }
            Kind::Share => {
                // b: a share line; c: a network alone (needs what leads the list); d: only
                // on a bare label at all.
                if !t.plain || t.size > 12 {
                    return f;
                }
                f.d = true;
                if t.lead_in {
                    f.b = self.set(S::Headers).whole(norm);
                    return f;
                }
                if self.set(S::ShareLines).whole(norm) {
                    f.b = true;
                    return f;
                }
                let networks = self.set(S::Networks);
                if networks.whole(norm) {
                    f.c = true;
                    return f;
                }
                let lines_set = self.set(S::LinesSet);
                f.b = self.set(S::BarWords).split(norm)
                    && py_split(norm).any(|w| networks.whole(w) || lines_set.whole(w));
            }
        }
        f
    }

    fn is_banner(&self, t: &LineText) -> bool {
        let norm = t.norm.as_str();
        let n = t.size as f64;
        if n > self.param(P::MaxWords) {
            return false;
        }
        let mut has_cookie = false;
        if t.phrase {
            if self.search(Q::Consent, norm) {
                return true;
            }
            has_cookie = self.search(Q::Cookie, norm);
            if has_cookie {
                if self.search(Q::Address, norm) {
                    return true;
                }
                if n <= self.param(P::MaxControlWords) && self.search(Q::Actions, norm) {
                    return true;
                }
            }
        }
        if t.size <= 12 && t.raw.contains('=') && config_pairs(&t.raw) >= 2 {
            return has_cookie || self.search(Q::ButtonPhrase, norm);
        }
        false
    }

    fn is_breadcrumb(&self, raw: &str) -> bool {
        let Some(pieces) = crumb_pieces(raw) else {
            return false;
        };
        let parts: Vec<String> = pieces
            .iter()
            .map(|p| normalize(p))
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 || parts.iter().any(|p| size(p) > 5) {
            return false;
        }
        if self.set(S::Home).whole(&parts[0]) {
            return true;
        }
        let labels = self.set(S::Labels);
        parts.len() >= 3 && parts.iter().all(|p| labels.whole(p))
    }

    /// `find`: the positions (in `lines`) of the lines to remove.
    fn find(&self, texts: &[LineText], lines: &[PageLine], facts: &[TextFacts]) -> Vec<bool> {
        let n = lines.len();
        let text = |pos: usize| &texts[lines[pos].text];
        let fact = |pos: usize| facts[lines[pos].text];
        match self.kind {
            Kind::Cookie => {
                let seeds: Vec<bool> = (0..n).map(|p| fact(p).a).collect();
                let buttons: Vec<bool> = (0..n)
                    .map(|p| {
                        let t = text(p);
                        if t.norm.is_empty() {
                            t.symbol
                        } else {
                            fact(p).b && !lines[p].code
                        }
                    })
                    .collect();
                self.seeds_and_spread(texts, lines, seeds, &buttons)
            }
            Kind::CommentForm => {
                let seeds: Vec<bool> = (0..n)
                    .map(|p| {
                        let f = fact(p);
                        f.a || (f.b && !lines[p].code)
                    })
                    .collect();
                let fields: Vec<bool> = (0..n)
                    .map(|p| {
                        let t = text(p);
                        if t.norm.is_empty() {
                            t.symbol || t.counter
                        } else {
                            fact(p).c && !lines[p].code
                        }
                    })
                    .collect();
                self.seeds_and_spread(texts, lines, seeds, &fields)
            }
            Kind::Navigation => self.find_navigation(texts, lines, facts),
            Kind::Widget => self.find_widgets(texts, lines, facts),
            Kind::Share => (0..n)
                .map(|p| {
                    let f = fact(p);
                    if lines[p].code || !f.d {
                        return false;
                    }
                    if f.c {
                        return match lines[p].lead {
                            None => true,
                            Some(l) => self.set(S::ShareLines).whole(&texts[l].norm),
                        };
                    }
                    f.b
                })
                .collect(),
        }
    }

    fn seeds_and_spread(
        &self,
        texts: &[LineText],
        lines: &[PageLine],
        mut seeds: Vec<bool>,
        candidate: &[bool],
    ) -> Vec<bool> {
        let reached = spread(texts, lines, &seeds, candidate, self.param(P::Window));
        for (s, r) in seeds.iter_mut().zip(reached) {
            *s |= r;
        }
        seeds
    }

    fn find_navigation(
        &self,
        texts: &[LineText],
        lines: &[PageLine],
        facts: &[TextFacts],
    ) -> Vec<bool> {
        let n = lines.len();
        let strong: Vec<bool> = lines
            .iter()
            .map(|l| {
                let f = facts[l.text];
                f.a || (f.b && !l.code)
            })
            .collect();
        let mut hits = strong.clone();
        if self.param(P::EdgeLabels) == 0.0 {
            return hits;
        }
        let labels_set = self.set(S::Labels);
        let labels: Vec<bool> = lines
            .iter()
            .map(|l| {
                facts[l.text].c
                    && !l.code
                    && l.lead
                        .map_or(true, |lead| labels_set.whole(&texts[lead].norm))
            })
            .collect();
        let prose: Vec<usize> = (0..n)
            .filter(|&p| !strong[p] && facts[lines[p].text].e)
            .collect();
        let (first, last) = match (prose.first(), prose.last()) {
            (Some(&f), Some(&l)) => (f as isize, l as isize),
            _ => (n as isize, -1),
        };
        for p in 0..n {
            if labels[p] && ((p as isize) < first || (p as isize) > last) {
                hits[p] = true;
            }
        }
        // `_menu_runs`: labels in runs of short lines.
        let short = |p: usize| facts[lines[p].text].f;
        let min_run = self.param(P::MinRun);
        let share = self.param(P::RunShare);
        let mut run: Vec<usize> = Vec::new();
        for pos in 0..=n {
            if pos < n && short(pos) {
                run.push(pos);
                continue;
            }
            let in_run: Vec<usize> = run.iter().copied().filter(|&p| labels[p]).collect();
            let k = in_run.len() as f64;
            if k >= min_run && share * (run.len() as f64) <= k {
                for p in in_run {
                    hits[p] = true;
                }
            }
            run.clear();
        }
        hits
    }

    fn find_widgets(
        &self,
        texts: &[LineText],
        lines: &[PageLine],
        facts: &[TextFacts],
    ) -> Vec<bool> {
        let n = lines.len();
        let mut widget = vec![false; n];
        let mut fragment = vec![false; n];
        let mut dated = vec![false; n];
        let mut counter = vec![false; n];
        for (p, l) in lines.iter().enumerate() {
            let t = &texts[l.text];
            let f = facts[l.text];
            if t.norm.is_empty() {
                fragment[p] = t.counter || (t.raw.chars().count() <= 24 && numeric_date(&t.raw));
                counter[p] = t.counter;
            } else {
                widget[p] = f.a || (f.b && !l.code);
                fragment[p] = f.c && !l.code;
                dated[p] = fragment[p] && !widget[p] && f.d;
            }
        }
        // `_date_runs`.
        let min_date_run = self.param(P::MinDateRun);
        let mut seeds = widget;
        let mut run: Vec<usize> = Vec::new();
        for pos in 0..=n {
            if pos < n && counter[pos] && !run.is_empty() {
                continue;
            }
            if pos < n && dated[pos] {
                run.push(pos);
                continue;
            }
            if run.len() as f64 >= min_date_run {
                for &p in &run {
                    seeds[p] = true;
                }
            }
            run.clear();
        }
        self.seeds_and_spread(texts, lines, seeds, &fragment)
    }

    /// `_LineFamily.__call__`: the family's rules on `page` until they remove nothing more.
    /// Returns the removed lines' positions in the document (sorted) and the page of the
    /// document without them (`_pass_on`).
    pub fn run(&self, page: &Page) -> (Vec<usize>, Page) {
        let texts = page.texts.as_slice();
        // What the rules say of each line's text, read once for every round of the fixpoint.
        let mut facts = vec![TextFacts::default(); texts.len()];
        for l in &page.lines {
            facts[l.text] = self.text_facts(&texts[l.text]);
        }
        let mut lines = page.lines.clone();
        let mut where_ = page.where_.clone();
        let mut removed = Vec::new();
        loop {
            let hits = self.find(texts, &lines, &facts);
            if !hits.iter().any(|&h| h) {
                break;
            }
            let mut order = Vec::with_capacity(lines.len());
            let mut kept_where = Vec::with_capacity(lines.len());
            for (pos, hit) in hits.iter().enumerate() {
                if *hit {
                    removed.push(where_[pos]);
                } else {
                    order.push(lines[pos].text);
                    kept_where.push(where_[pos]);
                }
            }
            lines = relink(texts, order);
            where_ = kept_where;
        }
        removed.sort_unstable();
        let where_ = where_
            .iter()
            .map(|&i| i - removed.partition_point(|&g| g < i))
            .collect();
        let rest = Page {
            texts: Arc::clone(&page.texts),
            lines,
            where_,
        };
        (removed, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_like_the_reference() {
        assert_eq!(normalize("  Leave a Reply: "), "leave a reply");
        assert_eq!(normalize("1.2K Views · 3 min read"), "views min read");
        assert_eq!(normalize("اترك تعليقاً"), "اترك تعليقا");
        assert_eq!(normalize("12kb 3k"), "kb");
        assert_eq!(normalize("Été ﬁne"), "ete fine");
    }

    #[test]
    fn sizes() {
        assert_eq!(size("leave a reply"), 3);
        assert_eq!(size("发表评论"), 2);
        assert_eq!(size(""), 0);
    }

    #[test]
    fn phrase_sets() {
        let s = PhraseSet::new(["facebook", "twitter", "e mail"].map(String::from));
        assert!(s.whole("twitter"));
        assert!(s.split("facebook twitter e mail"));
        assert!(!s.split("facebook is great"));
        let d = PhraseSet::new(["on", "may"].map(String::from));
        assert_eq!(d.without("published on may"), "published");
    }

    #[test]
    fn searches_respect_word_edges() {
        let s = Search::new(&["cookie".to_owned()], true).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.search("cookieeinstellungen"));
        assert!(!s.search("xcookie"));
        let s = Search::new(&["we use".to_owned()], false).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.search("yes we use cookies"));
        assert!(!s.search("we used"));
    }

    #[test]
    fn raw_line_patterns() {
        assert!(count_fullmatch("(1.2K)") && count_fullmatch("12") && !count_fullmatch("1234"));
        assert!(symbol("×") && !symbol("a") && !symbol("****"));
        assert_eq!(config_pairs("a=1 b='x' c"), 2);
        assert!(numeric_date("12.05.2024") && !numeric_date("12.05.20245"));
        assert!(time_range("Monday 9:30 am - 6 pm") && !time_range("9 am"));
        assert_eq!(
            crumb_pieces("Home > World / Asia"),
            Some(vec!["Home".into(), "World".into(), "Asia".into()])
        );
        assert_eq!(
            crumb_pieces("a / / b"),
            Some(vec!["a".into(), "/ b".into()])
        );
        assert_eq!(crumb_pieces("e-mail"), None);
    }
}
