//! A compiled OData [`Model`] as catalog files: one draft 2020-12 JSON Schema per entity and
//! complex type (`Namespace.Name.schema.json`), one per enum too large to repeat in each
//! property that uses it, and the index entry of each type.
//!
//! What a type's file holds (see [`super::bundle`] for what the checker reads, assembled from
//! these):
//!
//! - the root is the type: `"type": "object"` and a `$ref` to its `shape`;
//! - `$defs/members`: the properties the type declares (`@odata.type` aside) and its navigation
//!   properties, with a `$ref` to its base type's `members`; what an `Annotations` block says of
//!   an inherited property through this type (a description, read-only) is a schema of that
//!   name holding only those keywords. No `required`: what is required comes from operations;
//! - `$defs/shape`: the type as a value: `members`, its own `@odata.type` names,
//!   `patternProperties: {"@": {}}` (control information and annotations are always allowed)
//!   and `unevaluatedProperties: false` unless the type or a base is open. No `type`, so a
//!   nullable property can refer to it;
//! - `$defs/value`, when a structural property uses the type, or a type it derives from, and the
//!   type has derived types: the value's `@odata.type` picks the shape it is checked as, the type
//!   itself when it is absent (`if` the type's own names `then` its shape `else` one of the
//!   derived types' `value`s); written once per type, so derived types times the properties
//!   that use them cost nothing.
//!
//! A property of a structured type `X` is `{"type": "object" or ["object", "null"], "$ref":
//! "urn:paylint:schema:X#/$defs/shape"}` (`…/value` when `X` has derived types). Names in
//! references are percent-encoded (`Straße` is `Stra%C3%9Fe`).

use super::bundle::DRAFT_2020_12;
use super::index::IndexEntry;
use super::names::urn;
use crate::odata::model::{
    EnumType, Kind, Model, Navigation, Primitive, Property, ReadOnly, TypeId, TypeRef, Version,
};
use serde_json::{json, Map, Value};

/// Enums with more members are written once, in a file of their own, not in every property.
pub const MAX_INLINE_MEMBERS: usize = 32;

/// Characters of a simple name and of a namespace, as the CSDL specification bounds them (and
/// the compiler checks).
const MAX_NAME: usize = 128;
const MAX_NAMESPACE: usize = 511;

/// Why a name cannot be a file name of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadName(pub String);

impl std::fmt::Display for BadName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A CSDL simple identifier: a letter or `_`, then letters, digits and `_`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Names Windows reserves for devices, with any extension.
fn is_device_name(segment: &str) -> bool {
    let upper = segment.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit())
}

/// The file of a type or enum: `namespace.Name.schema.json`, refused unless the namespace is
/// dot-separated identifiers, the name an identifier, both within CSDL's lengths, and the whole
/// one plain file name of at most 255 bytes. The compiler has refused such names already; this
/// is the last word before a name from the metadata reaches the file system.
pub fn schema_file(qualified: &str, short_at: usize) -> Result<String, BadName> {
    let shown = || qualified.chars().take(80).collect::<String>();
    let (Some(namespace), Some(name)) = (
        qualified.get(..short_at.saturating_sub(1)),
        qualified.get(short_at..),
    ) else {
        return Err(BadName(format!("`{}` is not a qualified name", shown())));
    };
    let ok = qualified.as_bytes().get(short_at.wrapping_sub(1)) == Some(&b'.')
        && !namespace.is_empty()
        && namespace.chars().count() <= MAX_NAMESPACE
        && namespace.split('.').all(is_identifier)
        && !namespace.split('.').next().is_some_and(is_device_name)
        && name.chars().count() <= MAX_NAME
        && is_identifier(name);
    if !ok {
        return Err(BadName(format!(
            "`{}` is not `namespace.Name` of identifiers: it cannot name a catalog file",
            shown()
        )));
    }
    let file = format!("{namespace}.{name}.schema.json");
    let mut parts = std::path::Path::new(&file).components();
    let plain = matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(_)), None)
    );
    if !plain || file.len() > 255 || file.starts_with('.') {
        return Err(BadName(format!(
            "`{}` makes a file name longer than 255 bytes",
            shown()
        )));
    }
    Ok(file)
}

