//! HTTP transcripts (`.http`, and the ```http blocks of API docs): request and status lines,
//! headers and bodies, several messages per file.
//!
//! Written by hand because transcripts in docs are not wire HTTP, and wire parsers such as
//! httparse refuse what they contain: request lines without an HTTP version, `{placeholders}` in
//! paths, LF line ends, blank lines between a status line and its headers, a body with no blank
//! line before it, `###` separators (the REST Client convention). This reader keeps byte spans
//! so that every finding points at its line in the file.
//!
//! Files written for VS Code REST Client and JetBrains' HTTP client add file variables
//! (`@name = value`, substituted by [`variables`]), JetBrains' `< ./body.json` body files (read
//! by the engine, which does the file system's work), and pre-request and response handler
//! scripts and output redirects (`< {% %}`, `> {% %}`, `> handler.js`, `>> out.json`), which
//! are skipped.

pub mod variables;

use super::payload::{Body, Header, Parsed, Payload};
use super::problem::{HttpProblem, Problem, ProblemKind};
use crate::direction::Direction;
use crate::source::{SourceFile, Span};

const METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// The first line of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum StartLine {
    Request { method: String, target: String },
    Response { status: u16 },
}

/// One message as written in the transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The start line.
    pub start: Span,
    pub line: StartLine,
    pub headers: Vec<Header>,
    /// From the first to the last non-blank character of the body, if any.
    pub body: Option<Span>,
    /// A body read from another file (JetBrains' `< ./body.json`): the path as written, and
    /// its span on the `<` line.
    pub body_file: Option<(String, Span)>,
}

/// A file variable (`@baseUrl = https://graph.microsoft.com/v1.0`): its name and value as
/// written (the value may use other variables).
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    pub value: String,
}

/// What a transcript holds: its messages and its file variables.
#[derive(Debug, Default)]
pub struct Transcript {
    pub messages: Vec<Message>,
    pub variables: Vec<Variable>,
}

/// Reads a whole `.http` file: its variables are substituted in targets, headers and bodies
/// (see [`variables`]).
pub fn read(source: &SourceFile) -> Parsed {
    let mut parsed = Parsed::default();
    let text = &source.text;
    let transcript = parse_transcript(text, Span::new(0, text.len()), &mut parsed.problems);
    let vars = variables::Resolved::new(&transcript.variables);
    let mut linker = Linker::default();
    for mut m in transcript.messages {
        if let StartLine::Request { target, .. } = &mut m.line {
            *target = vars.expand(target);
        }
        for h in &mut m.headers {
            h.value = vars.expand(&h.value);
        }
        let body_file = m.body_file.take();
        let body = m.body.and_then(|b| vars.body(text, b));
        let index = parsed.payloads.len();
        let mut p = linker.payload(index, m);
        if let Some(body) = body {
            p.body = Some(body);
        }
        if let Some((path, at)) = body_file {
            p.body = Some(Body::File {
                path: vars.expand(&path),
                at,
            });
        }
        parsed.payloads.push(p);
    }
    parsed
}

/// Turns messages into payloads, giving each response the method and URL of the nearest request
/// before it.
#[derive(Debug, Default)]
pub struct Linker {
    last_request: Option<Seen>,
}

/// A request a later response answers.
#[derive(Debug)]
struct Seen {
    method: String,
    target: String,
    /// Its payload's index; `None` for a request seen but not checked.
    payload: Option<usize>,
}

impl Linker {
    /// Method and URL of the last request seen: what a response answers.
    pub fn answered(&self) -> (Option<String>, Option<String>) {
        match &self.last_request {
            Some(s) => (Some(s.method.clone()), Some(s.target.clone())),
            None => (None, None),
        }
    }

    /// The payload holding the last request seen, when it is one (not an ignored example's).
    pub fn request(&self) -> Option<usize> {
        self.last_request.as_ref().and_then(|s| s.payload)
    }

    /// A request seen but not checked (a doc's ignored example): later responses answer it.
    pub fn observe(&mut self, m: &Message) {
        if let StartLine::Request { method, target } = &m.line {
            self.last_request = Some(Seen {
                method: method.clone(),
                target: target.clone(),
                payload: None,
            });
        }
    }

