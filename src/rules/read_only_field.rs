//! `read-only-field`: a request body sets a property the service computes (`id`).

use super::info::{Example, Examples, Fixes, RuleInfo};
use super::subject::Subject;
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::direction::Direction;
use crate::json::Member;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::ReadOnlyField,
    severity: Severity::Warning,
    summary: "A request body sets a read-only property.",
    explanation: "Read-only properties (`\"readOnly\": true` in the catalog schema, such as the \
`id` inherited from entity) are set by the service. In a request body they are ignored at best \
and rejected at worst. Only request bodies are checked; responses carry them by design.",
    reports: "a request body sets a read-only property",
    fix: Fixes::DiffOnly,
    examples: Some(Examples {
        bad: Example::file("body.request.json", r#"{"id": "1", "groupId": "g"}"#),
        good: Example::file("body.request.json", r#"{"groupId": "g"}"#),
        schemas: &[],
        metadata: None,
    }),
};

/// Why `read-only-field` fires: a request body (not a response, nor a body of no known
/// direction) has a top-level property the schema marks `"readOnly": true`. A repeated key is
/// one finding, at its last occurrence (the one parsers keep); the (unsafe) fix removes it.
pub fn find(subject: &Subject<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if subject.target.direction() != Some(Direction::Request) {
        return out;
    }
    let read_only = subject.resource().read_only();
    let Some(members) = subject.root.members().filter(|_| !read_only.is_empty()) else {
        return out;
    };
    let described = subject.describe(&JsonPointer::root());
    let mut seen: Vec<&str> = Vec::new();
    for m in members.iter().rev() {
        if read_only.contains(&m.key) && !seen.contains(&m.key.as_str()) {
            seen.push(&m.key);
            out.push(diagnose(m, &described));
        }
    }
    out
}

fn diagnose(member: &Member, subject: &str) -> Finding {
    let key = &member.key;
    INFO.finding(
        member.key_span,
        JsonPointer::root().child(key),
        format!("`{key}` is read-only and should not be sent in {subject}"),
    )
    .with_hint(format!("remove `{key}`; the service sets it"))
    .with_fix(
        Safety::Unsafe,
        FixAction::RemoveMember {
            object: JsonPointer::root(),
            key_start: member.key_span.start,
        },
    )
}

/// A member of the object at `object` that a client may not send, and why (`why`: "computed
/// by the service (Core.Computed)"): what the OData model's checker finds.
pub fn in_object(member: &Member, object: &JsonPointer, subject: &str, why: &str) -> Finding {
    let key = &member.key;
    INFO.finding(
        member.key_span,
        object.child(key),
        format!("`{key}` is {why}: it should not be sent in {subject}"),
    )
    .with_hint(format!("remove `{key}`; the service sets it"))
    .with_fix(
        Safety::Unsafe,
        FixAction::RemoveMember {
            object: object.clone(),
            key_start: member.key_span.start,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::subject::testing::with_subject;

    #[test]
    fn only_requests_and_only_the_last_of_a_repeated_key() {
        let body = r#"{"id": "1", "groupId": "g", "id": "2"}"#;
        with_subject(body, Some(Direction::Request), |s| {
            let found = find(s);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].span.start, body.rfind("\"id\"").unwrap());
            assert_eq!(found[0].pointer, "/id");
            assert_eq!(found[0].severity, Severity::Warning);
        });
        with_subject(body, Some(Direction::Response), |s| assert!(find(s).is_empty()));
        with_subject(body, None, |s| assert!(find(s).is_empty()));
    }
}
