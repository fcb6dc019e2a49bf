//! langdetect's detector (`langdetect/detector.py`), reproduced to the last bit of every
//! probability: the same text preparation and n-grams ([`ngram`]), the same random draws
//! ([`mt`], CPython's Mersenne Twister) and the same float operations in the same order.
//!
//! The detector is built from the tables the Python package loaded (every n-gram's probability
//! per language, the language list, langdetect's character tables), so the answer stays
//! langdetect's own.

pub mod mt;
pub mod ngram;
pub mod profile_files;
pub mod sample;

use self::mt::Random;
use self::ngram::CharTables;
use self::sample::TextClasses;

/// `Detector.n_trial`.
const N_TRIAL: u32 = 7;
/// `Detector.ALPHA_DEFAULT` and `Detector.ALPHA_WIDTH`.
const ALPHA: f64 = 0.5;
const ALPHA_WIDTH: f64 = 0.05;
/// `Detector.BASE_FREQ`.
const BASE_FREQ: f64 = 10_000.0;
/// `Detector.CONV_THRESHOLD` and `Detector.ITERATION_LIMIT`.
const CONV_THRESHOLD: f64 = 0.99999;
const ITERATION_LIMIT: u32 = 1000;
/// `Detector.PROB_THRESHOLD`: the candidates `get_probabilities` keeps are above it.
const PROB_THRESHOLD: f64 = 0.1;

/// How Python's `sum()` adds floats: left to right up to 3.11, Neumaier-compensated from 3.12.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumMode {
    LeftToRight,
    Neumaier,
}

impl SumMode {
    /// `sum(values)` (an int 0 start) as the given Python does it.
    #[must_use]
    pub fn sum(self, values: &[f64]) -> f64 {
        match self {
            Self::LeftToRight => values.iter().fold(0.0, |acc, &x| acc + x),
            Self::Neumaier => {
                let (mut total, mut c) = (0.0f64, 0.0f64);
                for &x in values {
                    let t = total + x;
                    if total.abs() >= x.abs() {
                        c += (total - t) + x;
                    } else {
                        c += (x - t) + total;
                    }
                    total = t;
                }
                if c != 0.0 && c.is_finite() {
                    total += c;
                }
                total
            }
        }
    }
}

/// What a table handed to [`Detector::new`] got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// An n-gram's probabilities are not one per language.
    RowLength {
        ngram: String,
        expected: usize,
        found: usize,
    },
    /// No languages, or more than the detector counts.
    Languages(usize),
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RowLength {
                ngram,
                expected,
                found,
            } => {
                write!(
                    f,
                    "n-gram {ngram:?} has {found} probabilities, expected {expected}"
                )
            }
            Self::Languages(n) => write!(f, "{n} languages: expected 1 to 65535"),
        }
    }
}

impl std::error::Error for ModelError {}

/// One n-gram's probabilities: its entries other than `+0.0`, as (language, value).
#[derive(Clone, Copy, Default)]
struct Row {
    start: u32,
    end: u32,
}

/// The n-gram keys ([`ngram::key`], never 0) in an open-addressed table with linear probing:
/// eight keys to a cache line and nothing else beside them, since a text looks up about three
/// keys per character and most of the table is out of the cache by the next text. A key's
/// place is its number in [`Profiles`]' rows.
struct KeyTable {
    slots: Vec<u64>,
    mask: usize,
    len: usize,
}

impl KeyTable {
    /// A table for `capacity` keys kept at most two-thirds full.
    fn with_capacity(capacity: usize) -> Self {
        let size = (capacity.saturating_mul(3) / 2 + 1)
            .next_power_of_two()
            .max(8);
        Self {
            slots: vec![0; size],
            mask: size - 1,
            len: 0,
        }
    }

    /// The first slot to look at: a folded multiply (the high and low halves of a 128-bit
    /// product xored), so every bit of the key reaches the low bits. (A plain multiply leaves
    /// the low bits a function of the key's low bits alone, its last character: every n-gram
    /// ending in one letter would start at one slot.)
    #[inline]
    fn home(&self, key: u64) -> usize {
        let product = u128::from(key) * 0x9e37_79b9_7f4a_7c15;
        ((product as u64) ^ ((product >> 64) as u64)) as usize & self.mask
    }

