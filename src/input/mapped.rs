//! Bodies whose text is not the file's bytes as they stand: a JSON document held in a JSON
//! string (its escapes decoded), an `.http` body with its `{{variables}}` substituted, an
//! example inside a Markdown block quote (its `> ` markers blanked). [`Mapped`] holds the text
//! to check and the [`OffsetMap`] that takes each of its offsets back to the file, so a
//! finding inside it points at the file's bytes it came from.
//!
//! Written by hand: the map is a sorted list of pieces, each either copied byte for byte from
//! the file or standing for a span of it (an escape, a substitution); no crate keeps such a
//! map through JSON string decoding.

use crate::source::Span;

/// A body's text and where its bytes are in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub text: String,
    pub map: OffsetMap,
    /// Whether a fix written into the text can be written into the file as it is.
    pub held: Held,
    /// Spans of `text` that hold a value the file leaves open (an unresolved `{{variable}}`):
    /// a string value there stands for any value.
    pub placeholders: Vec<Span>,
}

/// How the body's text is held in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// As text: an edit of the body is the same edit of the file, where its ends map exactly.
    Text,
    /// Inside a JSON string: an edit would need escaping, so none is proposed.
    JsonString,
}

/// Offsets of a derived text to offsets of the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
}

/// A run of the derived text starting at `at`, up to the next piece.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    at: usize,
    /// Its length in the derived text.
    len: usize,
    /// The file's bytes it comes from.
    file: Span,
    kind: PieceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PieceKind {
    /// Byte for byte the same as `file`.
    Copied,
    /// Stands for `file` as a whole (an escape, a substitution).
    Replaced,
}

impl OffsetMap {
    /// `len` bytes copied from the file at `file_start`.
    pub fn copied(&mut self, at: usize, file_start: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.kind == PieceKind::Copied
                && last.at + last.len == at
                && last.file.end == file_start
            {
                last.file.end += len;
                last.len += len;
                return;
            }
        }
        self.pieces.push(Piece {
            at,
            len,
            file: Span::new(file_start, file_start + len),
            kind: PieceKind::Copied,
        });
    }

    /// `len` bytes of text at `at` that stand for the file's bytes `file`.
    pub fn replaced(&mut self, at: usize, len: usize, file: Span) {
        self.pieces.push(Piece {
            at,
            len,
            file,
            kind: PieceKind::Replaced,
        });
    }

    /// The piece holding offset `offset` (the last piece for an offset at or past the end).
    fn piece(&self, offset: usize) -> Option<(usize, &Piece)> {
        let i = self.pieces.partition_point(|p| p.at <= offset);
        let i = i.checked_sub(1)?;
        Some((i, &self.pieces[i]))
    }

    /// Where a span of the derived text is in the file: a start inside a replaced piece is its
    /// first byte, an end inside one its last.
    pub fn span(&self, span: Span) -> Span {
        let start = self.start(span.start);
        let end = self.end(span.end).max(start);
        Span::new(start, end)
    }

    fn start(&self, offset: usize) -> usize {
        match self.piece(offset) {
            None => self.pieces.first().map_or(0, |p| p.file.start),
            Some((_, p)) => match p.kind {
                PieceKind::Copied => (p.file.start + (offset - p.at)).min(p.file.end),
                PieceKind::Replaced => p.file.start,
            },
        }
    }

    fn end(&self, offset: usize) -> usize {
        // The piece the last byte before `offset` is in.
        match self.piece(offset.saturating_sub(1)) {
            None => self.pieces.first().map_or(0, |p| p.file.start),
            Some((_, p)) if offset == 0 => p.file.start,
            Some((_, p)) => match p.kind {
                PieceKind::Copied => (p.file.start + (offset - p.at)).min(p.file.end),
                PieceKind::Replaced => p.file.end,
            },
        }
    }

    /// Where a span is in the file when its ends fall exactly on copied bytes or on the edges
    /// of replaced ones (so replacing it replaces the same text of the file); `None` when an
    /// end is inside a replaced piece.
    pub fn exact(&self, span: Span) -> Option<Span> {
        let on_edge = |offset: usize| match self.piece(offset) {
            None => true,
            Some((_, p)) => p.kind == PieceKind::Copied || p.at == offset || offset >= p.at + p.len,
        };
        (on_edge(span.start) && on_edge(span.end)).then(|| self.span(span))
    }
}

impl OffsetMap {
    /// Where a span is in the file when every byte of it is copied from the file (so a fix
    /// written there changes what the file says, not what a variable stands for); `None`
    /// otherwise.
    pub fn verbatim(&self, span: Span) -> Option<Span> {
        let replaced = self.pieces.iter().any(|p| {
            p.kind == PieceKind::Replaced
                && p.at < span.end.max(span.start + 1)
                && span.start < p.at + p.len
        });
        if replaced {
            return None;
        }
        self.exact(span)
    }
}

