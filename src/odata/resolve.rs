//! Resolves a request URL against a [`Model`] segment by segment, the way an OData URL parser
//! does (OData 4.01 URL Conventions, section 4), instead of matching a list of path templates:
//! an entity set, singleton or operation import first, then keys (as segments or in
//! parentheses), casts, structural and navigation properties at any depth, bound actions and
//! functions (qualified or not, with or without parameters), what a composable function
//! returns, `$ref`, `$value`, `$count`, and path-based addressing (`root:/a/b.txt:`).
//!
//! A segment that names a cast, an operation or a property is never taken as a key; a
//! placeholder (`{id}`, `<id>`) always is, where a key can stand.

use super::model::{Kind, Model, OperationKind, Primitive, TypeId, TypeRef};
use super::url::{self, Segment, Target};

/// What a resolved URL addresses.
#[derive(Debug, Clone, PartialEq)]
pub enum Addressed {
    /// Entities: an entity set, a collection-valued navigation property, or what a function
    /// returns. `set` is the entity set (an index into [`Model::entity_sets`]), when known.
    Entities { ty: u32, set: Option<u32> },
    /// One entity: by key, a singleton, a single-valued navigation property, a function result.
    Entity { ty: u32, set: Option<u32> },
    /// A complex value, or a collection of them.
    Complex { ty: u32, collection: bool },
    /// A primitive or enum value, or a collection of them.
    Value(TypeRef),
    /// Raw bytes: `$value`, a stream property, a media entity's content. `owner` is the entity
    /// whose stream it is, when one is (what an upload answers with, in Graph).
    Raw { owner: Option<u32> },
    /// `$count`: a number, as text.
    Count,
    /// `$ref`: a reference to an entity, or a collection of them.
    Reference { ty: u32, collection: bool },
    /// An action or function call (an index into [`Model::operations`]).
    Call { op: u32 },
    /// What the model does not type: `$batch`, `$metadata`, an untyped property, a placeholder
    /// standing for a property name.
    Untyped(Untyped),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Untyped {
    Batch,
    Metadata,
    /// A property of type `Edm.Untyped` (or from a document paylint does not read).
    Value,
    /// A placeholder where a property name stands (`/thumbnails/{id}/{size}`).
    PropertyPlaceholder,
    /// `$entity`, `$all`, `$crossjoin`.
    Other,
}

/// How one segment was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    EntitySet,
    Singleton,
    Import,
    Key,
    Cast,
    Property,
    Navigation,
    Operation,
    ItemPath,
    Dollar,
}

/// A URL resolved against the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub addressed: Addressed,
    /// The segments taken as the service root (`v1.0`, `V4/TripPinServiceRW`).
    pub root: Vec<String>,
    /// Each segment after the root, how it was read and what it addressed.
    pub steps: Vec<(String, Step, Addressed)>,
    /// A property, navigation property or operation found on a type derived from the one the
    /// path had reached, without a cast segment (Graph accepts it): the derived type's name.
    pub implicit_cast: Option<String>,
}

/// Why a URL does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// Segments after the root that did resolve.
    pub resolved: Vec<String>,
    /// The segment that did not.
    pub segment: String,
    /// Why, in a sentence: "`microsoft.graph.user` has no property, navigation property or
    /// bound operation `foo`".
    pub reason: String,
    /// Names that could have been meant, nearest first (at most a few).
    pub candidates: Vec<String>,
}

/// Service roots a URL may start with (`/v1.0`, `/V4/TripPinServiceRW`), as segments. Empty:
/// any leading segments that name nothing in the container are taken as the root.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    pub roots: Vec<Vec<String>>,
    /// The hosts of the roots given as absolute URLs (lowercase).
    pub hosts: Vec<String>,
}

impl Roots {
    pub fn parse(roots: &[String]) -> Roots {
        let parsed: Vec<_> = roots.iter().map(|r| url::parse(r)).collect();
        Roots {
            hosts: parsed.iter().filter_map(|t| t.host.clone()).collect(),
            roots: parsed
                .into_iter()
                .map(|t| t.segments.into_iter().map(|s| s.raw).collect())
                .collect(),
        }
    }
}

/// How many candidate names a finding suggests.
const CANDIDATES: usize = 3;

