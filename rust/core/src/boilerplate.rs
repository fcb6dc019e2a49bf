//! `filters/boilerplate.py`: the boilerplate line families (cookie banners, comment forms,
//! navigation, page widgets, share bars), one document at a time.
//!
//! A [`Page`] holds what the reference's `_text` says of every non-blank line of a document
//! (its normalized form, size and flags) and the neighbourhood `_relink` gives it; a [`Family`]
//! runs one family's rules on a page to their fixpoint, as `_LineFamily.__call__` does, and
//! answers the document's lines it removes and the page of what is left, which the next family
//! reads without measuring the lines again. The phrase tables come normalized from Python
//! (`_union` of the reference), so both sides read the same phrases. A family's whole-line
//! sets are one hash table ([`Phrases`]) keyed by a hash grown word by word, which the page
//! computes once per short line, so a line's look-up in all of a family's sets is one probe and
//! a split into phrases hashes no word twice. Phrases inside a line are found by one
//! Aho-Corasick automaton per table set, with the word-edge tests of `phrase_search` applied to
//! each occurrence (time linear in the line); in a line of letters and spaces alone the edges
//! are the spaces, and a search with `prefix` is one pass of an automaton of the phrases each
//! after a space.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored};

use crate::unicode::{
    flags, is, push_casefold, py_split, py_strip, RE_DIGIT, RE_SPACE, RE_WORD, RX_CJK,
    RX_MARK_NONSPACING, RX_WORD,
};
use crate::unicode_tables::CASEFOLD;
#[cfg(test)]
use crate::unicode_tables_families::COMBINING;
use crate::unicode_tables_families::NFKD;

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

#[cfg(test)]
use crate::encoding::combining;

/// Calls `f` with each character of `unicodedata.normalize("NFKD", c)`, before the canonical
/// reordering of combining marks (see [`normalize`]).
#[inline]
fn for_nfkd(c: char, mut f: impl FnMut(char)) {
    let cp = c as u32;
    if cp < 0xA0 {
        f(c);
        return;
    }
    if (0xAC00..0xD7A4).contains(&cp) {
        // Hangul syllables: the Unicode algorithm (what unicodedata does).
        let i = cp - 0xAC00;
        let parts = [0x1100 + i / 588, 0x1161 + (i % 588) / 28, 0x11A7 + i % 28];
        let count = if i % 28 == 0 { 2 } else { 3 };
        parts[..count]
            .iter()
            .filter_map(|&p| char::from_u32(p))
            .for_each(f);
        return;
    }
    match NFKD.binary_search_by_key(&cp, |&(k, _)| k) {
        Ok(at) => NFKD[at].1.chars().for_each(f),
        Err(_) => f(c),
    }
}

/// The characters of the Basic Multilingual Plane past ASCII that `normalize` keeps as they
/// are (no case folding, no decomposition, no mark, no letter fold), one bit each (8 KiB,
/// built once): most letters of a page, read without a table search.
fn kept_as_is() -> &'static [u64] {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut bits = vec![u64::MAX; 0x10000 / 64];
        let mut clear = |cp: u32| {
            if let Some(word) = bits.get_mut(cp as usize / 64) {
                *word &= !(1u64 << (cp % 64));
            }
        };
        (0..0x80).for_each(&mut clear);
        (0xAC00..0xD7A4).for_each(&mut clear);
        CASEFOLD.iter().for_each(|&(cp, _)| clear(cp));
        NFKD.iter().for_each(|&(cp, _)| clear(cp));
        ['\u{640}', 'ى', 'ی', 'ة', 'ٱ', 'ک']
            .into_iter()
            .for_each(|c| clear(c as u32));
        for cp in 0x80..0x10000 {
            if char::from_u32(cp).map_or(true, |c| is(c, RX_MARK_NONSPACING)) {
                clear(cp);
            }
        }
        bits
    })
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

/// The last steps of `normalize` on a stream of characters: counters dropped (`_COUNTER_RE`:
/// a k, m or b right after a digit and before no letter is a counter's), every run of
/// non-letters one space, none at the ends. A character is written once the next one is known.
struct Letters<'a> {
    out: &'a mut String,
    start: usize,
    words: usize,
    gap: bool,
    before: Option<char>,
    pending: Option<char>,
}

impl<'a> Letters<'a> {
    fn new(out: &'a mut String) -> Self {
        let start = out.len();
        Letters {
            out,
            start,
            words: 0,
            gap: false,
            before: None,
            pending: None,
        }
    }

    #[inline]
    fn push(&mut self, c: char) {
        if let Some(p) = self.pending.replace(c) {
            self.write(p, Some(c));
        }
    }

    /// [`Letters::push`] of each character of `run`, ASCII text, lowercased: a run of letters
    /// is written at once. Every character but the last knows the next one, so only the last
    /// is left pending.
    fn push_ascii(&mut self, run: &str) {
        let bytes = run.as_bytes();
        let Some((&last, body)) = bytes.split_last() else {
            return;
        };
        if let Some(p) = self.pending.take() {
            self.write(p, Some(char::from(bytes[0].to_ascii_lowercase())));
        }
        let n = body.len();
        let mut k = 0;
        while k < n {
            if !body[k].is_ascii_alphabetic() {
                self.gap = true;
                k += 1;
                continue;
            }
            let mut e = k + 1;
            while e < n && body[e].is_ascii_alphabetic() {
                e += 1;
            }
            // A counter's k, m or b is a letter alone, after a digit, before no letter.
            let counter = e == k + 1
                && matches!(body[k].to_ascii_lowercase(), b'k' | b'm' | b'b')
                && match k.checked_sub(1) {
                    Some(b) => body[b].is_ascii_digit(),
                    None => self.before.is_some_and(|b| is(b, RE_DIGIT)),
                }
                && !body.get(e).copied().unwrap_or(last).is_ascii_alphabetic();
            if counter {
                self.gap = true;
            } else {
                self.letter_next();
                let at = self.out.len();
                self.out.push_str(&run[k..e]);
                self.out[at..].make_ascii_lowercase();
            }
            k = e;
        }
        if let Some(&b) = body.last() {
            self.before = Some(char::from(b.to_ascii_lowercase()));
        }
        self.pending = Some(char::from(last.to_ascii_lowercase()));
    }

