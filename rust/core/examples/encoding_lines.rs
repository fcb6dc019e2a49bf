//! Time `encoding::normalize_lines` (NFC) and the suspect scan over the lines of text files given
//! as arguments (best of five): `cargo run --release --example encoding_lines -- FILE...`. The scan's
//! tables here are a stand-in (Latin-1 leads and continuations), not the package's.

use std::time::Instant;

use corpusclean_core::encoding::{normalize_lines, Form, SuspectScan};

fn main() {
    let mut lines = Vec::new();
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        lines.extend(text.split('\n').map(str::to_owned));
    }
    let bytes: usize = lines.iter().map(String::len).sum();
    let latin = |lo: u32, hi: u32| (lo..=hi).filter_map(char::from_u32).collect::<String>();
    let Some(scan) = SuspectScan::new(
        &[(latin(0xC2, 0xF4), latin(0x80, 0xBF))],
        "\x1b\u{fffd}",
        "",
    ) else {
        return;
    };
    for (name, run) in [
        (
            "normalize_lines",
            &(|| normalize_lines(&lines, Form::Nfc).len()) as &dyn Fn() -> usize,
        ),
        ("suspect scan", &|| scan.lines(&lines).len()),
    ] {
        let mut took = f64::INFINITY;
        let mut found = 0;
        for _ in 0..5 {
            let start = Instant::now();
            found = run();
            took = took.min(start.elapsed().as_secs_f64());
        }
        println!(
            "{name}: {} lines, {bytes} bytes, {found} found: {took:.4} s, {:.1} MB/s",
            lines.len(),
            bytes as f64 / took / 1e6
        );
    }
}
