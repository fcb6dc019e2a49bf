//! corpusclean's core: the per-document work of the pipeline's hot paths, in safe Rust.
//!
//! Every module mirrors a Python module of `corpusclean`, whose implementation is the reference:
//! a function here ships only with a differential test (`tests/differential/`) proving that it
//! gives the same answers, floats to the bit. The crate knows nothing of Python; the binding
//! crate (`rust/`, the root package) extracts a document's lines, calls in here once per
//! document, and converts the answers back.

pub mod boilerplate;
pub mod encoding;
pub mod foreign_lines;
pub mod html;
pub mod html_walk;
pub mod json;
pub mod language;
pub mod layout;
pub mod record;
pub mod report;
pub mod unicode;
mod unicode_tables;
mod unicode_tables_families;
mod unicode_tables_language;
mod unicode_tables_normalization;

/// The version of the core, the same as the Python package's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod charset;
pub mod langdetect;
