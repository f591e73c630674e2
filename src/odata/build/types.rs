//! Structured and enum types: their inheritance, properties, navigation properties (and V2's
//! associations), and properties a derived type redeclares.

use super::annotations::{description, read_only};
use super::{did_you_mean, nearest, short_at, Builder, Decl};
use crate::odata::csdl;
use crate::odata::csdl::TypeKind;
use crate::odata::model::{
    EnumType, Kind, Model, Navigation, Primitive, Property, ReadOnly, StructuredType, TypeId,
};
use std::collections::HashMap;

impl<'d> Builder<'d> {
    /// The structured types, sorted by qualified name: kinds, bases (acyclic, same kind), and
    /// what is inherited (open, has stream, key), worked out once per type.
    pub(super) fn structured_types(&mut self) -> Vec<StructuredType> {
        let doc = self.doc;
        let mut order: Vec<(String, usize, usize)> = Vec::new();
        for (q, (decl, _)) in &self.decls {
            if let Decl::Type(si, ti) = decl {
                order.push((q.clone(), *si, *ti));
            }
        }
        order.sort();
        for (i, (q, ..)) in order.iter().enumerate() {
            self.type_index.insert(q.clone(), i as u32);
        }
        let mut enum_order: Vec<&String> = self
            .decls
            .iter()
            .filter(|(_, (d, _))| matches!(d, Decl::Enum(..)))
            .map(|(q, _)| q)
            .collect();
        enum_order.sort();
        let enum_index: HashMap<String, u32> = enum_order
            .into_iter()
            .enumerate()
            .map(|(i, q)| (q.clone(), i as u32))
            .collect();
        self.enum_index = enum_index;
        let mut types: Vec<StructuredType> = Vec::with_capacity(order.len());
        for (q, si, ti) in &order {
            let t = &doc.schemas[*si].types[*ti];
            let base = t.base_type.as_deref().and_then(|b| {
                let (bq, known) = self.qualify(b);
                match self.type_index.get(&bq) {
                    Some(&i) => Some(i),
                    None => {
                        let hint = did_you_mean(nearest(
                            b.rsplit_once('.').map_or(b, |(_, l)| l),
                            order
                                .iter()
                                .map(|(n, ..)| n.rsplit_once('.').map_or(n.as_str(), |(_, l)| l)),
                        ));
                        let why = if known.is_none() {
                            "an unknown namespace"
                        } else {
                            "no declared type"
                        };
                        self.unresolved(
                            t.at,
                            format!("`{q}` has base type `{b}`, which names {why}"),
                            hint,
                        );
                        None
                    }
                }
            });
            types.push(StructuredType {
                name: q.clone(),
                short_at: short_at(q),
                kind: match t.kind {
                    TypeKind::Entity => Kind::Entity,
                    TypeKind::Complex => Kind::Complex,
                },
                base,
                derived: Vec::new(),
                is_abstract: t.is_abstract,
                open: t.open_type,
                has_stream: t.has_stream,
                any_json: false,
                key: Vec::new(),
                properties: Vec::new(),
                navigations: Vec::new(),
                bound: Vec::new(),
                bound_to_collection: Vec::new(),
                description: description(&t.annotations, &self.aliases),
                inherited: Vec::new(),
            });
        }
        self.inheritance(&mut types, &order);
        types
    }

