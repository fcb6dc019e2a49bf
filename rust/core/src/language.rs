//! What the language steps ask of every line (`corpusclean/language/scripts.py`,
//! `language/stopwords.py`, and the per-line classes of `filters/language.py`'s
//! `ForeignLines._classify`), for a whole document at once.
//!
//! [`Tables::facts`] reads each line once: its letters per script (`script_counts`), its words
//! (`tokens`) and the stopwords among them (`hit_counts`), and the shapes `_title_case` and
//! `_quoted` look for. The document's aggregates (`profile`, `main_script_of_lines`, the line
//! votes of `own_scripts`) and the lines' classes are then computed from those facts, for any
//! subset of the lines, without reading the text again. Characters are classified by
//! `unicode_tables_language.rs`, generated from the interpreter and `regex`; the lists (script
//! weights, stopwords, close languages) come from the Python modules through [`Tables::new`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::unicode::{is, RX_DIGIT, RX_WORD};
use crate::unicode_tables_language::{
    CHAR_RUNS, LETTER, LOWER, LOWERS, MARK, NO_SCRIPT, SCRIPT_NAMES,
};

pub use crate::unicode_tables_language::{
    SAMPLE_DENSE, SAMPLE_LATIN, SAMPLE_LETTER, SAMPLE_SPACE, SAMPLE_WORD, UPPER, VERSION,
};

/// How many scripts are told apart (`SCRIPTS` and `OTHER`).
pub const SCRIPTS: usize = SCRIPT_NAMES.len();
/// `scripts.KANA`, Hiragana and Katakana together: the number after the scripts (it is last in
/// `_ORDER`, the order of ties).
pub const KANA: u8 = SCRIPTS as u8;

/// `SCRIPTS + (OTHER,)` as the character table has them.
#[must_use]
pub fn script_names() -> Vec<String> {
    SCRIPT_NAMES.iter().map(|&s| s.to_owned()).collect()
}

/// A script's number by name (`Kana` included), or `None`.
#[must_use]
pub fn script_number(name: &str) -> Option<u8> {
    if name == "Kana" {
        return Some(KANA);
    }
    SCRIPT_NAMES
        .iter()
        .position(|&n| n == name)
        .and_then(|i| u8::try_from(i).ok())
}

/// The name of a script number (`Kana` included).
#[must_use]
pub fn script_name(script: u8) -> &'static str {
    SCRIPT_NAMES
        .get(usize::from(script))
        .copied()
        .unwrap_or("Kana")
}

fn number(name: &str) -> u8 {
    script_number(name).unwrap_or(NO_SCRIPT)
}

/// The (script, letter and mark bits) of a code point.
fn search(cp: u32) -> u32 {
    let at = CHAR_RUNS.partition_point(|&(start, _)| start <= cp);
    CHAR_RUNS[at.saturating_sub(1)].1
}

/// The Basic Multilingual Plane's values, one entry per code point (built once).
fn bmp() -> &'static [u32] {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| (0..0x10000).map(search).collect())
}

#[inline]
fn char_value(c: char) -> u32 {
    let cp = c as u32;
    if cp < 0x10000 {
        bmp()[cp as usize]
    } else {
        search(cp)
    }
}

/// `scripts.char_script`: the script number of `c`, or [`NO_SCRIPT`].
#[inline]
#[must_use]
pub fn char_script(c: char) -> u8 {
    (char_value(c) >> 16) as u8
}

/// Every character with the bit `class` of the table (`SAMPLE_LETTER`, `UPPER`, ...), in
/// code point order.
#[must_use]
pub fn members(class: u32) -> String {
    let mut out = String::new();
    for (at, &(start, value)) in CHAR_RUNS.iter().enumerate() {
        if value & class == 0 {
            continue;
        }
        let end = CHAR_RUNS.get(at + 1).map_or(0x11_0000, |r| r.0);
        out.extend((start..end).filter_map(char::from_u32));
    }
    out
}

#[inline]
fn letter(c: char) -> bool {
    char_value(c) & LETTER != 0
}

#[inline]
fn letter_or_mark(c: char) -> bool {
    char_value(c) & (LETTER | MARK) != 0
}

