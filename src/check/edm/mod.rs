//! Checks a body against an OData model: walks the JSON tree with the type each value should
//! have, by the rules of OData's JSON Format (4.01): control information and annotations
//! (`@odata.type` selects a derived type, with or without `#`), structural and navigation
//! properties (expanded or deep-inserted entities are checked as their type), open types,
//! primitive values in their OData forms, enum members, collections, and what a client may not
//! send (computed, read-only and immutable properties, keys in an update).
//!
//! One cause gives one finding: under an unknown field or a type that does not fit, nothing
//! more is reported; a case slip the service accepts (in an enum member or an `@odata.type`) is
//! a warning with a safe fix.

use super::verbose;
use crate::diagnostic::{Finding, FixAction};
use crate::direction::Direction;
use crate::json::{Member, Node};
use crate::odata::exchange::{Expect, Purpose};
use crate::odata::model::{Model, Primitive, TypeId, TypeRef, Version};
use crate::pointer::JsonPointer;
pub use crate::route_model::EdmTarget;
use crate::rules::unknown_field;

mod body;
mod structured;
mod value;

/// Checks `root` (the body) against `target`; findings go to `out`.
pub fn check(root: &Node, target: &EdmTarget<'_>, out: &mut Vec<Finding>) {
    let mut w = Walker {
        model: target.model,
        target,
        name: target.resource_name(),
        out: Vec::new(),
    };
    w.body(root);
    let name = w.name.clone();
    out.extend(w.out.into_iter().map(|mut d| {
        d.resource = Some(name.clone());
        d.direction = target.direction;
        d
    }));
}

struct Walker<'a, 'm> {
    model: &'m Model,
    target: &'a EdmTarget<'m>,
    name: String,
    out: Vec<Finding>,
}

/// The JSON type a value of `r` is written as (for messages and placeholders).
fn json_type(model: &Model, r: &TypeRef) -> &'static str {
    if r.collection {
        return "array";
    }
    match r.id {
        TypeId::Structured(_) | TypeId::AnyStructured => "object",
        TypeId::Enum(_) => "string",
        TypeId::Primitive(p) => match p {
            Primitive::Boolean => "boolean",
            // OData V2 and V3 write 64-bit integers as strings.
            Primitive::Int64 if model.version != Version::V4 => "string",
            Primitive::Byte
            | Primitive::SByte
            | Primitive::Int16
            | Primitive::Int32
            | Primitive::Int64 => "integer",
            Primitive::Decimal | Primitive::Double | Primitive::Single => "number",
            Primitive::Geography | Primitive::Geometry => "object",
            _ => "string",
        },
    }
}

/// A `wrong-odata-type` finding worded for V2's and V3's bare type names: `label` for
/// `@odata.type`, no `#` in the names it proposes.
fn bare_syntax(d: &mut Finding, label: &str) {
    fn reword(text: &str, label: &str) -> String {
        text.replace("`@odata.type`", label).replace("`#", "`")
    }
    d.message = reword(&d.message, label);
    d.hint = d.hint.as_deref().map(|h| reword(h, label));
    if let Some(crate::diagnostic::Fix {
        action: FixAction::ReplaceValue { new_json, .. },
        ..
    }) = &mut d.fix
    {
        *new_json = new_json.replacen("\"#", "\"", 1);
    }
}

/// How a body names an object's type: `@odata.type`'s `#microsoft.graph.user`, or V2's and V3's
/// bare `NS.Type` (`__metadata.type`, `odata.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeSyntax {
    Hashed,
    Bare,
}

/// What a `{"value": ...}` wrapper around a single entity holds.
enum Wrapped<'n> {
    One(&'n Node),
    Many(&'n [Node]),
}

fn is_annotation(key: &str) -> bool {
    unknown_field::is_annotation(key)
}

impl<'m> Walker<'_, 'm> {
    fn direction(&self) -> Option<Direction> {
        self.target.direction
    }

    /// A V2 or V3 service: its JSON may be verbose (`{"d": ...}`, `__metadata`, `results`).
    fn verbose(&self) -> bool {
        self.model.version != Version::V4
    }

    /// Control information, never a property: annotations, advertised operations, and V2/V3's
    /// `__metadata`, `__deferred`, `odata.*`.
    fn control(&self, key: &str) -> bool {
        is_annotation(key) || key.starts_with('#') || (self.verbose() && verbose::is_control(key))
    }

    /// Is the body a type's declaration (docs' resource block)?
    fn declaring(&self) -> bool {
        matches!(
            self.target.expect,
            Expect::Structured {
                purpose: Purpose::Declare,
                ..
            }
        )
    }

    /// `the X request body`, or `` `/a/b` of the X request body ``.
    fn subject(&self, pointer: &JsonPointer) -> String {
        let dir = self
            .direction()
            .map(|d| format!(" {}", d.as_str()))
            .unwrap_or_default();
        if pointer.is_root() {
            format!("the {}{dir} body", self.name)
        } else {
            format!("`{pointer}` of the {}{dir} body", self.name)
        }
    }
}

/// A value for a message: at most 60 characters.
fn short(s: &str) -> String {
    if s.chars().count() <= 60 {
        return s.to_string();
    }
    let cut: String = s.chars().take(57).collect();
    format!("{cut}...")
}

/// The pointer to item `i` of the array at `p`.
fn nth(p: &JsonPointer, i: usize) -> JsonPointer {
    let mut q = p.clone();
    q.push_index(i);
    q
}

fn list(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(8).map(|o| format!("`{o}`")).collect();
    let more = items.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The last occurrence of each key (what parsers keep), in file order of those.
fn last_of_each(members: &[Member]) -> impl Iterator<Item = &Member> {
    members
        .iter()
        .enumerate()
        .filter(move |(i, m)| !members[i + 1..].iter().any(|later| later.key == m.key))
        .map(|(_, m)| m)
}

fn member<'n>(node: &'n Node, key: &str) -> Option<&'n Member> {
    node.members()?.iter().rev().find(|m| m.key == key)
}

fn all_derived(model: &Model, ty: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack: Vec<u32> = model.ty(ty).derived.clone();
    while let Some(t) = stack.pop() {
        if out.len() > model.types.len() {
            break;
        }
        out.push(t);
        stack.extend(model.ty(t).derived.iter().copied());
    }
    out
}

fn first_concrete(model: &Model, ty: u32) -> Option<u32> {
    let mut all = all_derived(model, ty);
    all.sort_unstable();
    all.into_iter().find(|&t| !model.ty(t).is_abstract)
}

/// `` `x` takes `#ns.a`, `#ns.b` ... `` for a type with derived types.
fn derived_hint(model: &Model, ty: u32) -> String {
    let mut names: Vec<String> = std::iter::once(ty)
        .chain(all_derived(model, ty))
        .filter(|&t| !model.ty(t).is_abstract)
        .map(|t| format!("#{}", model.ty(t).name))
        .collect();
    names.sort();
    format!(
        "this value is a `{}`: one of {}",
        model.ty(ty).name,
        list(&names)
    )
}

/// The type derived from `ty` that declares `name`, if one does.
fn declared_below(model: &Model, ty: u32, name: &str) -> Option<String> {
    let mut derived = all_derived(model, ty);
    derived.sort_unstable();
    derived
        .into_iter()
        .find(|&t| {
            let t = model.ty(t);
            t.properties.iter().any(|p| p.name == name)
                || t.navigations.iter().any(|n| n.name == name)
        })
        .map(|t| model.ty(t).name.clone())
}