    /// Breaks inheritance cycles (reporting them), checks kinds, fills `derived`, and
    /// propagates open, has-stream and key down each chain, each type visited once.
    pub(super) fn inheritance(
        &mut self,
        types: &mut [StructuredType],
        order: &[(String, usize, usize)],
    ) {
        let doc = self.doc;
        let n = types.len();
        // 0 new, 1 on the chain being walked, 2 done.
        let mut state = vec![0u8; n];
        for start in 0..n {
            let mut chain: Vec<usize> = Vec::new();
            let mut cur = Some(start);
            while let Some(c) = cur {
                match state[c] {
                    2 => break,
                    1 => {
                        let decl = &doc.schemas[order[c].1].types[order[c].2];
                        self.error(
                            decl.at,
                            format!("`{}` derives from itself", types[c].name),
                            Some("remove one `BaseType` of the cycle".into()),
                        );
                        types[c].base = None;
                        break;
                    }
                    _ => {
                        state[c] = 1;
                        chain.push(c);
                        cur = types[c].base.map(|b| b as usize);
                    }
                }
            }
            // Settle the chain from the top down: each type's base is done before it.
            for &c in chain.iter().rev() {
                state[c] = 2;
                let decl = &doc.schemas[order[c].1].types[order[c].2];
                let own_key: Vec<String> = decl.key.iter().map(|k| k.name.clone()).collect();
                if let Some(b) = types[c].base.map(|b| b as usize) {
                    if types[b].kind != types[c].kind {
                        self.error(
                            decl.at,
                            format!("`{}` and its base type `{}` are not both entity or both complex types", types[c].name, types[b].name),
                            None,
                        );
                    }
                    let (open, stream, key) =
                        (types[b].open, types[b].has_stream, types[b].key.clone());
                    types[c].open |= open;
                    types[c].has_stream |= stream;
                    if !own_key.is_empty() && !key.is_empty() {
                        self.error(
                            decl.at,
                            format!(
                                "`{}` declares a key, but its base type `{}` already has one",
                                types[c].name, types[b].name
                            ),
                            Some(
                                "only the root of an entity type hierarchy declares the key".into(),
                            ),
                        );
                    }
                    types[c].key = if own_key.is_empty() { key } else { own_key };
                    types[b].derived.push(c as u32);
                } else {
                    types[c].key = own_key;
                }
            }
        }
        for t in types.iter_mut() {
            t.derived.sort_unstable();
        }
    }

    pub(super) fn enums(&mut self) -> Vec<EnumType> {
        let doc = self.doc;
        let mut out: Vec<(u32, EnumType)> = Vec::new();
        for s in &doc.schemas {
            for e in &s.enums {
                let q = format!("{}.{}", s.namespace, e.name);
                let Some(&i) = self.enum_index.get(&q) else {
                    continue;
                };
                if out.iter().any(|(j, _)| *j == i) {
                    continue;
                }
                if let Some(u) = &e.underlying_type {
                    if !matches!(
                        u.as_str(),
                        "Edm.Byte" | "Edm.SByte" | "Edm.Int16" | "Edm.Int32" | "Edm.Int64"
                    ) {
                        self.error(
                            e.at,
                            format!(
                                "enum type `{q}` has underlying type `{u}`, not an integer type"
                            ),
                            None,
                        );
                    }
                }
                let mut members: Vec<String> = Vec::new();
                for m in &e.members {
                    if !self.check_name(&m.name, "enum member", m.at) {
                        continue;
                    }
                    if members.contains(&m.name) {
                        self.error(
                            m.at,
                            format!("member `{}` of `{q}` is declared twice", m.name),
                            None,
                        );
                        continue;
                    }
                    members.push(m.name.clone());
                }
                out.push((
                    i,
                    EnumType {
                        name: q,
                        is_flags: e.is_flags,
                        members,
                    },
                ));
            }
        }
        out.sort_by_key(|(i, _)| *i);
        for s in &doc.schemas {
            for d in &s.definitions {
                let underlying = d.underlying_type.as_deref().unwrap_or("");
                if Primitive::parse(underlying, self.version).is_none() {
                    let q = format!("{}.{}", s.namespace, d.name);
                    self.unresolved(
                        d.at,
                        format!("type definition `{q}` has underlying type `{underlying}`, not an OData primitive type"),
                        None,
                    );
                }
            }
        }
        out.into_iter().map(|(_, e)| e).collect()
    }

