//! `corpusclean.report`: the scan of the removal rows (`removals.jsonl`) the run report gathers.
//!
//! The reference is the loop of `report.gather` over the rows it parses one by one: removed
//! lines by step, the non-empty rows, the removed characters of the sampled documents, the
//! template lines per site and, for each reason, the few removed lines with the smallest key
//! (the CRC-32 of `"<id>\0<line>"`), kept in a heap ported from Python's `heapq` so that equal
//! keys come out in the same order. Here a row as the project writes it (compact JSON, no
//! escape in its strings) is read by a reader of that form alone, into strings borrowed from
//! the line; any other row is parsed by `serde_json`. Only the rows holding a chosen example
//! are kept, for Python to parse and show.
//!
//! A row the core cannot read exactly as Python does (not JSON, a field of another type than
//! the writer writes, a duplicate key, a lone surrogate escape, a line number beyond 64 bits)
//! is an error: the caller goes back to the reference for the whole scan.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use memchr::memmem;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::unicode::py_strip;

/// The reason of the corpus step's template lines, whose detail names the site.
pub const TEMPLATE_REASON: &str = "corpus.template_line";

/// What precedes the site in a template line's detail (`_SITE_RE`, ` documents of (.+)$`).
const SITE_MARK: &str = " documents of ";

/// One string of a row: borrowed from the line when it has no escape.
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
    }
}

/// A field that may be missing but, when present, is a string (`null` is an error: Python's
/// `r.get("detail", "")` would give None, which the site pattern cannot search).
fn present<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Str<'a>>, D::Error> {
    Str::deserialize(deserializer).map(Some)
}

/// One row: the document's id and its removed lines (`null` or `[]` when none). Other keys
/// are skipped (their syntax checked); a key given twice is an error.
#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow, deserialize_with = "nullable")]
    removed: Option<Vec<Item<'a>>>,
}

/// The removed lines of a row, `None` for `null`. Through a function so that a row without
/// the key is an error (Python's `row["removed"]`): serde takes a missing `Option` field for
/// `None` otherwise.
fn nullable<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Item<'a>>>, D::Error> {
    Option::<Vec<Item<'a>>>::deserialize(deserializer)
}

/// One removed line of a row.
#[derive(Deserialize)]
struct Item<'a> {
    line: i64,
    #[serde(borrow)]
    text: Str<'a>,
    #[serde(borrow)]
    reason: Str<'a>,
    #[serde(borrow)]
    step: Str<'a>,
    #[serde(default, borrow, deserialize_with = "present")]
    detail: Option<Str<'a>>,
}

/// The rows as the project writes them (compact, no escape in any string, the known keys once
/// each, other keys of the row with string values), read without serde; `None` for any other
/// row, which the caller gives to `serde_json`. Where it answers, it answers as `serde_json`
/// does: the line is valid UTF-8 without control characters (so each string is too), and a
/// string ends at the first `"` when no `\\` comes before it.
fn read_compact(line: &[u8]) -> Option<Row<'_>> {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    // A control character in any chunk (a minimum over a chunk vectorizes; `any` would not).
    if body
        .chunks(256)
        .any(|chunk| chunk.iter().copied().min().is_some_and(|b| b < 0x20))
    {
        return None;
    }
    let mut cur = Cursor {
        text: std::str::from_utf8(body).ok()?,
        at: 0,
    };
    let (mut id, mut removed) = (None, None);
    cur.object(|cur, key| {
        match key {
            "id" if id.is_none() => id = Some(cur.string()?),
            "removed" if removed.is_none() => removed = Some(cur.items()?),
            "id" | "removed" => return None,
            _ => {
                cur.string()?;
            }
        }
        Some(())
    })?;
    if cur.at != body.len() {
        return None;
    }
    Some(Row {
        id: Str(Cow::Borrowed(id?)),
        removed: removed?,
    })
}

