//! Time `layout::measure_lines` over the lines of text files given as arguments:
//! `cargo run --release --example measure_dumps -- FILE...`.

use std::time::Instant;

fn main() {
    let mut lines = Vec::new();
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        lines.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned),
        );
    }
    let start = Instant::now();
    let shapes = corpusclean_core::layout::measure_lines(&lines);
    let took = start.elapsed();
    let bytes: usize = lines.iter().map(String::len).sum();
    println!(
        "{} lines, {} bytes: {:.3} s, {:.2} us/line, {:.1} MB/s",
        shapes.shapes.len(),
        bytes,
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / lines.len() as f64,
        bytes as f64 / took.as_secs_f64() / 1e6
    );
}
