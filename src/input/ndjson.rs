//! NDJSON / JSON Lines streams (`.ndjson`, `.jsonl`, `-` for standard input): one bare body or
//! one exchange object per line. This module reads one line; `lint` streams the lines so a
//! stream of any size is read in constant memory.
//!
//! An exchange object is one message:
//! `{"method": "PATCH", "url": "/provisioningPolicies/p/assignments/a",
//!   "headers": {"Content-Type": "application/json"}, "body": {"groupId": "g"}}`, or for a
//! response `{"method": …, "url": …, "status": 200, "body": …}` (method and url of the
//! request it answers). `body` may also be a string holding the JSON; `direction` and
//! `truncated` are optional.

use super::payload::{Body, Header, Parsed, Payload};
use super::problem::{ExchangeProblem, ExchangeValue, Problem, ProblemKind};
use crate::direction::Direction;
use crate::json::{self, Kind, Member, Node};
use crate::pointer::JsonPointer;
use crate::source::Span;

const EXCHANGE_KEYS: [&str; 7] = [
    "method",
    "url",
    "status",
    "headers",
    "body",
    "direction",
    "truncated",
];

/// Reads one non-blank line (`text` is the line, without its line ending).
pub fn read_line(text: &str, index: usize) -> Parsed {
    let mut parsed = Parsed::default();
    let whole = Span::new(0, text.len());
    let bare = Payload {
        index,
        start: whole,
        body: Some(Body::InFile(whole)),
        ..Payload::default()
    };
    // A line that does not parse is a bare body: the check reports it as invalid-json.
    let Ok(doc) = json::parse(text) else {
        parsed.payloads.push(bare);
        return parsed;
    };
    match doc.root.members() {
        Some(members) if is_exchange(members) => {
            let payload = exchange(&doc.root, members, index, &mut parsed);
            parsed.payloads.push(payload);
        }
        _ => parsed.payloads.push(bare),
    }
    parsed
}

fn is_exchange(members: &[Member]) -> bool {
    members
        .iter()
        .all(|m| EXCHANGE_KEYS.contains(&m.key.as_str()))
        && members
            .iter()
            .any(|m| matches!(m.key.as_str(), "method" | "url" | "status"))
}

