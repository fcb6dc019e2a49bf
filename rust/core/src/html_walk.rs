//! `readers/html.py`: the walk of a parsed page (`_walk_lexbor`) that builds the lines of text
//! and their DOM evidence, over the HTML the parser serializes its tree to (Lexbor's
//! `node.html`), and the flags of an element (`attribute_flags`, `name_hints`).
//!
//! A serialized tree gives its elements back: every element but a void one has its end tag,
//! text is escaped (`&amp; &lt; &gt; &nbsp;`, `&quot;` in attributes) except inside the raw-text
//! elements, where it is written as it is. Where that reading could go wrong, the walk is
//! declined and the reference walks the tree: an end tag that does not close the innermost
//! open element (a void element given children in foreign content, a raw text holding its own
//! end tag), a `<plaintext>`, a script that may hold `</script>` in its text (`<!--` and
//! `<script` both in it), an entity other than those five, a class/id/role with one of the
//! two characters whose `str.lower()` is ASCII (U+0130, U+212A).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

use crate::unicode::{is, py_space, py_split, py_strip, PY_ALPHA, RX_SPACE};

/// The reader's tables (`_WORD_FLAGS`, `_STEM_LIST`, `_ROLE_FLAGS`, `_TAG_BITS`, the tag sets
/// and two flag bits), built once per process from `readers/html.py`.
pub struct WalkTables {
    word_flags: FnvMap<String, i64>,
    /// The stems by their first four characters (as a number), sorted.
    stem_heads: Vec<(u32, Vec<(String, i64)>)>,
    /// The bytes a stem starts with.
    stem_starts: [bool; 256],
    /// `name_hints` of the names met so far (as the reference's `lru_cache`; emptied when full).
    hints: Mutex<FnvMap<String, i64>>,
    role_flags: FnvMap<String, i64>,
    tag_bits: FnvMap<String, i64>,
    /// Every tag of the tables: its flags, and whether it is a block, dropped, flagged inline.
    tags: FnvMap<String, Tag>,
    hidden: i64,
    t_main: i64,
}

/// What a tag is to the walk.
#[derive(Clone, Copy, Debug, Default)]
struct Tag {
    bits: i64,
    block: bool,
    drop: bool,
    inline: bool,
}

/// FNV-1a: a fast hash for the short keys of the walk's tables (tag names).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The reader's tables, as `readers/html.py` names them.
pub struct WalkTableSpec {
    pub word_flags: HashMap<String, i64>,
    pub stems: Vec<(String, i64)>,
    pub role_flags: HashMap<String, i64>,
    pub tag_bits: HashMap<String, i64>,
    pub block: Vec<String>,
    pub drop: Vec<String>,
    pub flagged_inline: Vec<String>,
    pub hidden: i64,
    pub t_main: i64,
}

impl WalkTables {
    /// The tables; `None` when a stem is shorter than four characters or not ASCII.
    #[must_use]
    pub fn new(spec: WalkTableSpec) -> Option<Self> {
        let mut heads: HashMap<u32, Vec<(String, i64)>> = HashMap::new();
        for (stem, flag) in spec.stems {
            if stem.len() < 4 || !stem.is_ascii() {
                return None;
            }
            heads
                .entry(head(stem.as_bytes()))
                .or_default()
                .push((stem, flag));
        }
        let mut stem_heads: Vec<(u32, Vec<(String, i64)>)> = heads.into_iter().collect();
        stem_heads.sort_by_key(|h| h.0);
        let mut stem_starts = [false; 256];
        for (key, _) in &stem_heads {
            stem_starts[usize::from(key.to_le_bytes()[0])] = true;
        }
        let mut tags: FnvMap<String, Tag> = FnvMap::default();
        for (name, &bits) in &spec.tag_bits {
            tags.entry(name.clone()).or_default().bits = bits;
        }
        for name in spec.block {
            tags.entry(name).or_default().block = true;
        }
        for name in spec.drop {
            tags.entry(name).or_default().drop = true;
        }
        for name in spec.flagged_inline {
            tags.entry(name).or_default().inline = true;
        }
        Some(WalkTables {
            word_flags: spec.word_flags.into_iter().collect(),
            stem_heads,
            stem_starts,
            hints: Mutex::new(FnvMap::default()),
            role_flags: spec.role_flags.into_iter().collect(),
            tag_bits: spec.tag_bits.into_iter().collect(),
            tags,
            hidden: spec.hidden,
            t_main: spec.t_main,
        })
    }

