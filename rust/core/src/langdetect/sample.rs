//! What corpusclean hands langdetect (`corpusclean/language/detect.py`): a document's most
//! prose-like lines (`prose_score`, `sample`).

use crate::charset::CharSet;

/// `sample`'s defaults: characters per line, characters taken whatever the scores, and the
/// share of the best score a line needs past them.
const MAX_LINE_CHARS: usize = 600;
const MIN_CHARS: usize = 300;
const MIN_RATIO: f64 = 0.2;
/// `prose_score`'s letter cap and sentence bonus.
const MAX_WEIGHT: u64 = 400;
const SENTENCE_BONUS: f64 = 50.0;
/// `_TERMINAL`: sentence-final punctuation.
const TERMINAL: &str = ".!?。！？؟।…:;\"'”»)";

/// The character classes the reference takes from `regex` and `str`.
pub struct TextClasses {
    /// `\p{L}`.
    pub letter: CharSet,
    /// `[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]`: one weighs three letters.
    pub dense: CharSet,
    /// `\p{sc=Latin}`.
    pub latin: CharSet,
    /// `\w` (what `\b\w++(?:\W++\w++){3}` counts as words).
    pub word: CharSet,
    /// `str.isspace()`, what `str.strip()` removes.
    pub space: CharSet,
}

impl TextClasses {
    /// `str.strip()`.
    fn strip<'a>(&self, text: &'a str) -> &'a str {
        text.trim_matches(|ch| self.space.contains(ch))
    }

    /// Are there four runs of word characters or more (`\b\w++(?:\W++\w++){3}` matches)?
    fn four_words(&self, text: &str) -> bool {
        let mut runs = 0;
        let mut in_word = false;
        for ch in text.chars() {
            let word = self.word.contains(ch);
            if word && !in_word {
                runs += 1;
                if runs == 4 {
                    return true;
                }
            }
            in_word = word;
        }
        false
    }

    /// `prose_score(line)`: its letters (up to 400; Han, kana and Hangul count three times),
    /// scaled by the share of letters among its characters, plus 50 when it ends like a
    /// sentence of four words or more.
    #[must_use]
    pub fn prose_score(&self, line: &str) -> f64 {
        let stripped = self.strip(line);
        let (mut chars, mut letters, mut dense) = (0u64, 0u64, 0u64);
        for ch in stripped.chars() {
            chars += 1;
            letters += u64::from(self.letter.contains(ch));
            dense += u64::from(self.dense.contains(ch));
        }
        if letters == 0 {
            return 0.0;
        }
        let weight = (letters + 2 * dense).min(MAX_WEIGHT);
        // Python's int / int: both exact as doubles here, one correctly rounded division.
        let mut score = (weight * letters) as f64 / chars as f64;
        let last = stripped.chars().next_back().unwrap_or(' ');
        if TERMINAL.contains(last) && self.four_words(stripped) {
            score += SENTENCE_BONUS;
        }
        score
    }

    /// `sample(lines, max_chars=max_chars)`: the most prose-like lines (ties by position), each
    /// stripped and cut at 600 characters, taken until `max_chars`, in document order, joined
    /// by newlines; lines under a fifth of the best score only while under 300 characters.
    #[must_use]
    pub fn sample<S: AsRef<str>>(&self, lines: &[S], max_chars: usize) -> String {
        self.sample_lines(lines, max_chars).join("\n")
    }

    /// `sample_lines(lines, max_chars=max_chars)`: [`Self::sample`]'s lines, not joined.
    #[must_use]
    pub fn sample_lines<'a, S: AsRef<str>>(
        &self,
        lines: &'a [S],
        max_chars: usize,
    ) -> Vec<&'a str> {
        let mut ranked: Vec<(f64, usize)> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| (self.prose_score(line.as_ref()), i))
            .collect();
        ranked.sort_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.1.cmp(&b.1))
        });
        let best = ranked.first().map_or(0.0, |r| r.0);
        let mut chosen: Vec<(usize, &str)> = Vec::new();
        let mut total = 0usize;
        for &(score, i) in &ranked {
            if score <= 0.0 || total >= max_chars {
                break;
            }
            if score < MIN_RATIO * best && total >= MIN_CHARS {
                break;
            }
            let stripped = self.strip(lines[i].as_ref());
            let end = stripped
                .char_indices()
                .nth(MAX_LINE_CHARS)
                .map_or(stripped.len(), |(at, _)| at);
            let piece = &stripped[..end];
            chosen.push((i, piece));
            total += piece.chars().count() + 1;
        }
        chosen.sort_unstable_by_key(|&(i, _)| i);
        chosen.into_iter().map(|(_, piece)| piece).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Classes over ASCII letters, "é" (Latin), "漢字" (dense) and "ж".
    pub(crate) fn classes() -> TextClasses {
        let ascii_letters: String = ('A'..='Z').chain('a'..='z').collect();
        let latin = ascii_letters.clone() + "é";
        let letters = latin.clone() + "漢字ж";
        TextClasses {
            letter: CharSet::new(&letters),
            dense: CharSet::new("漢字"),
            latin: CharSet::new(&latin),
            word: CharSet::new(&(letters.clone() + "0123456789_")),
            space: CharSet::new(" \t\n"),
        }
    }

    #[test]
    fn prose_scores_letters_and_sentences() {
        let c = classes();
        assert_eq!(c.prose_score("  \t"), 0.0);
        assert_eq!(c.prose_score("12 -- 34"), 0.0);
        assert_eq!(c.prose_score(" ab c "), 3.0 * 3.0 / 4.0);
        assert_eq!(
            c.prose_score("one two three four."),
            15.0 * 15.0 / 19.0 + 50.0
        );
        assert_eq!(c.prose_score("one two three."), 11.0 * 11.0 / 14.0);
        assert_eq!(c.prose_score("漢字"), 2.0 * 6.0 / 2.0);
    }

    #[test]
    fn samples_the_best_lines_in_order() {
        let c = classes();
        let lines = ["Menu", "A long line of running text here.", "Footer"];
        assert_eq!(
            c.sample(&lines, 40),
            "A long line of running text here.\nFooter"
        );
        assert_eq!(c.sample(&[] as &[&str], 40), "");
    }
}
