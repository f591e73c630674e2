//! Namespaces, aliases and declarations: names checked as identifiers, every type declared
//! once, and type references (`Collection(NS.T)`, `Edm.*`) resolved to the model's types.

use super::{
    did_you_mean, is_identifier, nearest, version_name, Builder, Decl, ProblemSeverity, EDM_NAMES,
};
use crate::odata::csdl::TypeKind;
use crate::odata::model::{Primitive, TypeId, TypeRef, Version};

impl<'d> Builder<'d> {
    /// Namespaces and aliases: each declared once, no alias equal to a namespace or to another
    /// alias (it would hide one of them), no reserved alias.
    pub(super) fn namespaces(&mut self) {
        let doc = self.doc;
        for (i, inc) in doc.includes.iter().enumerate() {
            if !inc.namespace.is_empty() {
                self.referenced.entry(&inc.namespace).or_insert(i);
            }
        }
        for (i, s) in doc.schemas.iter().enumerate() {
            if s.namespace.is_empty() {
                self.error(s.at, "`Schema` has no `Namespace`".into(), None);
                continue;
            }
            self.check_namespace_name(&s.namespace, s.at);
            if let Some(&first) = self.own.get(s.namespace.as_str()) {
                let first = super::super::Position::of(self.text, doc.schemas[first].at);
                self.error(
                    s.at,
                    format!("namespace `{}` is declared twice", s.namespace),
                    Some(format!("merge it with the `Schema` on line {}", first.line)),
                );
                continue;
            }
            self.own.insert(&s.namespace, i);
        }
        let declared: Vec<(&str, &str, usize)> = doc
            .includes
            .iter()
            .filter_map(|inc| Some((inc.alias.as_deref()?, inc.namespace.as_str(), inc.at)))
            .chain(
                doc.schemas
                    .iter()
                    .filter_map(|s| Some((s.alias.as_deref()?, s.namespace.as_str(), s.at))),
            )
            .collect();
        for (alias, ns, at) in declared {
            if matches!(alias, "Edm" | "odata" | "System" | "Transient") {
                self.error(at, format!("alias `{alias}` is reserved"), None);
                continue;
            }
            if let Some(&other) = self.aliases.get(alias) {
                if other != ns {
                    self.error(
                        at,
                        format!("alias `{alias}` names both `{other}` and `{ns}`"),
                        Some("give each namespace its own alias".into()),
                    );
                }
                continue;
            }
            if self.own.contains_key(alias) || (self.referenced.contains_key(alias) && alias != ns)
            {
                self.error(
                    at,
                    format!("alias `{alias}` of `{ns}` is also the name of a namespace, which it would hide"),
                    Some("choose an alias that is not a namespace".into()),
                );
                continue;
            }
            self.aliases.insert(alias, ns);
        }
    }

    pub(super) fn check_namespace_name(&mut self, ns: &str, at: usize) {
        let ok =
            ns.chars().count() <= self.options.limits.namespace && ns.split('.').all(is_identifier);
        if !ok {
            let shown: String = ns.chars().take(80).collect();
            self.error(
                at,
                format!("`{shown}` is not a namespace: dot-separated names of letters, digits and `_`, at most {} characters", self.options.limits.namespace),
                None,
            );
        }
    }

    /// Checks a simple name; returns whether it is usable.
    pub(super) fn check_name(&mut self, name: &str, what: &str, at: usize) -> bool {
        if name.is_empty() {
            self.error(at, format!("{what} has no `Name`"), None);
            return false;
        }
        if name.chars().count() > self.options.limits.name || !is_identifier(name) {
            let shown: String = name.chars().take(80).collect();
            self.error(
                at,
                format!(
                    "{what} `{shown}` is not a name: letters, digits and `_`, starting with a letter or `_`, at most {} characters",
                    self.options.limits.name
                ),
                None,
            );
            return false;
        }
        true
    }

