//! `paylint catalog import`: a CSDL [`Model`] becomes catalog files, one draft 2020-12 JSON
//! Schema per entity and complex type (`Namespace.Name.schema.json`) and the index
//! (`paylint-catalog.json`) with every resource's `@odata.type` names, base types and
//! operations.
//!
//! The mapping is the contract with the checker (README, "How CSDL maps to schemas"):
//!
//! - a type's schema has its *shape* at the root: `properties` (`@odata.type` first, then the
//!   structural properties of the type and its bases, then the navigation properties),
//!   `patternProperties: {"@": {}}` (control information and annotations are always allowed) and
//!   `additionalProperties: false` unless the type or a base is open. No `required`: what is
//!   required comes from the operations.
//! - `$defs` holds what the structural properties reach, transitively: for a type `X` without
//!   derived types its shape; for one with derived types a *dispatcher* on `@odata.type` whose
//!   branches `$ref` the shapes `exact:X` and `exact:D` of each concrete descendant `D`. Shapes in
//!   `$defs` carry no `type` (the property that uses them says `object`, or `[object, null]`).
//! - operations: for each entity set and singleton, and down contained navigation properties.

use crate::catalog::csdl::{self, Annotations, Kind, Model, NavigationProperty, Property};
use crate::catalog::index::{Index, IndexEntry, INDEX_FILE, INDEX_FORMAT};
use crate::catalog::operation::{BodySpec, OperationSpec};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, Write};
use std::path::Path;

const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// Contained navigation is followed until paths have this many segments.
pub const MAX_PATH_SEGMENTS: usize = 8;

/// An imported catalog in memory.
#[derive(Debug)]
pub struct Imported {
    pub index: Index,
    /// (file name, schema), sorted by file name.
    pub schemas: Vec<(String, Value)>,
    pub stats: ImportStats,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub entity_types: usize,
    pub complex_types: usize,
    pub enum_types: usize,
    pub operations: usize,
    /// Set by [`write`]: the bytes of every file written (schemas and index).
    pub bytes_written: u64,
}

/// Choices an import leaves to the user.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Responses require the `Nullable="false"` properties besides the key. Off by default:
    /// non-nullable means never `null`, not always sent — Graph's `GET /me` omits the
    /// non-nullable `birthday` and `hireDate` unless they are selected — so requiring them
    /// flags real responses. For services that do send every non-nullable property.
    pub strict_responses: bool,
}

/// Reads CSDL and maps it. `source` names the document in the index (a file name). The error
/// names the line and what is wrong.
pub fn import(xml: impl BufRead, source: &str) -> Result<Imported, String> {
    let model = csdl::read(xml)?;
    Ok(from_model(&model, source))
}

/// Maps a model read by [`csdl::read`], in memory.
pub fn from_model(model: &Model, source: &str) -> Imported {
    from_model_with(model, source, ImportOptions::default())
}

/// [`from_model`] with options.
pub fn from_model_with(model: &Model, source: &str, options: ImportOptions) -> Imported {
    let mut schemas = Vec::with_capacity(model.types.len());
    let (index, stats) = map(model, source, options, &mut |file, schema| {
        schemas.push((file, schema));
        Ok(())
    })
    .expect("an in-memory sink does not fail");
    Imported {
        index,
        schemas,
        stats,
    }
}

/// Reads CSDL and writes its catalog into `out` as [`write`] does, one schema at a time, so
/// memory holds the model and one schema, not every schema (a 30 MB CSDL maps to hundreds of
/// megabytes of schemas).
pub fn import_into(
    xml: impl BufRead,
    source: &str,
    options: ImportOptions,
    out: &Path,
) -> Result<ImportStats, String> {
    let model = csdl::read(xml)?;
    let files: Vec<String> = model.types.keys().map(|n| schema_file(n)).collect();
    prepare_folder(out, &files)?;
    let mut bytes = 0u64;
    let (index, stats) = map(&model, source, options, &mut |file, schema| {
        bytes += write_json(out, &file, &schema, true)?;
        Ok(())
    })?;
    bytes += write_index(out, &index)?;
    Ok(ImportStats {
        bytes_written: bytes,
        ..stats
    })
}

fn schema_file(type_name: &str) -> String {
    format!("{type_name}.schema.json")
}

/// Maps `model`, giving each (file name, schema) to `sink` as it is made, in file name order.
fn map(
    model: &Model,
    source: &str,
    options: ImportOptions,
    sink: &mut dyn FnMut(String, Value) -> Result<(), String>,
) -> Result<(Index, ImportStats), String> {
    let mapper = Mapper::new(model);
    let mut ops = Operations::new(&mapper, options);
    ops.build();
    let operations = ops.count();
    let mut by_resource = ops.by_resource;
    let mut resources = Vec::with_capacity(model.types.len());
    for (name, t) in &model.types {
        let file = schema_file(name);
        sink(file.clone(), mapper.schema(name))?;
        let eff = &mapper.eff[name.as_str()];
        resources.push(IndexEntry {
            name: name.clone(),
            kind: match t.kind {
                Kind::Entity => "entity",
                Kind::Complex => "complex",
            }
            .to_string(),
            odata_types: mapper.names(name),
            base_types: eff.chain[..eff.chain.len() - 1]
                .iter()
                .rev()
                .map(|b| b.name.clone())
                .collect(),
            r#abstract: t.is_abstract,
            open: eff.open,
            schema: file,
            operations: by_resource
                .remove(name.as_str())
                .map(|m| m.into_values().collect())
                .unwrap_or_default(),
        });
    }
    let count = |k: Kind| model.types.values().filter(|t| t.kind == k).count();
    Ok((
        Index {
            format: INDEX_FORMAT.to_string(),
            source: source.to_string(),
            resources,
        },
        ImportStats {
            entity_types: count(Kind::Entity),
            complex_types: count(Kind::Complex),
            enum_types: model.enums.len(),
            operations,
            bytes_written: 0,
        },
    ))
}

/// A type with what it inherits.
struct Effective<'m> {
    /// The type and its bases, root first.
    chain: Vec<&'m csdl::StructuredType>,
    /// Structural properties, a derived declaration winning, with their annotations.
    props: BTreeMap<&'m str, (&'m Property, Annotations)>,
    navs: BTreeMap<&'m str, (&'m NavigationProperty, Annotations)>,
    /// The nearest declared key.
    key: Vec<String>,
    open: bool,
}

impl Effective<'_> {
    fn read_only(&self, name: &str, ann: &Annotations) -> bool {
        self.key.iter().any(|k| k == name) || ann.read_only()
    }
}

struct Mapper<'m> {
    m: &'m Model,
    eff: HashMap<&'m str, Effective<'m>>,
    /// Concrete descendants (transitively), sorted; only for types with derived types.
    concrete_descendants: HashMap<&'m str, Vec<&'m str>>,
    has_derived: BTreeSet<&'m str>,
}

impl<'m> Mapper<'m> {
    fn new(m: &'m Model) -> Mapper<'m> {
        let mut eff = HashMap::with_capacity(m.types.len());
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, t) in &m.types {
            let mut chain = vec![t];
            while let Some(b) = chain.last().and_then(|t| t.base_type.as_ref()) {
                // `csdl::read` checked that bases exist and do not loop.
                chain.push(&m.types[b]);
            }
            chain.reverse();
            if let Some(b) = &t.base_type {
                children.entry(b.as_str()).or_default().push(name.as_str());
            }
            let mut props: BTreeMap<&str, (&Property, Annotations)> = BTreeMap::new();
            let mut navs: BTreeMap<&str, (&NavigationProperty, Annotations)> = BTreeMap::new();
            for c in &chain {
                for p in &c.properties {
                    props.insert(&p.name, (p, p.annotations.clone()));
                }
                for n in &c.navigation_properties {
                    navs.insert(&n.name, (n, n.annotations.clone()));
                }
                for (name, ann) in &c.inherited_property_annotations {
                    if let Some((_, a)) = props.get_mut(name.as_str()) {
                        a.merge(ann);
                    } else if let Some((_, a)) = navs.get_mut(name.as_str()) {
                        a.merge(ann);
                    }
                }
            }
            let key = chain
                .iter()
                .rev()
                .find(|c| !c.key.is_empty())
                .map(|c| c.key.clone())
                .unwrap_or_default();
            let open = chain.iter().any(|c| c.open_type);
            eff.insert(
                name.as_str(),
                Effective {
                    chain,
                    props,
                    navs,
                    key,
                    open,
                },
            );
        }
        let has_derived: BTreeSet<&str> = children.keys().copied().collect();
        let mut concrete_descendants = HashMap::new();
        for &base in &has_derived {
            let mut out = Vec::new();
            let mut todo = vec![base];
            while let Some(x) = todo.pop() {
                for &c in children.get(x).into_iter().flatten() {
                    if !m.types[c].is_abstract {
                        out.push(c);
                    }
                    todo.push(c);
                }
            }
            out.sort_unstable();
            out.dedup();
            concrete_descendants.insert(base, out);
        }
        Mapper {
            m,
            eff,
            concrete_descendants,
            has_derived,
        }
    }

