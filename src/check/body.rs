//! Checks one parsed body against its resource: runs the compiled validator, maps its error
//! kinds to rules (one cause, one finding), and adds what a schema cannot say (duplicate keys,
//! read-only properties in requests, near-miss names).

use crate::catalog::Resource;
use crate::route::Target;

use crate::diagnostic::Finding;

use crate::direction::Direction;
use crate::json::{Document, Kind, Member, Node};
use crate::pointer::JsonPointer;
use crate::rule::Rule;
use crate::rules::{self, type_mismatch::placeholder, unknown_field};
use crate::source::Span;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Findings that do not depend on a resource: a body that is not an object, repeated keys.
/// Returns false when the body is not an object (and nothing else should be checked).
pub fn check_shape(
    text: &str,
    doc: &Document,
    target: Option<&Target<'_>>,
    out: &mut Vec<Finding>,
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
            rules::type_mismatch::diagnose(
                doc.root.span,
                &JsonPointer::root(),
                &doc.root,
                &types,
                &subject,
            ),
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
) -> Result<(), String> {
    let resource = target.resource;
    let mut found = Vec::new();
    if !matches!(root.kind, Kind::Object(_)) {
        // The body's own shape is check_shape's; an item's is checked here.
        let types = non_empty(resource.types_at(""));
        let subject = target.subject(&JsonPointer::root());
        found.push(rules::type_mismatch::diagnose(
            root.span,
            &JsonPointer::root(),
            root,
            &types,
            &subject,
        ));
    } else {
        let validator = if target.truncated {
            resource.validator(&[])?
        } else {
            resource.validator_for(&target.exchange)?
        };
        let deduplicated;
        let instance = if repeated_keys {
            deduplicated = root.without_repeated_keys();
            &deduplicated
        } else {
            root
        };
        if !validator.is_valid(instance) {
            let raw = collect(&validator, instance);
            map_errors(root, target, raw, &mut found);
        }
        if target.direction() == Some(Direction::Request) {
            read_only(root, target, &mut found);
        }
        if target.truncated {
            found.retain(|d| d.rule != Rule::MissingRequired);
        }
    }
    out.extend(found.into_iter().map(|mut d| {
        d.rebase(&target.at);
        tag(d, Some(target))
    }));
    Ok(())
}

/// The validator's errors, reduced to what the rules need.
enum RawError {
    Unknown {
        object: JsonPointer,
        name: String,
    },
    Missing {
        object: JsonPointer,
        property: String,
    },
    Type {
        pointer: JsonPointer,
    },
    Const {
        pointer: JsonPointer,
        /// The allowed `@odata.type` values.
        expected: Vec<String>,
    },
    /// A value of the right JSON type that a `format`, `enum`, `pattern` or range refuses.
    Value {
        pointer: JsonPointer,
        constraint: Constraint,
        message: String,
    },
    Other {
        pointer: JsonPointer,
        message: String,
    },
}

fn collect(validator: &crate::instance::Validator, instance: &Node) -> Vec<RawError> {
    let mut raw = Vec::new();
    for e in validator.iter_errors(instance) {
        let pointer = JsonPointer::parse(e.instance_path().as_str())
            .expect("the validator writes RFC 6901 pointers");
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
            ValidationErrorKind::FalseSchema => match pointer.split_last() {
                Some((object, name))
                    if instance
                        .pointer(&object)
                        .is_some_and(|n| matches!(n.kind, Kind::Object(_))) =>
                {
                    raw.push(RawError::Unknown {
                        name: name.into_owned(),
                        object,
                    })
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
                if pointer.last_token().as_deref() == Some("@odata.type") =>
            {
                raw.push(RawError::Const {
                    pointer,
                    expected: expected_value
                        .as_str()
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                })
            }
            ValidationErrorKind::Enum { options }
                if pointer.last_token().as_deref() == Some("@odata.type") =>
            {
                raw.push(RawError::Const {
                    pointer,
                    expected: strings(options),
                })
            }
            ValidationErrorKind::Enum { options } => raw.push(RawError::Value {
                pointer,
                constraint: Constraint::Members(strings(options)),
                message: e.to_string(),
            }),
            ValidationErrorKind::Format { format } => raw.push(RawError::Value {
                pointer,
                constraint: Constraint::Format(format.clone()),
                message: e.to_string(),
            }),
            ValidationErrorKind::Pattern { .. } => raw.push(RawError::Value {
                pointer,
                constraint: Constraint::Pattern,
                message: e.to_string(),
            }),
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. } => raw.push(RawError::Value {
                pointer,
                constraint: Constraint::Range,
                message: e.to_string(),
            }),
            _ => raw.push(RawError::Other {
                message: e.to_string(),
                pointer,
            }),
        }
    }
    raw
}

