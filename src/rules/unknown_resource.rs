//! `unknown-resource`: nothing says which catalog resource a body is.

use super::{Rule, RuleInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;

pub const INFO: RuleInfo = RuleInfo {
    id: "unknown-resource",
    severity: Severity::Warning,
    summary: "No catalog resource matches the body, so it was not checked.",
    explanation: "A body is matched to a resource by --resource, else by its @odata.type, else \
by the catalog having a single resource. When none applies the body is only checked for JSON \
syntax and duplicate keys.",
};

pub fn diagnose(at: Span, odata_type: Option<&str>, known: &[&str]) -> Diagnostic {
    let message = match odata_type {
        Some(t) => format!("no catalog resource has @odata.type `{t}`; the body was not checked"),
        None => "the body has no @odata.type and no --resource was given; it was not checked"
            .to_string(),
    };
    Diagnostic::new(Rule::UnknownResource, at, "", message).with_hint(format!(
        "pass --resource NAME (known: {}) or add the resource to the catalog with --schemas DIR",
        known.join(", ")
    ))
}

/// A body the model has no type for: the type it names is unknown, or it names none.
pub fn in_model(at: Span, named: Option<&str>, model: &crate::odata::Model) -> Diagnostic {
    let message = match named {
        Some(t) => format!("the metadata has no type `{t}`; the body was not checked"),
        None => "nothing says what type this body is (no request to route it, no `@odata.type`); it was not checked".to_string(),
    };
    let hint = match named {
        Some(t) => {
            let bare = t.trim_start_matches('#');
            let near =
                crate::odata::resolve::nearest(bare, model.types.iter().map(|t| t.name.as_str()));
            match near.first() {
                Some(n) => format!("did you mean `{n}`?"),
                None => "check the type's namespace and name".to_string(),
            }
        }
        None => {
            "give the body an `@odata.type`, its request line, or pass --resource NAME".to_string()
        }
    };
    Diagnostic::new(Rule::UnknownResource, at, "", message).with_hint(hint)
}
