//! `html_walk::walk` on any UTF-8 text (as if it were a serialized tree): no panic, the same
//! answer twice, and when it answers, one evidence row per line, numbered in order, lines
//! whitespace-folded and not empty, parents before their nodes.
#![no_main]

use std::collections::HashMap;

use corpusclean_core::html_walk::{walk, WalkTableSpec, WalkTables};
use libfuzzer_sys::{fuzz_target, Corpus};

fn tables() -> Option<WalkTables> {
    let s = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
    let flags = |v: &[(&str, i64)]| {
        v.iter()
            .map(|(k, f)| ((*k).to_owned(), *f))
            .collect::<HashMap<_, _>>()
    };
    WalkTables::new(WalkTableSpec {
        word_flags: flags(&[("nav", 1), ("share", 4), ("content", 1 << 14)]),
        stems: vec![("share".to_owned(), 4), ("comment".to_owned(), 8)],
        role_flags: flags(&[("navigation", 1 << 20)]),
        tag_bits: flags(&[("nav", 1 << 20), ("input", 1 << 25)]),
        block: s(&["p", "div", "li", "body", "br"]),
        drop: s(&["script", "style", "svg", "template"]),
        flagged_inline: s(&["a", "input"]),
        hidden: 1 << 13,
        t_main: 1 << 26,
    })
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let Some(t) = tables() else {
        return Corpus::Reject;
    };
    let got = walk(&t, text, 3, 2);
    assert_eq!(got, walk(&t, text, 3, 2));
    if let Ok(w) = got {
        assert_eq!(w.lines.len(), w.evidence.len());
        for (k, (line, &(no, node, _))) in w.lines.iter().zip(&w.evidence).enumerate() {
            assert_eq!(no, 3 + k);
            assert!(!line.is_empty());
            assert!(node >= 0 && (node as usize) < 3 + w.nodes.len());
        }
        for (k, (parent, _, _)) in w.nodes.iter().enumerate() {
            assert!(*parent >= 0 && (*parent as usize) < 3 + k);
        }
    }
    Corpus::Keep
});
