//! `corpusclean._core.LangDetector`: langdetect's detector (`corpusclean.language.detect`),
//! one call per text, the GIL released while it runs.

use std::sync::Arc;

use corpusclean_core::charset::CharSet;
use corpusclean_core::foreign_lines::{Found, Judge, PassScripts, Reason};
use corpusclean_core::langdetect::ngram::CharTables;
use corpusclean_core::langdetect::profile_files::{self, ProfileError};
use corpusclean_core::langdetect::sample::TextClasses;
use corpusclean_core::langdetect::{Detector, ModelError, Profiles, SumMode};
use corpusclean_core::language::{self, Kind, Summary, Tables};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::errors::guarded;

/// langdetect's detector over the tables a `DetectorFactory` loaded.
///
/// `LangDetector(profiles, languages, normalized, uppercase, vietnamese, classes, seed,
/// sum_mode)`:
/// `profiles` is `word_lang_prob_map` (n-gram -> one probability per language) and `languages`
/// the factory's `langlist`; or `profiles` is the list of langdetect's profile files in the
/// order the factory loads them and `languages` None: the core reads them and builds the same
/// tables (`OSError` when a file cannot be read, `ValueError` when one is not in langdetect's
/// format or the factory would refuse it). `normalized` maps each character `NGram.normalize` changes to its
/// replacement, `uppercase` holds every character `str.isupper()` accepts, `vietnamese` is
/// `(TO_NORMALIZE_VI_CHARS, DMARK_CLASS, NORMALIZED_VI_CHARS)`, `classes` the characters of
/// corpusclean's sampling classes (letters, dense, Latin, word, space: see
/// `corpusclean.language.detect`; `uppercase` and `classes` None take them from the core's
/// generated table, which the caller passes only when `LineLanguage` accepts the running
/// versions), `seed` the factory's int seed and
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
        profiles: &Bound<'_, PyAny>,
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
                profiles,
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
        let files: Option<Vec<std::path::PathBuf>> = if profiles.is_instance_of::<PyDict>() {
            None
        } else {
            if !languages.is_none() {
                return Err(PyValueError::new_err(
                    "languages must be None when profiles are files",
                ));
            }
            Some(profiles.extract()?)
        };
        // None: the characters of the core's own table (the caller checked it is this
        // interpreter's, `LineLanguage`).
        let uppercase: String = match uppercase.extract::<Option<PyBackedStr>>()? {
            Some(text) => text.to_string(),
            None => language::members(language::UPPER),
        };
        let vietnamese: (PyBackedStr, PyBackedStr, Vec<PyBackedStr>) = vietnamese.extract()?;
        let classes = match classes.extract::<Option<[PyBackedStr; 5]>>()? {
            Some([letter, dense, latin, word, space]) => TextClasses {
                letter: CharSet::new(&letter),
                dense: CharSet::new(&dense),
                latin: CharSet::new(&latin),
                word: CharSet::new(&word),
                space: CharSet::new(&space),
            },
            None => TextClasses {
                letter: CharSet::new(&language::members(language::SAMPLE_LETTER)),
                dense: CharSet::new(&language::members(language::SAMPLE_DENSE)),
                latin: CharSet::new(&language::members(language::SAMPLE_LATIN)),
                word: CharSet::new(&language::members(language::SAMPLE_WORD)),
                space: CharSet::new(&language::members(language::SAMPLE_SPACE)),
            },
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
        let (languages, rows) = match files {
            Some(files) => py
                .detach(|| guarded(|| profile_files::load(&files)))?
                .map_err(|e| match e {
                    ProfileError::Read(..) => PyOSError::new_err(e.to_string()),
                    _ => PyValueError::new_err(e.to_string()),
                })?,
            None => {
                let profiles = profiles.cast::<PyDict>()?;
                let languages: Vec<String> = languages.extract()?;
                let value_error = |e: ModelError| PyValueError::new_err(e.to_string());
                let mut rows =
                    Profiles::new(languages.len(), profiles.len()).map_err(value_error)?;
                for (ngram, probs) in profiles.iter() {
                    let ngram: PyBackedStr = ngram.extract()?;
                    let probs: Vec<f64> = probs.extract()?;
                    rows.add(&ngram, &probs).map_err(value_error)?;
                }
                (languages, rows)
            }
        };
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

    /// The languages, in the profiles' order (the factory's `langlist`).
    #[getter]
    fn languages(&self) -> Vec<String> {
        self.languages.clone()
    }

    /// The number of n-grams of one to three characters in the profiles.
    fn ngram_count(&self) -> usize {
        self.inner.profiles().len()
    }

    /// An n-gram's probabilities, one per language, as `word_lang_prob_map` holds them; None
    /// for an n-gram the profiles do not have (or not of one to three characters).
    fn ngram_probabilities(&self, ngram: &str) -> Option<Vec<f64>> {
        let row = self.inner.profiles().row(ngram)?;
        let mut probs = vec![0.0; self.languages.len()];
        for &(lang, p) in row {
            probs[usize::from(lang)] = p;
        }
        Some(probs)
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

    /// `sample_lines(lines, max_chars=max_chars)`.
    fn sample_lines(
        &self,
        py: Python<'_>,
        lines: Vec<PyBackedStr>,
        max_chars: usize,
    ) -> PyResult<Vec<String>> {
        self.run(py, |d| {
            d.classes()
                .sample_lines(&lines, max_chars)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().args.bind(slf.py()).clone()))
    }
}

/// The tables of `corpusclean.language.scripts` and `.stopwords`, for the language steps' line
/// facts: `LineLanguage(scripts, weights, unspaced, dense, stopwords, close, version)`.
///
/// `scripts` is `SCRIPTS + (OTHER,)` and `version` the running `unicodedata.unidata_version`
/// and `regex.__version__` joined by a space: both must be what the core's character table
/// was generated from (else `ValueError`, and the reference answers). `weights` is `WEIGHTS`'
/// items, `unspaced` `UNSPACED`, `dense` the scripts `main_script` tells apart, `stopwords`
/// `STOPWORDS`' items (language, words) and `close` `CLOSE_LANGUAGES`.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct LineLanguage {
    tables: Arc<Tables>,
    args: Py<PyTuple>,
}

