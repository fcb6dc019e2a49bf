//! `filters/encoding.py`: the per-line work of `encoding.normalize` (`normalize_line`) and of
//! `encoding.fix_mojibake`'s suspect scan (`needs_ftfy`), one document at a time.
//!
//! The Unicode forms are `unicodedata.normalize` of the interpreter the tables were generated
//! from (`unicode_tables_normalization.rs`, with the NFKD decompositions and combining classes
//! of `unicode_tables_families.rs`): each character's full decomposition, the runs of
//! combining marks sorted by class (stable), then, for NFC and NFKC, CPython's composition
//! loop. The repair itself (ftfy) stays in Python: the core only says which lines it is for.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::unicode::py_strip;
use crate::unicode_tables_families::{COMBINING, NFKD};
use crate::unicode_tables_normalization::{CANONICAL, CANONICAL_AS_NFKD, COMPOSITIONS, SLOW};

pub use crate::unicode_tables_normalization::VERSION as UNICODE_VERSION;

// -- Unicode normalization forms --------------------------------------------------------------

/// A Unicode normalization form, as `unicodedata.normalize` names it (in the order of the
/// bits of the generated `SLOW` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Nfc,
    Nfkc,
    Nfd,
    Nfkd,
}

impl Form {
    /// `"NFC"`, `"NFKC"`, `"NFD"` or `"NFKD"`.
    pub fn parse(name: &str) -> Option<Form> {
        match name {
            "NFC" => Some(Form::Nfc),
            "NFKC" => Some(Form::Nfkc),
            "NFD" => Some(Form::Nfd),
            "NFKD" => Some(Form::Nfkd),
            _ => None,
        }
    }

    fn compatibility(self) -> bool {
        matches!(self, Form::Nfkc | Form::Nfkd)
    }

    fn composes(self) -> bool {
        matches!(self, Form::Nfc | Form::Nfkc)
    }
}

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const S_COUNT: u32 = L_COUNT * V_COUNT * T_COUNT;

/// The canonical combining class of `c` (`unicodedata.combining`).
pub(crate) fn combining(c: char) -> u8 {
    let cp = c as u32;
    if cp < 0x300 {
        return 0;
    }
    match COMBINING.binary_search_by_key(&cp, |&(k, _)| k) {
        Ok(at) => COMBINING[at].1,
        Err(_) => 0,
    }
}

/// Bits of [`char_flags`]: the line needs the whole algorithm in that form (one bit per
/// form, `Form as u8`), or the character is one `normalize_line` removes or folds (a control,
/// an invisible character, a tab or a space separator other than U+0020).
const TOUCHED: u8 = 1 << 4;

impl Form {
    #[inline]
    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The forms (bits) in which a line holding `cp` needs the whole algorithm.
fn slow_forms(cp: u32) -> u8 {
    let at = SLOW.partition_point(|&(lo, _, _)| lo <= cp);
    match at.checked_sub(1).map(|k| SLOW[k]) {
        Some((_, hi, forms)) if cp <= hi => forms,
        _ => 0,
    }
}

/// The bits of a code point: the forms it is slow in, [`TOUCHED`].
fn code_point_flags(cp: u32) -> u8 {
    let mut bits = slow_forms(cp);
    if char::from_u32(cp).is_some_and(|c| control(c) || invisible(c) || (space(c) && c != ' ')) {
        bits |= TOUCHED;
    }
    bits
}

/// The bits of every character: those of the Basic Multilingual Plane from a table built once.
struct CharFlags(&'static [u8]);

impl CharFlags {
    fn get() -> Self {
        static BMP: OnceLock<Vec<u8>> = OnceLock::new();
        CharFlags(BMP.get_or_init(|| (0..0x10000).map(code_point_flags).collect()))
    }

    #[inline]
    fn of(&self, c: char) -> u8 {
        match self.0.get(c as usize) {
            Some(&bits) => bits,
            None => code_point_flags(c as u32),
        }
    }
}

/// Whether a line holding `c` needs the whole algorithm (else `c` is its own normal form
/// whatever stands around it, when its neighbours are such characters too).
#[inline]
fn slow(flags: &CharFlags, c: char, form: Form) -> bool {
    !c.is_ascii() && flags.of(c) & form.bit() != 0
}

fn lookup(table: &'static [(u32, &'static str)], cp: u32) -> Option<&'static str> {
    table
        .binary_search_by_key(&cp, |&(k, _)| k)
        .ok()
        .map(|at| table[at].1)
}

/// Whether the NFD of `cp` is its NFKD.
fn canonical_as_nfkd(cp: u32) -> bool {
    let at = CANONICAL_AS_NFKD.partition_point(|&(lo, _)| lo <= cp);
    at.checked_sub(1)
        .is_some_and(|k| cp <= CANONICAL_AS_NFKD[k].1)
}

