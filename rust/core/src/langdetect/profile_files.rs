//! langdetect's language profiles read from their JSON files, into the tables
//! `DetectorFactory.load_json_profile` builds (`langdetect/detector_factory.py`): the language
//! list in the order of the files, and for every n-gram one probability per language,
//! `1.0 * freq / n_words[len(ngram) - 1]` for each profile that has it and `0.0` for the others.
//!
//! The reader takes the files as langdetect writes them and nothing looser: an object with
//! `freq` (n-gram -> integer count), `n_words` (integers) and `name`, in JSON as Python's `json`
//! reads it. Anything else (a float count, `NaN`, an escaped lone surrogate, another key) is an
//! error, on which the caller builds the factory itself: the tables never differ from the
//! factory's, they are only missing.

use super::ngram::key;
use super::{ModelError, Profiles};

/// Why a profile could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// The JSON text is not one the reader takes: (profile number, byte offset, what).
    Syntax(usize, usize, &'static str),
    /// A count the factory would fail on: an n-gram longer than `n_words`, a zero word count.
    Counts(usize, String),
    /// Two profiles of one language (`DuplicateLangError`).
    Duplicate(String),
    /// Fewer than two profiles (`NeedLoadProfileError`).
    TooFew(usize),
    /// The tables do not fit the detector.
    Model(ModelError),
    /// A file could not be read as UTF-8 text: (path, why).
    Read(String, String),
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Syntax(profile, at, what) => {
                write!(f, "profile {profile}: {what} at byte {at}")
            }
            Self::Counts(profile, what) => write!(f, "profile {profile}: {what}"),
            Self::Duplicate(name) => write!(f, "two profiles of language {name:?}"),
            Self::TooFew(n) => write!(f, "{n} profiles: langdetect needs two at least"),
            Self::Model(e) => e.fmt(f),
            Self::Read(path, why) => write!(f, "cannot read profile {path:?}: {why}"),
        }
    }
}

impl std::error::Error for ProfileError {}

/// One profile file: its language, word counts per n-gram length, and n-gram counts in the
/// order of the file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub n_words: Vec<i64>,
    pub freq: Vec<(String, i64)>,
}

/// A strict JSON reader over one profile's text.
struct Reader<'a> {
    text: &'a str,
    at: usize,
    profile: usize,
}

type Parsed<T> = Result<T, ProfileError>;

impl<'a> Reader<'a> {
    fn error<T>(&self, what: &'static str) -> Parsed<T> {
        Err(ProfileError::Syntax(self.profile, self.at, what))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// JSON white space: space, tab, line feed, carriage return.
    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Parsed<()> {
        self.space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            self.error(what)
        }
    }