    /// `_token_hints`: the flags of one word of a name (ASCII letters and digits).
    fn token_hints(&self, token: &str) -> i64 {
        let mut flags = self.word_flags.get(token).copied().unwrap_or(0);
        if token.len() > 4 {
            let bytes = token.as_bytes();
            for i in 0..token.len() - 3 {
                if !self.stem_starts[usize::from(bytes[i])] {
                    continue;
                }
                let key = head(&bytes[i..]);
                if let Ok(at) = self.stem_heads.binary_search_by_key(&key, |h| h.0) {
                    for (stem, flag) in &self.stem_heads[at].1 {
                        if token[i..].starts_with(stem.as_str()) {
                            flags |= flag;
                        }
                    }
                }
            }
        }
        flags
    }

    /// `name_hints`: the hint flags of a class/id value (already cut to 200 characters).
    /// None for a value with a character whose lowercase is ASCII though it is not.
    fn name_hints(&self, value: &str) -> Option<i64> {
        if !value.is_ascii() && value.contains(['\u{130}', '\u{212a}']) {
            return None;
        }
        // camelCase cut, lowercased; what is not [a-z0-9] separates words
        let mut words = String::with_capacity(value.len() + 4);
        let mut prev_lower = false;
        for c in value.chars() {
            if prev_lower && c.is_ascii_uppercase() {
                words.push('-');
            }
            prev_lower = c.is_ascii_lowercase();
            if c.is_ascii_alphanumeric() {
                words.push(c.to_ascii_lowercase());
            } else {
                words.push('-');
            }
        }
        let mut flags = 0;
        for token in words.split('-') {
            if !token.is_empty() && !token.bytes().all(|b| b.is_ascii_digit()) {
                flags |= self.token_hints(token);
            }
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            let joined: String = value
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            flags |= self.word_flags.get(&joined).copied().unwrap_or(0);
        }
        Some(flags)
    }

    /// `attribute_flags`: an element's flags from its tag and attributes (their values as
    /// serialized; an attribute without a value has an empty one, which gives the same
    /// flags). None when the reference is to answer.
    fn attribute_flags(&self, tag: &str, attrs: &[(&str, &str)]) -> Option<i64> {
        let mut flags = self.tag_bits.get(tag).copied().unwrap_or(0);
        let mut hidden = false;
        for &(key, raw) in attrs {
            match key {
                "class" | "id" | "itemprop" => {
                    let value = unescape(raw)?;
                    if key == "itemprop" && value == "articleBody" {
                        flags |= self.t_main;
                    }
                    match (key, value) {
                        ("class", Cow::Borrowed(cls)) => {
                            for name in py_split(cls) {
                                flags |= self.cached_hints(name)?;
                            }
                        }
                        ("class", Cow::Owned(cls)) => {
                            for name in py_split(&cls) {
                                flags |= self.name_hints(cut_200(name))?;
                            }
                        }
                        (_, Cow::Borrowed(name)) => flags |= self.cached_hints(name)?,
                        (_, Cow::Owned(name)) => flags |= self.name_hints(cut_200(&name))?,
                    }
                }
                "role" => {
                    let value = unescape(raw)?;
                    let role = py_strip(&value);
                    if role.contains(['\u{130}', '\u{212a}']) {
                        return None;
                    }
                    if role.is_ascii() {
                        let role = role.to_ascii_lowercase();
                        flags |= self.role_flags.get(role.as_str()).copied().unwrap_or(0);
                    }
                }
                "hidden" => hidden = true,
                "aria-hidden" => hidden |= unescape(raw)? == "true",
                "style" => hidden |= hidden_style(&unescape(raw)?),
                _ => {}
            }
        }
        if hidden {
            flags |= self.hidden;
        }
        Some(flags)
    }

