//! The extension module `corpusclean._core`: glue between Python and `corpusclean_core`.
//!
//! One file per Python package served. Only `corpusclean._accel` imports this module.

use pyo3::prelude::*;

mod boilerplate;
mod encoding;
mod errors;
mod filters;
mod html;
mod json;
mod language;
mod record;
mod report;

/// The Cargo profile the extension was built with (`release` for `pip install`).
const BUILD_PROFILE: &str = env!("CORPUSCLEAN_BUILD_PROFILE");

#[pymodule]
mod _core {
    use super::*;

    #[pymodule_export]
    use super::boilerplate::{BoilerplateFamily, BoilerplatePage, BoilerplateReader};
    #[pymodule_export]
    use super::encoding::{Normalizer, SuspectScan};
    #[pymodule_export]
    use super::errors::CoreError;
    #[pymodule_export]
    use super::filters::{line_shapes, LineModel, LineShapes, Trees};
    #[pymodule_export]
    use super::html::{DomRegion, HtmlWalker};
    #[pymodule_export]
    use super::json::json_scan;
    #[pymodule_export]
    use super::language::{LangDetector, LineFacts, LineLanguage};
    #[pymodule_export]
    use super::record::removal_row;
    #[pymodule_export]
    use super::report::RemovalScan;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", corpusclean_core::VERSION)?;
        m.add("build_profile", BUILD_PROFILE)?;
        m.add("LINE_NUMERIC_FIELDS", crate::filters::LINE_NUMERIC_FIELDS)?;
        m.add("LINE_FEATURES", crate::filters::LINE_FEATURES.to_vec())?;
        Ok(())
    }
}
