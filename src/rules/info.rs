//! What the registry knows of a rule, as data: its severity, what it reports and why, for the
//! SARIF log, the README and `--statistics`.

use crate::diagnostic::Finding;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

/// Everything a user (or a SARIF consumer) needs to know about a rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    /// The severity of its findings unless the configuration says otherwise.
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub explanation: &'static str,
}

impl RuleInfo {
    /// A finding of this rule, at its default severity.
    pub fn finding(&self, span: Span, pointer: JsonPointer, message: impl Into<String>) -> Finding {
        Finding::new(self.rule, self.severity, span, pointer, message)
    }
}
