//! The catalog: one JSON Schema per resource (`NAME.schema.json`) and its operations
//! (`NAME.operations.json`), embedded from `schemas/` and extended or overridden by `--schemas DIR`.
//!
//! Every schema is checked against its metaschema and for references that would leave the
//! catalog when it is loaded; validators are compiled on first use, once per required-property
//! set, and shared.

pub mod csdl;
pub mod edm;
pub mod import;
pub mod index;
pub mod operation;

use crate::direction::Direction;
use crate::json::{Kind, Node};
pub use operation::Operation;
use operation::OperationsFile;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

include!(concat!(env!("OUT_DIR"), "/embedded_catalog.rs"));

const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// A catalog that cannot be used; names the file so the user can fix it.
#[derive(Debug)]
pub struct CatalogError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad catalog file {}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

fn err(file: &str, message: impl Into<String>) -> CatalogError {
    CatalogError {
        file: file.to_string(),
        message: message.into(),
    }
}

#[derive(Debug)]
pub struct Catalog {
    /// Sorted by name.
    resources: Vec<Resource>,
    /// (method, number of path segments) -> (resource, operation) indexes, in catalog order:
    /// a message is matched against the few operations that could name it.
    routes: HashMap<(String, usize), Vec<(usize, usize)>>,
}

pub struct Resource {
    /// The type's name: `ProvisionPolicyAssignmentItem`, or namespace-qualified when imported
    /// (`microsoft.graph.user`).
    pub name: String,
    /// Where the schema came from (`schemas/NAME.schema.json` or the `--schemas` path).
    pub source: String,
    /// The canonical `@odata.type` (`#namespace.Name`), when the schema fixes it.
    pub odata_type: Option<String>,
    /// Every `@odata.type` value that names this type exactly (canonical, alias-qualified).
    pub odata_types: Vec<String>,
    /// Qualified names of the base types, nearest first (imported catalogs).
    pub base_types: Vec<String>,
    pub operations: Vec<Operation>,
    /// From the embedded catalog.
    built_in: bool,
    schema: LazySchema,
    validators: Mutex<HashMap<Vec<String>, Arc<crate::instance::Validator>>>,
    /// Read-only top-level properties, worked out when the schema is first used.
    read_only: OnceLock<Vec<String>>,
    /// What a body without an operation requires (no direction, request, response), worked
    /// out on first use (an imported catalog has thousands of resources a run never uses).
    bare_required: OnceLock<[Vec<String>; 3]>,
    /// The validators for those three, once compiled: most bodies take one of them, without a
    /// lock or a lookup.
    bare_validators: [OnceLock<Arc<crate::instance::Validator>>; 3],
}

/// A schema in memory, or a file of an imported catalog read, checked and parsed on first use.
enum LazySchema {
    Loaded(Value),
    File {
        path: PathBuf,
        cell: OnceLock<Result<Value, String>>,
    },
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("name", &self.name)
            .field("source", &self.source)
            .field("odata_type", &self.odata_type)
            .finish_non_exhaustive()
    }
}

/// One catalog file before it is parsed.
struct CatalogFile {
    name: String,
    origin: String,
    text: String,
    /// Built into the binary: checked against the metaschema by the test suite when it was built
    /// (`builtin_catalog_passes_the_load_checks`), so not again on every run.
    built_in: bool,
}

/// What one folder of the catalog holds.
#[derive(Default)]
struct Folder {
    files: Vec<CatalogFile>,
    overlays: Vec<CatalogFile>,
    imported: Vec<Resource>,
}

/// Builds what the first schema compile of a run waits for: jsonschema's validator for the
/// draft 2020-12 metaschema, built once per process (about a millisecond). A run that has
/// threads to spare calls this on one while its files are being found, instead of making
/// every checker wait for the first compile.
pub fn warm_up() {
    let _ = jsonschema::draft202012::meta::is_valid(&Value::Bool(true));
}

