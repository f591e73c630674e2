//! Where a position in a file is: the payload, the JSON pointer and the token under the cursor,
//! for hovers and completions.

use super::Engine;
use crate::json;
use crate::json::{Kind, Node};
use crate::server::cursor::{At, Location};
use crate::server::vocabulary::push_token;
use crate::source::Span;
use std::ops::Range;

impl Engine {
    /// Where `offset` is in the body `body` of `text`, on the body's parsed tree; `None` when
    /// the body does not parse (then the caller scans its tokens instead). Also gives the
    /// body's `@odata.type`.
    pub fn locate(
        &self,
        text: &str,
        body: Range<usize>,
        offset: usize,
        mode: super::super::cursor::Mode,
    ) -> Option<(Location, Option<String>)> {
        let doc = json::parse_range(text, body.start, body.end).ok()?;
        let odata_type = string_at(&doc.root, "/@odata.type");
        Some((locate_in(text, &doc.root, offset, mode)?, odata_type))
    }
}

/// The Location of `offset` in the tree under `root` (the body's span covers it).
// One piece because it is one descent of the tree: each container answers or names the child.
pub(super) fn locate_in(
    text: &str,
    root: &Node,
    offset: usize,
    mode: super::super::cursor::Mode,
) -> Option<Location> {
    let mut node = root;
    let mut pointer = String::new();
    let inside = |span: &Span| span.start < offset && offset < span.end;
    let on_open = mode == super::super::cursor::Mode::Hover && node.span.start == offset;
    if !(inside(&node.span) || on_open) {
        return None;
    }
    loop {
        let span_of = |s: &Span| s.start..s.end;
        let next = match &node.kind {
            Kind::Object(members) => {
                let keys: Vec<String> = members.iter().map(|m| m.key.clone()).collect();
                let found = |at: At| Location {
                    container: pointer.clone(),
                    keys: keys.clone(),
                    at,
                };
                let mut child = None;
                for m in members {
                    if mode.touches(&span_of(&m.key_span), offset, true) {
                        return Some(found(At::Key {
                            name: m.key.clone(),
                            span: span_of(&m.key_span),
                            colon: true,
                        }));
                    }
                    let v = &m.value.span;
                    let container = matches!(m.value.kind, Kind::Object(_) | Kind::Array(_));
                    if container && inside(v) {
                        child = Some((&m.value, push_token(&pointer, &m.key)));
                        break;
                    }
                    if mode.touches(&span_of(v), offset, true) {
                        return Some(found(value_at(Some(m.key.clone()), &m.value)));
                    }
                }
                match child {
                    Some(c) => Some(c),
                    None => {
                        // Between members: what precedes the cursor says what may come.
                        let at = match last_token_byte(text, node.span.start, offset, mode) {
                            Some(b'{' | b',') => At::KeySlot,
                            Some(b':') => At::ValueSlot {
                                key: members
                                    .iter()
                                    .rev()
                                    .find(|m| m.key_span.end <= offset)
                                    .map(|m| m.key.clone()),
                            },
                            _ => At::Other,
                        };
                        return Some(found(at));
                    }
                }
            }
            Kind::Array(items) => {
                let mut child = None;
                for (i, item) in items.iter().enumerate() {
                    let container = matches!(item.kind, Kind::Object(_) | Kind::Array(_));
                    if container && inside(&item.span) {
                        child = Some((item, push_token(&pointer, &i.to_string())));
                        break;
                    }
                    if mode.touches(&span_of(&item.span), offset, true) {
                        return Some(Location {
                            container: pointer,
                            keys: Vec::new(),
                            at: value_at(None, item),
                        });
                    }
                }
                match child {
                    Some(c) => Some(c),
                    None => {
                        let at = match last_token_byte(text, node.span.start, offset, mode) {
                            Some(b'[' | b',') => At::ValueSlot { key: None },
                            _ => At::Other,
                        };
                        return Some(Location {
                            container: pointer,
                            keys: Vec::new(),
                            at,
                        });
                    }
                }
            }
            _ => None,
        };
        let (child, child_pointer) = next?;
        node = child;
        pointer = child_pointer;
    }
}

/// The last non-blank byte from `start` up to the cursor (for hover, the character under it
/// included, as the token scan counts it).
pub(super) fn last_token_byte(
    text: &str,
    start: usize,
    offset: usize,
    mode: super::super::cursor::Mode,
) -> Option<u8> {
    let end = match mode {
        super::super::cursor::Mode::Hover => (offset + 1).min(text.len()),
        super::super::cursor::Mode::Complete => offset,
    };
    text.as_bytes()[start..end]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .copied()
}

pub(super) fn string_at(root: &Node, pointer: &str) -> Option<String> {
    string_of(root.pointer(pointer)?)
}

fn string_of(node: &Node) -> Option<String> {
    match &node.kind {
        Kind::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The cursor on the scalar `node` (the value of member `key`, or an array item).
fn value_at(key: Option<String>, node: &Node) -> At {
    At::Value {
        key,
        span: node.span.start..node.span.end,
        string: string_of(node),
    }
}
