//! `filters/html.py`: `html.dom_boilerplate`'s decision on one page (`DomBoilerplate.decide`),
//! from the DOM evidence the HTML reader recorded: every line's weight scores the blocks above
//! it, the best block (widened, with its siblings) is the main region, and each line is judged
//! by the flags between it and that region. The steps, their order and their float operations
//! are the reference's, so every score and every answer is the same to the bit.
//!
//! The tables (flag bits, families, names, tag sets, the wide characters) come from the Python
//! module when the core is built ([`Tables`]); a page whose evidence is not what the reader
//! writes (a node after its parent, ids in range, flags under 2^62) is declined and the
//! reference answers.

use std::collections::HashMap;

use crate::charset::CharSet;
use crate::unicode::py_strip;

/// The flag bits `filters/html.py` combines (`H.POSITIVE`, `_MAIN_TAGS`, `_NEGATIVE`...).
#[derive(Clone, Debug, Default)]
pub struct Bits {
    pub positive: i64,
    pub main_tags: i64,
    pub negative: i64,
    pub negative_tags: i64,
    pub hidden: i64,
    pub meta: i64,
    pub t_form: i64,
    pub comment: i64,
    /// `T_FOOTER | T_ASIDE | T_NAV | COMMENT`: what stops the `<main>`/`<article>` boost.
    pub boost_stop: i64,
}

/// What a tag is to the filter, as bits.
const HEADING: u8 = 1;
const LIST: u8 = 2;
const SCORED_OR_HEADING: u8 = 4;
const TITLE: u8 = 8;
const BODY_HTML: u8 = 16;
const CAPTION: u8 = 32;
const LI: u8 = 64;
const P: u8 = 128;

/// The filter's tables, built once per process.
pub struct Tables {
    pub bits: Bits,
    /// `_FAMILIES`: flag bits and the reason they give, in priority order.
    pub families: Vec<(i64, String)>,
    /// `_SORTED_NAMES`: each flag bit's name, by bit.
    pub names: Vec<(i64, String)>,
    /// What each tag of the tag sets is (the bits above); other tags are nothing.
    kinds: HashMap<String, u8>,
    /// `_WIDE_RE`'s characters (counted three times by `text_weight`).
    pub wide: CharSet,
    /// `_COMMA_RE`'s characters.
    pub commas: CharSet,
}

impl Tables {
    #[must_use]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        bits: Bits,
        families: Vec<(i64, String)>,
        names: Vec<(i64, String)>,
        headings: Vec<String>,
        lists: Vec<String>,
        scored: Vec<String>,
        wide: &str,
        commas: &str,
    ) -> Self {
        let mut kinds: HashMap<String, u8> = HashMap::new();
        let named = ["title", "body", "html", "figcaption", "caption", "li", "p"];
        for tag in headings
            .iter()
            .chain(&lists)
            .chain(&scored)
            .map(String::as_str)
            .chain(named)
        {
            let k = kind(tag, &headings, &lists, &scored);
            kinds.insert(tag.to_owned(), k);
        }
        Tables {
            bits,
            families,
            names,
            kinds,
            wide: CharSet::new(wide),
            commas: CharSet::new(commas),
        }
    }

    fn kind(&self, tag: &str) -> u8 {
        self.kinds.get(tag).copied().unwrap_or(0)
    }

    /// `text_weight`: the length, each wide character counted three times.
    #[must_use]
    pub fn text_weight(&self, text: &str) -> usize {
        let mut n = text.chars().count();
        if !text.is_ascii() {
            n += 2 * text.chars().filter(|&c| self.wide.contains(c)).count();
        }
        n
    }

    /// `flag_names`.
    fn flag_names(&self, flags: i64) -> String {
        let names: Vec<&str> = self
            .names
            .iter()
            .filter(|(bit, _)| flags & bit != 0)
            .map(|(_, name)| name.as_str())
            .collect();
        names.join(",")
    }
}

/// What `tag` is to the filter (the tag bits).
fn kind(tag: &str, headings: &[String], lists: &[String], scored: &[String]) -> u8 {
    let has = |set: &[String]| set.iter().any(|t| t == tag);
    let mut k = 0;
    if has(headings) {
        k |= HEADING | SCORED_OR_HEADING;
    }
    if has(lists) {
        k |= LIST;
    }
    if has(scored) {
        k |= SCORED_OR_HEADING;
    }
    match tag {
        "title" => k |= TITLE,
        "body" | "html" => k |= BODY_HTML,
        "figcaption" | "caption" => k |= CAPTION,
        "li" => k |= LI,
        "p" => k |= P,
        _ => {}
    }
    k
}