impl Catalog {
    /// The embedded catalog, then each of `dirs` in order; a later file replaces an earlier one
    /// of the same name, and a resource from `dirs` replaces a built-in one with the same
    /// `@odata.type`. Overlays (`NAME.overlay.json`) then tighten operations.
    pub fn load(dirs: &[PathBuf]) -> Result<Catalog, CatalogError> {
        let mut files: BTreeMap<String, CatalogFile> = BTreeMap::new();
        for (name, text) in EMBEDDED {
            files.insert(
                name.to_string(),
                CatalogFile {
                    name: name.to_string(),
                    origin: format!("schemas/{name} (built in)"),
                    text: text.to_string(),
                    built_in: true,
                },
            );
        }
        let mut imported: BTreeMap<String, Resource> = BTreeMap::new();
        let mut overlays = Vec::new();
        for dir in dirs {
            let folder = read_dir(dir)?;
            for file in folder.files {
                files.insert(file.name.clone(), file);
            }
            for r in folder.imported {
                imported.insert(r.name.clone(), r);
            }
            overlays.extend(folder.overlays);
        }
        let mut catalog = Self::from_files(files.into_values())?;
        if !imported.is_empty() {
            let mut by_name: BTreeMap<String, Resource> = imported;
            // A hand-written file of the same name wins over an imported type.
            for r in std::mem::take(&mut catalog.resources) {
                by_name.insert(r.name.clone(), r);
            }
            catalog.resources = by_name.into_values().collect();
        }
        for overlay in overlays {
            catalog.apply_overlay(&overlay)?;
        }
        catalog.drop_shadowed_built_ins();
        catalog.index_routes();
        Ok(catalog)
    }

    fn from_files(files: impl Iterator<Item = CatalogFile>) -> Result<Catalog, CatalogError> {
        let mut schemas: BTreeMap<String, (String, Value, bool)> = BTreeMap::new();
        let mut operations: BTreeMap<String, (String, OperationsFile)> = BTreeMap::new();
        for file in files {
            if let Some(name) = file.name.strip_suffix(".schema.json") {
                let value: Value = serde_json::from_str(&file.text)
                    .map_err(|e| err(&file.origin, format!("not valid JSON: {e}")))?;
                if !file.built_in {
                    check_schema(&file.origin, &value)?;
                }
                schemas.insert(name.to_string(), (file.origin, value, file.built_in));
            } else if let Some(name) = file.name.strip_suffix(".operations.json") {
                let ops = parse_operations(&file, name)?;
                operations.insert(name.to_string(), (file.origin, ops));
            } else {
                return Err(err(
                    &file.origin,
                    "catalog files are named NAME.schema.json, NAME.operations.json or \
                     NAME.overlay.json",
                ));
            }
        }
        let mut resources = Vec::new();
        for (name, (origin, schema, built_in)) in schemas {
            let mut ops = Vec::new();
            if let Some((op_origin, file)) = operations.remove(&name) {
                for spec in file.operations {
                    ops.push(Operation::from_spec(spec).map_err(|m| err(&op_origin, m))?);
                }
            }
            let odata_types = odata_types_of(&schema);
            let resource = Resource::new(
                name,
                origin,
                odata_types,
                Vec::new(),
                ops,
                built_in,
                LazySchema::Loaded(schema),
            );
            // Compile a user's schema once, so an error surfaces at load naming the file. Built-in
            // ones were compiled by the test suite; they are compiled on first use only.
            if !built_in {
                resource
                    .validator(&[])
                    .map_err(|m| err(&resource.source, m))?;
            }
            resources.push(resource);
        }
        if let Some((_, (origin, ops))) = operations.into_iter().next() {
            return Err(err(
                &origin,
                format!(
                    "no schema `{}.schema.json` for these operations",
                    ops.resource
                ),
            ));
        }
        let mut catalog = Catalog {
            resources,
            routes: HashMap::new(),
        };
        catalog.index_routes();
        Ok(catalog)
    }

