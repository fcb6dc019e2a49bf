//! `corpusclean.report`: the scan of the removal rows (`corpusclean_core::report`).

use corpusclean_core::report;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::errors::{guarded, CoreError};

/// `(rows, by_step, removed_chars, templates, examples, kept_rows)`: see [`RemovalScan::finish`].
type Found = (
    u64,
    Vec<(String, u64)>,
    Vec<(String, u64)>,
    Vec<(String, Vec<(String, u64)>)>,
    Vec<(String, Vec<(i64, u64, usize, usize)>)>,
    Vec<(usize, Py<PyBytes>)>,
);

/// `RemovalScan(sampled, examples)`: the removal rows read in stream order, by `feed(lines)`
/// (a list of JSONL lines as bytes) or by `feed_piece(data)` over a file then `end_file()`,
/// then `finish()`. A row the core cannot read as Python
/// does raises `CoreError("core.fallback.report", message)`: the caller uses the reference.
#[pyclass(module = "corpusclean._core")]
pub struct RemovalScan {
    inner: Option<report::RemovalScan>,
}

impl RemovalScan {
    fn scan(&mut self) -> PyResult<&mut report::RemovalScan> {
        self.inner.as_mut().ok_or_else(finished)
    }
}

/// A call after `finish()`.
fn finished() -> PyErr {
    CoreError::new_err(("core.error", "the scan is finished"))
}

/// A row the core cannot read as Python does: the caller goes back to the reference.
fn fallback(e: report::ScanError) -> PyErr {
    CoreError::new_err(("core.fallback.report", e.to_string()))
}

#[pymethods]
impl RemovalScan {
    #[new]
    fn new(sampled: Vec<String>, examples: usize) -> Self {
        RemovalScan {
            inner: Some(report::RemovalScan::new(sampled, examples)),
        }
    }

    /// Reads the rows `lines` (bytes each), the next ones of the stream.
    fn feed(&mut self, lines: &Bound<'_, PyList>) -> PyResult<()> {
        let scan = self.scan()?;
        for line in lines.iter() {
            let bytes = line.cast::<PyBytes>()?;
            guarded(|| scan.feed(bytes.as_bytes()))?.map_err(fallback)?;
        }
        guarded(|| scan.prune())
    }

    /// Reads `data`, the next piece of a JSONL file (a row cut at its end is read with the
    /// next piece).
    fn feed_piece(&mut self, data: &[u8]) -> PyResult<()> {
        let scan = self.scan()?;
        guarded(|| scan.feed_piece(data))?.map_err(fallback)?;
        guarded(|| scan.prune())
    }

    /// The end of a file fed in pieces: its last row when it does not end with a newline.
    fn end_file(&mut self) -> PyResult<()> {
        let scan = self.scan()?;
        guarded(|| scan.end_file())?.map_err(fallback)?;
        guarded(|| scan.prune())
    }

    /// `(rows, by_step, removed_chars, templates, examples, kept_rows)`: the non-empty rows;
    /// `(step, lines)`; `(sampled id, removed characters)`; `(site, [(stripped line, count)])`;
    /// `(reason, [(-key, order, row, item)])` in the heap's order; `(row, line)` of the rows the
    /// examples are in.
    fn finish(&mut self, py: Python<'_>) -> PyResult<Found> {
        let scan = self.inner.take().ok_or_else(finished)?;
        let out = guarded(|| scan.finish())?;
        Ok((
            out.rows,
            out.by_step.items,
            out.removed_chars,
            out.templates
                .into_iter()
                .map(|(site, lines)| (site, lines.items))
                .collect(),
            out.examples
                .into_iter()
                .map(|(reason, heap)| {
                    let items = heap
                        .into_iter()
                        .map(|c| (c.neg_key, c.order, c.row, c.item))
                        .collect();
                    (reason, items)
                })
                .collect(),
            out.kept_rows
                .into_iter()
                .map(|(row, line)| (row, PyBytes::new(py, &line).unbind()))
                .collect(),
        ))
    }
}
