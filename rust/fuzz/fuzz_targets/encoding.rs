//! `encoding::normalize_lines` and `SuspectScan::lines` on any UTF-8 text: no panic, the same
//! answer twice, changed lines in order and in range, and a changed line holds no control,
//! invisible character, tab or run of spaces, nor spaces at its ends. The scan's tables are a
//! stand-in (Latin-1 read as UTF-8); the package's come from Python.
#![no_main]

use corpusclean_core::encoding::{normalize_lines, Form, SuspectScan};
use libfuzzer_sys::{fuzz_target, Corpus};

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    for form in [Form::Nfc, Form::Nfkc, Form::Nfd, Form::Nfkd] {
        let changes = normalize_lines(&lines, form);
        assert_eq!(changes, normalize_lines(&lines, form));
        assert!(changes.windows(2).all(|w| w[0].0 < w[1].0));
        for (k, new) in &changes {
            assert!(*k < lines.len() && new != lines[*k]);
            assert!(!new.contains("  ") && !new.starts_with(' ') && !new.ends_with(' '));
            assert!(!new.chars().any(|c| c.is_control() && c != '\n'), "{new:?}");
            assert!(!new.contains(['\u{200b}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{180e}']));
        }
    }
    let latin = |lo: u32, hi: u32| (lo..=hi).filter_map(char::from_u32).collect::<String>();
    let pairs = [(latin(0xC2, 0xF4), latin(0x80, 0xBF))];
    let Some(scan) = SuspectScan::new(&pairs, "\x1b\u{fffd}", "\u{c2}\u{c3}") else {
        return Corpus::Reject;
    };
    let found = scan.lines(&lines);
    assert_eq!(found, scan.lines(&lines));
    assert!(found.windows(2).all(|w| w[0] < w[1]));
    for &k in &found {
        assert!(!lines[k].is_ascii() || lines[k].contains('\x1b'));
    }
    Corpus::Keep
});
