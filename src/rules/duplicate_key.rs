//! `duplicate-key`: the same key twice in one object.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::DuplicateKey;
use crate::rule::{Rule, Severity};

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::DuplicateKey,
    severity: Severity::Error,
    summary: "An object has the same key more than once.",
    explanation: "RFC 8259 says names SHOULD be unique; when they are not, parsers disagree on \
which value wins (most keep the last, some the first, some reject the body). The finding points \
at the repeated occurrence; the diff keeps the last one, as most parsers do.",
    reports: "a key twice in one object (at the repeated occurrence): parsers disagree on which wins",
    fix: Fixes::DiffOnly,
    examples: Some(Examples {
        bad: Example::body(r#"{"groupId": "a", "groupId": "b"}"#),
        good: Example::body(r#"{"groupId": "b"}"#),
        schemas: &[],
        metadata: None,
    }),
};

/// Why `duplicate-key` fires: the parser found a key again in the same object (`text` is the
/// text the document was parsed from). Every repeated occurrence is a finding, with any
/// resource or none; the (unsafe) fix removes the earlier occurrence.
pub fn find(text: &str, dup: &DuplicateKey) -> Finding {
    let first_line = text[..dup.first.start].matches('\n').count() + 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finding_names_the_line_of_the_first_occurrence_and_removes_it() {
        let text = "{\n  \"a\": {\"k\": 1,\n\n  \"k\": 2}\n}";
        let doc = crate::json::parse(text).unwrap();
        let d = find(text, &doc.duplicates[0]);
        assert_eq!(d.pointer, "/a/k");
        assert_eq!(
            d.message,
            "key `k` appears more than once in this object (first on line 2)"
        );
        assert!(matches!(
            d.fix.unwrap().action,
            FixAction::RemoveMember { ref object, .. } if object == "/a"
        ));
    }
}
