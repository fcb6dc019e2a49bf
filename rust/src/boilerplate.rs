//! `corpusclean.filters.boilerplate`: the line families' pages and rules.

use std::collections::HashMap;
use std::sync::Arc;

use corpusclean_core::boilerplate::{Family, Kind, Lines, Page, Search};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::guarded;

/// Reads documents into pages (`_nonblank`), with the search of the gated tables, built once
/// per process from their normalized phrases.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct BoilerplateReader {
    gate: Arc<Search>,
}

#[pymethods]
impl BoilerplateReader {
    #[new]
    fn new(gate: Vec<String>) -> PyResult<Self> {
        let gate = Search::new(&gate, true).map_err(PyValueError::new_err)?;
        Ok(BoilerplateReader {
            gate: Arc::new(gate),
        })
    }

    /// The page of a document's lines, an iterable of `str` (copied into one buffer, then
    /// read with the GIL released). Raises `UnicodeEncodeError` for a line with lone surrogates
    /// and `CoreError` if the core fails.
    fn page(&self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<BoilerplatePage> {
        let mut copied = Lines::default();
        for line in lines.try_iter()? {
            copied.push(line?.cast::<PyString>()?.to_str()?);
        }
        let gate = &self.gate;
        let inner = py.detach(|| guarded(|| Page::read(copied, gate)))?;
        Ok(BoilerplatePage { inner })
    }
}

/// The non-blank lines of a document, read and linked (`_Page`).
#[pyclass(frozen, module = "corpusclean._core")]
pub struct BoilerplatePage {
    inner: Page,
}

#[pymethods]
impl BoilerplatePage {
    fn __len__(&self) -> usize {
        self.inner.lines.len()
    }

    /// The position of each line in the document's lines.
    #[getter]
    fn r#where(&self) -> Vec<usize> {
        self.inner.where_.clone()
    }

    /// Each line's `(raw, norm, size, flags, code, lead)`: `flags` the `_Text` fields plain,
    /// lead_in, counter, symbol, token, phrase; `lead` the normalized lead-in line or None.
    #[allow(clippy::type_complexity)]
    fn lines(&self) -> Vec<(String, String, usize, [bool; 6], bool, Option<String>)> {
        let texts = &self.inner.texts;
        self.inner
            .lines
            .iter()
            .map(|l| {
                let t = texts.get(l.text);
                (
                    t.raw().to_owned(),
                    t.norm().to_owned(),
                    t.size,
                    [t.plain, t.lead_in, t.counter, t.symbol, t.token, t.phrase],
                    l.code,
                    l.lead.map(|i| texts.get(i).norm().to_owned()),
                )
            })
            .collect()
    }
}

/// One family's rules (`_LineFamily`), built from the filter's normalized phrase sets,
/// searches (items and `prefix`) and parameters.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct BoilerplateFamily {
    inner: Family,
}

#[pymethods]
impl BoilerplateFamily {
    #[new]
    fn new(
        reason: &str,
        sets: HashMap<String, Vec<String>>,
        searches: HashMap<String, (Vec<String>, bool)>,
        params: HashMap<String, f64>,
    ) -> PyResult<Self> {
        let kind = Kind::from_reason(reason)
            .ok_or_else(|| PyValueError::new_err(format!("no boilerplate family {reason:?}")))?;
        Family::new(kind, sets, searches, params)
            .map(|inner| BoilerplateFamily { inner })
            .map_err(PyValueError::new_err)
    }

    /// The family on `page` to its fixpoint (the GIL released meanwhile): the positions in the
    /// document of the lines it removes, sorted, and the page of the document without them.
    fn run(
        &self,
        py: Python<'_>,
        page: &BoilerplatePage,
    ) -> PyResult<(Vec<usize>, BoilerplatePage)> {
        let (removed, rest) = py.detach(|| guarded(|| self.inner.run(&page.inner)))?;
        Ok((removed, BoilerplatePage { inner: rest }))
    }
}
