//! Structured values: the type an object names (`@odata.type` and its V2/V3 forms), its
//! properties, unknown fields, what a client may not send, and required or omitted properties.

use super::{
    all_derived, bare_syntax, declared_below, derived_hint, first_concrete, is_annotation,
    json_type, last_of_each, member, TypeSyntax, Walker,
};
use crate::check::verbose;
use crate::direction::Direction;
use crate::json::{Kind, Member, Node};
use crate::odata::exchange::Purpose;
use crate::odata::model::{Kind as TypeKind, ReadOnly, TypeId, TypeRef};
use crate::odata::resolve::{nearest, type_name};
use crate::pointer::JsonPointer;
use crate::rule::Severity;
use crate::rules;
use crate::rules::subject::placeholder;
use crate::rules::unknown_field;

impl<'m> Walker<'_, 'm> {
    /// The type an object is checked as: its `@odata.type` when that names `declared` or a
    /// type derived from it; `None` when it names a type that does not fit (reported; the
    /// object is not checked further).
    pub(super) fn actual_type(
        &mut self,
        node: &Node,
        declared: u32,
        pointer: &JsonPointer,
    ) -> Option<u32> {
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
    pub(super) fn named_type(
        &mut self,
        node: &Node,
        found: Option<&Member>,
        syntax: TypeSyntax,
        declared: u32,
        pointer: &JsonPointer,
    ) -> Option<u32> {
        let model = self.model;
        let Some(m) = found else {
            self.untyped(node, declared, pointer);
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
        let found = exact.or_else(|| model.structured_ignoring_case(bare));
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
                self.unknown_type_name(m, &type_pointer, written, declared);
                Some(declared)
            }
        }
    }

    /// No `@odata.type` on an object of `declared`: reported (with the first concrete type
    /// as the fix) when `declared` is abstract with derived types, and the payload is whole.
    fn untyped(&mut self, node: &Node, declared: u32, pointer: &JsonPointer) {
        let model = self.model;
        let d = model.ty(declared);
        if d.is_abstract && !d.derived.is_empty() && !self.target.truncated && !self.declaring() {
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
    }

    /// `@odata.type` in `m` is `written`, which names no type of the model: reported, with
    /// the nearest of `declared` and its derived types as the hint and fix, if any is near.
    fn unknown_type_name(
        &mut self,
        m: &Member,
        type_pointer: &JsonPointer,
        written: &str,
        declared: u32,
    ) {
        let model = self.model;
        let bare = written.trim_start_matches('#');
        let mut names: Vec<&str> = std::iter::once(declared)
            .chain(all_derived(model, declared))
            .map(|t| model.ty(t).name.as_str())
            .collect();
        names.sort_unstable();
        let near = nearest(bare, names.iter().copied());
        let mut d = rules::wrong_odata_type::diagnose(
            m,
            type_pointer,
            &format!(
                "#{}",
                near.first()
                    .map_or(model.ty(declared).name.as_str(), String::as_str)
            ),
            &model.ty(declared).name,
        );
        d.message = format!("`@odata.type` is `{written}`, which names no type of the model");
        d.hint = Some(match near.first() {
            Some(n) => format!("did you mean `#{n}`?"),
            None => derived_hint(model, declared),
        });
        if near.is_empty() {
            d.fix = None;
        }
        self.out.push(d);
    }

    /// An entity or complex object of (at least) type `declared`.
    pub(super) fn object(
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
    pub(super) fn unknowns(
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
    pub(super) fn unknown(
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
    pub(super) fn read_only(
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
    pub(super) fn required(
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
    pub(super) fn omitted(&mut self, node: &Node, ty: u32, pointer: &JsonPointer) {
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
}
