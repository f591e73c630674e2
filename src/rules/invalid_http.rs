//! `invalid-http`: part of an HTTP transcript cannot be read as an HTTP message.

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidHttp,
    severity: Severity::Error,
    summary: "Part of an HTTP transcript is not an HTTP message.",
    explanation: "A message starts with a request line (`PATCH /path HTTP/1.1`, the version \
optional) or a status line (`HTTP/1.1 200 OK`), then headers, a blank line and the body. A block \
without either line (headers alone, say) cannot be routed or checked; the other messages of the \
file still are.",
};

pub fn diagnose(at: Span, message: impl Into<String>, hint: &str) -> Diagnostic {
    INFO.finding(at, JsonPointer::root(), message).with_hint(hint)
}