/// Resolves `target` (a parsed request target) against `model`.
pub fn resolve(model: &Model, target: &Target, roots: &Roots) -> Result<Resolution, Unresolved> {
    let segs = &target.segments;
    let starts: Vec<usize> = if roots.roots.is_empty() {
        (0..segs.len())
            .filter(|&i| names_container_child(model, &segs[i]))
            .collect()
    } else {
        roots
            .roots
            .iter()
            .filter(|r| {
                r.len() <= segs.len()
                    && r.iter()
                        .zip(segs)
                        .all(|(a, b)| a.eq_ignore_ascii_case(&b.raw))
            })
            .map(Vec::len)
            .collect()
    };
    let mut best: Option<Unresolved> = None;
    for start in starts {
        match Walk::new(model, segs, start).run() {
            Ok(r) => return Ok(r),
            // A path that resolved past its first segment is about that resource: what comes
            // after it is not a service root's end.
            Err(u) if !u.resolved.is_empty() => return Err(u),
            Err(u) => {
                if best
                    .as_ref()
                    .is_none_or(|b| u.resolved.len() > b.resolved.len())
                {
                    best = Some(u);
                }
            }
        }
    }
    Err(best.unwrap_or_else(|| no_start(model, segs, roots)))
}

fn names_container_child(model: &Model, s: &Segment) -> bool {
    matches!(
        s.name.as_str(),
        "$batch" | "$metadata" | "$entity" | "$all" | "$crossjoin"
    ) || model.entity_set(&s.name).is_some()
        || model.singleton(&s.name).is_some()
        || model.import(&s.name).is_some()
}

/// Nothing in the URL names an entity set, singleton or import.
fn no_start(model: &Model, segs: &[Segment], roots: &Roots) -> Unresolved {
    if !roots.roots.is_empty() {
        let shown: Vec<String> = roots
            .roots
            .iter()
            .map(|r| format!("/{}", r.join("/")))
            .collect();
        return Unresolved {
            resolved: Vec::new(),
            segment: segs.first().map(|s| s.raw.clone()).unwrap_or_default(),
            reason: format!(
                "the path is not under the service root ({})",
                shown.join(", ")
            ),
            candidates: Vec::new(),
        };
    }
    // The first segment that does not look like a version or service path names the resource.
    let first = segs
        .iter()
        .find(|s| !looks_like_root(&s.name))
        .or(segs.first());
    let Some(first) = first else {
        return Unresolved {
            resolved: Vec::new(),
            segment: String::new(),
            reason: "the path is empty: it names no entity set, singleton or operation".into(),
            candidates: Vec::new(),
        };
    };
    let names = model
        .entity_sets
        .iter()
        .map(|s| s.name.as_str())
        .chain(model.singletons.iter().map(|s| s.name.as_str()))
        .chain(model.imports.iter().map(|s| s.name.as_str()));
    Unresolved {
        resolved: Vec::new(),
        segment: first.raw.clone(),
        reason: format!(
            "`{}` is no entity set, singleton or operation import of the service",
            first.name
        ),
        candidates: nearest(&first.name, names),
    }
}

