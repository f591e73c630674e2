//! What the top level of a body is: an entity or a complex value, a `{"value": ...}`
//! wrapper, V2's and V3's verbose `d` envelope, an action's parameters, an error body and an
//! entity reference.

use super::value::Shape;
use super::{is_annotation, json_type, last_of_each, member, nth, Walker, Wrapped};
use crate::check::verbose;
use crate::json::{Kind, Member, Node};
use crate::odata::exchange::{Expect, Purpose};
use crate::odata::model::{TypeId, TypeRef};
use crate::pointer::JsonPointer;
use crate::rule::Severity;
use crate::rules;
use crate::rules::subject::placeholder;
use crate::rules::unknown_field;

impl<'m> Walker<'_, 'm> {
    pub(super) fn body(&mut self, root: &Node) {
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
            } => self.structured_body(root, *ty, *purpose),
            Expect::Structured {
                ty,
                collection: true,
                purpose,
            } => {
                let item = TypeRef::single(TypeId::Structured(*ty));
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
                    let item = TypeRef::single(TypeId::AnyStructured);
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

    /// A body that is one entity or complex value, bare or in a `{"value": ...}` wrapper.
    fn structured_body(&mut self, root: &Node, ty: u32, purpose: Purpose) {
        if !self.object_or_mismatch(root, &JsonPointer::root()) {
            return;
        }
        match self.wrapper(root, ty) {
            Some(Wrapped::One(inner)) => self.object(
                inner,
                ty,
                &JsonPointer::root().child("value"),
                purpose,
                true,
            ),
            Some(Wrapped::Many(items)) => {
                let at = JsonPointer::root().child("value");
                for (i, item) in items.iter().enumerate() {
                    if matches!(item.kind, Kind::Object(_)) {
                        self.object(item, ty, &at.child(&i.to_string()), purpose, true);
                    }
                }
            }
            None => self.object(root, ty, &JsonPointer::root(), purpose, true),
        }
    }

    /// A V2/V3 response in its `d` envelope: an entity, a collection (`results`, or V1's bare
    /// array), or a property's or function's value (`{"d": {"Name": value}}`).
    pub(super) fn verbose_body(&mut self, d: &Member) {
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
    pub(super) fn wrapper<'n>(&mut self, root: &'n Node, ty: u32) -> Option<Wrapped<'n>> {
        let members = root.members()?;
        let value = members.iter().rev().find(|m| m.key == "value")?;
        let alone = members
            .iter()
            .all(|m| m.key == "value" || is_annotation(&m.key));
        let own = self.model.property(ty, "value").is_some()
            || self.model.navigation(ty, "value").is_some();
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
        // On an open type, `value` may be a dynamic property: it is a wrapper only when what
        // it holds is plainly the entity (Intune's pages wrap a `user` that way).
        let inner: &[Node] = match &wrapped {
            Wrapped::One(node) => std::slice::from_ref(*node),
            Wrapped::Many(items) => items,
        };
        if self.model.ty(ty).open && !inner.iter().all(|i| self.is_entity_of(i, ty)) {
            return None;
        }
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

    /// Does the object `node` plainly hold a `ty`: its `@odata.type` names `ty` or a type
    /// derived from it, or (untyped) every member it has is one `ty` declares?
    fn is_entity_of(&self, node: &Node, ty: u32) -> bool {
        let model = self.model;
        let members = node.members().unwrap_or(&[]);
        if let Some(m) = members.iter().find(|m| m.key == "@odata.type") {
            let Kind::String(written) = &m.value.kind else {
                return false;
            };
            let bare = written.trim_start_matches('#');
            return model
                .structured(bare)
                .or_else(|| model.structured_ignoring_case(bare))
                .is_some_and(|t| model.derives_from(t, ty));
        }
        let mut declared = members.iter().filter(|m| !is_annotation(&m.key)).peekable();
        declared.peek().is_some()
            && declared.all(|m| {
                model.property(ty, &m.key).is_some() || model.navigation(ty, &m.key).is_some()
            })
    }

    /// Is `node` an object? If not, one `type-mismatch` finding.
    pub(super) fn object_or_mismatch(&mut self, node: &Node, pointer: &JsonPointer) -> bool {
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
    pub(super) fn wrapped(
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
            self.one_object_for_a_collection(root);
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

    /// The finding for one object sent where a collection (`{"value": [...]}`) is expected.
    fn one_object_for_a_collection(&mut self, root: &Node) {
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
    }

    /// An action's parameters: each member a parameter, checked as its type; a parameter that
    /// is neither optional nor nullable is required.
    pub(super) fn parameters(&mut self, root: &Node, op: u32) {
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
                None => self.unknown_parameter(root, m, &ptr, o),
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

    /// A member of an action's parameters that names none of them.
    fn unknown_parameter(
        &mut self,
        root: &Node,
        m: &Member,
        ptr: &JsonPointer,
        o: &crate::odata::model::Operation,
    ) {
        let known: Vec<String> = o.parameters.iter().map(|p| p.name.clone()).collect();
        let (cands, closeness) = unknown_field::near_misses(&m.key, &known);
        let cands: Vec<String> = cands.into_iter().map(str::to_string).collect();
        let rename = match cands.as_slice() {
            [one] if member(root, one).is_none() => Some(one.clone()),
            _ => None,
        };
        let mut d = unknown_field::diagnose(
            m,
            ptr,
            &self.subject(&JsonPointer::root()),
            &known,
            (&cands, closeness),
            &JsonPointer::root(),
            rename.as_deref(),
        );
        d.message = format!("`{}` is no parameter of `{}`", m.key, o.name);
        self.out.push(d);
    }

    /// An error response in OData's format: `{"error": {"code": "...", "message": "...",
    /// "target"?, "details"?: [{"code", "message", "target"?}], "innererror"?: {...}}}`.
    pub(super) fn error_body(&mut self, root: &Node) {
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

    /// An entity reference: `{"@odata.id": "..."}`.
    pub(super) fn reference(&mut self, node: &Node, pointer: &JsonPointer) {
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
}
