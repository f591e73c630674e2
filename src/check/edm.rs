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
use crate::catalog::edm as formats;
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::direction::Direction;
use crate::json::{Kind, Member, Node};
use crate::odata::exchange::{Expect, Purpose};
use crate::odata::model::{Kind as TypeKind, Model, Primitive, ReadOnly, TypeId, TypeRef, Version};
use crate::odata::resolve::{nearest, type_name};
use crate::pointer::JsonPointer;
pub use crate::route_model::EdmTarget;
use crate::rule::Severity;
use crate::rules::subject::placeholder;
use crate::rules::{self, unknown_field};
use crate::source::Span;

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

    fn body(&mut self, root: &Node) {
        let target = self.target;
        if self.verbose() {
            if let Some(d) = verbose::envelope(root) {
                return self.verbose_body(d);
            }
        }
        match &target.expect {
            Expect::Structured {
                ty,
                collection: false,
                purpose,
            } => {
                if !self.object_or_mismatch(root, &JsonPointer::root()) {
                    return;
                }
                match self.wrapper(root, *ty) {
                    Some(Wrapped::One(inner)) => self.object(
                        inner,
                        *ty,
                        &JsonPointer::root().child("value"),
                        *purpose,
                        true,
                    ),
                    Some(Wrapped::Many(items)) => {
                        let at = JsonPointer::root().child("value");
                        for (i, item) in items.iter().enumerate() {
                            if matches!(item.kind, Kind::Object(_)) {
                                self.object(item, *ty, &at.child(&i.to_string()), *purpose, true);
                            }
                        }
                    }
                    None => self.object(root, *ty, &JsonPointer::root(), *purpose, true),
                }
            }
            Expect::Structured {
                ty,
                collection: true,
                purpose,
            } => {
                let item = TypeRef {
                    id: TypeId::Structured(*ty),
                    collection: false,
                    nullable: false,
                    max_length: None,
                    definition: None,
                    written: None,
                };
                self.wrapped(root, &item, true, |w, node, ptr| {
                    if w.object_or_mismatch(node, ptr) {
                        w.object(node, *ty, ptr, *purpose, true);
                    }
                });
            }
            Expect::Value(r) => {
                let r = r.clone();
                self.wrapped(root, &r, r.collection, |w, node, ptr| {
                    let mut item = r.clone();
                    if *ptr != "/value" {
                        item.collection = false;
                        w.value(node, &item, ptr, Purpose::Read, node.span);
                    } else {
                        w.value(node, &r, ptr, Purpose::Read, node.span);
                    }
                });
            }
            Expect::Parameters { op } => {
                if self.object_or_mismatch(root, &JsonPointer::root()) {
                    self.parameters(root, *op);
                }
            }
            Expect::Reference { collection } => {
                if *collection {
                    let item = TypeRef {
                        id: TypeId::AnyStructured,
                        collection: false,
                        nullable: false,
                        max_length: None,
                        definition: None,
                        written: None,
                    };
                    self.wrapped(root, &item, true, |w, node, ptr| {
                        if w.object_or_mismatch(node, ptr) {
                            w.reference(node, ptr);
                        }
                    });
                } else if self.object_or_mismatch(root, &JsonPointer::root()) {
                    self.reference(root, &JsonPointer::root());
                }
            }
            Expect::Error => {
                if self.object_or_mismatch(root, &JsonPointer::root()) {
                    self.error_body(root);
                }
            }
            Expect::Nothing | Expect::NotJson | Expect::Unknown => {}
        }
    }

    /// A V2/V3 response in its `d` envelope: an entity, a collection (`results`, or V1's bare
    /// array), or a property's or function's value (`{"d": {"Name": value}}`).
    fn verbose_body(&mut self, d: &Member) {
        let at = JsonPointer::root().child("d");
        match &self.target.expect {
            Expect::Structured {
                ty,
                collection: false,
                purpose,
            } => {
                if !self.object_or_mismatch(&d.value, &at) {
                    return;
                }
                self.object(&d.value, *ty, &at, *purpose, true);
            }
            Expect::Structured {
                ty,
                collection: true,
                purpose,
            } => {
                let (items, base) = match (&d.value.kind, verbose::results(&d.value)) {
                    (Kind::Array(items), _) => (items, at),
                    (_, Some(results)) => match &results.value.kind {
                        Kind::Array(items) => (items, at.child("results")),
                        _ => return,
                    },
                    _ => {
                        let item = TypeRef {
                            id: TypeId::Structured(*ty),
                            collection: true,
                            nullable: false,
                            max_length: None,
                            definition: None,
                            written: None,
                        };
                        return self.mismatch(&d.value, &at, &item, d.value.span);
                    }
                };
                for (i, item) in items.iter().enumerate() {
                    let ptr = nth(&base, i);
                    if self.object_or_mismatch(item, &ptr) {
                        self.object(item, *ty, &ptr, *purpose, true);
                    }
                }
            }
            Expect::Value(r) => {
                let r = r.clone();
                let values: Vec<&Member> = d
                    .value
                    .members()
                    .unwrap_or(&[])
                    .iter()
                    .filter(|m| !verbose::is_control(&m.key))
                    .collect();
                match values.as_slice() {
                    // A bare value, a V1 array, or V2's `{"results": [...]}`: the value itself.
                    _ if d.value.members().is_none() || verbose::results(&d.value).is_some() => {
                        self.value(&d.value, &r, &at, Purpose::Read, d.value.span);
                    }
                    // `{"d": {"Name": value}}`: the property's or function's value by its name.
                    [one] => {
                        let ptr = at.child(&one.key);
                        self.value(&one.value, &r, &ptr, Purpose::Read, one.key_span);
                    }
                    _ => {}
                }
            }
            // Errors, references, parameters: V2 sends them as V4 does, or as nothing checkable.
            _ => {}
        }
    }

    /// `{"value": {...}}` or `{"value": [{...}]}` where one `ty` is sent (how Intune's and
    /// some Teams pages write a single entity): one finding, and what is inside to check as
    /// the entity.
    fn wrapper<'n>(&mut self, root: &'n Node, ty: u32) -> Option<Wrapped<'n>> {
        let members = root.members()?;
        let value = members.iter().rev().find(|m| m.key == "value")?;
        let alone = members
            .iter()
            .all(|m| m.key == "value" || is_annotation(&m.key));
        let own = self.model.property(ty, "value").is_some()
            || self.model.navigation(ty, "value").is_some()
            || self.model.ty(ty).open;
        if !alone || own {
            return None;
        }
        let (wrapped, what) = match &value.value.kind {
            Kind::Object(_) => (Wrapped::One(&value.value), "wraps one"),
            Kind::Array(items)
                if !items.is_empty() && items.iter().all(|i| matches!(i.kind, Kind::Object(_))) =>
            {
                (Wrapped::Many(items), "is a collection of")
            }
            _ => return None,
        };
        let mut d = unknown_field::diagnose(
            value,
            &JsonPointer::root().child("value"),
            &self.subject(&JsonPointer::root()),
            &[],
            (&[], None),
            &JsonPointer::root(),
            None,
        );
        d.message = format!(
            "the body {what} `{}` in `value`, but the request addresses one: a single entity is sent as the object itself",
            self.model.ty(ty).name
        );
        d.hint = Some(
            "send the object's members at the top level (`{\"value\": [...]}` is for collections)"
                .into(),
        );
        d.fix = None;
        self.out.push(d);
        Some(wrapped)
    }

    /// Is `node` an object? If not, one `type-mismatch` finding.
    fn object_or_mismatch(&mut self, node: &Node, pointer: &JsonPointer) -> bool {
        if matches!(node.kind, Kind::Object(_)) {
            return true;
        }
        let subject = if pointer.is_root() {
            format!("a {} body", self.name)
        } else {
            self.subject(&JsonPointer::root())
        };
        self.out.push(rules::type_mismatch::diagnose(
            node.span,
            pointer,
            node,
            &["object".to_string()],
            &subject,
        ));
        false
    }

    /// `{"value": ...}` with annotations around it (a collection, or a primitive value): `each`
    /// is called for every item (collection) or the value.
    fn wrapped(
        &mut self,
        root: &Node,
        r: &TypeRef,
        collection: bool,
        mut each: impl FnMut(&mut Self, &Node, &JsonPointer),
    ) {
        if !self.object_or_mismatch(root, &JsonPointer::root()) {
            return;
        }
        let members = root.members().unwrap_or(&[]);
        let value = members.iter().rev().find(|m| m.key == "value");
        let others: Vec<&Member> = last_of_each(members)
            .filter(|m| m.key != "value" && !self.control(&m.key))
            .collect();
        if value.is_none() && collection && !others.is_empty() {
            // One object where a collection is sent: one finding, and the object checked as
            // an item (what it holds is still worth checking).
            let mut d = rules::type_mismatch::diagnose(
                root.span,
                &JsonPointer::root(),
                root,
                &["object".to_string()],
                &self.subject(&JsonPointer::root()),
            );
            d.message = format!(
                "a collection is sent as `{{\"value\": [...]}}`, but this body is one object; {} is a collection",
                self.subject(&JsonPointer::root())
            );
            d.hint = Some("wrap the items in `\"value\": [...]`".to_string());
            self.out.push(d);
            each(self, root, &JsonPointer::root());
            return;
        }
        for m in others {
            let known = vec!["value".to_string()];
            let (c, closeness) = unknown_field::near_misses(&m.key, &known);
            let cands: Vec<String> = c.into_iter().map(str::to_string).collect();
            self.out.push(unknown_field::diagnose(
                m,
                &JsonPointer::root().child(&m.key),
                &self.subject(&JsonPointer::root()),
                &known,
                (&cands, closeness),
                &JsonPointer::root(),
                None,
            ));
        }
        let Some(value) = value else {
            if !self.target.truncated {
                self.out.push(rules::missing_required::diagnose(
                    root.span,
                    &JsonPointer::root(),
                    "value",
                    &self.subject(&JsonPointer::root()),
                    None,
                    if collection {
                        "[]".into()
                    } else {
                        placeholder(json_type(self.model, r), "value")
                    },
                ));
            }
            return;
        };
        if !collection {
            each(self, &value.value, &JsonPointer::root().child("value"));
            return;
        }
        match &value.value.kind {
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if matches!(item.kind, Kind::Null) && r.nullable {
                        continue;
                    }
                    each(self, item, &nth(&JsonPointer::root().child("value"), i));
                }
            }
            _ => {
                self.out.push(rules::type_mismatch::diagnose(
                    value.key_span,
                    &JsonPointer::root().child("value"),
                    &value.value,
                    &["array".to_string()],
                    &self.subject(&JsonPointer::root()),
                ));
                if matches!(value.value.kind, Kind::Object(_)) {
                    each(self, &value.value, &JsonPointer::root().child("value"));
                }
            }
        }
    }

    /// The type an object is checked as: its `@odata.type` when that names `declared` or a
    /// type derived from it; `None` when it names a type that does not fit (reported; the
    /// object is not checked further).
    fn actual_type(&mut self, node: &Node, declared: u32, pointer: &JsonPointer) -> Option<u32> {
        // V2's `__metadata.type` and V3's `odata.type` name the type without `#`.
        let (found, syntax) = match member(node, "@odata.type") {
            Some(m) => (Some(m), TypeSyntax::Hashed),
            None if self.verbose() => (verbose::type_member(node), TypeSyntax::Bare),
            None => (None, TypeSyntax::Hashed),
        };
        let first = self.out.len();
        let ty = self.named_type(node, found, syntax, declared, pointer);
        if let (TypeSyntax::Bare, Some(m)) = (syntax, found) {
            let label = if m.key == "type" {
                "`__metadata.type`"
            } else {
                "`odata.type`"
            };
            for d in &mut self.out[first..] {
                if d.rule == crate::rule::Rule::WrongOdataType {
                    bare_syntax(d, label);
                }
            }
        }
        ty
    }

    /// [`Walker::actual_type`] with the member naming the type, if any, found.
    fn named_type(
        &mut self,
        node: &Node,
        found: Option<&Member>,
        syntax: TypeSyntax,
        declared: u32,
        pointer: &JsonPointer,
    ) -> Option<u32> {
        let model = self.model;
        let Some(m) = found else {
            let d = model.ty(declared);
            if d.is_abstract && !d.derived.is_empty() && !self.target.truncated && !self.declaring()
            {
                let concrete = first_concrete(model, declared);
                self.out.push(rules::missing_required::diagnose(
                    node.span,
                    pointer,
                    "@odata.type",
                    &self.subject(pointer),
                    None,
                    concrete
                        .map(|c| format!("\"#{}\"", model.ty(c).name))
                        .unwrap_or_else(|| "\"#\"".into()),
                ));
            }
            return Some(declared);
        };
        let type_pointer = match (syntax, m.key.as_str()) {
            (TypeSyntax::Bare, "type") => pointer.child("__metadata").child("type"),
            _ => pointer.child(&m.key),
        };
        let Kind::String(written) = &m.value.kind else {
            self.out.push(rules::wrong_odata_type::diagnose(
                m,
                &type_pointer,
                &format!("#{}", model.ty(declared).name),
                &model.ty(declared).name,
            ));
            return Some(declared);
        };
        let bare = written.trim_start_matches('#');
        let exact = model.structured(bare);
        let found = exact.or_else(|| {
            let q = model.qualify(bare).to_lowercase();
            model
                .types
                .iter()
                .position(|t| t.name.to_lowercase() == q)
                .map(|i| i as u32)
        });
        match found {
            Some(t) if model.derives_from(t, declared) => {
                let canonical = format!("#{}", model.ty(t).name);
                let alias_ok = exact.is_some()
                    && (written.starts_with('#') || self.declaring() || syntax == TypeSyntax::Bare);
                if !alias_ok {
                    // A missing `#` or a case slip: the service accepts it; one warning, a
                    // safe fix, and the body checked as the type it names.
                    let mut d = rules::wrong_odata_type::diagnose(
                        m,
                        &type_pointer,
                        &canonical,
                        &model.ty(t).name,
                    );
                    d.severity = Severity::Warning;
                    self.out.push(d);
                }
                Some(t)
            }
            Some(t) => {
                let mut d = rules::wrong_odata_type::diagnose(
                    m,
                    &type_pointer,
                    &format!("#{}", model.ty(declared).name),
                    &model.ty(declared).name,
                );
                d.message = format!(
                    "`@odata.type` is `{written}`, which is not `{}` or a type derived from it",
                    model.ty(declared).name
                );
                d.hint = Some(derived_hint(model, declared));
                let _ = t;
                d.fix = None;
                self.out.push(d);
                None
            }
            None => {
                let mut names: Vec<&str> = std::iter::once(declared)
                    .chain(all_derived(model, declared))
                    .map(|t| model.ty(t).name.as_str())
                    .collect();
                names.sort_unstable();
                let near = nearest(bare, names.iter().copied());
                let mut d = rules::wrong_odata_type::diagnose(
                    m,
                    &type_pointer,
                    &format!(
                        "#{}",
                        near.first()
                            .map_or(model.ty(declared).name.as_str(), String::as_str)
                    ),
                    &model.ty(declared).name,
                );
                d.message =
                    format!("`@odata.type` is `{written}`, which names no type of the model");
                d.hint = Some(match near.first() {
                    Some(n) => format!("did you mean `#{n}`?"),
                    None => derived_hint(model, declared),
                });
                if near.is_empty() {
                    d.fix = None;
                }
                self.out.push(d);
                Some(declared)
            }
        }
    }

    /// An entity or complex object of (at least) type `declared`.
    fn object(
        &mut self,
        node: &Node,
        declared: u32,
        pointer: &JsonPointer,
        purpose: Purpose,
        top: bool,
    ) {
        let model = self.model;
        let Some(ty) = self.actual_type(node, declared, pointer) else {
            return;
        };
        if model.ty(ty).any_json {
            return;
        }
        let members = node.members().unwrap_or(&[]);
        let open = model.ty(ty).open;
        let request = self.direction() == Some(Direction::Request);
        let mut unknown: Vec<(&Member, Option<&str>)> = Vec::new();
        for m in last_of_each(members) {
            let key = m.key.as_str();
            let ptr = pointer.child(key);
            if key.starts_with('#') || (self.verbose() && verbose::is_control(key)) {
                continue; // an advertised action or function (full metadata), V2's __metadata
            }
            if let Some(prop) = key.strip_suffix("@odata.bind") {
                if !prop.is_empty() && !open && model.navigation(ty, prop).is_none() {
                    unknown.push((m, Some(prop)));
                }
                continue;
            }
            if is_annotation(key) {
                continue;
            }
            if let Some(p) = model.property(ty, key) {
                let (r, read_only) = (p.ty.clone(), p.read_only);
                self.value(&m.value, &r, &ptr, purpose, m.key_span);
                if request {
                    self.read_only(m, ty, key, read_only, purpose, pointer, &ptr);
                }
            } else if let Some(n) = model.navigation(ty, key) {
                let r = TypeRef {
                    id: TypeId::Structured(n.target),
                    collection: n.collection,
                    nullable: n.nullable,
                    max_length: None,
                    definition: None,
                    written: None,
                };
                let inner = if request { purpose } else { Purpose::Read };
                self.value(&m.value, &r, &ptr, inner, m.key_span);
            } else if !open {
                unknown.push((m, None));
            }
        }
        self.unknowns(node, ty, pointer, &unknown);
        self.required(node, ty, pointer, purpose, top);
    }

    /// `unknown-field` for each unknown member of an object of type `ty`. A rename is offered
    /// as a safe fix only into a structural property that is not already present and that no
    /// other unknown member of the object would be renamed into.
    fn unknowns(
        &mut self,
        node: &Node,
        ty: u32,
        object: &JsonPointer,
        unknown: &[(&Member, Option<&str>)],
    ) {
        if unknown.is_empty() {
            return;
        }
        let model = self.model;
        let known: Vec<String> = model
            .member_names(ty)
            .into_iter()
            .map(str::to_string)
            .collect();
        let looked: Vec<(Vec<String>, Option<unknown_field::Closeness>)> = unknown
            .iter()
            .map(|(m, bound)| {
                let (c, closeness) = unknown_field::near_misses(bound.unwrap_or(&m.key), &known);
                (c.into_iter().map(str::to_string).collect(), closeness)
            })
            .collect();
        let proposal = |i: usize| match (looked[i].0.as_slice(), unknown[i].1) {
            ([one], None) if model.property(ty, one).is_some() && member(node, one).is_none() => {
                Some(one.clone())
            }
            _ => None,
        };
        let proposals: Vec<Option<String>> = (0..unknown.len()).map(proposal).collect();
        for (i, (m, bound)) in unknown.iter().enumerate() {
            let claimed = proposals
                .iter()
                .filter(|p| p.is_some() && *p == &proposals[i])
                .count();
            let rename = proposals[i].clone().filter(|_| claimed == 1);
            let ptr = object.child(&m.key);
            self.unknown(m, ty, object, &ptr, *bound, &known, &looked[i], rename);
        }
    }

    /// `unknown-field` for member `m` of an object of type `ty` (`bound`: the property an
    /// `@odata.bind` annotation names).
    #[allow(clippy::too_many_arguments)]
    fn unknown(
        &mut self,
        m: &Member,
        ty: u32,
        object: &JsonPointer,
        ptr: &JsonPointer,
        bound: Option<&str>,
        known: &[String],
        (cands, closeness): &(Vec<String>, Option<unknown_field::Closeness>),
        rename: Option<String>,
    ) {
        let model = self.model;
        let name = bound.unwrap_or(&m.key);
        let closeness = *closeness;
        let shown: Vec<String> = if known.len() > 12 {
            Vec::new()
        } else {
            known.to_vec()
        };
        let mut d = unknown_field::diagnose(
            m,
            ptr,
            &self.subject(object),
            &shown,
            (cands, closeness),
            object,
            rename.as_deref(),
        );
        if let Some(prop) = bound {
            d.message = format!(
                "`{}` binds `{prop}`, which is no navigation property of {}",
                m.key,
                self.subject(object)
            );
        }
        match cands.as_slice() {
            [one] if model.navigation(ty, one).is_some() && bound.is_none() => {
                d.hint = Some(format!(
                    "did you mean `{one}`? It is a navigation property: bind an existing entity with `\"{one}@odata.bind\": \"<url>\"`"
                ));
            }
            [] => {
                if let Some(owner) = declared_below(model, ty, name) {
                    d.hint = Some(format!(
                        "`{name}` is a property of `{owner}`, which derives from `{}`: add `\"@odata.type\": \"#{owner}\"`",
                        model.ty(ty).name
                    ));
                } else if known.len() > 12 {
                    d.hint = Some(format!(
                        "`{}` has no property of that name or close to it; annotations (names with `@`) are always allowed",
                        model.ty(ty).name
                    ));
                }
            }
            _ => {}
        }
        self.out.push(d);
    }

    #[allow(clippy::too_many_arguments)]
    fn read_only(
        &mut self,
        m: &Member,
        ty: u32,
        key: &str,
        read_only: Option<ReadOnly>,
        purpose: Purpose,
        object: &JsonPointer,
        ptr: &JsonPointer,
    ) {
        let is_key = self.model.ty(ty).key.iter().any(|k| k == key);
        let why = match (purpose, read_only) {
            // A key marked `Core.Permissions: Read` is one the client chooses on create and
            // cannot change after (TripPin's `UserName`); a computed key is the service's.
            (Purpose::Create, Some(ReadOnly::Permissions)) if is_key => None,
            (Purpose::Create, Some(r)) if r.on_create() => Some(r.reason()),
            (Purpose::Update | Purpose::Replace, Some(r)) if r.on_update() => Some(r.reason()),
            (Purpose::Update | Purpose::Replace, _) if is_key => {
                Some("a key, which an update cannot change")
            }
            _ => None,
        };
        if let Some(why) = why {
            let _ = ptr;
            let d = rules::read_only_field::in_object(m, object, &self.subject(object), why);
            self.out.push(d);
        }
    }

    /// What the object lacks: a response's key, a replacement's non-nullable properties.
    fn required(
        &mut self,
        node: &Node,
        ty: u32,
        pointer: &JsonPointer,
        purpose: Purpose,
        top: bool,
    ) {
        if self.target.truncated {
            return;
        }
        let model = self.model;
        let t = model.ty(ty);
        let missing: Vec<(String, TypeRef)> = match purpose {
            // OData's responses carry the key (minimal metadata derives the entity's id from
            // it); docs often shorten examples without saying so: a warning.
            Purpose::Read if top && t.kind == TypeKind::Entity && !t.key.is_empty() => t
                .key
                .iter()
                .filter(|k| member(node, k).is_none())
                .filter(|k| {
                    self.target
                        .select
                        .as_ref()
                        .is_none_or(|s| s.iter().any(|x| x == *k))
                })
                .filter_map(|k| model.property(ty, k).map(|p| (k.clone(), p.ty.clone())))
                .collect(),
            Purpose::Declare if top => {
                return self.omitted(node, ty, pointer);
            }
            // A PUT's omitted properties take their defaults (OData 4.01, 11.4.4): not findings.
            _ => Vec::new(),
        };
        for (name, r) in missing {
            let typo = node.members().and_then(|ms| {
                ms.iter()
                    .find(|m| m.key != name && m.key.eq_ignore_ascii_case(&name))
                    .map(|m| m.key.clone())
            });
            let mut d = rules::missing_required::diagnose(
                node.span,
                pointer,
                &name,
                &self.subject(pointer),
                typo.as_deref(),
                placeholder(json_type(model, &r), &name),
            );
            d.message = format!(
                "{} lacks its key `{name}`: a response carries the key of each entity",
                self.subject(pointer)
            );
            if typo.is_none() {
                d.hint = Some(format!(
                    "add `\"{name}\"`, or mark a shortened example `\"truncated\": true`"
                ));
            }
            d.severity = Severity::Warning;
            self.out.push(d);
        }
    }

    /// A declaration leaves out a structural property the model declares (and its annotation
    /// does not call optional): one `omitted-property` finding each.
    fn omitted(&mut self, node: &Node, ty: u32, pointer: &JsonPointer) {
        let model = self.model;
        let members = node.members().unwrap_or(&[]);
        let mut seen: Vec<&str> = Vec::new();
        for t in model.lineage(ty) {
            for p in &model.ty(t).properties {
                if seen.contains(&p.name.as_str()) {
                    continue;
                }
                seen.push(&p.name);
                let present = members.iter().any(|m| m.key == p.name);
                // A near miss present is the unknown field's finding, not a second one here.
                let near = members.iter().any(|m| {
                    m.key != p.name
                        && unknown_field::near_misses(&m.key, std::slice::from_ref(&p.name))
                            .1
                            .is_some()
                });
                if present || near || self.target.optional.iter().any(|o| o == &p.name) {
                    continue;
                }
                self.out.push(rules::omitted_property::diagnose(
                    node.span,
                    pointer,
                    &p.name,
                    &type_name(model, &p.ty),
                    &model.ty(ty).name,
                    placeholder(json_type(model, &p.ty), &p.name),
                ));
            }
        }
    }

    /// Is `node` a placeholder a declaration may write for a value of type `r`? `"String"`,
    /// `"String (timestamp)"`, `"Boolean"`, `"Int32"`, `"a | b | c"` for an enum, null, and for
    /// a structured value an object holding only its `@odata.type` (or a string naming it).
    fn placeholder(&mut self, node: &Node, r: &TypeRef) -> bool {
        if self.names_type(node, r) {
            return true;
        }
        match (&node.kind, r.id) {
            (Kind::Null, _) => true,
            (Kind::Array(items), _) if r.collection => {
                let item = TypeRef {
                    collection: false,
                    ..r.clone()
                };
                items.iter().all(|i| self.placeholder_item(i, &item))
            }
            _ if r.collection => false,
            _ => self.placeholder_item(node, r),
        }
    }

    /// A value that names its own type: `"collection(microsoft.graph.x)"`,
    /// `"@odata.type: microsoft.graph.logonType"`, `{"@odata.type": "Edm.Binary"}`.
    fn names_type(&self, node: &Node, r: &TypeRef) -> bool {
        let written = match &node.kind {
            Kind::String(s) => s.as_str(),
            Kind::Object(ms) if ms.len() == 1 && ms[0].key == "@odata.type" => {
                match &ms[0].value.kind {
                    Kind::String(s) => s.as_str(),
                    _ => return false,
                }
            }
            _ => return false,
        };
        let written = written
            .trim()
            .trim_start_matches("@odata.type:")
            .trim()
            .trim_start_matches('#');
        let full = type_name(self.model, r);
        let item = type_name(
            self.model,
            &TypeRef {
                collection: false,
                ..r.clone()
            },
        );
        let named = |n: &str| {
            written.eq_ignore_ascii_case(n)
                || written.eq_ignore_ascii_case(n.rsplit('.').next().unwrap_or(n))
        };
        (r.collection && named(&full))
            || (!matches!(r.id, TypeId::Primitive(Primitive::String)) && named(&item))
    }

    fn placeholder_item(&mut self, node: &Node, r: &TypeRef) -> bool {
        let model = self.model;
        if self.names_type(node, r) {
            return true;
        }
        match (&node.kind, r.id) {
            (Kind::Null, _) => true,
            (Kind::String(s), TypeId::Primitive(p)) => placeholder_fits(s, p),
            (Kind::String(s), TypeId::Enum(e)) => {
                let en = &model.enums[e as usize];
                s.split(['|', ','])
                    .map(str::trim)
                    .all(|part| en.members.iter().any(|m| m.eq_ignore_ascii_case(part)))
                    || s.eq_ignore_ascii_case("string")
                    || en.name.ends_with(s.as_str())
            }
            (Kind::String(s), TypeId::Structured(t)) => {
                let named = s.trim_start_matches('#');
                model
                    .structured(named)
                    .is_some_and(|n| model.derives_from(n, t))
                    || model.ty(t).name.eq_ignore_ascii_case(named)
            }
            // `{"@odata.type": "microsoft.graph.x"}` alone stands for a value of that type.
            (Kind::Object(ms), TypeId::Structured(t))
                if ms.len() == 1 && ms[0].key == "@odata.type" =>
            {
                match &ms[0].value.kind {
                    Kind::String(s) => model
                        .structured(s.trim_start_matches('#'))
                        .is_some_and(|n| model.derives_from(n, t)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// An action's parameters: each member a parameter, checked as its type; a parameter that
    /// is neither optional nor nullable is required.
    fn parameters(&mut self, root: &Node, op: u32) {
        let model = self.model;
        let o = &model.operations[op as usize];
        let members = root.members().unwrap_or(&[]);
        for m in last_of_each(members) {
            if is_annotation(&m.key) {
                continue;
            }
            let ptr = JsonPointer::root().child(&m.key);
            let exact = o.parameters.iter().find(|p| p.name == m.key);
            let loose = exact.or_else(|| {
                o.parameters
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(&m.key))
            });
            match loose {
                Some(p) => {
                    if exact.is_none() {
                        // Graph's metadata writes `Message`, its docs and services `message`.
                        let mut d = unknown_field::diagnose(
                            m,
                            &ptr,
                            &self.subject(&JsonPointer::root()),
                            &[],
                            (
                                std::slice::from_ref(&p.name),
                                Some(unknown_field::Closeness::CaseOnly),
                            ),
                            &JsonPointer::root(),
                            Some(&p.name),
                        );
                        d.message = format!(
                            "`{}` differs in case from the parameter `{}` of `{}`",
                            m.key, p.name, o.name
                        );
                        d.hint = Some("parameter names are case-sensitive in OData; the service accepts this one, but write it as declared".into());
                        d.severity = Severity::Warning;
                        self.out.push(d);
                    }
                    let r = p.ty.clone();
                    self.value(&m.value, &r, &ptr, Purpose::Create, m.key_span);
                }
                None => {
                    let known: Vec<String> = o.parameters.iter().map(|p| p.name.clone()).collect();
                    let (cands, closeness) = unknown_field::near_misses(&m.key, &known);
                    let cands: Vec<String> = cands.into_iter().map(str::to_string).collect();
                    let rename = match cands.as_slice() {
                        [one] if member(root, one).is_none() => Some(one.clone()),
                        _ => None,
                    };
                    let mut d = unknown_field::diagnose(
                        m,
                        &ptr,
                        &self.subject(&JsonPointer::root()),
                        &known,
                        (&cands, closeness),
                        &JsonPointer::root(),
                        rename.as_deref(),
                    );
                    d.message = format!("`{}` is no parameter of `{}`", m.key, o.name);
                    self.out.push(d);
                }
            }
        }
        if self.target.truncated {
            return;
        }
        for p in &o.parameters {
            let present = members.iter().any(|m| m.key.eq_ignore_ascii_case(&p.name));
            if !p.optional && !p.ty.nullable && !present {
                self.out.push(rules::missing_required::diagnose(
                    root.span,
                    &JsonPointer::root(),
                    &p.name,
                    &self.subject(&JsonPointer::root()),
                    None,
                    placeholder(json_type(model, &p.ty), &p.name),
                ));
            }
        }
    }

    /// An error response in OData's format: `{"error": {"code": "...", "message": "...",
    /// "target"?, "details"?: [{"code", "message", "target"?}], "innererror"?: {...}}}`.
    fn error_body(&mut self, root: &Node) {
        let top = JsonPointer::root();
        self.shape(root, &top, &[("error", Shape::Object)], &["error"]);
        let Some(error) = member(root, "error").filter(|m| matches!(m.value.kind, Kind::Object(_)))
        else {
            return;
        };
        let at = top.child("error");
        // V2 and V3 write the message as `{"lang": "en", "value": "..."}`.
        let message = if self.verbose() {
            Shape::Text
        } else {
            Shape::String
        };
        let fields = [
            ("code", Shape::String),
            ("message", message),
            ("target", Shape::String),
            ("details", Shape::Array),
            ("innererror", Shape::Object),
        ];
        self.shape(&error.value, &at, &fields, &["code", "message"]);
        if let Some(details) = member(&error.value, "details") {
            if let Kind::Array(items) = &details.value.kind {
                for (i, d) in items.iter().enumerate() {
                    let p = nth(&at.child("details"), i);
                    if self.object_or_mismatch(d, &p) {
                        let fields = [
                            ("code", Shape::String),
                            ("message", Shape::String),
                            ("target", Shape::String),
                        ];
                        self.shape(d, &p, &fields, &["code", "message"]);
                    }
                }
            }
        }
    }

    /// The members of an object with a fixed shape: known names of the right JSON kind, the
    /// required ones present, no others (but annotations).
    fn shape(
        &mut self,
        node: &Node,
        at: &JsonPointer,
        fields: &[(&str, Shape)],
        required: &[&str],
    ) {
        let known: Vec<String> = fields.iter().map(|(n, _)| n.to_string()).collect();
        for m in last_of_each(node.members().unwrap_or(&[])) {
            if is_annotation(&m.key) {
                continue;
            }
            let ptr = at.child(&m.key);
            match fields.iter().find(|(n, _)| *n == m.key) {
                Some((_, shape)) if !shape.fits(&m.value) => {
                    let expected = vec![shape.json_type().to_string()];
                    self.out.push(rules::type_mismatch::diagnose(
                        m.key_span,
                        &ptr,
                        &m.value,
                        &expected,
                        &self.subject(at),
                    ));
                }
                Some(_) => {}
                None => {
                    let (c, closeness) = unknown_field::near_misses(&m.key, &known);
                    let cands: Vec<String> = c.into_iter().map(str::to_string).collect();
                    self.out.push(unknown_field::diagnose(
                        m,
                        &ptr,
                        &self.subject(at),
                        &known,
                        (&cands, closeness),
                        at,
                        None,
                    ));
                }
            }
        }
        if self.target.truncated {
            return;
        }
        for name in required {
            if member(node, name).is_none() {
                let shape = fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(Shape::String, |(_, s)| *s);
                self.out.push(rules::missing_required::diagnose(
                    node.span,
                    at,
                    name,
                    &self.subject(at),
                    None,
                    placeholder(shape.json_type(), name),
                ));
            }
        }
    }

    /// An entity reference: `{"@odata.id": "..."}`.
    fn reference(&mut self, node: &Node, pointer: &JsonPointer) {
        let members = node.members().unwrap_or(&[]);
        let others: Vec<&str> = members
            .iter()
            .filter(|m| !is_annotation(&m.key))
            .map(|m| m.key.as_str())
            .collect();
        if member(node, "@odata.id").is_none() && !others.is_empty() {
            // An entity where a reference is sent: one finding.
            let mut d = rules::missing_required::diagnose(
                node.span,
                pointer,
                "@odata.id",
                &self.subject(pointer),
                None,
                "\"<url of the entity>\"".into(),
            );
            d.message =
                format!(
                "{} is an entity reference, `{{\"@odata.id\": \"...\"}}`, but this body holds {}",
                self.subject(pointer),
                others.iter().take(3).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            );
            d.hint = Some("a `$ref` request names an existing entity by its URL; to create one, send it to the collection without `/$ref`".into());
            self.out.push(d);
            return;
        }
        for m in last_of_each(members) {
            if !is_annotation(&m.key) {
                let known = vec!["@odata.id".to_string()];
                let ptr = pointer.child(&m.key);
                let mut d = unknown_field::diagnose(
                    m,
                    &ptr,
                    &self.subject(pointer),
                    &known,
                    (&[], None),
                    pointer,
                    None,
                );
                d.message = format!("`{}` is not part of an entity reference", m.key);
                d.hint =
                    Some("a reference is `{\"@odata.id\": \"https://.../users/{id}\"}`".into());
                self.out.push(d);
            }
        }
        match member(node, "@odata.id") {
            None if !self.target.truncated => self.out.push(rules::missing_required::diagnose(
                node.span,
                pointer,
                "@odata.id",
                &self.subject(pointer),
                None,
                "\"<url of the entity>\"".into(),
            )),
            Some(m) if !matches!(m.value.kind, Kind::String(_)) => {
                self.out.push(rules::type_mismatch::diagnose(
                    m.key_span,
                    &pointer.child("@odata.id"),
                    &m.value,
                    &["string".to_string()],
                    &self.subject(pointer),
                ))
            }
            _ => {}
        }
    }

    /// A value of type `r` at `pointer` (the member's key is where findings point).
    fn value(
        &mut self,
        node: &Node,
        r: &TypeRef,
        pointer: &JsonPointer,
        purpose: Purpose,
        at: Span,
    ) {
        if purpose == Purpose::Declare && self.placeholder(node, r) {
            return;
        }
        if let Kind::Null = node.kind {
            if !r.nullable || r.collection {
                self.mismatch(node, pointer, r, at);
            }
            return;
        }
        if self.verbose() && matches!(node.kind, Kind::Object(_)) {
            // A navigation property not expanded; a V2 collection as `{"results": [...]}`.
            if verbose::is_deferred(node) {
                return;
            }
            if let (true, Some(results)) = (r.collection, verbose::results(node)) {
                let ptr = pointer.child("results");
                return self.value(&results.value, r, &ptr, purpose, results.key_span);
            }
        }
        if r.collection {
            let Kind::Array(items) = &node.kind else {
                return self.mismatch(node, pointer, r, at);
            };
            let item = TypeRef {
                collection: false,
                ..r.clone()
            };
            for (i, it) in items.iter().enumerate() {
                self.value(it, &item, &nth(pointer, i), purpose, it.span);
            }
            return;
        }
        match r.id {
            TypeId::Structured(t) => {
                if self.model.ty(t).any_json {
                    return;
                }
                if matches!(node.kind, Kind::Object(_)) {
                    self.object(node, t, pointer, purpose, false);
                } else {
                    self.mismatch(node, pointer, r, at);
                }
            }
            TypeId::AnyStructured => {
                if !matches!(node.kind, Kind::Object(_)) {
                    self.mismatch(node, pointer, r, at);
                }
            }
            TypeId::Enum(e) => self.enum_value(node, e, pointer, at),
            TypeId::Primitive(p) => self.primitive(node, p, r, pointer, at),
        }
    }

    fn mismatch(&mut self, node: &Node, pointer: &JsonPointer, r: &TypeRef, at: Span) {
        let expected = vec![json_type(self.model, r).to_string()];
        let mut d = rules::type_mismatch::diagnose(
            at,
            pointer,
            node,
            &expected,
            &self.subject(&JsonPointer::root()),
        );
        let edm = type_name(self.model, r);
        if let Some(h) = &d.hint {
            if !matches!(node.kind, Kind::Null) {
                d.hint = Some(format!("{h} (`{edm}`)"));
            }
        }
        self.out.push(d);
    }

    fn enum_value(&mut self, node: &Node, e: u32, pointer: &JsonPointer, at: Span) {
        let model = self.model;
        let en = &model.enums[e as usize];
        let Kind::String(s) = &node.kind else {
            let r = TypeRef {
                id: TypeId::Enum(e),
                collection: false,
                nullable: true,
                max_length: None,
                definition: None,
                written: None,
            };
            return self.mismatch(node, pointer, &r, at);
        };
        let parts: Vec<&str> = if en.is_flags {
            s.split(',').map(str::trim).collect()
        } else {
            vec![s.as_str()]
        };
        let mut fixed = Vec::with_capacity(parts.len());
        let mut case_only = true;
        let mut wrong: Option<&str> = None;
        for part in &parts {
            if en.members.iter().any(|m| m == part) || part.parse::<i64>().is_ok() {
                fixed.push(part.to_string());
            } else if let Some(m) = en.members.iter().find(|m| m.eq_ignore_ascii_case(part)) {
                fixed.push(m.clone());
            } else {
                case_only = false;
                wrong.get_or_insert(part);
            }
        }
        let shown = format!("`{s}`");
        if let Some(w) = wrong {
            let near = nearest(w, en.members.iter().map(String::as_str));
            let message = format!("{shown} is not a member of `{}` at `{pointer}`", en.name);
            let hint = match near.first() {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("members: {}", list(&en.members)),
            };
            self.out.push(
                rules::invalid_value::refused(node.span, pointer.clone(), message).with_hint(hint),
            );
        } else if case_only && fixed.join(",") != parts.join(",") {
            let exact = fixed.join(",");
            let message = format!(
                "{shown} differs in case from the member `{exact}` of `{}` at `{pointer}`",
                en.name
            );
            let mut d = rules::invalid_value::refused(node.span, pointer.clone(), message)
                .with_hint("enum members are case-sensitive in OData; the service accepts this one, but write it as declared".to_string())
                .with_fix(
                    Safety::Safe,
                    FixAction::ReplaceValue {
                        span: node.span,
                        new_json: serde_json::to_string(&exact).expect("strings serialize"),
                    },
                );
            d.severity = Severity::Warning;
            self.out.push(d);
        }
    }

    fn primitive(
        &mut self,
        node: &Node,
        p: Primitive,
        r: &TypeRef,
        pointer: &JsonPointer,
        at: Span,
    ) {
        use Primitive::*;
        let v4 = self.model.version == Version::V4;
        let ok_kind = match (&node.kind, p) {
            (_, Untyped | Stream) => true,
            (Kind::Object(_), Geography | Geometry) => true,
            (Kind::Bool(_), Boolean) => true,
            (Kind::Number(n), Byte | SByte | Int16 | Int32 | Int64) => n.is_i64() || n.is_u64(),
            (Kind::Number(_), Decimal | Double | Single) => true,
            // Strings: what OData's JSON format allows besides the obvious.
            (
                Kind::String(_),
                String | Guid | Date | DateTimeOffset | TimeOfDay | Duration | Binary | DateTime
                | Time,
            ) => true,
            (Kind::String(s), Int64 | Decimal) => is_decimal(s) || !v4,
            (Kind::String(s), Double | Single) => {
                matches!(s.as_str(), "INF" | "-INF" | "NaN") || is_decimal(s) && !v4
            }
            (Kind::String(s), Byte | SByte | Int16 | Int32) => !v4 && is_decimal(s),
            _ => false,
        };
        if !ok_kind {
            return self.mismatch(node, pointer, r, at);
        }
        match (&node.kind, p) {
            (Kind::Number(n), Byte | SByte | Int16 | Int32) => {
                let (lo, hi): (i64, i64) = match p {
                    Byte => (0, 255),
                    SByte => (-128, 127),
                    Int16 => (i16::MIN as i64, i16::MAX as i64),
                    _ => (i32::MIN as i64, i32::MAX as i64),
                };
                if n.as_i64().is_none_or(|v| v < lo || v > hi) {
                    let message = format!("`{n}` at `{pointer}` is out of range for {}", p.name());
                    self.out.push(rules::invalid_value::refused(
                        node.span,
                        pointer.clone(),
                        message,
                    ));
                }
            }
            (Kind::String(s), _) => {
                let format = match p {
                    Guid => "edm-guid",
                    Date => "edm-date",
                    DateTimeOffset => "edm-date-time-offset",
                    TimeOfDay => "edm-time-of-day",
                    Duration | Time => "edm-duration",
                    Binary => "edm-binary",
                    _ => "",
                };
                if p == Binary && !formats::binary(s) && standard_base64(s) {
                    // OData's JSON format asks for base64url; services read standard base64.
                    let message = format!("`{}` at `{pointer}` is standard base64; Edm.Binary is base64url in OData's JSON format", short(s));
                    let mut d = rules::invalid_value::refused(node.span, pointer.clone(), message)
                        .with_hint(
                            "write `-` and `_` for `+` and `/`; the service reads this one too"
                                .to_string(),
                        );
                    d.severity = Severity::Warning;
                    self.out.push(d);
                    return;
                }
                if p == DateTime && !verbose::is_date_time(s) {
                    let message =
                        format!("`{}` at `{pointer}` is not a valid Edm.DateTime", short(s));
                    self.out.push(
                        rules::invalid_value::refused(node.span, pointer.clone(), message)
                            .with_hint(
                                "write it like `/Date(1717163100000)/` or `2024-05-31T13:45:00`"
                                    .to_string(),
                            ),
                    );
                    return;
                }
                // V2 and V3 services write a DateTimeOffset as `/Date(ms+offset)/` too.
                let verbose_date = p == DateTimeOffset
                    && !v4
                    && s.starts_with("/Date(")
                    && verbose::is_date_time(s);
                if let Some((_, ty, example, check)) =
                    formats::FORMATS.iter().find(|f| f.0 == format)
                {
                    if !check(s) && !verbose_date {
                        let message = format!("`{}` at `{pointer}` is not a valid {ty}", short(s));
                        self.out.push(
                            rules::invalid_value::refused(node.span, pointer.clone(), message)
                                .with_hint(format!("write it like `{example}`")),
                        );
                    }
                }
                if let (String, Some(max)) = (p, r.max_length) {
                    let len = s.chars().count();
                    if len > max as usize {
                        let message = format!("the value at `{pointer}` has {len} characters, over the maximum length {max}");
                        self.out.push(rules::invalid_value::refused(
                            node.span,
                            pointer.clone(),
                            message,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Does a declaration's string `s` stand for a value of primitive type `p`? Any string does for
/// the types written as strings; the others need their type's name (`"Boolean"`, `"Int32"`) or
/// a value (`"true"`, `"42"`).
fn placeholder_fits(s: &str, p: Primitive) -> bool {
    use Primitive::*;
    let word = s
        .split(['(', ' '])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let integer = matches!(
        word.as_str(),
        "int16" | "int32" | "int64" | "integer" | "int" | "number" | "byte" | "sbyte" | "long"
    );
    match p {
        Boolean => matches!(word.as_str(), "boolean" | "bool" | "true" | "false"),
        Byte | SByte | Int16 | Int32 | Int64 => integer || s.trim().parse::<i64>().is_ok(),
        Decimal | Double | Single => {
            integer
                || matches!(word.as_str(), "double" | "decimal" | "single" | "float")
                || s.trim().parse::<f64>().is_ok()
        }
        Geography | Geometry => word.starts_with("geo"),
        _ => true,
    }
}

/// The JSON kind a member of a fixed shape has.
#[derive(Debug, Clone, Copy)]
enum Shape {
    String,
    Object,
    Array,
    /// A string, or an object (V2's `{"lang": ..., "value": ...}`).
    Text,
}

impl Shape {
    fn fits(self, node: &Node) -> bool {
        matches!(
            (self, &node.kind),
            (Shape::String | Shape::Text, Kind::String(_))
                | (Shape::Object | Shape::Text, Kind::Object(_))
                | (Shape::Array, Kind::Array(_))
        )
    }

    fn json_type(self) -> &'static str {
        match self {
            Shape::String | Shape::Text => "string",
            Shape::Object => "object",
            Shape::Array => "array",
        }
    }
}

/// Standard base64 (RFC 4648 section 4), padding optional.
fn standard_base64(s: &str) -> bool {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine;
    if s.contains('=') {
        STANDARD.decode(s).is_ok()
    } else {
        STANDARD_NO_PAD.decode(s).is_ok()
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

fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    !s.is_empty()
        && s.split_once('.')
            .map_or(s.bytes().all(|b| b.is_ascii_digit()), |(a, b)| {
                (a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit()))
                    && !(a.is_empty() && b.is_empty())
            })
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
