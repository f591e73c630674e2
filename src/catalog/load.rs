//! Reading catalog folders: hand-written files (`NAME.schema.json`, `NAME.operations.json`,
//! `NAME.overlay.json`), an imported catalog's index, and the checks every file from outside the
//! binary gets (draft 2020-12, its metaschema, no `$ref` leaving the document).

use super::bundle::Table;
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