    /// `name_hints` of a name, each name worked out once per process (`None` names are not
    /// kept).
    fn cached_hints(&self, name: &str) -> Option<i64> {
        if let Ok(hints) = self.hints.lock() {
            if let Some(&f) = hints.get(name) {
                return Some(f);
            }
        }
        let f = self.name_hints(cut_200(name))?;
        if let Ok(mut hints) = self.hints.lock() {
            if hints.len() >= HINTS_KEPT {
                hints.clear();
            }
            hints.insert(name.to_owned(), f);
        }
        Some(f)
    }
}

/// How many names' hints [`WalkTables`] keeps.
const HINTS_KEPT: usize = 1 << 16;

/// The first 200 characters of `name` (`name[:200]`).
fn cut_200(name: &str) -> &str {
    match name.char_indices().nth(200) {
        Some((at, _)) => &name[..at],
        None => name,
    }
}

/// The first four bytes of `text` as a number (`text` has four or more).
fn head(text: &[u8]) -> u32 {
    u32::from_le_bytes([text[0], text[1], text[2], text[3]])
}

/// `_HIDDEN_STYLE_RE`: `display\s*:\s*none|visibility\s*:\s*hidden` found in `style`.
fn hidden_style(style: &str) -> bool {
    let rule = |name: &str, value: &str| {
        style.match_indices(name).any(|(at, _)| {
            let rest = style[at + name.len()..].trim_start_matches(|c| is(c, RX_SPACE));
            rest.strip_prefix(':').is_some_and(|rest| {
                rest.trim_start_matches(|c| is(c, RX_SPACE))
                    .starts_with(value)
            })
        })
    };
    rule("display", "none") || rule("visibility", "hidden")
}

/// Why the walk is given back to the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declined;

/// What the walk adds to the builder: nodes (parent, tag, flags), lines, and each line's
/// `(line number, node, link characters)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walked {
    pub nodes: Vec<(i64, String, i64)>,
    pub lines: Vec<String>,
    pub evidence: Vec<(usize, i64, usize)>,
}