    /// The slot of `key`, if it is in the table.
    #[inline]
    fn find(&self, key: u64) -> Option<usize> {
        let mut at = self.home(key);
        loop {
            match self.slots[at] {
                0 => return None,
                k if k == key => return Some(at),
                _ => at = (at + 1) & self.mask,
            }
        }
    }

    /// Room for one more key: the table doubles when it would be over two-thirds full, and
    /// then every old slot's new place is returned (`usize::MAX` for an empty slot).
    fn reserve_one(&mut self) -> Option<Vec<usize>> {
        if (self.len + 1) * 3 <= self.slots.len() * 2 {
            return None;
        }
        let mut bigger = Self::with_capacity(self.slots.len());
        let places = self
            .slots
            .iter()
            .map(|&k| if k == 0 { usize::MAX } else { bigger.place(k) })
            .collect();
        *self = bigger;
        Some(places)
    }

    /// The slot of `key` (not 0), taken if it was not in the table (which has room:
    /// [`Self::reserve_one`]).
    fn place(&mut self, key: u64) -> usize {
        let mut at = self.home(key);
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = key;
                    self.len += 1;
                    return at;
                }
                k if k == key => return at,
                _ => at = (at + 1) & self.mask,
            }
        }
    }
}

/// The n-gram profiles: every n-gram's probability per language
/// (`DetectorFactory.word_lang_prob_map`), filled row by row.
pub struct Profiles {
    languages: usize,
    keys: KeyTable,
    /// The row of the key in the same slot.
    rows: Vec<Row>,
    entries: Vec<(u16, f64)>,
}

impl Profiles {
    /// Empty profiles over `languages` languages.
    ///
    /// # Errors
    /// [`ModelError::Languages`] for none or more than 65,535.
    pub fn new(languages: usize, capacity: usize) -> Result<Self, ModelError> {
        if languages == 0 || languages > usize::from(u16::MAX) {
            return Err(ModelError::Languages(languages));
        }
        let keys = KeyTable::with_capacity(capacity);
        let rows = vec![Row::default(); keys.slots.len()];
        Ok(Self {
            languages,
            keys,
            rows,
            entries: Vec::new(),
        })
    }

    /// One n-gram's probabilities, one per language.
    ///
    /// # Errors
    /// [`ModelError::RowLength`] when they are not one per language.
    pub fn add(&mut self, ngram: &str, probs: &[f64]) -> Result<(), ModelError> {
        if probs.len() != self.languages {
            return Err(ModelError::RowLength {
                ngram: ngram.to_owned(),
                expected: self.languages,
                found: probs.len(),
            });
        }
        let gram: Vec<char> = ngram.chars().collect();
        if gram.is_empty() || gram.len() > 3 {
            return Ok(()); // langdetect never looks such a key up
        }
        let start = self.entries.len();
        for (lang, &p) in probs.iter().enumerate() {
            if p.to_bits() != 0 {
                // Below 65,536 languages (checked in `new`).
                self.entries.push((lang as u16, p));
            }
        }
        self.set_row(ngram::key(&gram), start);
        Ok(())
    }

    /// The row of `key`: the entries from `start` to the end.
    fn set_row(&mut self, key: u64, start: usize) {
        let row = Row {
            start: start as u32,
            end: self.entries.len() as u32,
        };
        if let Some(places) = self.keys.reserve_one() {
            let mut moved = vec![Row::default(); self.keys.slots.len()];
            for (old, &new) in places.iter().enumerate() {
                if let Some(slot) = moved.get_mut(new) {
                    *slot = self.rows[old];
                }
            }
            self.rows = moved;
        }
        let at = self.keys.place(key);
        self.rows[at] = row;
    }

