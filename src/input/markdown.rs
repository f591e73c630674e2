//! Markdown API docs (`.md`): the examples marked by an annotation comment, such as
//! `<!-- { "blockType": "request", "name": "..." } -->`, directly before a fenced ```http or
//! ```json block. Ignored blocks and fences without an annotation are skipped; a response
//! marked `"truncated": true` is not checked for missing properties.
//!
//! pulldown-cmark finds the blocks (with source offsets), so fences inside lists, indented code
//! and HTML are told apart as CommonMark does; positions stay lines of the `.md` file.

use super::http::{self, Linker};
use super::payload::{Body, Parsed, Payload};
use super::problem::{MarkdownProblem, Problem, ProblemKind};
use crate::direction::Direction;
use crate::json::{self, Kind};
use crate::source::{SourceFile, Span};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// What an annotation says about the block after it.
#[derive(Debug, Clone, PartialEq)]
struct Annotation {
    /// The comment's span.
    span: Span,
    block_type: String,
    truncated: bool,
}

pub fn read(source: &SourceFile) -> Parsed {
    let text = source.text.as_str();
    let mut parsed = Parsed::default();
    let mut pending: Option<Annotation> = None;
    let mut html: Option<Span> = None;
    let mut linker = Linker::default();
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => html = Some(Span::new(range.start, range.end)),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html.take() {
                    pending = annotation(
                        text,
                        Span::new(block.start, range.end.max(block.end)),
                        &mut parsed,
                    );
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let Some(note) = pending.take() else { continue };
                if !text[note.span.end..range.start].trim().is_empty() {
                    continue; // not directly before this block
                }
                let lang = info
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                example(
                    text,
                    Span::new(range.start, range.end),
                    &lang,
                    &note,
                    &mut linker,
                    &mut parsed,
                );
            }
            _ => {}
        }
    }
    parsed
}

/// Reads an HTML block: an annotation if it is a comment holding a JSON object.
fn annotation(text: &str, block: Span, parsed: &mut Parsed) -> Option<Annotation> {
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
    let span = Span::new(block.start, block.end);
    let doc = match json::parse_range(text, start, end) {
        Ok(doc) => doc,
        Err(e) => {
            parsed.problems.push(markdown_problem(
                Span::new(e.offset, e.offset + 1),
                MarkdownProblem::AnnotationNotJson { message: e.message },
            ));
            return Some(Annotation {
                span,
                block_type: "ignored".into(),
                truncated: false,
            });
        }
    };
    let field = |name: &str| doc.root.get(name).map(|n| &n.kind);
    let block_type = match field("blockType") {
        Some(Kind::String(s)) => s.clone(),
        Some(_) => {
            parsed.problems.push(markdown_problem(
                doc.root.member("/blockType").map_or(span, |m| m.value.span),
                MarkdownProblem::BlockTypeNotAString,
            ));
            "ignored".into()
        }
        None => return None,
    };
    let truncated = matches!(field("truncated"), Some(Kind::Bool(true)));
    Some(Annotation {
        span,
        block_type,
        truncated,
    })
}

fn markdown_problem(span: Span, problem: MarkdownProblem) -> Problem {
    Problem::at(span, ProblemKind::Markdown(problem))
}

/// Reads the fenced block `fence` (with its fences) that `note` annotates.
fn example(
    text: &str,
    fence: Span,
    lang: &str,
    note: &Annotation,
    linker: &mut Linker,
    parsed: &mut Parsed,
) {
    let direction = match note.block_type.as_str() {
        "request" => Direction::Request,
        "response" => Direction::Response,
        _ => return, // "ignored", and kinds of block that are not examples
    };
    let raw = &text[fence.start..fence.end];
    let open_end = raw.find('\n').map_or(fence.end, |i| fence.start + i + 1);
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
    let content = Span::new(
        open_end.min(fence.end),
        if closed { last_line_start } else { fence.end },
    );
    if !closed {
        parsed.problems.push(markdown_problem(
            Span::new(fence.start, open_end.saturating_sub(1).max(fence.start)),
            MarkdownProblem::UnclosedFence { direction },
        ));
    }
    match lang {
        "http" | "https" => {
            for m in http::parse(text, content, &mut parsed.problems) {
                let mut payload = linker.payload(parsed.payloads.len(), m);
                payload.truncated = note.truncated;
                parsed.payloads.push(payload);
            }
        }
        "json" | "jsonc" | "" => {
            let inside = &text[content.start..content.end];
            let lead = inside.len() - inside.trim_start().len();
            let body = (!inside.trim().is_empty()).then(|| {
                Span::new(
                    content.start + lead,
                    content.start + inside.trim_end().len(),
                )
            });
            // A bare JSON example says nothing of method, status or headers; a response
            // still answers the request before it.
            let (method, url) = match direction {
                Direction::Request => (None, None),
                Direction::Response => linker.answered(),
            };
            let payload = Payload {
                index: parsed.payloads.len(),
                start: Span::new(fence.start, open_end.saturating_sub(1).max(fence.start)),
                body: body.map(Body::InFile),
                direction: Some(direction),
                method,
                url,
                status: None,
                headers: None,
                truncated: note.truncated,
            };
            parsed.payloads.push(payload);
        }
        _ => {}
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

    const SEED: &str = include_str!("../../corpus/docs/update-provisionpolicyassignmentitem.md");

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
    fn unannotated_and_ignored_fences_are_skipped() {
        let text = "```http\nPATCH /a\n\n{}\n```\n\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nPATCH /b\n```\n";
        let p = read_text(text);
        assert!(p.payloads.is_empty() && p.problems.is_empty());
    }

    #[test]
    fn annotation_must_be_directly_before_the_fence() {
        let text = "<!-- { \"blockType\": \"request\" } -->\n\nSome prose.\n\n```http\nPATCH /a\n\n{}\n```\n";
        assert!(read_text(text).payloads.is_empty());
    }

    #[test]
    fn broken_annotation_is_a_finding_at_its_line() {
        let text = "# T\n\n<!-- { \"blockType\": \"request\", } -->\n```http\nPATCH /a\n```\n";
        let p = read_text(text);
        assert_eq!(p.problems.len(), 1);
        assert!(matches!(
            p.problems[0].kind,
            ProblemKind::Markdown(MarkdownProblem::AnnotationNotJson { .. })
        ));
        assert_eq!(p.problems[0].span.start, text.find("} -->").unwrap());
        assert!(p.payloads.is_empty());
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
}