    /// Properties, navigation properties and keys of every type.
    pub(super) fn members(&mut self, model: &mut Model) {
        let doc = self.doc;
        for s in &doc.schemas {
            for t in &s.types {
                let q = format!("{}.{}", s.namespace, t.name);
                let Some(&ti) = self.type_index.get(&q) else {
                    continue;
                };
                if !model.types[ti as usize].properties.is_empty()
                    || !model.types[ti as usize].navigations.is_empty()
                {
                    continue; // a duplicate declaration, reported
                }
                let mut names: Vec<&str> = Vec::new();
                let mut properties = Vec::new();
                for p in &t.properties {
                    if !self.check_name(&p.name, "property", p.at) {
                        continue;
                    }
                    if names.contains(&p.name.as_str()) {
                        self.error(p.at, format!("`{q}` declares `{}` twice", p.name), None);
                        continue;
                    }
                    names.push(&p.name);
                    let what = format!("property `{}` of `{q}`", p.name);
                    let mut ty = self.type_ref(p.ty.as_deref(), p.nullable, &what, p.at);
                    ty.max_length = p.max_length.as_deref().and_then(|m| m.parse().ok());
                    if let TypeId::Structured(i) = ty.id {
                        if model.types[i as usize].kind == Kind::Entity {
                            self.error(p.at, format!("{what} has entity type `{}`: a structural property holds primitive, enum or complex values", model.types[i as usize].name), Some("declare it as a NavigationProperty".into()));
                        }
                    }
                    let read_only = read_only(&p.annotations, &self.aliases).or(
                        match (p.sap.not_creatable, p.sap.not_updatable) {
                            (true, true) => Some(ReadOnly::NotCreatableOrUpdatable),
                            (true, false) => Some(ReadOnly::NotCreatable),
                            (false, true) => Some(ReadOnly::NotUpdatable),
                            (false, false) => None,
                        },
                    );
                    properties.push(Property {
                        name: p.name.clone(),
                        ty,
                        read_only,
                        description: description(&p.annotations, &self.aliases)
                            .or_else(|| p.label.as_deref().map(Into::into)),
                    });
                }
                let mut navigations = Vec::new();
                for n in &t.navigations {
                    if !self.check_name(&n.name, "navigation property", n.at) {
                        continue;
                    }
                    if names.contains(&n.name.as_str()) {
                        self.error(n.at, format!("`{q}` declares `{}` twice", n.name), None);
                        continue;
                    }
                    names.push(&n.name);
                    if let Some(nav) = self.navigation(n, &q, model) {
                        navigations.push(nav);
                    }
                }
                let ty = &mut model.types[ti as usize];
                ty.any_json = ty.kind == Kind::Complex
                    && ty.short_name() == "Json"
                    && ty.base.is_none()
                    && properties.is_empty()
                    && navigations.is_empty();
                ty.properties = properties;
                ty.navigations = navigations;
            }
        }
        self.keys(model);
    }

    /// Keys name structural properties of the type or a base.
    fn keys(&mut self, model: &Model) {
        for ti in 0..model.types.len() {
            let t = &model.types[ti];
            if t.kind != Kind::Entity {
                continue;
            }
            let missing: Vec<String> = t
                .key
                .iter()
                .filter(|k| {
                    let first = k.split('/').next().unwrap_or(k);
                    model.property(ti as u32, first).is_none()
                })
                .cloned()
                .collect();
            let name = t.name.clone();
            let at = self.decls.get(&name).map_or(0, |d| d.1);
            for k in missing {
                let hint = did_you_mean(nearest(&k, model.member_names(ti as u32).into_iter()));
                self.error(
                    at,
                    format!("the key of `{name}` names `{k}`, which is no property of it"),
                    hint,
                );
            }
        }
    }