/// The `@odata.type` values naming a type: `#Namespace.Name`, and `#Alias.Name` when its
/// namespace has an alias.
pub fn odata_names(model: &Model, qualified: &str, short_at: usize) -> Vec<String> {
    let mut out = vec![format!("#{qualified}")];
    let namespace = &qualified[..short_at.saturating_sub(1)];
    let alias = model
        .namespaces
        .iter()
        .find(|n| n.name == namespace)
        .and_then(|n| n.alias.as_deref());
    if let Some(alias) = alias {
        out.push(format!("#{alias}.{}", &qualified[short_at..]));
    }
    out
}

/// Does a client never send this property? (`Core.Computed`, `Core.Permissions: Read`, or both
/// SAP flags `false`; a property settable on create or on update only is not flagged, since
/// the catalog's read-only mark holds for every request.)
fn never_sent(r: Option<ReadOnly>) -> bool {
    matches!(
        r,
        Some(ReadOnly::Computed | ReadOnly::Permissions | ReadOnly::NotCreatableOrUpdatable)
    )
}

pub(crate) struct Mapper<'m> {
    m: &'m Model,
    /// Per type: whether its file has a `value` (a property uses it or a base of it, and it has
    /// derived types).
    dispatch: Vec<bool>,
    /// Per type: does it declare the key (rather than inherit it)?
    declares_key: Vec<bool>,
}

