//! HAR 1.2 captures (`.har`, and `.json` files that hold one): every entry of `log.entries` is two
//! messages, its request (payload `2k`) then its response (payload `2k + 1`), with the method,
//! URL, status, headers and body text the capture recorded.
//!
//! The file is read with the positioned JSON parser, so every finding points into the `.har`
//! file: a body is text held in a string (`request.postData.text`, `response.content.text`,
//! decoded first when `"encoding": "base64"`), and findings inside it point at that string.
//!
//! What paylint needs and cannot find (a `request` without `method` or `url`, a `response`
//! without `status`, a mistyped field, base64 that does not decode to UTF-8 text) is an
//! `invalid-har` finding where it is wrong; the other entries are still read, and the message is
//! still counted. What HAR 1.2 requires but paylint does not need (`headers`, `content`) may be
//! left out, as in captures trimmed by hand: the message then has no headers or no body.

use super::payload::{is_json_media_type, Body, Content, Entry, Header, Parsed, Payload};
use super::problem::{HarProblem, HarValue, Problem, ProblemKind};
use crate::direction::Direction;
use crate::json::{self, Kind, Member, Node};
use crate::pointer::JsonPointer;
use crate::source::{SourceFile, Span};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// Is this text (a `.json` file) probably a HAR capture? A substring scan, no parse: true when
/// both `"log"` and `"entries"` occur.
pub fn looks_like_har(text: &str) -> bool {
    // Searchers built once: building one costs more than searching a small file.
    static LOG: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"log\""));
    static ENTRIES: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"entries\""));
    LOG.find(text.as_bytes()).is_some() && ENTRIES.find(text.as_bytes()).is_some()
}

/// Reads a whole HAR file: two payloads per entry, in file order. A file without
/// `log.entries` is one problem.
pub fn read(source: &SourceFile) -> Parsed {
    read_capture(source).unwrap_or_else(|problem| Parsed {
        payloads: Vec::new(),
        problems: vec![problem],
    })
}

/// Reads a HAR capture; `Err` with the problem that says why when the text is JSON but has no
/// `log.entries` array (so it is no capture at all: a `.json` body may be read as a body
/// instead).
pub fn read_capture(source: &SourceFile) -> Result<Parsed, Problem> {
    let mut parsed = Parsed::default();
    let doc = match json::parse(&source.text) {
        Ok(doc) => doc,
        Err(e) => {
            parsed.problems.push(Problem::json(e));
            return Ok(parsed);
        }
    };
    for (k, entry) in entries(&doc.root)?.iter().enumerate() {
        let [request, response] = read_entry(&source.text, entry, k, &mut parsed.problems);
        parsed.payloads.push(request);
        parsed.payloads.push(response);
    }
    Ok(parsed)
}

/// The items of `log.entries`, or the problem that says why there are none.
fn entries(root: &Node) -> Result<&[Node], Problem> {
    let log = JsonPointer::from_tokens(["log"]);
    let at = |span: Span, pointer: JsonPointer, problem: HarProblem| {
        let mut p = Problem::at(span, ProblemKind::Har(problem));
        p.pointer = pointer;
        p
    };
    let Some(top) = root.members() else {
        let found = root.type_name();
        return Err(at(
            root.span,
            JsonPointer::root(),
            HarProblem::NotAnObject { found },
        ));
    };
    let Some(log_member) = field(top, "log") else {
        return Err(at(root.span, log, HarProblem::NoLog));
    };
    let Some(log_members) = log_member.value.members() else {
        let found = log_member.value.type_name();
        return Err(at(
            log_member.value.span,
            log,
            HarProblem::LogNotAnObject { found },
        ));
    };
    let entries = log.child("entries");
    let Some(list) = field(log_members, "entries") else {
        return Err(at(log_member.key_span, entries, HarProblem::NoEntries));
    };
    match &list.value.kind {
        Kind::Array(items) => Ok(items),
        _ => {
            let found = list.value.type_name();
            Err(at(
                list.value.span,
                entries,
                HarProblem::EntriesNotAnArray { found },
            ))
        }
    }
}

