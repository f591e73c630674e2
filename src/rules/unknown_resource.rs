//! `unknown-resource`: nothing says which catalog resource a body is.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::route::NoResource;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnknownResource,
    severity: Severity::Warning,
    summary: "No catalog resource matches the body, so it was not checked.",
    explanation: "A body is matched to a resource by --resource, else by its @odata.type, else \
by the catalog having a single resource. When none applies the body is only checked for JSON \
syntax and duplicate keys.",
    reports: "nothing says which resource a body is (only with several resources in the catalog)",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::body(r##"{"@odata.type": "#microsoft.graph.user"}"##),
        good: Example::body(r##"{"@odata.type": "#contoso.Widget"}"##),
        schemas: &[(
            "Widget.schema.json",
            r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
  "properties": {"@odata.type": {"const": "#contoso.Widget"}}}"##,
        )],
        metadata: None,
    }),
};

pub fn diagnose(unrouted: &NoResource<'_>) -> Finding {
    let NoResource {
        at,
        odata_type,
        known,
    } = unrouted;
    let message = match odata_type {
        Some(t) => format!("no catalog resource has @odata.type `{t}`; the body was not checked"),
        None => "the body has no @odata.type and no --resource was given; it was not checked"
            .to_string(),
    };
    INFO.finding(*at, JsonPointer::root(), message).with_hint(format!(
        "pass --resource NAME (known: {}) or add the resource to the catalog with --schemas DIR",
        known.join(", ")
    ))
}

/// A body the model has no type for: the type it names is unknown, or it names none.
pub fn in_model(at: crate::source::Span, named: Option<&str>, model: &crate::odata::Model) -> Finding {
    let message = match named {
        Some(t) => format!("the metadata has no type `{t}`; the body was not checked"),
        None => "nothing says what type this body is (no request to route it, no `@odata.type`); \
it was not checked"
            .to_string(),
    };
    let hint = match named {
        Some(t) => {
            let bare = t.trim_start_matches('#');
            let names = model.types.names();
            match crate::odata::resolve::nearest(bare, names).first() {
                Some(n) => format!("did you mean `{n}`?"),
                None => "check the type's namespace and name".to_string(),
            }
        }
        None => {
            "give the body an `@odata.type`, its request line, or pass --resource NAME".to_string()
        }
    };
    INFO.finding(at, JsonPointer::root(), message).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_type_when_there_is_one() {
        let unrouted = |odata_type| NoResource {
            at: crate::source::Span::new(0, 2),
            odata_type,
            known: vec!["A", "B"],
        };
        let d = diagnose(&unrouted(Some("#x.y")));
        assert_eq!(
            d.message,
            "no catalog resource has @odata.type `#x.y`; the body was not checked"
        );
        assert!(d.hint.unwrap().contains("(known: A, B)"));
        let d = diagnose(&unrouted(None));
        assert!(d.message.starts_with("the body has no @odata.type"));
        assert_eq!(d.severity, Severity::Warning);
    }
}
