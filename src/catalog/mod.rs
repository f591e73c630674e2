//! The catalog: one JSON Schema per resource (`NAME.schema.json`) and its operations
//! (`NAME.operations.json`), embedded from `schemas/` and extended or overridden by `--schemas DIR`.
//!
//! Every schema is checked against its metaschema and for references that would leave the
//! catalog when it is loaded; validators are compiled on first use, once per required-property
//! set, and shared.

pub mod index;
pub mod operation;

use crate::diagnostic::Direction;
pub use operation::Operation;
use operation::OperationsFile;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
}

pub struct Resource {
    pub name: String,
    /// Where the schema came from (`schemas/NAME.schema.json` or the `--schemas` path).
    pub source: String,
    pub schema: Value,
    /// The `const` of `properties/@odata.type`, when the schema fixes it.
    pub odata_type: Option<String>,
    pub operations: Vec<Operation>,
    validators: Mutex<HashMap<Vec<String>, Arc<jsonschema::Validator>>>,
    /// Worked out once at load: read-only top-level properties, and what a body without an
    /// operation requires (no direction, request, response).
    read_only: Vec<String>,
    bare_required: [Vec<String>; 3],
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

impl Catalog {
    /// The embedded catalog, then each of `dirs` in order; a later file replaces an earlier one
    /// of the same name.
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
        for dir in dirs {
            for file in read_dir(dir)? {
                files.insert(file.name.clone(), file);
            }
        }
        Self::from_files(files.into_values())
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
                operations.insert(name.to_string(), (file.origin, ops));
            } else {
                return Err(err(
                    &file.origin,
                    "catalog files are named NAME.schema.json or NAME.operations.json",
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
            let odata_type = schema
                .pointer("/properties/@odata.type/const")
                .and_then(Value::as_str)
                .map(str::to_string);
            let resource = Resource {
                name,
                source: origin,
                schema,
                odata_type,
                operations: ops,
                validators: Mutex::new(HashMap::new()),
                read_only: Vec::new(),
                bare_required: Default::default(),
            };
            let mut resource = resource;
            resource.read_only = resource.find_read_only();
            resource.bare_required = [None, Some(Direction::Request), Some(Direction::Response)]
                .map(|direction| {
                    resource.compute_required(Exchange {
                        direction,
                        operation: None,
                        status: None,
                    })
                });
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
        Ok(Catalog { resources })
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// A resource by name: exact, else the one whose name matches ignoring case.
    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.name == name).or_else(|| {
            let mut it = self
                .resources
                .iter()
                .filter(|r| r.name.eq_ignore_ascii_case(name));
            match (it.next(), it.next()) {
                (Some(r), None) => Some(r),
                _ => None,
            }
        })
    }

    pub fn names(&self) -> Vec<&str> {
        self.resources.iter().map(|r| r.name.as_str()).collect()
    }

    /// The operation that `method` and `url` name, with its resource.
    pub fn operation(&self, method: &str, url: &str) -> Option<(&Resource, &Operation)> {
        self.resources
            .iter()
            .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
            .find(|(_, o)| o.matches(method, url))
    }
}

fn read_dir(dir: &Path) -> Result<Vec<CatalogFile>, CatalogError> {
    let shown = dir.display().to_string();
    let entries =
        std::fs::read_dir(dir).map_err(|e| err(&shown, format!("cannot read the folder: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| err(&shown, e.to_string()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !name.ends_with(".json") || !path.is_file() {
            continue;
        }
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| err(&origin, format!("cannot read: {e}")))?;
        files.push(CatalogFile {
            name,
            origin,
            text,
            built_in: false,
        });
    }
    Ok(files)
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

fn external_ref(v: &Value) -> Option<String> {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if matches!(k.as_str(), "$ref" | "$dynamicRef") {
                    if let Some(r) = v.as_str() {
                        if !r.starts_with('#') {
                            return Some(r.to_string());
                        }
                    }
                }
                if k != "const" && k != "enum" && k != "examples" && k != "default" {
                    if let Some(r) = external_ref(v) {
                        return Some(r);
                    }
                }
            }
            None
        }
        Value::Array(items) => items.iter().find_map(external_ref),
        _ => None,
    }
}

/// Where a payload was sent: what the input format knows about it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exchange<'a> {
    pub direction: Option<Direction>,
    pub operation: Option<&'a Operation>,
    pub status: Option<u16>,
}