/// `DomBoilerplate`'s parameters (numbers as floats; the switches as 0 or 1).
#[derive(Clone, Debug)]
pub struct Params {
    pub min_text: f64,
    pub sibling_ratio: f64,
    pub link_density: f64,
    pub class_weight: f64,
    pub drop_captions: bool,
    pub link_line_max: f64,
    pub outside_min_text: f64,
    pub recover_depth: usize,
    pub widen_ratio: f64,
    pub min_region_score: f64,
    pub min_region_share: f64,
    pub context_boost: f64,
    pub max_hint_share: f64,
    pub wrapper_share: f64,
    pub remove_title: bool,
    pub keep_meta: bool,
    pub list_page_share: f64,
}

/// One node of the evidence: its parent's id, tag and flags.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub parent: i64,
    pub tag: &'a str,
    pub flags: i64,
}

/// Why the core gives a page back to the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declined {
    /// Evidence not shaped as the reader writes it.
    Evidence,
    /// A score that is not a number (infinite parameters).
    NotANumber,
}

/// A removed line: its position in the document's lines, reason and detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    pub index: usize,
    pub reason: String,
    pub detail: String,
}

struct LineItem<'a> {
    index: usize,
    text: &'a str,
    anc: Vec<usize>,
    w: usize,
    ratio: f64,
}

/// `node` and its ancestors up to the root, as `chain()` of `decide` lists them.
fn chain(parents: &[i64], node: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut n = node as i64;
    loop {
        if n > 0 {
            out.push(n as usize);
            n = parents[n as usize];
        } else {
            if n == 0 {
                out.push(0);
            }
            return out;
        }
    }
}