/// A position in a compact row.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.text.as_bytes().get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// An object, `value` reading the value of each key (at least one key).
    fn object(&mut self, mut value: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            value(self, key)?;
            if self.eat(b',').is_none() {
                break;
            }
        }
        self.eat(b'}')
    }

    /// A string without escapes.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let rest = &self.text.as_bytes()[self.at..];
        let end = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[end] != b'"' {
            return None;
        }
        let found = self.text.get(self.at..self.at + end)?;
        self.at += end + 1;
        Some(found)
    }

    /// An integer of 64 bits: `-?(0|[1-9][0-9]*)` (what follows is the caller's to check).
    fn int(&mut self) -> Option<i64> {
        let bytes = self.text.as_bytes();
        let negative = self.eat(b'-').is_some();
        let start = self.at;
        let mut value: i64 = 0;
        while let Some(&b) = bytes.get(self.at).filter(|b| b.is_ascii_digit()) {
            let digit = i64::from(b - b'0');
            value = value.checked_mul(10)?;
            value = if negative {
                value.checked_sub(digit)?
            } else {
                value.checked_add(digit)?
            };
            self.at += 1;
        }
        let digits = self.at - start;
        (digits == 1 || (digits > 1 && bytes[start] != b'0')).then_some(value)
    }

    /// `null` or an array of removed lines.
    fn items(&mut self) -> Option<Option<Vec<Item<'a>>>> {
        if self.text[self.at..].starts_with("null") {
            self.at += 4;
            return Some(None);
        }
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.eat(b']').is_some() {
            return Some(Some(items));
        }
        loop {
            items.push(self.item()?);
            if self.eat(b',').is_none() {
                break;
            }
        }
        self.eat(b']')?;
        Some(Some(items))
    }

    /// One removed line: its five keys at most once each, and no other.
    fn item(&mut self) -> Option<Item<'a>> {
        let (mut line, mut text, mut reason, mut step, mut detail) = (None, None, None, None, None);
        self.object(|cur, key| {
            match key {
                "line" if line.is_none() => line = Some(cur.int()?),
                "text" if text.is_none() => text = Some(cur.string()?),
                "reason" if reason.is_none() => reason = Some(cur.string()?),
                "step" if step.is_none() => step = Some(cur.string()?),
                "detail" if detail.is_none() => detail = Some(cur.string()?),
                _ => return None,
            }
            Some(())
        })?;
        let borrowed = |s: &'a str| Str(Cow::Borrowed(s));
        Some(Item {
            line: line?,
            text: borrowed(text?),
            reason: borrowed(reason?),
            step: borrowed(step?),
            detail: detail.map(borrowed),
        })
    }
}

/// A row the core cannot read as Python does; the caller uses the reference instead.
#[derive(Debug)]
pub struct ScanError {
    /// The row's position in the stream (0-based, every row counted).
    pub row: usize,
    pub message: String,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "removal row {}: {}", self.row, self.message)
    }
}

/// Counts by name in the order the names were first seen (a `Counter`'s order).
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Tally {
    index: Names,
    pub items: Vec<(String, u64)>,
}

impl Tally {
    pub fn add(&mut self, name: &str, n: u64) {
        let at = self
            .index
            .at(name, &mut self.items, |name| (name.to_owned(), 0));
        self.items[at].1 += n;
    }
}

/// The positions of names in a list kept in first-seen order; the last name asked for is
/// remembered, as a row's removed lines come in runs of one step and one reason.
#[derive(Default, Debug, Clone, PartialEq)]
struct Names {
    index: HashMap<String, usize>,
    last: Option<(String, usize)>,
}

impl Names {
    /// The position of `name` in `list`, `new(name)` pushed when it is not there yet.
    fn at<T>(&mut self, name: &str, list: &mut Vec<T>, new: impl FnOnce(&str) -> T) -> usize {
        if let Some((last, at)) = &self.last {
            if last == name {
                return *at;
            }
        }
        let at = match self.index.get(name) {
            Some(&at) => at,
            None => {
                self.index.insert(name.to_owned(), list.len());
                list.push(new(name));
                list.len() - 1
            }
        };
        match &mut self.last {
            Some((last, last_at)) => {
                last.clear();
                last.push_str(name);
                *last_at = at;
            }
            None => self.last = Some((name.to_owned(), at)),
        }
        at
    }
}