    /// [`Letters::push`] of what `c` becomes: casefolded, decomposed, without marks and
    /// tatweel, Arabic and Persian variants folded (`folded` is room for the casefolding).
    fn push_folded(&mut self, c: char, folded: &mut String) {
        folded.clear();
        push_casefold(c, folded);
        for d in folded.chars() {
            for_nfkd(d, |e| {
                if e != '\u{640}' && !is(e, RX_MARK_NONSPACING) {
                    self.push(letter_fold(e));
                }
            });
        }
    }

    /// Before a letter is written: the space of a gap before it, and the count of words.
    #[inline]
    fn letter_next(&mut self) {
        if self.out.len() == self.start {
            self.words = 1;
        } else if self.gap {
            self.out.push(' ');
            self.words += 1;
        }
        self.gap = false;
    }

    #[inline]
    fn write(&mut self, c: char, next: Option<char>) {
        let letter = re_letter(c)
            && !(matches!(c, 'k' | 'm' | 'b')
                && self.before.is_some_and(|b| is(b, RE_DIGIT))
                && !next.is_some_and(re_letter));
        if letter {
            self.letter_next();
            self.out.push(c);
        } else {
            self.gap = true;
        }
        self.before = Some(c);
    }

    /// The number of words written.
    fn finish(mut self) -> usize {
        if let Some(p) = self.pending.take() {
            self.write(p, None);
        }
        self.words
    }
}

/// `normalize`: casefolded, compatibility-decomposed, without combining marks, counters,
/// digits or punctuation, spaces folded.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _words = normalize_into(text, &mut out);
    out
}

/// [`normalize`] of `text` appended to `out`; returns the number of its words.
///
/// One pass, character by character. NFKD also sorts each run of characters of nonzero
/// combining class by class; that order cannot change the answer, so it is not restored: such a
/// character is a mark, dropped with `\p{Mn}` or else neither letter nor digit (a test checks
/// every one in the table), so it only ever stands in a gap, where order does not matter.
pub fn normalize_into(text: &str, out: &mut String) -> usize {
    if text.is_ascii() {
        return normalize_ascii(text, out);
    }
    let mut letters = Letters::new(out);
    let mut folded = String::new();
    let kept = kept_as_is();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Most characters of a line that is not ASCII still are: a run of them at a time.
        let run = i;
        while i < bytes.len() && bytes[i].is_ascii() {
            i += 1;
        }
        if i > run {
            letters.push_ascii(&text[run..i]);
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        let cp = c as usize;
        if kept.get(cp / 64).is_some_and(|w| w & (1 << (cp % 64)) != 0) {
            letters.push(c);
            continue;
        }
        letters.push_folded(c, &mut folded);
    }
    letters.finish()
}

/// [`normalize`] of ASCII text: the same steps on bytes (letters are ASCII letters, digits
/// ASCII digits, and casefolding is lowercasing), a run of letters at a time: a counter's k, m
/// or b is a run of one letter right after a digit.
fn normalize_ascii(text: &str, out: &mut String) -> usize {
    let bytes = text.as_bytes();
    let start = out.len();
    let mut words = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
            j += 1;
        }
        let counter = j == i + 1
            && matches!(bytes[i].to_ascii_lowercase(), b'k' | b'm' | b'b')
            && i > 0
            && bytes[i - 1].is_ascii_digit();
        if !counter {
            if out.len() > start {
                out.push(' ');
            }
            words += 1;
            let at = out.len();
            out.push_str(&text[i..j]);
            out[at..].make_ascii_lowercase();
        }
        i = j;
    }
    words
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
        return norm.bytes().filter(|&b| b == b' ').count() + 1;
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

const FX: u64 = 0x517c_c1b7_2722_0a95;

/// The hash of one word: the Fx hash of rustc (a multiply per 8 bytes), with its length. The
/// phrase tables hold no input of an adversary's choosing, only the tables, and every hit is
/// checked against the phrase's text.
#[inline]
fn word_hash(word: &str) -> u64 {
    let bytes = word.as_bytes();
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(FX);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(FX);
    }
    h
}

/// A phrase's hash grown by one more word.
#[inline]
fn join_hash(phrase: u64, word: u64) -> u64 {
    (phrase.rotate_left(5) ^ word).wrapping_mul(FX)
}

/// The hash of a phrase with no word yet.
const EMPTY_PHRASE: u64 = 0x243f_6a88_85a3_08d3;

/// The hash of `text` as a phrase: its pieces between single spaces, word by word, so that a
/// phrase's hash can be grown from its words' hashes ([`Phrases::split`]).
fn phrase_hash(text: &str) -> u64 {
    text.split(' ')
        .fold(EMPTY_PHRASE, |h, w| join_hash(h, word_hash(w)))
}

/// Hashes the keys of [`Phrases`], which are hashes already: one multiply spreads their bits.
#[derive(Default, Clone, Copy)]
struct Rehash(u64);