fn exchange(root: &Node, members: &[Member], index: usize, parsed: &mut Parsed) -> Payload {
    let mut p = Payload {
        index,
        start: root.span,
        ..Payload::default()
    };
    let mut bad = |m: &Member, expected: ExchangeValue| {
        let mut problem = Problem::at(
            m.key_span,
            ProblemKind::Exchange(ExchangeProblem {
                field: m.key.clone(),
                expected,
            }),
        );
        problem.pointer = JsonPointer::root().child(&m.key);
        parsed.problems.push(problem)
    };
    let mut direction = None;
    for m in members {
        match (m.key.as_str(), &m.value.kind) {
            ("method", Kind::String(s)) => p.method = Some(s.to_ascii_uppercase()),
            ("url", Kind::String(s)) => p.url = Some(s.clone()),
            ("status", Kind::Number(n)) => match n.as_u64().filter(|s| (100..600).contains(s)) {
                Some(s) => p.status = Some(s as u16),
                None => bad(m, ExchangeValue::Status),
            },
            ("headers", Kind::Object(hs)) => {
                let mut headers = Vec::new();
                for h in hs {
                    match &h.value.kind {
                        Kind::String(v) => headers.push(Header {
                            name: h.key.clone(),
                            value: v.clone(),
                            span: h.key_span,
                        }),
                        _ => bad(m, ExchangeValue::HeaderObject),
                    }
                }
                p.headers = Some(headers);
            }
            ("headers", Kind::Array(items)) => {
                let mut headers = Vec::new();
                for item in items {
                    let name = item.pointer("/name").map(|n| &n.kind);
                    let value = item.pointer("/value").map(|n| &n.kind);
                    match (name, value) {
                        (Some(Kind::String(n)), Some(Kind::String(v))) => headers.push(Header {
                            name: n.clone(),
                            value: v.clone(),
                            span: item.span,
                        }),
                        _ => bad(m, ExchangeValue::HeaderArray),
                    }
                }
                p.headers = Some(headers);
            }
            ("body", Kind::Null) => {}
            ("body", Kind::String(s)) if s.trim().is_empty() => {}
            ("body", Kind::String(s)) => {
                p.body = Some(Body::Embedded {
                    text: s.clone(),
                    anchor: m.value.span,
                })
            }
            ("body", _) => p.body = Some(Body::InFile(m.value.span)),
            ("direction", Kind::String(s)) if s == "request" => {
                direction = Some(Direction::Request)
            }
            ("direction", Kind::String(s)) if s == "response" => {
                direction = Some(Direction::Response)
            }
            ("truncated", Kind::Bool(b)) => p.truncated = *b,
            ("method" | "url", _) => bad(m, ExchangeValue::String),
            ("status", _) => bad(m, ExchangeValue::Status),
            ("headers", _) => bad(m, ExchangeValue::HeaderObject),
            ("direction", _) => bad(m, ExchangeValue::Direction),
            ("truncated", _) => bad(m, ExchangeValue::Boolean),
            _ => {}
        }
    }
    p.direction = direction.or(if p.status.is_some() {
        Some(Direction::Response)
    } else if p.method.is_some() {
        Some(Direction::Request)
    } else {
        None
    });
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_bodies_and_unparsable_lines_are_one_payload_each() {
        for line in [
            r#"{"groupId": "g"}"#,
            r#"[1]"#,
            r#"{"groupId": "#,
            r#"{"body": 1}"#,
        ] {
            let p = read_line(line, 7);
            assert_eq!(p.payloads.len(), 1);
            assert_eq!(p.payloads[0].index, 7);
            assert_eq!(
                p.payloads[0].body,
                Some(Body::InFile(Span::new(0, line.len())))
            );
            assert!(p.payloads[0].method.is_none());
        }
    }

    #[test]
    fn exchange_objects() {
        let line = r#"{"method": "patch", "url": "/provisioningPolicies/p/assignments/a", "headers": {"Content-Type": "application/json"}, "body": {"groupId": "g"}}"#;
        let p = read_line(line, 0);
        let m = &p.payloads[0];
        assert_eq!(m.method.as_deref(), Some("PATCH"));
        assert_eq!(m.direction, Some(Direction::Request));
        assert_eq!(m.header("content-type").unwrap().value, "application/json");
        let Some(Body::InFile(b)) = &m.body else {
            panic!()
        };
        assert_eq!(&line[b.start..b.end], r#"{"groupId": "g"}"#);

        let line = r#"{"method": "PATCH", "url": "/x", "status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}], "body": "{\"id\": \"1\"}", "truncated": true}"#;
        let p = read_line(line, 0);
        let m = &p.payloads[0];
        assert_eq!(m.direction, Some(Direction::Response));
        assert_eq!(m.status, Some(200));
        assert!(m.truncated);
        assert_eq!(m.headers.as_ref().unwrap().len(), 1);
        let Some(Body::Embedded { text, anchor }) = &m.body else {
            panic!()
        };
        assert_eq!(text, "{\"id\": \"1\"}");
        assert!(line[anchor.start..].starts_with("\"{\\\"id"));
    }

    #[test]
    fn malformed_fields_are_findings() {
        let p = read_line(r#"{"method": 1, "url": "/x", "status": 999}"#, 0);
        assert_eq!(p.problems.len(), 2);
        assert!(p
            .problems
            .iter()
            .all(|d| matches!(d.kind, ProblemKind::Exchange(_))));
        assert_eq!(p.problems[0].pointer, "/method");
        assert_eq!(
            p.problems[1].kind,
            ProblemKind::Exchange(ExchangeProblem {
                field: "status".into(),
                expected: ExchangeValue::Status
            })
        );
    }
}
