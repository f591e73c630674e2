//! `missing-required`: a property the operation requires is absent.

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::MissingRequired,
    severity: Severity::Error,
    summary: "A property the operation requires is missing from the body.",
    explanation: "The catalog lists which properties a body must carry, per operation and \
direction (groupId in a PATCH request body; id and groupId in its 200 response). The finding \
points at the opening brace of the object that lacks it. When a misspelled field is present \
(groupID), the finding says so and the fix renames it instead of inventing a value.",
};

/// `object` is the span of the object lacking `property`; `misspelled_as` a present field that
/// looks like a typo of it (its own unknown-field finding carries the rename).
pub fn diagnose(
    object: Span,
    object_pointer: &JsonPointer,
    property: &str,
    subject: &str,
    misspelled_as: Option<&str>,
    placeholder: String,
) -> Finding {
    let message = format!("missing required property `{property}` in {subject}");
    let d = INFO.finding(
        Span::new(object.start, object.start + 1),
        object_pointer.child(property),
        message,
    );
    match misspelled_as {
        Some(typo) => d.with_hint(format!("`{typo}` looks like a misspelling of `{property}`")),
        None => d
            .with_hint(format!(
                "add `\"{property}\": {placeholder}` with a real value"
            ))
            .with_fix(
                Safety::Unsafe,
                FixAction::InsertMember {
                    object: object_pointer.clone(),
                    key: property.to_string(),
                    value_json: placeholder,
                },
            ),
    }
}
