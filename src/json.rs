//! One-pass positioned JSON: parses RFC 8259 text into a tree whose every node and key carries
//! its byte span, keeps duplicate keys (in file order) and refuses nesting past a depth limit.
//!
//! Written by hand because no well-kept crate gives all of: byte spans for keys *and* values,
//! every occurrence of a repeated key, a depth guard instead of a stack overflow, and the speed
//! of a single pass. serde_json drops positions and duplicates; span-aware crates either build
//! far heavier trees or accept JSON5/JSONC, which a conformance linter must not.

use crate::pointer::{self, JsonPointer};
use crate::source::Span;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Nesting deeper than this is an error, not a stack overflow (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    /// Members in file order, repeated keys included.
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    /// The key with its quotes.
    pub key_span: Span,
    pub value: Node,
}

/// A key that occurs more than once in one object.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    /// JSON Pointer of the object holding the key.
    pub object_pointer: JsonPointer,
    pub key: String,
    /// Span of the earlier occurrence's key.
    pub first: Span,
    /// Span of the repeated occurrence's key.
    pub repeated: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug)]
pub struct Document {
    pub root: Node,
    pub duplicates: Vec<DuplicateKey>,
}

/// Parses `text[start..end]` as one JSON value surrounded by optional whitespace.
/// Spans are offsets into `text` itself, so they stay valid for the whole file.
pub fn parse_range(text: &str, start: usize, end: usize) -> Result<Document, ParseError> {
    let mut p = Parser {
        text,
        bytes: &text.as_bytes()[..end],
        pos: start,
        duplicates: Vec::new(),
    };
    p.skip_ws();
    if p.pos >= p.bytes.len() {
        return Err(p.error_at(p.pos, "no JSON value: the body is empty or only whitespace"));
    }
    let root = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_at(p.pos, "unexpected text after the JSON value"));
    }
    // Pointers are worked out after the parse, for the few objects that need one: keeping the
    // path to every value while parsing cost a push and a pop per member.
    let mut last: Option<(usize, JsonPointer)> = None;
    let mut duplicates = Vec::with_capacity(p.duplicates.len());
    for (object_start, mut dup) in p.duplicates {
        dup.object_pointer = match last.take() {
            Some((start, pointer)) if start == object_start => pointer,
            _ => pointer_to(&root, object_start),
        };
        last = Some((object_start, dup.object_pointer.clone()));
        duplicates.push(dup);
    }
    Ok(Document { root, duplicates })
}

/// The JSON Pointer of the value that starts at byte `offset` (children are in file order, so
/// each level is a binary search).
fn pointer_to(root: &Node, offset: usize) -> JsonPointer {
    let mut out = JsonPointer::root();
    let mut node = root;
    while node.span.start != offset {
        let next = match &node.kind {
            Kind::Object(members) => {
                let i = members.partition_point(|m| m.value.span.end <= offset);
                members.get(i).map(|m| {
                    out.push(&m.key);
                    &m.value
                })
            }
            Kind::Array(items) => {
                let i = items.partition_point(|n| n.span.end <= offset);
                items.get(i).inspect(|_| out.push_index(i))
            }
            _ => None,
        };
        match next {
            Some(n) if n.span.start <= offset => node = n,
            _ => break,
        }
    }
    out
}

pub fn parse(text: &str) -> Result<Document, ParseError> {
    parse_range(text, 0, text.len())
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Repeated keys, each with the offset of its object; `object_pointer` is left empty here
    /// and filled in after the parse.
    duplicates: Vec<(usize, DuplicateKey)>,
}