    /// `NAME.overlay.json` (the shape of an operations file): each operation is merged into the
    /// resource's operation with the same method and path template (required properties are
    /// added, statuses added, the overlay's name kept), or added when there is none.
    fn apply_overlay(&mut self, file: &CatalogFile) -> Result<(), CatalogError> {
        let name = file
            .name
            .strip_suffix(".overlay.json")
            .unwrap_or(&file.name);
        let ops = parse_operations(file, name)?;
        let Some(resource) = self.resources.iter_mut().find(|r| r.name == name) else {
            return Err(err(
                &file.origin,
                format!("no resource `{name}` in the catalog to overlay"),
            ));
        };
        for spec in ops.operations {
            let op = Operation::from_spec(spec).map_err(|m| err(&file.origin, m))?;
            match resource
                .operations
                .iter_mut()
                .find(|o| o.method == op.method && o.same_template(&op))
            {
                Some(existing) => existing.tighten(op),
                None => resource.operations.push(op),
            }
        }
        resource.bare_required = OnceLock::new();
        resource.bare_validators = Default::default();
        Ok(())
    }

    /// A resource from `--schemas` that names the same `@odata.type` as a built-in one
    /// describes the same type: the built-in one steps aside.
    fn drop_shadowed_built_ins(&mut self) {
        let user: std::collections::HashSet<String> = self
            .resources
            .iter()
            .filter(|r| !r.built_in)
            .flat_map(|r| r.odata_types.iter().cloned())
            .collect();
        self.resources
            .retain(|r| !r.built_in || !r.odata_types.iter().any(|t| user.contains(t)));
    }

    fn index_routes(&mut self) {
        let mut routes: HashMap<(String, usize), Vec<(usize, usize)>> = HashMap::new();
        for (ri, r) in self.resources.iter().enumerate() {
            for (oi, o) in r.operations.iter().enumerate() {
                routes
                    .entry((o.method.clone(), o.segment_count()))
                    .or_default()
                    .push((ri, oi));
            }
        }
        self.routes = routes;
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// A resource by name: exact; else the one whose name matches ignoring case; else the one
    /// whose unqualified name (`user` for `microsoft.graph.user`) matches, when only one does.
    pub fn resource(&self, name: &str) -> Option<&Resource> {
        let unique = |pred: &dyn Fn(&Resource) -> bool| {
            let mut it = self.resources.iter().filter(|r| pred(r));
            match (it.next(), it.next()) {
                (Some(r), None) => Some(r),
                _ => None,
            }
        };
        self.resources
            .iter()
            .find(|r| r.name == name)
            .or_else(|| unique(&|r| r.name.eq_ignore_ascii_case(name)))
            .or_else(|| unique(&|r| r.short_name() == name))
            .or_else(|| unique(&|r| r.short_name().eq_ignore_ascii_case(name)))
    }

    /// Resources whose unqualified name is `name` (to explain an ambiguous `--resource`).
    pub fn resources_named(&self, name: &str) -> Vec<&str> {
        self.resources
            .iter()
            .filter(|r| r.short_name().eq_ignore_ascii_case(name))
            .map(|r| r.name.as_str())
            .collect()
    }

    pub fn names(&self) -> Vec<&str> {
        self.resources.iter().map(|r| r.name.as_str()).collect()
    }

    /// The resource an exact `@odata.type` value names.
    pub fn by_exact_odata_type(&self, odata_type: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.odata_types.iter().any(|t| t == odata_type))
    }

    /// The operation that `method` and `url` name, with its resource.
    pub fn operation(&self, method: &str, url: &str) -> Option<(&Resource, &Operation)> {
        let path = operation::request_path(url);
        let key = (
            method.to_ascii_uppercase(),
            path.split('/').filter(|s| !s.is_empty()).count(),
        );
        self.routes.get(&key)?.iter().find_map(|&(ri, oi)| {
            let r = &self.resources[ri];
            let o = &r.operations[oi];
            o.matches(method, url).then_some((r, o))
        })
    }
}

fn parse_operations(file: &CatalogFile, name: &str) -> Result<OperationsFile, CatalogError> {
    let ops: OperationsFile = serde_json::from_str(&file.text)
        .map_err(|e| err(&file.origin, format!("not a valid operations file: {e}")))?;
    if ops.resource != name {
        return Err(err(
            &file.origin,
            format!(
                "`resource` is `{}` but the file is named for `{name}`",
                ops.resource
            ),
        ));
    }
    Ok(ops)
}