    pub(super) fn navigation(
        &mut self,
        n: &csdl::NavigationDecl,
        owner: &str,
        model: &Model,
    ) -> Option<Navigation> {
        let what = format!("navigation property `{}` of `{owner}`", n.name);
        let (raw, collection, nullable) = match (&n.ty, &n.relationship) {
            (Some(ty), _) => {
                let r = self.type_ref(Some(ty), n.nullable, &what, n.at);
                match r.id {
                    TypeId::Structured(i) => (i, r.collection, r.nullable),
                    TypeId::Primitive(Primitive::Untyped) => return None,
                    _ => {
                        self.error(
                            n.at,
                            format!("{what} has type `{ty}`, not an entity type"),
                            None,
                        );
                        return None;
                    }
                }
            }
            (None, Some(rel)) => self.association_end(rel, n.to_role.as_deref(), &what, n.at)?,
            (None, None) => {
                self.error(n.at, format!("{what} has no `Type`"), None);
                return None;
            }
        };
        if model.types[raw as usize].kind != Kind::Entity {
            self.error(
                n.at,
                format!(
                    "{what} has complex type `{}`: navigation targets entity types",
                    model.types[raw as usize].name
                ),
                Some("declare it as a Property".into()),
            );
            return None;
        }
        Some(Navigation {
            name: n.name.clone(),
            target: raw,
            collection,
            nullable,
            contains_target: n.contains_target,
            description: description(&n.annotations, &self.aliases),
        })
    }

    /// OData V2/V3: a navigation property's target is the `ToRole` end of its association.
    pub(super) fn association_end(
        &mut self,
        rel: &str,
        to_role: Option<&str>,
        what: &str,
        at: usize,
    ) -> Option<(u32, bool, bool)> {
        let doc = self.doc;
        let (q, _) = self.qualify(rel);
        let assoc = doc.schemas.iter().find_map(|s| {
            s.associations
                .iter()
                .find(|a| format!("{}.{}", s.namespace, a.name) == q)
        });
        let Some(assoc) = assoc else {
            self.unresolved(
                at,
                format!("{what} names association `{rel}`, which this document does not declare"),
                None,
            );
            return None;
        };
        let Some(end) = assoc.ends.iter().find(|e| Some(e.role.as_str()) == to_role) else {
            self.error(
                at,
                format!(
                    "{what}: association `{rel}` has no end with role `{}`",
                    to_role.unwrap_or("")
                ),
                None,
            );
            return None;
        };
        let r = self.type_ref(end.ty.as_deref(), None, what, end.at);
        let TypeId::Structured(i) = r.id else {
            return None;
        };
        let multiplicity = end.multiplicity.as_deref().unwrap_or("1");
        Some((i, multiplicity == "*", multiplicity == "0..1"))
    }

    /// A property or navigation property may not repeat the name of one of a base type: one
    /// depth-first pass over the inheritance forest, holding the names of the current path.
    pub(super) fn redeclared(&mut self, model: &Model) {
        let mut on_path: HashMap<&str, u32> = HashMap::new();
        // (type, entering?)
        let mut stack: Vec<(u32, bool)> = (0..model.types.len() as u32)
            .filter(|&t| model.types[t as usize].base.is_none())
            .map(|t| (t, true))
            .collect();
        let mut found: Vec<(String, String, String)> = Vec::new();
        while let Some((t, entering)) = stack.pop() {
            let ty = &model.types[t as usize];
            let names = ty
                .properties
                .iter()
                .map(|p| p.name.as_str())
                .chain(ty.navigations.iter().map(|n| n.name.as_str()));
            if entering {
                for n in names {
                    if let Some(&owner) = on_path.get(n) {
                        found.push((
                            ty.name.clone(),
                            n.to_string(),
                            model.types[owner as usize].name.clone(),
                        ));
                    } else {
                        on_path.insert(n, t);
                    }
                }
                stack.push((t, false));
                stack.extend(ty.derived.iter().map(|&d| (d, true)));
            } else {
                for n in names {
                    if on_path.get(n) == Some(&t) {
                        on_path.remove(n);
                    }
                }
            }
        }
        for (ty, name, base) in found {
            let at = self.decls.get(&ty).map_or(0, |d| d.1);
            self.error(
                at,
                format!("`{ty}` declares `{name}`, which its base type `{base}` already declares"),
                Some(
                    "a derived type inherits its base's properties; remove the repeated one".into(),
                ),
            );
        }
    }
}
