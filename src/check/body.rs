//! Checks one parsed body against its resource: runs the compiled validator, maps its error
//! kinds to rules (one cause, one finding), and adds what a schema cannot say (duplicate keys,
//! read-only properties in requests, near-miss names).

use crate::catalog::{Exchange, Resource};
use crate::diagnostic::{Diagnostic, Direction};
use crate::json::{pointer_join, Document, Kind, Node, Span};
use crate::rules::{self, type_mismatch::placeholder, unknown_field, Rule};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::collections::HashMap;

/// What a body is checked as.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub resource: &'a Resource,
    pub exchange: Exchange<'a>,
    /// A documented example shortened for readability: missing properties are not findings.
    pub truncated: bool,
}

impl Target<'_> {
    fn direction(&self) -> Option<Direction> {
        self.exchange.direction
    }

    fn subject(&self, object_pointer: &str) -> String {
        let body = match self.direction() {
            Some(d) => format!("{} {} body", self.resource.name, d.as_str()),
            None => format!("{} body", self.resource.name),
        };
        if object_pointer.is_empty() {
            format!("the {body}")
        } else {
            format!("`{object_pointer}` of the {body}")
        }
    }
}

/// Findings that do not depend on a resource: a body that is not an object, repeated keys.
/// Returns false when the body is not an object (and nothing else should be checked).
pub fn check_shape(
    text: &str,
    doc: &Document,
    target: Option<&Target<'_>>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if !matches!(doc.root.kind, Kind::Object(_)) {
        let (subject, types) = match target {
            Some(t) => (
                format!("a {} body", t.resource.name),
                non_empty(t.resource.types_at("")),
            ),
            None => ("a payload body".to_string(), vec!["object".to_string()]),
        };
        out.push(tag(
            rules::type_mismatch::diagnose(doc.root.span, "", &doc.root, &types, &subject),
            target,
        ));
        return false;
    }
    for dup in &doc.duplicates {
        let first_line = text[..dup.first.start].matches('\n').count() + 1;
        out.push(tag(rules::duplicate_key::diagnose(dup, first_line), target));
    }
    true
}

fn non_empty(types: Vec<String>) -> Vec<String> {
    if types.is_empty() {
        vec!["object".to_string()]
    } else {
        types
    }
}

fn tag(mut d: Diagnostic, target: Option<&Target<'_>>) -> Diagnostic {
    if let Some(t) = target {
        d.resource = Some(t.resource.name.clone());
        d.direction = t.direction();
    }
    d
}

/// Schema findings for a body whose root is an object.
pub fn check_schema(
    doc: &Document,
    target: &Target<'_>,
    out: &mut Vec<Diagnostic>,
) -> Result<(), String> {
    let resource = target.resource;
    let required = if target.truncated {
        Vec::new()
    } else {
        resource.required(target.exchange)
    };
    let validator = resource.validator(&required)?;
    let value = doc.root.to_value();
    let mut found = Vec::new();
    if !validator.is_valid(&value) {
        let raw = collect(&validator, &value);
        map_errors(doc, target, raw, &mut found);
    }
    if target.direction() == Some(Direction::Request) {
        read_only(doc, target, &mut found);
    }
    if target.truncated {
        found.retain(|d| d.rule != Rule::MissingRequired);
    }
    out.extend(found.into_iter().map(|d| tag(d, Some(target))));
    Ok(())
}

/// The validator's errors, reduced to what the rules need.
enum RawError {
    Unknown {
        object: String,
        name: String,
    },
    Missing {
        object: String,
        property: String,
    },
    Type {
        pointer: String,
    },
    Const {
        pointer: String,
        expected: Option<String>,
    },
    Other {
        pointer: String,
        message: String,
    },
}

fn collect(validator: &jsonschema::Validator, value: &Value) -> Vec<RawError> {
    let mut raw = Vec::new();
    for e in validator.iter_errors(value) {
        let pointer = e.instance_path().as_str().to_string();
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for name in unexpected {
                    raw.push(RawError::Unknown {
                        object: pointer.clone(),
                        name: name.clone(),
                    });
                }
            }
            ValidationErrorKind::FalseSchema => match split_pointer(&pointer) {
                Some((object, name)) if value.pointer(&object).is_some_and(Value::is_object) => {
                    raw.push(RawError::Unknown { object, name })
                }
                _ => raw.push(RawError::Other {
                    pointer,
                    message: "no value is allowed here".into(),
                }),
            },
            ValidationErrorKind::Required { property } => raw.push(RawError::Missing {
                object: pointer,
                property: property.as_str().unwrap_or_default().to_string(),
            }),
            ValidationErrorKind::Type { .. } => raw.push(RawError::Type { pointer }),
            ValidationErrorKind::Constant { expected_value }
                if pointer.ends_with("/@odata.type") =>
            {
                raw.push(RawError::Const {
                    pointer,
                    expected: expected_value.as_str().map(str::to_string),
                })
            }
            ValidationErrorKind::Enum { options } if pointer.ends_with("/@odata.type") => {
                raw.push(RawError::Const {
                    pointer,
                    expected: options.get(0).and_then(Value::as_str).map(str::to_string),
                })
            }
            _ => raw.push(RawError::Other {
                message: e.to_string(),
                pointer,
            }),
        }
    }
    raw
}

