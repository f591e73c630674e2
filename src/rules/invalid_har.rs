//! `invalid-har`: a HAR capture does not have the shape HAR 1.2 gives it.

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidHar,
    severity: Severity::Error,
    summary: "A HAR capture is malformed.",
    explanation: "A HAR 1.2 file is `{\"log\": {\"entries\": [...]}}`; each entry has a request \
(method, url, headers, postData.text) and a response (status, headers, content.text, with \
`\"encoding\": \"base64\"` when the text is base64). A missing or mistyped field, or content that \
is not valid base64, is reported at its place and the other entries are still checked.",
};

pub fn diagnose(at: Span, pointer: &JsonPointer, message: impl Into<String>) -> Diagnostic {
    INFO.finding(at, pointer.clone(), message)
}