/// What a value of the right JSON type failed.
enum Constraint {
    Members(Vec<String>),
    Format(String),
    Pattern,
    Range,
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

/// The members of the objects findings are in, by key (the last of repeated keys, as
/// [`Node::member`] has it). A large object is indexed on first use, so looking up many keys of
/// it costs one pass over it; a small one is scanned.
struct MemberIndex<'a> {
    root: &'a Node,
    objects: HashMap<JsonPointer, Option<Members<'a>>>,
}

enum Members<'a> {
    Scanned(&'a [Member]),
    Indexed(HashMap<&'a str, &'a Member>),
}

/// Objects up to this many members are scanned rather than indexed.
const SCANNED_MEMBERS: usize = 16;

impl<'a> MemberIndex<'a> {
    fn new(root: &'a Node) -> Self {
        MemberIndex {
            root,
            objects: HashMap::new(),
        }
    }

    /// The member `key` of the object at pointer `object`.
    fn get(&mut self, object: &JsonPointer, key: &str) -> Option<&'a Member> {
        if !self.objects.contains_key(object) {
            let members = self.root.pointer(object).and_then(Node::members);
            let index = members.map(|ms| {
                if ms.len() <= SCANNED_MEMBERS {
                    Members::Scanned(ms)
                } else {
                    Members::Indexed(ms.iter().map(|m| (m.key.as_str(), m)).collect())
                }
            });
            self.objects.insert(object.clone(), index);
        }
        match self.objects[object].as_ref()? {
            Members::Scanned(ms) => ms.iter().rev().find(|m| m.key == key),
            Members::Indexed(index) => index.get(key).copied(),
        }
    }
}

