//! Markdown API docs (`.md`): the examples of Microsoft Graph's doc convention, an annotation
//! comment (`<!-- { "blockType": "request", "name": "..." } -->`, see [`annotation`]) before a
//! fenced block, and the example messages written without one.
//!
//! - ```` ```http ````, ```` ```msgraph-interactive ```` and untagged fences holding HTTP messages
//!   are read as HTTP; ```` ```json ```` and untagged fences holding JSON as bare bodies.
//! - `request` and `response` blocks are payloads; a response answers the nearest request before
//!   it, `ignored` ones included (the example request is sometimes marked so), and its
//!   annotation's `@odata.type` (with `isCollection`) says what it is when its request does not.
//! - A `resource` block is a type's declaration, not a payload (its values are placeholders).
//! - An `example` block is a bare body of its annotation's type; in an `http` one, each
//!   message's body is (its URL is not routed).
//! - A fence without an annotation is read when it holds a message with a body (Intune's pages
//!   annotate only their syntax blocks); its requests still pair with later responses.
//! - A `json` fence right after a message without a body is that message's body.
//! - In a doc that annotates its examples, a whole JSON body with none of that is reported as
//!   unchecked (a `json` fence, or an `http` one without a start line).
//!
//! pulldown-cmark finds the blocks (with source offsets), so fences inside lists, indented code
//! and HTML are told apart as CommonMark does; positions stay lines of the `.md` file.

pub mod annotation;

use super::http::{self, Linker, StartLine};
use super::mapped::Mapped;
use super::payload::{Body, NamedType, Parsed, Payload, PayloadKind};
use super::problem::{MarkdownProblem, Problem, ProblemKind};
use crate::direction::Direction;
use crate::source::{SourceFile, Span};
use annotation::{Annotation, BlockType, Trouble};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// What a fence holds, by its info string, else by its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Http,
    Json,
    Other,
}

fn content_of(info: &str, inside: &str) -> Content {
    let lang = info
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match lang.as_str() {
        "http" | "https" | "msgraph-interactive" => Content::Http,
        "json" | "jsonc" => Content::Json,
        "" => {
            let first = inside
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("");
            if http::start_line(first).is_some() {
                Content::Http
            } else if first.starts_with(['{', '[']) {
                Content::Json
            } else {
                Content::Other
            }
        }
        _ => Content::Other,
    }
}

/// An annotation read, with where its comment is.
struct Pending {
    span: Span,
    note: Annotation,
}

pub fn read(source: &SourceFile) -> Parsed {
    let original = source.text.as_str();
    // Inside block quotes, the examples are read from a copy without the `>` markers (same
    // offsets), and their bodies are held as that copy's text.
    let dequoted = dequote(original);
    let text = dequoted.as_deref().unwrap_or(original);
    let mut parsed = Parsed::default();
    let mut pending: Option<Pending> = None;
    let mut html: Option<Span> = None;
    let mut linker = Linker::default();
    // The message a fence ended on without a body, and where that fence ends: a JSON fence
    // right after it is its body (some pages write the headers and the body apart).
    let mut open: Option<(usize, Bodyless)> = None;
    // Bodies in fences with no annotation and no message before them, and whether the doc
    // annotates any example (then such a body is a slip, and reported).
    let mut loose: Vec<(Span, MarkdownProblem)> = Vec::new();
    let mut annotates = false;
    for (event, range) in Parser::new(original).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => html = Some(Span::new(range.start, range.end)),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html.take() {
                    pending = comment(
                        text,
                        Span::new(block.start, range.end.max(block.end)),
                        &mut parsed,
                    );
                    annotates |= pending.is_some();
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let note = pending
                    .take()
                    .filter(|p| text[p.span.end..range.start].trim().is_empty())
                    .map(|p| p.note);
                let before = open
                    .take()
                    .filter(|(end, _)| text[*end..range.start].trim().is_empty())
                    .map(|(_, b)| b);
                let fence = Span::new(range.start, range.end);
                let block = Block::new(text, fence);
                let content = content_of(&info, &text[block.content.start..block.content.end]);
                let left = match note {
                    Some(note) => annotated(text, &block, content, &note, &mut linker, &mut parsed),
                    None if content == Content::Http => {
                        unannotated(text, &block, &mut linker, &mut parsed, &mut loose)
                    }
                    None if content == Content::Json => {
                        match (before, block.json(text)) {
                            (Some(message), Some(body)) => {
                                message.take(body, &mut linker, &mut parsed);
                            }
                            // A fragment (`"name": value`) illustrates; a whole body is an
                            // example.
                            (None, Some(body)) if whole(text, body) => {
                                loose.push((block.opening, MarkdownProblem::UnannotatedJson));
                            }
                            _ => {}
                        }
                        None
                    }
                    None => None,
                };
                open = left.map(|b| (range.end, b));
            }
            _ => {}
        }
    }
    if annotates {
        for (at, problem) in loose {
            parsed.problems.push(markdown_problem(at, problem));
        }
    }
    if dequoted.is_some() {
        hold_dequoted(original, text, &mut parsed);
    }
    parsed
}