    /// The payload of message `m`, the `index`-th of its file.
    pub fn payload(&mut self, index: usize, m: Message) -> Payload {
        let (direction, status) = match &m.line {
            StartLine::Request { method, target } => {
                self.last_request = Some(Seen {
                    method: method.clone(),
                    target: target.clone(),
                    payload: Some(index),
                });
                (Direction::Request, None)
            }
            StartLine::Response { status } => (Direction::Response, Some(*status)),
        };
        let (method, url) = self.answered();
        let request = match (&m.line, &self.last_request) {
            (StartLine::Response { .. }, Some(seen)) => seen.payload,
            _ => None,
        };
        Payload {
            index,
            start: m.start,
            body: m.body.map(Body::InFile),
            direction: Some(direction),
            method,
            url,
            status,
            request,
            headers: Some(m.headers),
            truncated: false,
            ..Payload::default()
        }
    }
}

/// A line of the transcript: its span without the line ending.
#[derive(Debug, Clone, Copy)]
struct Line {
    span: Span,
}

fn lines(text: &str, range: Span) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let end = text[at..range.end].find('\n').map_or(range.end, |i| at + i);
        let content_end = if end > at && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push(Line {
            span: Span::new(at, content_end),
        });
        at = end + 1;
    }
    out
}

/// A request line (`METHOD target [HTTP/1.1]`) or a status line. Docs write status lines as
/// `HTTP/1.1 200 OK`, `HTTP 201 Created` and `HTTP code: 200 OK`, and leave spaces in targets
/// unencoded (`$filter= (status eq 'x')`, `{id | userPrincipalName}`).
pub fn start_line(line: &str) -> Option<StartLine> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("HTTP") {
        let code = if let Some(after) = rest.strip_prefix('/') {
            let mut parts = after.split_whitespace();
            let version = parts.next()?;
            if !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return None;
            }
            parts.next()?
        } else if let Some(after) = rest.strip_prefix(" code:") {
            after.split_whitespace().next()?
        } else if rest.starts_with(' ') {
            rest.split_whitespace().next()?
        } else {
            return None;
        };
        if code.len() != 3 {
            return None;
        }
        let status: u16 = code.parse().ok()?;
        return (100..600)
            .contains(&status)
            .then_some(StartLine::Response { status });
    }
    let (method, rest) = line.split_once(char::is_whitespace)?;
    if !METHODS.contains(&method) {
        return None;
    }
    let rest = rest.trim();
    let target = match rest.rsplit_once(char::is_whitespace) {
        Some((t, version)) if version.starts_with("HTTP/") => t.trim_end(),
        _ => rest,
    };
    let addressed = target.starts_with('/')
        || target.contains("://")
        || target == "*"
        || target.starts_with("{{")
        || relative_path(target);
    if target.is_empty() || !addressed {
        return None;
    }
    Some(StartLine::Request {
        method: method.to_string(),
        target: target.to_string(),
    })
}

/// A path written without its leading `/`, as docs' syntax blocks sometimes do
/// (`GET groups/{id}/settings`): one word, starting with a letter, with at least two segments
/// (a bare word after a method, `GET me`, reads as prose as often as a request).
fn relative_path(target: &str) -> bool {
    target.starts_with(|c: char| c.is_ascii_alphabetic())
        && !target.contains(char::is_whitespace)
        && target
            .split(['?', '('])
            .next()
            .is_some_and(|p| p.contains('/'))
}

