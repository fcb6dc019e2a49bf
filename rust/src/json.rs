//! `corpusclean._json`: the scans of a JSON line (`corpusclean_core::json`), the GIL released
//! while they run.

use corpusclean_core::json;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// `json_scan(data, wanted)`: the flags of `data` (bytes, or a str read as its UTF-8) among
/// `wanted`: 1 a float orjson may write differently, 2 a line-break character, 4 a run of 19
/// digits. A str with lone surrogates raises `UnicodeEncodeError` (the caller uses the
/// reference).
#[pyfunction]
pub fn json_scan(py: Python<'_>, data: &Bound<'_, PyAny>, wanted: u8) -> PyResult<u8> {
    if let Ok(bytes) = data.cast::<PyBytes>() {
        let line = bytes.as_bytes();
        return Ok(py.detach(|| json::scan(line, wanted)));
    }
    let text = data.cast::<PyString>()?.to_str()?;
    Ok(py.detach(|| json::scan(text.as_bytes(), wanted)))
}
