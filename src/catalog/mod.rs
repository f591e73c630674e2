//! The catalog: one JSON Schema per resource (`NAME.schema.json`) and its operations
//! (`NAME.operations.json`), embedded from `schemas/` and extended or overridden by `--schemas DIR`.
//!
//! Every schema is checked against its metaschema and for references that would leave the
//! catalog when it is loaded; validators are compiled on first use, once per required-property
//! set, and shared.
//!
//! [`load`] reads folders, indexes and overlays; [`resource`] is one resource: its schema, its
//! validators and the walk of its subschemas that findings use for hints.

mod bundle;
pub mod edm;
mod folder;
pub mod import;
pub mod index;
mod load;
mod mapping;
mod names;
pub mod operation;
mod paths;
mod resource;
mod schema_check;
mod store;

use load::{odata_types_of, parse_operations, read_dir, CatalogFile};
pub use operation::Operation;
use operation::OperationsFile;
use resource::LazySchema;
pub use resource::{Exchange, Resource};
use schema_check::check_schema;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/embedded_catalog.rs"));

/// A catalog that cannot be used; names the file so the user can fix it.
#[derive(Debug, Clone)]
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

pub(crate) fn err(file: &str, message: impl Into<String>) -> CatalogError {
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
                ops,
                built_in,
                LazySchema::Loaded(schema),
            );
            // Compile a user's schema once, so an error surfaces at load naming the file. Built-in
            // ones were compiled by the test suite; they are compiled on first use only.
            if !built_in {
                resource.try_validator(&[])?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::direction::Direction;

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