fn header(line: &str) -> Option<(&str, &str)> {
    // Leading white space is the indentation of an example inside a Markdown list.
    let (name, value) = line.trim_start().split_once(':')?;
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    (!name.is_empty() && name.chars().all(token)).then(|| (name, value.trim()))
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// A file variable's definition: `@name = value` (REST Client, JetBrains).
pub fn variable(line: &str) -> Option<Variable> {
    let rest = line.trim().strip_prefix('@')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim();
    let ident = |c: char| c.is_alphanumeric() || "_-.$".contains(c);
    (!name.is_empty() && name.chars().all(ident)).then(|| Variable {
        name: name.to_string(),
        value: value.trim().to_string(),
    })
}

/// What a line after a request's headers or body is, when it is not body: JetBrains' `< file`
/// body, or a response handler or output redirect (`> {% ... %}`, `> ./handler.js`,
/// `>> out.json`, `>>! out.json`, `<> previous.json`), which paylint skips.
enum Directive<'t> {
    BodyFile(&'t str),
    /// A handler script that goes on until `%}`.
    Script,
    Skipped,
}

fn directive(line: &str) -> Option<Directive<'_>> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix("<>") {
        return (rest.is_empty() || rest.starts_with(char::is_whitespace))
            .then_some(Directive::Skipped);
    }
    let script = |rest: &str| match rest.find("{%") {
        Some(open) if !rest[open..].contains("%}") => Directive::Script,
        _ => Directive::Skipped,
    };
    if let Some(rest) = t.strip_prefix('<') {
        let path = rest.trim();
        if !rest.starts_with(char::is_whitespace) || path.is_empty() {
            return None;
        }
        // `< {% ... %}` is a pre-request script; `< ./file` a body file.
        return Some(if path.starts_with("{%") {
            script(path)
        } else {
            Directive::BodyFile(path)
        });
    }
    let rest = t.strip_prefix('>')?;
    let rest = rest.trim_start_matches(['>', '!']).trim();
    (!rest.is_empty()).then(|| script(rest))
}

#[derive(PartialEq)]
enum State {
    Seeking,
    Skipping,
    Headers {
        seen: bool,
    },
    Body,
    /// Inside a response handler script, until `%}`.
    Script,
}

/// Parses the messages in `range` of `text`. What cannot be read as HTTP becomes one
/// problem per block in `problems`.
pub fn parse(text: &str, range: Span, problems: &mut Vec<Problem>) -> Vec<Message> {
    parse_transcript(text, range, problems).messages
}

/// Parses the messages and the file variables in `range` of `text`.
pub fn parse_transcript(text: &str, range: Span, problems: &mut Vec<Problem>) -> Transcript {
    let mut variables = Vec::new();
    let mut r = Reader {
        text,
        lines: lines(text, range),
        out: Vec::new(),
        current: None,
        body: None,
        scan: BodyScan::default(),
        next_filled: None,
        state: State::Seeking,
    };
    for i in 0..r.lines.len() {
        let line = r.lines[i].span;
        let s = &text[line.start..line.end];
        if s.starts_with("###") {
            r.finish();
            r.state = State::Seeking;
            continue;
        }
        if r.state == State::Script {
            if s.contains("%}") {
                r.state = State::Skipping;
            }
            continue;
        }
        let blank = s.trim().is_empty();
        if !blank && r.starts_message(line, s) {
            continue;
        }
        let outside = matches!(r.state, State::Seeking | State::Skipping)
            || (r.state == State::Body && body_may_end(text, r.body, &mut r.scan));
        if let (true, Some(v)) = (outside, variable(s)) {
            r.finish();
            variables.push(v);
            r.state = State::Seeking;
            continue;
        }
        let after_start = matches!(r.state, State::Headers { .. } | State::Body);
        if let (true, Some(d)) = (after_start || outside, directive(s)) {
            if r.takes_directive(d, line, s, after_start) {
                continue;
            }
        }
        match r.state {
            State::Seeking if blank || is_comment(s) => {}
            State::Seeking => {
                let what = if header(s).is_some() {
                    HttpProblem::HeadersWithoutStartLine
                } else {
                    HttpProblem::NotAStartLine
                };
                problems.push(Problem::at(line, ProblemKind::Http(what)));
                r.state = State::Skipping;
            }
            State::Skipping => {}
            State::Headers { seen } => r.in_headers(i, line, s, seen),
            State::Body if blank => {}
            State::Body => extend(&mut r.body, text, line),
            State::Script => {}
        }
    }
    r.finish();
    Transcript {
        messages: r.out,
        variables,
    }
}

/// The transcript as it is read, line by line.
struct Reader<'t> {
    text: &'t str,
    lines: Vec<Line>,
    out: Vec<Message>,
    /// The message being read, and its body so far.
    current: Option<Message>,
    body: Option<Span>,
    scan: BodyScan,
    /// The first non-blank line after a run of blank lines, once looked up (so a long run is
    /// looked through once, not once per line).
    next_filled: Option<usize>,
    state: State,
}