/// `"/a/b~1c"` -> `("/a", "b/c")`.
fn split_pointer(pointer: &str) -> Option<(String, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((
        parent.to_string(),
        crate::json::unescape_token(last).into_owned(),
    ))
}

fn map_errors(doc: &Document, target: &Target<'_>, raw: Vec<RawError>, out: &mut Vec<Diagnostic>) {
    let resource = target.resource;
    let root = &doc.root;
    // Unknown fields first: they decide renames, and what lies under them is not reported.
    let unknowns: Vec<(&str, &str)> = raw
        .iter()
        .filter_map(|r| match r {
            RawError::Unknown { object, name } if !unknown_field::is_annotation(name) => {
                Some((object.as_str(), name.as_str()))
            }
            _ => None,
        })
        .collect();
    let mut proposals: Vec<Option<String>> = Vec::with_capacity(unknowns.len());
    let mut claims: HashMap<(String, String), usize> = HashMap::new();
    for (object, name) in &unknowns {
        let known = resource.property_names(object);
        let (cands, _) = unknown_field::near_misses(name, &known);
        let present = |k: &str| {
            root.pointer(object)
                .and_then(Node::members)
                .is_some_and(|m| m.iter().any(|m| m.key == k))
        };
        let target = match cands.as_slice() {
            [one] if !present(one) => Some(one.to_string()),
            _ => None,
        };
        if let Some(t) = &target {
            *claims.entry((object.to_string(), t.clone())).or_default() += 1;
        }
        proposals.push(target);
    }
    let mut renames: HashMap<(String, String), String> = HashMap::new();
    let mut unknown_pointers = Vec::new();
    for ((object, name), proposal) in unknowns.iter().zip(proposals) {
        let pointer = pointer_join(object, name);
        let Some(member) = root.member(&pointer) else {
            continue;
        };
        let rename = proposal.filter(|t| claims[&(object.to_string(), t.clone())] == 1);
        if let Some(t) = &rename {
            renames.insert((object.to_string(), t.clone()), name.to_string());
        }
        let known = resource.property_names(object);
        out.push(unknown_field::diagnose(
            member,
            &pointer,
            &target.subject(object),
            &known,
            object,
            rename.as_deref(),
        ));
        unknown_pointers.push(pointer);
    }
    let under_unknown = |p: &str| {
        unknown_pointers
            .iter()
            .any(|u| p == u || (p.starts_with(u.as_str()) && p[u.len()..].starts_with('/')))
    };
    for r in raw {
        match r {
            RawError::Unknown { .. } => {}
            RawError::Missing { object, property } => {
                if under_unknown(&object) {
                    continue;
                }
                let Some(node) = root.pointer(&object) else {
                    continue;
                };
                let prop_pointer = pointer_join(&object, &property);
                let types = resource.types_at(&prop_pointer);
                let value = placeholder(types.first().map_or("string", String::as_str), &property);
                let typo = renames
                    .get(&(object.clone(), property.clone()))
                    .map(String::as_str);
                out.push(rules::missing_required::diagnose(
                    node.span,
                    &object,
                    &property,
                    &target.subject(&object),
                    typo,
                    value,
                ));
            }
            RawError::Type { pointer } => {
                if under_unknown(&pointer) {
                    continue;
                }
                let Some(node) = root.pointer(&pointer) else {
                    continue;
                };
                let at = key_span(root, &pointer).unwrap_or(node.span);
                let types = resource.types_at(&pointer);
                let subject = target.subject("");
                out.push(rules::type_mismatch::diagnose(
                    at, &pointer, node, &types, &subject,
                ));
            }
            RawError::Const { pointer, expected } => {
                let (Some(member), Some(expected)) = (root.member(&pointer), expected) else {
                    continue;
                };
                out.push(rules::wrong_odata_type::diagnose(
                    member,
                    &pointer,
                    &expected,
                    &resource.name,
                ));
            }
            RawError::Other { pointer, message } => {
                if under_unknown(&pointer) {
                    continue;
                }
                let at = key_span(root, &pointer)
                    .or_else(|| root.pointer(&pointer).map(|n| n.span))
                    .unwrap_or(root.span);
                out.push(rules::invalid_value::diagnose(at, &pointer, message));
            }
        }
    }
    // One cause, one finding: the same rule at the same pointer is reported once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert((d.rule, d.pointer.clone())));
}

/// The span of the key of the member at `pointer`, when the pointer names an object member.
fn key_span(root: &Node, pointer: &str) -> Option<Span> {
    root.member(pointer).map(|m| m.key_span)
}

fn read_only(doc: &Document, target: &Target<'_>, out: &mut Vec<Diagnostic>) {
    let read_only = target.resource.read_only();
    if read_only.is_empty() {
        return;
    }
    let Some(members) = doc.root.members() else {
        return;
    };
    let subject = target.subject("");
    let mut seen: Vec<&str> = Vec::new();
    // The last occurrence of a repeated key is the one parsers keep; report it once.
    for m in members.iter().rev() {
        if read_only.contains(&m.key) && !seen.contains(&m.key.as_str()) {
            seen.push(&m.key);
            let pointer = pointer_join("", &m.key);
            out.push(rules::read_only_field::diagnose(m, &pointer, "", &subject));
        }
    }
}