/// One example in a reason's heap: `(-key, order)` is the heap's order (`heapq` compares the
/// tuples `(-key, order, Example)`, and `order` is never equal), `row` the row's position in
/// the stream and `item` the removed line's index in the row's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub neg_key: i64,
    pub order: u64,
    pub row: usize,
    pub item: usize,
}

/// `heapq._siftdown`: the item at `pos` moved up towards `start` while smaller than its parent.
fn sift_down(heap: &mut [Candidate], start: usize, mut pos: usize) {
    let new = heap[pos];
    while pos > start {
        let parent = (pos - 1) >> 1;
        if new < heap[parent] {
            heap[pos] = heap[parent];
            pos = parent;
            continue;
        }
        break;
    }
    heap[pos] = new;
}

/// `heapq._siftup`: the item at `pos` moved down to a leaf along the smaller children, then
/// up again.
fn sift_up(heap: &mut [Candidate], mut pos: usize) {
    let end = heap.len();
    let start = pos;
    let new = heap[pos];
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && heap[child] >= heap[right] {
            child = right;
        }
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = new;
    sift_down(heap, start, pos);
}

/// `heapq.heappush`.
pub fn heap_push(heap: &mut Vec<Candidate>, item: Candidate) {
    heap.push(item);
    let last = heap.len() - 1;
    sift_down(heap, 0, last);
}

/// `heapq.heapreplace` (the smallest item popped, `item` pushed) on a non-empty heap.
pub fn heap_replace(heap: &mut [Candidate], item: Candidate) {
    heap[0] = item;
    sift_up(heap, 0);
}

/// `_SITE_RE.search(detail).group(1)`: the text after the first ` documents of ` that runs to
/// the end of `detail` (or to a newline ending it), holds no other newline and is not empty.
pub fn template_site(detail: &str) -> Option<&str> {
    memmem::find_iter(detail.as_bytes(), SITE_MARK.as_bytes()).find_map(|at| {
        let rest = &detail[at + SITE_MARK.len()..];
        let body = rest.strip_suffix('\n').unwrap_or(rest);
        (!body.is_empty() && !body.contains('\n')).then_some(body)
    })
}

/// `zlib.crc32(data, crc)`: the CRC-32 of `data` continued from `crc` (0 to start).
pub fn crc32(data: &[u8], crc: u32) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(crc);
    hasher.update(data);
    hasher.finalize()
}

/// What the scan found, for Python to build the report's facts from.
#[derive(Debug, Default)]
pub struct Removals {
    /// Rows with at least one removed line.
    pub rows: u64,
    /// Removed lines by step.
    pub by_step: Tally,
    /// Removed characters (`len(text) + 1` summed) of the sampled documents that have a row.
    pub removed_chars: Vec<(String, u64)>,
    /// Template lines (stripped) per site, sites in the order first seen.
    pub templates: Vec<(String, Tally)>,
    /// Per reason, in the order first seen: the heap's items in its order.
    pub examples: Vec<(String, Vec<Candidate>)>,
    /// The rows a chosen example is in, by position.
    pub kept_rows: Vec<(usize, Vec<u8>)>,
}

/// The scan of the removal rows, fed one row (JSONL line) at a time in stream order.
pub struct RemovalScan {
    examples: usize,
    /// The sampled documents' removed characters so far (0 until a row is seen).
    sampled: HashMap<String, u64>,
    seen_sampled: Vec<String>,
    position: usize,
    out: Removals,
    site_index: Names,
    reason_index: Names,
    order: u64,
    kept: HashMap<usize, Vec<u8>>,
    /// The start of a row whose end is in the next piece of a file.
    carry: Vec<u8>,
}

impl RemovalScan {
    /// A scan keeping `examples` lines per reason, counting the removed characters of the
    /// documents `sampled`.
    pub fn new(sampled: impl IntoIterator<Item = String>, examples: usize) -> Self {
        RemovalScan {
            examples,
            sampled: sampled.into_iter().map(|id| (id, 0)).collect(),
            seen_sampled: Vec::new(),
            position: 0,
            out: Removals::default(),
            site_index: Names::default(),
            reason_index: Names::default(),
            order: 0,
            kept: HashMap::new(),
            carry: Vec::new(),
        }
    }