impl Reader<'_> {
    /// Ends the message being read, if any.
    fn finish(&mut self) {
        if let Some(mut m) = self.current.take() {
            m.body = self.body.take();
            self.out.push(m);
        }
        self.body = None;
    }

    /// The directive `d` on `line` (`s`), where one may be (`after_start`: after a start
    /// line): `< FILE` names the body's file, a script or a skipped request ends the message.
    /// False when the line is not taken as a directive (a body goes on, or is already there).
    fn takes_directive(
        &mut self,
        d: Directive<'_>,
        line: Span,
        s: &str,
        after_start: bool,
    ) -> bool {
        match d {
            Directive::BodyFile(path) if after_start && self.body.is_none() => {
                let lead = s.len() - s.trim_start().len();
                let at = line.start + lead + s.trim_start().find(path).unwrap_or(0);
                if let Some(m) = self.current.as_mut() {
                    m.body_file = Some((path.to_string(), Span::new(at, at + path.len())));
                }
                self.state = State::Body;
                true
            }
            Directive::Script if body_may_end(self.text, self.body, &mut self.scan) => {
                self.finish();
                self.state = State::Script;
                true
            }
            Directive::Skipped if body_may_end(self.text, self.body, &mut self.scan) => {
                self.finish();
                self.state = State::Skipping;
                true
            }
            _ => false,
        }
    }

    /// Starts a message at a start line, unless the line is inside an unfinished body.
    fn starts_message(&mut self, line: Span, s: &str) -> bool {
        let Some(start) = start_line(s) else {
            return false;
        };
        if self.state == State::Body && !body_may_end(self.text, self.body, &mut self.scan) {
            return false;
        }
        self.finish();
        self.current = Some(Message {
            start: line,
            line: start,
            headers: Vec::new(),
            body: None,
            body_file: None,
        });
        self.state = State::Headers { seen: false };
        true
    }

    /// Line `i` after a start line or headers (`seen`: at least one header so far).
    fn in_headers(&mut self, i: usize, line: Span, s: &str, seen: bool) {
        if s.trim().is_empty() {
            // Blank lines between a status line and its headers are tolerated, as docs write
            // them; otherwise the body starts after the blank line.
            let next = self.next_filled_after(i);
            let header_follows = next
                .is_some_and(|n| header(n).is_some() && !n.trim_start().starts_with(['{', '[']));
            if seen || !header_follows {
                self.state = State::Body;
            }
        } else if s.trim_start().starts_with(['{', '[']) {
            self.state = State::Body;
            extend(&mut self.body, self.text, line);
        } else if let Some((name, value)) = header(s) {
            if let Some(m) = self.current.as_mut() {
                m.headers.push(Header {
                    name: name.to_string(),
                    value: value.to_string(),
                    span: line,
                });
            }
            self.state = State::Headers { seen: true };
        } else {
            self.state = State::Body;
            extend(&mut self.body, self.text, line);
        }
    }

    /// The text of the first non-blank line after line `i`.
    fn next_filled_after(&mut self, i: usize) -> Option<&str> {
        let filled = match self.next_filled {
            Some(j) if j > i => j,
            _ => {
                let text = self.text;
                let j = (i + 1..self.lines.len())
                    .find(|&j| {
                        !text[self.lines[j].span.start..self.lines[j].span.end]
                            .trim()
                            .is_empty()
                    })
                    .unwrap_or(self.lines.len());
                self.next_filled = Some(j);
                j
            }
        };
        let line = self.lines.get(filled)?.span;
        Some(&self.text[line.start..line.end])
    }
}

/// How far `body_may_end` has read the body starting at `start`: each byte of a body is read
/// once, however many start lines it holds (reading it whole each time was quadratic).
#[derive(Default)]
struct BodyScan {
    start: usize,
    upto: usize,
    depth: i64,
    in_string: bool,
    escaped: bool,
}

