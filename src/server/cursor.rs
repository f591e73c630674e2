//! Where the cursor is inside a JSON body: on a key, on a value, or where a key or a value may be
//! written, and the JSON Pointer of the object or array around it.
//!
//! A body that parses is located on its tree (`lint::locate`, from `paylint::json`'s spans). A
//! body being typed rarely parses (`{"gro` is what completion sees), so this module also
//! locates the cursor by scanning the tokens before it, tolerating anything after.

use super::vocabulary::push_token;
use std::ops::Range;

/// Where the cursor is.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// The JSON Pointer of the object or array the cursor is in (`""`: the body itself).
    pub container: String,
    /// Keys of that object the text already has (before the cursor at least).
    pub keys: Vec<String>,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// On a key: its text (quotes included in `span`, which for a key still being typed ends
    /// where its line does) and whether a `:` follows it.
    Key {
        name: String,
        span: Range<usize>,
        colon: bool,
    },
    /// Where a new key may be written: after `{` or `,`.
    KeySlot,
    /// On the value of member `key` (`None` in an array): its span, and its text if a string.
    Value {
        key: Option<String>,
        span: Range<usize>,
        string: Option<String>,
    },
    /// Where a value may be written: after `:` (or in an array).
    ValueSlot { key: Option<String> },
    /// Anywhere else (between a key and its `:`, after a value).
    Other,
}

/// How the cursor touches a token: hover is on the character at the offset, completion is at
/// the gap before it (so the end of what was typed counts, the start does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Hover,
    Complete,
}

impl Mode {
    /// Does the cursor at `offset` touch the token `span` (`closed`: a string with its closing
    /// quote)?
    pub fn touches(self, span: &Range<usize>, offset: usize, closed: bool) -> bool {
        match self {
            Mode::Hover => span.start <= offset && offset < span.end,
            Mode::Complete if closed => span.start < offset && offset < span.end,
            Mode::Complete => span.start < offset && offset <= span.end,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// In an object: after `{` or `,`; in an array: after `[` or `,`.
    Expect,
    /// In an object: after a key, before `:`.
    AfterKey,
    /// In an object: after `:`.
    ExpectValue,
    /// After a value.
    After,
}

struct Frame {
    object: bool,
    /// The pointer of this container.
    pointer: String,
    keys: Vec<String>,
    key: Option<String>,
    index: usize,
    phase: Phase,
}

impl Frame {
    fn expects_value(&self) -> bool {
        if self.object {
            self.phase == Phase::ExpectValue
        } else {
            self.phase == Phase::Expect
        }
    }

    fn child_pointer(&self) -> String {
        if self.object {
            push_token(&self.pointer, self.key.as_deref().unwrap_or(""))
        } else {
            push_token(&self.pointer, &self.index.to_string())
        }
    }
}

/// Locates `offset` in the body `text[body]` by its tokens, however malformed the text after
/// (or at) the cursor. `None` outside any object or array.
// One piece because it is a state machine over the body's bytes, token by token.
pub fn scan(text: &str, body: Range<usize>, offset: usize, mode: Mode) -> Option<Location> {
    let bytes = &text.as_bytes()[..body.end.min(text.len())];
    let mut stack: Vec<Frame> = Vec::new();
    let mut pos = body.start;
    let located = |stack: &[Frame], at: At| {
        stack.last().map(|f| Location {
            container: f.pointer.clone(),
            keys: f.keys.clone(),
            at,
        })
    };
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() || pos > offset || (pos == offset && mode == Mode::Complete) {
            break;
        }
        match bytes[pos] {
            b'{' | b'[' => {
                let pointer = match stack.last() {
                    Some(f) => f.child_pointer(),
                    None => String::new(),
                };
                stack.push(Frame {
                    object: bytes[pos] == b'{',
                    pointer,
                    keys: Vec::new(),
                    key: None,
                    index: 0,
                    phase: Phase::Expect,
                });
                pos += 1;
            }
            b'}' | b']' => {
                stack.pop();
                if let Some(f) = stack.last_mut() {
                    f.phase = Phase::After;
                }
                pos += 1;
            }
            b':' => {
                if let Some(f) = stack.last_mut().filter(|f| f.object) {
                    f.phase = Phase::ExpectValue;
                }
                pos += 1;
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    f.phase = Phase::Expect;
                    if f.object {
                        f.key = None;
                    } else {
                        f.index += 1;
                    }
                }
                pos += 1;
            }
            b'"' => {
                let (end, closed) = string_end(bytes, pos);
                let span = pos..end;
                let content = unquote(&text[pos..end], closed);
                let Some(f) = stack.last_mut() else {
                    pos = end;
                    continue;
                };
                let is_key = f.object && f.phase == Phase::Expect;
                if mode.touches(&span, offset, closed) {
                    let at = if is_key {
                        At::Key {
                            name: content,
                            colon: next_byte(bytes, end) == Some(b':'),
                            span,
                        }
                    } else {
                        At::Value {
                            key: f.key.clone().filter(|_| f.object),
                            span,
                            string: Some(content),
                        }
                    };
                    return located(&stack, at);
                }
                if is_key {
                    f.keys.push(content.clone());
                    f.key = Some(content);
                    f.phase = Phase::AfterKey;
                } else {
                    f.phase = Phase::After;
                }
                pos = end;
            }
            _ => {
                // A literal or a number (or junk): up to the next delimiter.
                let start = pos;
                while pos < bytes.len()
                    && !bytes[pos].is_ascii_whitespace()
                    && !matches!(bytes[pos], b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"')
                {
                    pos += 1;
                }
                let span = start..pos;
                if let Some(f) = stack.last_mut() {
                    if mode.touches(&span, offset, false) && f.expects_value() {
                        let at = At::Value {
                            key: f.key.clone().filter(|_| f.object),
                            span,
                            string: None,
                        };
                        return located(&stack, at);
                    }
                    f.phase = Phase::After;
                }
            }
        }
    }
    let f = stack.last()?;
    let at = match (f.object, f.phase) {
        (true, Phase::Expect) => At::KeySlot,
        (true, Phase::ExpectValue) => At::ValueSlot { key: f.key.clone() },
        (false, Phase::Expect) => At::ValueSlot { key: None },
        _ => At::Other,
    };
    located(&stack, at)
}

/// The `@odata.type` a body that does not parse seems to have: the string after the first
/// `"@odata.type":` in it.
pub fn odata_type_in(text: &str, body: Range<usize>) -> Option<String> {
    let bytes = &text.as_bytes()[..body.end.min(text.len())];
    let key = "\"@odata.type\"";
    let at = body.start + text.get(body.start..body.end)?.find(key)? + key.len();
    let colon = (at..bytes.len()).find(|&i| !bytes[i].is_ascii_whitespace())?;
    if bytes[colon] != b':' {
        return None;
    }
    let start = (colon + 1..bytes.len()).find(|&i| !bytes[i].is_ascii_whitespace())?;
    if bytes[start] != b'"' {
        return None;
    }
    let (end, closed) = string_end(bytes, start);
    closed.then(|| unquote(&text[start..end], true))
}

/// The end of the string starting at `start` (its closing quote included), and whether it is
/// closed; an unclosed one ends at its line's end, as JSON strings cannot span lines.
pub fn string_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return (i + 1, true),
            b'\n' | b'\r' => return (i, false),
            _ => i += 1,
        }
    }
    (bytes.len(), false)
}