/// `v1.0`, `beta`, `V4`, `api`, `data`, `v9.2`: segments a service root is made of.
fn looks_like_root(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l == "beta"
        || l == "api"
        || l == "data"
        || l == "odata"
        || (l.starts_with('v') && l[1..].chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Up to [`CANDIDATES`] names near `wanted`, nearest first.
pub fn nearest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .map(|n| (strsim::levenshtein(&lower, &n.to_lowercase()), n))
        .filter(|(d, n)| *d <= (n.chars().count().max(lower.chars().count()) / 3).max(1))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(CANDIDATES)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// Where the walk is: what the segments so far address.
type At = Addressed;

struct Walk<'a> {
    model: &'a Model,
    segs: &'a [Segment],
    start: usize,
    steps: Vec<(String, Step, Addressed)>,
    implicit_cast: Option<String>,
}

impl<'a> Walk<'a> {
    fn new(model: &'a Model, segs: &'a [Segment], start: usize) -> Self {
        Walk {
            model,
            segs,
            start,
            steps: Vec::new(),
            implicit_cast: None,
        }
    }

    fn run(mut self) -> Result<Resolution, Unresolved> {
        let segs = self.segs;
        let first = &segs[self.start];
        let mut at = self.first(first)?;
        for s in &segs[self.start + 1..] {
            at = self.next(at, s)?;
        }
        Ok(Resolution {
            addressed: at,
            root: segs[..self.start].iter().map(|s| s.raw.clone()).collect(),
            steps: self.steps,
            implicit_cast: self.implicit_cast,
        })
    }

    fn record(&mut self, s: &Segment, step: Step, at: Addressed) -> Result<Addressed, Unresolved> {
        self.steps.push((s.raw.clone(), step, at.clone()));
        Ok(at)
    }

    fn fail(&self, s: &Segment, reason: String, candidates: Vec<String>) -> Unresolved {
        Unresolved {
            resolved: self.steps.iter().map(|(r, ..)| r.clone()).collect(),
            segment: s.raw.clone(),
            reason,
            candidates,
        }
    }

    /// The first segment after the root: an entity set (with a key in parentheses, perhaps),
    /// a singleton, an operation import, or `$batch`/`$metadata`.
    fn first(&mut self, s: &Segment) -> Result<At, Unresolved> {
        let model = self.model;
        match s.name.as_str() {
            "$batch" => return self.record(s, Step::Dollar, At::Untyped(Untyped::Batch)),
            "$metadata" => return self.record(s, Step::Dollar, At::Untyped(Untyped::Metadata)),
            "$entity" | "$all" | "$crossjoin" => {
                return self.record(s, Step::Dollar, At::Untyped(Untyped::Other))
            }
            _ => {}
        }
        if let Some(set) = model.entity_set(&s.name) {
            let index = model
                .entity_sets
                .iter()
                .position(|x| std::ptr::eq(x, set))
                .map(|i| i as u32);
            let entities = At::Entities {
                ty: set.ty,
                set: index,
            };
            let at = self.record(s, Step::EntitySet, entities)?;
            return self.keyed(at, s);
        }
        if let Some(single) = model.singleton(&s.name) {
            let at = At::Entity {
                ty: single.ty,
                set: None,
            };
            let at = self.record(s, Step::Singleton, at)?;
            return self.item_path(at, s);
        }
        if let Some(import) = model.import(&s.name) {
            let op = pick_overload(model, &import.operations, s.args.as_deref());
            return self.record(s, Step::Import, At::Call { op });
        }
        Err(self.fail(
            s,
            format!(
                "`{}` is no entity set, singleton or operation import",
                s.name
            ),
            Vec::new(),
        ))
    }

    /// A key in parentheses after a collection (`People('x')`), then path-based addressing.
    fn keyed(&mut self, at: At, s: &Segment) -> Result<At, Unresolved> {
        let at = match (&at, &s.args) {
            (At::Entities { ty, set }, Some(_)) => At::Entity { ty: *ty, set: *set },
            _ => at,
        };
        self.item_path(at, s)
    }

    /// `name:/a/b:` addresses an item below `name` by path: an entity of the same type (Graph's
    /// drive items and sites).
    fn item_path(&mut self, at: At, s: &Segment) -> Result<At, Unresolved> {
        if s.item_path.is_none() {
            return Ok(at);
        }
        let at = match at {
            At::Entities { ty, set } => At::Entity { ty, set },
            other => other,
        };
        if let Some(last) = self.steps.last_mut() {
            last.1 = Step::ItemPath;
            last.2 = at.clone();
        }
        Ok(at)
    }

    fn next(&mut self, at: At, s: &Segment) -> Result<At, Unresolved> {
        match at.clone() {
            At::Entities { ty, set } => self.on_collection(ty, set, s),
            At::Entity { ty, set } => self.on_single(ty, set, s, Kind::Entity),
            At::Complex {
                ty,
                collection: false,
            } => self.on_single(ty, None, s, Kind::Complex),
            At::Complex {
                ty,
                collection: true,
            } => self.on_dollar(at, s, ty),
            At::Value(r) => match s.name.as_str() {
                "$value" if !r.collection => self.record(s, Step::Dollar, At::Raw { owner: None }),
                "$count" if r.collection => self.record(s, Step::Dollar, At::Count),
                _ => Err(self.fail(
                    s,
                    format!(
                        "a {} value has no segment `{}`",
                        type_name(self.model, &r),
                        s.name
                    ),
                    Vec::new(),
                )),
            },
            At::Call { op } => self.after_call(op, s),
            At::Untyped(_) => self.record(s, Step::Property, At::Untyped(Untyped::Value)),
            At::Raw { .. } | At::Count | At::Reference { .. } => Err(self.fail(
                s,
                format!(
                    "nothing follows `{}`",
                    self.steps.last().map_or("", |x| x.0.as_str())
                ),
                Vec::new(),
            )),
        }
    }

    /// `$count`, `$ref` and casts on a collection of complex values.
    fn on_dollar(&mut self, at: At, s: &Segment, ty: u32) -> Result<At, Unresolved> {
        if s.name == "$count" {
            return self.record(s, Step::Dollar, At::Count);
        }
        if let Some(d) = self.cast(ty, s)? {
            let at = match at {
                At::Complex { collection, .. } => At::Complex { ty: d, collection },
                other => other,
            };
            return self.record(s, Step::Cast, at);
        }
        Err(self.fail(
            s,
            format!(
                "`{}` is a collection: it has no segment `{}`",
                self.model.ty(ty).name,
                s.name
            ),
            Vec::new(),
        ))
    }

    /// On a collection of entities: `$ref`, `$count`, a cast, a bound operation, or a key.
    fn on_collection(&mut self, ty: u32, set: Option<u32>, s: &Segment) -> Result<At, Unresolved> {
        let model = self.model;
        match s.name.as_str() {
            "$ref" => {
                return self.record(
                    s,
                    Step::Dollar,
                    At::Reference {
                        ty,
                        collection: true,
                    },
                )
            }
            "$count" => return self.record(s, Step::Dollar, At::Count),
            "$each" => return self.record(s, Step::Dollar, At::Entities { ty, set }),
            n if n.starts_with("$filter") => {
                return self.record(s, Step::Dollar, At::Entities { ty, set })
            }
            _ => {}
        }
        if !s.is_placeholder() {
            if let Some(d) = self.cast(ty, s)? {
                let at = self.record(s, Step::Cast, At::Entities { ty: d, set })?;
                return self.keyed(at, s);
            }
            if let Some(op) = self.operation(ty, true, s) {
                return self.record(s, Step::Operation, At::Call { op });
            }
            if model.property(ty, &s.name).is_some() || model.navigation(ty, &s.name).is_some() {
                return Err(self.fail(
                    s,
                    format!(
                        "`{}` names a property of `{}`, but the path addresses a collection: address one item by its key first",
                        s.name,
                        model.ty(ty).name
                    ),
                    Vec::new(),
                ));
            }
            if s.name.starts_with('$') {
                return Err(self.fail(
                    s,
                    format!("`{}` does not apply to a collection", s.name),
                    Vec::new(),
                ));
            }
        }
        let at = self.record(s, Step::Key, At::Entity { ty, set })?;
        self.item_path(at, s)
    }

    /// On one entity or complex value: `$ref`, `$value`, a cast, a property, a navigation
    /// property or a bound operation (on this type, a base, or else a derived type).
    fn on_single(
        &mut self,
        ty: u32,
        set: Option<u32>,
        s: &Segment,
        kind: Kind,
    ) -> Result<At, Unresolved> {
        let model = self.model;
        match (s.name.as_str(), kind) {
            ("$ref", Kind::Entity) => {
                return self.record(
                    s,
                    Step::Dollar,
                    At::Reference {
                        ty,
                        collection: false,
                    },
                )
            }
            ("$value", Kind::Entity) => {
                if model.ty(ty).has_stream || !model.ty(ty).derived.is_empty() {
                    return self.record(s, Step::Dollar, At::Raw { owner: Some(ty) });
                }
                return Err(self.fail(
                    s,
                    format!(
                        "`{}` is not a media entity: it has no `$value`",
                        model.ty(ty).name
                    ),
                    Vec::new(),
                ));
            }
            _ => {}
        }
        if s.is_placeholder() {
            // A placeholder where a property name stands (`/thumbnails/{id}/{size}`): typed when
            // every property it could name has the same type, else not at all.
            let at = common_property_type(model, ty)
                .unwrap_or(At::Untyped(Untyped::PropertyPlaceholder));
            return self.record(s, Step::Property, at);
        }
        if let Some(d) = self.cast(ty, s)? {
            let at = match kind {
                Kind::Entity => At::Entity { ty: d, set },
                Kind::Complex => At::Complex {
                    ty: d,
                    collection: false,
                },
            };
            return self.record(s, Step::Cast, at);
        }
        for candidate in std::iter::once(ty).chain(descendants(model, ty)) {
            if let Some(at) = self.member(candidate, s)? {
                if candidate != ty {
                    self.implicit_cast = Some(model.ty(candidate).name.clone());
                }
                return Ok(at);
            }
        }
        let mut names = model.member_names(ty);
        names.extend(bound_names(model, ty));
        Err(self.fail(
            s,
            format!(
                "`{}` has no property, navigation property or bound operation `{}`",
                model.ty(ty).name,
                s.name
            ),
            nearest(&s.name, names.into_iter()),
        ))
    }

    /// A property, navigation property or bound operation of `ty` (or its bases) named by `s`,
    /// exactly, else ignoring case.
    fn member(&mut self, ty: u32, s: &Segment) -> Result<Option<At>, Unresolved> {
        let model = self.model;
        let exact = model
            .property(ty, &s.name)
            .map(|p| (p.name.clone(), p.ty.clone()));
        let prop = exact.or_else(|| {
            model.lineage(ty).find_map(|t| {
                model
                    .ty(t)
                    .properties
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(&s.name))
                    .map(|p| (p.name.clone(), p.ty.clone()))
            })
        });
        if let Some((_, r)) = prop {
            let at = match r.id {
                TypeId::Structured(t) => At::Complex {
                    ty: t,
                    collection: r.collection,
                },
                TypeId::Primitive(Primitive::Stream) => At::Raw {
                    owner: (model.ty(ty).kind == Kind::Entity).then_some(ty),
                },
                TypeId::Primitive(Primitive::Untyped) => At::Untyped(Untyped::Value),
                _ => At::Value(r),
            };
            let at = self.record(s, Step::Property, at)?;
            return Ok(Some(self.item_path(at, s)?));
        }
        let nav = model.navigation(ty, &s.name).cloned().or_else(|| {
            model.lineage(ty).find_map(|t| {
                model
                    .ty(t)
                    .navigations
                    .iter()
                    .find(|n| n.name.eq_ignore_ascii_case(&s.name))
                    .cloned()
            })
        });
        if let Some(n) = nav {
            let at = if n.collection {
                At::Entities {
                    ty: n.target,
                    set: None,
                }
            } else {
                At::Entity {
                    ty: n.target,
                    set: None,
                }
            };
            let at = self.record(s, Step::Navigation, at)?;
            return Ok(Some(self.keyed(at, s)?));
        }
        if let Some(op) = self.operation(ty, false, s) {
            return Ok(Some(self.record(s, Step::Operation, At::Call { op })?));
        }
        Ok(None)
    }

    /// A qualified segment naming `ty` or a type derived from it: the type to continue with.
    /// A qualified name that is a type but not derived from `ty` is an error.
    fn cast(&self, ty: u32, s: &Segment) -> Result<Option<u32>, Unresolved> {
        if !s.name.contains('.') {
            return Ok(None);
        }
        let model = self.model;
        let found = model.structured_ignoring_case(&s.name);
        match found {
            Some(d) if model.derives_from(d, ty) => Ok(Some(d)),
            Some(d) => Err(self.fail(
                s,
                format!(
                    "`{}` is not derived from `{}`: it cannot be cast to",
                    model.ty(d).name,
                    model.ty(ty).name
                ),
                Vec::new(),
            )),
            None => Ok(None),
        }
    }

    /// An operation bound to `ty` (or a collection of it) named by `s`, the overload chosen by
    /// the parameter names written.
    fn operation(&self, ty: u32, collection: bool, s: &Segment) -> Option<u32> {
        let model = self.model;
        let mut ops = model.bound(ty, collection, &s.name);
        if ops.is_empty() {
            let lower = s.name.to_ascii_lowercase();
            let all: Vec<u32> = model
                .lineage(ty)
                .flat_map(|t| {
                    let t = model.ty(t);
                    if collection {
                        t.bound_to_collection.clone()
                    } else {
                        t.bound.clone()
                    }
                })
                .collect();
            ops = all
                .into_iter()
                .filter(|&o| {
                    let op = &model.operations[o as usize];
                    op.short_name().to_ascii_lowercase() == lower
                        || op.name.to_ascii_lowercase() == lower
                })
                .collect();
        }
        if ops.is_empty() {
            return None;
        }
        Some(pick_overload(model, &ops, s.args.as_deref()))
    }

    /// After a call: what a function returns, addressed further (composable functions; Graph
    /// also continues after functions not marked so). An action ends the path.
    fn after_call(&mut self, op: u32, s: &Segment) -> Result<At, Unresolved> {
        let model = self.model;
        let o = &model.operations[op as usize];
        let Some(r) = o.returns.clone() else {
            return Err(self.fail(
                s,
                format!("`{}` returns nothing: no segment can follow it", o.name),
                Vec::new(),
            ));
        };
        if o.kind == OperationKind::Action {
            return Err(self.fail(
                s,
                format!("`{}` is an action: no segment can follow it", o.name),
                Vec::new(),
            ));
        }
        let at = match r.id {
            TypeId::Structured(t) if model.ty(t).kind == Kind::Entity => {
                if r.collection {
                    At::Entities { ty: t, set: None }
                } else {
                    At::Entity { ty: t, set: None }
                }
            }
            TypeId::Structured(t) => At::Complex {
                ty: t,
                collection: r.collection,
            },
            TypeId::Primitive(Primitive::Untyped) | TypeId::AnyStructured => {
                At::Untyped(Untyped::Value)
            }
            _ => At::Value(r),
        };
        self.next(at, s)
    }
}