/// `str.lower()` of one character: itself, or what `LOWER` maps it to. (`str.lower` lowers a
/// final capital sigma to `ς` and any other to `σ`; [`Tables::new`] refuses stopwords with
/// either, so the tokens' stopwords and counts never depend on the difference.)
#[inline]
fn lower(c: char) -> Option<&'static str> {
    if c.is_ascii() || char_value(c) & LOWERS == 0 {
        return None;
    }
    LOWER
        .binary_search_by_key(&(c as u32), |&(cp, _)| cp)
        .ok()
        .map(|at| LOWER[at].1)
}

/// `round(x, 4)` of a float: the nearest decimal of four places (ties to even, on the exact
/// binary value), read back as a float, as CPython rounds.
fn round4(x: f64) -> f64 {
    format!("{x:.4}").parse().unwrap_or(x)
}

/// Letters per script, in the order the text first uses them (`script_counts`).
pub type Counts = Vec<(u8, u64)>;

/// One line's facts: what every later question about it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFacts {
    /// `not text.strip()`.
    pub blank: bool,
    /// `script_counts(text)`.
    pub counts: Counts,
    /// `len(tokens(text))`.
    pub words: usize,
    /// `hit_counts(tokens(text))`: per stopword language number, the different stopwords and
    /// those of two letters or more, for the languages with a hit (sorted by number).
    pub hits: Vec<(u16, u32, u32)>,
    /// `_title_case(text)`.
    pub title_case: bool,
    /// `_QUOTE_START_RE` or `_QUOTE_END_RE` find a quotation mark in `text.strip()`.
    pub quote_mark: bool,
    /// `_SENTENCE_END_RE` matches `text.strip()`.
    pub sentence_end: bool,
    /// `line_vote(text)`: main script, square root of the weighted letters, heaviest script.
    pub vote: (Option<u8>, f64, Option<u8>),
    /// `has_letters(text)`.
    pub letters: bool,
    /// `len(text)`.
    pub chars: usize,
}

impl LineFacts {
    /// `_quoted(text, words)`.
    #[must_use]
    pub fn quoted(&self) -> bool {
        self.quote_mark || (self.words >= 4 && self.sentence_end)
    }

    /// `hits.get(language, 0)` and `long_hits.get(language, 0)`.
    pub(crate) fn hits_of(&self, language: Option<u16>) -> (u32, u32) {
        language
            .and_then(|l| self.hits.iter().find(|h| h.0 == l))
            .map_or((0, 0), |h| (h.1, h.2))
    }
}

/// The class of a line for `ForeignLines` (`Kind`), and [`Kind::Pending`] for a line whose
/// stopwords name a rival language, which langdetect decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Blank,
    Neutral,
    Home,
    Open,
    Weak,
    Foreign,
    Edge,
    Pending,
}

/// `ForeignLines._classify`'s answer for one line, without langdetect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Class {
    pub kind: Kind,
    pub words: usize,
    pub quoted: bool,
    pub sure: bool,
    /// The line is given to the document's language (`_Line.language`).
    pub tagged: bool,
    /// The line has the reason `language.foreign_script`: the dominant script of its letters
    /// outside the document's and their share (the detail).
    pub script: Option<(u8, f64)>,
}

impl Class {
    fn new(kind: Kind, words: usize) -> Self {
        Self {
            kind,
            words,
            quoted: false,
            sure: false,
            tagged: false,
            script: None,
        }
    }
}

/// `ForeignLines`' parameters that `_classify` reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub script_share: f64,
    pub min_words: usize,
    pub min_stopwords: u32,
    pub lone_min_words: usize,
    pub min_score: f64,
    pub weak_score: f64,
    pub interior_run: usize,
    pub max_foreign_share: f64,
}

/// The document's language as `_classify` reads it.
#[derive(Debug, Clone)]
pub struct Language<'a> {
    pub code: &'a str,
    /// `SCRIPT_LANGUAGE.get(written_in(language) or "") == language`.
    pub home_sure: bool,
}

/// `profile`, `main_script_of_lines` and the line votes of `own_scripts`, over some lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub main: Option<u8>,
    pub profile: Vec<(u8, f64)>,
    /// Lines per heaviest script (`line_vote(line)[2]`), by script number.
    pub by_line: [u64; SCRIPTS],
    pub counted: u64,
}