    /// One n-gram's row by its [`ngram::key`]: (language, probability) in language order,
    /// languages below [`Self::languages`]; the entries `+0.0` are left out.
    pub(crate) fn push_row(&mut self, key: u64, row: &[(u16, f64)]) {
        let start = self.entries.len();
        self.entries
            .extend(row.iter().filter(|&&(_, p)| p.to_bits() != 0).copied());
        self.set_row(key, start);
    }

    /// The number of languages.
    #[must_use]
    pub fn languages(&self) -> usize {
        self.languages
    }

    /// The number of n-grams.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len
    }

    /// Are there no n-grams?
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.len == 0
    }

    /// An n-gram's probabilities other than `+0.0`, as (language, probability), or None for an
    /// n-gram the profiles do not have.
    #[must_use]
    pub fn row(&self, ngram: &str) -> Option<&[(u16, f64)]> {
        let gram: Vec<char> = ngram.chars().collect();
        if gram.is_empty() || gram.len() > 3 {
            return None;
        }
        self.row_at(self.keys.find(ngram::key(&gram))?)
    }

    /// The row in `slot`.
    #[inline]
    fn row_at(&self, slot: usize) -> Option<&[(u16, f64)]> {
        let row = self.rows.get(slot)?;
        self.entries.get(row.start as usize..row.end as usize)
    }
}

/// langdetect's `Detector` with a fixed seed and no prior, for any number of texts.
pub struct Detector {
    profiles: Profiles,
    tables: CharTables,
    classes: TextClasses,
    seed: i128,
    /// `random.Random(seed)`, copied for each text instead of seeded again.
    seeded: Random,
    sum_mode: SumMode,
}

impl Detector {
    /// A detector over `profiles`; `tables` are langdetect's characters, `classes` those of
    /// corpusclean's sampling, `seed` the factory's.
    #[must_use]
    pub fn new(
        profiles: Profiles,
        tables: CharTables,
        classes: TextClasses,
        seed: i128,
        sum_mode: SumMode,
    ) -> Self {
        Self {
            profiles,
            tables,
            classes,
            seed,
            seeded: Random::new(seed),
            sum_mode,
        }
    }

    /// The number of languages.
    #[must_use]
    pub fn languages(&self) -> usize {
        self.profiles.languages
    }

    /// The n-gram profiles.
    #[must_use]
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The seed the detector was built with (`DetectorFactory.seed`).
    #[must_use]
    pub fn seed(&self) -> i128 {
        self.seed
    }

    /// `Detector.langprob` after `append(text)` and `_detect_block()` with `seed`: every
    /// language's probability in the profiles' order, or None where langdetect raises "No
    /// features in text".
    #[must_use]
    pub fn probabilities(&self, text: &str, seed: i128) -> Option<Vec<f64>> {
        let prepared = ngram::prepare(&self.tables, text);
        // The slots of the n-grams found: a row is read only when it is drawn.
        let mut ngrams: Vec<u32> = Vec::new();
        ngram::extract(&self.tables, &prepared, |key| {
            if let Some(slot) = self.profiles.keys.find(key) {
                ngrams.push(slot as u32);
            }
        });
        if ngrams.is_empty() {
            return None;
        }
        // At most three n-grams per character of a text cut at MAX_TEXT_LENGTH.
        let count = u32::try_from(ngrams.len()).ok()?;
        let n = self.profiles.languages;
        let mut langprob = vec![0.0f64; n];
        let mut factors = vec![0.0f64; n];
        let mut random = if seed == self.seed {
            self.seeded.clone()
        } else {
            Random::new(seed)
        };
        for _ in 0..N_TRIAL {
            let mut prob = vec![1.0 / n as f64; n];
            let weight = (ALPHA + random.gauss() * ALPHA_WIDTH) / BASE_FREQ;
            let base = weight + 0.0;
            let mut i = 0u32;
            loop {
                let row = self.profiles.rows[ngrams[random.randbelow(count) as usize] as usize];
                factors.fill(base);
                for &(lang, p) in &self.profiles.entries[row.start as usize..row.end as usize] {
                    factors[usize::from(lang)] = weight + p;
                }
                for (p, f) in prob.iter_mut().zip(&factors) {
                    *p *= f;
                }
                if i % 5 == 0 {
                    let total = self.sum_mode.sum(&prob);
                    let mut maxp = 0.0;
                    for p in &mut prob {
                        *p /= total;
                        if maxp < *p {
                            maxp = *p;
                        }
                    }
                    if maxp > CONV_THRESHOLD || i >= ITERATION_LIMIT {
                        break;
                    }
                }
                i += 1;
            }
            for (l, p) in langprob.iter_mut().zip(&prob) {
                *l += p / f64::from(N_TRIAL);
            }
        }
        Some(langprob)
    }

