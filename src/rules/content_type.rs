//! `content-type`: a request with a body does not say it is JSON.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::ContentType,
    severity: Severity::Error,
    summary: "A request with a body lacks a JSON Content-Type.",
    explanation: "The service reads the body by its Content-Type. `application/json` (with \
parameters such as `charset=utf-8` or `odata.metadata=minimal`) and `+json` types are JSON; a \
missing header or another type makes the service reject or misread the body.",
    reports: "a request with a body has no Content-Type or a non-JSON one",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: text/plain\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("Content-Type: text/plain"),
        good: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json; charset=utf-8\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("Content-Type: application/json; charset=utf-8"),
        schemas: &[],
        metadata: None,
    }),
};

pub fn missing(at: Span) -> Finding {
    INFO.finding(
        at,
        JsonPointer::root(),
        "the request has a body but no Content-Type header",
    )
    .with_hint("add `Content-Type: application/json`")
}

pub fn not_json(at: Span, value: &str) -> Finding {
    INFO.finding(
        at,
        JsonPointer::root(),
        format!("Content-Type is `{value}`, but the body is JSON"),
    )
    .with_hint("use `Content-Type: application/json`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_header_and_another_type_say_what_to_write() {
        let d = missing(Span::new(0, 5));
        assert_eq!(d.message, "the request has a body but no Content-Type header");
        assert_eq!(d.hint.as_deref(), Some("add `Content-Type: application/json`"));
        let d = not_json(Span::new(0, 5), "text/plain");
        assert_eq!(d.message, "Content-Type is `text/plain`, but the body is JSON");
        assert_eq!(d.rule, Rule::ContentType);
    }
}
