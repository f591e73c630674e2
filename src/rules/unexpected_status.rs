//! `unexpected-status`: a response status the catalog does not document for the operation.

use super::{Rule, RuleInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;

pub const INFO: RuleInfo = RuleInfo {
    id: "unexpected-status",
    severity: Severity::Error,
    summary: "The response status is not documented for the operation.",
    explanation: "The catalog lists the statuses each operation documents (200 for the PATCH of \
ProvisionPolicyAssignmentItem). Another status in a captured success example means the example \
or the catalog is wrong.",
};

pub fn diagnose(at: Span, status: u16, operation: &str, documented: &[u16]) -> Diagnostic {
    let listed: Vec<String> = documented.iter().map(u16::to_string).collect();
    Diagnostic::new(
        Rule::UnexpectedStatus,
        at,
        "",
        format!("status {status} is not documented for `{operation}`"),
    )
    .with_hint(format!("documented: {}", listed.join(", ")))
}

/// A status OData's protocol does not give for what the method does (no catalog documents the
/// operation's statuses): a warning, since the service may answer so all the same.
pub fn by_protocol(at: Span, status: u16, method: &str, success: &[u16]) -> Diagnostic {
    let listed: Vec<String> = success.iter().map(u16::to_string).collect();
    let mut d = Diagnostic::new(
        Rule::UnexpectedStatus,
        at,
        "",
        format!("status {status} is not one OData's protocol gives a `{method}` of this kind"),
    )
    .with_hint(format!(
        "success statuses: {} (202 Accepted for asynchronous operations)",
        listed.join(", ")
    ));
    d.severity = Severity::Warning;
    d
}
