//! `corpusclean.filters`: the layout model's line measurements.

use corpusclean_core::layout::{self, DocumentShapes, NUMERIC_FIELDS};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyBytes;

use crate::errors::guarded;

/// Every line's `LineShape` of one document, as columns (`_core.line_shapes`).
#[pyclass(frozen, module = "corpusclean._core")]
pub struct LineShapes {
    inner: DocumentShapes,
}

#[pymethods]
impl LineShapes {
    fn __len__(&self) -> usize {
        self.inner.shapes.len()
    }

    /// The numeric fields of every line (all of `LineShape` but `key`), row by row, as native
    /// float64 bytes (`numpy.frombuffer(...).reshape(len(self), NUMERIC_FIELDS)`).
    fn numbers<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let mut out = Vec::with_capacity(self.inner.shapes.len() * NUMERIC_FIELDS * 8);
        for shape in &self.inner.shapes {
            for x in shape.numbers() {
                out.extend_from_slice(&x.to_ne_bytes());
            }
        }
        PyBytes::new(py, &out)
    }

    /// Each line's key (its tokens joined by spaces).
    fn keys(&self) -> Vec<&str> {
        self.inner.shapes.iter().map(|s| s.key.as_str()).collect()
    }

    /// Each line's key numbered in order of first appearance, as native int64 bytes.
    fn key_ids<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let out: Vec<u8> = self
            .inner
            .key_ids
            .iter()
            .flat_map(|k| k.to_ne_bytes())
            .collect();
        PyBytes::new(py, &out)
    }

    /// Each line's share of tokens found in line `first`, as native float64 bytes.
    fn title_overlap<'py>(&self, py: Python<'py>, first: usize) -> Bound<'py, PyBytes> {
        let col = py.detach(|| layout::title_overlap(&self.inner.shapes, first));
        let out: Vec<u8> = col.iter().flat_map(|x| x.to_ne_bytes()).collect();
        PyBytes::new(py, &out)
    }
}

/// Measure every line of a document (the GIL released meanwhile). Raises `UnicodeEncodeError`
/// for a line with lone surrogates and `CoreError` if the core fails: the caller then uses the
/// reference.
#[pyfunction]
pub fn line_shapes(py: Python<'_>, lines: Vec<PyBackedStr>) -> PyResult<LineShapes> {
    let inner = py.detach(|| guarded(|| layout::measure_lines(&lines)))?;
    Ok(LineShapes { inner })
}

/// The width of `LineShapes.numbers()` rows.
pub const LINE_NUMERIC_FIELDS: usize = NUMERIC_FIELDS;

/// The trees of one pass of the line model (`layout.TreeArrays`), built once per loaded model.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct Trees {
    inner: layout::Trees,
}

#[pymethods]
impl Trees {
    #[new]
    fn new(
        feats: Vec<usize>,
        thresholds: Vec<f64>,
        leaves: Vec<f64>,
        depth: u32,
        bias: f64,
    ) -> PyResult<Self> {
        layout::Trees::new(feats, thresholds, leaves, depth, bias)
            .map(|inner| Trees { inner })
            .map_err(|_| PyValueError::new_err("trees: array lengths do not fit the depth"))
    }

    /// Each row's margin, as native float64 bytes; `x` holds the rows' `width` features as
    /// native float64 bytes (the GIL released meanwhile).
    fn margins<'py>(
        &self,
        py: Python<'py>,
        x: &[u8],
        width: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if width == 0 || x.len() % (8 * width) != 0 {
            return Err(PyValueError::new_err(
                "margins: x is not rows of width float64",
            ));
        }
        let values: Vec<f64> = x
            .chunks_exact(8)
            .map(|b| f64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            .collect();
        let margins = py.detach(|| guarded(|| self.inner.margins(&values, width)))?;
        let out: Vec<u8> = margins.iter().flat_map(|m| m.to_ne_bytes()).collect();
        Ok(PyBytes::new(py, &out))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let t = &slf.get().inner;
        let args = (
            t.feats.clone(),
            t.thresholds.clone(),
            t.leaves.clone(),
            t.depth,
            t.bias,
        );
        (slf.get_type(), args)
            .into_pyobject(slf.py())
            .map(Bound::into_any)
    }
}

/// A pass's trees and feature names.
type Pass = (Py<Trees>, Vec<String>);