impl<'m> Mapper<'m> {
    /// Works out which types dispatch: one pass over the properties, then each subtree of a
    /// used base marked once.
    pub(crate) fn new(m: &'m Model) -> Mapper<'m> {
        let n = m.types.len();
        let mut dispatch = vec![false; n];
        let mut todo: Vec<u32> = Vec::new();
        for t in &m.types {
            for p in &t.properties {
                if let TypeId::Structured(x) = p.ty.id {
                    if !m.ty(x).derived.is_empty() && !dispatch[x as usize] {
                        dispatch[x as usize] = true;
                        todo.push(x);
                    }
                }
            }
        }
        while let Some(x) = todo.pop() {
            for &d in &m.ty(x).derived {
                if !dispatch[d as usize] {
                    dispatch[d as usize] = true;
                    todo.push(d);
                }
            }
        }
        let declares_key = m
            .types
            .iter()
            .map(|t| !t.key.is_empty() && t.base.is_none_or(|b| m.ty(b).key.is_empty()))
            .collect();
        Mapper {
            m,
            dispatch,
            declares_key,
        }
    }

    fn names(&self, ti: u32) -> Vec<String> {
        let t = self.m.ty(ti);
        odata_names(self.m, &t.name, t.short_at as usize)
    }

    /// The index entry of a type (operations are added by the caller).
    pub(crate) fn entry(&self, ti: u32, file: String) -> IndexEntry {
        let t = self.m.ty(ti);
        IndexEntry {
            name: t.name.clone(),
            kind: match t.kind {
                Kind::Entity => "entity",
                Kind::Complex => "complex",
            }
            .to_string(),
            odata_types: self.names(ti),
            base: t.base.map(|b| self.m.ty(b).name.clone()),
            r#abstract: t.is_abstract,
            open: t.open,
            schema: file,
            operations: Vec::new(),
        }
    }

    /// The whole file of a type.
    pub(crate) fn schema(&self, ti: u32) -> Value {
        let t = self.m.ty(ti);
        let mut root = Map::new();
        root.insert("$schema".into(), json!(DRAFT_2020_12));
        root.insert("$id".into(), json!(urn(&t.name)));
        root.insert("title".into(), json!(t.name));
        if let Some(d) = &t.description {
            root.insert("description".into(), json!(d));
        }
        root.insert("type".into(), json!("object"));
        root.insert("$ref".into(), json!("#/$defs/shape"));
        let mut defs = Map::new();
        defs.insert("members".into(), Value::Object(self.members(ti)));
        let mut shape = Map::new();
        shape.insert("$ref".into(), json!("#/$defs/members"));
        shape.insert(
            "properties".into(),
            json!({"@odata.type": {"type": "string", "enum": self.names(ti)}}),
        );
        shape.insert("patternProperties".into(), json!({"@": {}}));
        if !t.open {
            shape.insert("unevaluatedProperties".into(), Value::Bool(false));
        }
        defs.insert("shape".into(), Value::Object(shape));
        if self.dispatch[ti as usize] {
            defs.insert("value".into(), self.value(ti));
        }
        root.insert("$defs".into(), Value::Object(defs));
        Value::Object(root)
    }

    /// `$defs/members`: what the type declares, and a reference to what its base declares.
    fn members(&self, ti: u32) -> Map<String, Value> {
        let t = self.m.ty(ti);
        let mut props = Map::new();
        for p in &t.properties {
            let read_only = t.key.contains(&p.name) || never_sent(p.read_only);
            props.insert(p.name.clone(), Value::Object(self.property(p, read_only)));
        }
        for n in &t.navigations {
            props.insert(n.name.clone(), navigation(n));
        }
        // What this type says of inherited properties: it holds from here down.
        for a in &t.inherited {
            if let Some(d) = &a.description {
                set(&mut props, &a.property, "description", json!(d));
            }
            if never_sent(a.read_only) {
                set(&mut props, &a.property, "readOnly", Value::Bool(true));
            }
        }
        // A key naming properties of a base type makes them read-only from here down.
        if self.declares_key[ti as usize] {
            for k in &t.key {
                if !t.properties.iter().any(|p| &p.name == k) && !k.contains('/') {
                    set(&mut props, k, "readOnly", Value::Bool(true));
                }
            }
        }
        let mut members = Map::new();
        if let Some(b) = t.base {
            members.insert(
                "$ref".into(),
                json!(format!("{}#/$defs/members", urn(&self.m.ty(b).name))),
            );
        }
        members.insert("properties".into(), Value::Object(props));
        members
    }

    /// `$defs/value`: `if` the value's `@odata.type` is one of this type's names (or absent)
    /// `then` its shape (nothing, for an abstract type) `else` the `value` of one of the types
    /// derived from it.
    fn value(&self, ti: u32) -> Value {
        let t = self.m.ty(ti);
        let then = if t.is_abstract {
            Value::Bool(false)
        } else {
            json!({"$ref": "#/$defs/shape"})
        };
        let other = if t.derived.is_empty() {
            Value::Bool(false)
        } else {
            let derived: Vec<Value> = t
                .derived
                .iter()
                .map(|&d| json!({"$ref": format!("{}#/$defs/value", urn(&self.m.ty(d).name))}))
                .collect();
            json!({"anyOf": derived})
        };
        json!({
            "if": {"properties": {"@odata.type": {"enum": self.names(ti)}}},
            "then": then,
            "else": other,
        })
    }

    /// The schema of a structural property.
    fn property(&self, p: &Property, read_only: bool) -> Map<String, Value> {
        let mut s = if p.ty.collection {
            let mut s = Map::new();
            s.insert("type".into(), json!("array"));
            s.insert(
                "items".into(),
                Value::Object(self.type_schema(&p.ty, p.ty.nullable)),
            );
            s
        } else {
            self.type_schema(&p.ty, p.ty.nullable)
        };
        if let Some(d) = &p.description {
            s.insert("description".into(), json!(d));
        }
        if read_only {
            s.insert("readOnly".into(), Value::Bool(true));
        }
        s
    }

    /// The schema of one value of a type.
    fn type_schema(&self, r: &TypeRef, nullable: bool) -> Map<String, Value> {
        let mut s = match r.id {
            TypeId::Primitive(p) => {
                let mut s = edm(p, self.m.version);
                let name = r
                    .definition
                    .as_deref()
                    .or(r.written.as_deref())
                    .unwrap_or(p.name());
                s.insert("x-odata-type".into(), json!(name));
                s
            }
            TypeId::Enum(e) => {
                let e = &self.m.enums[e as usize];
                let mut s = Map::new();
                s.insert("type".into(), json!("string"));
                if e.members.len() > MAX_INLINE_MEMBERS {
                    s.insert("$ref".into(), json!(urn(&e.name)));
                } else {
                    s.extend(enum_check(e, false));
                }
                s.insert("x-odata-enum".into(), json!(e.name));
                s
            }
            TypeId::Structured(x) => {
                let part = if self.m.ty(x).derived.is_empty() {
                    "shape"
                } else {
                    "value"
                };
                let mut s = Map::new();
                s.insert("type".into(), json!("object"));
                s.insert(
                    "$ref".into(),
                    json!(format!("{}#/$defs/{part}", urn(&self.m.ty(x).name))),
                );
                s
            }
            TypeId::AnyStructured => {
                let mut s = Map::new();
                s.insert("type".into(), json!("object"));
                s
            }
        };
        if nullable {
            add_null(&mut s);
        }
        s
    }
}

/// The file of an enum too large to repeat in each property: its check, `null` allowed (the
/// property that refers to it says whether `null` is).
pub(crate) fn enum_schema(e: &EnumType) -> Value {
    let mut root = Map::new();
    root.insert("$schema".into(), json!(DRAFT_2020_12));
    root.insert("$id".into(), json!(urn(&e.name)));
    root.insert("title".into(), json!(e.name));
    root.extend(enum_check(e, true));
    Value::Object(root)
}

/// `enum` of the members, or for flags a `pattern` of a comma-separated list of them.
fn enum_check(e: &EnumType, with_null: bool) -> Map<String, Value> {
    let mut s = Map::new();
    if e.is_flags {
        let alt = e
            .members
            .iter()
            .map(|m| regex_escape(m))
            .collect::<Vec<_>>()
            .join("|");
        s.insert("pattern".into(), json!(format!(r"^({alt})(,\s*({alt}))*$")));
    } else {
        let mut members: Vec<Value> = e.members.iter().map(|m| json!(m)).collect();
        if with_null {
            members.push(Value::Null);
        }
        s.insert("enum".into(), Value::Array(members));
    }
    s
}

/// `props[name][key] = value`, `props[name]` created when missing: a schema of keywords that
/// add to what a base type's file says of the property.
fn set(props: &mut Map<String, Value>, name: &str, key: &str, value: Value) {
    let entry = props.entry(name.to_string()).or_insert_with(|| json!({}));
    if let Some(s) = entry.as_object_mut() {
        s.insert(key.to_string(), value);
    }
}

fn navigation(n: &Navigation) -> Value {
    let mut s = if n.collection {
        json!({"type": "array", "items": {"type": "object"}})
    } else {
        json!({"type": ["object", "null"]})
    };
    if let Some(d) = &n.description {
        s["description"] = Value::String(d.to_string());
    }
    s
}

/// The schema of a primitive type (no `null`).
fn edm(p: Primitive, version: Version) -> Map<String, Value> {
    use Primitive::*;
    let int = |min: i64, max: i64| json!({"type": "integer", "minimum": min, "maximum": max});
    let string_format = |f: &str| json!({"type": "string", "format": f});
    let v = match p {
        String => json!({"type": "string"}),
        Boolean => json!({"type": "boolean"}),
        Byte => int(0, 255),
        SByte => int(-128, 127),
        Int16 => int(i16::MIN.into(), i16::MAX.into()),
        Int32 => int(i32::MIN.into(), i32::MAX.into()),
        Int64 => json!({"type": ["integer", "string"], "pattern": "^-?[0-9]+$"}),
        Single | Double => json!({"type": ["number", "string"], "pattern": "^(-?INF|NaN)$"}),
        Decimal => json!({
            "type": ["number", "string"],
            "pattern": r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
        }),
        Guid => string_format("edm-guid"),
        Date => string_format("edm-date"),
        DateTimeOffset => string_format("edm-date-time-offset"),
        TimeOfDay => string_format("edm-time-of-day"),
        Duration => string_format("edm-duration"),
        // OData V2 and V3 JSON carry binary values in standard base64; V4 in base64url.
        Binary if version == Version::V4 => string_format("edm-binary"),
        Binary => string_format("edm-base64"),
        DateTime => string_format("edm-date-time"),
        Time => string_format("edm-time"),
        Geography | Geometry => json!({"type": "object"}),
        Stream | Untyped => json!({}),
    };
    match v {
        Value::Object(m) => m,
        _ => unreachable!("objects above"),
    }
}

/// `null` added to `type` (and `enum`), where there is a `type`.
fn add_null(s: &mut Map<String, Value>) {
    match s.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            s.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(ts)) => ts.push(json!("null")),
        _ => return,
    }
    if let Some(Value::Array(e)) = s.get_mut("enum") {
        e.push(Value::Null);
    }
}

pub(crate) fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // ECMA-262's syntax characters (identifiers never have them; any other escape is an
        // error in a `u`-mode regular expression).
        if "^$\\.*+?()[]{}|/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