fn push_decomposition(c: char, form: Form, out: &mut Vec<char>) {
    let cp = c as u32;
    if cp < 0xA0 {
        out.push(c);
        return;
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&cp) {
        let s = cp - S_BASE;
        let l = L_BASE + s / (V_COUNT * T_COUNT);
        let v = V_BASE + (s % (V_COUNT * T_COUNT)) / T_COUNT;
        let t = T_BASE + s % T_COUNT;
        let parts = [l, v, t];
        let count = if t == T_BASE { 2 } else { 3 };
        out.extend(parts[..count].iter().filter_map(|&p| char::from_u32(p)));
        return;
    }
    let found = if form.compatibility() || canonical_as_nfkd(cp) {
        lookup(&NFKD, cp)
    } else {
        lookup(&CANONICAL, cp)
    };
    match found {
        Some(d) => out.extend(d.chars()),
        None => out.push(c),
    }
}

/// The composite of `first` and `second`, if the composing forms join them.
fn compose_pair(first: char, second: char) -> Option<char> {
    let key = (first as u32, second as u32);
    COMPOSITIONS
        .binary_search_by_key(&key, |&(a, b, _)| (a, b))
        .ok()
        .and_then(|at| char::from_u32(COMPOSITIONS[at].2))
}

/// Whether `c` is the first of some pair the composing forms join.
fn composes_first(c: char) -> bool {
    let cp = c as u32;
    let at = COMPOSITIONS.partition_point(|&(a, _, _)| a < cp);
    COMPOSITIONS.get(at).is_some_and(|&(a, _, _)| a == cp)
}

/// Canonical composition of a decomposed, canonically ordered text: CPython's `nfc_nfkc`
/// loop (Hangul jamo first, then each starter joined with the unblocked marks after it).
fn compose(d: &[char]) -> Vec<char> {
    let n = d.len();
    let mut out = Vec::with_capacity(n);
    let mut skipped = vec![false; n];
    let mut i = 0;
    while i < n {
        if skipped[i] {
            i += 1;
            continue;
        }
        let code = d[i] as u32;
        if (L_BASE..L_BASE + L_COUNT).contains(&code)
            && i + 1 < n
            && (V_BASE..V_BASE + V_COUNT).contains(&(d[i + 1] as u32))
        {
            let mut s = S_BASE + ((code - L_BASE) * V_COUNT + (d[i + 1] as u32 - V_BASE)) * T_COUNT;
            i += 2;
            if i < n && T_BASE < d[i] as u32 && (d[i] as u32) < T_BASE + T_COUNT {
                s += d[i] as u32 - T_BASE;
                i += 1;
            }
            out.extend(char::from_u32(s));
            continue;
        }
        if !composes_first(d[i]) {
            out.push(d[i]);
            i += 1;
            continue;
        }
        let mut base = d[i];
        let mut comb = 0u8;
        let mut i1 = i + 1;
        while i1 < n {
            let code1 = d[i1];
            let comb1 = combining(code1);
            if comb != 0 {
                if comb1 == 0 {
                    break;
                }
                if comb >= comb1 {
                    i1 += 1; // blocked
                    continue;
                }
            }
            match compose_pair(base, code1) {
                Some(joined) => {
                    base = joined;
                    skipped[i1] = true;
                    i1 += 1;
                    if !composes_first(base) {
                        break;
                    }
                }
                None => {
                    if comb1 == 0 {
                        break;
                    }
                    comb = comb1;
                    i1 += 1;
                }
            }
        }
        out.push(base);
        i += 1;
    }
    out
}

/// `unicodedata.normalize(form, text)`.
pub fn unicode_normalize(text: &str, form: Form) -> Cow<'_, str> {
    let flags = CharFlags::get();
    if !text.chars().any(|c| slow(&flags, c, form)) {
        return Cow::Borrowed(text);
    }
    let mut d = Vec::with_capacity(text.len());
    for c in text.chars() {
        push_decomposition(c, form, &mut d);
    }
    let mut start = 0;
    while start < d.len() {
        if combining(d[start]) == 0 {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < d.len() && combining(d[end]) != 0 {
            end += 1;
        }
        if end - start > 1 {
            d[start..end].sort_by_key(|&c| combining(c));
        }
        start = end;
    }
    let chars = if form.composes() { compose(&d) } else { d };
    let out: String = chars.into_iter().collect();
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

// -- normalize_line ---------------------------------------------------------------------------

/// `_CONTROL_RE` (less the lone surrogates, which a Rust string cannot hold).
#[inline]
fn control(c: char) -> bool {
    matches!(c, '\x00'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}')
}

/// `_INVISIBLE_RE`.
#[inline]
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{180e}'
    )
}