impl<'a> Parser<'a> {
    fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn describe_here(&self) -> String {
        match self.text[self.pos.min(self.bytes.len())..self.bytes.len()]
            .chars()
            .next()
        {
            None => "the end of the body".to_string(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            _ => {
                let hint = match self.peek() {
                    Some(b'\'') => " (JSON strings use double quotes)",
                    Some(b'}' | b']') => " (a trailing comma before it?)",
                    _ => "",
                };
                return Err(self.error_at(
                    self.pos,
                    format!(
                        "expected a JSON value, found {}{hint}",
                        self.describe_here()
                    ),
                ));
            }
        };
        Ok(Node {
            span: Span::new(start, self.pos),
            kind,
        })
    }

    fn enter(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                format!("nesting deeper than {MAX_DEPTH} levels; paylint stops reading here"),
            ));
        }
        Ok(())
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error_at(
                self.pos,
                format!("expected a JSON value, found {}", self.describe_here()),
            ))
        }
    }

    // One piece because it is the JSON parser's hot loop: one pass over an object's members.
    fn object(&mut self, depth: usize) -> Result<Kind, ParseError> {
        self.enter(depth)?;
        let start = self.pos;
        self.pos += 1; // '{'
        let mut members: Vec<Member> = Vec::new();
        // The last span of each key, once the object is large (see `INDEXED_KEYS`).
        let mut keys: Option<HashMap<String, Span>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                let found = self.describe_here();
                let hint = if self.peek() == Some(b'}') {
                    " (a trailing comma before it?)"
                } else {
                    " (object keys are double-quoted strings)"
                };
                return Err(self.error_at(self.pos, format!("expected a key, found {found}{hint}")));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error_at(
                    self.pos,
                    format!("expected `:` after the key, found {}", self.describe_here()),
                ));
            }
            self.pos += 1;
            self.skip_ws();
            let earlier = match keys.as_mut() {
                Some(keys) => keys.insert(key.clone(), key_span),
                None => {
                    let earlier = find_key(&members, &key);
                    if members.len() >= INDEXED_KEYS {
                        let mut built: HashMap<String, Span> = members
                            .iter()
                            .map(|m| (m.key.clone(), m.key_span))
                            .collect();
                        built.insert(key.clone(), key_span);
                        keys = Some(built);
                    }
                    earlier
                }
            };
            if let Some(earlier) = earlier {
                let dup = DuplicateKey {
                    object_pointer: JsonPointer::root(),
                    key: key.clone(),
                    first: earlier,
                    repeated: key_span,
                };
                self.duplicates.push((start, dup));
            }
            let value = self.value(depth);
            members.push(Member {
                key,
                key_span,
                value: value?,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(members));
                }
                _ => {
                    return Err(self.error_at(
                        self.pos,
                        format!(
                            "expected `,` or `}}` after an object member, found {}",
                            self.describe_here()
                        ),
                    ))
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind, ParseError> {
        self.enter(depth)?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Kind::Array(items));
                }
                _ => {
                    return Err(self.error_at(
                        self.pos,
                        format!(
                            "expected `,` or `]` after an array item, found {}",
                            self.describe_here()
                        ),
                    ))
                }
            }
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.pos += 1; // '"'
        let mut out: Option<String> = None;
        let mut run_start = self.pos;
        loop {
            // Skip plain bytes in one tight scan; stop at a quote, a backslash or a control byte.
            self.pos = skip_plain(self.bytes, self.pos);
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error_at(open, "unterminated string: no closing `\"`"));
            };
            match b {
                b'"' => {
                    let run = &self.text[run_start..self.pos];
                    self.pos += 1;
                    return Ok(match out {
                        // Most strings have no escape: one allocation of the exact size.
                        None => run.to_string(),
                        Some(mut s) => {
                            s.push_str(run);
                            s
                        }
                    });
                }
                b'\\' => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&self.text[run_start..self.pos]);
                    self.escape(s)?;
                    run_start = self.pos;
                }
                _ => {
                    let what = if b == b'\n' {
                        "a line break inside a string (unterminated string?)".to_string()
                    } else {
                        format!("control character U+{b:04X} inside a string (escape it)")
                    };
                    return Err(self.error_at(self.pos, what));
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let at = self.pos;
        self.pos += 1; // '\\'
        let Some(&c) = self.bytes.get(self.pos) else {
            return Err(self.error_at(at, "unterminated escape sequence"));
        };
        self.pos += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = self.hex4(at)?;
                let ch = if (0xD800..0xDC00).contains(&hi) {
                    if self.bytes[self.pos..].starts_with(b"\\u") {
                        self.pos += 2;
                        let lo = self.hex4(at)?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(
                                self.error_at(at, "invalid UTF-16 surrogate pair in `\\u` escape")
                            );
                        }
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        None
                    }
                } else {
                    char::from_u32(hi)
                };
                match ch {
                    Some(ch) => out.push(ch),
                    None => return Err(self.error_at(at, "lone UTF-16 surrogate in `\\u` escape")),
                }
            }
            _ => {
                return Err(self.error_at(
                    at,
                    "invalid escape sequence (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                ))
            }
        }
        Ok(())
    }

    fn hex4(&mut self, at: usize) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error_at(at, "`\\u` must be followed by four hex digits"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error_at(at, "`\\u` must be followed by four hex digits"))?;
            v = v * 16 + n;
        }
        self.pos += 4;
        Ok(v)
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        let bad = |p: &Self, at: usize| p.error_at(at, "malformed number");
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if matches!(b.get(i), Some(b'0'..=b'9')) {
                    return Err(self.error_at(start, "numbers must not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(bad(self, start)),
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(bad(self, i));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integer = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(bad(self, i));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        self.pos = i;
        let text = &self.text[start..i];
        if integer {
            if let Ok(u) = text.parse::<u64>() {
                return Ok(Number::from(u));
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Number::from(n));
            }
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .ok_or_else(|| self.error_at(start, "number out of range"))
    }
}

/// From this many members on, an object finds repeated keys in a hash index instead of scanning
/// its members for each key, which is quicker for small objects but quadratic: a hostile 1.5 MB
/// body of 100,000 distinct keys took a minute to parse in a debug build (now 0.1 s).
const INDEXED_KEYS: usize = 16;

/// The last span of `key` among `members`.
fn find_key(members: &[Member], key: &str) -> Option<Span> {
    members
        .iter()
        .rev()
        .find(|m| m.key == key)
        .map(|m| m.key_span)
}

impl Node {
    /// The node a JSON Pointer names; for a repeated key, its last occurrence (the one most
    /// parsers keep).
    pub fn pointer(&self, pointer: impl AsRef<str>) -> Option<&Node> {
        let pointer = pointer.as_ref();
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = pointer::unescape(raw);
            node = match &node.kind {
                Kind::Object(members) => &members.iter().rev().find(|m| m.key == *token)?.value,
                Kind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The member a pointer names (last occurrence), with its key span.
    pub fn member(&self, pointer: impl AsRef<str>) -> Option<&Member> {
        let (parent, last) = pointer.as_ref().rsplit_once('/')?;
        let token = pointer::unescape(last);
        match &self.pointer(parent)?.kind {
            Kind::Object(members) => members.iter().rev().find(|m| m.key == *token),
            _ => None,
        }
    }

    /// The value of the member `key` of an object (its last occurrence).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }

    /// A copy in which each object keeps only the last occurrence of a repeated key (the one
    /// serde_json and most parsers keep), spans unchanged: what a body with repeated keys is
    /// validated as.
    pub fn without_repeated_keys(&self) -> Node {
        let kind = match &self.kind {
            Kind::Array(items) => {
                Kind::Array(items.iter().map(Node::without_repeated_keys).collect())
            }
            Kind::Object(members) => {
                let mut last: HashMap<&str, usize> = HashMap::with_capacity(members.len());
                for (i, m) in members.iter().enumerate() {
                    last.insert(&m.key, i);
                }
                Kind::Object(
                    members
                        .iter()
                        .enumerate()
                        .filter(|(i, m)| last[m.key.as_str()] == *i)
                        .map(|(_, m)| Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value: m.value.without_repeated_keys(),
                        })
                        .collect(),
                )
            }
            scalar => scalar.clone(),
        };
        Node {
            span: self.span,
            kind,
        }
    }

    /// The serde_json value; a repeated key keeps its last value.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n) => Value::Number(n.clone()),
            Kind::String(s) => Value::String(s.clone()),
            Kind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Object(members) => {
                let mut map = Map::new();
                for m in members {
                    map.insert(m.key.clone(), m.value.to_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// Bytes that end a plain run inside a string: `"`, `\\` and control characters.
static STOPS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The position of the first byte at or after `pos` that ends a plain run (or the end), eight
/// bytes at a time: a word with no byte below 0x20, no `"` and no `\\` is skipped whole, and in
/// one with such a byte the lowest flagged byte is the first of them.
pub fn skip_plain(bytes: &[u8], mut pos: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let v = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Bytes below 0x20: (v - 0x20..) borrows into the high bit where the byte is < 0x20
        // (bytes >= 0x80 are excluded by `!v`).
        let control = v.wrapping_sub(LO * 0x20) & !v & HI;
        let quote = has_zero(v ^ (LO * b'"' as u64));
        let backslash = has_zero(v ^ (LO * b'\\' as u64));
        let stops = control | quote | backslash;
        if stops != 0 {
            // A borrow can only set bits above a true match, so the lowest bit is the first.
            return pos + (stops.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while pos < bytes.len() && !STOPS[bytes[pos] as usize] {
        pos += 1;
    }
    pos
}

/// `text` with the slips hand-written JSON often has in `text[start..end]` blanked out, byte for
/// byte (so every span stays where it was): trailing commas, `//` and `/* */` comments. `None`
/// when there are none. Docs' examples are checked further despite such a slip (its own
/// `invalid-json` finding reports it); written by hand since it must keep every offset, which
/// a JSON5 parser does not promise.
pub fn without_slips(text: &str, start: usize, end: usize) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    // Comments first, so that a comma before one is seen to be trailing.
    let comments = blank_outside_strings(&mut bytes, start, end, |bytes, i| {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'/')) => Some(
                bytes[i..end]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(end, |n| i + n),
            ),
            (b'/', Some(b'*')) => Some(
                bytes[i + 2..end]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(end, |n| i + 2 + n + 2),
            ),
            _ => None,
        }
    });
    let commas = blank_outside_strings(&mut bytes, start, end, |bytes, i| {
        let next = bytes[i + 1..end].iter().find(|c| !c.is_ascii_whitespace());
        (bytes[i] == b',' && matches!(next, Some(b'}' | b']'))).then_some(i + 1)
    });
    let breaks = join_broken_strings(&mut bytes, start, end);
    // Only ASCII bytes were replaced by spaces: still UTF-8.
    (comments || commas || breaks).then(|| String::from_utf8(bytes).unwrap_or_default())
}

/// A string a doc wrapped over lines (a long URL): its raw line breaks become spaces, when the
/// string ends on a later line (a quote that closes it before the next `:`, `,` or bracket
/// would open). Returns whether it changed any.
fn join_broken_strings(bytes: &mut [u8], start: usize, end: usize) -> bool {
    let (mut i, mut in_string, mut escaped, mut changed) = (start, false, false, false);
    while i < end {
        let b = bytes[i];
        if !in_string {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        match (escaped, b) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => in_string = false,
            (false, b'\n' | b'\r') => {
                // Only when a later quote closes it where a string may end: before `,`, `}`,
                // `]` or `:`, and before any structure opens.
                let rest = &bytes[i + 1..end];
                let close = rest.iter().position(|&c| c == b'"');
                let structure = rest
                    .iter()
                    .position(|&c| matches!(c, b'{' | b'}' | b'[' | b']' | b':'));
                let ends_well = close.is_some_and(|q| {
                    let after = rest[q + 1..].iter().find(|c| !c.is_ascii_whitespace());
                    structure.is_none_or(|s| q < s)
                        && matches!(after, Some(b',' | b'}' | b']' | b':') | None)
                });
                if !ends_well {
                    return changed;
                }
                bytes[i] = b' ';
                changed = true;
            }
            _ => {}
        }
        i += 1;
    }
    changed
}

/// Blanks (to spaces, line breaks kept) each run `[i, slip(i))` that `slip` finds outside
/// strings in `bytes[start..end]`; returns whether it blanked any.
fn blank_outside_strings(
    bytes: &mut [u8],
    start: usize,
    end: usize,
    slip: impl Fn(&[u8], usize) -> Option<usize>,
) -> bool {
    let (mut i, mut in_string, mut escaped, mut changed) = (start, false, false, false);
    while i < end {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
        } else if let Some(stop) = slip(bytes, i) {
            for c in &mut bytes[i..stop.min(end)] {
                if *c != b'\n' {
                    *c = b' ';
                }
            }
            changed = true;
            i = stop;
            continue;
        }
        i += 1;
    }
    changed
}

#[cfg(test)]
mod tests {
    #[test]
    fn slips_are_blanked_byte_for_byte() {
        let text = "x {\"a\": [1, 2,], // note\n \"b\": \"/* not a comment, */\", /* c */ }";
        let fixed = super::without_slips(text, 2, text.len()).unwrap();
        assert_eq!(fixed.len(), text.len());
        let v: serde_json::Value = serde_json::from_str(&fixed[2..]).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": [1, 2], "b": "/* not a comment, */"})
        );
        assert_eq!(super::without_slips("{\"a\": 1}", 0, 8), None);
        // A string wrapped over two lines is joined; an unterminated one is left alone.
        let text = "{\"u\": \"https://x/a\n/b\", \"n\": 1}";
        let fixed = super::without_slips(text, 0, text.len()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v, serde_json::json!({"u": "https://x/a /b", "n": 1}));
        let text = "{\"u\": \"https://x/a\n, \"n\": 1}";
        assert_eq!(super::without_slips(text, 0, text.len()), None);
    }

    use super::*;

    #[test]
    fn plain_runs_stop_at_quotes_backslashes_and_control_bytes() {
        for text in [
            "abcdefghijklmnop\"",
            "abc\\def",
            "abcdefgh\tij",
            "é€𝄞abcdefghijk\"",
            "abcdefghijklmnopqrstuvwxyz",
            "",
            "\u{7f}\u{80}abcdefgh\u{1f}",
        ] {
            let b = text.as_bytes();
            for start in 0..=b.len() {
                let want = (start..b.len())
                    .find(|&i| b[i] == b'"' || b[i] == b'\\' || b[i] < 0x20)
                    .unwrap_or(b.len());
                assert_eq!(super::skip_plain(b, start), want, "{text:?} from {start}");
            }
        }
    }

    #[test]
    fn plain_runs_find_the_first_stop_whatever_the_bytes_around_it() {
        // Bytes next to the thresholds, where a borrow between bytes could mislead the word
        // test; every pair, at every two places of a word and the next.
        let edgy = [
            0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc,
            0xff, b'a',
        ];
        for a in edgy {
            for b in edgy {
                for i in 0..16 {
                    for j in i..16 {
                        let mut bytes = [b'a'; 16];
                        bytes[i] = a;
                        bytes[j] = b;
                        let want = bytes
                            .iter()
                            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                            .unwrap_or(bytes.len());
                        assert_eq!(skip_plain(&bytes, 0), want, "{bytes:02x?}");
                    }
                }
            }
        }
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = "{\n  \"a\": [1, {\"b\": null}],\n  \"c\": \"x\"\n}";
        let doc = parse(text).unwrap();
        let a = doc.root.member("/a").unwrap();
        assert_eq!(&text[a.key_span.start..a.key_span.end], "\"a\"");
        let b = doc.root.member("/a/1/b").unwrap();
        assert_eq!(&text[b.value.span.start..b.value.span.end], "null");
        assert_eq!(
            doc.root.pointer("/c").unwrap().kind,
            Kind::String("x".into())
        );
        assert_eq!(doc.root.span, Span::new(0, text.len()));
    }

    #[test]
    fn duplicates_point_at_their_object_through_arrays_and_nesting() {
        let text = r#"[0, {"a": [{"x": 1}, {"y": {"k": 1, "k": 2, "k": 3}}], "m~/": {"z": 1, "z": 2},
            "a": [], "e": {}, "q": {"": 1, "": 2}}, [[{"w": 0, "w": 1}]]]"#;
        let doc = parse(text).unwrap();
        let found: Vec<(&str, &str)> = doc
            .duplicates
            .iter()
            .map(|d| (d.object_pointer.as_str(), d.key.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("/1/a/1/y", "k"),
                ("/1/a/1/y", "k"),
                ("/1/m~0~1", "z"),
                ("/1", "a"),
                ("/1/q", ""),
                ("/2/0/0", "w"),
            ]
        );
    }

    #[test]
    fn duplicates_are_kept_and_reported() {
        let text = r#"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}"#;
        let doc = parse(text).unwrap();
        assert_eq!(doc.duplicates.len(), 2);
        assert_eq!(doc.duplicates[0].object_pointer, "/b");
        assert_eq!(doc.duplicates[0].key, "x");
        assert_eq!(doc.duplicates[1].object_pointer, "");
        assert_eq!(
            doc.duplicates[1].repeated.start,
            text.rfind("\"a\"").unwrap()
        );
        assert_eq!(
            doc.root.pointer("/a").unwrap().to_value(),
            serde_json::json!(3)
        );
    }

    #[test]
    fn values_match_serde_json() {
        let text = r#"{"s": "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "n": [0, -1, 1.5e3, 18446744073709551615, -9223372036854775808, 1E-2], "t": true, "f": false, "z": null}"#;
        let ours = parse(text).unwrap().root.to_value();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn errors_have_offsets() {
        for (text, offset) in [
            ("", 0),
            ("   ", 3),
            ("{\"a\": 1,}", 8),
            ("{\"a\" 1}", 5),
            ("[1 2]", 3),
            ("{\"a\": tru}", 6),
            ("{\"a\": \"x", 6),
            ("01", 0),
            ("{} x", 3),
            ("{'a': 1}", 1),
            ("\"\\x\"", 1),
            ("\"\\ud800\"", 1),
            ("1.", 2),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.offset, offset, "{text:?}: {}", err.message);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nesting deeper"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&too_deep).is_err());
    }

    #[test]
    fn pointers_escape_tokens() {
        let doc = parse(r#"{"a/b": {"m~n": 1, "m~n": 2}}"#).unwrap();
        assert_eq!(doc.duplicates[0].object_pointer, "/a~1b");
        assert_eq!(
            doc.root.pointer("/a~1b/m~0n").unwrap().to_value(),
            serde_json::json!(2)
        );
        let x = JsonPointer::parse("/x").unwrap();
        assert_eq!(x.child("a/b~"), "/x/a~1b~0");
    }
}