/// The `@odata.type` values a schema fixes: `const` or `enum` of `properties/@odata.type`.
fn odata_types_of(schema: &Value) -> Vec<String> {
    let Some(t) = schema.pointer("/properties/@odata.type") else {
        return Vec::new();
    };
    if let Some(c) = t.get("const").and_then(Value::as_str) {
        return vec![c.to_string()];
    }
    t.get("enum")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn read_dir(dir: &Path) -> Result<Folder, CatalogError> {
    let shown = dir.display().to_string();
    let entries =
        std::fs::read_dir(dir).map_err(|e| err(&shown, format!("cannot read the folder: {e}")))?;
    let mut folder = Folder::default();
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| err(&shown, e.to_string()))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    let mut indexed = std::collections::HashSet::new();
    if names.iter().any(|n| n == index::INDEX_FILE) {
        let (resources, files) = read_index(dir)?;
        folder.imported = resources;
        indexed = files;
    }
    for name in names {
        let path = dir.join(&name);
        if !name.ends_with(".json")
            || name == index::INDEX_FILE
            || indexed.contains(&name)
            || !path.is_file()
        {
            continue;
        }
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| err(&origin, format!("cannot read: {e}")))?;
        let file = CatalogFile {
            name,
            origin,
            text,
            built_in: false,
        };
        if file.name.ends_with(".overlay.json") {
            folder.overlays.push(file);
        } else {
            folder.files.push(file);
        }
    }
    Ok(folder)
}

/// An imported catalog's index: its resources, with schemas left on disk until first used, and
/// the schema file names it lists.
fn read_index(
    dir: &Path,
) -> Result<(Vec<Resource>, std::collections::HashSet<String>), CatalogError> {
    let path = dir.join(index::INDEX_FILE);
    let origin = path.display().to_string();
    let text =
        std::fs::read_to_string(&path).map_err(|e| err(&origin, format!("cannot read: {e}")))?;
    let idx: index::Index = serde_json::from_str(&text)
        .map_err(|e| err(&origin, format!("not a valid catalog index: {e}")))?;
    if idx.format != index::INDEX_FORMAT {
        return Err(err(
            &origin,
            format!(
                "`format` is `{}`; this paylint reads `{}` (import the catalog again)",
                idx.format,
                index::INDEX_FORMAT
            ),
        ));
    }
    let mut resources = Vec::with_capacity(idx.resources.len());
    let mut files = std::collections::HashSet::new();
    for entry in idx.resources {
        let file = &entry.schema;
        if file.contains(['/', '\\']) || !file.ends_with(".schema.json") {
            return Err(err(
                &origin,
                format!(
                    "resource `{}`: schema `{file}` must be a NAME.schema.json file in the \
                     catalog folder",
                    entry.name
                ),
            ));
        }
        files.insert(file.clone());
        let mut ops = Vec::with_capacity(entry.operations.len());
        for spec in entry.operations {
            ops.push(
                Operation::from_spec(spec)
                    .map_err(|m| err(&origin, format!("resource `{}`: {m}", entry.name)))?,
            );
        }
        let schema_path = dir.join(file);
        resources.push(Resource::new(
            entry.name,
            schema_path.display().to_string(),
            entry.odata_types,
            entry.base_types,
            ops,
            false,
            LazySchema::File {
                path: schema_path,
                cell: OnceLock::new(),
            },
        ));
    }
    Ok((resources, files))
}

/// Draft 2020-12, valid against its metaschema, and no `$ref` that leaves the document.
fn check_schema(origin: &str, schema: &Value) -> Result<(), CatalogError> {
    if !schema.is_object() {
        return Err(err(origin, "a schema must be a JSON object"));
    }
    match schema.get("$schema").and_then(Value::as_str) {
        Some(DRAFT_2020_12) => {}
        Some(other) => {
            return Err(err(
                origin,
                format!("`$schema` is `{other}`; paylint reads draft 2020-12 (`{DRAFT_2020_12}`)"),
            ))
        }
        None => {
            return Err(err(
                origin,
                format!("`$schema` is missing; set it to `{DRAFT_2020_12}`"),
            ))
        }
    }
    if let Some(reference) = external_ref(schema) {
        return Err(err(
            origin,
            format!(
                "`$ref: {reference}` points outside this schema; paylint never fetches references \
                 (no network, no files): use `#/$defs/...`"
            ),
        ));
    }
    if let Err(e) = jsonschema::meta::validate(schema) {
        return Err(err(
            origin,
            format!(
                "does not conform to the draft 2020-12 metaschema at `{}`: {e}",
                e.instance_path()
            ),
        ));
    }
    Ok(())
}