/// A character of `_SPACE_RE`'s runs: tab and `ZS_CHARS`, the space separators.
#[inline]
fn space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Whether `normalize_line` leaves `text` as it is, by a quick look: in its Unicode form
/// (no character the form's table calls slow), nothing to remove, no run of spaces to fold,
/// nothing to strip. `false` says nothing.
fn unchanged(text: &str, form: Form) -> bool {
    if py_strip(text).len() != text.len() {
        return false;
    }
    if text.is_ascii() {
        return ascii_unchanged(text.as_bytes());
    }
    let flags = CharFlags::get();
    let mut after_space = false;
    for c in text.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
            continue;
        }
        after_space = false;
        if c.is_ascii() {
            if control(c) || c == '\t' {
                return false;
            }
        } else if flags.of(c) & (form.bit() | TOUCHED) != 0 {
            return false;
        }
    }
    true
}

/// [`unchanged`] of an ASCII line with nothing to strip: no control (the bytes below 0x20 but
/// newline, tab included since it folds, and DEL) and no two spaces in a row. Written without
/// early exits inside a block, so that the compiler vectorizes it.
fn ascii_unchanged(bytes: &[u8]) -> bool {
    const BLOCK: usize = 64;
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + BLOCK).min(bytes.len());
        let block = &bytes[start..end];
        let next = &bytes[start + 1..(end + 1).min(bytes.len())];
        let controls = block.iter().fold(0u8, |acc, &b| {
            acc | (u8::from(b < 0x20) & u8::from(b != b'\n')) | u8::from(b == 0x7f)
        });
        let doubled = block.iter().zip(next).fold(0u8, |acc, (&a, &b)| {
            acc | (u8::from(a == b' ') & u8::from(b == b' '))
        });
        if controls | doubled != 0 {
            return false;
        }
        start = end;
    }
    true
}

/// `normalize_line(text, form)`: the Unicode form, controls and invisible characters out,
/// every run of spaces and tabs one space, the ends stripped. `None` when the line stays as
/// it is.
pub fn normalize_line(text: &str, form: Form) -> Option<String> {
    if unchanged(text, form) {
        return None;
    }
    let formed = unicode_normalize(text, form);
    let mut out = String::with_capacity(formed.len());
    let mut in_run = false;
    for c in formed.chars() {
        if control(c) || invisible(c) {
            continue;
        }
        if space(c) {
            if !in_run {
                out.push(' ');
                in_run = true;
            }
            continue;
        }
        in_run = false;
        out.push(c);
    }
    let stripped = py_strip(&out);
    if stripped == text {
        None
    } else {
        Some(stripped.to_owned())
    }
}

/// `normalize_line` of every line: the lines it changes, by index, with their new text.
pub fn normalize_lines<S: AsRef<str>>(lines: &[S], form: Form) -> Vec<(usize, String)> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(k, line)| normalize_line(line.as_ref(), form).map(|new| (k, new)))
        .collect()
}

// -- the suspect scan -------------------------------------------------------------------------

/// What the suspect pattern says of one character.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Role {
    /// The code pages (bits) in which it reads a UTF-8 lead byte.
    lead: u8,
    /// The code pages (bits) in which it reads a UTF-8 continuation byte.
    continuation: u8,
    /// Damage on its own (C1 controls, escape, U+FFFD).
    damage: bool,
    /// A letter a lost byte A0 leaves before a space.
    before_space: bool,
}

/// `SUSPECT_RE` of `filters/encoding.py`, as character roles: a line is suspect where a lead
/// of one code page stands before a continuation of the same code page, at damage, or at a
/// letter of a lost A0 before a space (the pattern's first class is every lead and damage).
#[derive(Clone, Debug)]
pub struct SuspectScan {
    /// The role of every character of the Basic Multilingual Plane.
    bmp: Vec<Role>,
    /// The roles of the other characters that have one, sorted.
    astral: Vec<(char, Role)>,
}

/// Code pages at most: one bit each.
pub const MAX_CODE_PAGES: usize = 8;