    /// The `@odata.type` values naming a type: `#Namespace.Name`, and `#Alias.Name` when its
    /// namespace has an alias.
    fn names(&self, name: &str) -> Vec<String> {
        let t = &self.m.types[name];
        let mut out = vec![format!("#{name}")];
        if let Some(alias) = self.m.alias_of(&t.namespace) {
            out.push(format!("#{alias}.{}", t.short_name()));
        }
        out
    }

    /// The properties, `patternProperties` and `additionalProperties` of a type.
    fn shape(&self, name: &str) -> Map<String, Value> {
        let eff = &self.eff[name];
        let mut props = Map::new();
        props.insert(
            "@odata.type".into(),
            json!({"type": "string", "enum": self.names(name)}),
        );
        for (&p, (prop, ann)) in &eff.props {
            props.insert(
                p.to_string(),
                self.property(prop, ann, eff.read_only(p, ann)),
            );
        }
        for (&n, (nav, ann)) in &eff.navs {
            let mut s = if nav.ty.collection {
                json!({"type": "array", "items": {"type": "object"}})
            } else {
                json!({"type": ["object", "null"]})
            };
            if let Some(d) = &ann.description {
                s["description"] = Value::String(d.clone());
            }
            props.insert(n.to_string(), s);
        }
        let mut shape = Map::new();
        shape.insert("properties".into(), Value::Object(props));
        shape.insert("patternProperties".into(), json!({"@": {}}));
        if !eff.open {
            shape.insert("additionalProperties".into(), Value::Bool(false));
        }
        shape
    }

    /// How a value of structured type `name` is checked where a property uses it: its shape, or
    /// a dispatcher on `@odata.type` when it has derived types.
    fn value(&self, name: &str) -> Value {
        if !self.has_derived.contains(name) {
            return Value::Object(self.shape(name));
        }
        let t = &self.m.types[name];
        let descendants = &self.concrete_descendants[name];
        let mut allowed = Vec::new();
        let mut branches = Vec::new();
        if !t.is_abstract {
            let names = self.names(name);
            allowed.extend(names.iter().cloned());
            branches.push(json!({
                "if": {"properties": {"@odata.type": {"enum": names}}},
                "then": {"$ref": format!("#/$defs/exact:{name}")},
            }));
        }
        for d in descendants {
            let names = self.names(d);
            allowed.extend(names.iter().cloned());
            branches.push(json!({
                "if": {"required": ["@odata.type"], "properties": {"@odata.type": {"enum": names}}},
                "then": {"$ref": format!("#/$defs/exact:{d}")},
            }));
        }
        let mut v = Map::new();
        v.insert(
            "properties".into(),
            json!({"@odata.type": {"type": "string", "enum": allowed}}),
        );
        if t.is_abstract {
            v.insert("required".into(), json!(["@odata.type"]));
        }
        v.insert("allOf".into(), Value::Array(branches));
        Value::Object(v)
    }

    /// Structured types the structural properties of `name` (with its bases') use.
    fn references(&self, name: &str) -> impl Iterator<Item = &'m str> + '_ {
        self.eff[name]
            .props
            .values()
            .map(|(p, _)| p.ty.name.as_str())
            .filter(|t| self.m.types.contains_key(*t))
    }

    /// The whole schema file of a type.
    fn schema(&self, name: &str) -> Value {
        let t = &self.m.types[name];
        let mut root = Map::new();
        root.insert("$schema".into(), json!(DRAFT_2020_12));
        root.insert("$id".into(), json!(format!("urn:paylint:schema:{name}")));
        root.insert("title".into(), json!(name));
        if let Some(d) = &t.annotations.description {
            root.insert("description".into(), json!(d));
        }
        root.insert("type".into(), json!("object"));
        root.extend(self.shape(name));
        let defs = self.closure(name);
        if !defs.is_empty() {
            root.insert("$defs".into(), Value::Object(defs));
        }
        Value::Object(root)
    }

    /// `$defs`: every structured type reachable through structural properties.
    fn closure(&self, name: &str) -> Map<String, Value> {
        let mut defs = Map::new();
        let mut todo: Vec<&str> = self.references(name).collect();
        while let Some(x) = todo.pop() {
            if defs.contains_key(x) {
                continue;
            }
            defs.insert(x.to_string(), self.value(x));
            todo.extend(self.references(x));
            if !self.has_derived.contains(x) {
                continue;
            }
            let exact = (!self.m.types[x].is_abstract).then_some(x);
            for e in exact
                .into_iter()
                .chain(self.concrete_descendants[x].iter().copied())
            {
                let key = format!("exact:{e}");
                if !defs.contains_key(&key) {
                    defs.insert(key, Value::Object(self.shape(e)));
                    todo.extend(self.references(e));
                }
            }
        }
        defs
    }

    /// The schema of a structural property.
    fn property(&self, p: &Property, ann: &Annotations, read_only: bool) -> Value {
        let mut s = if p.ty.collection {
            let mut s = Map::new();
            s.insert("type".into(), json!("array"));
            s.insert(
                "items".into(),
                Value::Object(self.type_schema(&p.ty.name, p.nullable)),
            );
            s
        } else {
            self.type_schema(&p.ty.name, p.nullable)
        };
        if let Some(d) = &ann.description {
            s.insert("description".into(), json!(d));
        }
        if read_only {
            s.insert("readOnly".into(), Value::Bool(true));
        }
        Value::Object(s)
    }

    /// The schema of one value of type `name`.
    fn type_schema(&self, name: &str, nullable: bool) -> Map<String, Value> {
        let mut s;
        if name.starts_with("Edm.") {
            s = edm(name);
            s.insert("x-odata-type".into(), json!(name));
        } else if let Some(td) = self.m.type_definitions.get(name) {
            s = edm(&td.underlying_type);
            s.insert("x-odata-type".into(), json!(name));
        } else if let Some(e) = self.m.enums.get(name) {
            s = Map::new();
            s.insert("type".into(), json!("string"));
            if e.is_flags {
                let alt = e
                    .members
                    .iter()
                    .map(|m| regex_escape(m))
                    .collect::<Vec<_>>()
                    .join("|");
                s.insert("pattern".into(), json!(format!(r"^({alt})(,\s*({alt}))*$")));
            } else {
                s.insert("enum".into(), json!(e.members));
            }
            s.insert("x-odata-enum".into(), json!(name));
        } else if self.m.types.contains_key(name) {
            s = Map::new();
            s.insert("type".into(), json!("object"));
            s.insert("$ref".into(), json!(format!("#/$defs/{name}")));
        } else {
            // A type of a referenced document: its shape is unknown.
            return Map::new();
        }
        if nullable {
            add_null(&mut s);
        }
        s
    }
}

