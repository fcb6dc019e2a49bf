//! `langdetect::profile_files` on any UTF-8 text (profiles separated by U+0001): no panic; a
//! text read once is read the same again, and its tables have one row per n-gram of one to
//! three characters, every language of a row among the profiles'.
#![no_main]

use corpusclean_core::langdetect::profile_files::{parse, tables};
use libfuzzer_sys::{fuzz_target, Corpus};

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let mut profiles = Vec::new();
    for (i, piece) in text.split('\u{1}').enumerate() {
        match parse(piece, i) {
            Ok(profile) => {
                assert_eq!(parse(piece, i).ok().as_ref(), Some(&profile));
                profiles.push(profile);
            }
            Err(_) => return Corpus::Keep,
        }
    }
    if let Ok((languages, built)) = tables(&profiles) {
        assert_eq!(languages.len(), profiles.len());
        for profile in &profiles {
            for (word, _) in &profile.freq {
                let n = word.chars().count();
                let row = built.row(word);
                assert_eq!(row.is_some(), (1..=3).contains(&n));
                let within = row
                    .unwrap_or_default()
                    .iter()
                    .all(|&(l, _)| usize::from(l) < languages.len());
                assert!(within);
            }
        }
    }
    Corpus::Keep
});
