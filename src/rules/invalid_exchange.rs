//! `invalid-exchange`: an NDJSON exchange object has a field of the wrong kind.

use super::{Rule, RuleInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;

pub const INFO: RuleInfo = RuleInfo {
    id: "invalid-exchange",
    severity: Severity::Error,
    summary: "An NDJSON exchange object is malformed.",
    explanation: "An exchange object describes one message: `method` and `url` (strings), \
`status` (an integer from 100 to 599), `headers` (an object of strings, or a HAR-style array of \
{name, value}), `body` (the JSON body, or a string holding it), optionally `direction` \
(\"request\" or \"response\") and `truncated` (a boolean). A field of another kind cannot be used.",
};

pub fn diagnose(at: Span, pointer: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Rule::InvalidExchange, at, pointer, message)
}