/// A start line inside a body begins a new message unless the body so far is an unfinished JSON
/// value (a line such as `GET /x` inside a string or array stays part of the body).
fn body_may_end(text: &str, body: Option<Span>, scan: &mut BodyScan) -> bool {
    let Some(b) = body else { return true };
    if scan.start != b.start || !(b.start..=b.end).contains(&scan.upto) {
        *scan = BodyScan {
            start: b.start,
            upto: b.start,
            ..BodyScan::default()
        };
    }
    for c in text[scan.upto..b.end].bytes() {
        if scan.in_string {
            match (scan.escaped, c) {
                (true, _) => scan.escaped = false,
                (false, b'\\') => scan.escaped = true,
                (false, b'"') => scan.in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => scan.in_string = true,
            b'{' | b'[' => scan.depth += 1,
            b'}' | b']' => scan.depth -= 1,
            _ => {}
        }
    }
    scan.upto = b.end;
    scan.depth <= 0 && !scan.in_string
}

fn extend(body: &mut Option<Span>, text: &str, line: Span) {
    let s = &text[line.start..line.end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    match body {
        Some(b) => b.end = line.end - trail,
        None => *body = Some(Span::new(line.start + lead, line.end - trail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> (Vec<Message>, Vec<Problem>) {
        let mut problems = Vec::new();
        let m = parse(text, Span::new(0, text.len()), &mut problems);
        (m, problems)
    }

    fn body<'t>(text: &'t str, m: &Message) -> &'t str {
        let b = m.body.unwrap();
        &text[b.start..b.end]
    }

    #[test]
    fn request_and_response_as_in_the_doc() {
        let text = "PATCH https://graph.microsoft.com/beta/provisioningPolicies/{a}/assignments/{b}\nContent-Type: application/json\nContent-length: 95\n\n{\n  \"groupId\": \"String\"\n}\n\nHTTP/1.1 200 OK\n\nContent-Type: application/json\n{\n  \"id\": \"1\"\n}\n";
        let (m, p) = parse_all(text);
        assert!(p.is_empty());
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[0].line,
            StartLine::Request {
                method: "PATCH".into(),
                target: "https://graph.microsoft.com/beta/provisioningPolicies/{a}/assignments/{b}"
                    .into()
            }
        );
        assert_eq!(m[0].headers.len(), 2);
        assert_eq!(m[0].headers[1].value, "95");
        assert_eq!(body(text, &m[0]), "{\n  \"groupId\": \"String\"\n}");
        assert_eq!(m[1].line, StartLine::Response { status: 200 });
        assert_eq!(m[1].headers[0].name, "Content-Type");
        assert_eq!(body(text, &m[1]), "{\n  \"id\": \"1\"\n}");
    }

    #[test]
    fn separators_crlf_and_bodiless_messages() {
        let text = "### first\r\nGET /a HTTP/1.1\r\nAccept: application/json\r\n\r\n###\r\n# a comment\r\nDELETE /b\r\n\r\nHTTP/1.1 204 No Content\r\n";
        let (m, p) = parse_all(text);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(m.len(), 3);
        assert!(m.iter().all(|m| m.body.is_none()));
        assert_eq!(m[2].line, StartLine::Response { status: 204 });
        assert_eq!(&text[m[0].start.start..m[0].start.end], "GET /a HTTP/1.1");
    }

    #[test]
    fn headers_without_a_request_line_are_one_finding_and_the_rest_is_read() {
        let text =
            "Content-Type: application/json\nAccept: */*\n\n{}\n###\nPATCH /x\n\n{\"a\": 1}\n";
        let (m, p) = parse_all(text);
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].kind,
            ProblemKind::Http(HttpProblem::HeadersWithoutStartLine)
        );
        assert_eq!(p[0].span.start, 0);
        assert_eq!(m.len(), 1);
        assert_eq!(body(text, &m[0]), "{\"a\": 1}");
    }

    #[test]
    fn a_request_line_inside_a_json_string_stays_in_the_body() {
        let text = "POST /x\n\n{\"a\": [\nGET /y\n]}\n";
        let (m, _) = parse_all(text);
        assert_eq!(m.len(), 1);
        assert_eq!(body(text, &m[0]), "{\"a\": [\nGET /y\n]}");
    }

    #[test]
    fn start_lines_as_docs_write_them() {
        let req = |l: &str| match start_line(l) {
            Some(StartLine::Request { method, target }) => Some((method, target)),
            _ => None,
        };
        assert_eq!(
            req("GET /me/events?$filter= (status eq 'x') HTTP/1.1"),
            Some(("GET".into(), "/me/events?$filter= (status eq 'x')".into()))
        );
        assert_eq!(
            req("GET /users/{id | userPrincipalName}/manager"),
            Some((
                "GET".into(),
                "/users/{id | userPrincipalName}/manager".into()
            ))
        );
        assert_eq!(req("Get /me"), None);
        assert_eq!(req("GET me"), None);
        assert_eq!(
            req("GET groups/{id}/settings"),
            Some(("GET".into(), "groups/{id}/settings".into()))
        );
        assert_eq!(req("POST to branding/localizations to create one"), None);
        assert_eq!(req("GET me(x='a/b')"), None);
        for (line, status) in [
            ("HTTP code: 200 OK", 200),
            ("HTTP 201 Created", 201),
            ("HTTP/1.1 422", 422),
        ] {
            assert_eq!(
                start_line(line),
                Some(StartLine::Response { status }),
                "{line}"
            );
        }
        assert_eq!(start_line("HTTPS is used"), None);
        assert_eq!(start_line("HTTP code: none"), None);
    }

    #[test]
    fn start_lines() {
        assert!(start_line("GET /x").is_some());
        assert!(start_line("PATCH https://h/v1.0/x?$select=a HTTP/1.1").is_some());
        assert_eq!(
            start_line("HTTP/2 404"),
            Some(StartLine::Response { status: 404 })
        );
        assert!(start_line("get /x").is_none());
        assert!(start_line("GET x").is_none());
        assert!(start_line("HTTP/1.1 99 Bad").is_none());
        assert!(start_line("Content-Type: x").is_none());
    }

    #[test]
    fn editor_files_variables_names_handlers_and_body_files() {
        let text = concat!(
            "@base = https://h/v1.0\n",
            "@policy = p1\n",
            "\n",
            "### Update the group\n",
            "# @name update\n",
            "< {%\n",
            "    request.variables.set(\"a\", \"1\");\n",
            "%}\n",
            "PATCH {{base}}/x/{{policy}}\n",
            "Content-Type: application/json\n",
            "\n",
            "< ./body.json\n",
            "\n",
            "> {%\n",
            "    client.test(\"ok\", function () {});\n",
            "%}\n",
            "\n",
            "### Another\n",
            "// @name other\n",
            "PATCH {{base}}/y\n",
            "\n",
            "{\"a\": {{n}}}\n",
            "\n",
            "> ./handler.js\n",
            ">> out.json\n",
            ">>! out.json\n",
            "<> previous.json\n",
        );
        let mut problems = Vec::new();
        let t = parse_transcript(text, Span::new(0, text.len()), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            t.variables,
            [
                Variable {
                    name: "base".into(),
                    value: "https://h/v1.0".into()
                },
                Variable {
                    name: "policy".into(),
                    value: "p1".into()
                }
            ]
        );
        assert_eq!(t.messages.len(), 2);
        let (path, at) = t.messages[0].body_file.clone().unwrap();
        assert_eq!(path, "./body.json");
        assert_eq!(&text[at.start..at.end], "./body.json");
        assert!(t.messages[0].body.is_none());
        assert_eq!(body(text, &t.messages[1]), "{\"a\": {{n}}}");

        let p = read(&SourceFile {
            path: "t.http".into(),
            text: text.into(),
            bom: false,
        });
        assert_eq!(p.payloads[0].url.as_deref(), Some("https://h/v1.0/x/p1"));
        assert!(
            matches!(&p.payloads[0].body, Some(Body::File { path, .. }) if path == "./body.json")
        );
        let Some(Body::Mapped(m)) = &p.payloads[1].body else {
            panic!("{:?}", p.payloads[1].body)
        };
        assert_eq!(m.text, "{\"a\": \"{{n}}\"}");
    }

    #[test]
    fn an_html_body_is_not_a_body_file() {
        let text = "GET /x\n\nHTTP/1.1 500 Internal Server Error\nContent-Type: text/html\n\n<html>\n< b\n";
        let (m, p) = parse_all(text);
        assert!(p.is_empty());
        assert_eq!(body(text, &m[1]), "<html>\n< b");
        assert!(m[1].body_file.is_none());
    }
}
