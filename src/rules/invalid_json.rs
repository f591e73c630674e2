//! `invalid-json`: the body is not JSON at all (syntax error, empty, not UTF-8, too deep).

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Diagnostic;
use crate::json::ParseError;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidJson,
    severity: Severity::Error,
    summary: "The body is not valid JSON (RFC 8259).",
    explanation: "Nothing else can be checked until the body parses. The finding points at the \
first byte the parser could not accept: a trailing comma, a single-quoted string, a missing \
comma, an empty body, bytes that are not UTF-8, or nesting deeper than 128 levels.",
};

pub fn parse_error(err: &ParseError) -> Diagnostic {
    INFO.finding(
        Span::new(err.offset, err.offset + 1),
        JsonPointer::root(),
        err.message.clone(),
    )
}

/// The file is not UTF-8; `offset` is the first bad byte.
pub fn not_utf8(offset: usize, looks_utf16: bool, has_nul: bool) -> Diagnostic {
    let (message, hint) = if looks_utf16 {
        (
            "the file is UTF-16 text; JSON exchanged between systems must be UTF-8 (RFC 8259 §8.1)",
            "re-save the file as UTF-8",
        )
    } else if has_nul {
        (
            "the file holds binary data (NUL bytes), not JSON text",
            "exclude binary files from the paths you lint",
        )
    } else {
        (
            "the file is not valid UTF-8 (RFC 8259 §8.1 requires UTF-8)",
            "re-save the file as UTF-8",
        )
    };
    INFO.finding(
        Span::new(offset, offset + 1),
        JsonPointer::root(),
        message,
    )
    .with_hint(hint)
}