impl Hasher for Rehash {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(FX);
        }
    }

    #[inline]
    fn write_u64(&mut self, h: u64) {
        self.0 = (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The bit of a [`Phrases`] mask saying the text is a phrase of set `k`.
#[inline]
const fn item(k: usize) -> u32 {
    1 << (2 * k)
}

/// The bit saying the text is the first words of a phrase of set `k` (or a whole one).
#[inline]
const fn start(k: usize) -> u32 {
    1 << (2 * k + 1)
}

/// The texts of one hash in [`Phrases`] (almost always one) and their masks.
type Entries = Vec<(Box<str>, u32)>;

/// Up to sixteen phrase sets (`PhraseSet` of the reference) in one table: each text that is a
/// phrase of a set, or the first words of one, with a mask of the sets it is that of, so that
/// one look-up answers every set of a family for a line.
#[derive(Debug, Default)]
pub struct Phrases {
    table: HashMap<u64, Entries, BuildHasherDefault<Rehash>>,
    /// The most words a text of the table has.
    longest: usize,
}

impl Phrases {
    /// The table of `sets` (set `k` at position `k`; at most sixteen).
    pub fn new(sets: &[Vec<String>]) -> Self {
        let mut out = Phrases::default();
        for (k, items) in sets.iter().enumerate().take(16) {
            for p in items {
                out.add(p, item(k) | start(k));
                for (at, c) in p.char_indices() {
                    if c == ' ' {
                        out.add(&p[..at], start(k));
                    }
                }
            }
        }
        out
    }

    fn add(&mut self, text: &str, bits: u32) {
        self.longest = self.longest.max(text.split(' ').count());
        let entry = self.table.entry(phrase_hash(text)).or_default();
        match entry.iter_mut().find(|(t, _)| &**t == text) {
            Some((_, mask)) => *mask |= bits,
            None => entry.push((text.into(), bits)),
        }
    }

    /// The mask of `text`, whose [`phrase_hash`] is `hash`.
    #[inline]
    fn mask(&self, hash: u64, text: &str) -> u32 {
        self.table
            .get(&hash)
            .and_then(|e| e.iter().find(|(t, _)| &**t == text))
            .map_or(0, |&(_, mask)| mask)
    }

    /// The mask of the text with hash `hash` for which `same` holds.
    #[inline]
    fn mask_where(&self, hash: u64, mut same: impl FnMut(&str) -> bool) -> u32 {
        self.table
            .get(&hash)
            .and_then(|e| e.iter().find(|(t, _)| same(t)))
            .map_or(0, |&(_, mask)| mask)
    }

    /// `PhraseSet.whole` of set `k`.
    pub fn whole(&self, k: usize, norm: &str) -> bool {
        self.mask(phrase_hash(norm), norm) & item(k) != 0
    }

    /// `PhraseSet.split` of set `k`: whether the words are a sequence of phrases of the set,
    /// found by a left-to-right pass over word positions.
    fn split_words(&self, k: usize, words: Words<'_>) -> bool {
        let n = words.len();
        if n == 0 {
            return false;
        }
        let mut small = [false; HASHED_WORDS + 1];
        let mut large = Vec::new();
        let reach: &mut [bool] = if n <= HASHED_WORDS {
            &mut small[..=n]
        } else {
            large.resize(n + 1, false);
            &mut large
        };
        reach[0] = true;
        for first in 0..n {
            if !reach[first] {
                continue;
            }
            let mut h = EMPTY_PHRASE;
            for (stop, reached) in reach.iter_mut().enumerate().skip(first + 1) {
                h = join_hash(h, words.hashes[stop - 1]);
                let mask = self.mask_where(h, |t| t == words.run(first, stop));
                if mask & start(k) == 0 {
                    break;
                }
                if mask & item(k) != 0 {
                    *reached = true;
                }
            }
        }
        reach[n]
    }

    /// `PhraseSet.split` of set `k`.
    pub fn split(&self, k: usize, norm: &str) -> bool {
        self.split_words(k, OwnedWords::new(norm).words())
    }

    /// `PhraseSet.without` of set `k`: the words that are not phrases of the set, joined by
    /// spaces.
    pub fn without(&self, k: usize, norm: &str) -> String {
        let owned = OwnedWords::new(norm);
        let words = owned.words();
        let mut out = String::new();
        for i in (0..words.len()).filter(|&i| !self.has_word(k, words, i)) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(words.word(i));
        }
        out
    }

    /// Whether word `i` of `words` is a phrase of set `k`.
    #[inline]
    fn has_word(&self, k: usize, words: Words<'_>, i: usize) -> bool {
        let h = join_hash(EMPTY_PHRASE, words.hashes[i]);
        self.mask_where(h, |t| t == words.word(i)) & item(k) != 0
    }
}

/// Words between single spaces in `text` (at `bounds`), with their hashes: the words `a..b`
/// are the text from the start of `a` to the end of `b - 1`.
#[derive(Debug, Clone, Copy)]
struct Words<'a> {
    text: &'a str,
    bounds: &'a [(usize, usize)],
    hashes: &'a [u64],
}

impl<'a> Words<'a> {
    fn len(&self) -> usize {
        self.hashes.len()
    }

    fn word(&self, i: usize) -> &'a str {
        let (a, b) = self.bounds[i];
        &self.text[a..b]
    }

    /// The words `first..stop` joined by single spaces.
    fn run(&self, first: usize, stop: usize) -> &'a str {
        &self.text[self.bounds[first].0..self.bounds[stop - 1].1]
    }
}

/// The words of any text (`str.split()`) rejoined by single spaces, for [`Words`].
struct OwnedWords {
    text: String,
    bounds: Vec<(usize, usize)>,
    hashes: Vec<u64>,
}

impl OwnedWords {
    fn new(text: &str) -> Self {
        let mut out = OwnedWords {
            text: String::with_capacity(text.len()),
            bounds: Vec::new(),
            hashes: Vec::new(),
        };
        for w in py_split(text) {
            if !out.text.is_empty() {
                out.text.push(' ');
            }
            out.bounds.push((out.text.len(), out.text.len() + w.len()));
            out.text.push_str(w);
            out.hashes.push(word_hash(w));
        }
        out
    }

    fn words(&self) -> Words<'_> {
        Words {
            text: &self.text,
            bounds: &self.bounds,
            hashes: &self.hashes,
        }
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
    /// With `prefix`: the phrases, each after a space.
    spaced: Option<Spaced>,
    prefix: bool,
}

/// The phrases of a [`Search`] with `prefix`, each after a space: all of them, and those
/// written in ASCII alone (a smaller automaton, the only phrases an ASCII line can hold).
#[derive(Debug)]
struct Spaced {
    all: DFA,
    ascii: Option<DFA>,
}

