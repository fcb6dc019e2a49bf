//! The core's exception: `corpusclean._core.CoreError(code, message)`, `code` dotted
//! (`core.panic`). `corpusclean._accel` decides what Python does with it: count it and fall
//! back to the Python reference.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    _core,
    CoreError,
    PyException,
    "An error inside the compiled core; args are (code, message)."
);

/// Run `work` on one document, a panic turned into [`CoreError`] `core.panic` instead of
/// unwinding into Python (where it would be a `BaseException` no handler expects).
pub fn guarded<T>(work: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        CoreError::new_err(("core.panic", what))
    })
}