/// The text with the markers of its block quotes (`>`, and the space after it, at each level
/// of nesting) blanked, so that what is inside reads as it would outside, at the same offsets
/// (and columns); `None` when the doc has no block quote.
fn dequote(text: &str) -> Option<String> {
    let quotes: Vec<(usize, usize)> = Parser::new(text)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::BlockQuote(_)) => Some((range.start, range.end)),
            _ => None,
        })
        .collect();
    if quotes.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut at = 0;
    while at < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i);
        // The quotes this line is in: one marker each, outermost first.
        let levels = quotes
            .iter()
            .filter(|(s, e)| *s < end.max(at + 1) && *e > at)
            .count();
        let mut i = at;
        for _ in 0..levels {
            let mut j = i;
            while j < end && j - i < 3 && bytes[j] == b' ' {
                j += 1;
            }
            if j >= end || bytes[j] != b'>' {
                break; // a lazy continuation line
            }
            bytes[j] = b' ';
            j += 1;
            if j < end && bytes[j] == b' ' {
                j += 1;
            }
            i = j;
        }
        at = end + 1;
    }
    // Only ASCII `>` became ASCII spaces: still UTF-8.
    String::from_utf8(bytes).ok()
}

/// Bodies read inside block quotes: the file's bytes there hold the markers, so such a body is
/// held as the dequoted copy's text, at the same offsets.
fn hold_dequoted(original: &str, dequoted: &str, parsed: &mut Parsed) {
    for p in &mut parsed.payloads {
        if let Some(Body::InFile(span)) = p.body {
            let (was, now) = (
                &original[span.start..span.end],
                &dequoted[span.start..span.end],
            );
            if was != now {
                p.body = Some(Body::Mapped(Mapped::copy(now.to_string(), span.start)));
            }
        }
    }
}

/// An HTML block: an annotation if it is a comment holding a JSON object with `blockType`.
fn comment(text: &str, block: Span, parsed: &mut Parsed) -> Option<Pending> {
    let raw = &text[block.start..block.end];
    let trimmed = raw.trim();
    let opened = trimmed.strip_prefix("<!--")?;
    let Some(inner) = opened.strip_suffix("-->") else {
        if opened.trim_start().starts_with('{') && !opened.contains("-->") {
            parsed.problems.push(markdown_problem(
                Span::new(block.start, block.start + 4),
                MarkdownProblem::UnclosedAnnotation,
            ));
        }
        return None;
    };
    let inner_start = block.start + (raw.len() - raw.trim_start().len()) + 4;
    let lead = inner.len() - inner.trim_start().len();
    if !inner.trim_start().starts_with('{') {
        return None; // another kind of comment (markdownlint, a note)
    }
    let start = inner_start + lead;
    let end = inner_start + inner.trim_end().len();
    let mut troubles = Vec::new();
    let note = annotation::read(text, start, end, &mut troubles);
    for t in troubles {
        let (at, problem) = match t {
            Trouble::Invalid { at, message } => {
                (at, MarkdownProblem::AnnotationNotJson { message })
            }
            Trouble::Field { at } => (at, MarkdownProblem::BlockTypeNotAString),
            Trouble::Lenient { at, what } => (at, MarkdownProblem::AnnotationLenient { what }),
        };
        parsed.problems.push(markdown_problem(
            Span::new(at, (at + 1).min(text.len())),
            problem,
        ));
    }
    Some(Pending {
        span: block,
        note: note?,
    })
}