/// The first non-blank byte at or after `i`.
pub fn next_byte(bytes: &[u8], mut i: usize) -> Option<u8> {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    bytes.get(i).copied()
}

/// A string token's text: decoded when it is a complete JSON string, else the raw characters
/// after the quote.
fn unquote(token: &str, closed: bool) -> String {
    if closed {
        if let Ok(s) = serde_json::from_str::<String>(token) {
            return s;
        }
    }
    token
        .trim_start_matches('"')
        .trim_end_matches('"')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Locates the `|` of `marked` (removed first) for completion.
    fn at(marked: &str) -> Option<Location> {
        let offset = marked.find('|').unwrap();
        let text = marked.replacen('|', "", 1);
        scan(&text, 0..text.len(), offset, Mode::Complete)
    }

    #[test]
    fn a_key_being_typed_is_found_however_the_text_goes_on() {
        let l = at("{\"id\": \"1\", \"gro|").unwrap();
        assert_eq!(l.container, "");
        assert_eq!(l.keys, vec!["id"]);
        assert!(
            matches!(l.at, At::Key { ref name, colon: false, ref span } if name == "gro" && *span == (12..16))
        );
        let l = at("{\"gro|\": 1}").unwrap();
        assert!(matches!(l.at, At::Key { colon: true, .. }));
        assert_eq!(at("{ | }").unwrap().at, At::KeySlot);
        assert_eq!(at("{\"a\": 1, |").unwrap().at, At::KeySlot);
        assert_eq!(at("{\"a\": 1 |").unwrap().at, At::Other);
    }

    #[test]
    fn values_and_nested_containers_have_their_pointer() {
        let l = at("{\"@odata.type\": \"#mic|").unwrap();
        assert!(
            matches!(l.at, At::Value { key: Some(ref k), string: Some(ref s), .. } if k == "@odata.type" && s == "#mic")
        );
        let l = at("{\"@odata.type\": |").unwrap();
        assert_eq!(
            l.at,
            At::ValueSlot {
                key: Some("@odata.type".into())
            }
        );
        let l = at("{\"a\": {\"b\": [1, {\"c~/\": {|").unwrap();
        assert_eq!(l.container, "/a/b/1/c~0~1");
        assert_eq!(at("{\"a\": [1, |").unwrap().container, "/a");
        assert!(at("  |").is_none());
        let t = "{\"@odata.type\" : \"#a.B\", \"x";
        assert_eq!(odata_type_in(t, 0..t.len()).as_deref(), Some("#a.B"));
    }

    #[test]
    fn hover_touches_the_first_character_completion_does_not() {
        let text = "{\"groupId\": 1}";
        let on = |offset, mode| scan(text, 0..text.len(), offset, mode).map(|l| l.at);
        assert!(matches!(on(1, Mode::Hover), Some(At::Key { .. })));
        assert_eq!(on(1, Mode::Complete), Some(At::KeySlot));
        assert!(matches!(on(12, Mode::Hover), Some(At::Value { .. })));
        assert!(matches!(on(13, Mode::Complete), Some(At::Value { .. })));
    }
}
