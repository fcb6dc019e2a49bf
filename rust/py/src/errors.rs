//! The core's exception: `corpusclean._core.CoreError(code, message)`, `code` dotted
//! (`core.panic`). `corpusclean._accel` decides what Python does with it.

pyo3::create_exception!(
    _core,
    CoreError,
    pyo3::exceptions::PyException,
    "An error inside the compiled core; args are (code, message)."
);