fn markdown_problem(span: Span, problem: MarkdownProblem) -> Problem {
    Problem::at(span, ProblemKind::Markdown(problem))
}

/// A fenced block's parts: its first line and what is between its fences.
struct Block {
    /// The opening fence line, without its line break.
    opening: Span,
    content: Span,
    closed: bool,
}

impl Block {
    fn new(text: &str, fence: Span) -> Block {
        let raw = &text[fence.start..fence.end];
        // The opening line's end, without its line break; the content starts after that break
        // (a fence with no line break, at the end of the doc, is its opening line alone).
        let line_end = raw.find('\n').map_or(fence.end, |i| fence.start + i);
        let open_end = (line_end + 1).min(fence.end);
        let open_line = &text[fence.start..open_end];
        let marker: String = open_line
            .trim_start()
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        let body = text[fence.start..fence.end].trim_end_matches(['\n', '\r']);
        let last_line_start = fence.start + body.rfind('\n').map_or(0, |i| i + 1);
        let last_line = &text[last_line_start..fence.start + body.len()];
        let closed = last_line_start >= open_end
            && last_line.trim().starts_with(&marker)
            && last_line.trim().chars().all(|c| c == '`' || c == '~');
        Block {
            opening: Span::new(fence.start, line_end),
            content: Span::new(
                open_end.min(fence.end),
                if closed { last_line_start } else { fence.end },
            ),
            closed,
        }
    }

    /// The span of the block's JSON (trimmed), if it holds any.
    fn json(&self, text: &str) -> Option<Span> {
        let inside = &text[self.content.start..self.content.end];
        let lead = inside.len() - inside.trim_start().len();
        (!inside.trim().is_empty()).then(|| {
            Span::new(
                self.content.start + lead,
                self.content.start + inside.trim_end().len(),
            )
        })
    }
}

/// An annotated block.
fn annotated(
    text: &str,
    block: &Block,
    content: Content,
    note: &Annotation,
    linker: &mut Linker,
    parsed: &mut Parsed,
) -> Option<Bodyless> {
    let direction = match note.block_type {
        BlockType::Request => Direction::Request,
        BlockType::Response => Direction::Response,
        BlockType::Resource => {
            declaration(text, block, note, parsed);
            return None;
        }
        BlockType::Example if content == Content::Json => {
            example(text, block, note, parsed);
            return None;
        }
        BlockType::Example if content == Content::Http => {
            http_example(text, block, note, linker, parsed);
            return None;
        }
        BlockType::Example | BlockType::Ignored => {
            // Not checked, but a request in it is what later responses answer.
            if content == Content::Http {
                let mut ignored = Vec::new();
                for m in http::parse(text, block.content, &mut ignored) {
                    linker.observe(&m);
                }
            }
            return None;
        }
    };
    if !block.closed {
        parsed.problems.push(markdown_problem(
            block.opening,
            MarkdownProblem::UnclosedFence { direction },
        ));
    }
    match content {
        Content::Http => annotated_http(text, block, direction, note, linker, parsed),
        Content::Json | Content::Other => {
            // A bare JSON example says nothing of method, status or headers; a response
            // still answers the request before it.
            let ((method, url), request) = match direction {
                Direction::Request => ((None, None), None),
                Direction::Response => (linker.answered(), linker.request()),
            };
            parsed.payloads.push(Payload {
                index: parsed.payloads.len(),
                start: block.opening,
                body: block.json(text).map(Body::InFile),
                direction: Some(direction),
                method,
                url,
                request,
                truncated: note.truncated,
                named_type: (direction == Direction::Response)
                    .then(|| note.odata_type.clone())
                    .flatten(),
                ..Payload::default()
            });
            None
        }
    }
}