/// The last occurrence of `key` (the one `Node::pointer` and most parsers keep).
fn field<'n>(members: &'n [Member], key: &str) -> Option<&'n Member> {
    members.iter().rev().find(|m| m.key == key)
}

/// Problems of one message, tagged with its payload index and direction.
struct Reporter<'a> {
    /// The capture's text (a body's escapes are mapped back into it).
    file: &'a str,
    problems: &'a mut Vec<Problem>,
    payload: usize,
    direction: Direction,
}

impl Reporter<'_> {
    fn push(&mut self, at: Span, pointer: JsonPointer, problem: HarProblem) {
        self.problems.push(Problem {
            kind: ProblemKind::Har(problem),
            span: at,
            pointer,
            payload: Some(self.payload),
            direction: Some(self.direction),
        });
    }

    /// A member that is there but of the wrong type.
    fn mistyped(&mut self, m: &Member, pointer: JsonPointer, expected: HarValue) {
        let problem = HarProblem::Mistyped {
            key: m.key.clone(),
            expected,
            found: m.value.type_name(),
        };
        self.push(m.value.span, pointer, problem);
    }
}

fn read_entry(file: &str, entry: &Node, k: usize, problems: &mut Vec<Problem>) -> [Payload; 2] {
    let mut base = JsonPointer::from_tokens(["log", "entries"]);
    base.push_index(k);
    let mut request = Payload {
        index: 2 * k,
        start: entry.span,
        direction: Some(Direction::Request),
        ..Payload::default()
    };
    let mut response = Payload {
        index: 2 * k + 1,
        start: entry.span,
        direction: Some(Direction::Response),
        ..Payload::default()
    };
    let mut r = Reporter {
        file,
        problems,
        payload: request.index,
        direction: Direction::Request,
    };
    let Some(members) = entry.members() else {
        let found = entry.type_name();
        r.push(entry.span, base, HarProblem::EntryNotAnObject { found });
        return [request, response];
    };
    match field(members, "request") {
        Some(m) => {
            request.start = m.key_span;
            read_request(m, &base.child("request"), &mut request, &mut r);
        }
        None => r.push(entry.span, base.child("request"), HarProblem::NoRequest),
    }
    // A response answers its request.
    response.method = request.method.clone();
    response.url = request.url.clone();
    response.request = Some(request.index);
    r.payload = response.index;
    r.direction = Direction::Response;
    match field(members, "response") {
        Some(m) => {
            response.start = m.key_span;
            read_response(m, &base.child("response"), &mut response, &mut r);
        }
        None => r.push(entry.span, base.child("response"), HarProblem::NoResponse),
    }
    let content = if carries_json(&request) || carries_json(&response) {
        Content::Json
    } else {
        Content::Other
    };
    let entry = Some(Entry { index: k, content });
    request.entry = entry;
    response.entry = entry;
    [request, response]
}

/// Is a message JSON, by its Content-Type or its body? (A body is only read when its `mimeType`
/// is JSON or absent.)
fn carries_json(p: &Payload) -> bool {
    let typed = p
        .header("content-type")
        .is_some_and(|h| is_json_media_type(&h.value));
    let text = match &p.body {
        Some(Body::Mapped(m)) => m.text.as_str(),
        Some(Body::Embedded { text, .. }) => text.as_str(),
        _ => "",
    };
    typed || text.trim_start().starts_with(['{', '['])
}

fn read_request(m: &Member, pointer: &JsonPointer, p: &mut Payload, r: &mut Reporter<'_>) {
    let Some(members) = m.value.members() else {
        return r.mistyped(m, pointer.clone(), HarValue::Object);
    };
    p.method = required_string(m, members, "method", pointer, r);
    p.url = required_string(m, members, "url", pointer, r);
    p.headers = headers(members, pointer, r);
    if let Some(post) = field(members, "postData") {
        let pointer = pointer.child("postData");
        match post.value.members() {
            Some(post_members) => p.body = body(post_members, &pointer, r),
            None => r.mistyped(post, pointer, HarValue::Object),
        }
    }
}

