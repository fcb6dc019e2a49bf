//! `layout::LineModel::remove`, `remove_from_page` and `margins` on any UTF-8 text, with trees
//! drawn from the input: no panic, the same answer twice, only present lines removed and each
//! once, one margin per live line; `remove_from_page` removes only present non-blank lines, in
//! ascending order, as `remove` does over the lines gathered by hand.
#![no_main]

use corpusclean_core::layout::{LineModel, Rounds, Trees, FEATURE_NAMES};
use corpusclean_core::unicode::py_strip;
use libfuzzer_sys::{fuzz_target, Corpus};

/// Trees of depth 2 over every feature name (and one the filter does not know), their tests
/// and leaves taken from `seed`.
fn trees(seed: &[u8], salt: u8) -> Option<Trees> {
    let width = FEATURE_NAMES.len() + 1;
    let mut feats = Vec::new();
    let mut thresholds = Vec::new();
    let mut leaves = Vec::new();
    for t in 0..4u8 {
        for k in 0..3u8 {
            let b = seed.get(usize::from(t * 3 + k)).copied().unwrap_or(salt) ^ salt;
            feats.push(usize::from(b) % width);
            thresholds.push(f64::from(b) / 64.0 - 1.0);
        }
        for j in 0..4u8 {
            leaves.push(f64::from(t + j * salt) / 8.0 - 0.6);
        }
    }
    Trees::new(feats, thresholds, leaves, 2, 0.1).ok()
}

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() < 16 {
        return Corpus::Reject;
    }
    let (head, rest) = data.split_at(16);
    let Ok(text) = std::str::from_utf8(rest) else {
        return Corpus::Reject;
    };
    let mut names: Vec<String> = FEATURE_NAMES.iter().map(|n| (*n).to_owned()).collect();
    names.push("not_a_feature".to_owned());
    let (Some(first), Some(second)) = (trees(head, 0), trees(head, 7)) else {
        return Corpus::Reject;
    };
    let pass2 = (head[15] & 1 == 0).then_some((&second, names.as_slice()));
    let Ok(model) = LineModel::new(&first, &names, pass2) else {
        return Corpus::Reject;
    };
    // A line starting with "~" was removed by an earlier step.
    let lines: Vec<&str> = text.split('\n').collect();
    let mut positions = Vec::new();
    let mut present = 0i64;
    for line in &lines {
        if line.starts_with('~') {
            positions.push(-1);
        } else {
            positions.push(present);
            present += 1;
        }
    }
    let settings = Rounds {
        threshold: f64::from(head[12]) / 255.0,
        min_lines: usize::from(head[13] % 6),
        max_rounds: usize::from(head[14] % 8),
    };
    let removed = model.remove(&lines, &positions, settings);
    assert_eq!(removed, model.remove(&lines, &positions, settings));
    let mut seen: Vec<i64> = removed.iter().map(|r| r.position).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), removed.len());
    assert!(seen.iter().all(|&p| (0..present).contains(&p)));
    let live: Vec<usize> = (0..lines.len()).step_by(2).collect();
    let (m1, m2) = model.margins(&lines, &live);
    assert_eq!(m1.len(), live.len());
    assert!(m1.iter().all(|m| m.is_finite()));
    assert_eq!(m2.map(|m| m.len()), pass2.map(|_| live.len()));
    page(&model, text, settings);
    Corpus::Keep
});

/// `remove_from_page` over the same text, with numbered lines.
fn page(model: &LineModel, text: &str, settings: Rounds) {
    // A line starting with "~" was removed by an earlier step; every third line shares the
    // number of the one before, so that the sort meets ties.
    let (mut lines, mut earlier) = (Vec::new(), Vec::new());
    for (i, line) in text.split('\n').enumerate() {
        let no = i64::try_from(i - usize::from(i % 3 == 2)).unwrap_or(0);
        match line.strip_prefix('~') {
            Some(rest) => earlier.push((no, rest)),
            None => lines.push((no, line)),
        }
    }
    let removed = model.remove_from_page(&lines, &earlier, settings);
    assert_eq!(removed, model.remove_from_page(&lines, &earlier, settings));
    let seen: Vec<i64> = removed.iter().map(|r| r.position).collect();
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    for &p in &seen {
        let line = usize::try_from(p).ok().and_then(|i| lines.get(i));
        assert!(line.is_some_and(|(_, t)| !py_strip(t).is_empty()));
    }
    // The same lines gathered by hand.
    let mut entries: Vec<(i64, &str, i64)> = (0i64..)
        .zip(&lines)
        .filter(|(_, (_, t))| !py_strip(t).is_empty())
        .map(|(i, &(no, t))| (no, t, i))
        .collect();
    if entries.len() < settings.min_lines {
        assert!(removed.is_empty());
        return;
    }
    if !earlier.is_empty() {
        let blank = |t: &&str| py_strip(t).is_empty();
        entries.extend(
            earlier
                .iter()
                .filter(|(_, t)| !blank(t))
                .map(|&(no, t)| (no, t, -1)),
        );
        entries.sort_by_key(|e| e.0);
    }
    let texts: Vec<&str> = entries.iter().map(|e| e.1).collect();
    let positions: Vec<i64> = entries.iter().map(|e| e.2).collect();
    let mut want = model.remove(&texts, &positions, settings);
    want.sort_by_key(|r| r.position);
    assert_eq!(removed, want);
}