/// `DomBoilerplate.decide` on one page: `texts` and `nos` are the document's lines (text and
/// line number), `evidence` the reader's line table (`{line number: (node, link characters)}`).
/// The removals come in line order.
///
/// # Errors
/// [`Declined`] when the reference is to answer.
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
pub fn decide(
    p: &Params,
    t: &Tables,
    nodes: &[Node<'_>],
    texts: &[&str],
    nos: &[i64],
    evidence: &HashMap<i64, (i64, i64)>,
) -> Result<Vec<Removal>, Declined> {
    let b = &t.bits;
    // the lines with evidence, as `items` (content lines only)
    let mut raw_items: Vec<(usize, &str, i64, i64)> = Vec::new();
    for (i, (&text, no)) in texts.iter().zip(nos).enumerate() {
        if py_strip(text).is_empty() {
            continue;
        }
        if let Some(&(node, link)) = evidence.get(no) {
            raw_items.push((i, text, node, link));
        }
    }
    if raw_items.is_empty() {
        return Ok(Vec::new());
    }
    let n_nodes = nodes.len();
    if n_nodes == 0 || nodes[0].parent != -1 {
        return Err(Declined::Evidence);
    }
    for (k, node) in nodes.iter().enumerate().skip(1) {
        if node.parent < -1 || node.parent >= k as i64 {
            return Err(Declined::Evidence);
        }
    }
    if nodes.iter().any(|n| n.flags < 0 || n.flags >= 1 << 62) {
        return Err(Declined::Evidence);
    }
    let parents: Vec<i64> = nodes.iter().map(|n| n.parent).collect();
    let kinds: Vec<u8> = nodes.iter().map(|n| t.kind(n.tag)).collect();

    // text and link weight under every node
    let mut text_w = vec![0.0f64; n_nodes];
    let mut link_w = vec![0.0f64; n_nodes];
    let mut items: Vec<LineItem<'_>> = Vec::with_capacity(raw_items.len());
    for (index, text, node, link) in raw_items {
        if node < 0 || node as usize >= n_nodes || link.unsigned_abs() >= 1 << 53 {
            return Err(Declined::Evidence);
        }
        let w = t.text_weight(text);
        let len = text.chars().count().max(1);
        let ratio = (link as f64 / len as f64).min(1.0);
        let anc = chain(&parents, node as usize);
        let lw = w as f64 * ratio;
        for &a in &anc {
            text_w[a] += w as f64;
            link_w[a] += lw;
        }
        items.push(LineItem {
            index,
            text,
            anc,
            w,
            ratio,
        });
    }
    let total_w = if text_w[0] == 0.0 { 1.0 } else { text_w[0] };

    // hints that say nothing on this page
    let wrapper = p.wrapper_share * total_w;
    let mut cover = [0.0f64; 64];
    let mut covered: i64 = 0;
    for it in &items {
        let mut seen = 0i64;
        for &a in &it.anc {
            if text_w[a] <= wrapper {
                seen |= nodes[a].flags;
            }
        }
        covered |= seen;
        for (bit, slot) in cover.iter_mut().enumerate().take(62) {
            if seen >> bit & 1 == 1 {
                *slot += it.w as f64;
            }
        }
    }
    let mut ignored = 0i64;
    for (bit, &w) in cover.iter().enumerate().take(62) {
        let flag = 1i64 << bit;
        if covered & flag != 0
            && w > p.max_hint_share * total_w
            && flag & (b.positive | b.main_tags | b.negative_tags) == 0
        {
            ignored |= flag;
        }
    }
    let keep_bits = !ignored;
    let wrapper_bits = !(b.negative | b.negative_tags | b.hidden);
    let flags_of = |n: usize, bits: i64| -> i64 {
        if kinds[n] & BODY_HTML != 0 {
            0
        } else if text_w[n] > wrapper {
            nodes[n].flags & bits & wrapper_bits
        } else {
            nodes[n].flags & bits
        }
    };
    let kept: Vec<i64> = (0..n_nodes).map(|n| flags_of(n, keep_bits)).collect();
    let raw: Vec<i64> = (0..n_nodes).map(|n| flags_of(n, -1)).collect();

    // paragraph scores of candidate regions
    let mut score = vec![0.0f64; n_nodes];
    let mut scored = vec![false; n_nodes];
    for it in &items {
        if (it.w as f64) < p.min_text || it.ratio > 0.5 {
            continue;
        }
        let Some(block) = it
            .anc
            .iter()
            .position(|&a| kinds[a] & SCORED_OR_HEADING != 0)
        else {
            continue;
        };
        if kinds[it.anc[block]] & HEADING != 0 {
            continue;
        }
        let commas = it.text.chars().filter(|&c| t.commas.contains(c)).count();
        let mut s = 1.0 + commas as f64 + (it.w as f64 / 100.0).min(3.0);
        if kinds[it.anc[block]] & LI != 0 {
            s *= 0.5;
        }
        let end = (block + 6).min(it.anc.len());
        for (level, &a) in it.anc[(block + 1).min(end)..end].iter().enumerate() {
            score[a] += match level {
                0 => s,
                1 => s / 2.0,
                _ => s / (3 * level) as f64,
            };
            scored[a] = true;
        }
    }

    let final_score = |n: usize| -> f64 {
        let flags = kept[n];
        let mut s = score[n]
            * if text_w[n] == 0.0 {
                1.0
            } else {
                1.0 - link_w[n] / text_w[n]
            };
        if flags & (b.positive | b.main_tags) != 0 {
            s += p.class_weight;
        }
        if flags & (b.negative | b.negative_tags) != 0 {
            s -= p.class_weight;
        }
        for &a in chain(&parents, n).iter().skip(1) {
            let up = kept[a];
            if up & b.main_tags != 0 {
                return s * p.context_boost;
            }
            if up & b.boost_stop != 0 {
                return s;
            }
        }
        s
    };

    let mut cands: Vec<(f64, usize)> = (1..n_nodes)
        .filter(|&n| scored[n] && kinds[n] & BODY_HTML == 0)
        .map(|n| (final_score(n), n))
        .collect();
    if cands.iter().any(|c| c.0.is_nan()) {
        return Err(Declined::NotANumber);
    }
    cands.sort_by(|x, y| {
        y.0.partial_cmp(&x.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.1.cmp(&y.1))
    });
    let mut region = vec![false; n_nodes];
    let mut has_region = false;
    let mut plain = 0.0f64;
    for it in &items {
        let mut f = 0i64;
        for &a in &it.anc {
            f |= kept[a];
        }
        if f & (b.negative | b.negative_tags | b.hidden) == 0 {
            plain += it.w as f64 * (1.0 - it.ratio);
        }
    }
    if let Some(&(top_score, top)) = cands.first() {
        if top_score >= p.min_region_score
            && text_w[top] - link_w[top] >= p.min_region_share * plain
        {
            let top = widen(p, top, top_score, &cands, &parents);
            has_region = true;
            region[top] = true;
            // with its siblings
            let parent = parents[top];
            if parent > 0 {
                let threshold = 10.0f64.max(top_score * p.sibling_ratio);
                for (n, node) in nodes.iter().enumerate() {
                    if node.parent != parent || n == top || text_w[n] == 0.0 {
                        continue;
                    }
                    let density = link_w[n] / text_w[n];
                    let f = final_score(n);
                    if f.is_nan() {
                        return Err(Declined::NotANumber);
                    }
                    if f >= threshold || (kinds[n] & P != 0 && density < 0.25 && text_w[n] > 80.0) {
                        region[n] = true;
                    }
                }
            }
        } else {
            // no block stands out: the whole page is the region
            has_region = true;
            region[0] = true;
        }
    }

    let mut reasons: Vec<Option<(String, String)>> = vec![None; items.len()];
    let mut recovered = vec![false; n_nodes];
    let mut dense_lines: Vec<(usize, String, usize)> = Vec::new();
    let mut region_w = 0.0f64;
    let depth = p.recover_depth;
    for (k, it) in items.iter().enumerate() {
        let anc = &it.anc;
        let cut = anc.iter().position(|&a| region[a]);
        let inside = cut.is_some();
        let below = &anc[..cut.unwrap_or(anc.len())];
        let table = if inside { &kept } else { &raw };
        let mut flags = 0i64;
        for &a in below {
            flags |= table[a];
        }
        if kinds[anc[0]] & TITLE != 0 {
            if p.remove_title {
                reasons[k] = Some(("html.title".into(), "page <title>".into()));
            }
            continue;
        }
        let mut reason: Option<String> = t
            .families
            .iter()
            .find(|(bits, _)| flags & bits != 0)
            .map(|(_, r)| r.clone());
        if reason.is_none() && flags & b.meta != 0 && !p.keep_meta {
            reason = Some("html.meta".into());
        }
        if reason.is_none() && p.drop_captions && below.iter().any(|&a| kinds[a] & CAPTION != 0) {
            reasons[k] = Some(("html.caption".into(), "inside <figcaption>".into()));
            continue;
        }
        if inside && reason.is_none() {
            let mut dense = link_list(p, below, nodes, &kinds, &text_w, &link_w, it.ratio);
            if dense.is_none()
                && p.link_line_max != 0.0
                && it.ratio >= 0.9
                && (it.w as f64) < p.link_line_max
                && !anc.iter().take(3).any(|&a| kinds[a] & HEADING != 0)
            {
                dense = Some("a line that is one short link".into());
            }
            if let Some(dense) = dense {
                dense_lines.push((k, dense, it.w));
            } else {
                region_w += it.w as f64 * (1.0 - it.ratio);
            }
            continue;
        }
        if reason.is_none()
            && p.outside_min_text != 0.0
            && it.w as f64 >= p.outside_min_text
            && it.ratio < 0.2
        {
            for &a in anc.iter().skip(1).take(depth) {
                if text_w[a] <= wrapper {
                    recovered[a] = true;
                }
            }
            continue;
        }
        let (mut reason, detail) = match reason {
            None => {
                if !has_region {
                    continue;
                }
                (
                    "html.outside_main".to_owned(),
                    "not inside the main region".to_owned(),
                )
            }
            Some(reason) => {
                let named = t.flag_names(flags & !b.positive & !b.main_tags);
                let at = where_(below, nodes, &kept, b);
                (reason, format!("inside <{at}> ({named})"))
            }
        };
        if reason == "html.comments" && flags & b.t_form != 0 {
            reason = "boilerplate.comment_form".into();
        }
        reasons[k] = Some((reason, detail));
    }
    let dense_w: usize = dense_lines.iter().map(|d| d.2).sum();
    let dense_w = dense_w as f64;
    if dense_w <= p.list_page_share * (dense_w + region_w) {
        for (k, dense, _) in dense_lines {
            reasons[k] = Some(("html.link_dense".into(), dense));
        }
    }
    if recovered.iter().any(|&r| r) {
        for (k, it) in items.iter().enumerate() {
            if matches!(&reasons[k], Some((r, _)) if r == "html.outside_main")
                && it.anc.iter().take(1 + depth).any(|&a| recovered[a])
            {
                reasons[k] = None;
            }
        }
    }
    Ok(items
        .iter()
        .zip(reasons)
        .filter_map(|(it, r)| {
            r.map(|(reason, detail)| Removal {
                index: it.index,
                reason,
                detail,
            })
        })
        .collect())
}

/// `_widen`: the lowest common ancestor of the best blocks, when three of the best five share one.
fn widen(p: &Params, top: usize, top_score: f64, cands: &[(f64, usize)], parents: &[i64]) -> usize {
    let close: Vec<usize> = cands
        .iter()
        .skip(1)
        .take(4)
        .filter(|(s, _)| *s >= p.widen_ratio * top_score)
        .map(|&(_, n)| n)
        .collect();
    if close.len() < 2 {
        return top;
    }
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for &n in &close {
        for a in chain(parents, n) {
            *counts.entry(a).or_insert(0) += 1;
        }
    }
    for a in chain(parents, top) {
        if counts.get(&a).copied().unwrap_or(0) >= 2 && a > 0 {
            return a;
        }
    }
    top
}

/// `_link_list`: the list around a link line that is almost all links, said in words.
fn link_list(
    p: &Params,
    below: &[usize],
    nodes: &[Node<'_>],
    kinds: &[u8],
    text_w: &[f64],
    link_w: &[f64],
    ratio: f64,
) -> Option<String> {
    if ratio < 0.9 {
        return None;
    }
    for &a in below {
        if kinds[a] & LIST != 0 && text_w[a] != 0.0 && link_w[a] / text_w[a] >= p.link_density {
            // Python's round(): to the nearest integer, halves to even
            #[allow(clippy::cast_possible_truncation)]
            let share = (100.0 * link_w[a] / text_w[a]).round_ties_even() as i64;
            return Some(format!("{share}% of the <{}> is link text", nodes[a].tag));
        }
    }
    None
}

/// `_where`: the tag of the innermost element whose evidence removed a line.
fn where_<'a>(below: &[usize], nodes: &[Node<'a>], kept: &[i64], b: &Bits) -> &'a str {
    for &a in below {
        if kept[a] & !(b.positive | b.main_tags) != 0 {
            return nodes[a].tag;
        }
    }
    below.first().map_or("?", |&a| nodes[a].tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> Tables {
        let bits = Bits {
            positive: 1 << 14,
            main_tags: 1 << 26,
            negative: 1,
            boost_stop: 1 << 3,
            ..Bits::default()
        };
        let names = vec![(1, "nav".to_owned()), (1 << 14, "positive".to_owned())];
        let s = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        Tables::new(
            bits,
            vec![(1, "boilerplate.navigation".to_owned())],
            names,
            s(&["h1"]),
            s(&["ul"]),
            s(&["p", "div"]),
            "中",
            ",",
        )
    }

    fn params() -> Params {
        Params {
            min_text: 25.0,
            sibling_ratio: 0.2,
            link_density: 0.6,
            class_weight: 25.0,
            drop_captions: true,
            link_line_max: 80.0,
            outside_min_text: 80.0,
            recover_depth: 1,
            widen_ratio: 0.75,
            min_region_score: 25.0,
            min_region_share: 0.25,
            context_boost: 1.5,
            max_hint_share: 0.5,
            wrapper_share: 0.8,
            remove_title: true,
            keep_meta: false,
            list_page_share: 0.5,
        }
    }

    #[test]
    fn a_menu_beside_an_article_goes() {
        let node = |parent, tag, flags| Node { parent, tag, flags };
        let nodes = [
            node(-1, "#root", 0),
            node(0, "title", 0),
            node(0, "div", 1),
            node(0, "div", 1 << 14),
            node(3, "p", 0),
        ];
        let para = "Running text, with commas, long enough to score the block around it.";
        let texts = ["Page", "Home", para, para];
        let nos = [1, 2, 3, 4];
        let evidence = HashMap::from([(1, (1, 0)), (2, (2, 4)), (3, (4, 0)), (4, (4, 0))]);
        let got = decide(&params(), &tables(), &nodes, &texts, &nos, &evidence);
        let reasons: Vec<(usize, &str)> = got
            .as_ref()
            .map(|r| r.iter().map(|r| (r.index, r.reason.as_str())).collect())
            .unwrap_or_default();
        assert_eq!(reasons, [(0, "html.title"), (1, "boilerplate.navigation")]);
    }

    #[test]
    fn evidence_out_of_shape_is_declined() {
        let nodes = [
            Node {
                parent: -1,
                tag: "#root",
                flags: 0,
            },
            Node {
                parent: 3,
                tag: "p",
                flags: 0,
            },
        ];
        let evidence = HashMap::from([(1, (1, 0))]);
        let got = decide(&params(), &tables(), &nodes, &["text"], &[1], &evidence);
        assert_eq!(got, Err(Declined::Evidence));
        assert_eq!(tables().text_weight("a中"), 4);
    }
}