/// The schema of an `Edm` primitive type (no `null`).
fn edm(name: &str) -> Map<String, Value> {
    let int = |min: i64, max: i64| json!({"type": "integer", "minimum": min, "maximum": max});
    let string_format = |f: &str| json!({"type": "string", "format": f});
    let v = match name {
        "Edm.String" => json!({"type": "string"}),
        "Edm.Boolean" => json!({"type": "boolean"}),
        "Edm.Byte" => int(0, 255),
        "Edm.SByte" => int(-128, 127),
        "Edm.Int16" => int(i16::MIN.into(), i16::MAX.into()),
        "Edm.Int32" => int(i32::MIN.into(), i32::MAX.into()),
        "Edm.Int64" => json!({"type": ["integer", "string"], "pattern": "^-?[0-9]+$"}),
        "Edm.Single" | "Edm.Double" => {
            json!({"type": ["number", "string"], "pattern": "^(-?INF|NaN)$"})
        }
        "Edm.Decimal" => json!({
            "type": ["number", "string"],
            "pattern": r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
        }),
        "Edm.Guid" => string_format("edm-guid"),
        "Edm.Date" => string_format("edm-date"),
        "Edm.DateTimeOffset" => string_format("edm-date-time-offset"),
        "Edm.TimeOfDay" => string_format("edm-time-of-day"),
        "Edm.Duration" => string_format("edm-duration"),
        "Edm.Binary" => string_format("edm-binary"),
        n if n.starts_with("Edm.Geography") || n.starts_with("Edm.Geometry") => {
            json!({"type": "object"})
        }
        // Edm.Stream, Edm.Untyped, Edm.PrimitiveType, and Edm types this version does not know.
        _ => json!({}),
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

fn regex_escape(s: &str) -> String {
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

/// The operations of every entity type, by resource, then by (path, method).
struct Operations<'a, 'm> {
    mapper: &'a Mapper<'m>,
    options: ImportOptions,
    by_resource: BTreeMap<&'m str, BTreeMap<(String, &'static str), OperationSpec>>,
    /// Per type: what a response requires, what a PUT request requires.
    bodies: HashMap<&'m str, (Vec<String>, Vec<String>)>,
}

fn segments(path: &str) -> usize {
    path.bytes().filter(|&b| b == b'/').count()
}

impl<'a, 'm> Operations<'a, 'm> {
    fn new(mapper: &'a Mapper<'m>, options: ImportOptions) -> Self {
        Operations {
            mapper,
            options,
            by_resource: BTreeMap::new(),
            bodies: HashMap::new(),
        }
    }

    fn count(&self) -> usize {
        self.by_resource.values().map(BTreeMap::len).sum()
    }

    fn build(&mut self) {
        let m = self.mapper.m;
        for set in &m.entity_sets {
            let Some((ty, _)) = m.types.get_key_value(&set.entity_type) else {
                continue;
            };
            let coll = format!("/{}", set.name);
            let item = format!("{coll}/{{{}Id}}", set.name);
            self.collection(ty, &coll, &item);
            self.contained(ty, &item, &mut vec![ty.as_str()]);
        }
        for single in &m.singletons {
            let Some((ty, _)) = m.types.get_key_value(&single.ty) else {
                continue;
            };
            let path = format!("/{}", single.name);
            self.single(ty, &path, false);
            self.contained(ty, &path, &mut vec![ty.as_str()]);
        }
    }

    /// The navigation properties of `ty` that contain their targets, from the item at `path`.
    fn contained(&mut self, ty: &'m str, path: &str, on_path: &mut Vec<&'m str>) {
        if segments(path) >= MAX_PATH_SEGMENTS {
            return;
        }
        let mapper = self.mapper;
        for (&name, (nav, _)) in &mapper.eff[ty].navs {
            if !nav.contains_target {
                continue;
            }
            let Some((target, _)) = mapper.m.types.get_key_value(&nav.ty.name) else {
                continue;
            };
            let item = if nav.ty.collection {
                let coll = format!("{path}/{name}");
                let item = format!("{coll}/{{{name}Id}}");
                self.collection(target, &coll, &item);
                item
            } else {
                let item = format!("{path}/{name}");
                self.single(target, &item, true);
                item
            };
            // A type already on the path gets its operations here, but is not entered again.
            if !on_path.contains(&target.as_str()) {
                on_path.push(target);
                self.contained(target, &item, on_path);
                on_path.pop();
            }
        }
    }

    fn collection(&mut self, ty: &'m str, coll: &str, item: &str) {
        let (resp, put) = self.bodies(ty);
        if segments(coll) <= MAX_PATH_SEGMENTS {
            // A list returns `{"value": [...]}`; its items are checked as bodies of `ty`.
            self.add(ty, "list", "GET", coll, None, &[("200", Some(&resp))]);
            self.add(
                ty,
                "create",
                "POST",
                coll,
                Some(vec![]),
                &[("201", Some(&resp))],
            );
        }
        if segments(item) <= MAX_PATH_SEGMENTS {
            self.item(ty, item, &resp, Some(&put), true);
        }
    }

    /// A singleton (GET, PATCH) or a single-valued contained entity (and PUT).
    fn single(&mut self, ty: &'m str, path: &str, replace: bool) {
        if segments(path) <= MAX_PATH_SEGMENTS {
            let (resp, put) = self.bodies(ty);
            self.item(ty, path, &resp, replace.then_some(&put), false);
        }
    }

    fn item(
        &mut self,
        ty: &'m str,
        path: &str,
        resp: &[String],
        put: Option<&[String]>,
        delete: bool,
    ) {
        self.add(ty, "get", "GET", path, None, &[("200", Some(resp))]);
        let updated = [("200", Some(resp)), ("204", None)];
        self.add(ty, "update", "PATCH", path, Some(vec![]), &updated);
        if let Some(put) = put {
            self.add(ty, "replace", "PUT", path, Some(put.to_vec()), &updated);
        }
        if delete {
            self.add(ty, "delete", "DELETE", path, None, &[("204", None)]);
        }
    }

    fn add(
        &mut self,
        ty: &'m str,
        verb: &str,
        method: &'static str,
        path: &str,
        request: Option<Vec<String>>,
        responses: &[(&str, Option<&[String]>)],
    ) {
        self.by_resource
            .entry(ty)
            .or_default()
            .entry((path.to_string(), method))
            .or_insert_with(|| OperationSpec {
                name: format!("{verb}:{path}"),
                method: method.to_string(),
                path: path.to_string(),
                request: request.map(|required| BodySpec { required }),
                responses: responses
                    .iter()
                    .map(|(status, body)| {
                        (
                            status.to_string(),
                            body.map(|r| BodySpec {
                                required: r.to_vec(),
                            }),
                        )
                    })
                    .collect(),
            });
    }

    /// (what a response requires: the key; what a PUT request requires: the non-nullable
    /// properties that are not read-only).
    ///
    /// A response requires only the key because `Nullable="false"` says a property is never
    /// null, not that it is sent: Graph returns a default subset (`GET /me` has no `birthday` or
    /// `hireDate`, both non-nullable, unless they are selected), so requiring them would flag
    /// every real response.
    fn bodies(&mut self, ty: &'m str) -> (Vec<String>, Vec<String>) {
        let mapper = self.mapper;
        let strict = self.options.strict_responses;
        self.bodies
            .entry(ty)
            .or_insert_with(|| {
                let eff = &mapper.eff[ty];
                let mut resp = eff.key.clone();
                let mut put = Vec::new();
                for (&name, (p, ann)) in &eff.props {
                    if p.nullable {
                        continue;
                    }
                    if strict && !resp.iter().any(|r| r == name) {
                        resp.push(name.to_string());
                    }
                    if !eff.read_only(name, ann) {
                        put.push(name.to_string());
                    }
                }
                (resp, put)
            })
            .clone()
    }
}

/// Writes an imported catalog into `out` (created if needed): every schema file, then the index.
/// Refuses a non-empty folder without an index. Over an earlier import, the schema files its
/// index listed are removed first; no other file of the folder is touched. Each file is written
/// atomically (a temporary file in the folder, renamed).
pub fn write(imported: &Imported, out: &Path) -> Result<ImportStats, String> {
    let files: Vec<String> = imported.schemas.iter().map(|(f, _)| f.clone()).collect();
    prepare_folder(out, &files)?;
    let mut bytes = 0u64;
    for (file, schema) in &imported.schemas {
        bytes += write_json(out, file, schema, true)?;
    }
    bytes += write_index(out, &imported.index)?;
    Ok(ImportStats {
        bytes_written: bytes,
        ..imported.stats
    })
}

/// Makes `out` ready for an import writing `files`: created if needed; refused when it is not
/// empty and holds no index, or holds one of `files` that an earlier import did not write;
/// else the schema files the earlier import's index lists are removed.
fn prepare_folder(out: &Path, files: &[String]) -> Result<(), String> {
    let shown = out.display();
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create the folder {shown}: {e}"))?;
    let mut entries = Vec::new();
    for entry in
        std::fs::read_dir(out).map_err(|e| format!("cannot read the folder {shown}: {e}"))?
    {
        let entry = entry.map_err(|e| format!("cannot read the folder {shown}: {e}"))?;
        entries.push(entry.file_name());
    }
    let index_path = out.join(INDEX_FILE);
    let mut earlier: BTreeSet<String> = BTreeSet::new();
    if entries.iter().any(|n| n == INDEX_FILE) {
        let text = std::fs::read_to_string(&index_path)
            .map_err(|e| format!("cannot read {}: {e}", index_path.display()))?;
        let old: Index = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not a catalog index ({e}); remove it or import into another folder",
                index_path.display()
            )
        })?;
        for r in old.resources {
            // Only plain schema file names: an index never makes import remove anything else.
            if !r.schema.contains(['/', '\\']) && r.schema.ends_with(".schema.json") {
                earlier.insert(r.schema);
            }
        }
    } else if !entries.is_empty() {
        return Err(format!(
            "{shown} is not empty and holds no {INDEX_FILE}: it is not a catalog folder; import \
             into an empty or new folder"
        ));
    }
    // A file of the same name that the earlier import did not write is the user's.
    for file in files {
        if !earlier.contains(file) && entries.iter().any(|n| n == file.as_str()) {
            return Err(format!(
                "{} exists and was not written by an earlier import; move it away or import into \
                 another folder",
                out.join(file).display()
            ));
        }
    }
    for file in &earlier {
        match std::fs::remove_file(out.join(file)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", out.join(file).display())),
        }
    }
    Ok(())
}

