//! `read-only-field`: a request body sets a property the service computes (`id`).

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::Member;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::ReadOnlyField,
    severity: Severity::Warning,
    summary: "A request body sets a read-only property.",
    explanation: "Read-only properties (`\"readOnly\": true` in the catalog schema, such as the \
`id` inherited from entity) are set by the service. In a request body they are ignored at best \
and rejected at worst. Only request bodies are checked; responses carry them by design.",
};

pub fn diagnose(member: &Member, pointer: &JsonPointer, object: &JsonPointer, subject: &str) -> Finding {
    INFO.finding(
        member.key_span,
        pointer.clone(),
        format!(
            "`{}` is read-only and should not be sent in {subject}",
            member.key
        ),
    )
    .with_hint(format!("remove `{}`; the service sets it", member.key))
    .with_fix(
        Safety::Unsafe,
        FixAction::RemoveMember {
            object: object.clone(),
            key_start: member.key_span.start,
        },
    )
}
