//! An imported catalog's schemas as the checker reads them: one self-contained document per
//! resource, assembled on first use from the compact files `catalog import` writes.
//!
//! On disk ([`super::import`]), each type's file holds only what the type itself declares: its
//! `members` (own properties, with a `$ref` to the base type's `members`), its closed `shape`
//! and, when some property uses it and it has derived types, a `value` dispatching on
//! `@odata.type`. Other types are named by `urn:paylint:schema:NAME` references, so nothing is
//! written twice and the catalog grows with the document, never with derived types times the
//! properties that use them, nor with the depth of a chain times its length.
//!
//! The bundle of a resource is what the checker's subschema walk and its error mapping expect:
//! at the root the type's shape with every inherited property, and in `$defs` what the
//! structural properties reach, transitively: for a type `X` without derived types its shape
//! (without `type`: the property that uses it says `object`, or `[object, null]`), for one with
//! derived types a dispatcher on `@odata.type` whose branches `$ref` the shapes `exact:X` and
//! `exact:D` of each concrete descendant `D`. Every reference is local (`#/$defs/...`, names
//! percent-encoded), so compiling it fetches nothing. Its cost is that of the types the resource
//! reaches, paid only by a run that uses the resource.

use super::index::Index;
use super::names::{decode, encode, urn, URN};
use super::CatalogError;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub(crate) const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// Property schemas one bundle may hold. A resource's bundle holds, for each type with derived
/// types that its properties reach, the shape of every concrete descendant with every inherited
/// property: in proportion to the document for real services (Microsoft Graph's largest holds
/// 1,200), but a hostile document makes it the square of a chain's depth (a property typed as a
/// 2,000-deep chain's root: 2 million, 6.7 GB and 23 s to compile). Past this bound the
/// resource's schema is a catalog error naming its file, found within the bound's cost, instead
/// of a run that exhausts memory.
pub(crate) const MAX_BUNDLE_PROPERTIES: usize = 100_000;

/// The types of an imported catalog, from its index: names, `@odata.type` values, bases and
/// what is derived from what, and the shared definitions (large enums).
#[derive(Debug)]
pub(crate) struct Table {
    types: Vec<TypeInfo>,
    /// Type or definition name -> slot: a type's index in `types`, or `types.len() + i` for
    /// the i-th definition.
    slots: HashMap<String, usize>,
    /// (name, file) of each definition.
    definitions: Vec<(String, String)>,
}

#[derive(Debug)]
pub(crate) struct TypeInfo {
    pub(crate) name: String,
    pub(crate) odata_types: Vec<String>,
    pub(crate) base: Option<usize>,
    pub(crate) children: Vec<usize>,
    pub(crate) is_abstract: bool,
    pub(crate) open: bool,
    pub(crate) file: String,
}

impl Table {
    /// The table of an index; `origin` names the index in errors (a base that is not in it, a
    /// name listed twice, an inheritance cycle).
    pub(crate) fn new(index: &Index, origin: &str) -> Result<Table, CatalogError> {
        let bad = |m: String| super::err(origin, m);
        let mut slots = HashMap::with_capacity(index.resources.len() + index.definitions.len());
        let mut types = Vec::with_capacity(index.resources.len());
        for (i, r) in index.resources.iter().enumerate() {
            if slots.insert(r.name.clone(), i).is_some() {
                return Err(bad(format!("resource `{}` is listed twice", r.name)));
            }
            types.push(TypeInfo {
                name: r.name.clone(),
                odata_types: r.odata_types.clone(),
                base: None,
                children: Vec::new(),
                is_abstract: r.r#abstract,
                open: r.open,
                file: r.schema.clone(),
            });
        }
        let mut definitions = Vec::with_capacity(index.definitions.len());
        for d in &index.definitions {
            let slot = types.len() + definitions.len();
            if slots.insert(d.name.clone(), slot).is_some() {
                return Err(bad(format!("`{}` is listed twice", d.name)));
            }
            definitions.push((d.name.clone(), d.schema.clone()));
        }
        for (i, r) in index.resources.iter().enumerate() {
            if let Some(b) = &r.base {
                match slots.get(b) {
                    Some(&j) if j < types.len() => {
                        types[i].base = Some(j);
                        types[j].children.push(i);
                    }
                    _ => {
                        return Err(bad(format!(
                            "resource `{}` has base `{b}`, which is no resource of the index",
                            r.name
                        )))
                    }
                }
            }
        }
        let table = Table {
            types,
            slots,
            definitions,
        };
        table.acyclic().map_err(|name| {
            bad(format!(
                "resource `{name}` derives from itself; import the catalog again"
            ))
        })?;
        Ok(table)
    }

