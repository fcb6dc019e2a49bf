//! Time `boilerplate::Page::new` and each family's `Family::run` over documents as they reach
//! the families: `cargo run --release --example families -- DUMP [REPEATS]`, DUMP written by
//! `python benchmarks/boilerplate_families.py INPUT --dump DUMP` (the gated phrases, the five
//! families' tables and parameters in pipeline order, then every document's lines). Prints the
//! least CPU time of each part over REPEATS passes and a digest of the answers (equal digests,
//! equal removals).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use corpusclean_core::boilerplate::{Family, Kind, Page, Search};

/// The dump: little-endian u32 counts and lengths, UTF-8 strings, f64 parameters.
struct Reader<'a> {
    data: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.data.len() < n {
            return None;
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Some(head)
    }

    fn count(&mut self) -> Option<usize> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn string(&mut self) -> Option<String> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    fn strings(&mut self) -> Option<Vec<String>> {
        (0..self.count()?).map(|_| self.string()).collect()
    }

    fn float(&mut self) -> Option<f64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Some(f64::from_le_bytes(a))
    }

    fn family(&mut self) -> Option<(String, Family)> {
        let reason = self.string()?;
        let mut sets = HashMap::new();
        for _ in 0..self.count()? {
            sets.insert(self.string()?, self.strings()?);
        }
        let mut searches = HashMap::new();
        for _ in 0..self.count()? {
            let name = self.string()?;
            let items = self.strings()?;
            searches.insert(name, (items, self.count()? != 0));
        }
        let mut params = HashMap::new();
        for _ in 0..self.count()? {
            params.insert(self.string()?, self.float()?);
        }
        let family = Family::new(Kind::from_reason(&reason)?, sets, searches, params).ok()?;
        Some((reason, family))
    }
}

type Dump = (Search, Vec<(String, Family)>, Vec<Vec<String>>);

fn read(data: &[u8]) -> Option<Dump> {
    let mut r = Reader { data };
    let gate = Search::new(&r.strings()?, true).ok()?;
    let families = (0..r.count()?).map(|_| r.family()).collect::<Option<_>>()?;
    let docs = (0..r.count()?)
        .map(|_| r.strings())
        .collect::<Option<_>>()?;
    Some((gate, families, docs))
}

/// CPU seconds of this thread (the machine is shared: wall time says little).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split(' ').next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: families DUMP [REPEATS]");
        return;
    };
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let Some((gate, families, docs)) = std::fs::read(&path).ok().as_deref().and_then(read) else {
        eprintln!("{path}: not a families dump");
        return;
    };
    let mut best = vec![f64::INFINITY; families.len() + 1];
    let mut digest = 0;
    for _ in 0..repeats {
        // Each part over all documents at once, so that the CPU clock's reads are few.
        let mut took = Vec::with_capacity(families.len() + 1);
        let start = cpu_seconds();
        let mut pages: Vec<Page> = docs.iter().map(|lines| Page::new(lines, &gate)).collect();
        took.push(cpu_seconds() - start);
        let mut answers = Vec::new();
        for (_, family) in &families {
            let start = cpu_seconds();
            for page in &mut pages {
                let (removed, rest) = family.run(page);
                answers.push(removed);
                *page = rest;
            }
            took.push(cpu_seconds() - start);
        }
        let mut hasher = DefaultHasher::new();
        answers.hash(&mut hasher);
        digest = hasher.finish();
        for (b, t) in best.iter_mut().zip(&took) {
            *b = b.min(*t);
        }
    }
    let lines: usize = docs.iter().map(Vec::len).sum();
    println!(
        "{} documents, {lines} lines, least of {repeats}:",
        docs.len()
    );
    println!("  {:26} {:.4} s", "page", best[0]);
    for ((reason, _), t) in families.iter().zip(&best[1..]) {
        println!("  {reason:26} {t:.4} s");
    }
    println!("  {:26} {:.4} s", "all", best.iter().sum::<f64>());
    println!("digest {digest:016x}");
}