/// The tables of `scripts.py` and `stopwords.py`.
pub struct Tables {
    weights: [u64; SCRIPTS],
    pub(crate) unspaced: [bool; SCRIPTS],
    dense: [bool; SCRIPTS],
    languages: Vec<String>,
    stopwords: StopwordIndex,
    longest: usize,
    close: Vec<Vec<String>>,
}

/// What [`Tables::new`] refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    UnknownScript(String),
    Sigma(String),
    Languages(usize),
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownScript(s) => write!(f, "unknown script {s:?}"),
            Self::Sigma(w) => write!(f, "stopword {w:?} has a Greek sigma"),
            Self::Languages(n) => write!(f, "{n} stopword languages: expected at most 65535"),
        }
    }
}

impl std::error::Error for TableError {}

const LATIN: u8 = 0;

impl Tables {
    /// The tables: `WEIGHTS` (script name, weight), `UNSPACED`, the dense scripts of
    /// `main_script` (`_DENSE`), `STOPWORDS` (language, words) and `CLOSE_LANGUAGES`.
    ///
    /// # Errors
    /// A script name not in `SCRIPTS`, a stopword with `σ` or `ς` (see [`lower`]), or too many
    /// languages.
    pub fn new(
        weights: &[(String, u64)],
        unspaced: &[String],
        dense: &[String],
        stopwords: &[(String, Vec<String>)],
        close: Vec<Vec<String>>,
    ) -> Result<Self, TableError> {
        let known = |name: &String| {
            script_number(name)
                .filter(|&s| s < KANA)
                .map(usize::from)
                .ok_or_else(|| TableError::UnknownScript(name.clone()))
        };
        let mut w = [1u64; SCRIPTS];
        for (name, weight) in weights {
            w[known(name)?] = *weight;
        }
        let mut u = [false; SCRIPTS];
        for name in unspaced {
            u[known(name)?] = true;
        }
        let mut d = [false; SCRIPTS];
        for name in dense {
            d[known(name)?] = true;
        }
        if stopwords.len() > usize::from(u16::MAX) {
            return Err(TableError::Languages(stopwords.len()));
        }
        let mut languages = Vec::with_capacity(stopwords.len());
        let mut index = StopwordIndex::default();
        let mut longest = 0;
        for (l, (language, words)) in stopwords.iter().enumerate() {
            languages.push(language.clone());
            let l = u16::try_from(l).map_err(|_| TableError::Languages(stopwords.len()))?;
            for word in words {
                if word.contains(['σ', 'ς']) {
                    return Err(TableError::Sigma(word.clone()));
                }
                longest = longest.max(word.len());
                let langs = index.entry(word.clone()).or_default();
                if !langs.contains(&l) {
                    langs.push(l);
                }
            }
        }
        Ok(Self {
            weights: w,
            unspaced: u,
            dense: d,
            languages,
            stopwords: index,
            longest,
            close,
        })
    }