/// The first `$ref` or `$dynamicRef` that leaves the document. Values of `const`, `enum`,
/// `default` and `examples` are data, not schemas; but under `properties` (and the other
/// keywords whose members are schemas) those words are property names and are searched.
fn external_ref(v: &Value) -> Option<String> {
    external_ref_in(v, false)
}

fn external_ref_in(v: &Value, members_are_schemas: bool) -> Option<String> {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if !members_are_schemas && matches!(k.as_str(), "$ref" | "$dynamicRef") {
                    if let Some(r) = v.as_str() {
                        if !r.starts_with('#') {
                            return Some(r.to_string());
                        }
                    }
                }
                let data = matches!(k.as_str(), "const" | "enum" | "examples" | "default");
                if members_are_schemas || !data {
                    let children_are_schemas = !members_are_schemas
                        && matches!(
                            k.as_str(),
                            "properties"
                                | "patternProperties"
                                | "$defs"
                                | "definitions"
                                | "dependentSchemas"
                        );
                    if let Some(r) = external_ref_in(v, children_are_schemas) {
                        return Some(r);
                    }
                }
            }
            None
        }
        Value::Array(items) => items.iter().find_map(|i| external_ref_in(i, false)),
        _ => None,
    }
}

/// Where a payload was sent: what the input format knows about it.
#[derive(Debug, Clone, Default)]
pub struct Exchange<'a> {
    pub direction: Option<Direction>,
    pub operation: Option<&'a Operation>,
    pub status: Option<u16>,
    /// The properties a response was asked to carry (`$select` of the request it answers).
    pub select: Option<Vec<String>>,
}