    /// After the first member of an object or array: true for `,` (another member follows),
    /// false for `close`.
    fn more(&mut self, close: u8) -> Parsed<bool> {
        self.space();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.at += 1;
                Ok(false)
            }
            _ => self.error("expected ',' or the end of the object or array"),
        }
    }

    /// Four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Parsed<u32> {
        let digits = self.text.get(self.at..self.at + 4);
        match digits.and_then(|d| {
            d.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| u32::from_str_radix(d, 16).ok())
                .flatten()
        }) {
            Some(value) => {
                self.at += 4;
                Ok(value)
            }
            None => self.error("a \\u escape without four hex digits"),
        }
    }

    /// A string, its escapes decoded (a surrogate pair as one character; a lone surrogate is
    /// an error, where Python would keep it).
    fn string(&mut self) -> Parsed<String> {
        self.expect(b'"', "expected a string")?;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            // Up to the next quote, backslash or control character (all ASCII).
            let plain = rest
                .bytes()
                .position(|b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            out.push_str(&rest[..plain]);
            self.at += plain;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek();
                    self.at += 1;
                    let ch = match escaped {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return self.error("an unknown escape"),
                    };
                    out.push(ch);
                }
                Some(_) => return self.error("a control character in a string"),
                None => return self.error("an unterminated string"),
            }
        }
    }

    /// The character of a `\u` escape (its `\u` read), with the low half of a pair.
    fn unicode_escape(&mut self) -> Parsed<char> {
        let first = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&first) {
            if self.text.as_bytes().get(self.at..self.at + 2) != Some(b"\\u") {
                return self.error("a lone surrogate");
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xdc00..0xe000).contains(&second) {
                return self.error("a lone surrogate");
            }
            0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
        } else {
            first
        };
        match char::from_u32(code) {
            Some(ch) => Ok(ch),
            None => self.error("a lone surrogate"),
        }
    }

    /// An integer (`-?(0|[1-9][0-9]*)`) that fits an i64; a fraction or exponent (a float in
    /// Python) is an error.
    fn integer(&mut self) -> Parsed<i64> {
        self.space();
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.at += 1;
                }
            }
            _ => return self.error("expected an integer"),
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return self.error("a number that is not an integer");
        }
        match self.text[start..self.at].parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => self.error("an integer out of range"),
        }
    }

    /// The members of an object or array between `open` and `close`, each read by `member`.
    fn members(
        &mut self,
        open: u8,
        close: u8,
        mut member: impl FnMut(&mut Self) -> Parsed<()>,
    ) -> Parsed<()> {
        self.expect(open, "expected an object or array")?;
        self.space();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        loop {
            member(self)?;
            if !self.more(close)? {
                return Ok(());
            }
        }
    }

    /// `{"string": integer, ...}`, the members in order (repeated keys kept: the last counts).
    fn counts(&mut self) -> Parsed<Vec<(String, i64)>> {
        let mut out = Vec::new();
        self.members(b'{', b'}', |r| {
            let word = r.string()?;
            r.expect(b':', "expected ':'")?;
            out.push((word, r.integer()?));
            Ok(())
        })?;
        Ok(out)
    }

    /// `[integer, ...]`.
    fn integers(&mut self) -> Parsed<Vec<i64>> {
        let mut out = Vec::new();
        self.members(b'[', b']', |r| {
            out.push(r.integer()?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The profile object: `freq`, `n_words` and `name`, each once, nothing else.
    fn profile(&mut self) -> Parsed<Profile> {
        let mut profile = Profile::default();
        let mut seen = [false; 3];
        self.expect(b'{', "expected an object")?;
        loop {
            let field = self.string()?;
            self.expect(b':', "expected ':'")?;
            let slot = match field.as_str() {
                "freq" => {
                    profile.freq = self.counts()?;
                    0
                }
                "n_words" => {
                    profile.n_words = self.integers()?;
                    1
                }
                "name" => {
                    profile.name = self.string()?;
                    2
                }
                _ => return self.error("a key other than freq, n_words and name"),
            };
            if std::mem::replace(&mut seen[slot], true) {
                return self.error("a repeated key");
            }
            if !self.more(b'}')? {
                break;
            }
        }
        if seen != [true; 3] {
            return self.error("freq, n_words or name missing");
        }
        self.space();
        if self.at != self.text.len() {
            return self.error("text after the profile");
        }
        Ok(profile)
    }
}

/// One profile file's text (`profile` numbers it in messages).
///
/// # Errors
/// [`ProfileError::Syntax`] for a text the reader does not take.
pub fn parse(text: &str, profile: usize) -> Result<Profile, ProfileError> {
    Reader {
        text,
        at: 0,
        profile,
    }
    .profile()
}

/// The factory's tables from the profiles in load order: the languages, and every n-gram of one
/// to three characters with its probabilities (n-grams of other lengths are never looked up).
///
/// # Errors
/// [`ProfileError`] where `load_json_profile` raises, and where the tables do not fit the
/// detector.
pub fn tables(profiles: &[Profile]) -> Result<(Vec<String>, Profiles), ProfileError> {
    if profiles.len() < 2 {
        return Err(ProfileError::TooFew(profiles.len()));
    }
    let mut languages: Vec<String> = Vec::with_capacity(profiles.len());
    // (n-gram key, language, place in the file, probability) of every counted n-gram.
    let mut found: Vec<(u64, u16, u32, f64)> = Vec::new();
    for (index, profile) in profiles.iter().enumerate() {
        if languages.contains(&profile.name) {
            return Err(ProfileError::Duplicate(profile.name.clone()));
        }
        languages.push(profile.name.clone());
        let lang = u16::try_from(index).map_err(|_| ModelError::Languages(profiles.len()));
        let lang = lang.map_err(ProfileError::Model)?;
        for (place, (word, count)) in profile.freq.iter().enumerate() {
            let gram: Vec<char> = word.chars().collect();
            if gram.is_empty() || gram.len() > 3 {
                continue;
            }
            let Some(&total) = profile.n_words.get(gram.len() - 1) else {
                let what = format!("n_words has no count for {word:?}");
                return Err(ProfileError::Counts(index, what));
            };
            if total == 0 {
                let what = format!("n_words is 0 for {word:?}");
                return Err(ProfileError::Counts(index, what));
            }
            // Python's `1.0 * freq / n`: each int rounded to the nearest double, one division.
            let prob = 1.0 * (*count as f64) / total as f64;
            let place = u32::try_from(place).unwrap_or(u32::MAX);
            found.push((key(&gram), lang, place, prob));
        }
    }
    // By n-gram, then language; of a key repeated in one file, the last value counts.
    found.sort_unstable_by_key(|&(key, lang, place, _)| (key, lang, place));
    let distinct = 1 + found.windows(2).filter(|w| w[0].0 != w[1].0).count();
    let mut profiles_out = Profiles::new(languages.len(), distinct).map_err(ProfileError::Model)?;
    let mut row: Vec<(u16, f64)> = Vec::with_capacity(languages.len());
    let mut i = 0;
    while i < found.len() {
        let gram = found[i].0;
        row.clear();
        while i < found.len() && found[i].0 == gram {
            let (_, lang, _, prob) = found[i];
            match row.last_mut() {
                Some(last) if last.0 == lang => last.1 = prob,
                _ => row.push((lang, prob)),
            }
            i += 1;
        }
        profiles_out.push_row(gram, &row);
    }
    Ok((languages, profiles_out))
}

/// The factory's tables from the profile files at `paths`, in that order (see [`tables`]).
///
/// # Errors
/// [`ProfileError::Read`] for a file that cannot be read as UTF-8, else as [`parse`] and
/// [`tables`].
pub fn load<P: AsRef<std::path::Path>>(
    paths: &[P],
) -> Result<(Vec<String>, Profiles), ProfileError> {
    let mut profiles = Vec::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ProfileError::Read(path.display().to_string(), e.to_string()))?;
        profiles.push(parse(&text, index)?);
    }
    tables(&profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(text: &str) -> Result<Profile, ProfileError> {
        parse(text, 0)
    }

    #[test]
    fn reads_langdetects_format() {
        let text = r#" {"freq":{"a":3,"ab":-1,"\u00e9\ud83d\ude00":2,"a":4,"\"\\\/\n":0},
            "n_words":[10,5,4],"name":"xx"} "#;
        let got = profile(text).unwrap_or_default();
        assert_eq!(got.name, "xx");
        assert_eq!(got.n_words, vec![10, 5, 4]);
        let words: Vec<(&str, i64)> = got.freq.iter().map(|(w, n)| (w.as_str(), *n)).collect();
        assert_eq!(
            words,
            vec![("a", 3), ("ab", -1), ("é😀", 2), ("a", 4), ("\"\\/\n", 0)]
        );
        assert!(profile(r#"{"freq":{},"n_words":[],"name":""}"#).is_ok());
    }

    #[test]
    fn refuses_what_python_reads_otherwise() {
        for text in [
            r#"{"freq":{"a":1.0},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"a":1e3},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"a":NaN},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"a":true},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"a":01},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"\ud800":1},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"\udc00":1},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"a":99999999999999999999},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{},"n_words":[1],"name":"x","extra":1}"#,
            r#"{"freq":{},"n_words":[1],"name":"x","name":"y"}"#,
            r#"{"freq":{},"n_words":[1]}"#,
            r#"{"freq":{},"n_words":[1],"name":"x"} x"#,
            "{\"freq\":{\"\t\":1},\"n_words\":[1],\"name\":\"x\"}",
            "\u{feff}{\"freq\":{},\"n_words\":[1],\"name\":\"x\"}",
            r#"{"freq":{"a":1,},"n_words":[1],"name":"x"}"#,
            r#"{"freq":{"a":1},"n_words":[1],"name":"x""#,
            r#"{"freq":{"a":1},"n_words":[1],"name":"x\q"}"#,
            r#"{"freq":{"a":1},"n_words":[1],"name":"x\u12"}"#,
            "",
        ] {
            assert!(
                matches!(profile(text), Err(ProfileError::Syntax(..))),
                "{text}"
            );
        }
    }

    fn of(name: &str, n_words: &[i64], freq: &[(&str, i64)]) -> Profile {
        Profile {
            name: name.to_owned(),
            n_words: n_words.to_vec(),
            freq: freq.iter().map(|&(w, n)| (w.to_owned(), n)).collect(),
        }
    }

    #[test]
    fn builds_the_factorys_rows() {
        let profiles = [
            of(
                "aa",
                &[10, 4, 2],
                &[("a", 3), ("ab", 1), ("abcd", 5), ("z", 0)],
            ),
            of("bb", &[3, 3, 3], &[("a", 1), ("a", 2), ("b", 1)]),
        ];
        let (languages, tables) = tables(&profiles).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(languages, ["aa", "bb"]);
        let row = |w: &str| tables.row(w).map(|r| r.to_vec());
        assert_eq!(row("a"), Some(vec![(0, 0.3), (1, 2.0 / 3.0)]));
        assert_eq!(row("ab"), Some(vec![(0, 0.25)]));
        assert_eq!(row("b"), Some(vec![(1, 1.0 / 3.0)]));
        // Present with a zero probability: the detector still counts it as found.
        assert_eq!(row("z"), Some(vec![]));
        assert_eq!(row("abcd"), None);
        assert_eq!(row("c"), None);
    }

    #[test]
    fn refuses_what_the_factory_raises_on() {
        let one = [of("aa", &[1], &[])];
        assert_eq!(tables(&one).err(), Some(ProfileError::TooFew(1)));
        let twice = [of("aa", &[1], &[]), of("aa", &[1], &[])];
        assert!(matches!(tables(&twice), Err(ProfileError::Duplicate(_))));
        let short = [of("aa", &[1], &[("ab", 1)]), of("bb", &[1], &[])];
        assert!(matches!(tables(&short), Err(ProfileError::Counts(0, _))));
        let zero = [of("aa", &[1], &[]), of("bb", &[0], &[("b", 1)])];
        assert!(matches!(tables(&zero), Err(ProfileError::Counts(1, _))));
    }
}
