//! `corpusclean._core.LangDetector`: langdetect's detector (`corpusclean.language.detect`),
//! one call per text, the GIL released while it runs.

use corpusclean_core::charset::CharSet;
use corpusclean_core::langdetect::ngram::CharTables;
use corpusclean_core::langdetect::sample::TextClasses;
use corpusclean_core::langdetect::{Detector, Profiles, SumMode};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::errors::guarded;

/// langdetect's detector over the tables a `DetectorFactory` loaded.
///
/// `LangDetector(profiles, languages, normalized, uppercase, vietnamese, classes, seed,
/// sum_mode)`:
/// `profiles` is `word_lang_prob_map` (n-gram -> one probability per language), `languages`
/// the factory's `langlist`, `normalized` maps each character `NGram.normalize` changes to its
/// replacement, `uppercase` holds every character `str.isupper()` accepts, `vietnamese` is
/// `(TO_NORMALIZE_VI_CHARS, DMARK_CLASS, NORMALIZED_VI_CHARS)`, `classes` the characters of
/// corpusclean's sampling classes (letters, dense, Latin, word, space: see
/// `corpusclean.language.detect`), `seed` the factory's int seed and
/// `sum_mode` how the running Python's `sum()` adds floats (`"left"` before 3.12, `"neumaier"`).
#[pyclass(frozen, module = "corpusclean._core")]
pub struct LangDetector {
    inner: Detector,
    languages: Vec<String>,
    args: Py<PyTuple>,
}

fn sum_mode(name: &str) -> PyResult<SumMode> {
    match name {
        "left" => Ok(SumMode::LeftToRight),
        "neumaier" => Ok(SumMode::Neumaier),
        _ => Err(PyValueError::new_err(format!(
            "sum_mode {name:?}: expected 'left' or 'neumaier'"
        ))),
    }
}

fn single_char(text: &str, what: &str) -> PyResult<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(ch), None) => Ok(ch),
        _ => Err(PyValueError::new_err(format!(
            "{what} {text:?} is not one character"
        ))),
    }
}

impl LangDetector {
    /// Language codes for indices.
    fn named(&self, ranked: Vec<(usize, f64)>) -> Vec<(String, f64)> {
        ranked
            .into_iter()
            .map(|(i, p)| (self.languages[i].clone(), p))
            .collect()
    }

    /// Runs `f` on the detector with the GIL released; a panic becomes `CoreError`.
    fn run<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&Detector) -> T + Send) -> PyResult<T> {
        let inner = &self.inner;
        py.detach(|| guarded(|| f(inner)))
    }
}

#[pymethods]
impl LangDetector {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        profiles: &Bound<'_, PyDict>,
        languages: &Bound<'_, PyAny>,
        normalized: &Bound<'_, PyDict>,
        uppercase: &Bound<'_, PyAny>,
        vietnamese: &Bound<'_, PyAny>,
        classes: &Bound<'_, PyAny>,
        seed: &Bound<'_, PyAny>,
        sum_mode_name: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let args = PyTuple::new(
            py,
            [
                profiles.as_any(),
                languages,
                normalized.as_any(),
                uppercase,
                vietnamese,
                classes,
                seed,
                sum_mode_name,
            ],
        )?
        .unbind();
        let languages: Vec<String> = languages.extract()?;
        let uppercase: PyBackedStr = uppercase.extract()?;
        let vietnamese: (PyBackedStr, PyBackedStr, Vec<PyBackedStr>) = vietnamese.extract()?;
        let classes: (
            PyBackedStr,
            PyBackedStr,
            PyBackedStr,
            PyBackedStr,
            PyBackedStr,
        ) = classes.extract()?;
        let classes = TextClasses {
            letter: CharSet::new(&classes.0),
            dense: CharSet::new(&classes.1),
            latin: CharSet::new(&classes.2),
            word: CharSet::new(&classes.3),
            space: CharSet::new(&classes.4),
        };
        let seed: i128 = seed.extract()?;
        let sum_mode_name: PyBackedStr = sum_mode_name.extract()?;
        let mode = sum_mode(&sum_mode_name)?;
        let mut changed = Vec::with_capacity(normalized.len());
        for (from, to) in normalized.iter() {
            let from: PyBackedStr = from.extract()?;
            let to: PyBackedStr = to.extract()?;
            changed.push((
                single_char(&from, "normalized key")?,
                single_char(&to, "normalized value")?,
            ));
        }
        let (letters, marks, table) = &vietnamese;
        let table: Vec<String> = table.iter().map(|row| row.to_string()).collect();
        let tables = CharTables::new(&changed, &uppercase, letters, marks, &table)
            .ok_or_else(|| PyValueError::new_err("the Vietnamese table misses letters or marks"))?;
        let value_error =
            |e: corpusclean_core::langdetect::ModelError| PyValueError::new_err(e.to_string());
        let mut rows = Profiles::new(languages.len(), profiles.len()).map_err(value_error)?;
        for (ngram, probs) in profiles.iter() {
            let ngram: PyBackedStr = ngram.extract()?;
            let probs: Vec<f64> = probs.extract()?;
            rows.add(&ngram, &probs).map_err(value_error)?;
        }
        let inner = Detector::new(rows, tables, classes, seed, mode);
        Ok(Self {
            inner,
            languages,
            args,
        })
    }

    /// `Detector.langprob` for `text`: one probability per language, or None when langdetect
    /// finds no features in it. `seed` replaces the detector's own.
    #[pyo3(signature = (text, *, seed = None))]
    fn probabilities(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        seed: Option<i128>,
    ) -> PyResult<Option<Vec<f64>>> {
        let seed = seed.unwrap_or_else(|| self.inner.seed());
        self.run(py, |d| d.probabilities(&text, seed))
    }

    /// `Detector.get_probabilities()` for `text`: (language, probability) above 0.1, best
    /// first, or None when langdetect finds no features in it. `seed` replaces the detector's
    /// own.
    #[pyo3(signature = (text, *, seed = None))]
    fn detect(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        seed: Option<i128>,
    ) -> PyResult<Option<Vec<(String, f64)>>> {
        let seed = seed.unwrap_or_else(|| self.inner.seed());
        let ranked = self.run(py, |d| d.detect(&text, seed))?;
        Ok(ranked.map(|ranked| self.named(ranked)))
    }

    /// `prose_score(line)`.
    fn prose_score(&self, py: Python<'_>, line: PyBackedStr) -> PyResult<f64> {
        self.run(py, |d| d.classes().prose_score(&line))
    }

    /// `sample(lines, max_chars=max_chars)`.
    fn sample(
        &self,
        py: Python<'_>,
        lines: Vec<PyBackedStr>,
        max_chars: usize,
    ) -> PyResult<String> {
        self.run(py, |d| d.classes().sample(&lines, max_chars))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().args.bind(slf.py()).clone()))
    }
}
