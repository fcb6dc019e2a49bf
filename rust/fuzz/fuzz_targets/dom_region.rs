//! `html::decide` (`html.dom_boilerplate`) on any evidence and any UTF-8 lines: no panic,
//! removals of lines that exist, in line order, once each, and the same answer twice. The
//! first bytes up to a NUL are the node table, three bytes a node (parent back-step, tag,
//! flag bits); the rest is the document's lines, each line's evidence drawn from its length.
#![no_main]

use std::collections::HashMap;

use corpusclean_core::html::{decide, Bits, Node, Params, Tables};
use corpusclean_core::unicode::py_strip;
use libfuzzer_sys::{fuzz_target, Corpus};

const TAGS: [&str; 12] = [
    "div",
    "p",
    "li",
    "ul",
    "h2",
    "title",
    "body",
    "figcaption",
    "a",
    "nav",
    "article",
    "span",
];

fn tables() -> Tables {
    let bits = Bits {
        positive: 1 << 14,
        main_tags: (1 << 26) | (1 << 27),
        negative: 0x1fff & !(1 << 13),
        negative_tags: (1 << 20) | (1 << 21) | (1 << 22) | (1 << 23) | (1 << 24),
        hidden: 1 << 13,
        meta: 1 << 15,
        t_form: 1 << 24,
        comment: 1 << 3,
        boost_stop: (1 << 22) | (1 << 23) | (1 << 20) | (1 << 3),
    };
    let families = vec![
        (1 << 5, "boilerplate.cookie".to_owned()),
        ((1 << 20) | 1, "boilerplate.navigation".to_owned()),
        (1 << 3, "html.comments".to_owned()),
    ];
    let names = (0..28).map(|b| (1i64 << b, format!("f{b}"))).collect();
    let strings = |s: &[&str]| s.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
    Tables::new(
        bits,
        families,
        names,
        strings(&["h2"]),
        strings(&["ul"]),
        strings(&["div", "p", "li", "article", "span"]),
        "中文ไทย",
        ",;，",
    )
}

fn params(seed: u8) -> Params {
    let f = f64::from(seed);
    Params {
        min_text: 25.0 - f / 10.0,
        sibling_ratio: 0.2,
        link_density: 0.6,
        class_weight: 25.0,
        drop_captions: seed & 1 == 0,
        link_line_max: 80.0,
        outside_min_text: f,
        recover_depth: usize::from(seed % 3),
        widen_ratio: 0.75,
        min_region_score: f / 8.0,
        min_region_share: 0.25,
        context_boost: 1.5,
        max_hint_share: 0.5,
        wrapper_share: 0.8,
        remove_title: seed & 2 == 0,
        keep_meta: seed & 4 == 0,
        list_page_share: 0.5,
    }
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let Some(cut) = data.iter().position(|&b| b == 0) else {
        return Corpus::Reject;
    };
    let Ok(text) = std::str::from_utf8(&data[cut + 1..]) else {
        return Corpus::Reject;
    };
    let mut nodes = vec![Node {
        parent: -1,
        tag: "#root",
        flags: 0,
    }];
    for (k, c) in data[..cut].chunks_exact(3).enumerate() {
        let k = k as i64 + 1;
        nodes.push(Node {
            parent: k - 1 - i64::from(c[0]) % (k + 1),
            tag: TAGS[usize::from(c[1]) % TAGS.len()],
            flags: 1i64 << (c[2] % 28) | i64::from(c[2] >> 5),
        });
    }
    let texts: Vec<&str> = text.split('\n').collect();
    let nos: Vec<i64> = (1..=texts.len() as i64).collect();
    let evidence: HashMap<i64, (i64, i64)> = texts
        .iter()
        .zip(&nos)
        .map(|(t, &no)| (no, ((t.len() % nodes.len()) as i64, (t.len() / 2) as i64)))
        .collect();
    let t = tables();
    let p = params(data.first().copied().unwrap_or(0));
    let answer = decide(&p, &t, &nodes, &texts, &nos, &evidence);
    assert_eq!(answer, decide(&p, &t, &nodes, &texts, &nos, &evidence));
    if let Ok(removals) = answer {
        assert!(removals.windows(2).all(|w| w[0].index < w[1].index));
        assert!(removals
            .iter()
            .all(|r| r.index < texts.len() && !py_strip(texts[r.index]).is_empty()));
    }
    Corpus::Keep
});