/// The whole line model (`layout.LineModel`) with its passes' feature names, built once per
/// loaded model: `remove` runs `LayoutBoilerplate`'s rounds over one document in one call.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct LineModel {
    inner: layout::LineModel,
    /// The constructor's arguments, for pickling.
    args: (Py<Trees>, Vec<String>, Option<Pass>),
}

#[pymethods]
impl LineModel {
    #[new]
    #[pyo3(signature = (pass1, names1, pass2=None))]
    fn new(
        pass1: Bound<'_, Trees>,
        names1: Vec<String>,
        pass2: Option<(Bound<'_, Trees>, Vec<String>)>,
    ) -> PyResult<Self> {
        let second = pass2.as_ref().map(|(t, n)| (&t.get().inner, n.as_slice()));
        let inner = layout::LineModel::new(&pass1.get().inner, &names1, second)
            .map_err(|_| PyValueError::new_err("line model: a tree tests an unnamed feature"))?;
        let args = (pass1.unbind(), names1, pass2.map(|(t, n)| (t.unbind(), n)));
        Ok(LineModel { inner, args })
    }

    /// The present lines the filter removes from one document, as `(position, detail)` in the
    /// order they went: `texts` are its lines in line order, `positions` each one's place in
    /// `doc.lines` (-1 for a line an earlier step removed). The GIL is released meanwhile; a
    /// line with lone surrogates raises `UnicodeEncodeError`, a failure `CoreError`.
    fn remove(
        &self,
        py: Python<'_>,
        texts: Vec<PyBackedStr>,
        positions: Vec<i64>,
        threshold: f64,
        min_lines: usize,
        max_rounds: usize,
    ) -> PyResult<Vec<(i64, String)>> {
        let settings = layout::Rounds {
            threshold,
            min_lines,
            max_rounds,
        };
        let removed = py.detach(|| guarded(|| self.inner.remove(&texts, &positions, settings)))?;
        Ok(removed
            .into_iter()
            .map(|r| (r.position, r.detail))
            .collect())
    }

    /// `LayoutBoilerplate` on one document: `lines` is `doc.lines` (`(no, text)` pairs),
    /// `earlier` the removals the model reads as page context (objects with `line` and `text`;
    /// empty without it). Returns the lines removed as two lists, their positions in `lines`
    /// (ascending) and their details; both empty when the document has fewer than `min_lines`
    /// non-blank lines or nothing goes. The GIL is released meanwhile; a line with lone
    /// surrogates raises `UnicodeEncodeError`, a failure `CoreError`.
    fn remove_lines(
        &self,
        py: Python<'_>,
        lines: Vec<(i64, PyBackedStr)>,
        earlier: Vec<Bound<'_, PyAny>>,
        threshold: f64,
        min_lines: usize,
        max_rounds: usize,
    ) -> PyResult<(Vec<i64>, Vec<String>)> {
        let earlier = earlier
            .iter()
            .map(|r| {
                let no: i64 = r.getattr(intern!(py, "line"))?.extract()?;
                let text: PyBackedStr = r.getattr(intern!(py, "text"))?.extract()?;
                Ok((no, text))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let settings = layout::Rounds {
            threshold,
            min_lines,
            max_rounds,
        };
        let removed =
            py.detach(|| guarded(|| self.inner.remove_from_page(&lines, &earlier, settings)))?;
        Ok(removed.into_iter().map(|r| (r.position, r.detail)).unzip())
    }

    /// One round's margins of the lines `live` (positions into `texts`), as native float64
    /// bytes: pass one's, and pass two's (None without a second pass).
    fn margins<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
        live: Vec<usize>,
    ) -> PyResult<(Bound<'py, PyBytes>, Option<Bound<'py, PyBytes>>)> {
        let (first, second) = py.detach(|| guarded(|| self.inner.margins(&texts, &live)))?;
        let bytes = |v: &[f64]| {
            let out: Vec<u8> = v.iter().flat_map(|x| x.to_ne_bytes()).collect();
            PyBytes::new(py, &out)
        };
        Ok((bytes(&first), second.as_deref().map(bytes)))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let (pass1, names1, pass2) = &slf.get().args;
        let py = slf.py();
        let args = (
            pass1.clone_ref(py),
            names1.clone(),
            pass2.as_ref().map(|(t, n)| (t.clone_ref(py), n.clone())),
        );
        (slf.get_type(), args)
            .into_pyobject(py)
            .map(Bound::into_any)
    }
}

/// The columns of a feature row of the line model (`FEATURES + CONTEXT_FEATURES`).
pub const LINE_FEATURES: [&str; 59] = layout::FEATURE_NAMES;
