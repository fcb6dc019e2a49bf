//! `report::RemovalScan` on any bytes: no panic, and the rows fed as pieces of a file cut
//! anywhere give what the same rows fed one at a time give (the same error, or the same
//! counts, examples and kept rows).
#![no_main]

use corpusclean_core::report::{RemovalScan, Removals};
use libfuzzer_sys::fuzz_target;

/// Everything the scan found, as values that compare (its name tables are hash maps, whose
/// printed order differs from run to run).
fn found(r: Removals) -> impl PartialEq + std::fmt::Debug {
    let templates: Vec<_> = r
        .templates
        .into_iter()
        .map(|(site, t)| (site, t.items))
        .collect();
    (
        r.rows,
        r.by_step.items,
        r.removed_chars,
        templates,
        r.examples,
        r.kept_rows,
    )
}

fn sampled() -> Vec<String> {
    vec!["a".to_owned(), "d1".to_owned(), String::new()]
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut) % (data.len() + 1);
    let mut pieces = RemovalScan::new(sampled(), 2);
    let by_pieces = pieces
        .feed_piece(&data[..cut])
        .and_then(|()| pieces.feed_piece(&data[cut..]))
        .and_then(|()| pieces.end_file())
        .map(|()| found(pieces.finish()));
    let mut rows = RemovalScan::new(sampled(), 2);
    let by_rows = data
        .split_inclusive(|&b| b == b'\n')
        .try_for_each(|row| rows.feed(row))
        .map(|()| found(rows.finish()));
    match (by_pieces, by_rows) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("pieces {a:?} against rows {b:?}"),
    }
});
