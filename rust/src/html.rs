//! `corpusclean.filters.html`: `html.dom_boilerplate`'s decision, one call per page; and
//! `corpusclean.readers.html`: the walk of a parsed page, one call per page.

use std::collections::HashMap;
use std::sync::Arc;

use corpusclean_core::html::{decide, Bits, Declined, Node, Params, Tables};
use corpusclean_core::html_walk::{walk, WalkTableSpec, WalkTables};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;

use crate::errors::guarded;

/// The names of `Params`' fields, in the order `DomRegion.decide` takes their values.
const PARAMS: [&str; 17] = [
    "min_text",
    "sibling_ratio",
    "link_density",
    "class_weight",
    "drop_captions",
    "link_line_max",
    "outside_min_text",
    "recover_depth",
    "widen_ratio",
    "min_region_score",
    "min_region_share",
    "context_boost",
    "max_hint_share",
    "wrapper_share",
    "remove_title",
    "keep_meta",
    "list_page_share",
];

/// `DomBoilerplate`'s tables (flag bits, families, names, tag sets, wide characters), built
/// once per process from `filters/html.py`.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct DomRegion {
    tables: Arc<Tables>,
}

fn bit(bits: &HashMap<String, i64>, name: &str) -> PyResult<i64> {
    bits.get(name)
        .copied()
        .ok_or_else(|| PyValueError::new_err(format!("DomRegion: no bit {name}")))
}

#[pymethods]
impl DomRegion {
    /// `bits` names `positive`, `main_tags`, `negative`, `negative_tags`, `hidden`, `meta`,
    /// `t_form`, `comment` and `boost_stop`; `tags` the tag sets `headings`, `lists`, `scored`.
    #[new]
    fn new(
        bits: HashMap<String, i64>,
        families: Vec<(i64, String)>,
        names: Vec<(i64, String)>,
        tags: HashMap<String, Vec<String>>,
        wide: &str,
        commas: &str,
    ) -> PyResult<Self> {
        let b = Bits {
            positive: bit(&bits, "positive")?,
            main_tags: bit(&bits, "main_tags")?,
            negative: bit(&bits, "negative")?,
            negative_tags: bit(&bits, "negative_tags")?,
            hidden: bit(&bits, "hidden")?,
            meta: bit(&bits, "meta")?,
            t_form: bit(&bits, "t_form")?,
            comment: bit(&bits, "comment")?,
            boost_stop: bit(&bits, "boost_stop")?,
        };
        let set = |name: &str| {
            tags.get(name)
                .cloned()
                .ok_or_else(|| PyValueError::new_err(format!("DomRegion: no tag set {name}")))
        };
        let tables = Tables::new(
            b,
            families,
            names,
            set("headings")?,
            set("lists")?,
            set("scored")?,
            wide,
            commas,
        );
        Ok(DomRegion {
            tables: Arc::new(tables),
        })
    }

