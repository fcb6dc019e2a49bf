//! `language::Tables` on any UTF-8 text: no panic, one answer per line, shares within [0, 1],
//! the same answers twice.
#![no_main]

use corpusclean_core::foreign_lines::{Found, Judge, PassScripts};
use corpusclean_core::language::{Kind, Language, Params, Summary, Tables};
use libfuzzer_sys::{fuzz_target, Corpus};

fn tables() -> Option<Tables> {
    let s = |x: &str| x.to_owned();
    Tables::new(
        &[
            (s("Han"), 3),
            (s("Hiragana"), 3),
            (s("Katakana"), 3),
            (s("Hangul"), 3),
        ],
        &[
            "Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar", "Tibetan",
        ]
        .map(s),
        &["Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"].map(s),
        &[
            (s("en"), vec![s("the"), s("of"), s("a"), s("is")]),
            (s("fr"), vec![s("le"), s("la"), s("de"), s("l")]),
            (s("es"), vec![s("el"), s("la"), s("de"), s("y")]),
        ],
        vec![vec![s("es"), s("fr")]],
    )
    .ok()
}

/// Answers as a page of Latin letters would: langdetect names a language by the line's place.
struct Latin;

impl Judge for Latin {
    type Error = ();
    fn scripts(&mut self, _: &Summary, language: &str) -> Result<PassScripts, ()> {
        Ok(PassScripts {
            own: vec![0],
            language: language.to_owned(),
            judged: vec![0],
            home_sure: false,
        })
    }
    fn detect(&mut self, line: usize, _: &str) -> Result<Option<Found>, ()> {
        let language = ["en", "fr", "es", "und"][line % 4].to_owned();
        Ok((line % 5 != 0).then(|| Found {
            determined: language != "und",
            language,
            score: 0.99,
            against: 0.97,
        }))
    }
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let Some(tables) = tables() else {
        return Corpus::Reject;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let facts = tables.facts(&lines, true);
    assert_eq!(facts.len(), lines.len());
    assert_eq!(facts, tables.facts(&lines, true));
    let alive: Vec<usize> = (0..lines.len()).step_by(2).collect();
    let summary = tables.summary(&facts, Some(&alive));
    assert!(summary.profile.iter().all(|p| (0.0..=1.0).contains(&p.1)));
    // The lines joined count as the text itself.
    assert_eq!(
        Tables::joined_counts(&facts, None),
        corpusclean_core::language::count_items(text)
    );
    let params = Params {
        script_share: 0.5,
        min_words: 3,
        min_stopwords: 2,
        lone_min_words: 6,
        min_score: 0.9,
        weak_score: 0.95,
        interior_run: 3,
        max_foreign_share: 0.3,
    };
    for code in ["en", "und", "ja", "xx"] {
        let language = Language {
            code,
            home_sure: false,
        };
        let classes = tables.classify(&facts, &alive, &language, &[0], &params);
        assert_eq!(classes.len(), alive.len());
        for (class, &i) in classes.iter().zip(&alive) {
            assert!(class
                .script
                .is_none_or(|(_, share)| (0.0..=1.0).contains(&share)));
            assert_eq!(class.kind == Kind::Blank, facts[i].blank);
        }
    }
    let outcome = tables.foreign_lines(&facts, "en", &params, &mut Latin);
    let Ok(outcome) = outcome else {
        panic!("the judge never fails")
    };
    assert!(outcome.removed.iter().all(|r| r.0 < lines.len()));
    assert!(outcome.alive.iter().all(|&i| i < lines.len()));
    assert_eq!(outcome.removed.len() + outcome.alive.len(), lines.len());
    Corpus::Keep
});