impl Resource {
    /// Properties required at the top level of a body: the schema's own `required` plus what the
    /// exchange adds. Without an operation, only what every operation of that direction requires
    /// (and without a direction, what both directions require).
    pub fn required(&self, ex: Exchange<'_>) -> Vec<String> {
        if ex.operation.is_none() {
            let i = match ex.direction {
                None => 0,
                Some(Direction::Request) => 1,
                Some(Direction::Response) => 2,
            };
            return self.bare_required[i].clone();
        }
        self.compute_required(ex)
    }

    fn compute_required(&self, ex: Exchange<'_>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let bodies: Vec<Option<&operation::BodySpec>> = match (ex.operation, ex.direction) {
            (Some(op), Some(Direction::Request)) => vec![op.request.as_ref()],
            (Some(op), Some(Direction::Response)) => match ex.status {
                Some(s) => vec![op.responses.get(&s).and_then(Option::as_ref)],
                None => op
                    .responses
                    .values()
                    .filter_map(Option::as_ref)
                    .map(Some)
                    .collect(),
            },
            (Some(op), None) => std::iter::once(op.request.as_ref())
                .chain(op.responses.values().filter_map(Option::as_ref).map(Some))
                .collect(),
            (None, dir) => self
                .operations
                .iter()
                .flat_map(|op| {
                    let req = (dir != Some(Direction::Response)).then_some(op.request.as_ref());
                    let resp = op
                        .responses
                        .values()
                        .filter_map(Option::as_ref)
                        .map(Some)
                        .filter(move |_| dir != Some(Direction::Request));
                    req.into_iter().chain(resp)
                })
                .collect(),
        };
        // Intersection: a property is required only if every candidate body requires it.
        if let Some((first, rest)) = bodies.split_first() {
            for name in first.map(|b| b.required.as_slice()).unwrap_or(&[]) {
                if rest
                    .iter()
                    .all(|b| b.is_some_and(|b| b.required.contains(name)))
                {
                    out.push(name.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The compiled validator for this schema with `extra_required` added at the top level.
    pub fn validator(
        &self,
        extra_required: &[String],
    ) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = cache.get(extra_required) {
            return Ok(v.clone());
        }
        let mut schema = self.schema.clone();
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
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| format!("cannot compile the schema: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(extra_required.to_vec(), validator.clone());
        Ok(validator)
    }

    /// The subschema that describes the instance at `pointer` (following `properties`,
    /// `items`, `prefixItems`, `additionalProperties` and local `$ref`s).
    pub fn subschema(&self, pointer: &str) -> Option<&Value> {
        let mut schema = self.resolve(&self.schema);
        if pointer.is_empty() {
            return Some(schema);
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = crate::json::unescape_token(raw);
            let next = if let Ok(i) = token.parse::<usize>() {
                schema
                    .get("prefixItems")
                    .and_then(|p| p.get(i))
                    .or_else(|| schema.get("items"))
            } else {
                schema
                    .get("properties")
                    .and_then(|p| p.get(token.as_ref()))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
            };
            schema = self.resolve(next?);
        }
        Some(schema)
    }

    fn resolve<'s>(&'s self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..16 {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(ptr) => match self.schema.pointer(ptr) {
                    Some(target) => schema = target,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    /// Property names the schema defines for the object at `pointer`.
    pub fn property_names(&self, pointer: &str) -> Vec<String> {
        self.subschema(pointer)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().filter(|k| !k.contains('@')).cloned().collect())
            .unwrap_or_default()
    }

    /// Top-level properties marked `"readOnly": true`.
    pub fn read_only(&self) -> &[String] {
        &self.read_only
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
        match self.subschema(pointer).and_then(|s| s.get("type")) {
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
            r.required(Exchange {
                direction: d,
                operation: Some(op),
                status: s,
            })
        };
        assert_eq!(req(Some(Direction::Request), None), vec!["groupId"]);
        assert_eq!(
            req(Some(Direction::Response), Some(200)),
            vec!["groupId", "id"]
        );
        assert!(req(Some(Direction::Response), Some(404)).is_empty());
        let bare = |d| {
            r.required(Exchange {
                direction: d,
                operation: None,
                status: None,
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
            ("{", "not valid JSON"),
        ];
        for (text, needle) in cases {
            let e = Catalog::from_files(std::iter::once(file("X.schema.json", text))).unwrap_err();
            assert_eq!(e.file, "test/X.schema.json");
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
        let e = Catalog::from_files(std::iter::once(file("notes.json", "{}"))).unwrap_err();
        assert!(e.message.contains("NAME.schema.json"));
    }
}
