//! `duplicate-key`: the same key twice in one object.

use super::info::RuleInfo;

use crate::rule::{Rule, Severity};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::DuplicateKey;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::DuplicateKey,
    severity: Severity::Error,
    summary: "An object has the same key more than once.",
    explanation: "RFC 8259 says names SHOULD be unique; when they are not, parsers disagree on \
which value wins (most keep the last, some the first, some reject the body). The finding points \
at the repeated occurrence; the diff keeps the last one, as most parsers do.",
};

/// `first_line` is the 1-based line of the earlier occurrence.
pub fn diagnose(dup: &DuplicateKey, first_line: usize) -> Finding {
    INFO.finding(
        dup.repeated,
        dup.object_pointer.child(&dup.key),
        format!(
            "key `{}` appears more than once in this object (first on line {first_line})",
            dup.key
        ),
    )
    .with_hint("keep one occurrence: parsers disagree on which value wins")
    .with_fix(
        Safety::Unsafe,
        FixAction::RemoveMember {
            object: dup.object_pointer.clone(),
            key_start: dup.first.start,
        },
    )
}