#[pymethods]
impl LineLanguage {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        scripts: &Bound<'_, PyAny>,
        weights: &Bound<'_, PyAny>,
        unspaced: &Bound<'_, PyAny>,
        dense: &Bound<'_, PyAny>,
        stopwords: &Bound<'_, PyAny>,
        close: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let args = PyTuple::new(
            py,
            [scripts, weights, unspaced, dense, stopwords, close, version],
        )?
        .unbind();
        let names: Vec<String> = scripts.extract()?;
        let version: String = version.extract()?;
        if version != language::VERSION || names != language::script_names() {
            return Err(PyValueError::new_err(format!(
                "the core's script table is for {:?} (scripts {:?}), not {version:?} \
                 (scripts {names:?}): rerun rust/core/tools/gen_language_tables.py",
                language::VERSION,
                language::script_names(),
            )));
        }
        let tables = Tables::new(
            &weights.extract::<Vec<(String, u64)>>()?,
            &unspaced.extract::<Vec<String>>()?,
            &dense.extract::<Vec<String>>()?,
            &stopwords.extract::<Vec<(String, Vec<String>)>>()?,
            close.extract()?,
        )
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Self {
            tables: Arc::new(tables),
            args,
        })
    }

    /// The characters of one class of the core's generated table: `upper` (`str.isupper`),
    /// or a class of the sampling (`letter`, `dense`, `latin`, `word`, `space`), as
    /// `LangDetector` takes them when it is handed None.
    #[staticmethod]
    fn members(class: &str) -> PyResult<String> {
        let bit = match class {
            "upper" => language::UPPER,
            "letter" => language::SAMPLE_LETTER,
            "dense" => language::SAMPLE_DENSE,
            "latin" => language::SAMPLE_LATIN,
            "word" => language::SAMPLE_WORD,
            "space" => language::SAMPLE_SPACE,
            _ => return Err(PyValueError::new_err(format!("no class {class:?}"))),
        };
        Ok(language::members(bit))
    }

    /// The facts of every line of a document (`words=False`: without its tokens and
    /// stopwords), for the questions of `LineFacts`.
    #[pyo3(signature = (lines, *, words = true))]
    fn facts(&self, py: Python<'_>, lines: Vec<PyBackedStr>, words: bool) -> PyResult<LineFacts> {
        let tables = &self.tables;
        let facts = py.detach(|| guarded(|| tables.facts(&lines, words)))?;
        Ok(LineFacts {
            tables: Arc::clone(&self.tables),
            facts,
        })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().args.bind(slf.py()).clone()))
    }
}

