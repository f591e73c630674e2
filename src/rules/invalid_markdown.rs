//! `invalid-markdown`: an example annotation in an API doc cannot be read.

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidMarkdown,
    severity: Severity::Error,
    summary: "An example annotation or fence in an API doc is malformed.",
    explanation: "Microsoft Graph docs mark each example with an HTML comment holding JSON, \
`<!-- { \"blockType\": \"request\", \"name\": \"...\" } -->`, directly before a fenced ```http \
or ```json block. An annotation whose JSON does not parse, an unknown blockType, or an annotated \
fence that is never closed means the example is not checked as intended.",
};

pub fn diagnose(at: Span, message: impl Into<String>, hint: &str) -> Diagnostic {
    INFO.finding(at, JsonPointer::root(), message).with_hint(hint)
}