    /// The names of the parameters `decide` takes, in order.
    #[staticmethod]
    fn params() -> Vec<&'static str> {
        PARAMS.to_vec()
    }

    /// `DomBoilerplate.decide` on one page (the GIL released meanwhile): `params` in the order
    /// of `params()`, `nodes` the evidence's node table, `texts` and `nos` the document's lines,
    /// `lines` the evidence's line table. The removed lines as `(index, reason, detail)` in
    /// line order, or None when the reference is to answer (evidence not as the reader writes
    /// it). Raises `UnicodeEncodeError` for a text with lone surrogates, `CoreError` if the
    /// core fails.
    #[allow(clippy::type_complexity)]
    fn decide(
        &self,
        py: Python<'_>,
        params: Vec<f64>,
        nodes: Vec<(i64, PyBackedStr, i64)>,
        texts: Vec<PyBackedStr>,
        nos: Vec<i64>,
        lines: HashMap<i64, (i64, i64)>,
    ) -> PyResult<Option<Vec<(usize, String, String)>>> {
        let [min_text, sibling_ratio, link_density, class_weight, drop_captions, link_line_max, outside_min_text, recover_depth, widen_ratio, min_region_score, min_region_share, context_boost, max_hint_share, wrapper_share, remove_title, keep_meta, list_page_share] =
            params[..]
        else {
            return Err(PyValueError::new_err(
                "DomRegion.decide: 17 parameters expected",
            ));
        };
        if texts.len() != nos.len() {
            return Err(PyValueError::new_err(
                "DomRegion.decide: texts and nos differ in length",
            ));
        }
        if !(0.0..=1e9).contains(&recover_depth) || recover_depth.fract() != 0.0 {
            return Ok(None);
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let p = Params {
            min_text,
            sibling_ratio,
            link_density,
            class_weight,
            drop_captions: drop_captions != 0.0,
            link_line_max,
            outside_min_text,
            recover_depth: recover_depth as usize,
            widen_ratio,
            min_region_score,
            min_region_share,
            context_boost,
            max_hint_share,
            wrapper_share,
            remove_title: remove_title != 0.0,
            keep_meta: keep_meta != 0.0,
            list_page_share,
        };
        let tables = &self.tables;
        let answer = py.detach(|| {
            guarded(|| {
                let nodes: Vec<Node<'_>> = nodes
                    .iter()
                    .map(|(parent, tag, flags)| Node {
                        parent: *parent,
                        tag: tag.as_ref(),
                        flags: *flags,
                    })
                    .collect();
                let texts: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
                decide(&p, tables, &nodes, &texts, &nos, &lines)
            })
        })?;
        Ok(match answer {
            Ok(removals) => Some(
                removals
                    .into_iter()
                    .map(|r| (r.index, r.reason, r.detail))
                    .collect(),
            ),
            Err(Declined::Evidence | Declined::NotANumber) => None,
        })
    }
}

/// The HTML reader's tables (`readers/html.py`: words and stems of class/id names, roles, tag
/// flags and sets), built once per process.
#[pyclass(frozen, module = "corpusclean._core")]
pub struct HtmlWalker {
    tables: Arc<WalkTables>,
}

#[pymethods]
impl HtmlWalker {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        word_flags: HashMap<String, i64>,
        stems: Vec<(String, i64)>,
        role_flags: HashMap<String, i64>,
        tag_bits: HashMap<String, i64>,
        block: Vec<String>,
        drop: Vec<String>,
        flagged_inline: Vec<String>,
        hidden: i64,
        t_main: i64,
    ) -> PyResult<Self> {
        let spec = WalkTableSpec {
            word_flags,
            stems,
            role_flags,
            tag_bits,
            block,
            drop,
            flagged_inline,
            hidden,
            t_main,
        };
        let tables = WalkTables::new(spec).ok_or_else(|| {
            PyValueError::new_err("HtmlWalker: stems of four ASCII characters or more")
        })?;
        Ok(HtmlWalker {
            tables: Arc::new(tables),
        })
    }

    /// `_walk_lexbor` over `html`, the serialized tree of the walk's root (the GIL released
    /// meanwhile): the nodes it adds (ids from `first_node`), the lines (numbered after
    /// `first_line`) and each line's `(line number, node, link characters)`; None when the
    /// reference is to walk the tree. Raises `UnicodeEncodeError` for a text with lone
    /// surrogates, `CoreError` if the core fails.
    #[allow(clippy::type_complexity)]
    fn walk(
        &self,
        py: Python<'_>,
        html: PyBackedStr,
        first_node: usize,
        first_line: usize,
    ) -> PyResult<
        Option<(
            Vec<(i64, String, i64)>,
            Vec<String>,
            Vec<(usize, i64, usize)>,
        )>,
    > {
        let tables = &self.tables;
        let answer = py.detach(|| guarded(|| walk(tables, &html, first_node, first_line)))?;
        Ok(answer.ok().map(|w| (w.nodes, w.lines, w.evidence)))
    }
}
