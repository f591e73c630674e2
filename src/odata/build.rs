//! Compiles the declarations of a CSDL document into a [`Model`], checking them as a compiler
//! checks its input: every name resolved (aliases, namespaces, `Edm` types of the document's
//! OData version), no duplicate, no alias that hides another, no inheritance cycle, keys that
//! name properties. Each problem has its place in the document and, where one helps, a hint
//! (the nearest known name).
//!
//! Cost is linear in the document: names are looked up in hash maps, inheritance is walked once
//! per type with memoised results, and properties redeclared from a base are found in one
//! depth-first pass over the inheritance forest.

use super::csdl::{self, Annotation, AnnotationValue, Document, TypeKind};
use super::model::{
    EntitySet, EnumType, Import, InheritedAnnotation, Kind, Model, Namespace, Navigation,
    Operation, OperationKind, Parameter, Primitive, Property, ReadOnly, Singleton, StructuredType,
    TypeId, TypeRef, Version,
};
use std::collections::{BTreeMap, HashMap};

/// The Core vocabulary's namespace, whatever alias a document gives it.
pub const CORE: &str = "Org.OData.Core.V1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemSeverity {
    Warning,
    Error,
}

/// Something wrong with the document, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: ProblemSeverity,
    pub at: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Bounds on what a document may hold, so that hostile metadata costs bounded time and memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Characters in a simple name (CSDL allows 128) and in a namespace (511).
    pub name: usize,
    pub namespace: usize,
    /// Problems reported before the rest are counted only.
    pub problems: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            name: 128,
            namespace: 511,
            problems: 50,
        }
    }
}

/// How to compile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Names that resolve to nothing are warnings (and accept any value), not errors.
    pub allow_unresolved: bool,
    pub limits: Limits,
}

/// The model, or the problems that keep it from being built; warnings come with the model.
pub fn compile(
    doc: &Document,
    text: &str,
    options: &Options,
) -> Result<(Model, Vec<Problem>), Vec<Problem>> {
    let mut b = Builder::new(doc, text, *options);
    let model = b.build();
    let errors = b
        .problems
        .iter()
        .any(|p| p.severity == ProblemSeverity::Error);
    b.close_problems();
    match model {
        Some(m) if !errors => Ok((m, b.problems)),
        _ => Err(b.problems),
    }
}

/// What a qualified name declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decl {
    Type(usize, usize),
    Enum(usize, usize),
    Definition(usize, usize),
    Term,
    Container,
}

struct Builder<'d> {
    doc: &'d Document,
    /// The document's text, for the positions some messages name.
    text: &'d str,
    options: Options,
    version: Version,
    problems: Vec<Problem>,
    dropped: usize,
    /// Alias -> namespace (the document's schemas and its references' includes).
    aliases: HashMap<&'d str, &'d str>,
    /// The document's own namespaces.
    own: HashMap<&'d str, usize>,
    /// Namespaces of referenced documents (not read: paylint never fetches).
    referenced: HashMap<&'d str, usize>,
    /// Qualified name -> declaration and where it is.
    decls: HashMap<String, (Decl, usize)>,
    /// Qualified type name -> index in the model, once sorted.
    type_index: HashMap<String, u32>,
    enum_index: HashMap<String, u32>,
    /// Referenced namespaces already reported as not read.
    warned_referenced: Vec<String>,
}

fn short_at(qualified: &str) -> u32 {
    qualified.rfind('.').map_or(0, |i| i as u32 + 1)
}