    /// The stopword language number of `code`.
    pub(crate) fn language(&self, code: &str) -> Option<u16> {
        self.languages
            .iter()
            .position(|l| l == code)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The code of a stopword language number.
    #[must_use]
    pub fn language_code(&self, language: u16) -> &str {
        self.languages
            .get(usize::from(language))
            .map_or("", String::as_str)
    }

    /// `are_close(a, b)`.
    #[must_use]
    pub fn are_close(&self, a: &str, b: &str) -> bool {
        a == b
            || self
                .close
                .iter()
                .any(|g| g.iter().any(|x| x == a) && g.iter().any(|x| x == b))
    }

    fn weight(&self, script: u8) -> u64 {
        self.weights.get(usize::from(script)).copied().unwrap_or(1)
    }

    /// The facts of every line of a document; `words` false leaves the tokens out (then
    /// `words` and `hits` are 0 and empty).
    #[must_use]
    pub fn facts<S: AsRef<str>>(&self, lines: &[S], words: bool) -> Vec<LineFacts> {
        let mut token = String::new();
        let mut seen: Vec<(&str, &[u16])> = Vec::new();
        lines
            .iter()
            .map(|line| self.line(line.as_ref(), words, &mut token, &mut seen))
            .collect()
    }

    fn line<'t>(
        &'t self,
        text: &str,
        words: bool,
        token: &mut String,
        seen: &mut Vec<(&'t str, &'t [u16])>,
    ) -> LineFacts {
        // One pass over the characters: letters per script, `_WORD_RE`'s words for
        // `_title_case` (the length of the current one, 0 outside, and whether it starts with
        // an uppercase character), and the tokens of `text.lower()`.
        let mut counts: Counts = Vec::new();
        let (mut word_len, mut word_upper, mut long, mut title) = (0usize, false, 0usize, true);
        let (mut chars, mut letters) = (0usize, false);
        let mut tokens = Tokens {
            tables: self,
            token,
            seen,
            n: 0,
        };
        tokens.seen.clear();
        tokens.token.clear();
        let bmp = bmp();
        for c in text.chars() {
            let v = match bmp.get(c as usize) {
                Some(&v) => v,
                None => search(c as u32),
            };
            chars += 1;
            letters |= v & LETTER != 0;
            let script = (v >> 16) as u8;
            if script != NO_SCRIPT {
                match counts.iter_mut().find(|x| x.0 == script) {
                    Some(x) => x.1 += 1,
                    None => counts.push((script, 1)),
                }
            }
            if word_len > 0 {
                if v & (LETTER | MARK) != 0 || matches!(c, '\'' | '’' | '-') {
                    word_len += 1;
                } else {
                    // Not a letter: no word starts here either.
                    if word_len >= 4 {
                        long += 1;
                        title &= word_upper;
                    }
                    word_len = 0;
                }
            } else if v & LETTER != 0 {
                word_len = 1;
                word_upper = v & UPPER != 0;
            }
            if words {
                if c.is_ascii() {
                    tokens.push(c.to_ascii_lowercase(), v & (LETTER | MARK) != 0);
                } else if v & LOWERS != 0 {
                    for d in lower(c).unwrap_or_default().chars() {
                        tokens.push(d, letter_or_mark(d));
                    }
                } else {
                    tokens.push(c, v & (LETTER | MARK) != 0);
                }
            }
        }
        if word_len >= 4 {
            long += 1;
            title &= word_upper;
        }
        tokens.end();
        let n_words = tokens.n;
        let hits = if words {
            Self::hits(tokens.seen)
        } else {
            Vec::new()
        };
        let stripped = crate::unicode::py_strip(text);
        let heavy = counts.iter().map(|&(s, n)| (s, n * self.weight(s)));
        let total: u64 = heavy.clone().map(|(_, n)| n).sum();
        // `sum(heavy.values()) ** 0.5`: float pow of the int's float, as CPython computes it.
        #[allow(clippy::cast_precision_loss)]
        let weight = (total as f64).powf(0.5);
        LineFacts {
            blank: stripped.is_empty(),
            words: n_words,
            hits,
            title_case: long >= 2 && title,
            quote_mark: quote_start(stripped) || quote_end(stripped),
            sentence_end: sentence_end(stripped),
            vote: (self.main_script(&counts), weight, dominant_of(heavy)),
            counts,
            letters,
            chars,
        }
    }

    /// `hit_counts` of the different stopwords `seen` (with their languages).
    fn hits(seen: &[(&str, &[u16])]) -> Vec<(u16, u32, u32)> {
        let mut hits: Vec<(u16, u32, u32)> = Vec::new();
        for &(word, languages) in seen {
            let long = u32::from(word.chars().nth(1).is_some());
            for &l in languages {
                match hits.iter_mut().find(|h| h.0 == l) {
                    Some(h) => {
                        h.1 += 1;
                        h.2 += long;
                    }
                    None => hits.push((l, 1, long)),
                }
            }
        }
        hits.sort_unstable_by_key(|h| h.0);
        hits
    }

