//! Source text of one input file, byte spans in it, and the mapping from byte offsets to 1-based
//! line:column.
//!
//! The line index is built only when a file has something to report, so valid files pay nothing
//! for positions.

use std::path::PathBuf;

/// A byte range `[start, end)` of a file's text (or of a text held in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A file's text as read: decoded UTF-8 with a leading byte order mark removed.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the command line joined with the walked part.
    pub path: PathBuf,
    pub text: String,
    /// The file started with a UTF-8 byte order mark (removed from `text`).
    pub bom: bool,
}

/// A 1-based line and column (column counted in characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Offsets of line starts; `\n` ends a line (a `\r` before it belongs to the line).
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Positions of offsets given in increasing order, each column counted on from the previous
    /// offset when it is on the same line: many findings on one long line (a minified body)
    /// cost one pass over it, not one pass each.
    pub fn cursor<'a>(&'a self, text: &'a str) -> Cursor<'a> {
        Cursor {
            index: self,
            text,
            last: None,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        text[start..end.max(start)].trim_end_matches('\r')
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }
}

/// See [`LineIndex::cursor`].
pub struct Cursor<'a> {
    index: &'a LineIndex,
    text: &'a str,
    last: Option<(usize, Position)>,
}

impl Cursor<'_> {
    /// The 1-based line and column (in chars) of a byte offset (clamped to the text, moved back
    /// to a char boundary); fastest when offsets come in increasing order.
    pub fn position(&mut self, offset: usize) -> Position {
        let text = self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.index.line_of(offset);
        let (from, column) = match self.last {
            Some((at, p)) if p.line == line + 1 && at <= offset => (at, p.column),
            _ => (self.index.starts[line], 1),
        };
        let p = Position {
            line: line + 1,
            column: column + text[from..offset].chars().count(),
        };
        self.last = Some((offset, p));
        p
    }
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

    /// The position counted from the start of its line, as the cursor must agree.
    fn from_line_start(idx: &LineIndex, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = idx.line_of(offset);
        let column = text[idx.starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let text = "ab\r\n  é\"x\"\nlast";
        let idx = LineIndex::new(text);
        // One finding alone: a fresh cursor.
        let pos = |offset| idx.cursor(text).position(offset);
        assert_eq!(pos(0), Position { line: 1, column: 1 });
        assert_eq!(pos(6), Position { line: 2, column: 3 });
        let x = text.find("\"x\"").unwrap();
        assert_eq!(pos(x), Position { line: 2, column: 4 });
        assert_eq!(idx.line_text(text, 1), "ab");
        assert_eq!(idx.line_text(text, 3), "last");
        assert_eq!(pos(text.len()), Position { line: 3, column: 5 });
    }

    #[test]
    fn the_cursor_agrees_with_counting_from_the_line_start_in_any_order() {
        let text = "{\"a\": 1, \"é\": 2,\r\n \"日本\": [1, 2]}\n\n  😀 x\ty";
        let idx = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        let mut cursor = idx.cursor(text);
        for &o in &offsets {
            assert_eq!(cursor.position(o), from_line_start(&idx, text, o), "{o}");
        }
        // Backwards, and jumping between lines.
        let mut cursor = idx.cursor(text);
        for &o in offsets.iter().rev().chain([3, 30, 5, 0, 41].iter()) {
            assert_eq!(cursor.position(o), from_line_start(&idx, text, o), "{o}");
        }
    }
}