    /// Every chain of bases ends (linear in the number of types).
    fn acyclic(&self) -> Result<(), &str> {
        match crate::odata::model::first_cycle(self.types.len(), |c| self.types[c].base) {
            Some(c) => Err(&self.types[c].name),
            None => Ok(()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.types.len()
    }

    pub(crate) fn ty(&self, slot: usize) -> &TypeInfo {
        &self.types[slot]
    }

    pub(crate) fn slot(&self, name: &str) -> Option<usize> {
        self.slots.get(name).copied()
    }

    /// Types and definitions.
    pub(crate) fn slots(&self) -> usize {
        self.types.len() + self.definitions.len()
    }

    /// The name of the type or definition in `slot`.
    pub(crate) fn name(&self, slot: usize) -> &str {
        match self.types.get(slot) {
            Some(t) => &t.name,
            None => &self.definitions[slot - self.types.len()].0,
        }
    }

    /// The file (in the catalog folder) of the type or definition in `slot`.
    pub(crate) fn file_name(&self, slot: usize) -> &str {
        match self.types.get(slot) {
            Some(t) => &t.file,
            None => &self.definitions[slot - self.types.len()].1,
        }
    }

    /// `slot`, then its bases, nearest first.
    pub(crate) fn lineage(&self, slot: usize) -> impl Iterator<Item = usize> + '_ {
        // The table is acyclic (checked when it was built).
        std::iter::successors(Some(slot), |&s| self.types[s].base)
    }

    /// The concrete types derived from `slot`, transitively, in name order.
    fn concrete_descendants(&self, slot: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut todo = self.types[slot].children.clone();
        while let Some(d) = todo.pop() {
            if !self.types[d].is_abstract {
                out.push(d);
            }
            todo.extend_from_slice(&self.types[d].children);
        }
        out.sort_unstable_by(|&a, &b| self.types[a].name.cmp(&self.types[b].name));
        out
    }
}

/// Where the bundler reads the files of a catalog: parsed, and checked as a catalog file.
pub(crate) trait Files {
    fn table(&self) -> &Table;
    fn file(&self, slot: usize) -> Result<&Value, CatalogError>;
    /// The file of `slot` as messages name it (its path).
    fn origin(&self, slot: usize) -> String;
}

/// The bundle of the type in `slot`: see the module documentation.
pub(crate) fn bundle(files: &dyn Files, slot: usize) -> Result<Value, CatalogError> {
    let table = files.table();
    let t = table.ty(slot);
    let mut b = Bundler {
        files,
        table,
        defs: Map::new(),
        todo: Vec::new(),
        root: slot,
        properties: 0,
    };
    let mut root = Map::new();
    root.insert("$schema".into(), json!(DRAFT_2020_12));
    root.insert("$id".into(), json!(urn(&t.name)));
    root.insert("title".into(), json!(t.name));
    if let Some(d) = files.file(slot)?.get("description") {
        root.insert("description".into(), d.clone());
    }
    root.insert("type".into(), json!("object"));
    root.extend(b.shape(slot)?);
    while let Some(x) = b.todo.pop() {
        b.define(x)?;
    }
    if !b.defs.is_empty() {
        root.insert("$defs".into(), Value::Object(b.defs));
    }
    Ok(Value::Object(root))
}

struct Bundler<'f> {
    files: &'f dyn Files,
    table: &'f Table,
    defs: Map<String, Value>,
    /// Slots a property refers to, not yet in `defs`.
    todo: Vec<usize>,
    /// The resource being bundled.
    root: usize,
    /// Property schemas copied so far (bounded by [`MAX_BUNDLE_PROPERTIES`]).
    properties: usize,
}