    /// `main_script(counts)`.
    #[must_use]
    pub fn main_script(&self, counts: &[(u8, u64)]) -> Option<u8> {
        // Most lines have letters of one script: the answer without a list of weights.
        match counts {
            [] => return None,
            &[(s, n)] if !self.dense.get(usize::from(s)).copied().unwrap_or(true) => {
                return (n * self.weight(s) > 0).then_some(s);
            }
            _ => {}
        }
        let mut w: Vec<(u8, u64)> = counts
            .iter()
            .map(|&(s, n)| (s, n * self.weight(s)))
            .collect();
        let latin = w.iter().find(|x| x.0 == LATIN).map_or(0, |x| x.1);
        let total: u64 = w.iter().map(|x| x.1).sum();
        if latin != 0 && (total - latin) * 2 >= latin {
            w.retain(|x| x.0 != LATIN);
        }
        let best = dominant(&w)?;
        if !self.dense[usize::from(best)] {
            return Some(best);
        }
        let get = |name: &str| {
            let s = number(name);
            w.iter().find(|x| x.0 == s).map_or(0, |x| x.1)
        };
        let kana = get("Hiragana") + get("Katakana");
        let hangul = get("Hangul");
        if hangul != 0 && hangul >= kana {
            return Some(number("Hangul"));
        }
        let dense: u64 = w
            .iter()
            .filter(|x| self.dense[usize::from(x.0)])
            .map(|x| x.1)
            .sum();
        if kana * 10 >= dense {
            return Some(KANA);
        }
        Some(number("Han"))
    }

    /// `profile`, `main_script_of_lines` and `own_scripts`' line votes over the lines `alive`
    /// of `facts` (every line when `None`).
    #[must_use]
    pub fn summary(&self, facts: &[LineFacts], alive: Option<&[usize]>) -> Summary {
        let mut totals: Vec<(u8, u64)> = Vec::new();
        let mut votes: Vec<(u8, f64)> = Vec::new();
        let mut by_line = [0u64; SCRIPTS];
        let mut counted = 0;
        let mut visit = |f: &LineFacts| {
            for &(s, n) in &f.counts {
                let n = n * self.weight(s);
                match totals.iter_mut().find(|t| t.0 == s) {
                    Some(t) => t.1 += n,
                    None => totals.push((s, n)),
                }
            }
            if let Some(main) = f.vote.0 {
                match votes.iter_mut().find(|v| v.0 == main) {
                    Some(v) => v.1 += f.vote.1,
                    None => votes.push((main, 0.0 + f.vote.1)),
                }
            }
            if let Some(best) = f.vote.2 {
                by_line[usize::from(best)] += 1;
                counted += 1;
            }
        };
        match alive {
            None => facts.iter().for_each(&mut visit),
            Some(alive) => alive
                .iter()
                .filter_map(|&i| facts.get(i))
                .for_each(&mut visit),
        }
        let n: u64 = totals.iter().map(|t| t.1).sum();
        let mut profile = Vec::new();
        if n != 0 {
            totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            #[allow(clippy::cast_precision_loss)]
            profile.extend(
                totals
                    .iter()
                    .map(|&(s, c)| (s, round4(c as f64 / n as f64))),
            );
        }
        Summary {
            main: dominant(&votes),
            profile,
            by_line,
            counted,
        }
    }

    /// `script_counts` of the lines `alive` of `facts` joined by newlines (every line when
    /// `None`): their letters per script, in the order the joined text first uses each.
    #[must_use]
    pub fn joined_counts(facts: &[LineFacts], alive: Option<&[usize]>) -> Counts {
        let mut counts: Counts = Vec::new();
        let mut add = |f: &LineFacts| {
            for &(s, n) in &f.counts {
                match counts.iter_mut().find(|c| c.0 == s) {
                    Some(c) => c.1 += n,
                    None => counts.push((s, n)),
                }
            }
        };
        match alive {
            None => facts.iter().for_each(&mut add),
            Some(alive) => alive
                .iter()
                .filter_map(|&i| facts.get(i))
                .for_each(&mut add),
        }
        counts
    }

    /// `_stopword_language(tokens(line))`: the stopword language number the line's stopwords
    /// name, or `None`.
    #[must_use]
    pub fn stopword_language(&self, f: &LineFacts) -> Option<u16> {
        // `max(sorted(hits), key=hits.__getitem__)`: the first code, in sorted order, with the
        // most hits.
        let mut best: Option<(u16, u32)> = None;
        for &(l, n, _) in &f.hits {
            let better = match best {
                None => true,
                Some((b, m)) => n > m || (n == m && self.language_code(l) < self.language_code(b)),
            };
            if better {
                best = Some((l, n));
            }
        }
        let (best, n) = best?;
        let code = self.language_code(best);
        if n < 2
            || f.hits
                .iter()
                .any(|&(l, m, _)| m >= n && !self.are_close(self.language_code(l), code))
        {
            return None;
        }
        Some(best)
    }