fn map_errors(root: &Node, target: &Target<'_>, raw: Vec<RawError>, out: &mut Vec<Finding>) {
    let resource = target.resource;
    // Unknown fields first: they decide renames, and what lies under them is not reported.
    let unknowns: Vec<(&JsonPointer, &str)> = raw
        .iter()
        .filter_map(|r| match r {
            RawError::Unknown { object, name } if !unknown_field::is_annotation(name) => {
                Some((object, name.as_str()))
            }
            _ => None,
        })
        .collect();
    // Per unknown field: its near misses and the rename it asks. What is known and present is
    // looked up once per object, not once per field: a body can carry thousands of unknowns.
    let mut known_in: HashMap<&JsonPointer, Vec<String>> = HashMap::new();
    let mut members = MemberIndex::new(root);
    let mut looked: Vec<(Vec<String>, Option<unknown_field::Closeness>)> =
        Vec::with_capacity(unknowns.len());
    let mut proposals: Vec<Option<String>> = Vec::with_capacity(unknowns.len());
    let mut claims: HashMap<(&JsonPointer, String), usize> = HashMap::new();
    for &(object, name) in &unknowns {
        let known = known_in
            .entry(object)
            .or_insert_with(|| resource.property_names_in(object.as_str(), Some(root)));
        let (cands, closeness) = unknown_field::near_misses(name, known);
        let cands: Vec<String> = cands.into_iter().map(str::to_string).collect();
        let target = match cands.as_slice() {
            [one] if members.get(object, one).is_none() => Some(one.to_string()),
            _ => None,
        };
        if let Some(t) = &target {
            *claims.entry((object, t.clone())).or_default() += 1;
        }
        proposals.push(target);
        looked.push((cands, closeness));
    }
    let mut renames: HashMap<(JsonPointer, String), String> = HashMap::new();
    let mut unknown_pointers: HashSet<JsonPointer> = HashSet::new();
    for ((&(object, name), proposal), (cands, closeness)) in
        unknowns.iter().zip(proposals).zip(looked)
    {
        let Some(member) = members.get(object, name) else {
            continue;
        };
        let pointer = object.child(name);
        let rename = proposal.filter(|t| claims[&(object, t.clone())] == 1);
        if let Some(t) = &rename {
            renames.insert((object.clone(), t.clone()), name.to_string());
        }
        out.push(unknown_field::diagnose(
            member,
            &pointer,
            &target.subject(object),
            &known_in[object],
            (&cands, closeness),
            object,
            rename.as_deref(),
        ));
        unknown_pointers.insert(pointer);
    }
    // Is `p` an unknown field or inside one? Its prefixes are looked up, not every unknown.
    let under_unknown = |p: &JsonPointer| {
        !unknown_pointers.is_empty()
            && (unknown_pointers.contains(p) || p.ancestors().any(|a| unknown_pointers.contains(a)))
    };
    let odata_type_refused: Vec<JsonPointer> = raw
        .iter()
        .filter_map(|r| match r {
            RawError::Const { pointer, .. } => Some(pointer.clone()),
            _ => None,
        })
        .collect();
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
                let prop_pointer = object.child(&property);
                let types = resource.types_in(prop_pointer.as_str(), Some(root));
                let value = match odata_type_choices(resource, root, &prop_pointer) {
                    Some(first) if property == "@odata.type" => format!("\"{first}\""),
                    _ => placeholder(types.first().map_or("string", String::as_str), &property),
                };
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
                // A non-string `@odata.type` that a const or enum also refuses is one finding,
                // wrong-odata-type, not a second one telling to quote it.
                if under_unknown(&pointer) || odata_type_refused.contains(&pointer) {
                    continue;
                }
                let Some(node) = root.pointer(&pointer) else {
                    continue;
                };
                let at = key_span(root, &pointer).unwrap_or(node.span);
                let types = resource.types_in(pointer.as_str(), Some(root));
                let subject = target.subject(&JsonPointer::root());
                out.push(rules::type_mismatch::diagnose(
                    at, &pointer, node, &types, &subject,
                ));
            }
            RawError::Const { pointer, expected } => {
                let Some(member) = root.member(&pointer) else {
                    continue;
                };
                let Some(nearest) = nearest_type(&member.value.kind, &expected) else {
                    continue;
                };
                let mut d =
                    rules::wrong_odata_type::diagnose(member, &pointer, &nearest, &resource.name);
                if let Some(object) = pointer
                    .as_str()
                    .strip_suffix("/@odata.type")
                    .filter(|o| !o.is_empty())
                {
                    // A value inside the body: it may name its declared type or a type derived
                    // from it; say which.
                    let is_other = matches!(
                        rules::wrong_odata_type::classify(&member.value.kind, &nearest),
                        rules::wrong_odata_type::Mismatch::OtherType
                            | rules::wrong_odata_type::Mismatch::OtherNamespace
                    );
                    if is_other {
                        d = d.with_hint(format!(
                            "`{object}` takes one of {}",
                            list(&canonical(&expected))
                        ));
                    }
                }
                out.push(d);
            }
            RawError::Value {
                pointer,
                constraint,
                message,
            } => {
                if under_unknown(&pointer) {
                    continue;
                }
                let at = key_span(root, &pointer)
                    .or_else(|| root.pointer(&pointer).map(|n| n.span))
                    .unwrap_or(root.span);
                let (message, hint) = explain_value(resource, root, &pointer, constraint, message);
                let mut d = rules::invalid_value::diagnose(at, &pointer, message);
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                out.push(d);
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

/// Of the allowed `@odata.type` values, the one closest to what was found (so the hint and the
/// fix propose the likely intended type).
fn nearest_type(found: &Kind, expected: &[String]) -> Option<String> {
    let (Kind::String(found), [_, _, ..]) = (found, expected) else {
        return expected.first().cloned();
    };
    let bare = found.trim_start_matches('#').to_ascii_lowercase();
    expected
        .iter()
        .min_by_key(|e| strsim::levenshtein(&bare, &e.trim_start_matches('#').to_ascii_lowercase()))
        .cloned()
}

/// The `@odata.type` values a dispatching schema at `pointer` (`/target/@odata.type`) allows.
fn odata_type_choices(resource: &Resource, root: &Node, pointer: &JsonPointer) -> Option<String> {
    let parent = pointer.as_str().strip_suffix("/@odata.type")?;
    let schema = resource.subschema_in(parent, None)?;
    schema
        .pointer("/properties/@odata.type/enum/0")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|_| root.pointer(parent).is_some())
}

