//! The compiled model of one OData service: every name resolved, every reference an index,
//! inheritance and operation bindings worked out. Built by [`super::build`], saved and loaded by
//! [`super::cache`], read by the URL resolver and the body checker.
//!
//! Each list is sorted by qualified name, so lookups are binary searches and a loaded model
//! needs no index built at start-up. A model from the cache is checked with
//! [`Model::validate`], and each of its types and operations when it is first decoded
//! ([`Table`]), so an index is never out of range afterwards.

use super::table::Item;
pub use super::table::Table;

/// The OData version a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub enum Version {
    V2,
    V3,
    V4,
}

/// A primitive type (`Edm.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    /// Any `Edm.Geography*` type: a GeoJSON object.
    Geography,
    /// Any `Edm.Geometry*` type: a GeoJSON object.
    Geometry,
    /// `Edm.Untyped`, `Edm.PrimitiveType` and the other abstract types: any JSON value.
    Untyped,
    /// OData V2/V3 `Edm.DateTime`.
    DateTime,
    /// OData V2/V3 `Edm.Time` (a duration).
    Time,
}

impl Primitive {
    /// Every primitive name of the given version, with what it maps to.
    pub fn parse(name: &str, version: Version) -> Option<Primitive> {
        use Primitive::*;
        let local = name.strip_prefix("Edm.")?;
        let v4 = version == Version::V4;
        Some(match local {
            "Binary" => Binary,
            "Boolean" => Boolean,
            "Byte" => Byte,
            "Date" if v4 => Date,
            "DateTimeOffset" if version != Version::V2 => DateTimeOffset,
            "Decimal" => Decimal,
            "Double" => Double,
            "Duration" if v4 => Duration,
            "Guid" => Guid,
            "Int16" => Int16,
            "Int32" => Int32,
            "Int64" => Int64,
            "SByte" => SByte,
            "Single" => Single,
            "Stream" if version != Version::V2 => Stream,
            "String" => String,
            "TimeOfDay" if v4 => TimeOfDay,
            "DateTime" if !v4 => DateTime,
            "Time" if !v4 => Time,
            "Untyped"
            | "PrimitiveType"
            | "AnnotationPath"
            | "PropertyPath"
            | "NavigationPropertyPath"
            | "AnyPropertyPath"
            | "ModelElementPath"
                if v4 =>
            {
                Untyped
            }
            g if g.starts_with("Geography") && version != Version::V2 => Geography,
            g if g.starts_with("Geometry") && version != Version::V2 => Geometry,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        use Primitive::*;
        match self {
            Binary => "Edm.Binary",
            Boolean => "Edm.Boolean",
            Byte => "Edm.Byte",
            Date => "Edm.Date",
            DateTimeOffset => "Edm.DateTimeOffset",
            Decimal => "Edm.Decimal",
            Double => "Edm.Double",
            Duration => "Edm.Duration",
            Guid => "Edm.Guid",
            Int16 => "Edm.Int16",
            Int32 => "Edm.Int32",
            Int64 => "Edm.Int64",
            SByte => "Edm.SByte",
            Single => "Edm.Single",
            Stream => "Edm.Stream",
            String => "Edm.String",
            TimeOfDay => "Edm.TimeOfDay",
            Geography => "Edm.Geography",
            Geometry => "Edm.Geometry",
            Untyped => "Edm.Untyped",
            DateTime => "Edm.DateTime",
            Time => "Edm.Time",
        }
    }
}

/// What a type reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub enum TypeId {
    Primitive(Primitive),
    /// An index into [`Model::types`].
    Structured(u32),
    /// An index into [`Model::enums`].
    Enum(u32),
    /// `Edm.ComplexType` or `Edm.EntityType`: any structured value.
    AnyStructured,
}

/// A property's, parameter's or return value's type.
#[derive(Debug, Clone, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub struct TypeRef {
    pub id: TypeId,
    pub collection: bool,
    /// For a collection: whether its items may be null.
    pub nullable: bool,
    pub max_length: Option<u32>,
    /// The type definition it was declared with (`graph.percentage` for an `Edm.Int32`).
    pub definition: Option<Box<str>>,
    /// The primitive type's name as written where [`Primitive`] stands for a family
    /// (`Edm.GeographyPoint` for [`Primitive::Geography`]).
    pub written: Option<Box<str>>,
}

