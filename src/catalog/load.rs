//! Reading catalog folders: hand-written files (`NAME.schema.json`, `NAME.operations.json`,
//! `NAME.overlay.json`), an imported catalog's index, and the checks every file from outside the
//! binary gets (draft 2020-12, its metaschema, no `$ref` leaving the document).

use super::bundle::{Table, DRAFT_2020_12};
use super::operation::{Operation, OperationsFile};
use super::resource::{LazySchema, Resource};
use super::store::Store;
use super::{err, index, CatalogError};
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// One catalog file before it is parsed.
pub(super) struct CatalogFile {
    pub(super) name: String,
    pub(super) origin: String,
    pub(super) text: String,
    /// Built into the binary: checked against the metaschema by the test suite when it was built
    /// (`builtin_catalog_passes_the_load_checks`), so not again on every run.
    pub(super) built_in: bool,
}

/// What one folder of the catalog holds.
#[derive(Default)]
pub(super) struct Folder {
    pub(super) files: Vec<CatalogFile>,
    pub(super) overlays: Vec<CatalogFile>,
    pub(super) imported: Vec<Resource>,
}

pub(super) fn parse_operations(
    file: &CatalogFile,
    name: &str,
) -> Result<OperationsFile, CatalogError> {
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
pub(super) fn odata_types_of(schema: &Value) -> Vec<String> {
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

pub(super) fn read_dir(dir: &Path) -> Result<Folder, CatalogError> {
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
/// the file names it lists (schemas and shared definitions).
fn read_index(
    dir: &Path,
) -> Result<(Vec<Resource>, std::collections::HashSet<String>), CatalogError> {
    let path = dir.join(index::INDEX_FILE);
    let origin = path.display().to_string();
    let text =
        std::fs::read_to_string(&path).map_err(|e| err(&origin, format!("cannot read: {e}")))?;
    match index::format_of(&text) {
        Some(f) if f == index::INDEX_FORMAT => {}
        Some(f) => {
            return Err(err(
                &origin,
                format!(
                    "`format` is `{f}`; this paylint reads `{}` (import the catalog again)",
                    index::INDEX_FORMAT
                ),
            ))
        }
        None => {}
    }
    let idx: index::Index = serde_json::from_str(&text)
        .map_err(|e| err(&origin, format!("not a valid catalog index: {e}")))?;
    let mut files = std::collections::HashSet::new();
    let listed = idx
        .resources
        .iter()
        .map(|r| (&r.name, &r.schema))
        .chain(idx.definitions.iter().map(|d| (&d.name, &d.schema)));
    for (name, file) in listed {
        if file.contains(['/', '\\']) || file.starts_with('.') || !file.ends_with(".schema.json") {
            return Err(err(
                &origin,
                format!(
                    "`{name}`: schema `{file}` must be a NAME.schema.json file in the catalog \
                     folder"
                ),
            ));
        }
        files.insert(file.clone());
    }
    let store = Arc::new(Store::new(dir.to_path_buf(), Table::new(&idx, &origin)?));
    let mut resources = Vec::with_capacity(idx.resources.len());
    for (slot, entry) in idx.resources.into_iter().enumerate() {
        let mut ops = Vec::with_capacity(entry.operations.len());
        for spec in entry.operations {
            ops.push(
                Operation::from_spec(spec)
                    .map_err(|m| err(&origin, format!("resource `{}`: {m}", entry.name)))?,
            );
        }
        resources.push(Resource::new(
            entry.name,
            dir.join(&entry.schema).display().to_string(),
            entry.odata_types,
            ops,
            false,
            LazySchema::Imported {
                store: store.clone(),
                slot,
                cell: OnceLock::new(),
            },
        ));
    }
    Ok((resources, files))
}

/// Draft 2020-12, valid against its metaschema, and no `$ref` that leaves the document.
pub(super) fn check_schema(origin: &str, schema: &Value) -> Result<(), CatalogError> {
    check_schema_with(origin, schema, &|_| false)
}

/// [`check_schema`], references for which `allowed` holds aside (an imported catalog's files
/// refer to each other).
pub(super) fn check_schema_with(
    origin: &str,
    schema: &Value,
    allowed: &dyn Fn(&str) -> bool,
) -> Result<(), CatalogError> {
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
    if let Some(reference) = external_ref(schema, allowed) {
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
fn external_ref(v: &Value, allowed: &dyn Fn(&str) -> bool) -> Option<String> {
    external_ref_in(v, false, allowed)
}

fn external_ref_in(
    v: &Value,
    members_are_schemas: bool,
    allowed: &dyn Fn(&str) -> bool,
) -> Option<String> {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if !members_are_schemas && matches!(k.as_str(), "$ref" | "$dynamicRef") {
                    if let Some(r) = v.as_str() {
                        if !r.starts_with('#') && !allowed(r) {
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
                    if let Some(r) = external_ref_in(v, children_are_schemas, allowed) {
                        return Some(r);
                    }
                }
            }
            None
        }
        Value::Array(items) => items
            .iter()
            .find_map(|i| external_ref_in(i, false, allowed)),
        _ => None,
    }
}