    /// Every schema child with a qualified name, each declared once.
    pub(super) fn declarations(&mut self) {
        let doc = self.doc;
        for (si, s) in doc.schemas.iter().enumerate() {
            let mut items: Vec<(&str, Decl, usize, &str)> = Vec::new();
            for (i, t) in s.types.iter().enumerate() {
                let what = match t.kind {
                    TypeKind::Entity => "entity type",
                    TypeKind::Complex => "complex type",
                };
                items.push((&t.name, Decl::Type(si, i), t.at, what));
            }
            for (i, e) in s.enums.iter().enumerate() {
                items.push((&e.name, Decl::Enum(si, i), e.at, "enum type"));
            }
            for (i, d) in s.definitions.iter().enumerate() {
                items.push((&d.name, Decl::Definition(si, i), d.at, "type definition"));
            }
            for t in &s.terms {
                items.push((&t.name, Decl::Term, t.at, "term"));
            }
            for c in &s.containers {
                items.push((&c.name, Decl::Container, c.at, "entity container"));
            }
            for (name, decl, at, what) in items {
                if !self.check_name(name, what, at) {
                    continue;
                }
                let q = format!("{}.{name}", s.namespace);
                if let Some(&(_, first)) = self.decls.get(&q) {
                    let first = super::super::Position::of(self.text, first);
                    self.error(
                        at,
                        format!("`{q}` is declared twice (first on line {})", first.line),
                        Some("rename or remove one of them".into()),
                    );
                    continue;
                }
                self.decls.insert(q, (decl, at));
            }
        }
    }

    /// `alias.Name` or `namespace.Name` -> the qualified name and whether the namespace is this
    /// document's (`Some(false)`: a referenced document's; `None`: unknown).
    pub(super) fn qualify(&self, raw: &str) -> (String, Option<bool>) {
        let Some((prefix, local)) = raw.rsplit_once('.') else {
            return (raw.to_string(), None);
        };
        let ns = self.aliases.get(prefix).copied().unwrap_or(prefix);
        let known = if self.own.contains_key(ns) {
            Some(true)
        } else if self.referenced.contains_key(ns) {
            Some(false)
        } else {
            None
        };
        (format!("{ns}.{local}"), known)
    }

