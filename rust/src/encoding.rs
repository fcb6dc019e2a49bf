//! `corpusclean.filters.encoding`: every line's `normalize_line` and the suspect scan of
//! `needs_ftfy`, one call per document, the GIL released while they run.

use corpusclean_core::encoding::{self, Form, SuspectScan as Scan, UNICODE_VERSION};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyString, PyTuple, PyType};

use crate::errors::guarded;

/// The texts of a document's lines: `lines` holds `str`s or `(no, text)` pairs (`Line`).
/// A text with lone surrogates raises `UnicodeEncodeError` (the caller uses the reference).
fn texts(lines: &Bound<'_, PyAny>) -> PyResult<Vec<PyBackedStr>> {
    let mut out = Vec::with_capacity(lines.len().unwrap_or(0));
    for item in lines.try_iter()? {
        let item = item?;
        let text = if item.is_instance_of::<PyString>() {
            item
        } else {
            item.get_item(1)?
        };
        out.push(text.extract::<PyBackedStr>()?);
    }
    Ok(out)
}

/// `normalize_line` in one Unicode form: `Normalizer(form, version)`, `form` one of NFC,
/// NFKC, NFD, NFKD, and `version` the running `unicodedata.unidata_version`, which must be
/// the one the core's tables were generated from (else `ValueError`, and the reference
/// answers).
#[pyclass(frozen, module = "corpusclean._core")]
pub struct Normalizer {
    form: Form,
    args: Py<PyTuple>,
}

#[pymethods]
impl Normalizer {
    #[new]
    fn new(py: Python<'_>, form: &str, version: &str) -> PyResult<Self> {
        let Some(parsed) = Form::parse(form) else {
            return Err(PyValueError::new_err(format!(
                "form must be NFC, NFKC, NFD or NFKD, not {form:?}"
            )));
        };
        if version != UNICODE_VERSION {
            return Err(PyValueError::new_err(format!(
                "the core's normalization tables are for Unicode {UNICODE_VERSION}, not \
                 {version}: rerun rust/core/tools/gen_normalization_tables.py"
            )));
        }
        Ok(Self {
            form: parsed,
            args: PyTuple::new(py, [form, version])?.unbind(),
        })
    }

    /// The lines (`str`s or `Line`s) `normalize_line` changes: `(index, new text)` pairs.
    fn changes(&self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<Vec<(usize, String)>> {
        let texts = texts(lines)?;
        let form = self.form;
        py.detach(|| guarded(|| encoding::normalize_lines(&texts, form)))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().args.bind(slf.py()).clone()))
    }
}

/// The suspect scan of `needs_ftfy`: `SuspectScan(pairs, damage, before_space)`, `pairs` per
/// code page the characters it reads UTF-8 lead bytes as and those it reads continuation
/// bytes as, `damage` the characters suspect alone (no surrogates) and `before_space` those
/// suspect before a space.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct SuspectScan {
    inner: Scan,
    args: Py<PyTuple>,
}

#[pymethods]
impl SuspectScan {
    #[new]
    fn new(
        py: Python<'_>,
        pairs: Vec<(String, String)>,
        damage: &str,
        before_space: &str,
    ) -> PyResult<Self> {
        let Some(inner) = Scan::new(&pairs, damage, before_space) else {
            return Err(PyValueError::new_err(format!(
                "at most {} code pages, not {}",
                encoding::MAX_CODE_PAGES,
                pairs.len()
            )));
        };
        let args = (pairs, damage, before_space).into_pyobject(py)?.unbind();
        Ok(Self { inner, args })
    }

    /// The indexes of the lines (`str`s or `Line`s) `needs_ftfy` holds for.
    fn lines(&self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
        let texts = texts(lines)?;
        let scan = &self.inner;
        py.detach(|| guarded(|| scan.lines(&texts)))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        Ok((slf.get_type(), slf.get().args.bind(slf.py()).clone()))
    }
}