fn nearest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = wanted.to_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 3.max(c.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn did_you_mean(found: Option<&str>) -> Option<String> {
    found.map(|n| format!("did you mean `{n}`?"))
}

/// A CSDL simple identifier: a letter or `_`, then letters, digits and `_` (Unicode allowed).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

impl<'d> Builder<'d> {
    fn new(doc: &'d Document, text: &'d str, options: Options) -> Self {
        Builder {
            doc,
            text,
            options,
            version: Version::V4,
            problems: Vec::new(),
            dropped: 0,
            aliases: HashMap::new(),
            own: HashMap::new(),
            referenced: HashMap::new(),
            decls: HashMap::new(),
            type_index: HashMap::new(),
            enum_index: HashMap::new(),
            warned_referenced: Vec::new(),
        }
    }

    fn push(
        &mut self,
        severity: ProblemSeverity,
        at: usize,
        message: String,
        hint: Option<String>,
    ) {
        if self.problems.len() >= self.options.limits.problems {
            self.dropped += 1;
            return;
        }
        self.problems.push(Problem {
            severity,
            at,
            message,
            hint,
        });
    }

    fn error(&mut self, at: usize, message: String, hint: Option<String>) {
        self.push(ProblemSeverity::Error, at, message, hint);
    }

    /// An unresolved name: an error, or a warning with `--allow-unresolved`.
    fn unresolved(&mut self, at: usize, message: String, hint: Option<String>) {
        let severity = if self.options.allow_unresolved {
            ProblemSeverity::Warning
        } else {
            ProblemSeverity::Error
        };
        self.push(severity, at, message, hint);
    }

    fn close_problems(&mut self) {
        if self.dropped > 0 {
            let at = self.problems.last().map_or(0, |p| p.at);
            self.problems.push(Problem {
                severity: ProblemSeverity::Error,
                at,
                message: format!("and {} more problems", self.dropped),
                hint: None,
            });
        }
    }

    fn build(&mut self) -> Option<Model> {
        let doc = self.doc;
        if doc.schemas.is_empty() {
            self.error(
                doc.root_at,
                "no `Schema` element: not an OData CSDL (EDMX) document, or cut short".into(),
                Some("export the whole `$metadata` document".into()),
            );
            return None;
        }
        self.version = self.version_of();
        self.namespaces();
        self.declarations();
        let types = self.structured_types();
        let enums = self.enums();
        let mut model = Model {
            version: self.version,
            namespaces: doc
                .schemas
                .iter()
                .map(|s| Namespace {
                    name: s.namespace.clone(),
                    alias: s.alias.clone(),
                })
                .collect(),
            types,
            enums,
            operations: Vec::new(),
            entity_sets: Vec::new(),
            singletons: Vec::new(),
            imports: Vec::new(),
        };
        self.members(&mut model);
        self.redeclared(&model);
        self.external_annotations(&mut model);
        self.operations(&mut model);
        self.container(&mut model);
        if model.types.is_empty() && model.entity_sets.is_empty() && model.singletons.is_empty() {
            self.error(
                doc.root_at,
                "the document declares no entity type, complex type or entity container: there is nothing to check payloads against".into(),
                Some("is this a vocabulary, or a `$metadata` cut short?".into()),
            );
        }
        Some(model)
    }

    fn version_of(&mut self) -> Version {
        let doc = self.doc;
        match doc.edmx_version.as_deref() {
            Some("4.0" | "4.01") => Version::V4,
            Some("1.0" | "2.0" | "3.0") => match doc.data_service_version.as_deref() {
                Some(v) if v.starts_with('3') => Version::V3,
                _ => Version::V2,
            },
            Some(other) => {
                self.error(
                    doc.root_at,
                    format!("EDMX version `{other}` is not one paylint reads"),
                    Some("OData V4 documents say `Version=\"4.0\"` or `\"4.01\"`; V2 and V3 say `\"1.0\"`".into()),
                );
                Version::V4
            }
            None => Version::V4,
        }
    }

    /// Namespaces and aliases: each declared once, no alias equal to a namespace or to another
    /// alias (it would hide one of them), no reserved alias.
    fn namespaces(&mut self) {
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
                let first = super::Position::of(self.text, doc.schemas[first].at);
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

    fn check_namespace_name(&mut self, ns: &str, at: usize) {
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
    fn check_name(&mut self, name: &str, what: &str, at: usize) -> bool {
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
    fn declarations(&mut self) {
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
                    let first = super::Position::of(self.text, first);
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
    fn qualify(&self, raw: &str) -> (String, Option<bool>) {
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
    fn type_ref(
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

    /// A single type name -> what it names (and the type definition it went through).
    fn resolve_type(
        &mut self,
        name: &str,
        what: &str,
        at: usize,
    ) -> Option<(TypeId, Option<String>)> {
        if name.starts_with("Edm.") {
            if let Some(p) = Primitive::parse(name, self.version) {
                return Some((TypeId::Primitive(p), None));
            }
            match name {
                "Edm.ComplexType" | "Edm.EntityType" if self.version == Version::V4 => {
                    return Some((TypeId::AnyStructured, None))
                }
                _ => {}
            }
            let hint = match (name, self.version) {
                ("Edm.DateTime", Version::V4) => Some(
                    "`Edm.DateTime` is OData V2/V3; V4 has `Edm.DateTimeOffset` (and `Edm.Date`)"
                        .to_string(),
                ),
                ("Edm.Time", Version::V4) => Some(
                    "`Edm.Time` is OData V2/V3; V4 has `Edm.TimeOfDay` and `Edm.Duration`"
                        .to_string(),
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
            return None;
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
                    let ns = q.rsplit_once('.').map_or("", |(n, _)| n);
                    let local = q.rsplit_once('.').map_or(q.as_str(), |(_, l)| l);
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

    /// The structured types, sorted by qualified name: kinds, bases (acyclic, same kind), and
    /// what is inherited (open, has stream, key), worked out once per type.
    fn structured_types(&mut self) -> Vec<StructuredType> {
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
    fn inheritance(&mut self, types: &mut [StructuredType], order: &[(String, usize, usize)]) {
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

    fn enums(&mut self) -> Vec<EnumType> {
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
    fn members(&mut self, model: &mut Model) {
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
        // Keys name structural properties of the type or a base.
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

    fn navigation(
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
    fn association_end(
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
    fn redeclared(&mut self, model: &Model) {
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

    /// `Annotations Target="ns.Type"` and `Target="ns.Type/property"` blocks: descriptions and
    /// read-only terms applied to what they name (a property a base type declares is recorded in
    /// the type's `inherited` list). Other targets are not used.
    fn external_annotations(&mut self, model: &mut Model) {
        let doc = self.doc;
        for s in &doc.schemas {
            for block in &s.annotations {
                if block.qualifier.is_some() {
                    continue;
                }
                let (head, prop) = match block.target.split_once('/') {
                    Some((h, p)) => (h.trim(), Some(p.trim())),
                    None => (block.target.trim(), None),
                };
                let (q, _) = self.qualify(head);
                let Some(&ti) = self.type_index.get(&q) else {
                    continue;
                };
                let desc = description(&block.annotations, &self.aliases);
                let ro = read_only(&block.annotations, &self.aliases);
                // A property a base type declares: the annotation holds from this type down.
                let inherited = prop.is_some_and(|p| {
                    let t = &model.types[ti as usize];
                    !t.properties.iter().any(|x| x.name == p)
                        && !t.navigations.iter().any(|x| x.name == p)
                        && (model.property(ti, p).is_some() || model.navigation(ti, p).is_some())
                });
                let t = &mut model.types[ti as usize];
                match prop {
                    None => {
                        if desc.is_some() {
                            t.description = desc;
                        }
                    }
                    Some(p) if p.contains('/') => {}
                    Some(p) if inherited => {
                        if desc.is_none() && ro.is_none() {
                            continue;
                        }
                        let at = match t.inherited.iter().position(|x| x.property == p) {
                            Some(i) => i,
                            None => {
                                t.inherited.push(InheritedAnnotation {
                                    property: p.to_string(),
                                    read_only: None,
                                    description: None,
                                });
                                t.inherited.len() - 1
                            }
                        };
                        let x = &mut t.inherited[at];
                        if desc.is_some() {
                            x.description = desc;
                        }
                        if ro.is_some() {
                            x.read_only = ro;
                        }
                    }
                    Some(p) => {
                        if let Some(x) = t.properties.iter_mut().find(|x| x.name == p) {
                            if desc.is_some() {
                                x.description = desc;
                            }
                            if ro.is_some() {
                                x.read_only = ro;
                            }
                        } else if let Some(x) = t.navigations.iter_mut().find(|x| x.name == p) {
                            if desc.is_some() {
                                x.description = desc;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Actions and functions: parameters, return types, bindings; sorted by qualified name.
    fn operations(&mut self, model: &mut Model) {
        let doc = self.doc;
        let mut ops: Vec<(String, usize, Operation)> = Vec::new();
        let mut seq = 0;
        let mut decls: Vec<(&str, &csdl::OperationDecl)> = Vec::new();
        for s in &doc.schemas {
            for op in &s.operations {
                decls.push((&s.namespace, op));
            }
            for c in &s.containers {
                for op in &c.legacy_imports {
                    decls.push((&s.namespace, op));
                }
            }
        }
        for (ns, op) in decls {
            if !self.check_name(&op.name, "operation", op.at) {
                continue;
            }
            let q = format!("{ns}.{}", op.name);
            let what = format!("`{q}`");
            let mut params = op.parameters.iter();
            let binding = if op.is_bound {
                match params.next() {
                    Some(b) => Some(self.type_ref(
                        b.ty.as_deref(),
                        b.nullable,
                        &format!("the binding parameter of {what}"),
                        b.at,
                    )),
                    None => {
                        self.error(
                            op.at,
                            format!("bound operation {what} has no binding parameter"),
                            Some("its first `Parameter` is what it is bound to".into()),
                        );
                        continue;
                    }
                }
            } else {
                None
            };
            let mut parameters = Vec::new();
            for p in params {
                let ty = self.type_ref(
                    p.ty.as_deref(),
                    p.nullable,
                    &format!("parameter `{}` of {what}", p.name),
                    p.at,
                );
                parameters.push(Parameter {
                    name: p.name.clone(),
                    ty,
                    optional: has_term(&p.annotations, "OptionalParameter", &self.aliases),
                });
            }
            let returns = op.return_type.as_ref().map(|r| {
                self.type_ref(
                    r.ty.as_deref(),
                    r.nullable,
                    &format!("the return type of {what}"),
                    r.at,
                )
            });
            ops.push((
                q.clone(),
                seq,
                Operation {
                    short_at: short_at(&q),
                    name: q,
                    kind: match op.kind {
                        csdl::OperationKind::Action => OperationKind::Action,
                        csdl::OperationKind::Function => OperationKind::Function,
                    },
                    binding,
                    parameters,
                    returns,
                    composable: op.is_composable,
                    description: description(&op.annotations, &self.aliases),
                },
            ));
            seq += 1;
        }
        ops.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        model.operations = ops.into_iter().map(|(_, _, o)| o).collect();
        for (i, o) in model.operations.iter().enumerate() {
            if let Some(TypeRef {
                id: TypeId::Structured(t),
                collection,
                ..
            }) = &o.binding
            {
                let ty = &mut model.types[*t as usize];
                if *collection {
                    ty.bound_to_collection.push(i as u32);
                } else {
                    ty.bound.push(i as u32);
                }
            }
        }
    }

    /// Entity sets, singletons and imports of every container (V2 documents may have several).
    fn container(&mut self, model: &mut Model) {
        let doc = self.doc;
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut sets = Vec::new();
        let mut singletons = Vec::new();
        let mut imports: BTreeMap<String, Import> = BTreeMap::new();
        for s in &doc.schemas {
            for c in &s.containers {
                for set in &c.entity_sets {
                    if !self.once(&mut seen, &set.name, set.at) {
                        continue;
                    }
                    let what = format!("entity set `{}`", set.name);
                    if let Some(ty) = self.entity_type_of(set.ty.as_deref(), &what, set.at, model) {
                        sets.push(EntitySet {
                            name: set.name.clone(),
                            ty,
                            not_creatable: set.sap.not_creatable,
                            not_updatable: set.sap.not_updatable,
                        });
                    }
                }
                for single in &c.singletons {
                    if !self.once(&mut seen, &single.name, single.at) {
                        continue;
                    }
                    let what = format!("singleton `{}`", single.name);
                    if let Some(ty) =
                        self.entity_type_of(single.ty.as_deref(), &what, single.at, model)
                    {
                        singletons.push(Singleton {
                            name: single.name.clone(),
                            ty,
                        });
                    }
                }
                for imp in &c.imports {
                    if !self.once(&mut seen, &imp.name, imp.at) {
                        continue;
                    }
                    let target = imp.target.as_deref().unwrap_or("");
                    let (q, _) = self.qualify(target);
                    let ops: Vec<u32> = model
                        .operations
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| o.name == q && o.binding.is_none())
                        .map(|(i, _)| i as u32)
                        .collect();
                    if ops.is_empty() {
                        self.unresolved(imp.at, format!("import `{}` names `{target}`, which is no unbound operation of this document", imp.name), None);
                        continue;
                    }
                    imports.insert(
                        imp.name.clone(),
                        Import {
                            name: imp.name.clone(),
                            operations: ops,
                        },
                    );
                }
                for op in &c.legacy_imports {
                    if !self.once(&mut seen, &op.name, op.at) {
                        continue;
                    }
                    let q = format!("{}.{}", s.namespace, op.name);
                    let ops: Vec<u32> = model
                        .operations
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| o.name == q && o.binding.is_none())
                        .map(|(i, _)| i as u32)
                        .collect();
                    if !ops.is_empty() {
                        imports.insert(
                            op.name.clone(),
                            Import {
                                name: op.name.clone(),
                                operations: ops,
                            },
                        );
                    }
                }
            }
        }
        sets.sort_by(|a, b| a.name.cmp(&b.name));
        singletons.sort_by(|a, b| a.name.cmp(&b.name));
        model.entity_sets = sets;
        model.singletons = singletons;
        model.imports = imports.into_values().collect();
    }

    fn once(&mut self, seen: &mut HashMap<String, usize>, name: &str, at: usize) -> bool {
        if !self.check_name(name, "container element", at) {
            return false;
        }
        if seen.contains_key(name) {
            self.error(
                at,
                format!("the entity container declares `{name}` twice"),
                None,
            );
            return false;
        }
        seen.insert(name.to_string(), at);
        true
    }

    fn entity_type_of(
        &mut self,
        raw: Option<&str>,
        what: &str,
        at: usize,
        model: &Model,
    ) -> Option<u32> {
        let r = self.type_ref(raw, None, what, at);
        match r.id {
            TypeId::Structured(i) if model.types[i as usize].kind == Kind::Entity => Some(i),
            TypeId::Structured(i) => {
                self.error(
                    at,
                    format!(
                        "{what} is of complex type `{}`: it must be an entity type",
                        model.types[i as usize].name
                    ),
                    None,
                );
                None
            }
            TypeId::Primitive(Primitive::Untyped) => None,
            _ => {
                self.error(
                    at,
                    format!(
                        "{what} is of type `{}`: it must be an entity type",
                        raw.unwrap_or("")
                    ),
                    None,
                );
                None
            }
        }
    }
}

const EDM_NAMES: &[&str] = &[
    "Edm.Binary",
    "Edm.Boolean",
    "Edm.Byte",
    "Edm.Date",
    "Edm.DateTimeOffset",
    "Edm.Decimal",
    "Edm.Double",
    "Edm.Duration",
    "Edm.Guid",
    "Edm.Int16",
    "Edm.Int32",
    "Edm.Int64",
    "Edm.SByte",
    "Edm.Single",
    "Edm.Stream",
    "Edm.String",
    "Edm.TimeOfDay",
    "Edm.Untyped",
    "Edm.DateTime",
    "Edm.Time",
    "Edm.GeographyPoint",
    "Edm.GeometryPoint",
];

fn version_name(v: Version) -> &'static str {
    match v {
        Version::V2 => "V2",
        Version::V3 => "V3",
        Version::V4 => "V4",
    }
}

/// Is `term` (as written: `Core.Computed`, `Org.OData.Core.V1.Computed`) the Core term `name`?
fn is_core(term: &str, name: &str, aliases: &HashMap<&str, &str>) -> bool {
    term.trim()
        .rsplit_once('.')
        .is_some_and(|(ns, local)| local == name && aliases.get(ns).copied().unwrap_or(ns) == CORE)
}

fn has_term(annotations: &[Annotation], name: &str, aliases: &HashMap<&str, &str>) -> bool {
    annotations
        .iter()
        .any(|a| a.qualifier.is_none() && is_core(&a.term, name, aliases))
}

fn term<'a>(
    annotations: &'a [Annotation],
    name: &str,
    aliases: &HashMap<&str, &str>,
) -> Option<&'a AnnotationValue> {
    annotations
        .iter()
        .find(|a| a.qualifier.is_none() && is_core(&a.term, name, aliases))
        .map(|a| &a.value)
}

fn description(annotations: &[Annotation], aliases: &HashMap<&str, &str>) -> Option<Box<str>> {
    match term(annotations, "Description", aliases)? {
        AnnotationValue::String(s) => Some(s.as_str().into()),
        _ => None,
    }
}

fn is_true(v: Option<&AnnotationValue>) -> bool {
    matches!(v, Some(AnnotationValue::Empty))
        || matches!(v, Some(AnnotationValue::Bool(b)) if b == "true")
}

/// Read-only terms: `Core.Computed`, `Core.Permissions` of `Read` alone, `Core.Immutable`.
fn read_only(annotations: &[Annotation], aliases: &HashMap<&str, &str>) -> Option<ReadOnly> {
    if is_true(term(annotations, "Computed", aliases)) {
        return Some(ReadOnly::Computed);
    }
    if let Some(AnnotationValue::EnumMembers(members)) = term(annotations, "Permissions", aliases) {
        let read_only =
            !members.is_empty() && members.iter().all(|m| m.rsplit('/').next() == Some("Read"));
        if read_only {
            return Some(ReadOnly::Permissions);
        }
    }
    if is_true(term(annotations, "Immutable", aliases)) {
        return Some(ReadOnly::Immutable);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_on_an_inherited_property_are_kept_on_the_derived_type() {
        let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="base"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="at" Type="Edm.DateTimeOffset"/></EntityType>
  <EntityType Name="derived" BaseType="ns.base"/>
  <Annotations Target="ns.derived/at">
    <Annotation Term="Org.OData.Core.V1.Description" String="When."/>
    <Annotation Term="Org.OData.Core.V1.Computed"/>
  </Annotations>
  <Annotations Target="ns.derived/nothing"><Annotation Term="Org.OData.Core.V1.Computed"/></Annotations>
</Schema></edmx:DataServices></edmx:Edmx>"#;
        let doc = csdl::read(text).unwrap();
        let (model, _) = compile(&doc, text, &Options::default()).unwrap();
        let derived = &model.types[model.structured("ns.derived").unwrap() as usize];
        assert_eq!(
            derived.inherited,
            [InheritedAnnotation {
                property: "at".into(),
                read_only: Some(ReadOnly::Computed),
                description: Some("When.".into()),
            }]
        );
        let base = &model.types[model.structured("ns.base").unwrap() as usize];
        assert!(base.inherited.is_empty() && base.properties[1].description.is_none());
    }

    #[test]
    fn a_geographic_type_keeps_the_name_it_was_written_with() {
        let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="place"><Property Name="at" Type="Edm.GeographyPoint"/><Property Name="n" Type="Edm.Int32"/></ComplexType>
</Schema></edmx:DataServices></edmx:Edmx>"#;
        let doc = csdl::read(text).unwrap();
        let (model, _) = compile(&doc, text, &Options::default()).unwrap();
        let props = &model.types[0].properties;
        assert_eq!(props[0].ty.id, TypeId::Primitive(Primitive::Geography));
        assert_eq!(props[0].ty.written.as_deref(), Some("Edm.GeographyPoint"));
        assert_eq!(props[1].ty.written, None);
    }
}