impl Bundler<'_> {
    /// `$defs[X]`: a definition's schema, a type's shape, or a dispatcher and the exact shapes
    /// it branches to.
    fn define(&mut self, x: usize) -> Result<(), CatalogError> {
        let table = self.table;
        let Some(t) = (x < table.len()).then(|| table.ty(x)) else {
            let name = table.name(x);
            if !self.defs.contains_key(name) {
                let mut def = self.files.file(x)?.as_object().cloned().unwrap_or_default();
                for k in ["$schema", "$id", "title"] {
                    def.remove(k);
                }
                self.defs.insert(name.to_string(), Value::Object(def));
            }
            return Ok(());
        };
        if self.defs.contains_key(&t.name) {
            return Ok(());
        }
        if t.children.is_empty() {
            let shape = self.shape(x)?;
            self.defs.insert(t.name.clone(), Value::Object(shape));
            return Ok(());
        }
        let descendants = table.concrete_descendants(x);
        let mut allowed = Vec::new();
        let mut branches = Vec::new();
        let exact = (!t.is_abstract).then_some(x);
        for (i, e) in exact.into_iter().chain(descendants).enumerate() {
            let names = &table.ty(e).odata_types;
            allowed.extend(names.iter().cloned());
            // The type itself is taken without `@odata.type`; a derived type only when named.
            let cond = if exact.is_some() && i == 0 {
                json!({"properties": {"@odata.type": {"enum": names}}})
            } else {
                json!({"required": ["@odata.type"], "properties": {"@odata.type": {"enum": names}}})
            };
            let then = format!("#/$defs/exact:{}", encode(&table.ty(e).name));
            branches.push(json!({"if": cond, "then": {"$ref": then}}));
            let key = format!("exact:{}", table.ty(e).name);
            if !self.defs.contains_key(&key) {
                let shape = self.shape(e)?;
                self.defs.insert(key, Value::Object(shape));
            }
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
        self.defs.insert(t.name.clone(), Value::Object(v));
        Ok(())
    }

    /// The closed shape of a type: its `@odata.type` names and every property of its chain (a
    /// nearer declaration's keywords win), without `type`.
    fn shape(&mut self, slot: usize) -> Result<Map<String, Value>, CatalogError> {
        let table = self.table;
        let t = table.ty(slot);
        let mut props = Map::new();
        props.insert(
            "@odata.type".into(),
            json!({"type": "string", "enum": t.odata_types}),
        );
        let chain: Vec<usize> = table.lineage(slot).collect();
        for &c in chain.iter().rev() {
            let file = self.files.file(c)?;
            let Some(members) = file
                .pointer("/$defs/members/properties")
                .and_then(Value::as_object)
            else {
                continue;
            };
            self.properties += members.len();
            if self.properties > MAX_BUNDLE_PROPERTIES {
                return Err(super::err(
                    &self.files.origin(self.root),
                    format!(
                        "the schema of `{}` would hold more than {MAX_BUNDLE_PROPERTIES} property \
                         schemas (its properties take types with many derived types over deep \
                         inheritance chains): too large to check",
                        table.ty(self.root).name
                    ),
                ));
            }
            for (name, schema) in members {
                let mut schema = schema.clone();
                self.rewrite(&mut schema, c)?;
                match (props.get_mut(name), schema) {
                    (Some(Value::Object(have)), Value::Object(more)) => have.extend(more),
                    (_, schema) => {
                        props.insert(name.clone(), schema);
                    }
                }
            }
        }
        let mut shape = Map::new();
        shape.insert("properties".into(), Value::Object(props));
        shape.insert("patternProperties".into(), json!({"@": {}}));
        if !t.open {
            shape.insert("additionalProperties".into(), Value::Bool(false));
        }
        Ok(shape)
    }

    /// A property schema from the file of `owner`, its references to other types made local
    /// (`urn:paylint:schema:X...` -> `#/$defs/X`) and queued.
    fn rewrite(&mut self, v: &mut Value, owner: usize) -> Result<(), CatalogError> {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if k == "$ref" {
                        let Some(r) = child.as_str() else { continue };
                        let target = self.target(r).ok_or_else(|| {
                            super::err(
                                &self.files.origin(owner),
                                format!("`$ref: {r}` names no type of this catalog"),
                            )
                        })?;
                        let local = format!("#/$defs/{}", encode(self.table.name(target)));
                        *child = Value::String(local);
                        self.todo.push(target);
                    } else if !matches!(k.as_str(), "const" | "enum" | "default" | "examples") {
                        self.rewrite(child, owner)?;
                    }
                }
            }
            Value::Array(items) => {
                for i in items {
                    self.rewrite(i, owner)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The slot a reference between catalog files names.
    fn target(&self, reference: &str) -> Option<usize> {
        let rest = reference.strip_prefix(URN)?;
        let (name, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        if !matches!(
            fragment,
            "" | "/$defs/shape" | "/$defs/value" | "/$defs/members"
        ) {
            return None;
        }
        self.table.slot(&decode(name)?)
    }
}
