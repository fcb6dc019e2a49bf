//! The HTML walk's speed alone (`html_walk::walk`): `walk_pages TABLES DIR [ROUNDS]` walks every
//! `*.html` file of DIR (markup as Lexbor serializes a page's body) ROUNDS times and prints the
//! time per page. TABLES holds the reader's tables, a row per entry: `word|stem|role|tag|block|
//! drop|inline`, the key and its flags, tab-separated (write it from `readers/html.py`).
use std::collections::HashMap;
use std::time::Instant;

use corpusclean_core::html_walk::{walk, WalkTableSpec, WalkTables};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(tables), Some(dir)) = (args.get(1), args.get(2)) else {
        return Err("usage: walk_pages TABLES DIR [ROUNDS]".into());
    };
    let rounds: usize = args.get(3).map_or(Ok(10), |r| r.parse())?;
    let mut spec = WalkTableSpec {
        word_flags: HashMap::new(),
        stems: Vec::new(),
        role_flags: HashMap::new(),
        tag_bits: HashMap::new(),
        block: Vec::new(),
        drop: Vec::new(),
        flagged_inline: Vec::new(),
        hidden: 1 << 13,
        t_main: 1 << 26,
    };
    for row in std::fs::read_to_string(tables)?.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        let [kind, key, flags] = cells[..] else {
            return Err(format!("bad row {row:?}").into());
        };
        let (key, flags) = (key.to_owned(), flags.parse::<i64>()?);
        match kind {
            "word" => drop(spec.word_flags.insert(key, flags)),
            "stem" => spec.stems.push((key, flags)),
            "role" => drop(spec.role_flags.insert(key, flags)),
            "tag" => drop(spec.tag_bits.insert(key, flags)),
            "block" => spec.block.push(key),
            "drop" => spec.drop.push(key),
            "inline" => spec.flagged_inline.push(key),
            _ => return Err(format!("bad row {row:?}").into()),
        }
    }
    let t = WalkTables::new(spec).ok_or("stems too short")?;
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "html") {
            pages.push(std::fs::read_to_string(path)?);
        }
    }
    let start = Instant::now();
    let mut declined = 0;
    for _ in 0..rounds {
        for page in &pages {
            declined += usize::from(walk(&t, page, 1, 1).is_err());
        }
    }
    let per_page = start.elapsed().as_secs_f64() / (rounds * pages.len()).max(1) as f64;
    let bytes: usize = pages.iter().map(String::len).sum();
    println!(
        "{} pages, {:.0} kB a page: {:.3} ms a page, {} declined",
        pages.len(),
        bytes as f64 / pages.len().max(1) as f64 / 1e3,
        per_page * 1e3,
        declined / rounds.max(1)
    );
    Ok(())
}