    /// `ForeignLines._classify(text, language, own, budget)` for the lines `alive` of
    /// `facts`, up to langdetect: a line it would ask about is [`Kind::Pending`].
    /// For each stopword language, whether it is close to `code` (`are_close`).
    pub(crate) fn close_to(&self, code: &str) -> Vec<bool> {
        self.languages
            .iter()
            .map(|l| self.are_close(l, code))
            .collect()
    }

    #[must_use]
    pub fn classify(
        &self,
        facts: &[LineFacts],
        alive: &[usize],
        language: &Language<'_>,
        own: &[u8],
        params: &Params,
    ) -> Vec<Class> {
        let doc = self.language(language.code);
        let close = self.close_to(language.code);
        let own_set = script_set(own);
        let hiragana_own = own_set[usize::from(number("Hiragana"))];
        alive
            .iter()
            .filter_map(|&i| facts.get(i))
            .map(|f| self.class(f, language, doc, &close, &own_set, hiragana_own, params))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn class(
        &self,
        f: &LineFacts,
        language: &Language<'_>,
        doc: Option<u16>,
        close: &[bool],
        own: &[bool],
        hiragana_own: bool,
        params: &Params,
    ) -> Class {
        if f.blank {
            return Class::new(Kind::Blank, 0);
        }
        if f.counts.is_empty() {
            return Class::new(Kind::Neutral, 0);
        }
        let words = f.words;
        let share = self.foreign_share(&f.counts, own);
        let main = f.vote.0;
        if share > params.script_share || (main == Some(KANA) && !hiragana_own) {
            let foreign: Vec<(u8, u64)> = f
                .counts
                .iter()
                .copied()
                .filter(|&(s, _)| !own[usize::from(s)])
                .collect();
            let script = dominant(&foreign).unwrap_or(number("Other"));
            let mut class = Class::new(Kind::Foreign, words);
            class.quoted = f.quoted();
            class.script = Some((script, share));
            if script == LATIN && (words < params.min_words || !f.hits.iter().any(|h| h.2 != 0)) {
                class.kind = if share == 1.0 {
                    Kind::Edge
                } else {
                    Kind::Neutral
                };
            }
            return class;
        }
        if dominant(&f.counts).is_some_and(|s| self.unspaced[usize::from(s)]) {
            let letters: u64 = f.counts.iter().map(|x| x.1).sum();
            if language.code == "ja"
                && main == Some(number("Han"))
                && letters >= 2 * params.lone_min_words as u64
            {
                let mut class = Class::new(Kind::Open, words);
                class.quoted = f.quoted();
                return class;
            }
            let kind = if letters >= 4 {
                Kind::Home
            } else {
                Kind::Neutral
            };
            let mut class = Class::new(kind, words);
            class.sure = true;
            return class;
        }
        if words < params.min_words {
            return Class::new(Kind::Neutral, words);
        }
        if language.code == "und" {
            return Class::new(Kind::Home, words);
        }
        let (own_hits, _) = f.hits_of(doc);
        let most = f.hits.iter().map(|h| h.1).max().unwrap_or(0);
        if own_hits > 0 && own_hits >= most {
            let sure = f
                .hits
                .iter()
                .all(|&(l, n, _)| close[usize::from(l)] || own_hits > n);
            let mut class = Class::new(Kind::Home, words);
            class.tagged = true;
            class.sure = sure;
            return class;
        }
        let rivals = f.hits.iter().any(|&(l, n, long)| {
            n >= params.min_stopwords && own_hits * 3 <= n && long != 0 && !close[usize::from(l)]
        });
        if rivals && !f.title_case {
            return Class::new(Kind::Pending, words);
        }
        if own_hits != 0 || (doc.is_none() && f.hits.is_empty()) {
            let mut class = Class::new(Kind::Home, words);
            class.tagged = own_hits != 0;
            class.sure = language.home_sure;
            return class;
        }
        let mut class = Class::new(Kind::Open, words);
        class.quoted = f.quoted();
        class
    }

    /// `foreign_share(counts, own)`.
    fn foreign_share(&self, counts: &[(u8, u64)], own: &[bool]) -> f64 {
        let (mut total, mut foreign) = (0u64, 0u64);
        for &(s, n) in counts {
            let n = n * self.weight(s);
            total += n;
            if !own[usize::from(s)] {
                foreign += n;
            }
        }
        if total == 0 {
            return 0.0;
        }
        #[allow(clippy::cast_precision_loss)]
        round4(foreign as f64 / total as f64)
    }
}

/// `tokens(text)` as a line is read: runs of letters and marks of `text.lower()`, counted, and
/// the different stopwords among them.
struct Tokens<'a, 't> {
    tables: &'t Tables,
    token: &'a mut String,
    seen: &'a mut Vec<(&'t str, &'t [u16])>,
    n: usize,
}

impl<'t> Tokens<'_, 't> {
    #[inline]
    fn push(&mut self, c: char, letter_or_mark: bool) {
        if letter_or_mark {
            self.token.push(c);
        } else if !self.token.is_empty() {
            self.end();
        }
    }