impl Search {
    pub fn new(items: &[String], prefix: bool) -> Result<Self, String> {
        let items: Vec<&String> = items.iter().filter(|p| !p.is_empty()).collect();
        if items.is_empty() {
            return Ok(Search {
                automaton: None,
                spaced: None,
                prefix,
            });
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&items)
            .map_err(|e| e.to_string())?;
        let spaced = if prefix {
            let spaced = |ascii: bool| {
                DFA::new(
                    items
                        .iter()
                        .filter(|p| !ascii || p.is_ascii())
                        .map(|p| format!(" {p}")),
                )
                .map_err(|e| e.to_string())
            };
            let ascii = if items.iter().any(|p| p.is_ascii()) {
                Some(spaced(true)?)
            } else {
                None
            };
            Some(Spaced {
                all: spaced(false)?,
                ascii,
            })
        } else {
            None
        };
        Ok(Search {
            automaton: Some(automaton),
            spaced,
            prefix,
        })
    }

    pub fn search(&self, norm: &str) -> bool {
        let Some(automaton) = &self.automaton else {
            return false;
        };
        if self.spaced.is_some() && norm.chars().all(|c| c == ' ' || wordish(c)) {
            return self.search_spaced(norm);
        }
        automaton.find_overlapping_iter(norm).any(|m| {
            let before = norm[..m.start()].chars().next_back();
            if before.is_some_and(wordish) {
                return false;
            }
            self.prefix || !norm[m.end()..].chars().next().is_some_and(wordish)
        })
    }

    /// [`Search::search`] of a text whose characters are all spaces or letters a phrase may
    /// not touch (a normalized ASCII line).
    pub fn search_spaced(&self, norm: &str) -> bool {
        match &self.spaced {
            Some(spaced) if norm.is_ascii() => spaced
                .ascii
                .as_ref()
                .is_some_and(|dfa| starts_after_space(dfa, norm)),
            Some(spaced) => starts_after_space(&spaced.all, norm),
            None => self.search(norm),
        }
    }
}

/// Whether a phrase of `spaced` (each after a space) occurs in `text` after a space, `text`
/// read after one more space. When every character of `text` is a space or a letter a phrase
/// may not touch, the word edges are the start and the places after a space, so this is the
/// search of the phrases with `prefix`, in one pass over the bytes.
fn starts_after_space(spaced: &DFA, text: &str) -> bool {
    let Ok(mut state) = spaced.start_state(Anchored::No) else {
        return false;
    };
    for b in std::iter::once(b' ').chain(text.bytes()) {
        state = spaced.next_state(Anchored::No, state, b);
        if spaced.is_match(state) {
            return true;
        }
    }
    false
}

// -- lines and pages --------------------------------------------------------------------------

/// Lines with at most this many words keep their words' hashes in the page.
const HASHED_WORDS: usize = 16;

/// `_Text`: what a line's text alone says; its raw and normalized text are in the page's
/// [`Texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineText {
    /// Where the raw text is in the document's [`Lines`], the normalized one in [`Texts`].
    raw_at: (usize, usize),
    norm_at: (usize, usize),
    /// The words of the normalized text.
    words: usize,
    /// Where the words' hashes and bounds are in [`Texts`] (none kept past [`HASHED_WORDS`]).
    hashed: usize,
    /// [`phrase_hash`] of the normalized text (lines of at most [`HASHED_WORDS`] words).
    hash: u64,
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

impl LineText {
    /// Whether the normalized text is not empty.
    #[inline]
    pub fn letters(&self) -> bool {
        self.norm_at.1 > self.norm_at.0
    }

    /// Whether the words' hashes (and the line's) are kept.
    #[inline]
    fn is_hashed(&self) -> bool {
        self.words <= HASHED_WORDS
    }
}

/// A document's lines in one buffer: what the binding copies out of Python's strings while it
/// holds the interpreter, before the core reads them without it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    chars: String,
    bounds: Vec<(usize, usize)>,
}

impl Lines {
    pub fn push(&mut self, line: &str) {
        let at = self.chars.len();
        self.chars.push_str(line);
        self.bounds.push((at, self.chars.len()));
    }
}

/// The texts of a page's lines: the document's lines, the normalized texts in one buffer, the
/// words' hashes and bounds (of lines of at most [`HASHED_WORDS`] words) in two more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    raw: Lines,
    norms: String,
    hashes: Vec<u64>,
    bounds: Vec<(usize, usize)>,
    lines: Vec<LineText>,
}

/// One line of [`Texts`] with its text: what the families read (the text is sliced only
/// when a rule reads it: most lines are settled by their flags and sizes).
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    pub line: &'a LineText,
    texts: &'a Texts,
}

impl<'a> Text<'a> {
    #[inline]
    pub fn raw(&self) -> &'a str {
        let (a, b) = self.line.raw_at;
        &self.texts.raw.chars[a..b]
    }

    #[inline]
    pub fn norm(&self) -> &'a str {
        let (a, b) = self.line.norm_at;
        &self.texts.norms[a..b]
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = LineText;

    fn deref(&self) -> &LineText {
        self.line
    }
}

impl Texts {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line `i` (a position in the document's non-blank lines).
    #[inline]
    pub fn get(&self, i: usize) -> Text<'_> {
        Text {
            line: &self.lines[i],
            texts: self,
        }
    }

    /// Reads the document's line `raw` (`_text`), at `bounds` in the document's [`Lines`]:
    /// `gate` is the search of the gated tables.
    fn read(&mut self, bounds: (usize, usize), gate: &Search) {
        let raw = &self.raw.chars[bounds.0..bounds.1];
        let norm_at = self.norms.len();
        let words = normalize_into(raw, &mut self.norms);
        let norm = &self.norms[norm_at..];
        let hashed = self.hashes.len();
        let mut hash = 0;
        if norm.is_empty() {
            hash = phrase_hash("");
        } else if words <= HASHED_WORDS {
            hash = EMPTY_PHRASE;
            let bytes = norm.as_bytes();
            let mut first = 0;
            for end in 0..=bytes.len() {
                if end < bytes.len() && bytes[end] != b' ' {
                    continue;
                }
                let h = word_hash(&norm[first..end]);
                hash = join_hash(hash, h);
                self.hashes.push(h);
                self.bounds.push((norm_at + first, norm_at + end));
                first = end + 1;
            }
        }
        let bare = py_strip(raw);
        let line = LineText {
            raw_at: bounds,
            norm_at: (norm_at, self.norms.len()),
            words,
            hashed,
            hash,
            size: if raw.is_ascii() { words } else { size(norm) },
            plain: plain(raw),
            lead_in: bare.ends_with(':'),
            counter: count_fullmatch(bare),
            symbol: symbol(bare),
            token: matches!(bare, "(" | "." | "[" | "="),
            phrase: if raw.is_ascii() {
                // Letters and spaces only: the word edges are at the spaces.
                gate.search_spaced(norm)
            } else {
                gate.search(norm)
            },
        };
        self.lines.push(line);
    }
}

