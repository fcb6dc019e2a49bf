//! `layout::measure_lines` on any UTF-8 text: no panic, one shape per line, the same answer
//! twice, shares within [0, 1], counts within the line's length.
#![no_main]

use corpusclean_core::layout::measure_lines;
use libfuzzer_sys::{fuzz_target, Corpus};

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let doc = measure_lines(&lines);
    assert_eq!(doc.shapes.len(), lines.len());
    assert_eq!(doc.key_ids.len(), lines.len());
    assert_eq!(doc, measure_lines(&lines));
    for (shape, line) in doc.shapes.iter().zip(&lines) {
        assert!(shape.chars <= line.chars().count());
        assert!(shape.words <= shape.chars && shape.tokens <= 3 * shape.chars.max(1));
        for share in [
            shape.digit_share,
            shape.upper_share,
            shape.punct_share,
            shape.titlecase_share,
            shape.function_share,
            shape.segmented_share,
        ] {
            assert!((0.0..=1.0).contains(&share), "{share} of {line:?}");
        }
    }
    Corpus::Keep
});