/// One line's class for `ForeignLines`: (kind, words, quoted, sure, given to the document's
/// language), kind one of `blank`, `neutral`, `home`, `open`, `foreign`, `edge`, `pending`.
type ClassRow = (&'static str, usize, bool, bool, bool);
/// A line the caller finishes: (place, script, share), the script and share of a
/// `language.foreign_script` line, or None and 0.0 for a `pending` line (langdetect decides).
type Special = (usize, Option<&'static str>, f64);

/// The facts of a document's lines (`LineLanguage.facts`).
#[pyclass(frozen, module = "corpusclean._core")]
pub struct LineFacts {
    tables: Arc<Tables>,
    facts: Vec<language::LineFacts>,
}

impl LineFacts {
    fn checked(&self, alive: Option<Vec<usize>>) -> PyResult<Option<Vec<usize>>> {
        if let Some(alive) = &alive {
            if alive.iter().any(|&i| i >= self.facts.len()) {
                return Err(PyValueError::new_err(
                    "a line index past the document's lines",
                ));
            }
        }
        Ok(alive)
    }
}

#[pymethods]
impl LineFacts {
    fn __len__(&self) -> usize {
        self.facts.len()
    }

    /// Over the lines `alive` (every line when None): (`main_script_of_lines`, `profile` as
    /// (script, share) pairs largest first, lines per heaviest script as (script, lines),
    /// lines with letters), the pieces of `own_scripts`.
    #[pyo3(signature = (alive = None))]
    fn summary(&self, alive: Option<Vec<usize>>) -> PyResult<SummaryRow> {
        let alive = self.checked(alive)?;
        Ok(summary_row(
            &self.tables.summary(&self.facts, alive.as_deref()),
        ))
    }

    /// `ForeignLines.__call__` on the document in `language`, up to the decision: (removed
    /// lines as (line, reason, detail), `line_languages` as (language, lines), the language
    /// the document was tipped to or None, the lines left). `scripts(main, letters, by_line,
    /// counted, language)` gives a pass's (own scripts, language, scripts judged by language,
    /// home is sure); `detect(line, against)` is `_detect` on a line, None when the budget is
    /// spent, else (language, score, determined, 1 - the probability of languages close to
    /// `against`).
    #[pyo3(signature = (language, scripts, detect, *, script_share, min_words, min_stopwords, lone_min_words, min_score, weak_score, interior_run, max_foreign_share))]
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn foreign_lines(
        &self,
        py: Python<'_>,
        language: &str,
        scripts: Py<PyAny>,
        detect: Py<PyAny>,
        script_share: f64,
        min_words: usize,
        min_stopwords: u32,
        lone_min_words: usize,
        min_score: f64,
        weak_score: f64,
        interior_run: usize,
        max_foreign_share: f64,
    ) -> PyResult<(
        Vec<(usize, &'static str, String)>,
        Vec<(String, usize)>,
        Option<String>,
        Vec<usize>,
    )> {
        let params = language::Params {
            script_share,
            min_words,
            min_stopwords,
            lone_min_words,
            min_score,
            weak_score,
            interior_run,
            max_foreign_share,
        };
        let mut judge = PyJudge { scripts, detect };
        let (tables, facts) = (&self.tables, &self.facts);
        let outcome =
            py.detach(|| guarded(|| tables.foreign_lines(facts, language, &params, &mut judge)))??;
        Ok((
            outcome
                .removed
                .into_iter()
                .map(|(i, reason, detail)| (i, reason_name(reason), detail.text()))
                .collect(),
            outcome.line_languages,
            outcome.relabel,
            outcome.alive,
        ))
    }

    /// `script_counts` of the lines `alive` (every line when None) joined by newlines, as
    /// (script, letters) in the order the joined text first uses each script.
    #[pyo3(signature = (alive = None))]
    fn counts(&self, alive: Option<Vec<usize>>) -> PyResult<Vec<(&'static str, u64)>> {
        let alive = self.checked(alive)?;
        Ok(Tables::joined_counts(&self.facts, alive.as_deref())
            .into_iter()
            .map(|(s, n)| (language::script_name(s), n))
            .collect())
    }

    /// Every line's `line_vote(line)[0]`.
    fn votes(&self) -> Vec<Option<&'static str>> {
        self.facts
            .iter()
            .map(|f| f.vote.0.map(language::script_name))
            .collect()
    }

    /// Every line's `_stopword_language(tokens(line))` (`detect.py`).
    fn stopword_languages(&self) -> Vec<Option<String>> {
        self.facts
            .iter()
            .map(|f| {
                self.tables
                    .stopword_language(f)
                    .map(|l| self.tables.language_code(l).to_owned())
            })
            .collect()
    }

    /// `ForeignLines._classify` of the lines `alive` in `language` with the document's
    /// scripts `own`, up to langdetect: every line's class, and the places of the lines with
    /// a reason or left to langdetect (kind `pending`: the reference judges the line).
    #[pyo3(signature = (alive, language, home_sure, own, *, script_share, min_words, min_stopwords, lone_min_words))]
    #[allow(clippy::too_many_arguments)]
    fn classify(
        &self,
        py: Python<'_>,
        alive: Vec<usize>,
        language: &str,
        home_sure: bool,
        own: Vec<String>,
        script_share: f64,
        min_words: usize,
        min_stopwords: u32,
        lone_min_words: usize,
    ) -> PyResult<(Vec<ClassRow>, Vec<Special>)> {
        let alive = self.checked(Some(alive))?.unwrap_or_default();
        let own: Vec<u8> = own
            .iter()
            .filter_map(|s| language::script_number(s))
            .collect();
        let params = language::Params {
            script_share,
            min_words,
            min_stopwords,
            lone_min_words,
            min_score: 1.0,
            weak_score: 1.0,
            interior_run: 1,
            max_foreign_share: 1.0,
        };
        let lang = language::Language {
            code: language,
            home_sure,
        };
        let (tables, facts) = (&self.tables, &self.facts);
        let classes =
            py.detach(|| guarded(|| tables.classify(facts, &alive, &lang, &own, &params)))?;
        let mut special = Vec::new();
        let rows = classes
            .into_iter()
            .enumerate()
            .map(|(at, c)| {
                if let Some((script, share)) = c.script {
                    special.push((at, Some(language::script_name(script)), share));
                } else if c.kind == Kind::Pending {
                    special.push((at, None, 0.0));
                }
                (kind_name(c.kind), c.words, c.quoted, c.sure, c.tagged)
            })
            .collect();
        Ok((rows, special))
    }
}

/// The Python side of [`Judge`]: `scripts(main, letters, by_line, counted, language)` and
/// `detect(line, against)`, called with the GIL taken again.
struct PyJudge {
    scripts: Py<PyAny>,
    detect: Py<PyAny>,
}

fn script_names(scripts: &[String]) -> Vec<u8> {
    scripts
        .iter()
        .filter_map(|s| language::script_number(s))
        .collect()
}

impl Judge for PyJudge {
    type Error = PyErr;

    fn scripts(&mut self, s: &Summary, code: &str) -> PyResult<PassScripts> {
        Python::attach(|py| {
            let (main, letters, by_line, counted) = summary_row(s);
            let answer = self
                .scripts
                .bind(py)
                .call1((main, letters, by_line, counted, code))?;
            let (own, language, judged, home_sure): (Vec<String>, String, Vec<String>, bool) =
                answer.extract()?;
            Ok(PassScripts {
                own: script_names(&own),
                language,
                judged: script_names(&judged),
                home_sure,
            })
        })
    }

    fn detect(&mut self, line: usize, against: &str) -> PyResult<Option<Found>> {
        Python::attach(|py| {
            let answer = self.detect.bind(py).call1((line, against))?;
            let found: Option<(String, f64, bool, f64)> = answer.extract()?;
            Ok(found.map(|(language, score, determined, against)| Found {
                language,
                score,
                determined,
                against,
            }))
        })
    }
}

type SummaryRow = (
    Option<&'static str>,
    Vec<(&'static str, f64)>,
    Vec<(&'static str, u64)>,
    u64,
);

fn summary_row(s: &Summary) -> SummaryRow {
    let by_line = s
        .by_line
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .filter_map(|(i, &n)| u8::try_from(i).ok().map(|i| (language::script_name(i), n)))
        .collect();
    (
        s.main.map(language::script_name),
        s.profile
            .iter()
            .map(|&(script, share)| (language::script_name(script), share))
            .collect(),
        by_line,
        s.counted,
    )
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::None => "",
        Reason::Script => "language.foreign_script",
        Reason::Line => "language.foreign_line",
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Blank => "blank",
        Kind::Neutral => "neutral",
        Kind::Home => "home",
        Kind::Open => "open",
        Kind::Weak => "weak",
        Kind::Foreign => "foreign",
        Kind::Edge => "edge",
        Kind::Pending => "pending",
    }
}