/// The words of a normalized line (`str.split()`: a normalized line has letters and single
/// spaces between them only) and their hashes: kept in the page for a short line.
fn with_words<R>(t: &Text<'_>, f: impl FnOnce(Words<'_>) -> R) -> R {
    if t.is_hashed() {
        let range = t.hashed..t.hashed + t.words;
        return f(Words {
            text: &t.texts.norms,
            bounds: &t.texts.bounds[range.clone()],
            hashes: &t.texts.hashes[range],
        });
    }
    f(OwnedWords::new(t.norm()).words())
}

/// Whether a byte is one of `_CODE_RE`'s ASCII characters, or starts a quotation mark it names.
const CODE_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let code = b";{}=[]_\"`\\\xe2";
    let mut i = 0;
    while i < code.len() {
        table[code[i] as usize] = true;
        i += 1;
    }
    table
};

/// `_plain`: no code, markup or quotation characters, and no call like `f(` or `()`.
fn plain(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        // “ ” „ are E2 80 9C, 9D and 9E in UTF-8.
        if CODE_BYTES[usize::from(b)]
            && (b != 0xE2
                || (bytes.get(i + 1) == Some(&0x80)
                    && bytes.get(i + 2).is_some_and(|c| (0x9C..=0x9E).contains(c))))
        {
            return false;
        }
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
    let n = bare.chars().take(4).count();
    (1..=3).contains(&n) && bare.chars().all(|c| !re_word(c) && !re_space(c))
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
    pub texts: Arc<Texts>,
    pub lines: Vec<PageLine>,
    pub where_: Vec<usize>,
}

impl Page {
    /// `_nonblank`: the page of a document's lines.
    pub fn new<S: AsRef<str>>(lines: &[S], gate: &Search) -> Self {
        let mut copied = Lines::default();
        for line in lines {
            copied.push(line.as_ref());
        }
        Page::read(copied, gate)
    }

