//! Checks one parsed body against its resource. The compiled validator says what the schema
//! refuses; the rules say why each refusal is a finding and word it; this module keeps only
//! the precedence between them, so one cause gives one finding:
//!
//! - unknown fields first: they decide renames (and a missing property that a field's rename
//!   gives is called a misspelling), and nothing under an unknown field is reported;
//! - a non-string `@odata.type` that a `const` or `enum` refuses is a `wrong-odata-type`, not
//!   also a `type-mismatch`;
//! - the same rule at the same pointer is reported once.

use crate::catalog::Resource;
use crate::diagnostic::Finding;
use crate::instance::Validator;
use crate::json::{Document, Kind, Node};
use crate::pointer::JsonPointer;
use crate::route::Target;
use crate::rules::invalid_value::{Bound, Constraint};
use crate::rules::subject::Subject;
use crate::rules::{
    duplicate_key, invalid_value, missing_required, read_only_field, type_mismatch, unknown_field,
    wrong_odata_type,
};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;

/// The resource's schema could not be loaded or compiled (an imported catalog's file that
/// changed or broke since the import): paylint's own failure on this file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenSchema(pub String);

impl fmt::Display for BrokenSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BrokenSchema {}

/// Findings that do not depend on a resource: a body that is not an object, repeated keys.
/// Returns false when the body is not an object (and nothing else should be checked).
pub fn check_shape(
    text: &str,
    doc: &Document,
    target: Option<&Target<'_>>,
    out: &mut Vec<Finding>,
) -> bool {
    if !matches!(doc.root.kind, Kind::Object(_)) {
        let d = type_mismatch::not_an_object(&doc.root, target);
        out.push(tag(d, target));
        return false;
    }
    for dup in &doc.duplicates {
        out.push(tag(duplicate_key::find(text, dup), target));
    }
    true
}

/// Findings of a body routed to a resource name the resource and the direction.
fn tag(mut d: Finding, target: Option<&Target<'_>>) -> Finding {
    if let Some(t) = target {
        d.resource = Some(t.resource.name.clone());
        d.direction = t.direction();
    }
    d
}

/// Schema findings for `root`, the body or (`target.at`) an item of a collection in it; the
/// findings' pointers are the body's. `repeated_keys` says whether the document has a repeated
/// key anywhere: the schema then sees only the last occurrence of each, as serde_json would.
pub fn check_schema(
    root: &Node,
    repeated_keys: bool,
    target: &Target<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), BrokenSchema> {
    let subject = Subject { root, target };
    let mut found = Vec::new();
    if !matches!(root.kind, Kind::Object(_)) {
        // The body's own shape is check_shape's; an item's is checked here.
        found.push(type_mismatch::item_not_an_object(&subject));
    } else {
        let validator = validator(target)?;
        let deduplicated;
        let instance = if repeated_keys {
            deduplicated = root.without_repeated_keys();
            &deduplicated
        } else {
            root
        };
        if !validator.is_valid(instance) {
            found = one_cause_one_finding(&subject, refusals(&validator, instance));
        }
        found.extend(read_only_field::find(&subject));
    }
    out.extend(found.into_iter().map(|mut d| {
        d.rebase(&target.at);
        tag(d, Some(target))
    }));
    Ok(())
}

/// The validator for what the exchange requires (a shortened example: for the schema alone).
fn validator(target: &Target<'_>) -> Result<std::sync::Arc<Validator>, BrokenSchema> {
    let resource: &Resource = target.resource;
    let validator = if target.truncated {
        resource.validator(&[])
    } else {
        resource.validator_for(&target.exchange)
    };
    validator.map_err(BrokenSchema)
}

/// What the validator refused, reduced to what the rules need.
enum Refusal {
    /// `name` is not allowed in the object at `object`.
    Unknown { object: JsonPointer, name: String },
    /// `property` is required in the object at `object`.
    Missing {
        object: JsonPointer,
        property: String,
    },
    /// The value at `pointer` has the wrong JSON type.
    Type { pointer: JsonPointer },
    /// The `@odata.type` at `pointer` is not one of `expected`.
    OdataType {
        pointer: JsonPointer,
        expected: Vec<String>,
    },
    /// A value of the right JSON type that a constraint refuses.
    Value {
        pointer: JsonPointer,
        constraint: Constraint,
    },
}

impl Refusal {
    /// Where the refused thing is (for a missing property: its object).
    fn pointer(&self) -> &JsonPointer {
        match self {
            Refusal::Unknown { object, .. } | Refusal::Missing { object, .. } => object,
            Refusal::Type { pointer }
            | Refusal::OdataType { pointer, .. }
            | Refusal::Value { pointer, .. } => pointer,
        }
    }
}

