//! `omitted-property`: a type's declaration in docs (a resource page's JSON representation)
//! leaves out a structural property the metadata declares.

use super::{Rule, RuleInfo};
use crate::diagnostic::{Diagnostic, FixAction, Safety, Severity};
use crate::json::{pointer_join, Span};

pub const INFO: RuleInfo = RuleInfo {
    id: "omitted-property",
    severity: Severity::Warning,
    summary:
        "A resource's documented JSON representation leaves out a property the metadata declares.",
    explanation: "A resource page's JSON block (`\"blockType\": \"resource\"`) is the type's \
declaration: readers and SDK writers take it as the list of the type's properties. A structural \
property the metadata declares but the block omits is undocumented. List it with a placeholder \
value (`\"String\"`, `\"String (timestamp)\"`), or name it in the annotation's \
`optionalProperties` when leaving it out is deliberate.",
};

/// `object` is the declaration's `{`; `edm_type` the property's type (`Edm.String`).
pub fn diagnose(
    object: Span,
    object_pointer: &str,
    property: &str,
    edm_type: &str,
    owner: &str,
    placeholder: String,
) -> Diagnostic {
    Diagnostic::new(
        Rule::OmittedProperty,
        Span::new(object.start, object.start + 1),
        pointer_join(object_pointer, property),
        format!("the declaration of `{owner}` omits `{property}` ({edm_type}), which the metadata declares"),
    )
    .with_hint(format!(
        "add `\"{property}\": {placeholder}`, or list `{property}` in the annotation's `optionalProperties`"
    ))
    .with_fix(
        Safety::Unsafe,
        FixAction::InsertMember {
            object: object_pointer.to_string(),
            key: property.to_string(),
            value_json: placeholder,
        },
    )
}