    /// Reads the next row.
    pub fn feed(&mut self, line: &[u8]) -> Result<(), ScanError> {
        let row_no = self.position;
        self.position += 1;
        let row = match read_compact(line) {
            Some(row) => row,
            None => serde_json::from_slice::<Row<'_>>(line).map_err(|e| ScanError {
                row: row_no,
                message: e.to_string(),
            })?,
        };
        let removed = match row.removed {
            Some(items) if !items.is_empty() => items,
            _ => return Ok(()),
        };
        self.out.rows += 1;
        let doc_id: &str = &row.id.0;
        if let Some(chars) = self.sampled.get_mut(doc_id) {
            if *chars == 0 {
                self.seen_sampled.push(doc_id.to_owned());
            }
            *chars += removed
                .iter()
                .map(|r| r.text.0.chars().count() as u64 + 1)
                .sum::<u64>();
        }
        for r in &removed {
            self.out.by_step.add(&r.step.0, 1);
        }
        let mut id_part = Vec::with_capacity(doc_id.len() + 1);
        id_part.extend_from_slice(doc_id.as_bytes());
        id_part.push(0);
        let row_crc = crc32(&id_part, 0);
        let mut keep_row = false;
        let mut digits = itoa::Buffer::new();
        for (i, r) in removed.iter().enumerate() {
            let reason: &str = &r.reason.0;
            if reason == TEMPLATE_REASON {
                if let Some(site) = r.detail.as_ref().and_then(|d| template_site(&d.0)) {
                    let at = self.site_index.at(site, &mut self.out.templates, |site| {
                        (site.to_owned(), Tally::default())
                    });
                    self.out.templates[at].1.add(py_strip(&r.text.0), 1);
                }
            }
            let key = crc32(digits.format(r.line).as_bytes(), row_crc);
            let at = self
                .reason_index
                .at(reason, &mut self.out.examples, |reason| {
                    (reason.to_owned(), Vec::new())
                });
            let heap = &mut self.out.examples[at].1;
            let full = heap.len() >= self.examples;
            if !full || -heap[0].neg_key > i64::from(key) {
                self.order += 1;
                let item = Candidate {
                    neg_key: -i64::from(key),
                    order: self.order,
                    row: row_no,
                    item: i,
                };
                if full {
                    heap_replace(heap, item);
                } else {
                    heap_push(heap, item);
                }
                keep_row = true;
            }
        }
        if keep_row {
            self.kept.insert(row_no, line.to_vec());
        }
        Ok(())
    }

    /// Reads the next piece of a JSONL file: its rows end at `\n` (which they keep, as
    /// Python's lines do); a row cut at the end of the piece is read with the next one.
    pub fn feed_piece(&mut self, data: &[u8]) -> Result<(), ScanError> {
        let mut start = 0;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', data) {
                Some(end) => {
                    let mut line = std::mem::take(&mut self.carry);
                    line.extend_from_slice(&data[..=end]);
                    self.feed(&line)?;
                    line.clear();
                    self.carry = line;
                    start = end + 1;
                }
                None => {
                    self.carry.extend_from_slice(data);
                    return Ok(());
                }
            }
        }
        let rest = &data[start..];
        let mut from = 0;
        for end in memchr::memchr_iter(b'\n', rest) {
            self.feed(&rest[from..=end])?;
            from = end + 1;
        }
        self.carry.extend_from_slice(&rest[from..]);
        Ok(())
    }

    /// The end of a file: its last row when it does not end with `\n`.
    pub fn end_file(&mut self) -> Result<(), ScanError> {
        if self.carry.is_empty() {
            return Ok(());
        }
        let line = std::mem::take(&mut self.carry);
        self.feed(&line)
    }

    /// Drops the rows no chosen example is in any longer (call now and then to bound memory).
    pub fn prune(&mut self) {
        let mut live: Vec<usize> = self
            .out
            .examples
            .iter()
            .flat_map(|(_, heap)| heap.iter().map(|c| c.row))
            .collect();
        live.sort_unstable();
        self.kept.retain(|row, _| live.binary_search(row).is_ok());
    }

    /// What the scan found (after [`RemovalScan::end_file`] when the last file was fed in
    /// pieces).
    pub fn finish(mut self) -> Removals {
        self.prune();
        let mut kept: Vec<(usize, Vec<u8>)> = self.kept.into_iter().collect();
        kept.sort_unstable_by_key(|(row, _)| *row);
        self.out.kept_rows = kept;
        let sampled = self.sampled;
        self.out.removed_chars = self
            .seen_sampled
            .into_iter()
            .map(|id| {
                let n = sampled.get(&id).copied().unwrap_or(0);
                (id, n)
            })
            .collect();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_zlibs() {
        assert_eq!(crc32(b"123456789", 0), 0xCBF4_3926);
        assert_eq!(crc32(b"", 0), 0);
        // Chained as zlib.crc32(b"6789", zlib.crc32(b"12345")) does.
        assert_eq!(crc32(b"6789", crc32(b"12345", 0)), 0xCBF4_3926);
    }

    #[test]
    fn pieces_are_cut_into_rows_at_newlines() {
        let rows = [
            r#"{"id":"a","removed":[{"line":1,"text":"x","reason":"r","step":"s"}]}"#,
            r#"{"id":"b","removed":[]}"#,
            r#"{"id":"c","removed":[{"line":2,"text":"yy","reason":"r","step":"t"}]}"#,
        ];
        let file = format!("{}\n{}\n{}", rows[0], rows[1], rows[2]);
        for size in 1..file.len() + 2 {
            let mut scan = RemovalScan::new(vec!["a".to_owned(), "c".to_owned()], 3);
            for piece in file.as_bytes().chunks(size) {
                assert!(scan.feed_piece(piece).is_ok());
            }
            assert!(scan.end_file().is_ok());
            let out = scan.finish();
            assert_eq!(out.rows, 2);
            assert_eq!(
                out.by_step.items,
                vec![("s".to_owned(), 1), ("t".to_owned(), 1)]
            );
            let chars = vec![("a".to_owned(), 2), ("c".to_owned(), 3)];
            assert_eq!(out.removed_chars, chars);
            assert_eq!(out.kept_rows.len(), 2);
            assert_eq!(out.kept_rows[1].1, rows[2].as_bytes());
        }
    }

    /// A row's removed line as owned values: line, text, reason, step, detail.
    type Owned = (i64, String, String, String, Option<String>);

    /// What a row gives, read either way.
    fn facts(row: &Row<'_>) -> (String, Option<Vec<Owned>>) {
        let items = row.removed.as_ref().map(|items| {
            items
                .iter()
                .map(|r| {
                    let d = r.detail.as_ref().map(|d| d.0.to_string());
                    (
                        r.line,
                        r.text.0.to_string(),
                        r.reason.0.to_string(),
                        r.step.0.to_string(),
                        d,
                    )
                })
                .collect()
        });
        (row.id.0.to_string(), items)
    }

    #[test]
    fn the_compact_reader_answers_as_serde_json_or_not_at_all() {
        let lines: &[(&str, bool)] = &[
            (
                r#"{"id":"a","source":"s","removed":[{"line":3,"reason":"r","step":"s","text":"ü é"}]}"#,
                true,
            ),
            (
                r#"{"id":"a","removed":[{"line":-7,"reason":"r","step":"s","detail":"d","text":""}]}"#,
                true,
            ),
            (r#"{"id":"a","removed":[]}"#, true),
            (r#"{"removed":null,"id":"a"}"#, true),
            ("{\"id\":\"a\",\"removed\":[]}\n", true),
            (
                r#"{"id":"a","removed":[{"line":0,"reason":"r","step":"s","text":"\u00fc"}]}"#,
                false,
            ),
            (r#"{"id":"a", "removed":[]}"#, false),
            (r#"{"id":"a","removed":[],"x":1}"#, false),
            (
                r#"{"id":"a","removed":[{"line":1,"reason":"r","step":"s","text":"t","x":"y"}]}"#,
                false,
            ),
            (
                r#"{"id":"a","removed":[{"line":01,"reason":"r","step":"s","text":"t"}]}"#,
                false,
            ),
            (
                r#"{"id":"a","removed":[{"line":1.5,"reason":"r","step":"s","text":"t"}]}"#,
                false,
            ),
            (
                r#"{"id":"a","removed":[{"line":9223372036854775808,"reason":"r","step":"s","text":"t"}]}"#,
                false,
            ),
            ("{\"id\":\"a\",\"removed\":[]}\n\n", false),
            ("{\"id\":\"a\tb\",\"removed\":[]}", false),
        ];
        for &(line, compact) in lines {
            let fast = read_compact(line.as_bytes());
            assert_eq!(fast.is_some(), compact, "{line}");
            if let Some(fast) = fast {
                let slow: Result<Row<'_>, _> = serde_json::from_str(line);
                assert!(slow.is_ok(), "{line}");
                if let Ok(slow) = slow {
                    assert_eq!(facts(&fast), facts(&slow), "{line}");
                }
            }
        }
        // Python's row["removed"] needs the key.
        assert!(serde_json::from_str::<Row<'_>>(r#"{"id":"a"}"#).is_err());
        assert!(read_compact(br#"{"id":"a"}"#).is_none());
    }

    #[test]
    fn template_site_is_the_pattern_s_group() {
        let cases: &[(&str, Option<&str>)] = &[
            ("in 12 documents of example.org", Some("example.org")),
            ("in 12 documents of example.org\n", Some("example.org")),
            ("in 12 documents of \n", None),
            ("in 12 documents of ", None),
            ("in 12 documents of a\nb", None),
            ("x documents of a\ny documents of b", Some("b")),
            ("in 12 documents of a\n\n", None),
            ("documents of a", None),
            ("", None),
        ];
        for &(detail, site) in cases {
            assert_eq!(template_site(detail), site, "{detail:?}");
        }
    }

    #[test]
    fn a_full_heap_takes_only_a_strictly_smaller_key() {
        let row = |line: i64| {
            format!(
                r#"{{"id":"d","removed":[{{"line":{line},"text":"t","reason":"r","step":"s"}}]}}"#
            )
        };
        let mut scan = RemovalScan::new(Vec::new(), 2);
        for line in 1..=50 {
            assert!(scan.feed(row(line).as_bytes()).is_ok());
        }
        let out = scan.finish();
        let heap = &out.examples[0].1;
        assert_eq!(heap.len(), 2);
        let id_crc = crc32(b"d\0", 0);
        let mut keys: Vec<u32> = (1..=50)
            .map(|n: i64| crc32(n.to_string().as_bytes(), id_crc))
            .collect();
        keys.sort_unstable();
        let mut got: Vec<u32> = heap.iter().map(|c| (-c.neg_key) as u32).collect();
        got.sort_unstable();
        assert_eq!(got, keys[..2]);
        assert_eq!(out.rows, 50);
        assert_eq!(out.kept_rows.len(), 2);
    }

    #[test]
    fn rows_python_reads_otherwise_are_errors() {
        let bad: &[&str] = &[
            r#"{"id":"d","removed":[{"line":1,"text":"\ud800","reason":"r","step":"s"}]}"#,
            r#"{"id":"d","id":"e","removed":[]}"#,
            r#"{"id":"d","removed":[{"line":1.0,"text":"t","reason":"r","step":"s"}]}"#,
            r#"{"id":"d","removed":[{"line":1,"text":"t","reason":"r","step":"s","detail":null}]}"#,
            r#"{"id":1,"removed":[]}"#,
            r#"{"id":"d","removed":[{"line":99999999999999999999,"text":"t","reason":"r","step":"s"}]}"#,
            "",
        ];
        for line in bad {
            let mut scan = RemovalScan::new(Vec::new(), 3);
            assert!(scan.feed(line.as_bytes()).is_err(), "{line}");
        }
    }

    #[test]
    fn escapes_count_as_the_characters_they_stand_for() {
        let line = r#"{"id":"d","removed":[{"line":1,"text":"a\ud83d\ude00\u2028\n","reason":"r","step":"s"}]}"#;
        let mut scan = RemovalScan::new(vec!["d".to_owned()], 3);
        assert!(scan.feed(line.as_bytes()).is_ok());
        assert_eq!(scan.finish().removed_chars, vec![("d".to_owned(), 5)]);
    }
}
