//! `unexpected-status`: a response status the catalog does not document for the operation.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnexpectedStatus,
    severity: Severity::Error,
    summary: "The response status is not documented for the operation.",
    explanation: "The catalog lists the statuses each operation documents (200 for the PATCH of \
ProvisionPolicyAssignmentItem). Another status in a captured success example means the example \
or the catalog is wrong.",
    reports: "a response status the catalog does not document for the operation",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n\nHTTP/1.1 201 Created\n",
        )
        .showing("HTTP/1.1 201 Created"),
        good: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"a1\", \"groupId\": \"g\"}\n",
        )
        .showing("HTTP/1.1 200 OK"),
        schemas: &[],
        metadata: None,
    }),
};

pub fn diagnose(at: Span, status: u16, operation: &str, documented: &[u16]) -> Finding {
    let listed: Vec<String> = documented.iter().map(u16::to_string).collect();
    INFO.finding(
        at,
        JsonPointer::root(),
        format!("status {status} is not documented for `{operation}`"),
    )
    .with_hint(format!("documented: {}", listed.join(", ")))
}

/// A status OData's protocol does not give for what the method does (no catalog documents the
/// operation's statuses): a warning, since the service may answer so all the same.
pub fn by_protocol(at: Span, status: u16, method: &str, success: &[u16]) -> Finding {
    let listed: Vec<String> = success.iter().map(u16::to_string).collect();
    let mut d = INFO
        .finding(
            at,
            JsonPointer::root(),
            format!("status {status} is not one OData's protocol gives a `{method}` of this kind"),
        )
        .with_hint(format!(
            "success statuses: {} (202 Accepted for asynchronous operations)",
            listed.join(", ")
        ));
    d.severity = Severity::Warning;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_lists_the_documented_statuses() {
        let d = diagnose(Span::new(0, 1), 201, "PATCH /a/{id}", &[200, 204]);
        assert_eq!(d.message, "status 201 is not documented for `PATCH /a/{id}`");
        assert_eq!(d.hint.as_deref(), Some("documented: 200, 204"));
    }
}
