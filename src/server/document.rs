//! An open document: its text as the editor has it (unsaved changes included), its version, and
//! the bookkeeping between byte offsets (what paylint reports) and LSP positions (a line and a
//! column counted in the negotiated encoding's code units: UTF-16 unless the client offers
//! better).
//!
//! Lines end as LSP says they do: at `\n`, `\r\n` or a lone `\r`. The line index is updated
//! in place for an incremental change, so a keystroke in a large buffer costs the length of the
//! lines it touches plus a shift of the later line starts, not a rescan of the text.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use std::sync::Arc;

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    /// What LSP requires every server to support, and what most editors use.
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The code units `c` takes in this encoding.
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    pub fn lsp_name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        }
    }

    /// The encoding to use given what the client offers (in its order of preference): UTF-8
    /// when offered (no conversion at all), else UTF-32, else the mandatory UTF-16.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Encoding {
        let offered: Vec<&str> = offered.into_iter().collect();
        if offered.contains(&"utf-8") {
            Encoding::Utf8
        } else if offered.contains(&"utf-32") {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }
}

/// The text of one document and where its lines start.
#[derive(Debug, Clone)]
pub struct Document {
    /// Shared with a check that is running on it; copied on write only then.
    text: Arc<String>,
    pub version: i32,
    pub language_id: String,
    /// Byte offsets of line starts; the first is 0.
    starts: Vec<usize>,
}

impl Document {
    pub fn new(text: String, version: i32, language_id: impl Into<String>) -> Document {
        let starts = line_starts(&text);
        Document {
            text: Arc::new(text),
            version,
            language_id: language_id.into(),
            starts,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text as it is now, for a check on another thread (no copy).
    pub fn snapshot(&self) -> Arc<String> {
        self.text.clone()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where the 0-based `line` starts (the text's length past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// Byte offset where `line`'s text ends, before its line ending.
    pub fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.text.len();
        };
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > 0 && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && bytes[end - 1] == b'\r' && end > self.starts[line] {
            end -= 1;
        }
        end.max(self.starts[line])
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The LSP position of a byte offset (clamped to the text, moved back to a char boundary).
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let text = self.text.as_str();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        let character = match enc {
            Encoding::Utf8 => offset - start,
            _ => text[start..offset].chars().map(|c| enc.units(c)).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: std::ops::Range<usize>, enc: Encoding) -> Range {
        Range::new(self.position(span.start, enc), self.position(span.end, enc))
    }

    /// The byte offset of an LSP position. As LSP asks: a line past the end is the end of the
    /// text, a column past the end of its line is the end of the line, and a column inside a
    /// character (half a surrogate pair) is that character's start.
    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let (start, end) = (self.starts[line], self.line_end(line));
        let want = pos.character as usize;
        let text = &self.text[start..end];
        if enc == Encoding::Utf8 {
            return start + floor_char_boundary(text, want.min(text.len()));
        }
        let mut units = 0;
        for (i, c) in text.char_indices() {
            let next = units + enc.units(c);
            if next > want {
                return start + i;
            }
            units = next;
        }
        end
    }

    /// Applies one change from `textDocument/didChange`: a range replaced, or (no range) the
    /// whole text. Ranges are clamped as [`Document::offset`] does; a reversed range is
    /// treated as its ordered form.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => {
                self.starts = line_starts(&change.text);
                self.text = Arc::new(change.text);
            }
            Some(range) => {
                let a = self.offset(range.start, enc);
                let b = self.offset(range.end, enc);
                let (a, b) = (a.min(b), a.max(b));
                self.replace(a..b, &change.text);
            }
        }
    }

    /// Replaces the bytes `a..b` (on char boundaries) with `new`, and updates the line starts
    /// in place: a start depends only on the two bytes around it, so those before `a` stay,
    /// those after `b` shift, and only `a - 1 ..= b'` is scanned anew.
    pub fn replace(&mut self, span: std::ops::Range<usize>, new: &str) {
        let (a, b) = (span.start, span.end);
        Arc::make_mut(&mut self.text).replace_range(a..b, new);
        let new_end = a + new.len();
        let bytes = self.text.as_bytes();
        let kept = self.starts.partition_point(|&s| s < a.max(1));
        let tail_from = self.starts.partition_point(|&s| s < b + 1);
        let tail: Vec<usize> = self.starts[tail_from..]
            .iter()
            .map(|&s| s - b + new_end)
            .collect();
        self.starts.truncate(kept);
        for i in a.saturating_sub(1)..new_end.min(bytes.len()) {
            let start = i + 1;
            if start < a.max(1) {
                continue;
            }
            let breaks = match bytes[i] {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if breaks {
                self.starts.push(start);
            }
        }
        self.starts.extend(tail);
    }
}