/// The messages of a `request` or `response` block; the last one, if it has no body.
fn annotated_http(
    text: &str,
    block: &Block,
    direction: Direction,
    note: &Annotation,
    linker: &mut Linker,
    parsed: &mut Parsed,
) -> Option<Bodyless> {
    for m in http::parse(text, block.content, &mut parsed.problems) {
        if direction == Direction::Response {
            if let StartLine::Request { .. } = m.line {
                parsed.problems.push(markdown_problem(
                    m.start,
                    MarkdownProblem::ResponseHoldsRequest,
                ));
                continue;
            }
        }
        let index = parsed.payloads.len();
        let mut p = linker.payload(index, m);
        p.truncated = note.truncated;
        if p.direction == Some(Direction::Response) {
            p.named_type = note.odata_type.clone();
        }
        parsed.payloads.push(p);
    }
    parsed
        .payloads
        .last()
        .filter(|p| p.start.start >= block.content.start && p.body.is_none())
        .filter(|p| {
            p.direction == Some(Direction::Response) || sends_body_method(p.method.as_deref())
        })
        .map(|p| Bodyless::Payload(p.index))
}

/// A resource block: the declaration of its annotation's type.
fn declaration(text: &str, block: &Block, note: &Annotation, parsed: &mut Parsed) {
    parsed.payloads.push(Payload {
        index: parsed.payloads.len(),
        start: block.opening,
        body: block.json(text).map(Body::InFile),
        named_type: note.odata_type.clone(),
        kind: PayloadKind::Declaration {
            optional: note.optional_properties.clone(),
        },
        ..Payload::default()
    });
}

/// An `example` block: a bare body of its annotation's type.
fn example(text: &str, block: &Block, note: &Annotation, parsed: &mut Parsed) {
    parsed.payloads.push(Payload {
        index: parsed.payloads.len(),
        start: block.opening,
        body: block.json(text).map(Body::InFile),
        named_type: one_of(note),
        truncated: note.truncated,
        ..Payload::default()
    });
}

/// An example block's type: its annotation's, as one value (an example is one body).
fn one_of(note: &Annotation) -> Option<NamedType> {
    note.odata_type.clone().map(|t| NamedType {
        collection: false,
        ..t
    })
}

/// An `example` block holding HTTP: each message in it with a body is a body of the
/// annotation's type, with its headers. Its method and URL are not routed: such an example is
/// often a call to another host (a change notification POSTed to a bot's endpoint), and the
/// annotation says what the body is. A request in it is still what later responses answer.
fn http_example(
    text: &str,
    block: &Block,
    note: &Annotation,
    linker: &mut Linker,
    parsed: &mut Parsed,
) {
    for m in http::parse(text, block.content, &mut parsed.problems) {
        linker.observe(&m);
        let Some(body) = m.body else { continue };
        let (direction, status) = match m.line {
            StartLine::Request { .. } => (Direction::Request, None),
            StartLine::Response { status } => (Direction::Response, Some(status)),
        };
        parsed.payloads.push(Payload {
            index: parsed.payloads.len(),
            start: m.start,
            body: Some(Body::InFile(body)),
            direction: Some(direction),
            status,
            headers: Some(m.headers),
            named_type: one_of(note),
            truncated: note.truncated,
            ..Payload::default()
        });
    }
}

/// A fence without an annotation holding HTTP: its messages with a body, and its responses,
/// are examples; a request without a body only pairs with the responses after it.
///
/// The problems of what is read are not reported (such a fence is often a syntax block, with
/// placeholders for a body); a body with no message is, into `loose` (an `http` fence also
/// shows a header, or a URL, which are not examples).
fn unannotated(
    text: &str,
    block: &Block,
    linker: &mut Linker,
    parsed: &mut Parsed,
    loose: &mut Vec<(Span, MarkdownProblem)>,
) -> Option<Bodyless> {
    let mut problems = Vec::new();
    let messages = http::parse(text, block.content, &mut problems);
    if messages.is_empty() && block.json(text).is_some_and(|b| whole(text, b)) {
        loose.push((block.opening, MarkdownProblem::NoHttpMessage));
    }
    let mut left = None;
    for m in messages {
        let example = m.body.is_some() || matches!(m.line, StartLine::Response { .. });
        left = None;
        if !example {
            linker.observe(&m);
            left = sends_body(&m.line).then_some(Bodyless::Request(m));
            continue;
        }
        let index = parsed.payloads.len();
        let p = linker.payload(index, m);
        if p.body.is_none() {
            left = Some(Bodyless::Payload(index));
        }
        parsed.payloads.push(p);
    }
    left
}

