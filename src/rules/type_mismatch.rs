//! `type-mismatch`: a value of the wrong JSON type (`groupId: 42`, `groupId: null`, a body that is
//! an array instead of an object).

use super::info::{Example, Examples, Fixes, RuleInfo};
use super::subject::{Subject, placeholder};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::{Kind, Node};
use crate::pointer::JsonPointer;
use crate::route::Target;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::TypeMismatch,
    severity: Severity::Error,
    summary: "A value has the wrong JSON type.",
    explanation: "Each property has a JSON type (groupId is a string). A number, null or object \
where a string is expected is rejected by the service or coerced unpredictably by SDKs. A body \
that is not a JSON object gets this one finding at pointer \"\" and no other.",
    reports: "a value of the wrong JSON type; a body that is not an object (one finding, pointer `\"\"`)",
    fix: Fixes::DiffOnly,
    examples: Some(Examples {
        bad: Example::body(r#"{"groupId": 42}"#),
        good: Example::body(r#"{"groupId": "42"}"#),
        schemas: &[],
        metadata: None,
    }),
};

/// Why `type-mismatch` fires inside a body: the schema wants another JSON type at `pointer`.
/// The finding points at the member's key; its (unsafe) fix quotes a scalar where a string is
/// expected, else puts a placeholder of the expected type.
pub fn find(subject: &Subject<'_>, pointer: &JsonPointer) -> Option<Finding> {
    let root = subject.root;
    let node = root.pointer(pointer)?;
    let at = subject.key_span(pointer).unwrap_or(node.span);
    let types = subject.resource().types_in(pointer.as_str(), Some(root));
    let described = subject.describe(&JsonPointer::root());
    Some(diagnose(at, pointer, node, &types, &described))
}

/// A body that is not a JSON object: one finding, and no other check of it. `target` is what
/// it was routed to, if anything.
pub fn not_an_object(root: &Node, target: Option<&Target<'_>>) -> Finding {
    let (subject, types) = match target {
        Some(t) => (
            format!("a {} body", t.resource.name),
            object_types(t.resource.types_at("")),
        ),
        None => ("a payload body".to_string(), vec!["object".to_string()]),
    };
    diagnose(root.span, &JsonPointer::root(), root, &types, &subject)
}

/// An item of a collection that is not a JSON object.
pub fn item_not_an_object(subject: &Subject<'_>) -> Finding {
    let root = subject.root;
    let types = object_types(subject.resource().types_at(""));
    let described = subject.describe(&JsonPointer::root());
    diagnose(root.span, &JsonPointer::root(), root, &types, &described)
}

/// The types a schema gives a body, `object` when it says none.
fn object_types(types: Vec<String>) -> Vec<String> {
    if types.is_empty() {
        vec!["object".to_string()]
    } else {
        types
    }
}

/// `at` is the span to point at (the key of the member, or the value itself at the root).
pub fn diagnose(
    at: Span,
    pointer: &JsonPointer,
    value: &Node,
    expected: &[String],
    subject: &str,
) -> Finding {
    let wanted = expected
        .iter()
        .map(|t| article(t))
        .collect::<Vec<_>>()
        .join(" or ");
    let found = value.type_name();
    let (message, hint) = if pointer.is_root() {
        (
            format!("the body is {found}; {subject} is {wanted}"),
            "send one JSON object per payload".to_string(),
        )
    } else {
        let name = pointer.last_token().unwrap_or_default();
        let hint = match (&value.kind, expected.first().map(String::as_str)) {
            (Kind::Null, _) => format!("`{name}` cannot be null; give it a value or leave it out"),
            (Kind::Number(_) | Kind::Bool(_), Some("string")) => {
                format!("quote the value: `\"{name}\": \"{}\"`", number_text(value))
            }
            _ => format!("`{name}` must be {wanted}"),
        };
        (format!("`{name}` is {found}, expected {wanted}"), hint)
    };
    let d = INFO.finding(at, pointer.clone(), message).with_hint(hint);
    if pointer.is_root() {
        return d;
    }
    d.with_fix(
        Safety::Unsafe,
        FixAction::ReplaceValue {
            span: value.span,
            new_json: replacement(value, expected, pointer),
        },
    )
}

fn number_text(value: &Node) -> String {
    match &value.kind {
        Kind::Number(n) => n.to_string(),
        Kind::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// What the conformant body holds instead: the value quoted when a string is expected and the
/// value is a scalar, else a placeholder of the expected type.
fn replacement(value: &Node, expected: &[String], pointer: &JsonPointer) -> String {
    let first = expected.first().map(String::as_str).unwrap_or("string");
    match (&value.kind, first) {
        (Kind::Number(_) | Kind::Bool(_), "string") => format!("\"{}\"", number_text(value)),
        _ => placeholder(first, &pointer.last_token().unwrap_or_default()),
    }
}

fn article(t: &str) -> String {
    match t {
        "object" | "array" | "integer" => format!("an {t}"),
        "null" => "null".into(),
        t => format!("a {t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::subject::testing::with_subject;

    #[test]
    fn a_number_for_a_string_is_quoted_and_null_is_refused() {
        with_subject(r#"{"groupId": 42}"#, None, |s| {
            let d = find(s, &JsonPointer::root().child("groupId")).unwrap();
            assert_eq!(d.message, "`groupId` is a number, expected a string");
            assert_eq!(d.hint.as_deref(), Some("quote the value: `\"groupId\": \"42\"`"));
            let Some(FixAction::ReplaceValue { new_json, .. }) = d.fix.map(|f| f.action) else {
                panic!("a replacement")
            };
            assert_eq!(new_json, "\"42\"");
        });
        with_subject(r#"{"groupId": null}"#, None, |s| {
            let d = find(s, &JsonPointer::root().child("groupId")).unwrap();
            assert_eq!(
                d.hint.as_deref(),
                Some("`groupId` cannot be null; give it a value or leave it out")
            );
        });
    }

    #[test]
    fn a_body_that_is_not_an_object_is_one_finding_without_a_fix() {
        let doc = crate::json::parse("[1]").unwrap();
        let d = not_an_object(&doc.root, None);
        assert_eq!(d.message, "the body is an array; a payload body is an object");
        assert_eq!(d.hint.as_deref(), Some("send one JSON object per payload"));
        assert!(d.pointer.is_root() && d.fix.is_none());
    }
}
