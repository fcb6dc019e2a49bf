//! Sets of characters as bitsets over every code point: the character classes of the Python
//! reference (`regex`'s `\p{L}`, `\w`, scripts; `str.isspace`, `str.isupper`), handed over as
//! the characters Python itself puts in them, so both sides agree whatever their Unicode
//! versions.

/// A set of code points, one bit each.
#[derive(Clone)]
pub struct CharSet {
    bits: Vec<u64>,
}

impl CharSet {
    /// The set of the characters of `members`.
    #[must_use]
    pub fn new(members: &str) -> Self {
        let mut bits = vec![0u64; (0x11_0000 >> 6) + 1];
        for ch in members.chars() {
            bits[(ch as usize) >> 6] |= 1 << (ch as usize & 63);
        }
        Self { bits }
    }

    /// Is `ch` in the set?
    #[inline]
    #[must_use]
    pub fn contains(&self, ch: char) -> bool {
        self.bits[(ch as usize) >> 6] >> (ch as usize & 63) & 1 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::CharSet;

    #[test]
    fn holds_its_members_only() {
        let set = CharSet::new("a\u{10ffff}é");
        assert!(set.contains('a') && set.contains('é') && set.contains('\u{10ffff}'));
        assert!(!set.contains('b') && !set.contains('\0'));
    }
}