/// The findings for what the validator refused, in the precedence the module describes.
fn one_cause_one_finding(subject: &Subject<'_>, refusals: Vec<Refusal>) -> Vec<Finding> {
    let unknowns: Vec<(&JsonPointer, &str)> = refusals
        .iter()
        .filter_map(|r| match r {
            Refusal::Unknown { object, name } => Some((object, name.as_str())),
            _ => None,
        })
        .collect();
    let unknown = unknown_field::find(subject, &unknowns);
    let odata_type_refused: Vec<&JsonPointer> = refusals
        .iter()
        .filter_map(|r| match r {
            Refusal::OdataType { pointer, .. } => Some(pointer),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(refusals.len());
    out.extend(unknown.findings.iter().cloned());
    for r in &refusals {
        let under_unknown = !matches!(r, Refusal::OdataType { .. }) && unknown.covers(r.pointer());
        if under_unknown {
            continue;
        }
        let finding = match r {
            Refusal::Unknown { .. } => None,
            Refusal::Missing { object, property } => {
                let typo = unknown.misspelling_of(object, property);
                missing_required::find(subject, object, property, typo)
            }
            Refusal::Type { pointer } if odata_type_refused.contains(&pointer) => None,
            Refusal::Type { pointer } => type_mismatch::find(subject, pointer),
            Refusal::OdataType { pointer, expected } => {
                wrong_odata_type::find(subject, pointer, expected)
            }
            Refusal::Value {
                pointer,
                constraint,
            } => Some(invalid_value::find(subject, pointer, constraint)),
        };
        out.extend(finding);
    }
    let mut seen = HashSet::new();
    out.retain(|d| seen.insert((d.rule, d.pointer.clone())));
    out
}

/// The validator's errors as refusals.
fn refusals(validator: &Validator, instance: &Node) -> Vec<Refusal> {
    let mut out = Vec::new();
    for e in validator.iter_errors(instance) {
        let pointer = JsonPointer::parse(e.instance_path().as_str())
            .expect("the validator writes RFC 6901 pointers");
        refusal(e.kind(), pointer, instance, &mut out);
    }
    out
}

fn refusal(
    kind: &ValidationErrorKind,
    pointer: JsonPointer,
    instance: &Node,
    out: &mut Vec<Refusal>,
) {
    let is_odata_type = pointer.last_token().as_deref() == Some("@odata.type");
    let refused = match kind {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let unknown = |name: &String| Refusal::Unknown {
                object: pointer.clone(),
                name: name.clone(),
            };
            return out.extend(unexpected.iter().map(unknown));
        }
        ValidationErrorKind::FalseSchema => match pointer.split_last() {
            Some((object, name)) if instance.pointer(&object).is_some_and(is_object) => {
                let name = name.into_owned();
                Refusal::Unknown { object, name }
            }
            _ => value(pointer, Constraint::Nothing),
        },
        ValidationErrorKind::Required { property } => Refusal::Missing {
            object: pointer,
            property: property.as_str().unwrap_or_default().to_string(),
        },
        ValidationErrorKind::Type { .. } => Refusal::Type { pointer },
        ValidationErrorKind::Constant { expected_value } if is_odata_type => {
            let expected = expected_value.as_str().map(str::to_string);
            let expected = expected.into_iter().collect();
            Refusal::OdataType { pointer, expected }
        }
        ValidationErrorKind::Enum { options } if is_odata_type => {
            let expected = strings(options);
            Refusal::OdataType { pointer, expected }
        }
        other => value(pointer, constraint(other)),
    };
    out.push(refused);
}

fn value(pointer: JsonPointer, constraint: Constraint) -> Refusal {
    Refusal::Value {
        pointer,
        constraint,
    }
}

fn is_object(node: &Node) -> bool {
    matches!(node.kind, Kind::Object(_))
}

/// What a schema keyword other than `type`, `required` and the unknown-field ones refused.
fn constraint(kind: &ValidationErrorKind) -> Constraint {
    use ValidationErrorKind as K;
    let range = |bound, limit: &Value| Constraint::Range {
        bound,
        limit: limit.to_string(),
    };
    match kind {
        K::Enum { options } => Constraint::Members(strings(options)),
        K::Format { format } => Constraint::Format(format.clone()),
        K::Pattern { pattern } => Constraint::Pattern(pattern.clone()),
        K::Minimum { limit } => range(Bound::AtLeast, limit),
        K::Maximum { limit } => range(Bound::AtMost, limit),
        K::ExclusiveMinimum { limit } => range(Bound::Above, limit),
        K::ExclusiveMaximum { limit } => range(Bound::Below, limit),
        K::MinLength { limit } => Constraint::Length {
            bound: Bound::AtLeast,
            limit: *limit,
        },
        K::MaxLength { limit } => Constraint::Length {
            bound: Bound::AtMost,
            limit: *limit,
        },
        K::MinItems { limit } => Constraint::Items {
            bound: Bound::AtLeast,
            limit: *limit,
        },
        K::MaxItems { limit } => Constraint::Items {
            bound: Bound::AtMost,
            limit: *limit,
        },
        K::MinProperties { limit } => Constraint::Properties {
            bound: Bound::AtLeast,
            limit: *limit,
        },
        K::MaxProperties { limit } => Constraint::Properties {
            bound: Bound::AtMost,
            limit: *limit,
        },
        K::Constant { expected_value } => Constraint::Constant(expected_value.to_string()),
        K::MultipleOf { multiple_of, .. } => Constraint::MultipleOf(multiple_of.to_string()),
        K::UniqueItems => Constraint::UniqueItems,
        K::FalseSchema => Constraint::Nothing,
        other => Constraint::Keyword(other.keyword().to_string()),
    }
}

fn strings(options: &Value) -> Vec<String> {
    options
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