/// A plain message for a value that a constraint refuses, naming the OData type when the
/// schema says it (`x-odata-type`, `x-odata-enum`), and a hint.
fn explain_value(
    resource: &Resource,
    root: &Node,
    pointer: &JsonPointer,
    constraint: Constraint,
    fallback: String,
) -> (String, Option<String>) {
    let schema = resource.subschema_in(pointer.as_str(), Some(root));
    let declared = |key: &str| {
        // Look beside a `$ref` too: the property's own schema, before it is resolved.
        let (parent, token) = pointer.split_last()?;
        let parent = resource.subschema_in(parent.as_str(), Some(root))?;
        let own = parent
            .get("properties")
            .and_then(|p| p.get(token.as_ref()))
            .or_else(|| parent.get("items"));
        own.and_then(|s| s.get(key).or_else(|| s.get("items")?.get(key)))
            .or_else(|| schema?.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let value = root.pointer(pointer).map(|n| match &n.kind {
        Kind::String(s) => format!("`{s}`"),
        _ => format!("`{}`", n.to_value()),
    });
    let shown = value.unwrap_or_else(|| "the value".to_string());
    let where_ = if pointer.is_root() {
        "the body".to_string()
    } else {
        format!("`{pointer}`")
    };
    match constraint {
        Constraint::Members(options) => {
            let found = root.pointer(pointer).and_then(|n| match &n.kind {
                Kind::String(s) => Some(s.clone()),
                _ => None,
            });
            let of = declared("x-odata-enum")
                .map(|e| format!(" of `{e}`"))
                .unwrap_or_default();
            let message = format!("{shown} is not a member{of} at {where_}");
            let hint = match found.as_deref().map(|f| nearest_member(f, &options)) {
                Some(Some(m)) => format!("did you mean `{m}`?"),
                _ => format!("members: {}", list(&options)),
            };
            (message, Some(hint))
        }
        Constraint::Format(format) => match crate::catalog::edm::describe(&format) {
            Some((ty, example)) => (
                format!("{shown} at {where_} is not a valid {ty}"),
                Some(format!("write it like `{example}`")),
            ),
            None => (fallback, None),
        },
        Constraint::Pattern => match (declared("x-odata-enum"), declared("x-odata-type")) {
            (Some(e), _) => (
                format!("{shown} at {where_} is not a comma-separated list of `{e}` members"),
                None,
            ),
            (None, Some(ty)) => (
                format!("{shown} at {where_} is not a valid {ty}"),
                Some(match ty.as_str() {
                    "Edm.Int64" => "write a number, or a string of digits".to_string(),
                    "Edm.Double" | "Edm.Single" => {
                        "write a number, or one of the strings `INF`, `-INF`, `NaN`".to_string()
                    }
                    _ => "write a number, or a string holding one".to_string(),
                }),
            ),
            (None, None) => (fallback, None),
        },
        Constraint::Range => match declared("x-odata-type") {
            Some(ty) => (
                format!("{shown} at {where_} is out of range for {ty}"),
                None,
            ),
            None => (fallback, None),
        },
    }
}

fn nearest_member<'o>(found: &str, options: &'o [String]) -> Option<&'o str> {
    if let Some(same) = options.iter().find(|o| o.eq_ignore_ascii_case(found)) {
        return Some(same);
    }
    options
        .iter()
        .map(|o| {
            (
                strsim::levenshtein(&found.to_ascii_lowercase(), &o.to_ascii_lowercase()),
                o,
            )
        })
        .filter(|(d, o)| *d <= 2.max(o.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o.as_str())
}

/// Type names without their alias-qualified twins (`#graph.x` beside `#microsoft.graph.x`).
fn canonical(names: &[String]) -> Vec<String> {
    let last = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    names
        .iter()
        .filter(|n| {
            !names
                .iter()
                .any(|m| m.len() > n.len() && last(m) == last(n))
        })
        .cloned()
        .collect()
}

fn list(options: &[String]) -> String {
    let shown: Vec<String> = options.iter().take(8).map(|o| format!("`{o}`")).collect();
    let more = options.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The span of the key of the member at `pointer`, when the pointer names an object member.
fn key_span(root: &Node, pointer: &JsonPointer) -> Option<Span> {
    root.member(pointer).map(|m| m.key_span)
}

fn read_only(root: &Node, target: &Target<'_>, out: &mut Vec<Finding>) {
    let read_only = target.resource.read_only();
    if read_only.is_empty() {
        return;
    }
    let Some(members) = root.members() else {
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    // The last occurrence of a repeated key is the one parsers keep; report it once.
    for m in members.iter().rev() {
        if read_only.contains(&m.key) && !seen.contains(&m.key.as_str()) {
            seen.push(&m.key);
            let pointer = JsonPointer::root().child(&m.key);
            let subject = target.subject(&JsonPointer::root());
            out.push(rules::read_only_field::diagnose(
                m,
                &pointer,
                &JsonPointer::root(),
                &subject,
            ));
        }
    }
}