impl Mapped {
    /// The document held in the JSON string at `string` of `file` (quotes included), its
    /// escapes decoded: `None` when the span does not hold a well-formed JSON string.
    pub fn json_string(file: &str, string: Span) -> Option<Mapped> {
        let raw = file.get(string.start..string.end)?;
        let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
        let base = string.start + 1;
        let bytes = inner.as_bytes();
        let mut text = String::with_capacity(inner.len());
        let mut map = OffsetMap::default();
        let mut i = 0;
        while i < bytes.len() {
            let plain = memchr::memchr(b'\\', &bytes[i..]).map_or(bytes.len(), |j| i + j);
            if plain > i {
                map.copied(text.len(), base + i, plain - i);
                text.push_str(&inner[i..plain]);
                i = plain;
                continue;
            }
            let (c, len) = escape(&bytes[i..])?;
            map.replaced(
                text.len(),
                c.len_utf8(),
                Span::new(base + i, base + i + len),
            );
            text.push(c);
            i += len;
        }
        Some(Mapped {
            text,
            map,
            held: Held::JsonString,
            placeholders: Vec::new(),
        })
    }

    /// The file's bytes `span`, as they are (a copy the reader then changes in place, keeping
    /// every offset: block-quote markers blanked).
    pub fn copy(text: String, file_start: usize) -> Mapped {
        let mut map = OffsetMap::default();
        map.copied(0, file_start, text.len());
        Mapped {
            text,
            map,
            held: Held::Text,
            placeholders: Vec::new(),
        }
    }
}

/// The character an escape at the start of `b` stands for, and the escape's length.
fn escape(b: &[u8]) -> Option<(char, usize)> {
    let c = match *b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex4(b.get(2..6)?)?;
            if (0xD800..0xDC00).contains(&unit) {
                // A high surrogate: with the low one after it, one character of 12 bytes.
                if b.get(6) == Some(&b'\\') && b.get(7) == Some(&b'u') {
                    let low = hex4(b.get(8..12)?)?;
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        return Some((char::from_u32(code)?, 12));
                    }
                }
                return Some(('\u{FFFD}', 6));
            }
            return Some((char::from_u32(unit).unwrap_or('\u{FFFD}'), 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

fn hex4(b: &[u8]) -> Option<u32> {
    u32::from_str_radix(std::str::from_utf8(b).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_span(file: &str) -> Span {
        let start = file.find('"').unwrap();
        Span::new(start, file.len())
    }

    #[test]
    fn a_key_in_an_embedded_body_maps_to_its_escaped_quotes() {
        let file = r#""{\"groupID\": \"g\"}""#;
        let m = Mapped::json_string(file, string_span(file)).unwrap();
        assert_eq!(m.text, r#"{"groupID": "g"}"#);
        let key = Span::new(1, 10); // "groupID" with its quotes
        let at = m.map.span(key);
        assert_eq!(&file[at.start..at.end], r#"\"groupID\""#);
        assert_eq!(m.map.span(Span::new(0, 1)), Span::new(1, 2));
    }

    #[test]
    fn escapes_decode_with_their_lengths() {
        let file = r#""a\\b\nc\u00e9\ud83d\ude00d\/""#;
        let m = Mapped::json_string(file, string_span(file)).unwrap();
        assert_eq!(m.text, "a\\b\nc\u{e9}\u{1F600}d/");
        let d = m.text.find('d').unwrap();
        let at = m.map.span(Span::new(d, d + 1));
        assert_eq!(&file[at.start..at.end], "d");
        // The emoji (4 bytes) stands for its two escapes (12 bytes).
        let e = m.text.find('\u{1F600}').unwrap();
        let at = m.map.span(Span::new(e, e + 4));
        assert_eq!(&file[at.start..at.end], r"\ud83d\ude00");
        // Inside it: the escape's start.
        assert_eq!(m.map.span(Span::new(e + 1, e + 2)).start, at.start);
        assert!(Mapped::json_string(r#""\x""#, Span::new(0, 4)).is_none());
    }

    #[test]
    fn exact_spans_end_on_copied_bytes_or_edges() {
        let file = r#""ab\ncd""#;
        let m = Mapped::json_string(file, string_span(file)).unwrap();
        assert_eq!(m.map.exact(Span::new(0, 2)), Some(Span::new(1, 3)));
        assert_eq!(m.map.exact(Span::new(0, 3)), Some(Span::new(1, 5)));
        let copy = Mapped::copy("xyz".into(), 10);
        assert_eq!(copy.map.exact(Span::new(1, 2)), Some(Span::new(11, 12)));
    }
}