impl SuspectScan {
    /// `pairs`: per code page, the characters it reads UTF-8 lead bytes as and those it reads
    /// continuation bytes as; `damage` and `before_space` as `_DAMAGE_CHARS` (less the
    /// surrogates) and `_LOST_A0_LETTERS`. `None` for more than [`MAX_CODE_PAGES`] code pages.
    pub fn new(pairs: &[(String, String)], damage: &str, before_space: &str) -> Option<Self> {
        if pairs.len() > MAX_CODE_PAGES {
            return None;
        }
        let mut roles: Vec<(char, Role)> = Vec::new();
        let mut set =
            |c: char, change: &dyn Fn(&mut Role)| match roles.iter_mut().find(|(k, _)| *k == c) {
                Some((_, role)) => change(role),
                None => {
                    let mut role = Role::default();
                    change(&mut role);
                    roles.push((c, role));
                }
            };
        for (bit, (leads, continuations)) in pairs.iter().enumerate() {
            for c in leads.chars() {
                set(c, &|r| r.lead |= 1 << bit);
            }
            for c in continuations.chars() {
                set(c, &|r| r.continuation |= 1 << bit);
            }
        }
        for c in damage.chars() {
            set(c, &|r| r.damage = true);
        }
        for c in before_space.chars() {
            set(c, &|r| r.before_space = true);
        }
        let mut bmp = vec![Role::default(); 0x10000];
        let mut astral = Vec::new();
        for (c, mut role) in roles {
            // The pattern starts at a lead or damage: a lost-A0 letter counts only as one.
            role.before_space &= role.lead != 0 || role.damage;
            match bmp.get_mut(c as usize) {
                Some(slot) => *slot = role,
                None => astral.push((c, role)),
            }
        }
        astral.sort_by_key(|&(c, _)| c);
        Some(SuspectScan { bmp, astral })
    }

    #[inline]
    fn role(&self, c: char) -> Role {
        match self.bmp.get(c as usize) {
            Some(&role) => role,
            None => self
                .astral
                .binary_search_by_key(&c, |&(k, _)| k)
                .map_or(Role::default(), |at| self.astral[at].1),
        }
    }

    /// `needs_ftfy(line)`: whether the suspect pattern matches somewhere in `line`.
    pub fn suspect(&self, line: &str) -> bool {
        if line.is_ascii() && !line.as_bytes().contains(&0x1b) {
            return false;
        }
        let mut before = Role::default();
        for c in line.chars() {
            if before.before_space && c == ' ' {
                return true;
            }
            let role = self.role(c);
            if role.damage || before.lead & role.continuation != 0 {
                return true;
            }
            before = role;
        }
        false
    }

    /// The indexes of the suspect lines.
    pub fn lines<S: AsRef<str>>(&self, lines: &[S]) -> Vec<usize> {
        lines
            .iter()
            .enumerate()
            .filter(|(_, line)| self.suspect(line.as_ref()))
            .map(|(k, _)| k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(unicode_normalize("cafe\u{301}", Form::Nfc), "caf\u{e9}");
        assert_eq!(unicode_normalize("caf\u{e9}", Form::Nfd), "cafe\u{301}");
        assert_eq!(unicode_normalize("\u{fb01}", Form::Nfkc), "fi");
        assert_eq!(unicode_normalize("\u{fb01}", Form::Nfc), "\u{fb01}");
        assert_eq!(
            unicode_normalize("\u{1100}\u{1161}\u{11a8}", Form::Nfc),
            "\u{ac01}"
        );
        assert_eq!(
            unicode_normalize("\u{ac01}", Form::Nfd),
            "\u{1100}\u{1161}\u{11a8}"
        );
        assert_eq!(
            unicode_normalize("a\u{328}\u{301}", Form::Nfc),
            "\u{105}\u{301}"
        );
        assert_eq!(
            unicode_normalize("a\u{301}\u{328}", Form::Nfd),
            "a\u{328}\u{301}"
        );
    }

    #[test]
    fn lines() {
        assert_eq!(
            normalize_line("  cafe\u{301}\u{a0} au\tlait\u{200b} ", Form::Nfc).as_deref(),
            Some("caf\u{e9} au lait")
        );
        assert_eq!(normalize_line("plain text", Form::Nfc), None);
        assert_eq!(normalize_line("", Form::Nfkd), None);
        assert_eq!(
            normalize_line("a\x01 \x02 b", Form::Nfc).as_deref(),
            Some("a b")
        );
        assert_eq!(
            normalize_line("\u{2028}x\n", Form::Nfc).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn suspects() {
        let scan = SuspectScan::new(
            &[("\u{c3}".to_owned(), "\u{a9}\u{a0}".to_owned())],
            "\x1b\u{fffd}",
            "\u{c3}",
        );
        let Some(scan) = scan else {
            panic!("one code page fits")
        };
        assert!(!scan.suspect("plain ascii"));
        assert!(scan.suspect("caf\u{c3}\u{a9}"));
        assert!(scan.suspect("caf\u{c3} x"));
        assert!(!scan.suspect("caf\u{c3}x"));
        assert!(scan.suspect("esc \x1b[0m"));
        assert_eq!(scan.lines(&["a", "\u{fffd}", "b\u{c3}\u{a0}"]), vec![1, 2]);
    }
}