    /// A type as written (`Collection(graph.x)`, `Edm.String`, `self.y`), resolved.
    pub(super) fn type_ref(
        &mut self,
        raw: Option<&str>,
        nullable: Option<bool>,
        what: &str,
        at: usize,
    ) -> TypeRef {
        let untyped = |collection: bool| TypeRef {
            id: TypeId::Primitive(Primitive::Untyped),
            collection,
            nullable: true,
            max_length: None,
            definition: None,
            written: None,
        };
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            self.error(at, format!("{what} has no `Type`"), None);
            return untyped(false);
        };
        let (inner, collection) = match raw
            .strip_prefix("Collection(")
            .and_then(|r| r.strip_suffix(')'))
        {
            Some(inner) => (inner.trim(), true),
            None => (raw, false),
        };
        let mut r = untyped(collection);
        r.nullable = nullable.unwrap_or(true);
        if let Some((id, definition)) = self.resolve_type(inner, what, at) {
            let family = matches!(
                id,
                TypeId::Primitive(Primitive::Geography | Primitive::Geometry)
            );
            if family && definition.is_none() {
                r.written = Some(inner.into());
            }
            r.id = id;
            r.definition = definition.map(Into::into);
        }
        r
    }

    /// A name in the `Edm.` namespace -> the primitive type it names (or, in V4,
    /// `Edm.ComplexType`/`Edm.EntityType`: any structured type); anything else is reported,
    /// with a hint at the version's name for it or the nearest primitive.
    fn resolve_edm(&mut self, name: &str, what: &str, at: usize) -> Option<TypeId> {
        if let Some(p) = Primitive::parse(name, self.version) {
            return Some(TypeId::Primitive(p));
        }
        match name {
            "Edm.ComplexType" | "Edm.EntityType" if self.version == Version::V4 => {
                return Some(TypeId::AnyStructured)
            }
            _ => {}
        }
        let hint = match (name, self.version) {
            ("Edm.DateTime", Version::V4) => Some(
                "`Edm.DateTime` is OData V2/V3; V4 has `Edm.DateTimeOffset` (and `Edm.Date`)"
                    .to_string(),
            ),
            ("Edm.Time", Version::V4) => Some(
                "`Edm.Time` is OData V2/V3; V4 has `Edm.TimeOfDay` and `Edm.Duration`".to_string(),
            ),
            _ => did_you_mean(
                nearest(name, EDM_NAMES.iter().copied())
                    .filter(|n| Primitive::parse(n, self.version).is_some()),
            ),
        };
        self.unresolved(
            at,
            format!(
                "{what} has type `{name}`, which is not an OData {} primitive type",
                version_name(self.version)
            ),
            hint,
        );
        None
    }

    /// `name` (qualified: `q`) is in a namespace of this document that declares no such type:
    /// reported, with a hint at the nearest type, enum or definition of that namespace.
    fn undeclared(&mut self, name: &str, q: &str, what: &str, at: usize) {
        let ns = q.rsplit_once('.').map_or("", |(n, _)| n);
        let local = q.rsplit_once('.').map_or(q, |(_, l)| l);
        let candidates: Vec<String> = self
            .decls
            .iter()
            .filter(|(k, (d, _))| {
                matches!(d, Decl::Type(..) | Decl::Enum(..) | Decl::Definition(..))
                    && k.rsplit_once('.').is_some_and(|(n, _)| n == ns)
            })
            .map(|(k, _)| k.rsplit_once('.').map_or(k.clone(), |(_, l)| l.to_string()))
            .collect();
        let written_prefix = name.rsplit_once('.').map_or("", |(p, _)| p);
        let hint = nearest(local, candidates.iter().map(String::as_str))
            .map(|n| format!("did you mean `{written_prefix}.{n}`?"));
        self.unresolved(
            at,
            format!("{what} has type `{name}`, which this document does not declare"),
            hint,
        );
    }

    /// A single type name -> what it names (and the type definition it went through).
    pub(super) fn resolve_type(
        &mut self,
        name: &str,
        what: &str,
        at: usize,
    ) -> Option<(TypeId, Option<String>)> {
        if name.starts_with("Edm.") {
            return self.resolve_edm(name, what, at).map(|t| (t, None));
        }
        let (q, known) = self.qualify(name);
        match known {
            Some(true) => match self.decls.get(&q).map(|d| d.0) {
                Some(Decl::Type(..)) => self
                    .type_index
                    .get(&q)
                    .map(|&i| (TypeId::Structured(i), None)),
                Some(Decl::Enum(..)) => self.enum_index.get(&q).map(|&i| (TypeId::Enum(i), None)),
                Some(Decl::Definition(si, di)) => {
                    let d = &self.doc.schemas[si].definitions[di];
                    let underlying = d.underlying_type.as_deref().unwrap_or("");
                    // Reported with the definition when it is not a primitive.
                    Primitive::parse(underlying, self.version)
                        .map(|p| (TypeId::Primitive(p), Some(q)))
                }
                _ => {
                    self.undeclared(name, &q, what, at);
                    None
                }
            },
            Some(false) => {
                let ns = q.rsplit_once('.').map_or("", |(n, _)| n).to_string();
                if !self.warned_referenced.contains(&ns) {
                    self.warned_referenced.push(ns.clone());
                    self.push(
                        ProblemSeverity::Warning,
                        at,
                        format!("{what} has type `{name}` from the referenced namespace `{ns}`, which paylint does not read: its values are not checked"),
                        Some("paylint never fetches `edmx:Reference` documents".into()),
                    );
                }
                Some((TypeId::Primitive(Primitive::Untyped), None))
            }
            None => {
                let prefix = name.rsplit_once('.').map_or(name, |(p, _)| p);
                let names: Vec<&str> = self
                    .own
                    .keys()
                    .copied()
                    .chain(self.aliases.keys().copied())
                    .collect();
                if name.contains('.') {
                    let hint = did_you_mean(nearest(prefix, names.into_iter()));
                    self.unresolved(
                        at,
                        format!("{what} has type `{name}`: `{prefix}` is no namespace or alias of this document"),
                        hint,
                    );
                } else {
                    self.unresolved(
                        at,
                        format!("{what} has type `{name}`, a name without its namespace"),
                        Some("qualify the name with its namespace or alias".to_string()),
                    );
                }
                None
            }
        }
    }
}
