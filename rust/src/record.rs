//! `corpusclean.record`: a document's sidecar row of removed lines, written in one call.

use corpusclean_core::record::{self, Removed};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyString, PyTuple};

/// A value's text if it is exactly a `str` with a UTF-8 form, else None.
fn exact_str<'a, 'py>(value: &'a Bound<'py, PyAny>) -> Option<&'a Bound<'py, PyString>> {
    if value.is_exact_instance_of::<PyString>() {
        value.cast::<PyString>().ok()
    } else {
        None
    }
}

/// `removal_row(doc_id, source, removals)`: the bytes `dumps_line(removal_row(result))` gives
/// for `removals` (a tuple of `Removal`s, in the document's order), or None when a value is
/// not what the core writes (not exactly a `str` or an `int` within 64 bits, a text with lone
/// surrogates): the caller writes the row with the reference.
#[pyfunction]
pub fn removal_row<'py>(
    py: Python<'py>,
    doc_id: &Bound<'py, PyAny>,
    source: &Bound<'py, PyAny>,
    removals: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let Ok(removals) = removals.cast::<PyTuple>() else {
        return Ok(None);
    };
    let (Some(doc_id), Some(source)) = (exact_str(doc_id), exact_str(source)) else {
        return Ok(None);
    };
    let (Ok(doc_id), Ok(source)) = (doc_id.to_str(), source.to_str()) else {
        return Ok(None);
    };
    // The fields stay borrowed from the tuples, which `removals` keeps alive.
    let items: Vec<Bound<'py, PyTuple>> = match removals
        .iter()
        .map(|item| item.cast_into::<PyTuple>())
        .collect::<Result<_, _>>()
    {
        Ok(items) => items,
        Err(_) => return Ok(None),
    };
    let mut fields: Vec<[Bound<'py, PyAny>; 5]> = Vec::with_capacity(items.len());
    for item in &items {
        if item.len() != 5 {
            return Ok(None);
        }
        fields.push([
            item.get_item(0)?,
            item.get_item(1)?,
            item.get_item(2)?,
            item.get_item(3)?,
            item.get_item(4)?,
        ]);
    }
    let mut removed = Vec::with_capacity(fields.len());
    for [line, text, reason, step, detail] in &fields {
        if !line.is_exact_instance_of::<PyInt>() {
            return Ok(None);
        }
        let Ok(line) = line.extract::<i64>() else {
            return Ok(None);
        };
        let text_of = |v| exact_str(v).and_then(|s| s.to_str().ok());
        let (Some(text), Some(reason), Some(step), Some(detail)) = (
            text_of(text),
            text_of(reason),
            text_of(step),
            text_of(detail),
        ) else {
            return Ok(None);
        };
        removed.push(Removed {
            line,
            text,
            reason,
            step,
            detail,
        });
    }
    // Writing these fields cannot fail; were it to, the reference writes the row.
    Ok(record::removal_row(doc_id, source, &removed)
        .ok()
        .map(|line| PyBytes::new(py, &line)))
}