/// What a property of `ty` is when all its structural properties but the key have one type.
fn common_property_type(model: &Model, ty: u32) -> Option<Addressed> {
    let t = model.ty(ty);
    let mut types = model
        .lineage(ty)
        .flat_map(|l| model.ty(l).properties.iter())
        .filter(|p| !t.key.contains(&p.name))
        .map(|p| &p.ty);
    let first = types.next()?;
    if !types.all(|r| r.id == first.id && r.collection == first.collection) {
        return None;
    }
    Some(match first.id {
        TypeId::Structured(c) => Addressed::Complex {
            ty: c,
            collection: first.collection,
        },
        _ => Addressed::Value(first.clone()),
    })
}

/// Every type derived from `ty`, directly or not, in a stable order (breadth first).
fn descendants(model: &Model, ty: u32) -> impl Iterator<Item = u32> + '_ {
    let mut queue: std::collections::VecDeque<u32> = model.ty(ty).derived.iter().copied().collect();
    let mut left = model.types.len();
    std::iter::from_fn(move || {
        left = left.checked_sub(1)?;
        let t = queue.pop_front()?;
        queue.extend(model.ty(t).derived.iter().copied());
        Some(t)
    })
}

fn bound_names(model: &Model, ty: u32) -> Vec<&str> {
    model
        .lineage(ty)
        .flat_map(|t| model.ty(t).bound.iter())
        .map(|&o| model.operations[o as usize].short_name())
        .collect()
}

/// Of several overloads, the one whose parameters include every name written in `args`; else
/// the first.
fn pick_overload(model: &Model, ops: &[u32], args: Option<&str>) -> u32 {
    let written: Vec<String> = args
        .map(url::arguments)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    ops.iter()
        .copied()
        .find(|&o| {
            let params = &model.operations[o as usize].parameters;
            written
                .iter()
                .all(|w| params.iter().any(|p| p.name.to_ascii_lowercase() == *w))
                && (written.is_empty() || params.len() >= written.len())
        })
        .unwrap_or(ops[0])
}

/// `microsoft.graph.user`, `Edm.String`, `Collection(Edm.String)`.
pub fn type_name(model: &Model, r: &TypeRef) -> String {
    let inner = match r.id {
        TypeId::Primitive(p) => p.name().to_string(),
        TypeId::Structured(t) => model.ty(t).name.clone(),
        TypeId::Enum(e) => model.enums[e as usize].name.clone(),
        TypeId::AnyStructured => "Edm.ComplexType".to_string(),
    };
    if r.collection {
        format!("Collection({inner})")
    } else {
        inner
    }
}
