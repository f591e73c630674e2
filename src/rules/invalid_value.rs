//! `invalid-value`: a value of the right JSON type that the schema does not allow (an enum
//! member that does not exist, a pattern or format that does not match, a number out of range).

use super::{Rule, RuleInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;

pub const INFO: RuleInfo = RuleInfo {
    id: "invalid-value",
    severity: Severity::Error,
    summary: "A value has the right JSON type but is not allowed.",
    explanation: "The schema restricts the value beyond its type: a fixed set of members, a \
pattern, a format, a length or a range. The message says which constraint failed.",
};

pub fn diagnose(at: Span, pointer: &str, message: String) -> Diagnostic {
    Diagnostic::new(Rule::InvalidValue, at, pointer, message)
}