    fn end(&mut self) {
        if self.token.is_empty() {
            return;
        }
        self.n += 1;
        if self.token.len() <= self.tables.longest {
            if let Some((word, languages)) =
                self.tables.stopwords.get_key_value(self.token.as_str())
            {
                // The words seen are keys of the index: the same key is the same address.
                if !self
                    .seen
                    .iter()
                    .any(|&(s, _)| std::ptr::eq(s, word.as_str()))
                {
                    self.seen.push((word.as_str(), languages.as_slice()));
                }
            }
        }
        self.token.clear();
    }
}

/// FNV-1a, for the stopword table's short keys.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

type StopwordIndex = HashMap<String, Vec<u16>, BuildHasherDefault<Fnv>>;

/// Membership of script numbers (`Kana` included).
pub(crate) fn script_set(scripts: &[u8]) -> [bool; SCRIPTS + 1] {
    let mut set = [false; SCRIPTS + 1];
    for &s in scripts {
        if let Some(x) = set.get_mut(usize::from(s)) {
            *x = true;
        }
    }
    set
}

/// `script_counts(text)`.
#[must_use]
pub fn count_items(text: &str) -> Counts {
    let mut counts: Counts = Vec::new();
    for c in text.chars() {
        let s = char_script(c);
        if s == NO_SCRIPT {
            continue;
        }
        match counts.iter_mut().find(|x| x.0 == s) {
            Some(x) => x.1 += 1,
            None => counts.push((s, 1)),
        }
    }
    counts
}

/// `dominant_script(counts)`: the first script, in the order of the scripts, with the largest
/// positive count (letters, or votes).
#[must_use]
pub fn dominant<T: PartialOrd + Copy + Default>(counts: &[(u8, T)]) -> Option<u8> {
    dominant_of(counts.iter().copied())
}

/// [`dominant`] of counts given one by one.
pub fn dominant_of<T: PartialOrd + Copy + Default>(
    counts: impl IntoIterator<Item = (u8, T)>,
) -> Option<u8> {
    let mut best: Option<(u8, T)> = None;
    for (s, n) in counts {
        let better = match best {
            None => n > T::default(),
            Some((b, m)) => n > m || (n == m && s < b),
        };
        if better {
            best = Some((s, n));
        }
    }
    best.map(|b| b.0)
}

/// `_title_case(text)`: every word (`\p{L}[\p{L}\p{M}'’-]*`) of four characters or more starts
/// with a character `str.isupper` accepts, and there are two such words or more.
#[must_use]
pub fn title_case(text: &str) -> bool {
    let mut long = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !letter(c) {
            continue;
        }
        let mut len = 1;
        while let Some(&d) = chars.peek() {
            if letter_or_mark(d) || matches!(d, '\'' | '’' | '-') {
                len += 1;
                chars.next();
            } else {
                break;
            }
        }
        if len >= 4 {
            if char_value(c) & UPPER == 0 {
                return false;
            }
            long += 1;
        }
    }
    long >= 2
}

/// `_QUOTES`, as [`is_quote`] has them.
#[cfg(test)]
const QUOTES: &str = "\"'“”„‟«»‹›‘’‚「」『』";

