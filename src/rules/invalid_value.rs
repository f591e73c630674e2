//! `invalid-value`: a value of the right JSON type that the schema does not allow (an enum
//! member that does not exist, a pattern or format that does not match, a number out of range).

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidValue,
    severity: Severity::Error,
    summary: "A value has the right JSON type but is not allowed.",
    explanation: "The schema restricts the value beyond its type: a fixed set of members, a \
pattern, a format, a length or a range. The message says which constraint failed.",
};

pub fn diagnose(at: Span, pointer: &JsonPointer, message: String) -> Finding {
    INFO.finding(at, pointer.clone(), message)
}