    /// [`Page::new`] of lines already copied.
    pub fn read(lines: Lines, gate: &Search) -> Self {
        // Sized once: growing the buffers line by line costs more than reading the lines.
        let count = lines.bounds.len();
        let mut texts = Texts {
            norms: String::with_capacity(lines.chars.len()),
            hashes: Vec::with_capacity(count * 4),
            bounds: Vec::with_capacity(count * 4),
            lines: Vec::with_capacity(count),
            raw: lines,
        };
        let mut where_ = Vec::with_capacity(count);
        for i in 0..texts.raw.bounds.len() {
            let (a, b) = texts.raw.bounds[i];
            if !py_strip(&texts.raw.chars[a..b]).is_empty() {
                texts.read((a, b), gate);
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
fn relink(texts: &Texts, order: Vec<usize>) -> Vec<PageLine> {
    let mut out = Vec::with_capacity(order.len());
    let mut lead: Option<usize> = None;
    let mut before: Option<usize> = None;
    for (k, &t) in order.iter().enumerate() {
        if texts.lines[t].size > 6 {
            lead = None;
        } else if let Some(b) = before.filter(|&b| texts.lines[b].lead_in) {
            lead = Some(b);
        }
        before = Some(t);
        let code = order
            .get(k + 1)
            .is_some_and(|&next| texts.lines[next].token);
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
    texts: &Texts,
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
                if texts.lines[lines[pos].text].letters() {
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

/// The separators of `_CRUMB_SPLIT_RE` that need no spaces around them.
fn crumb_separator(c: char) -> bool {
    matches!(c, '›' | '»' | '>' | '|' | '/' | '•' | '·' | '→')
}

/// `_CRUMB_SPLIT_RE.split(raw)`, or None when it does not split (`_CRUMB_MARK_RE`).
fn crumb_pieces(raw: &str) -> Option<Vec<String>> {
    if !raw
        .chars()
        .any(|c| crumb_separator(c) || c == '-' || c == '–')
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
        let sep = crumb_separator(c)
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

/// One family's phrase sets, searches and parameters, as the Python filter has them.
#[derive(Debug)]
pub struct Family {
    kind: Kind,
    /// The phrase sets, set `S::X` at `X as usize`.
    phrases: Phrases,
    searches: Vec<Option<Search>>,
    params: Vec<f64>,
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
        let sets: Vec<Vec<String>> = S::ALL
            .iter()
            .map(|s| sets.remove(s.name()).unwrap_or_default())
            .collect();
        Ok(Family {
            kind,
            phrases: Phrases::new(&sets),
            searches: built,
            params: P::ALL
                .iter()
                .map(|p| params.get(p.name()).copied().unwrap_or(0.0))
                .collect(),
        })
    }

    /// The sets the normalized text of `t` is a phrase of (test with [`Family::has`]).
    #[inline]
    fn sets_of(&self, t: &Text<'_>) -> u32 {
        if t.is_hashed() {
            self.phrases.mask_where(t.hash, |x| x == t.norm())
        } else if t.words > self.phrases.longest {
            0
        } else {
            self.phrases.mask(phrase_hash(t.norm()), t.norm())
        }
    }

    /// Whether `mask` (of [`Family::sets_of`]) holds set `which`.
    #[inline]
    fn has(mask: u32, which: S) -> bool {
        mask & item(which as usize) != 0
    }

    /// `PhraseSet.whole` of a normalized text met in passing (a lead-in line, a breadcrumb's
    /// part).
    #[inline]
    fn whole(&self, which: S, norm: &str) -> bool {
        self.phrases.whole(which as usize, norm)
    }

    /// `PhraseSet.split` of the words of `t`.
    #[inline]
    fn split(&self, which: S, t: &Text<'_>) -> bool {
        with_words(t, |words| self.phrases.split_words(which as usize, words))
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

    /// `_LineFamily.__call__`: the family's rules on `page` until they remove nothing more.
    /// Returns the removed lines' positions in the document (sorted) and the page of the
    /// document without them (`_pass_on`).
    pub fn run(&self, page: &Page) -> (Vec<usize>, Page) {
        match self.kind {
            Kind::Cookie => run(&Cookie(self), page),
            Kind::CommentForm => run(&CommentForm(self), page),
            Kind::Navigation => run(&Navigation(self), page),
            Kind::Widget => run(&Widget(self), page),
            Kind::Share => run(&Share(self), page),
        }
    }
}

/// A family's rules: what they say of a line's text alone (`line_facts`, less what depends on
/// the neighbours, read once per run) and which lines of a page go (`find`).
trait Rules {
    type Facts: Copy + Default;

    fn facts(&self, t: &Text<'_>) -> Self::Facts;

    /// The positions (in `lines`) of the lines to remove.
    fn find(&self, texts: &Texts, lines: &[PageLine], facts: &[Self::Facts]) -> Vec<bool>;
}

/// `_LineFamily.__call__` of the rules `rules`.
fn run<R: Rules>(rules: &R, page: &Page) -> (Vec<usize>, Page) {
    let texts = &*page.texts;
    let mut facts = vec![R::Facts::default(); texts.len()];
    for l in &page.lines {
        facts[l.text] = rules.facts(&texts.get(l.text));
    }
    let mut lines = page.lines.clone();
    let mut where_ = page.where_.clone();
    let mut removed = Vec::new();
    loop {
        let hits = rules.find(texts, &lines, &facts);
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

/// Seeds and the candidates within `window` lines of them (`_spread`).
fn seeds_and_spread(
    texts: &Texts,
    lines: &[PageLine],
    mut seeds: Vec<bool>,
    candidate: &[bool],
    window: f64,
) -> Vec<bool> {
    let reached = spread(texts, lines, &seeds, candidate, window);
    for (s, r) in seeds.iter_mut().zip(reached) {
        *s |= r;
    }
    seeds
}

// -- cookie

struct Cookie<'a>(&'a Family);

/// `_CookieFacts` of a line with letters.
#[derive(Debug, Clone, Copy, Default)]
struct CookieFacts {
    /// `is_banner`.
    banner: bool,
    /// `is_button`, when the line is a bare label.
    button: bool,
}

impl Cookie<'_> {
    fn is_banner(&self, t: &Text<'_>) -> bool {
        let f = self.0;
        let norm = t.norm();
        let n = t.size as f64;
        if n > f.param(P::MaxWords) {
            return false;
        }
        let mut has_cookie = false;
        if t.phrase {
            if f.search(Q::Consent, norm) {
                return true;
            }
            has_cookie = f.search(Q::Cookie, norm);
            if has_cookie {
                if f.search(Q::Address, norm) {
                    return true;
                }
                if n <= f.param(P::MaxControlWords) && f.search(Q::Actions, norm) {
                    return true;
                }
            }
        }
        if t.size <= 12 && t.raw().contains('=') && config_pairs(t.raw()) >= 2 {
            return has_cookie || f.search(Q::ButtonPhrase, norm);
        }
        false
    }
}

impl Rules for Cookie<'_> {
    type Facts = CookieFacts;

    fn facts(&self, t: &Text<'_>) -> CookieFacts {
        if !t.letters() {
            return CookieFacts::default();
        }
        CookieFacts {
            banner: self.is_banner(t),
            button: t.size <= 6 && t.plain && self.0.split(S::Buttons, t),
        }
    }

    fn find(&self, texts: &Texts, lines: &[PageLine], facts: &[CookieFacts]) -> Vec<bool> {
        let seeds = lines.iter().map(|l| facts[l.text].banner).collect();
        let buttons: Vec<bool> = lines
            .iter()
            .map(|l| {
                let t = &texts.lines[l.text];
                if !t.letters() {
                    t.symbol
                } else {
                    facts[l.text].button && !l.code
                }
            })
            .collect();
        seeds_and_spread(texts, lines, seeds, &buttons, self.0.param(P::Window))
    }
}

// -- comment form

struct CommentForm<'a>(&'a Family);

/// `_FormFacts` of a line with letters.
#[derive(Debug, Clone, Copy, Default)]
struct FormFacts {
    /// A form phrase or prompt (`is_form` by a search).
    form: bool,
    /// A whole form line (`is_form` when the line is a bare label).
    form_line: bool,
    /// `is_field`, when the line is a bare label.
    field: bool,
}

impl Rules for CommentForm<'_> {
    type Facts = FormFacts;

    fn facts(&self, t: &Text<'_>) -> FormFacts {
        let f = self.0;
        let mut facts = FormFacts::default();
        if !t.letters() {
            return facts;
        }
        let n = t.size as f64;
        let sets = if t.plain { f.sets_of(t) } else { 0 };
        if n <= f.param(P::MaxWords) {
            facts.form_line = Family::has(sets, S::FormLines);
            facts.form = t.phrase
                && (f.search(Q::FormPhrase, t.norm())
                    || (n <= f.param(P::MaxPromptWords) && f.search(Q::Prompt, t.norm())));
        }
        facts.field = Family::has(sets, S::Fields);
        facts
    }

    fn find(&self, texts: &Texts, lines: &[PageLine], facts: &[FormFacts]) -> Vec<bool> {
        let seeds = lines
            .iter()
            .map(|l| {
                let f = facts[l.text];
                f.form || (f.form_line && !l.code)
            })
            .collect();
        let fields: Vec<bool> = lines
            .iter()
            .map(|l| {
                let t = &texts.lines[l.text];
                if !t.letters() {
                    t.symbol || t.counter
                } else {
                    facts[l.text].field && !l.code
                }
            })
            .collect();
        seeds_and_spread(texts, lines, seeds, &fields, self.0.param(P::Window))
    }
}

// -- navigation

struct Navigation<'a>(&'a Family);

/// `_NavFacts`.
#[derive(Debug, Clone, Copy, Default)]
struct NavFacts {
    /// `is_strong` by a phrase or a breadcrumb.
    strong: bool,
    /// `is_strong` by a whole line or a run of labels, when the line is a bare label.
    strong_label: bool,
    /// `is_label` by its text alone (a bare label; what leads its list is checked later).
    label: bool,
    /// Running text.
    prose: bool,
    /// Can stand in a menu run.
    short: bool,
}

impl Navigation<'_> {
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
        if self.0.whole(S::Home, &parts[0]) {
            return true;
        }
        parts.len() >= 3 && parts.iter().all(|p| self.0.whole(S::Labels, p))
    }
}

impl Rules for Navigation<'_> {
    type Facts = NavFacts;

    fn facts(&self, t: &Text<'_>) -> NavFacts {
        let f = self.0;
        let mut facts = NavFacts {
            prose: t.size >= 12 || (t.size >= 6 && is_prose(t.raw(), t.size)),
            short: t.size as f64 <= f.param(P::RunWords) && !sentence_end(t.raw()),
            ..NavFacts::default()
        };
        if !t.letters() {
            return facts;
        }
        if t.plain {
            let sets = f.sets_of(t);
            facts.strong_label = Family::has(sets, S::NavLines)
                || (3 <= t.size && t.size <= 12 && t.words >= 3 && f.split(S::Labels, t));
            facts.label = !t.lead_in && Family::has(sets, S::Labels);
        }
        facts.strong = (t.size <= 20 && t.phrase && f.search(Q::NavPhrase, t.norm()))
            || (t.size <= 16 && self.is_breadcrumb(t.raw()));
        facts
    }

    fn find(&self, texts: &Texts, lines: &[PageLine], facts: &[NavFacts]) -> Vec<bool> {
        let f = self.0;
        let n = lines.len();
        let strong: Vec<bool> = lines
            .iter()
            .map(|l| {
                let x = facts[l.text];
                x.strong || (x.strong_label && !l.code)
            })
            .collect();
        let mut hits = strong.clone();
        if f.param(P::EdgeLabels) == 0.0 {
            return hits;
        }
        let labels: Vec<bool> = lines
            .iter()
            .map(|l| {
                facts[l.text].label
                    && !l.code
                    && l.lead.map_or(true, |lead| {
                        Family::has(f.sets_of(&texts.get(lead)), S::Labels)
                    })
            })
            .collect();
        let prose: Vec<usize> = (0..n)
            .filter(|&p| !strong[p] && facts[lines[p].text].prose)
            .collect();
        let (first, last) = match (prose.first(), prose.last()) {
            (Some(&a), Some(&b)) => (a as isize, b as isize),
            _ => (n as isize, -1),
        };
        for p in 0..n {
            if labels[p] && ((p as isize) < first || (p as isize) > last) {
                hits[p] = true;
            }
        }
        // `_menu_runs`: labels in runs of short lines.
        let min_run = f.param(P::MinRun);
        let share = f.param(P::RunShare);
        let mut run: Vec<usize> = Vec::new();
        for pos in 0..=n {
            if pos < n && facts[lines[pos].text].short {
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
}

// -- widgets

struct Widget<'a>(&'a Family);

/// `_WidgetFacts`.
#[derive(Debug, Clone, Copy, Default)]
struct WidgetFacts {
    /// `is_widget` by a newsletter sign-up.
    signup: bool,
    /// `is_widget` by a known line (with or without its date), when the line is a bare label.
    known: bool,
    /// `is_fragment` (with letters, when the line is a bare label): a date, time or connector
    /// alone.
    fragment: bool,
    /// A fragment that is no time range (`dated`, unless the line is a widget).
    no_range: bool,
}

impl Rules for Widget<'_> {
    type Facts = WidgetFacts;

    fn facts(&self, t: &Text<'_>) -> WidgetFacts {
        let f = self.0;
        let mut facts = WidgetFacts::default();
        if !t.letters() {
            // `is_fragment` of a line without letters: a counter, or a short numeric date.
            facts.fragment = t.counter || (t.raw().chars().count() <= 24 && numeric_date(t.raw()));
            return facts;
        }
        facts.signup = t.size as f64 <= f.param(P::MaxSignupWords)
            && t.phrase
            && f.search(Q::Newsletter, t.norm())
            && f.search(Q::Signup, t.norm());
        if t.plain && t.size <= 12 {
            // `stripped`: the line without its date words, looked up too.
            let (known, rest_empty) = with_words(t, |words| {
                let phrases = &f.phrases;
                // The words left, and the hash of the text they make.
                let mut kept = Vec::new();
                let mut hash = EMPTY_PHRASE;
                for i in 0..words.len() {
                    if !phrases.has_word(S::DateWords as usize, words, i) {
                        hash = join_hash(hash, words.hashes[i]);
                        kept.push(i);
                    }
                }
                let rest = |t: &str| t.split(' ').eq(kept.iter().map(|&i| words.word(i)));
                let known = Family::has(f.sets_of(t), S::Known)
                    || (!kept.is_empty() && Family::has(phrases.mask_where(hash, rest), S::Known));
                (known, kept.is_empty())
            });
            facts.known = known;
            facts.fragment = t.size <= 8 && rest_empty;
            facts.no_range = facts.fragment && !time_range(t.raw());
        }
        facts
    }

    fn find(&self, texts: &Texts, lines: &[PageLine], facts: &[WidgetFacts]) -> Vec<bool> {
        let n = lines.len();
        let mut widget = vec![false; n];
        let mut fragment = vec![false; n];
        let mut dated = vec![false; n];
        let mut counter = vec![false; n];
        for (p, l) in lines.iter().enumerate() {
            let t = &texts.lines[l.text];
            let x = facts[l.text];
            if !t.letters() {
                fragment[p] = x.fragment;
                counter[p] = t.counter;
            } else {
                widget[p] = x.signup || (x.known && !l.code);
                fragment[p] = x.fragment && !l.code;
                dated[p] = fragment[p] && !widget[p] && x.no_range;
            }
        }
        // `_date_runs`.
        let min_date_run = self.0.param(P::MinDateRun);
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
        seeds_and_spread(texts, lines, seeds, &fragment, self.0.param(P::Window))
    }
}

// -- share

struct Share<'a>(&'a Family);

/// What `is_share` says of a line's text alone.
#[derive(Debug, Clone, Copy, Default)]
struct ShareFacts {
    /// A bare label of at most twelve words: the only lines `is_share` looks at.
    label: bool,
    /// A share line, header or bar.
    share: bool,
    /// A network alone: a share line unless a list it is in is led by no share line.
    network: bool,
}

impl Rules for Share<'_> {
    type Facts = ShareFacts;

    fn facts(&self, t: &Text<'_>) -> ShareFacts {
        let f = self.0;
        let mut facts = ShareFacts::default();
        if !t.letters() || !t.plain || t.size > 12 {
            return facts;
        }
        facts.label = true;
        let sets = f.sets_of(t);
        if t.lead_in {
            facts.share = Family::has(sets, S::Headers);
        } else if Family::has(sets, S::ShareLines) {
            facts.share = true;
        } else if Family::has(sets, S::Networks) {
            facts.network = true;
        } else {
            facts.share = f.split(S::BarWords, t)
                && with_words(t, |words| {
                    (0..words.len()).any(|i| {
                        f.phrases.has_word(S::Networks as usize, words, i)
                            || f.phrases.has_word(S::LinesSet as usize, words, i)
                    })
                });
        }
        facts
    }

    fn find(&self, texts: &Texts, lines: &[PageLine], facts: &[ShareFacts]) -> Vec<bool> {
        lines
            .iter()
            .map(|l| {
                let x = facts[l.text];
                if l.code || !x.label {
                    return false;
                }
                if x.network {
                    return match l.lead {
                        None => true,
                        Some(lead) => Family::has(self.0.sets_of(&texts.get(lead)), S::ShareLines),
                    };
                }
                x.share
            })
            .collect()
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

    /// `normalize` a character at a time, as before the ASCII runs: what they must equal.
    fn normalize_by_chars(text: &str) -> (String, usize) {
        let mut out = String::new();
        let mut letters = Letters::new(&mut out);
        let mut folded = String::new();
        for c in text.chars() {
            letters.push_folded(c, &mut folded);
        }
        let words = letters.finish();
        (out, words)
    }

    #[test]
    fn ascii_runs_read_like_single_characters() {
        // Counters (k, m, b after a digit, ASCII or not, before no letter) at every edge of
        // an ASCII run: its start, its end, a run of one character.
        let pieces = [
            "1", "k", "K", "m", "b", "kb", "x", " ", ".", "é", "’", "٣", "１", "ｋ", "ﬁ", "я",
            "\u{301}", "\u{640}", "中", "3", "M", "a1",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let mut text = String::from("é");
            for _ in 0..(state % 9) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            state = state.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
            let mut out = String::new();
            let words = normalize_into(&text, &mut out);
            assert_eq!((out, words), normalize_by_chars(&text), "{text:?}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(size("leave a reply"), 3);
        assert_eq!(size("发表评论"), 2);
        assert_eq!(size(""), 0);
    }

    #[test]
    fn phrase_sets() {
        let sets = [
            vec![],
            ["facebook", "twitter", "e mail"].map(String::from).to_vec(),
            ["on", "may", "e"].map(String::from).to_vec(),
        ];
        let s = Phrases::new(&sets);
        assert!(s.whole(1, "twitter") && !s.whole(0, "twitter") && !s.whole(1, "e"));
        assert!(s.split(1, "facebook twitter e mail"));
        assert!(!s.split(1, "facebook is great") && !s.split(1, "e") && !s.split(1, ""));
        assert_eq!(s.without(2, "published on may"), "published");
        assert_eq!(s.without(1, "e mail twitter"), "e mail");
    }

    #[test]
    fn long_lines_are_looked_up_whole() {
        // A line of more words than the page keeps hashes for is still found in a set.
        let long: Vec<String> = (0..HASHED_WORDS + 4).map(|i| format!("w{i}")).collect();
        let phrase = long
            .iter()
            .map(|w| w.trim_start_matches('w').replace(char::is_numeric, "x"))
            .collect::<Vec<_>>()
            .join(" ");
        let (sets, searches, params) = requirements(Kind::Navigation);
        let table = |name: &str| match name {
            "nav_lines" => vec![phrase.clone()],
            _ => vec!["home".to_owned()],
        };
        let family = Family::new(
            Kind::Navigation,
            sets.iter().map(|n| ((*n).to_owned(), table(n))).collect(),
            searches
                .iter()
                .map(|n| ((*n).to_owned(), (vec!["home".to_owned()], false)))
                .collect(),
            params.iter().map(|n| ((*n).to_owned(), 0.0)).collect(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let gate = Search::new(&["home".to_owned()], true).unwrap_or_else(|e| panic!("{e}"));
        let lines = ["A sentence.", phrase.as_str(), "Another one."];
        let page = Page::new(&lines, &gate);
        assert!(!page.texts.lines[1].is_hashed());
        assert_eq!(family.run(&page).0, vec![1]);
    }

    #[test]
    fn combining_marks_left_are_neither_letters_nor_digits() {
        // What lets `normalize_into` skip NFKD's reordering of combining marks.
        for &(cp, class) in &COMBINING {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            assert!(class != 0 && combining(c) == class);
            if c != '\u{640}' && !is(c, RX_MARK_NONSPACING) {
                assert!(!re_letter(c) && !is(c, RE_DIGIT), "{cp:x}");
            }
        }
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
