//! NDJSON / JSON Lines streams (`.ndjson`, `.jsonl`, `-` for standard input): one bare body or
//! one exchange object per line. [`Lines`] reads a stream a line at a time, so a stream of any
//! size is read in constant memory; [`read_line`] reads one line into its payload.
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
use std::io::BufRead;

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
            let payload = exchange(text, &doc.root, members, index, &mut parsed);
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

fn exchange(
    line: &str,
    root: &Node,
    members: &[Member],
    index: usize,
    parsed: &mut Parsed,
) -> Payload {
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
            ("headers", Kind::Object(_) | Kind::Array(_)) => {
                p.headers = Some(headers(m, &mut bad));
            }
            ("body", Kind::Null) => {}
            ("body", Kind::String(s)) if s.trim().is_empty() => {}
            ("body", Kind::String(s)) => {
                p.body = Some(
                    match super::mapped::Mapped::json_string(line, m.value.span) {
                        Some(mapped) => Body::Mapped(mapped),
                        None => Body::Embedded {
                            text: s.clone(),
                            anchor: m.value.span,
                        },
                    },
                )
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

/// The headers of a `headers` member, an object of strings or an array of `{"name": …,
/// "value": …}` strings; each header of another kind is skipped, and a problem (`bad`).
fn headers(m: &Member, bad: &mut dyn FnMut(&Member, ExchangeValue)) -> Vec<Header> {
    let mut headers = Vec::new();
    match &m.value.kind {
        Kind::Object(hs) => {
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
        }
        Kind::Array(items) => {
            for item in items {
                let name = item.get("name").map(|n| &n.kind);
                let value = item.get("value").map(|n| &n.kind);
                match (name, value) {
                    (Some(Kind::String(n)), Some(Kind::String(v))) => headers.push(Header {
                        name: n.clone(),
                        value: v.clone(),
                        span: item.span,
                    }),
                    _ => bad(m, ExchangeValue::HeaderArray),
                }
            }
        }
        _ => {}
    }
    headers
}

/// One non-blank line of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its 1-based number in the stream.
    pub number: usize,
    /// The line without its line ending (nor, on the first line, a UTF-8 byte order mark);
    /// empty when it is over the limit.
    pub bytes: Vec<u8>,
    /// Longer than the limit: its bytes were read and dropped.
    pub overlong: bool,
    /// A line end (`\n`, `\r\n`) follows it; only a stream's last line may have none.
    pub ending: LineEnd,
}

/// What follows a line of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// `\n`, or `\r\n`.
    Newline,
    /// The end of the stream.
    EndOfStream,
}

/// A line that could not be read, and its 1-based number; the stream ends there.
#[derive(Debug)]
pub struct LineError {
    pub number: usize,
    pub error: std::io::Error,
}

/// The non-blank lines of a stream, one held at a time; each line is at most `limit` bytes
/// (a longer one is [`Line::overlong`]). After an error the stream ends.
pub struct Lines<R> {
    reader: R,
    limit: usize,
    /// The number of the last line read.
    last: usize,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    /// The lines of `reader`, the first numbered `first_line`.
    pub fn new(reader: R, limit: usize, first_line: usize) -> Self {
        Lines {
            reader,
            limit,
            last: first_line - 1,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<Line, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            let (read, overlong) = match read_line_capped(&mut self.reader, &mut buf, self.limit) {
                Ok(r) => r,
                Err(error) => {
                    self.done = true;
                    let number = self.last + 1;
                    return Some(Err(LineError { number, error }));
                }
            };
            if read == 0 {
                self.done = true;
                break;
            }
            self.last += 1;
            let ending = match buf.last() {
                Some(b'\n') => LineEnd::Newline,
                _ => LineEnd::EndOfStream,
            };
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            // A byte order mark opens a file, not a chunk of one that starts further down.
            if self.last == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            if overlong || !buf.iter().all(u8::is_ascii_whitespace) {
                return Some(Ok(Line {
                    number: self.last,
                    bytes: buf,
                    overlong,
                    ending,
                }));
            }
        }
        None
    }
}

/// Reads up to and including the next `\n` into `buf`, keeping at most `limit` bytes (the rest
/// of an overlong line is read and dropped). Returns the bytes read and whether the line was
/// over the limit.
fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<(usize, bool)> {
    let mut total = 0;
    let mut overlong = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((total, overlong));
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !overlong {
            if buf.len() + used > limit {
                overlong = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..used]);
            }
        }
        total += used;
        reader.consume(used);
        if done {
            return Ok((total, overlong));
        }
    }
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
        let Some(Body::Mapped(mapped)) = &m.body else {
            panic!()
        };
        assert_eq!(mapped.text, "{\"id\": \"1\"}");
        let key = mapped.map.span(Span::new(1, 5));
        assert_eq!(&line[key.start..key.end], "\\\"id\\\"");
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

    fn lines(text: &[u8], limit: usize, first: usize) -> Vec<Line> {
        Lines::new(text, limit, first).map(Result::unwrap).collect()
    }

    #[test]
    fn lines_skip_blank_ones_and_count_from_the_first_number() {
        let got = lines(b"{}\r\n\n  \n{\"a\": 1}\n{}", 100, 10);
        let shown: Vec<(usize, &[u8])> = got.iter().map(|l| (l.number, &l.bytes[..])).collect();
        assert_eq!(
            shown,
            [(10, &b"{}"[..]), (13, &b"{\"a\": 1}"[..]), (14, &b"{}"[..])]
        );
        assert!(got.iter().all(|l| !l.overlong));
    }

    #[test]
    fn a_bom_is_dropped_only_where_a_file_starts() {
        let first = lines(b"\xEF\xBB\xBF{}\n", 100, 1);
        assert_eq!(&first[0].bytes[..], b"{}");
        // A chunk from the middle of a stream starts at line 10: a BOM there is a
        // character of the line, which its JSON reader then reports.
        let chunk = lines(b"\xEF\xBB\xBF{}\n", 100, 10);
        assert_eq!(&chunk[0].bytes[..], b"\xEF\xBB\xBF{}");
    }

    #[test]
    fn an_overlong_line_is_dropped_and_the_next_one_read() {
        let got = lines(b"{\"long\": \"xxxxxxxxxxxx\"}\n{}\n", 8, 1);
        assert_eq!(got.len(), 2);
        assert!(got[0].overlong && got[0].bytes.is_empty());
        assert_eq!(got[0].number, 1);
        assert_eq!(
            (got[1].number, &got[1].bytes[..], got[1].overlong),
            (2, &b"{}"[..], false)
        );
    }

    #[test]
    fn a_read_error_ends_the_stream_with_the_number_of_the_line() {
        struct Failing(usize);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk gone"));
                }
                self.0 -= 1;
                buf[..3].copy_from_slice(b"{}\n");
                Ok(3)
            }
        }
        let reader = std::io::BufReader::with_capacity(3, Failing(1));
        let mut it = Lines::new(reader, 100, 1);
        assert_eq!(it.next().unwrap().unwrap().number, 1);
        let err = it.next().unwrap().unwrap_err();
        assert_eq!(err.number, 2);
        assert!(it.next().is_none());
    }
}
