//! `internal-error`: paylint itself failed on this file (a bug); the other files are still checked.

use super::info::{Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InternalError,
    severity: Severity::Error,
    summary: "paylint failed while checking this file.",
    explanation: "A bug in paylint stopped the check of one file. The rest of the run goes on and \
the run exits with status 2. Please report it with the file attached.",
    reports: "paylint failed on this file (a bug); the run goes on and exits 2",
    fix: Fixes::None,
    examples: None,
};

pub fn diagnose(what: &str) -> Finding {
    INFO.finding(
        Span::new(0, 0),
        JsonPointer::root(),
        format!("paylint failed on this file: {what}"),
    )
    .with_hint("this is a bug in paylint; please report it with the file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_names_the_failure_and_asks_for_a_report() {
        let d = diagnose("index out of bounds");
        assert_eq!(d.message, "paylint failed on this file: index out of bounds");
        assert!(d.hint.unwrap().contains("bug in paylint"));
        assert_eq!(d.severity, Severity::Error);
    }
}