/// Does a message that starts with `line` send a body, so that a JSON fence right after it can
/// be its body? A response, or a request by a method that sends one (a JSON fence after a
/// `GET` is what it returns, not what it sends).
fn sends_body(line: &StartLine) -> bool {
    match line {
        StartLine::Response { .. } => true,
        StartLine::Request { method, .. } => sends_body_method(Some(method)),
    }
}

fn sends_body_method(method: Option<&str>) -> bool {
    method.is_some_and(|m| !matches!(m, "GET" | "HEAD" | "DELETE" | "OPTIONS" | "TRACE"))
}

/// Is `body` (trimmed) a whole JSON object or array, not a fragment of one?
fn whole(text: &str, body: Span) -> bool {
    text[body.start..body.end].starts_with(['{', '['])
}

/// A message a fence ends on without a body.
enum Bodyless {
    /// Read as a payload (an annotated message, a response).
    Payload(usize),
    /// A request without an annotation, only observed so far (a syntax block, or an example
    /// whose body is in the next fence).
    Request(http::Message),
}

impl Bodyless {
    /// `body`, in the fence right after, is this message's.
    fn take(self, body: Span, linker: &mut Linker, parsed: &mut Parsed) {
        match self {
            Bodyless::Payload(index) => {
                if let Some(p) = parsed.payloads.get_mut(index) {
                    p.body = Some(Body::InFile(body));
                }
            }
            Bodyless::Request(mut m) => {
                m.body = Some(body);
                let index = parsed.payloads.len();
                parsed.payloads.push(linker.payload(index, m));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Parsed {
        read(&SourceFile {
            path: "doc.md".into(),
            text: text.to_string(),
            bom: false,
        })
    }

    const SEED: &str = include_str!("../../../corpus/docs/update-provisionpolicyassignmentitem.md");

    #[test]
    fn the_seed_doc_has_one_request_and_one_truncated_response() {
        let p = read_text(SEED);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.payloads.len(), 2);
        let (req, resp) = (&p.payloads[0], &p.payloads[1]);
        assert_eq!(req.direction, Some(Direction::Request));
        assert_eq!(req.method.as_deref(), Some("PATCH"));
        assert!(!req.truncated);
        assert_eq!(resp.direction, Some(Direction::Response));
        assert_eq!(resp.status, Some(200));
        assert_eq!(
            resp.method.as_deref(),
            Some("PATCH"),
            "a response answers the request before it"
        );
        assert!(resp.truncated);
        let Some(Body::InFile(b)) = &req.body else {
            panic!()
        };
        assert!(SEED[b.start..b.end].starts_with("{\n  \"@odata.type\""));
        assert_eq!(SEED[b.start..b.end].len(), 92);
    }

    #[test]
    fn unannotated_messages_with_a_body_are_read_and_ignored_fences_are_not() {
        let text = "```http\nPATCH /a\n\n{}\n```\n\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nPATCH /b\n\n{}\n```\n";
        let p = read_text(text);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.payloads.len(), 1);
        assert_eq!(p.payloads[0].url.as_deref(), Some("/a"));
        // A request without a body (a syntax block) is not a payload.
        assert!(read_text("```http\nGET /me\n```\n").payloads.is_empty());
        // Nor is the second line of a syntax block that lacks its leading slash (it was read
        // as the first request's body: Graph's groupsetting-list.md).
        let p = read_text("```http\nGET /groupSettings\nGET groups/{id}/settings\n```\n");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.payloads.is_empty(), "{:?}", p.payloads);
        // A body line that is prose still is a body.
        let p = read_text("```http\nPOST /a\nContent-Type: text/plain\n\nPOST to a/b\n```\n");
        assert_eq!(p.payloads.len(), 1);
    }