/// Line starts of `text` under LSP's three line endings.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
            starts.push(i + 1);
        }
    }
    starts
}

/// The largest char boundary not after `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    fn change(r: Option<(u32, u32, u32, u32)>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: r.map(|(a, b, c, d)| Range::new(pos(a, b), pos(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_bmp_characters_once() {
        // é is 2 bytes and 1 UTF-16 unit; 日 is 3 bytes, 1 unit; 😀 is 4 bytes, 2 units.
        let d = Document::new("é日😀\"groupID\"\n".into(), 1, "http");
        let key = d.text().find("\"groupID\"").unwrap();
        assert_eq!(key, 9);
        assert_eq!(d.position(key, Encoding::Utf16), pos(0, 4));
        assert_eq!(d.position(key, Encoding::Utf8), pos(0, 9));
        assert_eq!(d.position(key, Encoding::Utf32), pos(0, 3));
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(d.offset(d.position(key, enc), enc), key);
        }
        // Half a surrogate pair is the character's start; past the line end is the line end.
        assert_eq!(d.offset(pos(0, 3), Encoding::Utf16), 5);
        assert_eq!(d.offset(pos(0, 99), Encoding::Utf16), d.text().len() - 1);
        assert_eq!(d.offset(pos(7, 0), Encoding::Utf16), d.text().len());
        // An offset inside a character is reported at its start.
        assert_eq!(d.position(6, Encoding::Utf16), pos(0, 2));
    }

    #[test]
    fn crlf_lone_cr_and_lf_each_end_one_line() {
        let d = Document::new("a\r\nb\rc\nd".into(), 1, "http");
        assert_eq!(d.line_count(), 4);
        assert_eq!(d.line_start(1), 3);
        assert_eq!(d.line_end(0), 1);
        assert_eq!(d.line_end(1), 4);
        assert_eq!(d.offset(pos(2, 0), Encoding::Utf16), 5);
        assert_eq!(d.position(5, Encoding::Utf16), pos(2, 0));
        assert_eq!(d.position(d.text().len(), Encoding::Utf16), pos(3, 1));
        // A column past the end of a CRLF line stops before the `\r`.
        assert_eq!(d.offset(pos(0, 5), Encoding::Utf16), 1);
    }

    #[test]
    fn incremental_changes_edit_the_text_and_keep_lines_right() {
        let mut d = Document::new("{\r\n  \"groupID\": \"é😀\"\r\n}\r\n".into(), 1, "http");
        // Rename the key: `ID` is at UTF-16 columns 8..10 of line 1.
        d.apply(change(Some((1, 8, 1, 10)), "Id"), Encoding::Utf16);
        assert_eq!(d.text(), "{\r\n  \"groupId\": \"é😀\"\r\n}\r\n");
        // Insert after the astral character: column 17 is after `"é😀`.
        d.apply(change(Some((1, 17, 1, 17)), "!"), Encoding::Utf16);
        assert_eq!(d.text(), "{\r\n  \"groupId\": \"é😀!\"\r\n}\r\n");
        // A change that adds lines, then one that joins them.
        d.apply(
            change(Some((0, 1, 0, 1)), "\r\n  \"a\": 1,"),
            Encoding::Utf16,
        );
        assert_eq!(d.line_count(), 5);
        assert_eq!(d.line_starts_for_test(), line_starts(d.text()));
        d.apply(change(Some((0, 1, 2, 0)), ""), Encoding::Utf16);
        assert_eq!(d.text(), "{  \"groupId\": \"é😀!\"\r\n}\r\n");
        assert_eq!(d.line_starts_for_test(), line_starts(d.text()));
        // At the end of a line, before its CRLF.
        d.apply(change(Some((0, 20, 0, 20)), "x"), Encoding::Utf16);
        assert_eq!(d.line_starts_for_test(), line_starts(d.text()));
        // A reversed range is its ordered form; a whole-text change replaces all.
        d.apply(change(Some((1, 1, 1, 0)), ""), Encoding::Utf16);
        assert_eq!(d.line_starts_for_test(), line_starts(d.text()));
        d.apply(change(None, "new\ntext"), Encoding::Utf16);
        assert_eq!((d.text(), d.line_count()), ("new\ntext", 2));
    }

    #[test]
    fn splitting_and_joining_crlf_across_an_edit_boundary() {
        // Insert between `\r` and `\n`: the `\r` becomes a lone CR (a line of its own).
        let mut d = Document::new("a\r\nb".into(), 1, "x");
        d.replace(2..2, "z");
        assert_eq!(d.text(), "a\rz\nb");
        assert_eq!(d.line_starts_for_test(), vec![0, 2, 4]);
        // Delete the `z`: one CRLF again.
        d.replace(2..3, "");
        assert_eq!(d.line_starts_for_test(), vec![0, 3]);
        // Insert `\n` after a lone `\r` that ends the text.
        let mut d = Document::new("a\r".into(), 1, "x");
        d.replace(2..2, "\n");
        assert_eq!(d.line_starts_for_test(), vec![0, 3]);
        let mut d = Document::new("\n".into(), 1, "x");
        d.replace(0..0, "\r");
        assert_eq!(d.line_starts_for_test(), vec![0, 2]);
    }

    #[test]
    fn random_edits_agree_with_a_rescan() {
        let alphabet = ["a", "é", "😀", "\r", "\n", "\r\n", " ", "日"];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut d = Document::new(String::new(), 0, "x");
        for _ in 0..3000 {
            let len = d.text().len();
            // No client can name the place between a `\r` and its `\n`.
            let whole = |i: usize| {
                let t = d.text().as_bytes();
                let i = floor_char_boundary(d.text(), i);
                if i > 0 && t[i - 1] == b'\r' && t.get(i) == Some(&b'\n') {
                    i - 1
                } else {
                    i
                }
            };
            let a = whole(next(len + 1));
            let b = whole(a + next(len - a + 1).min(6)).max(a);
            let new: String = (0..next(4))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            // Through LSP positions in each encoding, as a client would send them.
            let enc = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32][next(3)];
            let range = d.range(a..b, enc);
            let mut expected = d.text().to_string();
            expected.replace_range(a..b, &new);
            d.apply(
                TextDocumentContentChangeEvent {
                    range: Some(range),
                    range_length: None,
                    text: new,
                },
                enc,
            );
            assert_eq!(d.text(), expected);
            assert_eq!(
                d.line_starts_for_test(),
                line_starts(&expected),
                "{expected:?}"
            );
        }
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf32_else_utf16() {
        assert_eq!(Encoding::negotiate(["utf-16", "utf-8"]), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(["utf-32"]), Encoding::Utf32);
        assert_eq!(Encoding::negotiate([]), Encoding::Utf16);
    }

    impl Document {
        fn line_starts_for_test(&self) -> Vec<usize> {
            self.starts.clone()
        }
    }
}