fn read_response(m: &Member, pointer: &JsonPointer, p: &mut Payload, r: &mut Reporter<'_>) {
    let Some(members) = m.value.members() else {
        return r.mistyped(m, pointer.clone(), HarValue::Object);
    };
    p.status = status(m, members, pointer, r);
    p.headers = headers(members, pointer, r);
    if let Some(content) = field(members, "content") {
        let pointer = pointer.child("content");
        match content.value.members() {
            Some(content_members) => p.body = body(content_members, &pointer, r),
            None => r.mistyped(content, pointer, HarValue::Object),
        }
    }
}

/// The response's `status`: `None` for HAR's 0 ("no response": aborted, blocked, from cache in
/// some browsers) and, with a problem, when it is missing or no HTTP status.
fn status(
    response: &Member,
    members: &[Member],
    pointer: &JsonPointer,
    r: &mut Reporter<'_>,
) -> Option<u16> {
    let pointer = pointer.child("status");
    let Some(s) = field(members, "status") else {
        r.push(response.key_span, pointer, HarProblem::NoStatus);
        return None;
    };
    let Kind::Number(n) = &s.value.kind else {
        r.mistyped(s, pointer, HarValue::Number);
        return None;
    };
    match n.as_u64() {
        Some(0) => None,
        Some(code @ 100..=599) => Some(code as u16),
        _ => {
            let number = n.to_string();
            r.push(s.value.span, pointer, HarProblem::BadStatus { number });
            None
        }
    }
}

/// A string member HAR requires (`method`, `url`); `None`, with a problem, when it is missing,
/// empty or not a string. Missing, the problem points at the key of the object (`parent`).
fn required_string(
    parent: &Member,
    members: &[Member],
    key: &'static str,
    pointer: &JsonPointer,
    r: &mut Reporter<'_>,
) -> Option<String> {
    let pointer = pointer.child(key);
    let Some(m) = field(members, key) else {
        let parent_key = parent.key.clone();
        let problem = HarProblem::Missing {
            parent: parent_key,
            key,
        };
        r.push(parent.key_span, pointer, problem);
        return None;
    };
    match &m.value.kind {
        Kind::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Kind::String(_) => {
            r.push(m.value.span, pointer, HarProblem::Empty { key });
            None
        }
        _ => {
            r.mistyped(m, pointer, HarValue::String);
            None
        }
    }
}

/// `headers`: an array of `{"name": …, "value": …}`; each header's span is its object. `None`
/// when the field is left out or is not an array (then with a problem); a malformed item is a
/// problem and is skipped.
fn headers(members: &[Member], pointer: &JsonPointer, r: &mut Reporter<'_>) -> Option<Vec<Header>> {
    let m = field(members, "headers")?;
    let pointer = pointer.child("headers");
    let Kind::Array(items) = &m.value.kind else {
        r.mistyped(m, pointer, HarValue::Headers);
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = |key: &str| match item.get(key).map(|n| &n.kind) {
            Some(Kind::String(s)) => Some(s.clone()),
            _ => None,
        };
        match (text("name"), text("value")) {
            (Some(name), Some(value)) => out.push(Header {
                name,
                value,
                span: item.span,
            }),
            _ => {
                let mut at = pointer.clone();
                at.push_index(i);
                r.push(item.span, at, HarProblem::BadHeader);
            }
        }
    }
    Some(out)
}

/// The body held by a `postData` or `content` object: its `text`, decoded when `encoding` is
/// `"base64"`. `None` when there is no text, the text is blank, or it cannot be read (then with
/// a problem at the field).
fn body(members: &[Member], pointer: &JsonPointer, r: &mut Reporter<'_>) -> Option<Body> {
    // A browser capture is full of HTML, scripts and images: not JSON payloads, not checked.
    if let Some(Kind::String(mime)) = field(members, "mimeType").map(|m| &m.value.kind) {
        if !mime.trim().is_empty() && !is_json_media_type(mime) {
            return None;
        }
    }
    let text = field(members, "text")?;
    let text_pointer = pointer.child("text");
    let Kind::String(raw) = &text.value.kind else {
        r.mistyped(text, text_pointer, HarValue::String);
        return None;
    };
    let decoded = match field(members, "encoding") {
        None => return in_string(r.file, raw, text.value.span),
        Some(e) => match &e.value.kind {
            Kind::String(enc) if enc.is_empty() => return in_string(r.file, raw, text.value.span),
            Kind::String(enc) if enc.eq_ignore_ascii_case("base64") => match decode_base64(raw) {
                Ok(decoded) => decoded,
                Err(problem) => {
                    r.push(text.value.span, text_pointer, problem);
                    return None;
                }
            },
            Kind::String(enc) => {
                let problem = HarProblem::UnknownEncoding {
                    encoding: enc.clone(),
                };
                r.push(e.value.span, pointer.child("encoding"), problem);
                return None;
            }
            _ => {
                r.mistyped(e, pointer.child("encoding"), HarValue::String);
                return None;
            }
        },
    };
    if decoded.trim().is_empty() {
        return None;
    }
    Some(Body::Embedded {
        text: decoded,
        anchor: text.value.span,
    })
}

