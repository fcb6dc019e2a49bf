//! `json::scan` on any bytes: no panic, the flags asked for and no others, and each flag as a
//! plain search of every position finds it.
#![no_main]

use corpusclean_core::json::{scan, FLOAT_SUSPECT, LINE_BREAK, LONG_NUMBER};
use libfuzzer_sys::fuzz_target;

fn holds(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let digit = |i: usize| data.get(i).is_some_and(u8::is_ascii_digit);
    let suspect = holds(data, b"0.0000")
        || holds(data, b"null")
        || (0..data.len()).any(|i| data[i..].starts_with(b"e-") && digit(i + 2) && !digit(i + 3));
    let breaks = [&b"\xc2\x85"[..], b"\xe2\x80\xa8", b"\xe2\x80\xa9"]
        .iter()
        .any(|n| holds(data, n));
    let long = data.windows(19).any(|w| w.iter().all(u8::is_ascii_digit));
    let expected = u8::from(suspect) * FLOAT_SUSPECT
        | u8::from(breaks) * LINE_BREAK
        | u8::from(long) * LONG_NUMBER;
    for wanted in 0..8 {
        assert_eq!(scan(data, wanted), expected & wanted);
    }
});
