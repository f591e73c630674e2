//! `type-mismatch`: a value of the wrong JSON type (`groupId: 42`, `groupId: null`, a body that is
//! an array instead of an object).

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::{Kind, Node};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::TypeMismatch,
    severity: Severity::Error,
    summary: "A value has the wrong JSON type.",
    explanation: "Each property has a JSON type (groupId is a string). A number, null or object \
where a string is expected is rejected by the service or coerced unpredictably by SDKs. A body \
that is not a JSON object gets this one finding at pointer \"\" and no other.",
};

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

/// A placeholder value of a JSON Schema type, for the conformant body of a diff.
pub fn placeholder(json_type: &str, name: &str) -> String {
    match json_type {
        "integer" | "number" => "0".into(),
        "boolean" => "false".into(),
        "object" => "{}".into(),
        "array" => "[]".into(),
        "null" => "null".into(),
        _ => serde_json::to_string(&format!("<{name}>")).expect("strings serialize"),
    }
}

fn article(t: &str) -> String {
    match t {
        "object" | "array" | "integer" => format!("an {t}"),
        "null" => "null".into(),
        t => format!("a {t}"),
    }
}
