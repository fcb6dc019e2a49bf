//! Time `layout::LineModel::remove` (the whole filter) and one round of scoring over text
//! files, one document each: `cargo run --release --example layout_rounds -- MODEL FILE...`,
//! MODEL the line model written plainly by
//! `python -c 'from corpusclean.filters import layout; layout.write_plain_model(PATH)'`.
//! With `--calls CALLS [REPEATS]` instead of the files, it times the calls the filter made in
//! a pipeline run: CALLS holds per document a line with its number of lines, then a line
//! `position<TAB>text` for each (position -1 for a line an earlier step removed); it prints a
//! checksum of what is removed, to compare builds.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use corpusclean_core::layout::{LineModel, Rounds, Trees};

/// One pass of the plain model: a line `depth bias`, a line of feature names, then a line per
/// tree of its node features, thresholds and leaves.
fn pass(lines: &mut std::str::Lines<'_>) -> Option<(Trees, Vec<String>)> {
    let mut head = lines.next()?.split(' ');
    let depth: u32 = head.next()?.parse().ok()?;
    let bias: f64 = head.next()?.parse().ok()?;
    let count: usize = head.next()?.parse().ok()?;
    let names = lines.next()?.split(' ').map(str::to_owned).collect();
    let (mut feats, mut thresholds, mut leaves) = (Vec::new(), Vec::new(), Vec::new());
    let internal = (1usize << depth) - 1;
    for _ in 0..count {
        let values: Vec<&str> = lines.next()?.split(' ').collect();
        let (f, rest) = values.split_at(internal);
        let (t, l) = rest.split_at(internal);
        feats.extend(f.iter().filter_map(|x| x.parse::<usize>().ok()));
        thresholds.extend(t.iter().filter_map(|x| x.parse::<f64>().ok()));
        leaves.extend(l.iter().filter_map(|x| x.parse::<f64>().ok()));
    }
    Some((
        Trees::new(feats, thresholds, leaves, depth, bias).ok()?,
        names,
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(text) = args.first().and_then(|p| std::fs::read_to_string(p).ok()) else {
        eprintln!("usage: layout_rounds MODEL FILE...");
        return;
    };
    let mut lines = text.lines();
    let threshold: f64 = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0.5);
    let (Some((t1, n1)), Some((t2, n2))) = (pass(&mut lines), pass(&mut lines)) else {
        eprintln!("not a plain line model");
        return;
    };
    let Ok(model) = LineModel::new(&t1, &n1, Some((&t2, &n2))) else {
        eprintln!("the trees do not fit their names");
        return;
    };
    if args.get(1).is_some_and(|a| a == "--calls") {
        let calls = args.get(2).and_then(|p| std::fs::read_to_string(p).ok());
        let repeats = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3);
        time_calls(&model, threshold, &calls.unwrap_or_default(), repeats);
        return;
    }
    let docs: Vec<Vec<String>> = args[1..]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let n: usize = docs.iter().map(Vec::len).sum();
    let settings = Rounds {
        threshold,
        min_lines: 3,
        max_rounds: 100,
    };
    // LAYOUT_PHASE=remove|round|shapes runs that alone (for `perf stat`).
    let only = std::env::var("LAYOUT_PHASE").unwrap_or_default();
    let run = |phase: &str| only.is_empty() || only == phase;
    for _ in 0..3 {
        let start = Instant::now();
        let mut removed = 0;
        for doc in docs.iter().filter(|_| run("remove")) {
            let positions: Vec<i64> = (0..doc.len() as i64).collect();
            removed += model.remove(doc, &positions, settings).len();
        }
        let rounds = start.elapsed().as_secs_f64();
        let start = Instant::now();
        for doc in docs.iter().filter(|_| run("round")) {
            let live: Vec<usize> = (0..doc.len()).collect();
            std::hint::black_box(model.margins(doc, &live));
        }
        let one = start.elapsed().as_secs_f64();
        let start = Instant::now();
        for doc in docs.iter().filter(|_| run("shapes")) {
            std::hint::black_box(corpusclean_core::layout::measure_lines(doc));
        }
        let shapes = start.elapsed().as_secs_f64();
        let us = |s: f64| s * 1e6 / n as f64;
        println!(
            "{n} lines, {removed} removed: remove {:.2} us/line; one round {:.2} (shapes {:.2})",
            us(rounds),
            us(one),
            us(shapes)
        );
    }
}

/// Time `remove` over the calls of a pipeline run (`--calls`).
fn time_calls(model: &LineModel, threshold: f64, calls: &str, repeats: usize) {
    let mut rows = calls.split('\n');
    let mut docs: Vec<(Vec<&str>, Vec<i64>)> = Vec::new();
    while let Some(n) = rows.next().and_then(|l| l.parse::<usize>().ok()) {
        let (mut texts, mut positions) = (Vec::new(), Vec::new());
        for row in rows.by_ref().take(n) {
            let (p, t) = row.split_once('\t').unwrap_or(("-1", row));
            positions.push(p.parse().unwrap_or(-1));
            texts.push(t);
        }
        docs.push((texts, positions));
    }
    let n: usize = docs.iter().map(|d| d.0.len()).sum();
    let settings = Rounds {
        threshold,
        min_lines: 3,
        max_rounds: 100,
    };
    for _ in 0..repeats {
        let start = Instant::now();
        let mut hash = DefaultHasher::new();
        let mut removed = 0;
        for (texts, positions) in &docs {
            for r in model.remove(texts, positions, settings) {
                (r.position, r.detail).hash(&mut hash);
                removed += 1;
            }
        }
        println!(
            "{} docs, {n} lines, {removed} removed (checksum {:016x}): {:.3} s",
            docs.len(),
            hash.finish(),
            start.elapsed().as_secs_f64()
        );
    }
}