    #[test]
    fn an_ignored_request_is_what_the_next_response_answers() {
        let text = "<!-- { \"blockType\": \"ignored\" } -->\n```http\nGET /users/{id}\n```\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{}\n```\n";
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 1);
        assert_eq!(p.payloads[0].url.as_deref(), Some("/users/{id}"));
        assert_eq!(p.payloads[0].method.as_deref(), Some("GET"));
    }

    #[test]
    fn a_fence_without_a_line_break_at_the_end_of_the_doc_is_its_opening_line() {
        // Found by the fuzzer: the opening line's span ended one byte short of the text's end,
        // inside the last (multi-byte) character.
        let text = "<!-- { \"blockType\": \"request\" } -->\n```http é";
        let block = Block::new(text, Span::new(text.find("```").unwrap(), text.len()));
        assert_eq!(block.opening.end, text.len());
        assert!(!block.closed);
        let p = read_text(text);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        let span = p.problems[0].span;
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }

    #[test]
    fn an_example_block_holding_http_checks_its_bodies_as_the_annotations_type() {
        let text = "<!-- { \"blockType\": \"example\", \"@odata.type\": \"microsoft.graph.commsNotifications\" } -->\n```http\nPOST https://bot.contoso.com/api/calls\nContent-Type: application/json\n\n{\"value\": []}\n```\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n\n{}\n```\n";
        let p = read_text(text);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.payloads.len(), 2);
        let ex = &p.payloads[0];
        assert_eq!(ex.direction, Some(Direction::Request));
        assert_eq!(
            ex.named_type.as_ref().map(|t| t.name.as_str()),
            Some("microsoft.graph.commsNotifications")
        );
        // Not routed by its URL (another host's endpoint), but its headers are checked.
        assert_eq!((ex.method.as_deref(), ex.url.as_deref()), (None, None));
        assert_eq!(ex.headers.as_ref().map(Vec::len), Some(1));
        assert!(matches!(ex.body, Some(Body::InFile(_))));
        // A later response still answers it.
        assert_eq!(p.payloads[1].method.as_deref(), Some("POST"));
        // A bodyless request in an example block is no payload.
        let text = "<!-- { \"blockType\": \"example\" } -->\n```http\nGET /me\n```\n";
        assert!(read_text(text).payloads.is_empty());
    }

    #[test]
    fn a_json_fence_right_after_a_bodyless_message_is_its_body() {
        // An annotated response whose body is in the next fence (Graph's search-query.md).
        let text = "<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n```\n\n```json\n{\"value\": []}\n```\n";
        let p = read_text(text);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.payloads.len(), 1);
        let Some(Body::InFile(b)) = p.payloads[0].body else {
            panic!("{:?}", p.payloads[0].body)
        };
        assert_eq!(&text[b.start..b.end], "{\"value\": []}");
        // An unannotated request and its body apart: one request payload.
        let text = "```http\nPOST /directory/deletedItems/getUserOwnedObjects\nContent-type: application/json\n```\n\n``` json\n{\"type\": \"group\"}\n```\n";
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 1);
        assert_eq!(p.payloads[0].method.as_deref(), Some("POST"));
        assert!(p.payloads[0].body.is_some());
        // After a GET, a JSON fence is what it returns, not its body.
        let text = "```http\nGET /me\n```\n```json\n{\"id\": \"1\"}\n```\n";
        assert!(read_text(text).payloads.is_empty());
        let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nGET /me\n```\n```json\n{\"id\": \"1\"}\n```\n";
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 1);
        assert!(p.payloads[0].body.is_none());
        // Prose between the two: not its body.
        let text = "```http\nPOST /a\n```\n\nThe body:\n\n```json\n{\"type\": \"group\"}\n```\n";
        assert!(read_text(text).payloads.is_empty());
        // A message with a body keeps it; the next fence is not taken.
        let text = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /a\n\n{}\n```\n```json\n{\"b\": 1}\n```\n";
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 1);
        let Some(Body::InFile(b)) = p.payloads[0].body else {
            panic!()
        };
        assert_eq!(&text[b.start..b.end], "{}");
    }

    #[test]
    fn an_unannotated_body_in_an_annotated_doc_is_reported_as_unchecked() {
        let annotated = "<!-- { \"blockType\": \"ignored\" } -->\n```http\nGET /me\n```\n\n";
        let problems = |doc: &str| -> Vec<MarkdownProblem> {
            read_text(doc)
                .problems
                .into_iter()
                .filter_map(|p| match p.kind {
                    ProblemKind::Markdown(m) => Some(m),
                    _ => None,
                })
                .collect()
        };
        // Fires: a whole JSON body, and an `http` fence holding a body without a start line.
        let doc = format!("{annotated}Example:\n\n```json\n{{\"a\": 1}}\n```\n");
        assert_eq!(problems(&doc), [MarkdownProblem::UnannotatedJson]);
        let doc =
            format!("{annotated}Response:\n\n```http\n{{\n  Location: https://x/y\n}}\n```\n");
        assert_eq!(problems(&doc), [MarkdownProblem::NoHttpMessage]);
        // Silent: the same in a doc that annotates nothing (a README), a fragment, a header
        // or a URL alone, an empty fence.
        assert!(problems("Example:\n\n```json\n{\"a\": 1}\n```\n").is_empty());
        for fence in [
            "```json\n\"joinInformation\": {}\n```\n",
            "```http\nPrefer: outlook.timezone=\"Eastern Standard Time\"\n```\n",
            "```http\nhttps://graph.microsoft.com/{version}/me/onenote/\n```\n",
            "```json\n```\n",
        ] {
            assert!(
                problems(&format!("{annotated}{fence}")).is_empty(),
                "{fence}"
            );
        }
    }

    #[test]
    fn an_annotation_not_directly_before_the_fence_does_not_apply() {
        let text = "<!-- { \"blockType\": \"ignored\" } -->\n\nSome prose.\n\n```http\nPATCH /a\n\n{}\n```\n";
        assert_eq!(read_text(text).payloads.len(), 1);
    }

    #[test]
    fn broken_annotation_is_a_finding_at_its_line() {
        let text = "# T\n\n<!-- { \"blockType\": \"request\" \"name\": \"x\" } -->\n```http\nPATCH /a\n```\n";
        let p = read_text(text);
        assert_eq!(p.problems.len(), 1);
        assert!(matches!(
            p.problems[0].kind,
            ProblemKind::Markdown(MarkdownProblem::AnnotationNotJson { .. })
        ));
        assert_eq!(p.problems[0].span.start, text.find("\"name\"").unwrap());
        assert!(p.payloads.is_empty());
    }

    #[test]
    fn a_lenient_annotation_is_read_with_a_warning() {
        let text = "<!-- { \"blockType\": \"request\", } -->\n```http\nPATCH /a\n\n{}\n```\n";
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 1);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(
            p.problems[0].kind,
            ProblemKind::Markdown(MarkdownProblem::AnnotationLenient {
                what: "a trailing comma"
            })
        );
    }

    #[test]
    fn fence_kinds_and_annotation_keys() {
        let text = concat!(
            "<!-- { \"blockType\": \"request\" } -->\n```msgraph-interactive\nPOST /users\nContent-Type: application/json\n\n{}\n```\n",
            "<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.user\", \"truncated\": true } -->\n```\nHTTP/1.1 201 Created\n\n{}\n```\n",
            "<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.user\", \"optionalProperties\": [\"a\"] } -->\n``` json\n{\"id\": \"String\"}\n```\n",
            "<!-- { \"blockType\": \"response\" } -->\n```http\nPOST /x\n```\n",
        );
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 3, "{:?}", p.payloads);
        assert_eq!(p.payloads[0].method.as_deref(), Some("POST"));
        let resp = &p.payloads[1];
        assert_eq!(resp.status, Some(201));
        assert_eq!(resp.url.as_deref(), Some("/users"));
        assert_eq!(
            resp.named_type.as_ref().map(|t| t.name.as_str()),
            Some("microsoft.graph.user")
        );
        assert!(resp.truncated);
        assert_eq!(
            p.payloads[2].kind,
            PayloadKind::Declaration {
                optional: vec!["a".into()]
            }
        );
        // A response block holding a request.
        assert_eq!(
            p.problems
                .iter()
                .map(|p| p.kind.clone())
                .collect::<Vec<_>>(),
            [ProblemKind::Markdown(MarkdownProblem::ResponseHoldsRequest)]
        );
    }

    #[test]
    fn unterminated_fence_is_a_finding_and_still_read() {
        let text =
            "<!-- { \"blockType\": \"request\" } -->\n```http\nPATCH /a\n\n{\"groupId\": \"g\"}\n";
        let p = read_text(text);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(p.payloads.len(), 1);
    }

    #[test]
    fn json_blocks_take_direction_from_the_annotation() {
        let text = "<!-- {\"blockType\": \"response\", \"truncated\": true} -->\n```json\n{\"id\": \"1\"}\n```\n";
        let p = read_text(text);
        assert_eq!(p.payloads.len(), 1);
        assert_eq!(p.payloads[0].direction, Some(Direction::Response));
        assert!(p.payloads[0].truncated);
        let Some(Body::InFile(b)) = &p.payloads[0].body else {
            panic!()
        };
        assert_eq!(&text[b.start..b.end], "{\"id\": \"1\"}");
    }

    #[test]
    fn examples_in_block_quotes_are_read_at_their_place() {
        let text = concat!(
            "> <!-- { \"blockType\": \"request\" } -->\n",
            "> ```http\n",
            "> PATCH /a\n",
            ">\n",
            "> {\"groupID\": \"g\"}\n",
            "> ```\n",
            ">\n",
            "> > <!-- {\n",
            "> >   \"blockType\": \"response\"\n",
            "> > } -->\n",
            "> > ```json\n",
            "> > {\"id\": 1}\n",
            "> > ```\n",
        );
        let p = read_text(text);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.payloads.len(), 2);
        assert_eq!(p.payloads[0].url.as_deref(), Some("/a"));
        assert_eq!(p.payloads[1].direction, Some(Direction::Response));
        // A one-line body is the file's bytes; one over several lines is held without markers.
        for (payload, body) in p
            .payloads
            .iter()
            .zip([r#"{"groupID": "g"}"#, r#"{"id": 1}"#])
        {
            let Some(Body::InFile(b)) = &payload.body else {
                panic!("{:?}", payload.body)
            };
            assert_eq!(&text[b.start..b.end], body);
        }
        let multi = text.replace(r#"{"groupID": "g"}"#, "{\n>   \"groupID\": \"g\"\n> }");
        let p = read_text(&multi);
        let Some(Body::Mapped(m)) = &p.payloads[0].body else {
            panic!("{:?}", p.payloads[0].body)
        };
        assert_eq!(m.text, "{\n    \"groupID\": \"g\"\n  }");
        // Same offsets as the file: `groupID` is where the file has it.
        let key = m.text.find("\"groupID\"").unwrap();
        let at = m.map.span(Span::new(key, key + 9));
        assert_eq!(&multi[at.start..at.end], "\"groupID\"");
        // A doc without block quotes keeps its bodies in the file.
        let plain =
            read_text("<!-- { \"blockType\": \"request\" } -->\n```http\nPATCH /a\n\n{}\n```\n");
        assert!(matches!(plain.payloads[0].body, Some(Body::InFile(_))));
    }

    #[test]
    fn dequote_blanks_only_the_markers() {
        let text = "> a > b\n> > c\nlazy\n>\n\nd > e\n";
        let out = dequote(text).unwrap();
        assert_eq!(out, "  a > b\n    c\nlazy\n \n\nd > e\n");
        assert!(dequote("no quotes > here\n").is_none());
    }
}