/// The index is read by every run that uses the catalog: written compact, half the bytes to
/// parse.
fn write_index(out: &Path, index: &Index) -> Result<u64, String> {
    let index = serde_json::to_value(index).map_err(|e| e.to_string())?;
    write_json(out, INDEX_FILE, &index, false)
}

/// JSON (pretty or compact) and a newline, atomically. Returns the bytes written.
fn write_json(dir: &Path, file: &str, value: &Value, pretty: bool) -> Result<u64, String> {
    let path = dir.join(file);
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut text = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    }
    .map_err(|e| e.to_string())?;
    text.push(b'\n');
    let mut tmp = tempfile::Builder::new()
        .prefix(".paylint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(&text).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A temporary file is private (0600); a catalog file is as readable as any other.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(text.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/csdl/fixture.xml"
    ));

    fn fixture() -> Imported {
        import(FIXTURE.as_bytes(), "fixture.xml").unwrap()
    }

    fn schema<'a>(imp: &'a Imported, name: &str) -> &'a Value {
        let file = format!("{name}.schema.json");
        &imp.schemas
            .iter()
            .find(|(f, _)| *f == file)
            .unwrap_or_else(|| panic!("no {file}"))
            .1
    }

    fn entry<'a>(imp: &'a Imported, name: &str) -> &'a IndexEntry {
        imp.index
            .resources
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no resource {name}"))
    }

    fn prop<'a>(s: &'a Value, name: &str) -> &'a Value {
        s.pointer(&format!("/properties/{name}"))
            .unwrap_or_else(|| panic!("no property {name} in {s:#}"))
    }

    #[test]
    fn one_schema_and_index_entry_per_structured_type() {
        let imp = fixture();
        assert_eq!(imp.stats.entity_types, 10);
        assert_eq!(imp.stats.complex_types, 11);
        assert_eq!(imp.stats.enum_types, 3);
        assert_eq!(imp.schemas.len(), 21);
        assert_eq!(imp.index.format, INDEX_FORMAT);
        assert_eq!(imp.index.source, "fixture.xml");
        let names: Vec<&str> = imp
            .index
            .resources
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let files: Vec<&str> = imp.schemas.iter().map(|(f, _)| f.as_str()).collect();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);

        let user = entry(&imp, "microsoft.graph.user");
        assert_eq!(user.kind, "entity");
        assert_eq!(user.odata_types, ["#microsoft.graph.user", "#graph.user"]);
        assert_eq!(
            user.base_types,
            ["microsoft.graph.directoryObject", "microsoft.graph.entity"]
        );
        assert!(user.open && !user.r#abstract);
        assert_eq!(user.schema, "microsoft.graph.user.schema.json");
        let target = entry(&imp, "microsoft.graph.assignmentTarget");
        assert_eq!(target.kind, "complex");
        assert!(target.r#abstract && !target.open);
        assert!(target.operations.is_empty());
        assert!(entry(&imp, "microsoft.graph.entity").r#abstract);
        // The alias of the second schema is `self`.
        assert_eq!(
            entry(&imp, "microsoft.graph.security.alert").odata_types,
            ["#microsoft.graph.security.alert", "#self.alert"]
        );
        // The index serializes as the loader reads it.
        let text = serde_json::to_string(&imp.index).unwrap();
        let back: Index = serde_json::from_str(&text).unwrap();
        assert_eq!(back.resources.len(), 21);
    }

    #[test]
    fn the_root_is_the_shape_of_the_type() {
        let imp = fixture();
        let s = schema(&imp, "microsoft.graph.provisioningPolicy");
        assert_eq!(s["$schema"], DRAFT_2020_12);
        assert_eq!(
            s["$id"],
            "urn:paylint:schema:microsoft.graph.provisioningPolicy"
        );
        assert_eq!(s["title"], "microsoft.graph.provisioningPolicy");
        assert_eq!(
            s["description"],
            "A provisioning policy: what a Cloud PC gets & who gets it."
        );
        assert_eq!(s["type"], "object");
        assert_eq!(
            prop(s, "@odata.type"),
            &json!({"type": "string", "enum": ["#microsoft.graph.provisioningPolicy", "#graph.provisioningPolicy"]})
        );
        assert_eq!(s["patternProperties"], json!({"@": {}}));
        assert_eq!(s["additionalProperties"], false);
        // Inherited and own properties, then navigation properties.
        let names: Vec<&String> = s["properties"].as_object().unwrap().keys().collect();
        for n in [
            "id",
            "displayName",
            "target",
            "assignments",
            "document",
            "owner",
        ] {
            assert!(names.iter().any(|k| *k == n), "{n} in {names:?}");
        }
        // No `required` in any shape.
        fn no_required(v: &Value, at: &str) {
            match v {
                Value::Object(m) => {
                    let dispatcher = m.contains_key("allOf");
                    for (k, v) in m {
                        if k == "required" && !dispatcher && !at.ends_with("/if") {
                            panic!("`required` at {at}");
                        }
                        no_required(v, &format!("{at}/{k}"));
                    }
                }
                Value::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        no_required(v, &format!("{at}/{i}"));
                    }
                }
                _ => {}
            }
        }
        for (_, s) in &imp.schemas {
            no_required(s, "");
            // No `type` on shapes in $defs.
            for (k, d) in s
                .get("$defs")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                assert!(d.get("type").is_none(), "{k}");
            }
        }
        // A type without structured properties has no $defs.
        assert!(schema(&imp, "microsoft.graph.primitiveSample")
            .get("$defs")
            .is_none());
        // A derived property of the same name wins (group.displayName is not nullable).
        let group = schema(&imp, "microsoft.graph.group");
        assert_eq!(prop(group, "displayName")["type"], "string");
        assert_eq!(prop(group, "mailEnabled")["type"], "boolean");
    }

    #[test]
    fn primitive_types() {
        let imp = fixture();
        let s = schema(&imp, "microsoft.graph.primitiveSample");
        let cases = [
            (
                "aBoolean",
                json!({"type": ["boolean", "null"], "x-odata-type": "Edm.Boolean"}),
            ),
            (
                "aByte",
                json!({"type": ["integer", "null"], "minimum": 0, "maximum": 255, "x-odata-type": "Edm.Byte"}),
            ),
            (
                "aSByte",
                json!({"type": ["integer", "null"], "minimum": -128, "maximum": 127, "x-odata-type": "Edm.SByte"}),
            ),
            (
                "anInt16",
                json!({"type": ["integer", "null"], "minimum": -32768, "maximum": 32767, "x-odata-type": "Edm.Int16"}),
            ),
            (
                "anInt32",
                json!({"type": "integer", "minimum": -2147483648i64, "maximum": 2147483647, "x-odata-type": "Edm.Int32"}),
            ),
            (
                "anInt64",
                json!({"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$", "x-odata-type": "Edm.Int64"}),
            ),
            (
                "aSingle",
                json!({"type": ["number", "string", "null"], "pattern": "^(-?INF|NaN)$", "x-odata-type": "Edm.Single"}),
            ),
            (
                "aDouble",
                json!({"type": ["number", "string"], "pattern": "^(-?INF|NaN)$", "x-odata-type": "Edm.Double"}),
            ),
            (
                "aDecimal",
                json!({"type": ["number", "string", "null"], "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$", "x-odata-type": "Edm.Decimal"}),
            ),
            (
                "aGuid",
                json!({"type": ["string", "null"], "format": "edm-guid", "x-odata-type": "Edm.Guid"}),
            ),
            (
                "aDate",
                json!({"type": ["string", "null"], "format": "edm-date", "x-odata-type": "Edm.Date"}),
            ),
            (
                "aDateTimeOffset",
                json!({"type": ["string", "null"], "format": "edm-date-time-offset", "x-odata-type": "Edm.DateTimeOffset"}),
            ),
            (
                "aTimeOfDay",
                json!({"type": ["string", "null"], "format": "edm-time-of-day", "x-odata-type": "Edm.TimeOfDay"}),
            ),
            (
                "aDuration",
                json!({"type": ["string", "null"], "format": "edm-duration", "x-odata-type": "Edm.Duration"}),
            ),
            (
                "aBinary",
                json!({"type": ["string", "null"], "format": "edm-binary", "x-odata-type": "Edm.Binary"}),
            ),
            ("aStream", json!({"x-odata-type": "Edm.Stream"})),
            ("anUntyped", json!({"x-odata-type": "Edm.Untyped"})),
            (
                "aPoint",
                json!({"type": ["object", "null"], "x-odata-type": "Edm.GeographyPoint"}),
            ),
            (
                "aPolygon",
                json!({"type": "object", "x-odata-type": "Edm.GeometryPolygon"}),
            ),
            // Collections: never null themselves; items nullable unless Nullable="false".
            (
                "guids",
                json!({"type": "array", "items": {"type": ["string", "null"], "format": "edm-guid", "x-odata-type": "Edm.Guid"}}),
            ),
            (
                "states",
                json!({"type": "array", "items": {"type": "string", "enum": ["active", "inactive", "unknownFutureValue"], "x-odata-enum": "microsoft.graph.policyState"}}),
            ),
            // Inherited key: read-only, with the description of an external annotation on the base.
            (
                "id",
                json!({"type": "string", "x-odata-type": "Edm.String", "readOnly": true, "description": "The unique identifier of an entity."}),
            ),
        ];
        for (name, want) in cases {
            assert_eq!(prop(s, name), &want, "{name}");
        }
    }

    #[test]
    fn enums_type_definitions_structured_and_navigation_properties() {
        let imp = fixture();
        let s = schema(&imp, "microsoft.graph.provisioningPolicy");
        let cases = [
            (
                "displayName",
                json!({"type": "string", "x-odata-type": "Edm.String", "description": "The name shown to admins."}),
            ),
            // Permissions Read and Write: not read-only.
            (
                "state",
                json!({"type": ["string", "null"], "enum": ["active", "inactive", "unknownFutureValue", null], "x-odata-enum": "microsoft.graph.policyState"}),
            ),
            (
                "activeDays",
                json!({"type": "string", "pattern": "^(monday|tuesday|wednesday)(,\\s*(monday|tuesday|wednesday))*$", "x-odata-enum": "microsoft.graph.weekDays"}),
            ),
            // A type definition: its underlying type, named by its own name. Computed false.
            (
                "coverage",
                json!({"type": ["integer", "null"], "minimum": -2147483648i64, "maximum": 2147483647, "x-odata-type": "microsoft.graph.percentage"}),
            ),
            (
                "target",
                json!({"type": ["object", "null"], "$ref": "#/$defs/microsoft.graph.assignmentTarget"}),
            ),
            (
                "window",
                json!({"type": ["object", "null"], "$ref": "#/$defs/microsoft.graph.scheduleWindow", "description": "When it applies (<local> time)."}),
            ),
            (
                "tags",
                json!({"type": "array", "items": {"type": ["object", "null"], "$ref": "#/$defs/microsoft.graph.keyValuePair"}}),
            ),
            (
                "aliases",
                json!({"type": "array", "items": {"type": "string", "x-odata-type": "Edm.String"}}),
            ),
            // Computed (external, no Bool).
            (
                "createdDateTime",
                json!({"type": "string", "format": "edm-date-time-offset", "x-odata-type": "Edm.DateTimeOffset", "readOnly": true}),
            ),
            // Permissions Read (external, alias-qualified target) and a description.
            (
                "version",
                json!({"type": ["integer", "null"], "minimum": -2147483648i64, "maximum": 2147483647, "x-odata-type": "Edm.Int32", "readOnly": true, "description": "Incremented by the service."}),
            ),
            (
                "assignments",
                json!({"type": "array", "items": {"type": "object"}}),
            ),
            (
                "document",
                json!({"type": ["object", "null"], "description": "The policy as a document."}),
            ),
            ("owner", json!({"type": ["object", "null"]})),
        ];
        for (name, want) in cases {
            assert_eq!(prop(s, name), &want, "{name}");
        }
        // Computed on a base's property holds in every derived type; a description on a derived
        // type's inherited property only there.
        let user = schema(&imp, "microsoft.graph.user");
        let group = schema(&imp, "microsoft.graph.group");
        assert_eq!(prop(user, "deletedDateTime")["readOnly"], true);
        assert_eq!(prop(group, "deletedDateTime")["readOnly"], true);
        assert_eq!(
            prop(user, "deletedDateTime")["description"],
            "When the user was deleted."
        );
        assert!(prop(group, "deletedDateTime").get("description").is_none());
        // Open entity: no additionalProperties; its @odata.type is still listed.
        assert!(user.get("additionalProperties").is_none());
        assert_eq!(prop(user, "@odata.type")["enum"][1], "#graph.user");
        // A complex type's description; an open complex type in $defs.
        assert_eq!(
            schema(&imp, "microsoft.graph.keyValuePair")["description"],
            "A name and a value."
        );
        let settings = &s["$defs"]["microsoft.graph.customSettings"];
        assert!(settings.get("additionalProperties").is_none());
        assert_eq!(settings["patternProperties"], json!({"@": {}}));
        assert_eq!(regex_escape("a.b(c)|d_e"), r"a\.b\(c\)\|d_e");
        // Computed in the other schema, whose names use its alias.
        let alert = schema(&imp, "microsoft.graph.security.alert");
        assert_eq!(prop(alert, "title")["readOnly"], true);
        assert_eq!(
            prop(alert, "severity"),
            &json!({"type": "string", "enum": ["low", "high"], "x-odata-enum": "microsoft.graph.security.alertSeverity"})
        );
    }

    #[test]
    fn derived_types_dispatch_on_odata_type() {
        let imp = fixture();
        let s = schema(&imp, "microsoft.graph.provisioningPolicy");
        let defs = s["$defs"].as_object().unwrap();
        let keys: Vec<&str> = defs.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "exact:microsoft.graph.allDevicesAssignmentTarget",
                "exact:microsoft.graph.exclusionGroupAssignmentTarget",
                "exact:microsoft.graph.extendedScheduleWindow",
                "exact:microsoft.graph.groupAssignmentTarget",
                "exact:microsoft.graph.scheduleWindow",
                "microsoft.graph.assignmentTarget",
                "microsoft.graph.customSettings",
                "microsoft.graph.folderRule",
                "microsoft.graph.keyValuePair",
                "microsoft.graph.scheduleWindow",
            ]
        );
        // Abstract base: @odata.type required, one branch per concrete descendant, sorted.
        let names = |n: &str| json!([format!("#microsoft.graph.{n}"), format!("#graph.{n}")]);
        let branch = |n: &str| {
            json!({"if": {"required": ["@odata.type"], "properties": {"@odata.type": {"enum": names(n)}}},
                   "then": {"$ref": format!("#/$defs/exact:microsoft.graph.{n}")}})
        };
        assert_eq!(
            defs["microsoft.graph.assignmentTarget"],
            json!({
                "properties": {"@odata.type": {"type": "string", "enum": [
                    "#microsoft.graph.allDevicesAssignmentTarget", "#graph.allDevicesAssignmentTarget",
                    "#microsoft.graph.exclusionGroupAssignmentTarget", "#graph.exclusionGroupAssignmentTarget",
                    "#microsoft.graph.groupAssignmentTarget", "#graph.groupAssignmentTarget"]}},
                "required": ["@odata.type"],
                "allOf": [
                    branch("allDevicesAssignmentTarget"),
                    branch("exclusionGroupAssignmentTarget"),
                    branch("groupAssignmentTarget"),
                ]
            })
        );
        // Concrete base: its own branch first, taken without @odata.type.
        assert_eq!(
            defs["microsoft.graph.scheduleWindow"],
            json!({
                "properties": {"@odata.type": {"type": "string", "enum": [
                    "#microsoft.graph.scheduleWindow", "#graph.scheduleWindow",
                    "#microsoft.graph.extendedScheduleWindow", "#graph.extendedScheduleWindow"]}},
                "allOf": [
                    {"if": {"properties": {"@odata.type": {"enum": names("scheduleWindow")}}},
                     "then": {"$ref": "#/$defs/exact:microsoft.graph.scheduleWindow"}},
                    branch("extendedScheduleWindow"),
                ]
            })
        );
        // Exact shapes: inherited properties, own @odata.type only.
        let group = &defs["exact:microsoft.graph.exclusionGroupAssignmentTarget"];
        assert_eq!(
            group["properties"]["@odata.type"]["enum"],
            names("exclusionGroupAssignmentTarget")
        );
        assert_eq!(group["properties"]["groupId"]["format"], "edm-guid");
        assert_eq!(group["additionalProperties"], false);
        // A type without derived types: its shape, no exact: entry.
        assert_eq!(
            defs["microsoft.graph.keyValuePair"]["properties"]["name"]["type"],
            "string"
        );
        // Only what is reachable: nothing of the security schema, no entity types.
        assert!(keys
            .iter()
            .all(|k| !k.contains("security") && !k.contains("user")));
        // Self reference.
        assert_eq!(
            defs["microsoft.graph.folderRule"]["properties"]["subRules"]["items"]["$ref"],
            "#/$defs/microsoft.graph.folderRule"
        );
        // A derived type's root: its own @odata.type only, base properties included.
        let alert = schema(&imp, "microsoft.graph.security.alert");
        let adefs = alert["$defs"].as_object().unwrap();
        assert!(adefs.contains_key("exact:microsoft.graph.security.userEvidence"));
        assert_eq!(
            adefs["microsoft.graph.security.alertEvidence"]["properties"]["@odata.type"]["enum"],
            json!([
                "#microsoft.graph.security.alertEvidence",
                "#self.alertEvidence",
                "#microsoft.graph.security.userEvidence",
                "#self.userEvidence"
            ])
        );
    }

    fn compile(s: &Value) -> jsonschema::Validator {
        let mut options = jsonschema::draft202012::options().should_validate_formats(true);
        for &(name, _, _, check) in crate::catalog::edm::FORMATS {
            options = options.with_format(name, check);
        }
        options.build(s).unwrap()
    }

    #[test]
    fn every_schema_is_valid_and_compiles() {
        let imp = fixture();
        for (file, s) in &imp.schemas {
            if let Err(e) = jsonschema::meta::validate(s) {
                panic!("{file}: {e} at {}", e.instance_path());
            }
            compile(s);
        }
    }

    #[test]
    fn schemas_accept_and_refuse_as_the_checker_expects() {
        let imp = fixture();
        let v = compile(schema(&imp, "microsoft.graph.provisioningPolicy"));
        let ok = |body: Value| {
            let errors: Vec<String> = v.iter_errors(&body).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{body}: {errors:?}");
        };
        let bad = |body: Value| assert!(!v.is_valid(&body), "{body} passed");
        ok(json!({}));
        ok(
            json!({"@odata.type": "#graph.provisioningPolicy", "displayName": "p", "id@odata.etag": "x",
                  "owner@odata.bind": "users/1", "state": null, "activeDays": "monday, wednesday"}),
        );
        bad(json!({"displayName": null}));
        bad(json!({"unknown": 1}));
        bad(json!({"activeDays": "monday,sunday"}));
        bad(json!({"state": "paused"}));
        bad(json!({"version": 2147483648i64}));
        // Abstract base: @odata.type required, the derived type's shape applies.
        ok(json!({"target": null}));
        ok(
            json!({"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget",
                             "groupId": "01234567-89ab-cdef-0123-456789abcdef"}}),
        );
        ok(
            json!({"target": {"@odata.type": "#graph.exclusionGroupAssignmentTarget",
                             "groupId": "01234567-89ab-cdef-0123-456789abcdef"}}),
        );
        ok(json!({"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}}));
        bad(json!({"target": {"groupId": "01234567-89ab-cdef-0123-456789abcdef"}}));
        bad(
            json!({"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget", "groupId": "x"}}),
        );
        bad(
            json!({"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "x"}}),
        );
        bad(json!({"target": {"@odata.type": "#microsoft.graph.assignmentTarget"}}));
        bad(json!({"target": {"@odata.type": "#microsoft.graph.user"}}));
        // Concrete base: no @odata.type is the base itself.
        ok(json!({"window": {"start": "10:00"}}));
        bad(json!({"window": {"start": "10:00", "timeZone": "UTC"}}));
        ok(
            json!({"window": {"@odata.type": "#microsoft.graph.extendedScheduleWindow", "start": "10:00",
                             "timeZone": "UTC", "label": {"name": "n"}}}),
        );
        bad(
            json!({"window": {"@odata.type": "#microsoft.graph.extendedScheduleWindow", "start": "10:00",
                              "label": {"name": null}}}),
        );
        // Collections of complex values; open complex type; self reference.
        ok(
            json!({"tags": [{"name": "a"}, null], "settings": {"version": "12", "anything": true},
                  "rules": {"subRules": [{"name": "r", "subRules": []}]}}),
        );
        bad(json!({"tags": null}));
        bad(json!({"tags": [{"name": "a", "extra": 1}]}));
        bad(json!({"rules": {"subRules": [{"subRules": [{"nope": 1}]}]}}));
        // Formats are the Edm ones.
        let p = compile(schema(&imp, "microsoft.graph.primitiveSample"));
        assert!(p.is_valid(&json!({"aDate": "2024-02-29", "anInt64": "-12", "aDouble": "NaN", "aDecimal": "1.5e3",
                                   "aBinary": "aGVsbG8", "aDuration": "P1D", "aPoint": null, "aStream": 5})));
        assert!(!p.is_valid(&json!({"aDate": "2023-02-29"})));
        assert!(!p.is_valid(&json!({"anInt64": "1.5"})));
        assert!(!p.is_valid(&json!({"aByte": 256})));
        assert!(!p.is_valid(&json!({"aDouble": null})));
        // Open entity type.
        let u = compile(schema(&imp, "microsoft.graph.user"));
        assert!(u.is_valid(&json!({"extension_abc": 1, "manager": {"id": "m"}, "mailFolders": []})));
    }

    fn ops<'a>(imp: &'a Imported, name: &str) -> Vec<(&'a str, &'a str)> {
        entry(imp, name)
            .operations
            .iter()
            .map(|o| (o.method.as_str(), o.path.as_str()))
            .collect()
    }

    #[test]
    fn operations_of_entity_sets_singletons_and_containment() {
        let imp = fixture();
        assert_eq!(
            ops(&imp, "microsoft.graph.provisioningPolicy"),
            [
                ("GET", "/provisioningPolicies"),
                ("POST", "/provisioningPolicies"),
                ("DELETE", "/provisioningPolicies/{provisioningPoliciesId}"),
                ("GET", "/provisioningPolicies/{provisioningPoliciesId}"),
                ("PATCH", "/provisioningPolicies/{provisioningPoliciesId}"),
                ("PUT", "/provisioningPolicies/{provisioningPoliciesId}"),
            ]
        );
        let item = "/provisioningPolicies/{provisioningPoliciesId}/assignments/{assignmentsId}";
        assert_eq!(
            ops(&imp, "microsoft.graph.ProvisionPolicyAssignmentItem"),
            [
                (
                    "GET",
                    "/provisioningPolicies/{provisioningPoliciesId}/assignments"
                ),
                (
                    "POST",
                    "/provisioningPolicies/{provisioningPoliciesId}/assignments"
                ),
                ("DELETE", item),
                ("GET", item),
                ("PATCH", item),
                ("PUT", item),
            ]
        );
        // Single-valued containment: GET, PATCH, PUT.
        assert_eq!(
            ops(&imp, "microsoft.graph.policyDocument"),
            [
                (
                    "GET",
                    "/provisioningPolicies/{provisioningPoliciesId}/document"
                ),
                (
                    "PATCH",
                    "/provisioningPolicies/{provisioningPoliciesId}/document"
                ),
                (
                    "PUT",
                    "/provisioningPolicies/{provisioningPoliciesId}/document"
                ),
            ]
        );
        // An entity set and a singleton of the same type.
        assert_eq!(
            ops(&imp, "microsoft.graph.user"),
            [
                ("GET", "/me"),
                ("PATCH", "/me"),
                ("GET", "/users"),
                ("POST", "/users"),
                ("DELETE", "/users/{usersId}"),
                ("GET", "/users/{usersId}"),
                ("PATCH", "/users/{usersId}"),
                ("PUT", "/users/{usersId}"),
            ]
        );
        // A type containing itself: one level of its own containment, not deeper.
        let folders: Vec<&str> = ops(&imp, "microsoft.graph.mailFolder")
            .into_iter()
            .filter(|(m, _)| *m == "GET")
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            folders,
            [
                "/me/mailFolders",
                "/me/mailFolders/{mailFoldersId}",
                "/me/mailFolders/{mailFoldersId}/childFolders",
                "/me/mailFolders/{mailFoldersId}/childFolders/{childFoldersId}",
                "/users/{usersId}/mailFolders",
                "/users/{usersId}/mailFolders/{mailFoldersId}",
                "/users/{usersId}/mailFolders/{mailFoldersId}/childFolders",
                "/users/{usersId}/mailFolders/{mailFoldersId}/childFolders/{childFoldersId}",
            ]
        );
        // The entity sets of derived and other-schema types.
        assert_eq!(ops(&imp, "microsoft.graph.directoryObject").len(), 6);
        assert_eq!(ops(&imp, "microsoft.graph.security.alert").len(), 6);
        assert!(ops(&imp, "microsoft.graph.group").is_empty());
        let total: usize = imp.index.resources.iter().map(|r| r.operations.len()).sum();
        assert_eq!(imp.stats.operations, total);
    }

    #[test]
    fn operation_bodies() {
        let imp = fixture();
        // The first operation of that method, lists aside.
        let find = |name: &str, method: &str| {
            entry(&imp, name)
                .operations
                .iter()
                .find(|o| o.method == method && !o.name.starts_with("list:"))
                .unwrap()
                .clone()
        };
        let json = |o: &OperationSpec| serde_json::to_value(o).unwrap();
        // Responses require the key only (non-nullable is not "always sent").
        let resp = json!(["id"]);
        let p = "/provisioningPolicies/{provisioningPoliciesId}";
        let list = entry(&imp, "microsoft.graph.provisioningPolicy")
            .operations
            .iter()
            .find(|o| o.path == "/provisioningPolicies" && o.method == "GET")
            .unwrap();
        assert_eq!(
            json(list),
            json!({"name": "list:/provisioningPolicies", "method": "GET", "path": "/provisioningPolicies",
                   "responses": {"200": {"required": resp}}})
        );
        assert_eq!(
            json(&find("microsoft.graph.provisioningPolicy", "POST")),
            json!({"name": "create:/provisioningPolicies", "method": "POST", "path": "/provisioningPolicies",
                   "request": {"required": []}, "responses": {"201": {"required": resp}}})
        );
        assert_eq!(
            json(&find("microsoft.graph.provisioningPolicy", "GET")),
            json!({"name": format!("get:{p}"), "method": "GET", "path": p,
                   "responses": {"200": {"required": resp}}})
        );
        assert_eq!(
            json(&find("microsoft.graph.provisioningPolicy", "PATCH")),
            json!({"name": format!("update:{p}"), "method": "PATCH", "path": p,
                   "request": {"required": []}, "responses": {"200": {"required": resp}, "204": null}})
        );
        // PUT: non-nullable, not read-only (id is the key, createdDateTime computed).
        assert_eq!(
            json(&find("microsoft.graph.provisioningPolicy", "PUT")),
            json!({"name": format!("replace:{p}"), "method": "PUT", "path": p,
                   "request": {"required": ["activeDays", "aliases", "displayName"]},
                   "responses": {"200": {"required": resp}, "204": null}})
        );
        assert_eq!(
            json(&find("microsoft.graph.provisioningPolicy", "DELETE")),
            json!({"name": format!("delete:{p}"), "method": "DELETE", "path": p,
                   "responses": {"204": null}})
        );
        let patch = find("microsoft.graph.ProvisionPolicyAssignmentItem", "PATCH");
        assert_eq!(
            patch.name,
            "update:/provisioningPolicies/{provisioningPoliciesId}/assignments/{assignmentsId}"
        );
        assert_eq!(patch.responses["200"].as_ref().unwrap().required, ["id"]);
        // A singleton: GET and PATCH.
        let me = find("microsoft.graph.user", "PATCH");
        assert_eq!(me.path, "/me");
        assert!(me.responses.contains_key("204"));
    }

    #[test]
    fn strict_responses_require_the_non_nullable_properties_too() {
        let model = csdl::read(FIXTURE.as_bytes()).unwrap();
        let imp = from_model_with(
            &model,
            "fixture.xml",
            ImportOptions {
                strict_responses: true,
            },
        );
        let policy = |name: &str| {
            entry(&imp, "microsoft.graph.provisioningPolicy")
                .operations
                .iter()
                .find(|o| o.name == name)
                .unwrap()
        };
        let get = policy("get:/provisioningPolicies/{provisioningPoliciesId}");
        assert_eq!(
            get.responses["200"].as_ref().unwrap().required,
            [
                "id",
                "activeDays",
                "aliases",
                "createdDateTime",
                "displayName"
            ]
        );
        // Requests are as without the option.
        let put = policy("replace:/provisioningPolicies/{provisioningPoliciesId}");
        assert_eq!(
            put.request.as_ref().unwrap().required,
            ["activeDays", "aliases", "displayName"]
        );
    }

    #[test]
    fn containment_stops_at_eight_segments() {
        // a -> b -> c -> d -> e (each contains the next): /as/{asId}/bs/{bsId}/cs/{csId}/ds/{dsId}
        // has 8 segments; `es` under it would have 9 and 10.
        let mut xml = String::from(
            r#"<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="n">
               <EntityType Name="root" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>"#,
        );
        for (t, next) in [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")] {
            xml.push_str(&format!(
                r#"<EntityType Name="{t}" BaseType="n.root"><NavigationProperty Name="{next}s" Type="Collection(n.{next})" ContainsTarget="true" /><NavigationProperty Name="one{next}" Type="n.{next}" ContainsTarget="true" /></EntityType>"#
            ));
        }
        xml.push_str(r#"<EntityType Name="f" BaseType="n.root" /><EntityContainer Name="c"><EntitySet Name="as" EntityType="n.a" /></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"#);
        let imp = import(xml.as_bytes(), "x").unwrap();
        let all: Vec<String> = imp
            .index
            .resources
            .iter()
            .flat_map(|r| r.operations.iter().map(|o| o.path.clone()))
            .collect();
        let has = |p: &str| all.iter().any(|x| x == p);
        assert!(has("/as/{asId}/bs/{bsId}/cs/{csId}/ds/{dsId}"));
        assert!(!has("/as/{asId}/bs/{bsId}/cs/{csId}/ds/{dsId}/onee"));
        assert!(has("/as/{asId}/bs/{bsId}/cs/{csId}/oned/onee"));
        assert!(has("/as/{asId}/bs/{bsId}/cs/{csId}/oned/es"));
        assert!(!has("/as/{asId}/bs/{bsId}/cs/{csId}/oned/es/{esId}"));
        assert!(has("/as/{asId}/oneb/onec/oned/onee/onef"));
        assert!(
            all.iter().all(|p| segments(p) <= MAX_PATH_SEGMENTS),
            "{all:?}"
        );
    }

    #[test]
    fn import_errors_name_the_line() {
        let e = import(
            "<edmx:Edmx>\n<edmx:DataServices>\n<Schema Namespace=\"n\">\n<EntityType />".as_bytes(),
            "x",
        )
        .unwrap_err();
        assert!(e.starts_with("line 4: `<EntityType>` has no `Name`"), "{e}");
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn write_creates_replaces_and_leaves_other_files_alone() {
        let imp = fixture();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("catalog");
        let stats = write(&imp, &out).unwrap();
        let written = files(&out);
        assert_eq!(written.len(), 22);
        assert!(written.contains(&INDEX_FILE.to_string()));
        let total: u64 = written
            .iter()
            .map(|f| std::fs::metadata(out.join(f)).unwrap().len())
            .sum();
        assert_eq!(stats.bytes_written, total);
        assert_eq!(stats.operations, imp.stats.operations);
        let text = std::fs::read_to_string(out.join("microsoft.graph.user.schema.json")).unwrap();
        assert!(text.ends_with("}\n") && text.contains("\n  \""));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, schema(&imp, "microsoft.graph.user"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join(INDEX_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644);
        }

        // The loader reads what was written.
        let cat = crate::catalog::Catalog::load(std::slice::from_ref(&out)).unwrap();
        assert!(cat.resource("microsoft.graph.provisioningPolicy").is_some());

        // An overlay of the user's, then a smaller import: the dropped type's file goes, the
        // overlay stays.
        std::fs::write(out.join("microsoft.graph.user.overlay.json"), "{}").unwrap();
        let smaller = FIXTURE.replace(
            r#"<EntityType Name="policyDocument" BaseType="graph.entity">
        <Property Name="content" Type="Edm.Binary" />
      </EntityType>"#,
            r#"<EntityType Name="policyDocument" BaseType="graph.entity" />"#,
        );
        let smaller = smaller.replace(r#"<ComplexType Name="exclusionGroupAssignmentTarget" BaseType="graph.groupAssignmentTarget" />"#, "");
        let imp2 = import(smaller.as_bytes(), "fixture.xml").unwrap();
        write(&imp2, &out).unwrap();
        let after = files(&out);
        assert!(!after
            .contains(&"microsoft.graph.exclusionGroupAssignmentTarget.schema.json".to_string()));
        assert!(after.contains(&"microsoft.graph.user.overlay.json".to_string()));
        assert_eq!(after.len(), 22);
        assert!(after.iter().all(|f| !f.ends_with(".tmp")));

        // A non-empty folder that is not a catalog is refused, untouched.
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("notes.txt"), "mine").unwrap();
        let e = write(&imp, &other).unwrap_err();
        assert!(e.contains("not a catalog folder"), "{e}");
        assert_eq!(files(&other), ["notes.txt"]);

        // A file of the same name that no import wrote is not overwritten.
        let mine = out.join("microsoft.graph.exclusionGroupAssignmentTarget.schema.json");
        std::fs::write(&mine, "{\"mine\": true}").unwrap();
        let e = write(&imp, &out).unwrap_err();
        assert!(e.contains("was not written by an earlier import"), "{e}");
        assert_eq!(std::fs::read_to_string(&mine).unwrap(), "{\"mine\": true}");

        // An index listing paths outside the folder removes nothing outside it.
        let victim = tmp.path().join("victim.schema.json");
        std::fs::write(&victim, "{}").unwrap();
        std::fs::remove_file(&mine).unwrap();
        let mut idx: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(INDEX_FILE)).unwrap()).unwrap();
        let mut extra = idx["resources"][0].clone();
        extra["name"] = json!("n.victim");
        extra["schema"] = json!("../victim.schema.json");
        idx["resources"].as_array_mut().unwrap().push(extra);
        std::fs::write(out.join(INDEX_FILE), idx.to_string()).unwrap();
        write(&imp, &out).unwrap();
        assert!(victim.exists());
    }

    /// Timing on any document: `PAYLINT_CSDL=path cargo test --release --lib -- --ignored
    /// --nocapture import_timing` (and `PAYLINT_CATALOG_OUT=folder` to write the catalog).
    #[test]
    #[ignore]
    fn import_timing() {
        let Ok(path) = std::env::var("PAYLINT_CSDL") else {
            eprintln!("note: set PAYLINT_CSDL to a CSDL file");
            return;
        };
        let started = std::time::Instant::now();
        let file = std::fs::File::open(&path).unwrap();
        let model = csdl::read(std::io::BufReader::new(file)).unwrap();
        let read_time = started.elapsed();
        let imp = from_model(&model, &path);
        let total = started.elapsed();
        let bytes: usize = imp
            .schemas
            .iter()
            .map(|(_, s)| serde_json::to_vec_pretty(s).unwrap().len())
            .sum();
        eprintln!(
            "{path}: read {read_time:.2?}, read and map {total:.2?}; {} types, {} operations, \
             {bytes} bytes of schemas",
            imp.schemas.len(),
            imp.stats.operations
        );
        if let Ok(out) = std::env::var("PAYLINT_CATALOG_OUT") {
            let stats = write(&imp, Path::new(&out)).unwrap();
            eprintln!("{out}: {} bytes", stats.bytes_written);
        }
    }

    /// Microsoft Graph's real v1.0 metadata (a copy kept in the repository).
    #[test]
    fn imports_microsoft_graph() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/csdl/graph-v1.0.csdl"
        );
        let file = std::fs::File::open(path).unwrap();
        let started = std::time::Instant::now();
        let imp = import(std::io::BufReader::new(file), "graph-v1.0.csdl").unwrap();
        let import_time = started.elapsed();
        assert_eq!(imp.stats.entity_types, 1182);
        assert_eq!(imp.stats.complex_types, 1779);
        let r = entry(&imp, "microsoft.graph.cloudPcProvisioningPolicyAssignment");
        let path = "/deviceManagement/virtualEndpoint/provisioningPolicies/{provisioningPoliciesId}/assignments/{assignmentsId}";
        assert!(
            r.operations
                .iter()
                .any(|o| o.method == "PATCH" && o.path == path),
            "{:?}",
            r.operations.iter().map(|o| &o.path).collect::<Vec<_>>()
        );
        let s = schema(&imp, "microsoft.graph.cloudPcProvisioningPolicyAssignment");
        assert_eq!(
            prop(s, "target")["$ref"],
            "#/$defs/microsoft.graph.cloudPcManagementAssignmentTarget"
        );
        let d = &s["$defs"]["microsoft.graph.cloudPcManagementAssignmentTarget"];
        assert_eq!(d["required"], json!(["@odata.type"]));
        assert!(d["allOf"].as_array().is_some_and(|a| !a.is_empty()));

        // Every schema is valid and compiles (what the loader checks on first use).
        let started = std::time::Instant::now();
        for (file, s) in &imp.schemas {
            if let Err(e) = jsonschema::meta::validate(s) {
                panic!("{file}: {e} at {}", e.instance_path());
            }
            compile(s);
        }
        let check_time = started.elapsed();

        let tmp = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let stats = write(&imp, tmp.path()).unwrap();
        let write_time = started.elapsed();
        let sizes: Vec<(String, u64)> = files(tmp.path())
            .into_iter()
            .map(|f| {
                let len = std::fs::metadata(tmp.path().join(&f)).unwrap().len();
                (f, len)
            })
            .collect();
        let index_size = sizes.iter().find(|(f, _)| f == INDEX_FILE).unwrap().1;
        let (largest, size) = sizes
            .iter()
            .filter(|(f, _)| f != INDEX_FILE)
            .max_by_key(|(_, l)| *l)
            .unwrap();
        eprintln!(
            "Graph v1.0: import {import_time:.2?}, checking every schema {check_time:.2?}, write \
             {write_time:.2?}; {} entity, {} complex, \
             {} enum types; {} operations; {} files, {} bytes (index {index_size}); largest \
             schema {largest} ({size} bytes)",
            stats.entity_types,
            stats.complex_types,
            stats.enum_types,
            stats.operations,
            sizes.len(),
            stats.bytes_written,
        );
        assert_eq!(sizes.len(), imp.schemas.len() + 1);

        // The loader reads it and routes a request to the contained assignment.
        let started = std::time::Instant::now();
        let cat = crate::catalog::Catalog::load(&[tmp.path().to_path_buf()]).unwrap();
        let (r, op) = cat
            .operation(
                "PATCH",
                "https://graph.microsoft.com/v1.0/deviceManagement/virtualEndpoint/provisioningPolicies/p1/assignments/a1",
            )
            .unwrap();
        assert_eq!(
            r.name,
            "microsoft.graph.cloudPcProvisioningPolicyAssignment"
        );
        assert_eq!(op.method, "PATCH");
        r.validator(&[]).unwrap();
        eprintln!(
            "Graph v1.0 catalog: loaded and routed in {:.2?}",
            started.elapsed()
        );
    }
}
