//! apidoctor's example annotations: the JSON object in an HTML comment before a code block
//! (`<!-- { "blockType": "response", "@odata.type": "microsoft.graph.user", "truncated": true } -->`),
//! read the way apidoctor reads it.
//!
//! apidoctor parses annotations with Newtonsoft.Json, which accepts trailing commas and bare
//! keys; Graph's pages have both (`{"blockType": "request",}`, `{isCollection: true}`). They are
//! read, and reported as a warning, since the docs tool accepts them. Only those two leniencies
//! are hand-written here (a JSON5 parser would also accept comments, single quotes and hex
//! numbers, which no annotation uses and which apidoctor does not read either).

use crate::input::NamedType;
use crate::json::{self, Kind, Node};

/// What kind of block an annotation marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockType {
    Request,
    Response,
    /// A type's declaration (a resource page's JSON representation).
    Resource,
    /// A JSON example of a type (Teams call notifications).
    Example,
    /// Not checked: syntax sections, request lists (`samples`), other block types.
    Ignored,
}

/// What an annotation says about the block after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub block_type: BlockType,
    /// `truncated`: a shortened example; missing properties are not findings.
    pub truncated: bool,
    /// `@odata.type` (or `@type`), with `isCollection`.
    pub odata_type: Option<NamedType>,
    /// `isEmpty`: the response has no body.
    pub is_empty: bool,
    /// `optionalProperties` of a resource block: properties it may leave out.
    pub optional_properties: Vec<String>,
}

/// A problem with the annotation's JSON, at a byte offset of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// Not JSON, even leniently: the annotation is not read.
    Invalid { at: usize, message: String },
    /// Read with apidoctor's leniency (a trailing comma, a bare key).
    Lenient { at: usize, what: &'static str },
    /// `blockType` is not a string: `"blockType": 1`.
    Field { at: usize },
}

/// Reads the annotation whose JSON text is `text[start..end]` (offsets in the document).
/// `None` when the comment is not an annotation at all (no `blockType`).
pub fn read(
    text: &str,
    start: usize,
    end: usize,
    troubles: &mut Vec<Trouble>,
) -> Option<Annotation> {
    let root = match json::parse_range(text, start, end) {
        Ok(doc) => doc.root,
        Err(e) => {
            let (fixed, what) = lenient(&text[start..end]);
            match what.and_then(|w| json::parse(&fixed).ok().map(|d| (d, w))) {
                Some((doc, what)) => {
                    troubles.push(Trouble::Lenient { at: e.offset, what });
                    // Spans of the lenient copy are not the document's: fields are read by
                    // value only, and problems point at the comment.
                    return fields(&doc.root, start, troubles);
                }
                // Broken JSON that is no example annotation (a page's metadata comment) is
                // not the examples' business.
                None if !text[start..end].contains("blockType") => return None,
                None => {
                    troubles.push(Trouble::Invalid {
                        at: e.offset,
                        message: e.message,
                    });
                    return Some(Annotation {
                        block_type: BlockType::Ignored,
                        truncated: false,
                        odata_type: None,
                        is_empty: false,
                        optional_properties: Vec::new(),
                    });
                }
            }
        }
    };
    fields(&root, start, troubles)
}