/// Elements the serializer writes without an end tag (and never with children).
const VOID: [&str; 18] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
/// Elements whose text the serializer writes as it is.
const RAW_TEXT: [&str; 7] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// An element entered and not yet left.
enum Frame<'a> {
    /// Walked: the state around it (node, inside a link, block).
    Walked(&'a str, i64, bool, bool),
    /// Inside a dropped element.
    Dropped(&'a str),
}

/// The line being built (`_Builder` of the reference, its steps as `_walk_lexbor` inlines them).
struct Lines {
    out: Walked,
    parts: String,
    first: i64,
    visible: bool,
    link_chars: usize,
    first_line: usize,
}

impl Lines {
    fn flush(&mut self) {
        let mut line = String::with_capacity(self.parts.len());
        for word in py_split(&self.parts) {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        self.parts.clear();
        let len = line.chars().count();
        self.out.lines.push(line);
        self.out.evidence.push((
            self.first_line + self.out.lines.len(),
            self.first,
            self.link_chars.min(len),
        ));
        self.visible = false;
        self.link_chars = 0;
    }

    fn text(&mut self, chunk: &str, node: i64, link: bool) {
        // whitespace before a line's first visible text adds nothing to it
        if chunk.is_empty() || (!self.visible && all_space(chunk)) {
            return;
        }
        if !self.visible {
            self.first = node;
            self.visible = true;
        }
        self.parts.push_str(chunk);
        if link {
            let mut n = 0;
            let mut words = 0usize;
            for w in py_split(chunk) {
                n += w.chars().count();
                words += 1;
            }
            self.link_chars += n + words.saturating_sub(1);
        }
    }
}

/// `str.isspace()` of a non-empty text.
fn all_space(text: &str) -> bool {
    text.bytes().all(|b| {
        matches!(
            b,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' | b'\x1c'..=b'\x1f'
        )
    }) || (!text.is_ascii() && text.chars().all(py_space))
}

/// Text with the serializer's entities read back; None for another entity.
fn unescape(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('&') {
        return Some(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (ch, n) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") {
            ('<', 4)
        } else if rest.starts_with("&gt;") {
            ('>', 4)
        } else if rest.starts_with("&quot;") {
            ('"', 6)
        } else if rest.starts_with("&nbsp;") {
            ('\u{a0}', 6)
        } else {
            return None;
        };
        out.push(ch);
        rest = &rest[n..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

fn is_tag_end(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'/' | b'>')
}

/// A start tag at `pos` (after its `<`): its name, attributes and where it ends (after `>`).
#[allow(clippy::type_complexity)]
fn start_tag<'a>(
    s: &'a str,
    mut pos: usize,
    attrs: &mut Vec<(&'a str, &'a str)>,
) -> Option<(&'a str, usize)> {
    let b = s.as_bytes();
    let start = pos;
    while pos < b.len() && !is_tag_end(b[pos]) {
        pos += 1;
    }
    let name = &s[start..pos];
    attrs.clear();
    loop {
        match b.get(pos)? {
            b'>' => return Some((name, pos + 1)),
            b' ' => pos += 1,
            _ => return None,
        }
        // a name runs to `=`, a space or `>` (its first character may be `=`)
        let at = pos;
        pos += 1;
        while pos < b.len() && !matches!(b[pos], b'=' | b' ' | b'>') {
            pos += 1;
        }
        let key = s.get(at..pos)?;
        if b.get(pos) == Some(&b'=') {
            if b.get(pos + 1) != Some(&b'"') {
                return None;
            }
            let end = s[pos + 2..].find('"')? + pos + 2;
            attrs.push((key, &s[pos + 2..end]));
            pos = end + 1;
        } else {
            attrs.push((key, ""));
        }
    }
}

/// Where the raw text of element `name` ends: the start of its end tag `</name` followed by
/// a space, `/` or `>`.
fn raw_text_end(s: &str, from: usize, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut pos = from;
    loop {
        let at = s[pos..].find("</")? + pos;
        let after = at + 2 + name.len();
        if s.get(at + 2..after) == Some(name) && b.get(after).copied().is_some_and(is_tag_end) {
            return Some(at);
        }
        pos = at + 2;
    }
}

/// `_walk_lexbor` over `html`, the serialized tree of the walk's root element: the nodes it
/// records (ids from `first_node` on), the lines (numbered from `first_line + 1`) and their
/// evidence.
///
/// # Errors
/// [`Declined`] when the serialized tree cannot be read back for sure: the reference walks.
#[allow(clippy::too_many_lines)]
pub fn walk(
    t: &WalkTables,
    html: &str,
    first_node: usize,
    first_line: usize,
) -> Result<Walked, Declined> {
    let b = html.as_bytes();
    let mut st = Lines {
        out: Walked::default(),
        parts: String::new(),
        first: 0,
        visible: false,
        link_chars: 0,
        first_line,
    };
    let mut node: i64 = 0;
    let mut link = false;
    let mut open: Vec<Frame<'_>> = Vec::new();
    let mut dropped = 0usize; // dropped elements open
    let mut pos = 0;
    let mut started = false;
    let mut attrs: Vec<(&str, &str)> = Vec::new();
    while pos < b.len() {
        if started && open.is_empty() {
            return Err(Declined); // markup after the root's end
        }
        if b[pos] != b'<' {
            let end = html[pos..].find('<').map_or(b.len(), |at| at + pos);
            if dropped == 0 {
                let text = unescape(&html[pos..end]).ok_or(Declined)?;
                st.text(&text, node, link);
            }
            pos = end;
            continue;
        }
        if html[pos..].starts_with("<!--") {
            pos = html[pos + 4..].find("-->").ok_or(Declined)? + pos + 7;
            continue;
        }
        if html[pos..].starts_with("</") {
            let end = html[pos..].find('>').ok_or(Declined)? + pos;
            let name = &html[pos + 2..end];
            pos = end + 1;
            match open.pop() {
                Some(Frame::Dropped(open_name)) if open_name == name => dropped -= 1,
                Some(Frame::Walked(open_name, n, l, block)) if open_name == name => {
                    node = n;
                    link = l;
                    if block && st.visible {
                        st.flush();
                    }
                }
                _ => return Err(Declined),
            }
            continue;
        }
        let first = html[pos + 1..].chars().next().ok_or(Declined)?;
        if !first.is_ascii_alphabetic() {
            return Err(Declined); // a doctype or processing instruction
        }
        let (tag, end) = start_tag(html, pos + 1, &mut attrs).ok_or(Declined)?;
        pos = end;
        started = true;
        if tag == "plaintext" {
            return Err(Declined);
        }
        let void = VOID.contains(&tag);
        let raw = RAW_TEXT.contains(&tag);
        let info = t.tags.get(tag).copied().unwrap_or_default();
        let walked = dropped == 0 && is(first, PY_ALPHA) && !info.drop;
        let mut raw_text = None;
        if raw {
            let stop = raw_text_end(html, pos, tag).ok_or(Declined)?;
            let text = &html[pos..stop];
            if tag == "script" && text.contains("<!--") && text.contains("<script") {
                return Err(Declined);
            }
            raw_text = Some(text);
            pos = stop;
        }
        if !walked {
            if !void {
                open.push(Frame::Dropped(tag));
                dropped += 1;
            }
            continue;
        }
        let block = info.block;
        let flags = if attrs.is_empty() {
            info.bits
        } else {
            t.attribute_flags(tag, &attrs).ok_or(Declined)?
        };
        let around = Frame::Walked(tag, node, link, block);
        if block || flags != 0 || info.inline {
            st.out.nodes.push((node, tag.to_owned(), flags));
            node = (first_node + st.out.nodes.len() - 1) as i64;
        }
        if block && st.visible {
            st.flush();
        }
        if tag == "a" {
            link = true;
        }
        if let Some(text) = raw_text {
            st.text(text, node, link);
        }
        if void {
            let Frame::Walked(_, n, l, _) = around else {
                return Err(Declined);
            };
            node = n;
            link = l;
            if block && st.visible {
                st.flush();
            }
        } else {
            open.push(around);
        }
    }
    if !open.is_empty() {
        return Err(Declined);
    }
    if st.visible {
        st.flush();
    }
    Ok(st.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> WalkTables {
        let s = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        let spec = WalkTableSpec {
            word_flags: HashMap::from([("nav".to_owned(), 1), ("sharebar".to_owned(), 2)]),
            stems: vec![("share".to_owned(), 4)],
            role_flags: HashMap::from([("navigation".to_owned(), 1 << 20)]),
            tag_bits: HashMap::new(),
            block: s(&["body", "p", "div"]),
            drop: s(&["script"]),
            flagged_inline: s(&["a"]),
            hidden: 1 << 13,
            t_main: 1 << 26,
        };
        WalkTables::new(spec).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn lines_nodes_and_links() {
        let html = "<body><div class=\"main-nav\"><a href=\"/\">Home</a> &amp; more</div>\
                    <script>x<y</script><p>Hi <b>there</b></p></body>";
        let got = walk(&tables(), html, 1, 0);
        let want = Walked {
            nodes: vec![
                (0, "body".into(), 0),
                (1, "div".into(), 1),
                (2, "a".into(), 0),
                (1, "p".into(), 0),
            ],
            lines: vec!["Home & more".into(), "Hi there".into()],
            evidence: vec![(1, 3, 4), (2, 4, 0)],
        };
        assert_eq!(got, Ok(want));
    }

    #[test]
    fn name_hints_cut_camel_case_and_find_stems() {
        let t = tables();
        assert_eq!(t.name_hints("socialShareBar"), Some(4));
        assert_eq!(t.name_hints("share-bar"), Some(4 | 2));
        assert_eq!(t.name_hints("\u{130}nav"), None);
        assert!(hidden_style("color:red; display :\u{2003}none"));
        assert!(!hidden_style("DISPLAY:NONE"));
    }

    #[test]
    fn what_cannot_be_read_back_is_declined() {
        let t = tables();
        assert_eq!(walk(&t, "<body><p>a</div></body>", 1, 0), Err(Declined));
        assert_eq!(
            walk(&t, "<body><plaintext>a</plaintext></body>", 1, 0),
            Err(Declined)
        );
        assert_eq!(walk(&t, "<body>&copy;</body>", 1, 0), Err(Declined));
    }
}