/// Properties required at the top level of a body by `operations` (one operation, or all when
/// `operation` is given as None): the intersection over the candidate bodies. Operations or
/// statuses without a body (DELETE, 204) are not candidates.
fn compute_required(
    operations: &[Operation],
    direction: Option<Direction>,
    operation: Option<&Operation>,
    status: Option<u16>,
) -> Vec<String> {
    let request = |op: &Operation| op.request.clone();
    let responses = |op: &Operation| -> Vec<operation::BodySpec> {
        match status {
            Some(s) if operation.is_some() => op
                .responses
                .get(&s)
                .map(|b| b.clone().unwrap_or_default())
                .into_iter()
                .collect(),
            _ => op.responses.values().filter_map(Clone::clone).collect(),
        }
    };
    let ops: Vec<&Operation> = match operation {
        Some(op) => vec![op],
        None => operations.iter().collect(),
    };
    let mut bodies: Vec<operation::BodySpec> = Vec::new();
    for op in ops {
        if direction != Some(Direction::Response) {
            match request(op) {
                Some(b) => bodies.push(b),
                // An operation's request without a body spec requires nothing.
                None if operation.is_some() => bodies.push(Default::default()),
                None => {}
            }
        }
        if direction != Some(Direction::Request) {
            let rs = responses(op);
            if rs.is_empty() && operation.is_some() && status.is_some() {
                bodies.push(Default::default());
            }
            bodies.extend(rs);
        }
    }
    let mut out: Vec<String> = Vec::new();
    if let Some((first, rest)) = bodies.split_first() {
        for name in &first.required {
            if rest.iter().all(|b| b.required.contains(name)) {
                out.push(name.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn bare_index(direction: Option<Direction>) -> usize {
    match direction {
        None => 0,
        Some(Direction::Request) => 1,
        Some(Direction::Response) => 2,
    }
}

impl Resource {
    #[allow(clippy::too_many_arguments)]
    fn new(
        name: String,
        source: String,
        odata_types: Vec<String>,
        base_types: Vec<String>,
        operations: Vec<Operation>,
        built_in: bool,
        schema: LazySchema,
    ) -> Resource {
        Resource {
            name,
            source,
            odata_type: odata_types.first().cloned(),
            odata_types,
            base_types,
            operations,
            built_in,
            schema,
            validators: Mutex::new(HashMap::new()),
            read_only: OnceLock::new(),
            bare_required: OnceLock::new(),
            bare_validators: Default::default(),
        }
    }

    fn bare_required(&self, direction: Option<Direction>) -> &[String] {
        let all = self.bare_required.get_or_init(|| {
            [None, Some(Direction::Request), Some(Direction::Response)]
                .map(|direction| compute_required(&self.operations, direction, None, None))
        });
        &all[bare_index(direction)]
    }

    /// The name without its namespace: `user` for `microsoft.graph.user`.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// Does this type derive from the resource named `base`?
    pub fn derives_from(&self, base: &str) -> bool {
        self.base_types.iter().any(|b| b == base)
    }

    /// The schema, read and checked on first use for an imported catalog.
    pub fn load_schema(&self) -> Result<&Value, String> {
        match &self.schema {
            LazySchema::Loaded(v) => Ok(v),
            LazySchema::File { path, cell } => cell
                .get_or_init(|| {
                    let origin = path.display().to_string();
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| format!("bad catalog file {origin}: cannot read: {e}"))?;
                    let value: Value = serde_json::from_str(&text)
                        .map_err(|e| format!("bad catalog file {origin}: not valid JSON: {e}"))?;
                    check_schema(&origin, &value).map_err(|e| e.to_string())?;
                    Ok(value)
                })
                .as_ref()
                .map_err(Clone::clone),
        }
    }

    /// The schema, or `null` when it cannot be loaded (the validator reports why).
    pub fn schema(&self) -> &Value {
        static NONE: Value = Value::Null;
        self.load_schema().unwrap_or(&NONE)
    }

    /// Properties required at the top level of a body: what the exchange's operation requires
    /// for its direction (and status); without an operation, only what every operation of that
    /// direction requires (and without a direction, what both directions require). A response
    /// to a request with `$select` needs only what was selected.
    /// The validator for what `ex` requires.
    pub fn validator_for(
        &self,
        ex: &Exchange<'_>,
    ) -> Result<Arc<crate::instance::Validator>, String> {
        if ex.operation.is_none() && ex.select.is_none() {
            let i = bare_index(ex.direction);
            if let Some(v) = self.bare_validators[i].get() {
                return Ok(v.clone());
            }
            let v = self.validator(self.bare_required(ex.direction))?;
            return Ok(self.bare_validators[i].get_or_init(|| v).clone());
        }
        self.validator(&self.required(ex))
    }

    pub fn required(&self, ex: &Exchange<'_>) -> Vec<String> {
        let mut out = match ex.operation {
            None => self.bare_required(ex.direction).to_vec(),
            Some(op) => compute_required(&self.operations, ex.direction, Some(op), ex.status),
        };
        if let (Some(select), Some(Direction::Response)) = (&ex.select, ex.direction) {
            out.retain(|p| select.iter().any(|s| s == p));
        }
        out
    }

    /// The compiled validator for this schema with `extra_required` added at the top level.
    pub fn validator(
        &self,
        extra_required: &[String],
    ) -> Result<Arc<crate::instance::Validator>, String> {
        let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = cache.get(extra_required) {
            return Ok(v.clone());
        }
        let mut schema = self.load_schema()?.clone();
        // The draft is chosen below; without `$schema` the compiler does not build the
        // metaschema's registry on every run (a few milliseconds at start-up).
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("$schema");
        }
        if !extra_required.is_empty() {
            let obj = schema.as_object_mut().expect("checked at load");
            let mut req: Vec<Value> = obj
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for name in extra_required {
                if !req.iter().any(|r| r.as_str() == Some(name)) {
                    req.push(Value::String(name.clone()));
                }
            }
            obj.insert("required".into(), Value::Array(req));
        }
        let mut options = jsonschema::options_for::<crate::instance::Positioned>()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true);
        for &(name, _, _, check) in edm::FORMATS {
            options = options.with_format(name, check);
        }
        let validator = options
            .build(&schema)
            .map_err(|e| format!("cannot compile the schema: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(extra_required.to_vec(), validator.clone());
        Ok(validator)
    }

    /// The subschema that describes the instance at `pointer` (following `properties`,
    /// `items`, `prefixItems`, `additionalProperties` and local `$ref`s). Where a schema
    /// dispatches on `@odata.type` (a base type with derived types), the branch that `instance`
    /// (the body's root, when known) takes is followed.
    pub fn subschema_in(&self, pointer: &str, instance: Option<&Node>) -> Option<&Value> {
        let mut schema = self.dispatch(self.resolve(self.schema()), instance);
        if pointer.is_empty() {
            return Some(schema);
        }
        let mut node = instance;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = crate::pointer::unescape(raw);
            let next = if let Ok(i) = token.parse::<usize>() {
                node = node.and_then(|n| match &n.kind {
                    Kind::Array(items) => items.get(i),
                    _ => None,
                });
                schema
                    .get("prefixItems")
                    .and_then(|p| p.get(i))
                    .or_else(|| schema.get("items"))
            } else {
                node = node.and_then(|n| {
                    n.members()?
                        .iter()
                        .rev()
                        .find(|m| m.key == token)
                        .map(|m| &m.value)
                });
                schema
                    .get("properties")
                    .and_then(|p| p.get(token.as_ref()))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
            };
            schema = self.dispatch(self.resolve(next?), node);
        }
        Some(schema)
    }

    pub fn subschema(&self, pointer: &str) -> Option<&Value> {
        self.subschema_in(pointer, None)
    }

    fn resolve<'s>(&'s self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..16 {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(ptr) => match self.schema().pointer(ptr) {
                    Some(target) => schema = target,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    /// For a schema of the form `allOf: [{if: {properties: {"@odata.type": {enum}}}, then:
    /// {$ref}}...]` (what `catalog import` writes for a type with derived types), the `then` that
    /// the instance's `@odata.type` selects (no `@odata.type`: the branch that accepts absence).
    fn dispatch<'s>(&'s self, schema: &'s Value, instance: Option<&Node>) -> &'s Value {
        let Some(branches) = schema.get("allOf").and_then(Value::as_array) else {
            return schema;
        };
        let found = instance
            .and_then(|n| n.pointer("/@odata.type"))
            .map(|n| &n.kind);
        for b in branches {
            let (Some(cond), Some(then)) = (b.get("if"), b.get("then")) else {
                continue;
            };
            let Some(names) = cond
                .pointer("/properties/@odata.type/enum")
                .and_then(Value::as_array)
            else {
                continue;
            };
            let needs_type = cond
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == "@odata.type"));
            let takes = match found {
                Some(Kind::String(t)) => names.iter().any(|n| n.as_str() == Some(t.as_str())),
                Some(_) => false,
                None => !needs_type,
            };
            if takes {
                return self.resolve(then);
            }
        }
        schema
    }

    /// Property names the schema defines for the object at `pointer` (of `instance`).
    pub fn property_names_in(&self, pointer: &str, instance: Option<&Node>) -> Vec<String> {
        self.subschema_in(pointer, instance)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().filter(|k| !k.contains('@')).cloned().collect())
            .unwrap_or_default()
    }

    pub fn property_names(&self, pointer: &str) -> Vec<String> {
        self.property_names_in(pointer, None)
    }

    /// Top-level properties marked `"readOnly": true`.
    pub fn read_only(&self) -> &[String] {
        self.read_only.get_or_init(|| self.find_read_only())
    }

    fn find_read_only(&self) -> Vec<String> {
        self.subschema("")
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .filter(|(_, s)| self.resolve(s).get("readOnly") == Some(&Value::Bool(true)))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The JSON types the schema allows at `pointer` (`["string"]`), if it says.
    pub fn types_at(&self, pointer: &str) -> Vec<String> {
        self.types_in(pointer, None)
    }

    pub fn types_in(&self, pointer: &str, instance: Option<&Node>) -> Vec<String> {
        // A property written `{"type": "object", "$ref": ...}` says its type beside the `$ref`.
        let declared = pointer.rsplit_once('/').and_then(|(parent, last)| {
            let parent = self.subschema_in(parent, instance)?;
            let token = crate::pointer::unescape(last);
            let raw = if token.parse::<usize>().is_ok() {
                parent.get("items")
            } else {
                parent.get("properties")?.get(token.as_ref())
            };
            raw?.get("type")
        });
        match declared.or_else(|| self.subschema_in(pointer, instance)?.get("type")) {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> CatalogFile {
        CatalogFile {
            name: name.into(),
            origin: format!("test/{name}"),
            text: text.into(),
            built_in: false,
        }
    }

    #[test]
    fn builtin_catalog_loads_with_its_operation() {
        let cat = Catalog::load(&[]).unwrap();
        let r = cat.resource("ProvisionPolicyAssignmentItem").unwrap();
        assert_eq!(
            r.odata_type.as_deref(),
            Some("#microsoft.graph.ProvisionPolicyAssignmentItem")
        );
        assert_eq!(r.read_only(), vec!["id"]);
        assert_eq!(r.operations.len(), 1);
        assert!(cat.resource("provisionpolicyassignmentitem").is_some());
        let op = &r.operations[0];
        let req = |d, s| {
            r.required(&Exchange {
                direction: d,
                operation: Some(op),
                status: s,
                select: None,
            })
        };
        assert_eq!(req(Some(Direction::Request), None), vec!["groupId"]);
        assert_eq!(
            req(Some(Direction::Response), Some(200)),
            vec!["groupId", "id"]
        );
        assert!(req(Some(Direction::Response), Some(404)).is_empty());
        let bare = |d| {
            r.required(&Exchange {
                direction: d,
                operation: None,
                status: None,
                select: None,
            })
        };
        assert_eq!(bare(None), vec!["groupId"]);
        assert_eq!(bare(Some(Direction::Request)), vec!["groupId"]);
        assert_eq!(bare(Some(Direction::Response)), vec!["groupId", "id"]);
    }

    #[test]
    fn builtin_catalog_passes_the_load_checks() {
        // What a run skips for the embedded files: the metaschema, references, compiling.
        let files = EMBEDDED.iter().map(|(name, text)| CatalogFile {
            name: name.to_string(),
            origin: name.to_string(),
            text: text.to_string(),
            built_in: false,
        });
        let cat = Catalog::from_files(files).unwrap();
        assert!(!cat.resources().is_empty());
    }

    #[test]
    fn bad_schemas_are_refused_naming_the_file() {
        let cases = [
            (
                r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "nope"}"#,
                "metaschema",
            ),
            (r#"{"type": "object"}"#, "`$schema` is missing"),
            (
                r#"{"$schema": "http://json-schema.org/draft-04/schema#"}"#,
                "draft 2020-12",
            ),
            (
                r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "http://127.0.0.1:9/x.json"}"#,
                "never fetches",
            ),
            (
                r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"a": {"$ref": "other.json#/a"}}}"#,
                "never fetches",
            ),
            (
                r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"default": {"$ref": "http://127.0.0.1:9/y.json"}}}"#,
                "never fetches",
            ),
            (
                r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"enum": {"items": {"$ref": "file:///etc/passwd"}}}}"#,
                "never fetches",
            ),
            ("{", "not valid JSON"),
        ];
        for (text, needle) in cases {
            let e = Catalog::from_files(std::iter::once(file("X.schema.json", text))).unwrap_err();
            assert_eq!(e.file, "test/X.schema.json");
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
        // `$ref` inside data (`const`, `enum`) or as a property name is not a reference.
        let data = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"$ref": {"const": {"$ref": "http://x"}}, "k": {"enum": [{"$ref": "http://y"}]}}}"#;
        assert!(Catalog::from_files(std::iter::once(file("D.schema.json", data))).is_ok());
        let e = Catalog::from_files(std::iter::once(file("notes.json", "{}"))).unwrap_err();
        assert!(e.message.contains("NAME.schema.json"));
    }
}