    /// `Detector.get_probabilities()`: the languages above 0.1 as (index, probability), best
    /// first, ties in the profiles' order; None for "No features in text".
    #[must_use]
    pub fn detect(&self, text: &str, seed: i128) -> Option<Vec<(usize, f64)>> {
        let probs = self.probabilities(text, seed)?;
        let mut ranked: Vec<(usize, f64)> = probs
            .into_iter()
            .enumerate()
            .filter(|&(_, p)| p > PROB_THRESHOLD)
            .collect();
        // list.sort(reverse=True) with Language.__lt__: stable, by probability, descending.
        ranked.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        Some(ranked)
    }
}

impl Detector {
    /// The character classes of corpusclean's sampling.
    #[must_use]
    pub fn classes(&self) -> &TextClasses {
        &self.classes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_follow_python() {
        let values = [1.0, 1e100, 1.0, -1e100];
        assert_eq!(SumMode::LeftToRight.sum(&values), 0.0);
        assert_eq!(SumMode::Neumaier.sum(&values), 2.0);
        assert_eq!(SumMode::Neumaier.sum(&[0.1; 10]), 1.0);
        assert_eq!(
            SumMode::LeftToRight.sum(&[0.1; 10]),
            0.999_999_999_999_999_9
        );
    }

    fn detector() -> Detector {
        let tables = ngram::tests::tables();
        let mut profiles = Profiles::new(2, 2).unwrap_or_else(|e| panic!("{e}"));
        profiles
            .add("a", &[0.5, 0.01])
            .unwrap_or_else(|e| panic!("{e}"));
        profiles
            .add("b", &[0.01, 0.5])
            .unwrap_or_else(|e| panic!("{e}"));
        Detector::new(
            profiles,
            tables,
            sample::tests::classes(),
            0,
            SumMode::LeftToRight,
        )
    }

    #[test]
    fn texts_without_known_ngrams_have_no_features() {
        assert_eq!(detector().probabilities("xyz 123", 0), None);
        assert_eq!(detector().probabilities("", 0), None);
    }

    #[test]
    fn the_likelier_language_wins() {
        let d = detector();
        let ranked = d.detect("aaa aa a", 0).unwrap_or_default();
        assert_eq!(ranked.first().map(|r| r.0), Some(0));
        let probs = d.probabilities("bbb", 1).unwrap_or_default();
        assert!(probs[1] > 0.99);
    }

    #[test]
    fn the_key_table_grows_and_keeps_every_row() {
        let mut profiles = Profiles::new(2, 1).unwrap_or_else(|e| panic!("{e}"));
        let words: Vec<String> = (0..2000u32)
            .filter_map(|n| char::from_u32(0x4e00 + n))
            .map(|c| format!("{c}a"))
            .collect();
        for (i, word) in words.iter().enumerate() {
            let p = i as f64 + 1.0;
            profiles
                .add(word, &[p, 0.0])
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(profiles.len(), words.len());
        for (i, word) in words.iter().enumerate() {
            assert_eq!(
                profiles.row(word),
                Some(&[(0u16, i as f64 + 1.0)][..]),
                "{word}"
            );
        }
        assert_eq!(profiles.row("zz"), None);
    }

    #[test]
    fn bad_rows_are_errors() {
        let mut profiles = Profiles::new(2, 1).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            profiles.add("a", &[0.5]),
            Err(ModelError::RowLength { .. })
        ));
        assert!(matches!(Profiles::new(0, 1), Err(ModelError::Languages(0))));
    }
}
