//! `boilerplate::Page::new` and `Family::run` of every family on any UTF-8 text: no panic, the
//! removed lines are non-blank lines of the document, sorted, the rest page is the document
//! without them, and the same answer twice.
#![no_main]

use std::collections::HashMap;

use corpusclean_core::boilerplate::{requirements, Family, Kind, Page, Search};
use libfuzzer_sys::{fuzz_target, Corpus};

/// Small tables: a few phrases of the shapes the real ones have (several words, a prefix).
const PHRASES: [&str; 8] = [
    "home",
    "menu",
    "we use",
    "cookie",
    "leave a reply",
    "share",
    "on",
    "e mail",
];

fn family(kind: Kind) -> Option<Family> {
    let (sets, searches, params) = requirements(kind);
    let items: Vec<String> = PHRASES.iter().map(|p| (*p).to_owned()).collect();
    let sets = sets
        .iter()
        .map(|n| ((*n).to_owned(), items.clone()))
        .collect();
    let searches = searches
        .iter()
        .enumerate()
        .map(|(i, n)| ((*n).to_owned(), (items.clone(), i % 2 == 0)))
        .collect();
    let params: HashMap<String, f64> = params.iter().map(|n| ((*n).to_owned(), 3.0)).collect();
    Family::new(kind, sets, searches, params).ok()
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let Ok(gate) = Search::new(&PHRASES.map(str::to_owned), true) else {
        return Corpus::Reject;
    };
    let page = Page::new(&lines, &gate);
    assert_eq!(page, Page::new(&lines, &gate));
    assert!(page.where_.iter().all(|&i| i < lines.len()));
    for kind in [
        Kind::Cookie,
        Kind::CommentForm,
        Kind::Navigation,
        Kind::Widget,
        Kind::Share,
    ] {
        let Some(family) = family(kind) else {
            panic!("{kind:?}: the tables are complete");
        };
        let (removed, rest) = family.run(&page);
        assert!(removed.windows(2).all(|w| w[0] < w[1]));
        assert!(removed.iter().all(|i| page.where_.contains(i)));
        assert_eq!(rest.lines.len() + removed.len(), page.lines.len());
        assert_eq!(rest.where_.len(), rest.lines.len());
        assert_eq!((removed.clone(), rest.clone()), family.run(&page));
        let kept: Vec<&str> = (0..lines.len())
            .filter(|i| removed.binary_search(i).is_err())
            .map(|i| lines[i])
            .collect();
        assert_eq!(rest.where_, Page::new(&kept, &gate).where_);
    }
    Corpus::Keep
});
