//! `invalid-json`: the body is not JSON at all (syntax error, empty, not UTF-8, too deep).

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::input::problem::Encoding;
use crate::json::ParseError;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidJson,
    severity: Severity::Error,
    summary: "The body is not valid JSON (RFC 8259).",
    explanation: "Nothing else can be checked until the body parses. The finding points at the \
first byte the parser could not accept: a trailing comma, a single-quoted string, a missing \
comma, an empty body, bytes that are not UTF-8, or nesting deeper than 128 levels.",
    reports: "the body is not JSON: syntax error (at its line:column), empty file, not UTF-8 (UTF-16, binary), nesting deeper than 128",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::body(r#"{"groupId": "g",}"#),
        good: Example::body(r#"{"groupId": "g"}"#),
        schemas: &[],
        metadata: None,
    }),
};

pub fn parse_error(err: &ParseError) -> Finding {
    INFO.finding(
        Span::new(err.offset, err.offset + 1),
        JsonPointer::root(),
        err.message.clone(),
    )
}

/// The file is not UTF-8 text; `at` is the first bad byte.
pub fn not_utf8(at: Span, encoding: Encoding) -> Finding {
    let (message, hint) = match encoding {
        Encoding::Utf16 => (
            "the file is UTF-16 text; JSON exchanged between systems must be UTF-8 (RFC 8259 §8.1)",
            "re-save the file as UTF-8",
        ),
        Encoding::Binary => (
            "the file holds binary data (NUL bytes), not JSON text",
            "exclude binary files from the paths you lint",
        ),
        Encoding::NotUtf8 => (
            "the file is not valid UTF-8 (RFC 8259 §8.1 requires UTF-8)",
            "re-save the file as UTF-8",
        ),
    };
    INFO.finding(at, JsonPointer::root(), message).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{decode, ProblemKind};

    /// The finding for bytes that `decode` refuses.
    fn of_bytes(bytes: &[u8]) -> Finding {
        let (_, problem) = decode("a".into(), bytes.to_vec());
        let problem = problem.expect("not UTF-8 text");
        let ProblemKind::Encoding(encoding) = problem.kind else {
            panic!("{problem:?}")
        };
        not_utf8(problem.span, encoding)
    }

    #[test]
    fn each_encoding_is_named() {
        let utf16: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let d = of_bytes(&[b"\xFF\xFE".to_vec(), utf16.clone()].concat());
        assert_eq!(d.rule, Rule::InvalidJson);
        assert!(d.message.contains("UTF-16"));
        assert!(of_bytes(&utf16).message.contains("UTF-16"));
        let d = of_bytes(b"{\"a\": \"\xC3\x28\"}");
        assert_eq!(d.span.start, 7);
        assert!(d.message.contains("not valid UTF-8"));
        assert!(of_bytes(b"\x00\x01\x02\xFF\x00").message.contains("binary"));
        assert!(of_bytes(b"\x89PNG\x00\x00").message.contains("binary"));
    }
}
