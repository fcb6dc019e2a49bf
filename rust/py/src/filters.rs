//! `corpusclean.filters`: the layout model's line measurements.

use corpusclean_core::layout::{self, DocumentShapes, NUMERIC_FIELDS};
use pyo3::exceptions::PyValueError;
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