/// Is `c` one of `_QUOTES`? (A `match`: this is asked of most characters of a line's ends.)
#[inline]
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '‘'
            | '’'
            | '‚'
            | '「'
            | '」'
            | '『'
            | '』'
    )
}

fn word(c: char) -> bool {
    is(c, RX_WORD)
}

/// `_QUOTE_START_RE.search(text)`: `^\W*[quotes]`.
fn quote_start(text: &str) -> bool {
    for c in text.chars() {
        if is_quote(c) {
            return true;
        }
        if word(c) {
            return false;
        }
    }
    false
}

/// `_QUOTE_END_RE.search(text)`: `[quotes][\W\d]*$` (the text is stripped: no final newline
/// for `$` to stand before).
fn quote_end(text: &str) -> bool {
    for c in text.chars().rev() {
        if is_quote(c) {
            return true;
        }
        if word(c) && !is(c, RX_DIGIT) {
            return false;
        }
    }
    false
}

/// `_SENTENCE_END_RE.search(text)`: `[.!?。！？؟।…]["'”»’)\]]*$` (closers and enders share no
/// character).
fn sentence_end(text: &str) -> bool {
    text.chars()
        .rev()
        .find(|&c| !"\"'”»’)]".contains(c))
        .is_some_and(|c| ".!?。！？؟।…".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> Tables {
        let s = |x: &str| x.to_owned();
        Tables::new(
            &[
                (s("Han"), 3),
                (s("Hiragana"), 3),
                (s("Katakana"), 3),
                (s("Hangul"), 3),
            ],
            &[
                "Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar", "Tibetan",
            ]
            .map(s),
            &["Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"].map(s),
            &[
                (s("en"), vec![s("the"), s("of"), s("a")]),
                (s("fr"), vec![s("le"), s("la"), s("de"), s("l")]),
            ],
            vec![vec![s("no"), s("da")]],
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn counts_and_votes() {
        let t = tables();
        let f = &t.facts(&["Москва (Moscow), 2024", "東京は晴れです", ""], true);
        assert_eq!(f[0].counts, vec![(1, 6), (0, 6)]);
        assert_eq!(f[0].words, 2);
        assert_eq!(f[1].vote.0, Some(KANA));
        assert!(f[2].blank && f[2].counts.is_empty());
        let s = t.summary(f, None);
        assert_eq!(s.profile[0], (number("Hiragana"), 0.3636));
        assert_eq!(
            Tables::joined_counts(f, None),
            count_items("Москва (Moscow), 2024\n東京は晴れです\n")
        );
        assert_eq!(Tables::joined_counts(f, Some(&[1, 9])), f[1].counts);
    }

    #[test]
    fn tokens_and_hits() {
        let t = tables();
        let f = &t.facts(&["L'homme de LA table, la"], true)[0];
        assert_eq!(f.words, 6);
        assert_eq!(f.hits, vec![(1, 3, 2)]);
        assert_eq!(t.stopword_language(f), Some(1));
    }

    #[test]
    fn one_pass_is_the_separate_functions() {
        let t = tables();
        let texts = [
            "The Death and Life of Marsha P. Johnson",
            "Leave this field",
            "ÉTÉ Über Ὀδυσσεύς's Long-Run Name",
            "İSTANBUL KİTAP ŞEHRİ",
            "Abcd-efg Hijk",
            "",
        ];
        for (f, text) in t.facts(&texts, true).iter().zip(texts) {
            assert_eq!(f.title_case, title_case(text), "{text}");
            assert_eq!(f.counts, count_items(text), "{text}");
        }
    }

    #[test]
    fn quotes_are_the_list() {
        for cp in 0..0x11_0000 {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(is_quote(c), QUOTES.contains(c), "{c:?}");
            }
        }
    }

    #[test]
    fn shapes() {
        assert!(title_case("The Death and Life of Marsha P. Johnson"));
        assert!(!title_case("Leave this field"));
        assert!(quote_start("— «Bonjour"));
        assert!(quote_end("il a dit » 12."));
        assert!(sentence_end("Done.\")"));
        assert!(!sentence_end("Done!x"));
        assert_eq!(round4(0.03125), 0.0312);
    }
}
