//! `missing-required`: a property the operation requires is absent.

use super::info::{Example, Examples, Fixes, RuleInfo};
use super::subject::{Subject, placeholder};
use crate::catalog::Resource;
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::Node;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;
use serde_json::Value;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::MissingRequired,
    severity: Severity::Error,
    summary: "A property the operation requires is missing from the body.",
    explanation: "The catalog lists which properties a body must carry, per operation and \
direction (groupId in a PATCH request body; id and groupId in its 200 response). The finding \
points at the opening brace of the object that lacks it. When a misspelled field is present \
(groupID), the finding says so and the fix renames it instead of inventing a value.",
    reports: "a property the operation requires is missing (at the object's `{`)",
    fix: Fixes::DiffOnly,
    examples: Some(Examples {
        bad: Example::body(r##"{"@odata.type": "#microsoft.graph.ProvisionPolicyAssignmentItem"}"##),
        good: Example::body(r#"{"groupId": "g"}"#),
        schemas: &[],
        metadata: None,
    }),
};

/// Why `missing-required` fires: the schema requires `property` in the object at `object`, the
/// body does not have it, and the body is not a shortened example (`"truncated": true`).
/// `misspelled_as` is a present field that looks like a typo of it (its own unknown-field
/// finding carries the rename); otherwise the (unsafe) fix inserts a placeholder of the
/// property's type, or the first `@odata.type` a dispatching schema allows.
pub fn find(
    subject: &Subject<'_>,
    object: &JsonPointer,
    property: &str,
    misspelled_as: Option<&str>,
) -> Option<Finding> {
    if subject.target.truncated {
        return None;
    }
    let (root, resource) = (subject.root, subject.resource());
    let node = root.pointer(object)?;
    let property_pointer = object.child(property);
    let types = resource.types_in(property_pointer.as_str(), Some(root));
    let value = match odata_type_choice(resource, root, &property_pointer) {
        Some(first) if property == "@odata.type" => format!("\"{first}\""),
        _ => placeholder(types.first().map_or("string", String::as_str), property),
    };
    let subject = subject.describe(object);
    Some(diagnose(
        node.span,
        object,
        property,
        &subject,
        misspelled_as,
        value,
    ))
}

/// The first `@odata.type` a dispatching schema at `pointer` (`/target/@odata.type`) allows.
fn odata_type_choice(resource: &Resource, root: &Node, pointer: &JsonPointer) -> Option<String> {
    let parent = pointer.as_str().strip_suffix("/@odata.type")?;
    let schema = resource.subschema_in(parent, None)?;
    schema
        .pointer("/properties/@odata.type/enum/0")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|_| root.pointer(parent).is_some())
}

/// `object` is the span of the object lacking `property`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::subject::testing::with_subject;

    #[test]
    fn a_missing_property_points_at_the_brace_and_inserts_a_placeholder() {
        with_subject("  {\"id\": \"1\"}", None, |s| {
            let d = find(s, &JsonPointer::root(), "groupId", None).unwrap();
            assert_eq!(d.span, Span::new(2, 3), "the object's opening brace");
            assert_eq!(d.pointer, "/groupId");
            assert_eq!(
                d.message,
                "missing required property `groupId` in the ProvisionPolicyAssignmentItem body"
            );
            assert_eq!(
                d.hint.as_deref(),
                Some("add `\"groupId\": \"<groupId>\"` with a real value")
            );
            let fix = d.fix.unwrap();
            assert_eq!(fix.safety, Safety::Unsafe);
            assert!(matches!(fix.action, FixAction::InsertMember { ref key, .. } if key == "groupId"));
        });
    }

    #[test]
    fn a_misspelling_is_named_and_nothing_is_invented() {
        with_subject(r#"{"groupID": "g"}"#, None, |s| {
            let d = find(s, &JsonPointer::root(), "groupId", Some("groupID")).unwrap();
            assert_eq!(
                d.hint.as_deref(),
                Some("`groupID` looks like a misspelling of `groupId`")
            );
            assert!(d.fix.is_none());
            // An object the pointer does not find: nothing to say.
            let nowhere = JsonPointer::root().child("nowhere");
            assert!(find(s, &nowhere, "groupId", None).is_none());
        });
    }
}