/// A body held as a JSON string of the capture: its escapes mapped, so findings inside it point
/// at the bytes of the capture they come from.
fn in_string(file: &str, raw: &str, string: Span) -> Option<Body> {
    if raw.trim().is_empty() {
        return None;
    }
    Some(match super::mapped::Mapped::json_string(file, string) {
        Some(mapped) => Body::Mapped(mapped),
        None => Body::Embedded {
            text: raw.to_string(),
            anchor: string,
        },
    })
}

/// Base64 text to UTF-8 text. Standard alphabet with padding first (what HAR writers produce),
/// then without padding and the URL-safe alphabet; line breaks inside the text are ignored.
fn decode_base64(text: &str) -> Result<String, HarProblem> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(&compact).ok())
        .ok_or(HarProblem::NotBase64)?;
    String::from_utf8(bytes).map_err(|e| HarProblem::DecodedNotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_har(p: &Problem) -> bool {
        matches!(p.kind, ProblemKind::Har(_))
    }

    fn source(text: &str) -> SourceFile {
        SourceFile {
            path: "capture.har".into(),
            text: text.to_string(),
            bom: false,
        }
    }

    /// Span of the string value (quotes included) after the `n`-th `"text": ` in `text`.
    fn nth_text_value(text: &str, n: usize) -> Span {
        let (at, key) = text.match_indices("\"text\": ").nth(n).unwrap();
        let start = at + key.len();
        let bytes = text.as_bytes();
        assert_eq!(bytes[start], b'"');
        let mut i = start + 1;
        while bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        Span::new(start, i + 1)
    }

    /// The body's text, and the string that holds it (quotes included).
    fn embedded(p: &Payload) -> (&str, Span) {
        match &p.body {
            Some(Body::Embedded { text, anchor }) => (text.as_str(), *anchor),
            Some(Body::Mapped(m)) => {
                let inner = m.map.span(Span::new(0, m.text.len()));
                (m.text.as_str(), Span::new(inner.start - 1, inner.end + 1))
            }
            other => panic!("expected an embedded body, got {other:?}"),
        }
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    const TWO_ENTRIES: &str = r#"{
  "log": {
    "version": "1.2",
    "creator": {"name": "test", "version": "1"},
    "entries": [
      {
        "startedDateTime": "2024-05-02T10:00:00.000Z",
        "time": 120,
        "request": {
          "method": "PATCH",
          "url": "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1",
          "httpVersion": "HTTP/1.1",
          "headers": [
            {"name": "Content-Type", "value": "application/json"},
            {"name": "Accept", "value": "application/json"}
          ],
          "postData": {
            "mimeType": "application/json",
            "text": "{\"groupId\": \"g\"}"
          }
        },
        "response": {
          "status": 200,
          "statusText": "OK",
          "headers": [{"name": "Content-Type", "value": "application/json"}],
          "content": {"size": 27, "mimeType": "application/json", "text": "{\"id\": \"1\", \"groupId\": \"g\"}"}
        }
      },
      {
        "startedDateTime": "2024-05-02T10:00:01.000Z",
        "time": 80,
        "request": {
          "method": "GET",
          "url": "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1",
          "headers": []
        },
        "response": {
          "status": 200,
          "headers": [],
          "content": {"size": 27, "mimeType": "application/json", "encoding": "base64", "text": "eyJpZCI6ICIxIiwgImdyb3VwSWQiOiAiZyJ9"}
        }
      }
    ]
  }
}
"#;

    #[test]
    fn two_entries_are_four_payloads() {
        let text = TWO_ENTRIES;
        let parsed = read(&source(text));
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let p = &parsed.payloads;
        assert_eq!(p.len(), 4);
        let url = "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1";
        for (i, payload) in p.iter().enumerate() {
            assert_eq!(payload.index, i);
            assert!(!payload.truncated);
            assert_eq!(payload.url.as_deref(), Some(url));
            let (direction, key) = if i % 2 == 0 {
                (Direction::Request, "\"request\"")
            } else {
                (Direction::Response, "\"response\"")
            };
            assert_eq!(payload.direction, Some(direction));
            assert_eq!(slice(text, payload.start), key);
        }
        // The start of each message is its own key, in file order.
        assert!(p.windows(2).all(|w| w[0].start.start < w[1].start.start));
        assert_eq!(p[0].method.as_deref(), Some("PATCH"));
        assert_eq!(
            p[1].method.as_deref(),
            Some("PATCH"),
            "a response answers its request"
        );
        assert_eq!(p[2].method.as_deref(), Some("GET"));
        assert_eq!(p[3].method.as_deref(), Some("GET"));
        assert_eq!(p[0].status, None);
        assert_eq!(p[1].status, Some(200));
        assert_eq!(p[2].status, None);
        assert_eq!(p[3].status, Some(200));

        let h = p[0].headers.as_ref().unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(
            (h[0].name.as_str(), h[0].value.as_str()),
            ("Content-Type", "application/json")
        );
        assert_eq!(
            slice(text, h[0].span),
            r#"{"name": "Content-Type", "value": "application/json"}"#
        );
        assert_eq!(
            p[0].header("content-type").unwrap().value,
            "application/json"
        );
        assert_eq!(p[1].headers.as_ref().unwrap().len(), 1);
        assert_eq!(p[2].headers, Some(Vec::new()));
        assert_eq!(p[3].headers, Some(Vec::new()));

        let (body, anchor) = embedded(&p[0]);
        assert_eq!(body, r#"{"groupId": "g"}"#);
        assert_eq!(anchor, nth_text_value(text, 0));
        assert_eq!(slice(text, anchor), r#""{\"groupId\": \"g\"}""#);
        // The body's bytes map to the capture's: `groupId` is where it is written.
        let Some(Body::Mapped(m)) = &p[0].body else {
            panic!("a body held in a string is mapped")
        };
        let key = m.map.span(Span::new(1, 10));
        assert_eq!(slice(text, key), r#"\"groupId\""#);
        assert!(
            matches!(p[3].body, Some(Body::Embedded { .. })),
            "base64 is not"
        );
        let (body, anchor) = embedded(&p[1]);
        assert_eq!(body, r#"{"id": "1", "groupId": "g"}"#);
        assert_eq!(anchor, nth_text_value(text, 1));
        assert!(p[2].body.is_none());
        let (body, anchor) = embedded(&p[3]);
        assert_eq!(body, r#"{"id": "1", "groupId": "g"}"#, "base64 is decoded");
        assert_eq!(anchor, nth_text_value(text, 2));
        assert_eq!(
            slice(text, anchor),
            "\"eyJpZCI6ICIxIiwgImdyb3VwSWQiOiAiZyJ9\""
        );
    }

    #[test]
    fn invalid_base64_is_a_finding_and_the_payload_stays() {
        let text = TWO_ENTRIES.replace("eyJpZCI6ICIxIiwgImdyb3VwSWQiOiAiZyJ9", "not base64!");
        let parsed = read(&source(&text));
        assert_eq!(parsed.payloads.len(), 4);
        assert!(parsed.payloads[3].body.is_none());
        assert_eq!(parsed.payloads[3].status, Some(200));
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        let d = &parsed.problems[0];
        assert_eq!(d.kind, ProblemKind::Har(HarProblem::NotBase64));
        assert_eq!(d.pointer, "/log/entries/1/response/content/text");
        assert_eq!(slice(&text, d.span), "\"not base64!\"");
        assert_eq!(d.payload, Some(3));
        assert_eq!(d.direction, Some(Direction::Response));

        // Valid base64 of bytes that are not UTF-8.
        let text = TWO_ENTRIES.replace("eyJpZCI6ICIxIiwgImdyb3VwSWQiOiAiZyJ9", "/+7d");
        let parsed = read(&source(&text));
        assert_eq!(parsed.payloads.len(), 4);
        assert!(parsed.payloads[3].body.is_none());
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(
            parsed.problems[0].pointer,
            "/log/entries/1/response/content/text"
        );
        assert_eq!(
            parsed.problems[0].kind,
            ProblemKind::Har(HarProblem::DecodedNotUtf8 { offset: 0 })
        );
    }

    #[test]
    fn base64_variants_decode() {
        let want = r#"{"id": "1", "groupId": "g"}"#;
        for input in [
            "eyJpZCI6ICIxIiwgImdyb3VwSWQiOiAiZyJ9",
            "eyJpZCI6ICIx\nIiwgImdyb3VwSWQiOiAiZyJ9\n",
        ] {
            assert_eq!(decode_base64(input).unwrap(), want);
        }
        // Without padding; `-` and `_` of the URL-safe alphabet in place of `+` and `/`.
        assert_eq!(decode_base64("eyJhIjoiPz4ifQ==").unwrap(), "{\"a\":\"?>\"}");
        assert_eq!(decode_base64("eyJhIjoiPz4ifQ").unwrap(), "{\"a\":\"?>\"}");
        assert_eq!(decode_base64("Pz8-").unwrap(), "??>");
        assert_eq!(decode_base64("Pz8+").unwrap(), "??>");
        assert_eq!(decode_base64("Pz8_").unwrap(), "???");
        assert!(decode_base64("a").is_err());
        assert!(decode_base64("@@@@").is_err());
    }

    #[test]
    fn missing_log_entries_is_one_finding() {
        for (text, pointer) in [
            (r#"{"log": {"version": "1.2"}}"#, "/log/entries"),
            (r#"{"log": {"entries": {}}}"#, "/log/entries"),
            (r#"{"log": []}"#, "/log"),
            (r#"{"entries": []}"#, "/log"),
            (r#"["log", "entries"]"#, ""),
        ] {
            let parsed = read(&source(text));
            assert!(parsed.payloads.is_empty(), "{text}");
            assert_eq!(parsed.problems.len(), 1, "{text}");
            assert!(is_har(&parsed.problems[0]), "{text}");
            assert!(read_capture(&source(text)).is_err(), "{text}: no capture");
            assert_eq!(parsed.problems[0].pointer, pointer, "{text}");
        }
        let parsed = read(&source(r#"{"log": {"entries": []}}"#));
        assert!(parsed.payloads.is_empty());
        assert!(parsed.problems.is_empty());
    }

    #[test]
    fn not_json_is_invalid_json() {
        for text in ["", "{\"log\": {\"entries\": [}}", "log entries"] {
            let parsed = read(&source(text));
            assert!(parsed.payloads.is_empty());
            assert_eq!(parsed.problems.len(), 1);
            assert!(matches!(parsed.problems[0].kind, ProblemKind::Json(_)));
        }
    }

    #[test]
    fn mistyped_fields_are_found_where_they_are_and_the_rest_is_read() {
        let text = r#"{"log": {"entries": [
  {"request": {"url": "/a", "headers": {"Accept": "*/*"}, "postData": {"text": 12}},
   "response": {"status": "200", "headers": [{"name": "A"}, {"name": "B", "value": "b"}],
                "content": {"text": "{}", "encoding": "gzip"}}},
  "not an entry",
  {"request": {"method": "POST", "url": "/b", "headers": [], "postData": {"text": "  "}},
   "response": {"status": 0, "headers": [], "content": {"size": 0, "text": ""}}},
  {"request": {"method": "DELETE", "url": "/c", "headers": []}},
  {"request": [], "response": {"status": 999, "content": []}}
]}}"#;
        let parsed = read(&source(text));
        let p = &parsed.payloads;
        assert_eq!(
            p.len(),
            10,
            "two payloads per entry, whatever is wrong with it"
        );
        assert!(p.iter().enumerate().all(|(i, p)| p.index == i));
        let found: Vec<(usize, &str)> = parsed
            .problems
            .iter()
            .map(|d| (d.payload.unwrap(), d.pointer.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (0, "/log/entries/0/request/method"),
                (0, "/log/entries/0/request/headers"),
                (0, "/log/entries/0/request/postData/text"),
                (1, "/log/entries/0/response/status"),
                (1, "/log/entries/0/response/headers/0"),
                (1, "/log/entries/0/response/content/encoding"),
                (2, "/log/entries/1"),
                (7, "/log/entries/3/response"),
                (8, "/log/entries/4/request"),
                (9, "/log/entries/4/response/status"),
                (9, "/log/entries/4/response/content"),
            ]
        );
        assert!(parsed.problems.iter().all(is_har));
        // A missing method points at the `request` key; a mistyped value at the value.
        assert_eq!(slice(text, parsed.problems[0].span), "\"request\"");
        assert_eq!(slice(text, parsed.problems[2].span), "12");
        assert_eq!(slice(text, parsed.problems[3].span), "\"200\"");

        assert_eq!(p[0].method, None);
        assert_eq!(p[0].url.as_deref(), Some("/a"));
        assert_eq!(p[0].headers, None);
        assert!(p[0].body.is_none());
        assert_eq!(p[1].url.as_deref(), Some("/a"));
        assert_eq!(p[1].status, None);
        assert_eq!(
            p[1].headers.as_ref().unwrap().len(),
            1,
            "the bad header is skipped"
        );
        assert!(p[1].body.is_none());
        assert_eq!(p[2].direction, Some(Direction::Request));
        assert_eq!(p[3].direction, Some(Direction::Response));
        assert_eq!(p[4].method.as_deref(), Some("POST"));
        assert!(p[4].body.is_none(), "blank text is no body");
        assert_eq!(p[5].status, None, "status 0 is no response");
        assert!(p[5].body.is_none());
        assert_eq!(p[7].method.as_deref(), Some("DELETE"));
        assert_eq!(p[9].status, None);
    }

    #[test]
    fn looks_like_har_is_a_substring_scan() {
        assert!(looks_like_har(TWO_ENTRIES));
        assert!(looks_like_har(r#"{"log":{"entries":[]}}"#));
        assert!(looks_like_har(r#"{"entries": 1, "x": "log"}"#));
        assert!(!looks_like_har(r#"{"groupId": "g"}"#));
        assert!(!looks_like_har(r#"{"log": {"pages": []}}"#));
        assert!(!looks_like_har(r#"{"entries": []}"#));
        assert!(!looks_like_har("log entries"));
    }

    #[test]
    fn corpus_samples() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/har");
        let read_sample = |name: &str| {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            (read(&source(&text)), text)
        };
        let (parsed, text) = read_sample("update-assignment.har");
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.payloads.len(), 2);
        let (req, resp) = (&parsed.payloads[0], &parsed.payloads[1]);
        assert_eq!(req.method.as_deref(), Some("PATCH"));
        assert_eq!(
            req.url.as_deref(),
            Some("https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1")
        );
        assert_eq!(
            req.header("Content-Type").unwrap().value,
            "application/json"
        );
        let (body, anchor) = embedded(req);
        assert!(body.contains("\"groupId\": \"b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab\""));
        assert!(slice(&text, anchor).starts_with("\"{\\\"@odata.type\\\""));
        // Content-Length is the body's length.
        assert_eq!(
            req.header("Content-Length").unwrap().value,
            body.len().to_string()
        );
        assert_eq!(resp.status, Some(200));
        let (body, _) = embedded(resp);
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(value["id"], "1648c92d-c92d-1648-2dc9-48162dc94816");

        let (parsed, _) = read_sample("invalid-groupID-in-request.har");
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.payloads.len(), 2);
        assert!(embedded(&parsed.payloads[0]).0.contains("\"groupID\""));
        assert!(embedded(&parsed.payloads[1]).0.contains("\"groupId\""));
    }
}