fn fields(root: &Node, start: usize, troubles: &mut Vec<Trouble>) -> Option<Annotation> {
    let get = |name: &str| {
        root.members()?
            .iter()
            .rev()
            .find(|m| m.key == name)
            .map(|m| &m.value)
    };
    let block_type = match get("blockType").map(|n| &n.kind) {
        Some(Kind::String(s)) => match s.as_str() {
            "request" => BlockType::Request,
            "response" => BlockType::Response,
            "resource" => BlockType::Resource,
            "example" => BlockType::Example,
            _ => BlockType::Ignored,
        },
        Some(_) => {
            let at = get("blockType").map_or(start, |n| n.span.start.max(start));
            troubles.push(Trouble::Field { at });
            BlockType::Ignored
        }
        None => return None,
    };
    let flag = |name: &str| match get(name).map(|n| &n.kind) {
        Some(Kind::Bool(b)) => *b,
        Some(Kind::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    let named = match get("@odata.type").or_else(|| get("@type")).map(|n| &n.kind) {
        Some(Kind::String(s)) => parse_type(s, flag("isCollection")),
        _ => None,
    };
    let optional_properties = match get("optionalProperties").map(|n| &n.kind) {
        Some(Kind::Array(items)) => items
            .iter()
            .filter_map(|i| match &i.kind {
                Kind::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(Annotation {
        block_type,
        truncated: flag("truncated"),
        odata_type: named,
        is_empty: flag("isEmpty"),
        optional_properties,
    })
}

/// `microsoft.graph.user`, `Collection(microsoft.graph.user)` (any case), `#microsoft.graph.x`.
fn parse_type(raw: &str, is_collection: bool) -> Option<NamedType> {
    let raw = raw.trim();
    let lower = raw.to_ascii_lowercase();
    let (inner, collection) = match lower.strip_prefix("collection(").and(raw.strip_suffix(')')) {
        Some(_) => (raw["collection(".len()..raw.len() - 1].trim(), true),
        None => (raw, is_collection),
    };
    let inner = inner.trim_start_matches('#');
    (!inner.is_empty()).then(|| NamedType {
        name: inner.to_string(),
        collection,
    })
}

/// The annotation with apidoctor's leniencies undone: trailing commas dropped and bare keys
/// quoted, outside strings. Returns what was undone, if anything.
fn lenient(s: &str) -> (String, Option<&'static str>) {
    let mut out = String::with_capacity(s.len() + 8);
    let mut what = None;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut in_string = false;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            if c == '\n' || c == '\r' {
                what.get_or_insert("a line break inside a string");
                out.push_str(if c == '\n' { "\\n" } else { "" });
                i += 1;
                continue;
            }
            out.push(c);
            match c {
                '\\' if i + 1 < chars.len() => {
                    out.push(chars[i + 1]);
                    i += 1;
                }
                '"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            ',' => {
                let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                if matches!(next, Some('}' | ']')) {
                    what.get_or_insert("a trailing comma");
                } else {
                    out.push(c);
                }
            }
            c if (c.is_alphabetic() || c == '_' || c == '@') && after_open(&out) => {
                let startw = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '@' | '.'))
                {
                    i += 1;
                }
                let word: String = chars[startw..i].iter().collect();
                let colon = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':');
                if colon {
                    what.get_or_insert("a key without quotes");
                    out.push('"');
                    out.push_str(&word);
                    out.push('"');
                } else {
                    out.push_str(&word);
                }
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    (out, what)
}

/// Is the last non-space character written `{` or `,` (where a key starts)?
fn after_open(out: &str) -> bool {
    matches!(out.trim_end().chars().last(), Some('{' | ','))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(s: &str) -> (Option<Annotation>, Vec<Trouble>) {
        let mut t = Vec::new();
        let a = read(s, 0, s.len(), &mut t);
        (a, t)
    }

    #[test]
    fn response_annotations_as_graph_writes_them() {
        let (a, t) = ann(
            r#"{"blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.user", "isCollection": true}"#,
        );
        let a = a.unwrap();
        assert!(t.is_empty());
        assert_eq!(a.block_type, BlockType::Response);
        assert!(a.truncated);
        assert_eq!(
            a.odata_type,
            Some(NamedType {
                name: "microsoft.graph.user".into(),
                collection: true
            })
        );
        let (a, _) = ann(
            r#"{"blockType": "response", "@type": "collection(microsoft.graph.riskDetection)", "truncated": "true"}"#,
        );
        let a = a.unwrap();
        assert!(a.truncated);
        assert_eq!(
            a.odata_type.unwrap(),
            NamedType {
                name: "microsoft.graph.riskDetection".into(),
                collection: true
            }
        );
    }

    #[test]
    fn apidoctor_leniencies_are_read_with_a_warning() {
        let (a, t) = ann(r#"{ "blockType": "request", "name": "x", }"#);
        assert_eq!(a.unwrap().block_type, BlockType::Request);
        assert!(
            matches!(
                t[..],
                [Trouble::Lenient {
                    what: "a trailing comma",
                    ..
                }]
            ),
            "{t:?}"
        );
        let (a, t) = ann(
            r#"{"blockType": "response", isCollection: true, "@odata.type": "microsoft.graph.x"}"#,
        );
        assert!(a.unwrap().odata_type.unwrap().collection);
        assert!(
            matches!(
                t[..],
                [Trouble::Lenient {
                    what: "a key without quotes",
                    ..
                }]
            ),
            "{t:?}"
        );
        // Commas and words inside strings are left alone.
        let (fixed, what) = lenient(r#"{"a": "x, }", "b": "c: d"}"#);
        assert_eq!(fixed, r#"{"a": "x, }", "b": "c: d"}"#);
        assert_eq!(what, None);
    }

    #[test]
    fn broken_annotations_and_other_comments() {
        let (a, t) = ann(r#"{"blockType": "request" "name": "x"}"#);
        assert_eq!(a.unwrap().block_type, BlockType::Ignored);
        assert!(matches!(t[..], [Trouble::Invalid { .. }]));
        let (a, t) = ann(r##"{"type": "#page.annotation", "description": "x"}"##);
        assert!(a.is_none() && t.is_empty());
        let (a, t) = ann(r#"{"blockType": 1}"#);
        assert_eq!(a.unwrap().block_type, BlockType::Ignored);
        assert!(matches!(t[..], [Trouble::Field { .. }]));
    }
}
