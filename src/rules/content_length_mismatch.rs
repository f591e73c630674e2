//! `content-length-mismatch`: Content-Length fits neither line-ending form of the body.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::ContentLengthMismatch,
    severity: Severity::Warning,
    summary: "Content-Length does not match the body.",
    explanation: "A transcript's Content-Length should be the size of its body in bytes. Docs \
are saved with LF or CRLF line ends, so either form's length is accepted (the seed doc's \
`Content-length: 95` is its 92-byte body with CRLF). A mismatch usually means the body was edited \
after the capture.",
    reports: "Content-Length matches neither the LF nor the CRLF length of the body",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\nContent-Length: 12\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("Content-Length: 12"),
        good: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\nContent-Length: 16\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("Content-Length: 16"),
        schemas: &[],
        metadata: None,
    }),
};

pub fn diagnose(at: Span, declared: &str, lf: usize, crlf: usize) -> Finding {
    let sizes = if lf == crlf {
        format!("{lf} bytes")
    } else {
        format!("{lf} bytes with LF line ends, {crlf} with CRLF")
    };
    INFO.finding(
        at,
        JsonPointer::root(),
        format!("Content-Length is {declared}, but the body is {sizes}"),
    )
    .with_hint(format!("set `Content-Length: {lf}` or remove the header"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_gives_both_lengths_when_they_differ() {
        let d = diagnose(Span::new(0, 1), "12", 16, 16);
        assert_eq!(d.message, "Content-Length is 12, but the body is 16 bytes");
        assert_eq!(d.hint.as_deref(), Some("set `Content-Length: 16` or remove the header"));
        let d = diagnose(Span::new(0, 1), "x", 92, 95);
        assert_eq!(
            d.message,
            "Content-Length is x, but the body is 92 bytes with LF line ends, 95 with CRLF"
        );
    }
}