impl TypeRef {
    /// One value of `id`, not null, with no facet.
    pub fn single(id: TypeId) -> TypeRef {
        TypeRef {
            id,
            collection: false,
            nullable: false,
            max_length: None,
            definition: None,
            written: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub enum Kind {
    Entity,
    Complex,
}

/// Why a client may not set a property, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub enum ReadOnly {
    /// `Core.Computed`: the service computes it; never sent.
    Computed,
    /// `Core.Permissions` is `Read`: never sent.
    Permissions,
    /// `Core.Immutable`: set on create, never changed.
    Immutable,
    /// SAP `sap:creatable="false"`.
    NotCreatable,
    /// SAP `sap:updatable="false"`.
    NotUpdatable,
    /// Both SAP flags are `false`.
    NotCreatableOrUpdatable,
}

impl ReadOnly {
    pub fn on_create(self) -> bool {
        matches!(
            self,
            ReadOnly::Computed
                | ReadOnly::Permissions
                | ReadOnly::NotCreatable
                | ReadOnly::NotCreatableOrUpdatable
        )
    }

    pub fn on_update(self) -> bool {
        !matches!(self, ReadOnly::NotCreatable)
    }

    /// Why, in a message.
    pub fn reason(self) -> &'static str {
        match self {
            ReadOnly::Computed => "computed by the service (Core.Computed)",
            ReadOnly::Permissions => "read-only (Core.Permissions: Read)",
            ReadOnly::Immutable => "set on create only (Core.Immutable)",
            ReadOnly::NotCreatable => "not settable on create (sap:creatable=\"false\")",
            ReadOnly::NotUpdatable => "not updatable (sap:updatable=\"false\")",
            ReadOnly::NotCreatableOrUpdatable => {
                "not settable (sap:creatable and sap:updatable are \"false\")"
            }
        }
    }
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Property {
    pub name: String,
    pub ty: TypeRef,
    pub read_only: Option<ReadOnly>,
    pub description: Option<Box<str>>,
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Navigation {
    pub name: String,
    /// An index into [`Model::types`]: an entity type.
    pub target: u32,
    pub collection: bool,
    pub nullable: bool,
    pub contains_target: bool,
    pub description: Option<Box<str>>,
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct StructuredType {
    /// Namespace-qualified: `microsoft.graph.user`.
    pub name: String,
    /// Where the unqualified name starts in `name`.
    pub short_at: u32,
    pub kind: Kind,
    pub base: Option<u32>,
    /// Types that name this one as their base, sorted.
    pub derived: Vec<u32>,
    pub is_abstract: bool,
    /// Open, or derived from an open type: undeclared properties are allowed.
    pub open: bool,
    /// A media entity (`HasStream`, or derived from one): `$value` is its stream.
    pub has_stream: bool,
    /// A complex type that declares nothing and stands for any JSON (Graph's
    /// `microsoft.graph.Json`).
    pub any_json: bool,
    /// The key property names, inherited from the base that declares them.
    pub key: Vec<String>,
    /// Declared on this type (the base types' are found through `base`).
    pub properties: Vec<Property>,
    pub navigations: Vec<Navigation>,
    /// Operations bound to this type, and to a collection of it.
    pub bound: Vec<u32>,
    pub bound_to_collection: Vec<u32>,
    pub description: Option<Box<str>>,
    /// What `Annotations Target="ThisType/prop"` blocks say of properties that a base type
    /// declares: it holds for this type and the types derived from it.
    pub inherited: Vec<InheritedAnnotation>,
}

/// Annotations on an inherited property, through a derived type (`Target="ns.user/id"` where
/// `id` is declared by a base of `ns.user`).
#[derive(Debug, Clone, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub struct InheritedAnnotation {
    /// The property's (or navigation property's) name.
    pub property: String,
    pub read_only: Option<ReadOnly>,
    pub description: Option<Box<str>>,
}

impl StructuredType {
    pub fn short_name(&self) -> &str {
        self.name
            .get(self.short_at as usize..)
            .unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct EnumType {
    pub name: String,
    pub is_flags: bool,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub enum OperationKind {
    Action,
    Function,
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Parameter {
    pub name: String,
    pub ty: TypeRef,
    /// `Core.OptionalParameter`: may be left out.
    pub optional: bool,
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Operation {
    /// Namespace-qualified: `microsoft.graph.addKey`.
    pub name: String,
    pub short_at: u32,
    pub kind: OperationKind,
    /// The binding parameter's type, for a bound operation.
    pub binding: Option<TypeRef>,
    /// The parameters after the binding one.
    pub parameters: Vec<Parameter>,
    pub returns: Option<TypeRef>,
    pub composable: bool,
    pub description: Option<Box<str>>,
}

impl Operation {
    pub fn short_name(&self) -> &str {
        self.name
            .get(self.short_at as usize..)
            .unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct EntitySet {
    pub name: String,
    /// An index into [`Model::types`].
    pub ty: u32,
    /// SAP `sap:creatable="false"` / `sap:updatable="false"` on the set.
    pub not_creatable: bool,
    pub not_updatable: bool,
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Singleton {
    pub name: String,
    pub ty: u32,
}

/// An action or function import: operations called at the service root.
#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Import {
    pub name: String,
    /// The unbound overloads it imports (indexes into [`Model::operations`]).
    pub operations: Vec<u32>,
}

#[derive(Debug, Clone, bitcode::Encode, bitcode::Decode)]
pub struct Namespace {
    pub name: String,
    pub alias: Option<String>,
}

/// A compiled OData model.
#[derive(Debug, Clone)]
pub struct Model {
    pub version: Version,
    /// The document's own schemas.
    pub namespaces: Vec<Namespace>,
    pub types: Table<StructuredType>,
    pub enums: Table<EnumType>,
    /// Sorted by qualified name, overloads in document order.
    pub operations: Table<Operation>,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub imports: Vec<Import>,
}

impl Model {
    /// Takes every description out of the model, in a fixed order (types with their
    /// properties, navigation properties and inherited annotations, then operations), so the
    /// cache can keep them apart from what a check needs.
    pub fn take_descriptions(&mut self) -> Vec<Option<Box<str>>> {
        let mut out = Vec::new();
        for t in self.types.iter_mut() {
            out.push(t.description.take());
            out.extend(t.properties.iter_mut().map(|p| p.description.take()));
            out.extend(t.navigations.iter_mut().map(|n| n.description.take()));
            out.extend(t.inherited.iter_mut().map(|a| a.description.take()));
        }
        out.extend(self.operations.iter_mut().map(|o| o.description.take()));
        out
    }

    /// Puts back what [`Model::take_descriptions`] took, or refuses a list that does not fit.
    pub fn restore_descriptions(&mut self, all: Vec<Option<Box<str>>>) -> Result<(), Invalid> {
        let slots: usize = self
            .types
            .iter()
            .map(|t| 1 + t.properties.len() + t.navigations.len() + t.inherited.len())
            .sum::<usize>()
            + self.operations.len();
        if slots != all.len() {
            return Err(Invalid("descriptions that do not fit the model"));
        }
        let mut all = all.into_iter();
        let mut next = || all.next().flatten();
        for t in self.types.iter_mut() {
            t.description = next();
            t.properties.iter_mut().for_each(|p| p.description = next());
            t.navigations
                .iter_mut()
                .for_each(|n| n.description = next());
            t.inherited.iter_mut().for_each(|a| a.description = next());
        }
        self.operations
            .iter_mut()
            .for_each(|o| o.description = next());
        Ok(())
    }
}

/// Are the names strictly increasing?
fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut prev: Option<&str> = None;
    for n in names {
        if prev.is_some_and(|p| p >= n) {
            return false;
        }
        prev = Some(n);
    }
    true
}

/// What a model from elsewhere (a cache file) may not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

/// The index of the item of `table` named `name`: a binary search of the names, decoding no item.
fn find_name<T: Item + bitcode::DecodeOwned>(table: &Table<T>, name: &str) -> Option<u32> {
    let (mut lo, mut hi) = (0, table.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match table.name(mid).cmp(name) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid as u32),
        }
    }
    None
}

fn find_sorted<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> Option<u32> {
    items
        .binary_search_by(|t| key(t).cmp(name))
        .ok()
        .map(|i| i as u32)
}

/// The index of the item named `name`, else of the only one whose name matches ignoring case.
fn find_loose<T>(items: &[T], name: &str, key: impl Fn(&T) -> &str) -> Option<u32> {
    if let Some(i) = find_sorted(items, name, &key) {
        return Some(i);
    }
    let mut found = items
        .iter()
        .enumerate()
        .filter(|(_, t)| key(t).eq_ignore_ascii_case(name));
    match (found.next(), found.next()) {
        (Some((i, _)), None) => Some(i as u32),
        _ => None,
    }
}

impl Model {
    /// `alias.Name` with the namespace it stands for: `graph.user` -> `microsoft.graph.user`.
    pub fn qualify<'a>(&self, name: &'a str) -> std::borrow::Cow<'a, str> {
        let name = name.trim_start_matches('#');
        if let Some((prefix, local)) = name.rsplit_once('.') {
            if let Some(ns) = self
                .namespaces
                .iter()
                .find(|n| n.alias.as_deref() == Some(prefix))
            {
                return format!("{}.{local}", ns.name).into();
            }
        }
        name.into()
    }

    /// A structured type by qualified or alias-qualified name (a leading `#` is allowed).
    pub fn structured(&self, name: &str) -> Option<u32> {
        let q = self.qualify(name);
        find_name(&self.types, &q)
    }

    /// A structured type by name, exact, else ignoring case (`#microsoft.graph.User`).
    pub fn structured_ignoring_case(&self, name: &str) -> Option<u32> {
        self.structured(name).or_else(|| {
            let q = self.qualify(name).to_lowercase();
            self.types
                .names()
                .position(|t| t.to_lowercase() == q)
                .map(|i| i as u32)
        })
    }

    pub fn enumeration(&self, name: &str) -> Option<u32> {
        let q = self.qualify(name);
        find_name(&self.enums, &q)
    }

    pub fn ty(&self, i: u32) -> &StructuredType {
        &self.types[i as usize]
    }

    pub fn entity_set(&self, name: &str) -> Option<&EntitySet> {
        find_loose(&self.entity_sets, name, |s| &s.name).map(|i| &self.entity_sets[i as usize])
    }

    pub fn singleton(&self, name: &str) -> Option<&Singleton> {
        find_loose(&self.singletons, name, |s| &s.name).map(|i| &self.singletons[i as usize])
    }

    pub fn import(&self, name: &str) -> Option<&Import> {
        find_loose(&self.imports, name, |s| &s.name).map(|i| &self.imports[i as usize])
    }

    /// `ty`, then its base types, nearest first.
    pub fn lineage(&self, ty: u32) -> impl Iterator<Item = u32> + '_ {
        let mut next = Some(ty);
        // A validated model has no cycle; the bound keeps a corrupt one from looping.
        let mut left = self.types.len() + 1;
        std::iter::from_fn(move || {
            let cur = next?;
            left = left.checked_sub(1)?;
            next = self.types.get(cur as usize).and_then(|t| t.base);
            Some(cur)
        })
    }

    /// Is `ty` `base` or derived from it?
    pub fn derives_from(&self, ty: u32, base: u32) -> bool {
        self.lineage(ty).any(|t| t == base)
    }

    /// The structural property `name` of `ty` or of a base type, exactly, else the only one
    /// matching ignoring case.
    pub fn property(&self, ty: u32, name: &str) -> Option<&Property> {
        self.lineage(ty)
            .find_map(|t| self.ty(t).properties.iter().find(|p| p.name == name))
    }

    pub fn navigation(&self, ty: u32, name: &str) -> Option<&Navigation> {
        self.lineage(ty)
            .find_map(|t| self.ty(t).navigations.iter().find(|p| p.name == name))
    }

    /// Every structural and navigation property name of `ty` and its bases.
    pub fn member_names(&self, ty: u32) -> Vec<&str> {
        let mut out = Vec::new();
        for t in self.lineage(ty) {
            let t = self.ty(t);
            out.extend(t.properties.iter().map(|p| p.name.as_str()));
            out.extend(t.navigations.iter().map(|n| n.name.as_str()));
        }
        out
    }

    /// Operations named `name` (qualified, alias-qualified or not) bound to `ty` or a base of
    /// it (`collection`: to a collection of them), nearest binding first.
    pub fn bound(&self, ty: u32, collection: bool, name: &str) -> Vec<u32> {
        let qualified = name.contains('.');
        let q = self.qualify(name);
        let mut out = Vec::new();
        for t in self.lineage(ty) {
            let t = self.ty(t);
            let list = if collection {
                &t.bound_to_collection
            } else {
                &t.bound
            };
            for &op in list {
                let o = &self.operations[op as usize];
                let hit = if qualified {
                    o.name == *q
                } else {
                    o.short_name() == name
                };
                if hit && !out.contains(&op) {
                    out.push(op);
                }
            }
        }
        out
    }

    /// What a model from a cache file must satisfy before it is used: every index of its
    /// container in range, its lists sorted by name, every inheritance chain (`bases`, each
    /// type's base as the entry records it) finite. Its types and operations are checked when
    /// they are decoded ([`Item::fits`]).
    pub fn validate(&self, bases: &[Option<u32>]) -> Result<(), Invalid> {
        let types = self.types.len() as u32;
        let ops = self.operations.len() as u32;
        let sets_ok = self.entity_sets.iter().all(|s| s.ty < types)
            && self.singletons.iter().all(|s| s.ty < types)
            && self
                .imports
                .iter()
                .all(|i| i.operations.iter().all(|&o| o < ops));
        if !sets_ok {
            return Err(Invalid("the container refers outside the model"));
        }
        if !sorted(self.types.names())
            || !sorted(self.enums.names())
            || !sorted(self.entity_sets.iter().map(|t| t.name.as_str()))
            || !sorted(self.singletons.iter().map(|t| t.name.as_str()))
            || !sorted(self.imports.iter().map(|t| t.name.as_str()))
        {
            return Err(Invalid("a list is not sorted by name"));
        }
        if bases.len() != self.types.len() || bases.iter().flatten().any(|&b| b >= types) {
            return Err(Invalid("a type refers outside the model"));
        }
        match first_cycle(bases.len(), |c| bases[c].map(|b| b as usize)) {
            Some(_) => Err(Invalid("a type derives from itself")),
            None => Ok(()),
        }
    }
}

/// The sizes of a model, which every index in a type or operation decoded from the cache must
/// fit, and each type's base as the entry's index records it.
#[derive(Debug, Clone, Default)]
pub struct Sizes {
    pub types: u32,
    pub enums: u32,
    pub operations: u32,
    pub bases: Vec<Option<u32>>,
}

impl Sizes {
    fn type_ok(&self, r: &TypeRef) -> bool {
        match r.id {
            TypeId::Structured(i) => i < self.types,
            TypeId::Enum(i) => i < self.enums,
            _ => true,
        }
    }
}

impl Item for StructuredType {
    type Context = Sizes;

    fn name(&self) -> &str {
        &self.name
    }

    fn fits(&self, index: usize, s: &Sizes) -> bool {
        s.bases.get(index) == Some(&self.base)
            && self.derived.iter().all(|&d| d < s.types)
            && self
                .bound
                .iter()
                .chain(&self.bound_to_collection)
                .all(|&o| o < s.operations)
            && self.properties.iter().all(|p| s.type_ok(&p.ty))
            && self.navigations.iter().all(|n| n.target < s.types)
            && self.name.is_char_boundary(self.short_at as usize)
    }

    /// An open complex type that stands for any JSON.
    fn unreadable(name: &str) -> Self {
        StructuredType {
            name: name.to_string(),
            short_at: name.rfind('.').map_or(0, |i| i as u32 + 1),
            kind: Kind::Complex,
            base: None,
            derived: Vec::new(),
            is_abstract: false,
            open: true,
            has_stream: false,
            any_json: true,
            key: Vec::new(),
            properties: Vec::new(),
            navigations: Vec::new(),
            bound: Vec::new(),
            bound_to_collection: Vec::new(),
            description: None,
            inherited: Vec::new(),
        }
    }
}

impl Item for Operation {
    type Context = Sizes;

    fn name(&self) -> &str {
        &self.name
    }

    fn fits(&self, _: usize, s: &Sizes) -> bool {
        self.binding.as_ref().is_none_or(|r| s.type_ok(r))
            && self.returns.as_ref().is_none_or(|r| s.type_ok(r))
            && self.parameters.iter().all(|p| s.type_ok(&p.ty))
            && self.name.is_char_boundary(self.short_at as usize)
    }

    /// An unbound function of no parameter returning nothing.
    fn unreadable(name: &str) -> Self {
        Operation {
            name: name.to_string(),
            short_at: name.rfind('.').map_or(0, |i| i as u32 + 1),
            kind: OperationKind::Function,
            binding: None,
            parameters: Vec::new(),
            returns: None,
            composable: false,
            description: None,
        }
    }
}

impl Item for EnumType {
    type Context = Sizes;

    fn name(&self) -> &str {
        &self.name
    }

    fn fits(&self, _: usize, _: &Sizes) -> bool {
        true
    }

    /// An enum of no member, whose values are not checked.
    fn unreadable(name: &str) -> Self {
        EnumType {
            name: name.to_string(),
            is_flags: false,
            members: Vec::new(),
        }
    }
}

/// A type on a cycle of bases among `len` types (`base` gives each one's base), if any: each
/// chain is coloured once, so the walk is linear in the number of types.
pub fn first_cycle(len: usize, base: impl Fn(usize) -> Option<usize>) -> Option<usize> {
    let mut state = vec![0u8; len]; // 0 new, 1 on the current chain, 2 done
    for start in 0..len {
        let mut chain = Vec::new();
        let mut cur = Some(start);
        while let Some(c) = cur {
            match state[c] {
                2 => break,
                1 => return Some(c),
                _ => {
                    state[c] = 1;
                    chain.push(c);
                    cur = base(c);
                }
            }
        }
        for c in chain {
            state[c] = 2;
        }
    }
    None
}
