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
