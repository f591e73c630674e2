//! `paylint catalog import`: an OData metadata document becomes a catalog folder.
//!
//! The document is read by [`crate::odata`] as a compiler reads its input (UTF-8, UTF-8 with a
//! byte order mark or UTF-16; every name resolved and validated; errors placed at their line and
//! column, with hints), then [`mapping`](super::mapping) writes one draft 2020-12 JSON Schema per
//! entity and complex type (`Namespace.Name.schema.json`) and [`paths`](super::paths) the
//! operations of each, listed in the index (`paylint-catalog.json`) with every resource's
//! `@odata.type` names and base type.
//!
//! The mapping is the contract with the checker (README, "How CSDL maps to schemas"); the
//! checker reads each resource's schema as [`bundle`](super::bundle) assembles it from the
//! files:
//!
//! - a type's schema has its *shape* at the root: `properties` (`@odata.type`, then the
//!   structural properties of the type and its bases, then the navigation properties),
//!   `patternProperties: {"@": {}}` (control information and annotations are always allowed) and
//!   `additionalProperties: false` unless the type or a base is open. No `required`: what is
//!   required comes from the operations.
//! - `$defs` holds what the structural properties reach, transitively: for a type `X` without
//!   derived types its shape; for one with derived types a *dispatcher* on `@odata.type` whose
//!   branches `$ref` the shapes `exact:X` and `exact:D` of each concrete descendant `D`. Shapes in
//!   `$defs` carry no `type` (the property that uses them says `object`, or `[object, null]`).
//! - operations: for each entity set and singleton, and down contained navigation properties.
//!
//! The files themselves hold each thing once (see [`mapping`](super::mapping)): their size is in
//! proportion to the document. The folder is written atomically ([`folder`](super::folder)).

use super::bundle::{self, Files, Table};
use super::folder::Staging;
use super::index::{Definition, Index, INDEX_FILE, INDEX_FORMAT};
use super::mapping::{self, BadName, Mapper, MAX_INLINE_MEMBERS};
use super::paths::Operations;
use super::CatalogError;
use crate::odata::build::Options;
use crate::odata::cache::{self, LoadError, Loaded, Placed};
use crate::odata::model::{Kind, Model};
use serde_json::Value;
use std::path::Path;

pub use super::paths::MAX_PATH_SEGMENTS;

/// An imported catalog in memory.
#[derive(Debug)]
pub struct Imported {
    pub index: Index,
    /// (file name, schema) of every type and shared definition, sorted by file name.
    pub schemas: Vec<(String, Value)>,
    pub stats: ImportStats,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub entity_types: usize,
    pub complex_types: usize,
    pub enum_types: usize,
    pub operations: usize,
    /// Set when written: the bytes of every file written (schemas and index).
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
    /// Names that resolve to nothing are warnings (their values accept anything), not errors.
    pub allow_unresolved: bool,
}

/// What an import wrote, and what the document was warned about.
#[derive(Debug)]
pub struct Report {
    pub stats: ImportStats,
    pub warnings: Vec<Placed>,
    /// Containment was followed only so far, to keep the catalog in proportion to the
    /// document.
    pub truncated: bool,
}

/// Why an import did not happen. Nothing was written, and an earlier catalog is as it was.
#[derive(Debug)]
pub enum ImportError {
    /// The document could not be read, decoded or compiled.
    Metadata(LoadError),
    /// A name that cannot be a file name (the compiler refuses these first).
    Name(BadName),
    /// The output folder could not be used or written.
    Output(String),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Metadata(e) => write!(f, "{e}"),
            ImportError::Name(e) => write!(f, "{e}"),
            ImportError::Output(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<LoadError> for ImportError {
    fn from(e: LoadError) -> Self {
        ImportError::Metadata(e)
    }
}

impl From<BadName> for ImportError {
    fn from(e: BadName) -> Self {
        ImportError::Name(e)
    }
}

/// Reads the metadata at `path` (at most [`cache::MAX_DOCUMENT`] bytes), decodes and compiles
/// it.
pub fn read_metadata(path: &Path, options: &ImportOptions) -> Result<Loaded, LoadError> {
    use std::io::Read;
    let read_error = |e| LoadError::Read(path.to_path_buf(), e);
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(cache::MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > cache::MAX_DOCUMENT {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size: std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len()),
        });
    }
    let text = cache::decode(path, bytes)?;
    let compile = Options {
        allow_unresolved: options.allow_unresolved,
        ..Options::default()
    };
    cache::compile(path, &text, &compile)
}

/// Compiles a document's text and maps it, in memory. `source` names the document.
pub fn import(text: &str, source: &str) -> Result<Imported, ImportError> {
    import_with(text, source, ImportOptions::default())
}

/// [`import`] with options.
pub fn import_with(
    text: &str,
    source: &str,
    options: ImportOptions,
) -> Result<Imported, ImportError> {
    let compile = Options {
        allow_unresolved: options.allow_unresolved,
        ..Options::default()
    };
    let loaded = cache::compile(Path::new(source), text, &compile)?;
    from_model(&loaded.model, source, options)
}

/// Maps a compiled model, in memory.
pub fn from_model(
    model: &Model,
    source: &str,
    options: ImportOptions,
) -> Result<Imported, ImportError> {
    let mut schemas = Vec::with_capacity(model.types.len());
    let (index, stats, _) = map(model, source, options, &mut |file, schema| {
        schemas.push((file.to_string(), schema));
        Ok(())
    })?;
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Imported {
        index,
        schemas,
        stats,
    })
}

/// Reads the metadata at `metadata` and writes its catalog into `out`: built in a temporary
/// folder beside `out`, then swapped in (see [`super::folder`]). Memory holds the model and one
/// schema at a time.
pub fn import_into(
    metadata: &Path,
    out: &Path,
    options: ImportOptions,
) -> Result<Report, ImportError> {
    let loaded = read_metadata(metadata, &options)?;
    let source = metadata.display().to_string();
    let (stats, truncated) = write_model(&loaded.model, &source, out, options)?;
    Ok(Report {
        stats,
        warnings: loaded.warnings,
        truncated,
    })
}

/// Maps a compiled model and writes its catalog into `out`, as [`import_into`] does. Returns
/// the counts and whether containment was cut short.
pub fn write_model(
    model: &Model,
    source: &str,
    out: &Path,
    options: ImportOptions,
) -> Result<(ImportStats, bool), ImportError> {
    let mut staging = Staging::new(out).map_err(ImportError::Output)?;
    let mut bytes = 0u64;
    let (index, stats, truncated) = map(model, source, options, &mut |file, schema| {
        bytes += staging.write(file, &schema, true)?;
        Ok(())
    })?;
    // The index is read by every run that uses the catalog: written compact.
    bytes += staging
        .write(INDEX_FILE, &index, false)
        .map_err(ImportError::Output)?;
    staging.commit().map_err(ImportError::Output)?;
    let stats = ImportStats {
        bytes_written: bytes,
        ..stats
    };
    Ok((stats, truncated))
}

/// Maps `model`, giving each (file name, schema) to `sink` as it is made: the types in name
/// order, then the shared definitions. Returns the index, the counts, and whether containment
/// was cut short.
fn map(
    model: &Model,
    source: &str,
    options: ImportOptions,
    sink: &mut dyn FnMut(&str, Value) -> Result<(), String>,
) -> Result<(Index, ImportStats, bool), ImportError> {
    let mapper = Mapper::new(model);
    let mut ops = Operations::new(model, options.strict_responses);
    ops.build();
    let operations = ops.count();
    let truncated = ops.truncated;
    let mut by_resource = std::mem::take(&mut ops.by_resource);
    let mut resources = Vec::with_capacity(model.types.len());
    for (i, t) in model.types.iter().enumerate() {
        let file = mapping::schema_file(&t.name, t.short_at as usize)?;
        sink(&file, mapper.schema(i as u32)).map_err(ImportError::Output)?;
        let mut entry = mapper.entry(i as u32, file);
        entry.operations = by_resource
            .remove(&(i as u32))
            .map(|m| m.into_values().collect())
            .unwrap_or_default();
        resources.push(entry);
    }
    let mut definitions = Vec::new();
    for e in &model.enums {
        if e.members.len() > MAX_INLINE_MEMBERS {
            let short_at = e.name.rfind('.').map_or(0, |i| i + 1);
            let file = mapping::schema_file(&e.name, short_at)?;
            sink(&file, mapping::enum_schema(e)).map_err(ImportError::Output)?;
            definitions.push(Definition {
                name: e.name.clone(),
                schema: file,
            });
        }
    }
    let count = |k: Kind| model.types.iter().filter(|t| t.kind == k).count();
    Ok((
        Index {
            format: INDEX_FORMAT.to_string(),
            source: source.to_string(),
            resources,
            definitions,
        },
        ImportStats {
            entity_types: count(Kind::Entity),
            complex_types: count(Kind::Complex),
            enum_types: model.enums.len(),
            operations,
            bytes_written: 0,
        },
        truncated,
    ))
}

/// Writes an imported catalog into `out` as [`import_into`] does (atomically, beside `out`).
pub fn write(imported: &Imported, out: &Path) -> Result<ImportStats, String> {
    let mut staging = Staging::new(out)?;
    let mut bytes = 0;
    for (file, schema) in &imported.schemas {
        bytes += staging.write(file, schema, true)?;
    }
    bytes += staging.write(INDEX_FILE, &imported.index, false)?;
    staging.commit()?;
    Ok(ImportStats {
        bytes_written: bytes,
        ..imported.stats
    })
}

impl Imported {
    /// The schema of `name` as the checker reads it (what [`bundle`] assembles from the files).
    pub fn bundle(&self, name: &str) -> Result<Value, CatalogError> {
        let files = InMemory::new(self)?;
        let slot = files
            .table
            .slot(name)
            .ok_or_else(|| super::err(name, "no such resource"))?;
        bundle::bundle(&files, slot)
    }

    /// Every resource's bundle, by resource name.
    pub fn bundles(&self) -> Result<Vec<(String, Value)>, CatalogError> {
        let files = InMemory::new(self)?;
        (0..files.table.len())
            .map(|slot| {
                Ok((
                    files.table.ty(slot).name.clone(),
                    bundle::bundle(&files, slot)?,
                ))
            })
            .collect()
    }
}

/// The files of an [`Imported`] catalog, for the bundler.
struct InMemory<'i> {
    table: Table,
    files: Vec<&'i Value>,
}

impl<'i> InMemory<'i> {
    fn new(imported: &'i Imported) -> Result<Self, CatalogError> {
        let table = Table::new(&imported.index, INDEX_FILE)?;
        let files = (0..table.slots())
            .map(|slot| {
                let name = table.file_name(slot);
                imported
                    .schemas
                    .binary_search_by(|(f, _)| f.as_str().cmp(name))
                    .map(|i| &imported.schemas[i].1)
                    .map_err(|_| super::err(name, "no such file"))
            })
            .collect::<Result<_, _>>()?;
        Ok(InMemory { table, files })
    }
}

impl Files for InMemory<'_> {
    fn table(&self) -> &Table {
        &self.table
    }

    fn file(&self, slot: usize) -> Result<&Value, CatalogError> {
        Ok(self.files[slot])
    }

    fn origin(&self, slot: usize) -> String {
        self.table.file_name(slot).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundle::DRAFT_2020_12;
    use crate::catalog::index::IndexEntry;
    use crate::catalog::mapping::regex_escape;
    use crate::catalog::operation::OperationSpec;
    use crate::catalog::paths::segments;
    use serde_json::json;

    const FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/csdl/fixture.xml"
    ));

    fn fixture() -> Imported {
        import(FIXTURE, "fixture.xml").unwrap()
    }

    /// A resource's schema as the checker reads it: assembled from the files.
    fn schema(imp: &Imported, name: &str) -> Value {
        imp.bundle(name)
            .unwrap_or_else(|e| panic!("no bundle of {name}: {e}"))
    }

    /// A type's file as written.
    fn file<'a>(imp: &'a Imported, name: &str) -> &'a Value {
        let file = format!("{name}.schema.json");
        &imp.schemas
            .iter()
            .find(|(f, _)| *f == file)
            .unwrap_or_else(|| panic!("no {file}"))
            .1
    }

    /// The base types of a resource, nearest first, from the index.
    fn base_types(imp: &Imported, e: &IndexEntry) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = e.base.clone();
        while let Some(b) = cur {
            cur = entry(imp, &b).base.clone();
            out.push(b);
        }
        out
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
            base_types(&imp, user),
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
        let s = &schema(&imp, "microsoft.graph.provisioningPolicy");
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
        for (_, s) in &imp.bundles().unwrap() {
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
        let group = &schema(&imp, "microsoft.graph.group");
        assert_eq!(prop(group, "displayName")["type"], "string");
        assert_eq!(prop(group, "mailEnabled")["type"], "boolean");
    }

    #[test]
    fn primitive_types() {
        let imp = fixture();
        let s = &schema(&imp, "microsoft.graph.primitiveSample");
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
        let s = &schema(&imp, "microsoft.graph.provisioningPolicy");
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
        let user = &schema(&imp, "microsoft.graph.user");
        let group = &schema(&imp, "microsoft.graph.group");
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
        let alert = &schema(&imp, "microsoft.graph.security.alert");
        assert_eq!(prop(alert, "title")["readOnly"], true);
        assert_eq!(
            prop(alert, "severity"),
            &json!({"type": "string", "enum": ["low", "high"], "x-odata-enum": "microsoft.graph.security.alertSeverity"})
        );
    }

    #[test]
    fn derived_types_dispatch_on_odata_type() {
        let imp = fixture();
        let s = &schema(&imp, "microsoft.graph.provisioningPolicy");
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
        let alert = &schema(&imp, "microsoft.graph.security.alert");
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
        }
        for (name, s) in &imp.bundles().unwrap() {
            if let Err(e) = jsonschema::meta::validate(s) {
                panic!("{name}: {e} at {}", e.instance_path());
            }
            compile(s);
        }
    }

    #[test]
    fn schemas_accept_and_refuse_as_the_checker_expects() {
        let imp = fixture();
        let v = compile(&schema(&imp, "microsoft.graph.provisioningPolicy"));
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
        let p = compile(&schema(&imp, "microsoft.graph.primitiveSample"));
        assert!(p.is_valid(&json!({"aDate": "2024-02-29", "anInt64": "-12", "aDouble": "NaN", "aDecimal": "1.5e3",
                                   "aBinary": "aGVsbG8", "aDuration": "P1D", "aPoint": null, "aStream": 5})));
        assert!(!p.is_valid(&json!({"aDate": "2023-02-29"})));
        assert!(!p.is_valid(&json!({"anInt64": "1.5"})));
        assert!(!p.is_valid(&json!({"aByte": 256})));
        assert!(!p.is_valid(&json!({"aDouble": null})));
        // Open entity type.
        let u = compile(&schema(&imp, "microsoft.graph.user"));
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
        let imp = import_with(
            FIXTURE,
            "fixture.xml",
            ImportOptions {
                strict_responses: true,
                ..ImportOptions::default()
            },
        )
        .unwrap();
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
        // (The container is not named `c`: it would be declared twice, as the type `n.c`.)
        xml.push_str(r#"<EntityType Name="f" BaseType="n.root" /><EntityContainer Name="container"><EntitySet Name="as" EntityType="n.a" /></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"#);
        let imp = import(&xml, "x").unwrap();
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
        // The compiler's errors: the document, line and column, and what is wrong. (paylint
        // 0.1 said `line 4: ...` of a document cut short; the compiler says that it is cut
        // short, so the document here is whole.)
        let e = import(
            "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n<edmx:DataServices>\n<Schema Namespace=\"n\">\n<EntityType />\n</Schema></edmx:DataServices></edmx:Edmx>",
            "x",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("\n  x:4:1: error: entity type has no `Name`"),
            "{e}"
        );
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
        assert_eq!(&back, file(&imp, "microsoft.graph.user"));
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
        let imp2 = import(&smaller, "fixture.xml").unwrap();
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

    #[test]
    fn the_file_name_builder_takes_only_namespace_dot_name_of_identifiers() {
        use crate::catalog::mapping::schema_file;
        assert_eq!(
            schema_file("microsoft.graph.user", 16).unwrap(),
            "microsoft.graph.user.schema.json"
        );
        assert_eq!(
            schema_file("ns.Straße", 3).unwrap(),
            "ns.Straße.schema.json"
        );
        let long_ns = format!("{}.x", "n".repeat(600));
        let long_name = format!("ns.{}", "n".repeat(200));
        let long_file = format!("{}.x", ["abcdefghij"; 24].join("."));
        let cases: Vec<(&str, usize)> = vec![
            ("../../evil.x", 11),
            ("..x", 2),
            ("./victim.Foo", 9),
            ("/tmp/abs.Foo", 9),
            ("ns./victim/Foo", 3),
            ("ns...", 3),
            ("ns.", 3),
            ("x", 0),
            ("ns.a b", 3),
            ("ns.a\\b", 3),
            ("C:\\evil.Foo", 8),
            ("CON.Foo", 4),
            ("ns.Straße", 7),
            (&long_ns, long_ns.len() - 1),
            (&long_name, 3),
            (&long_file, long_file.len() - 1),
        ];
        for (name, short_at) in cases {
            assert!(
                schema_file(name, short_at).is_err(),
                "{name:?} at {short_at} was taken"
            );
        }
    }

    /// Names the compiler refuses never reach this far; if they did, nothing would be written
    /// anywhere, not even inside the output folder.
    #[test]
    fn a_model_with_hostile_names_writes_nothing() {
        let loaded = crate::odata::cache::compile(
            Path::new("fixture.xml"),
            FIXTURE,
            &crate::odata::build::Options::default(),
        )
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let parent = tmp.path().join("parent");
        std::fs::create_dir(&parent).unwrap();
        let out = parent.join("out");
        let before = files(tmp.path());
        let huge = "n".repeat(100_000);
        for (namespace, name) in [
            ("../../evil", "x"),
            (".", "victim"),
            ("/tmp", "abs"),
            ("ns", "/victim/Foo"),
            ("ns", ".."),
            ("ns", huge.as_str()),
            (huge.as_str(), "x"),
        ] {
            let mut model = loaded.model.clone();
            // The last type, so that the others are written first (into the temporary folder).
            let last = model.types.last_mut().unwrap();
            last.name = format!("{namespace}.{name}");
            last.short_at = namespace.len() as u32 + 1;
            let e = write_model(&model, "x", &out, ImportOptions::default()).unwrap_err();
            assert!(matches!(e, ImportError::Name(_)), "{e}");
            assert!(e.to_string().len() < 200, "{}", e.to_string().len());
            assert_eq!(files(tmp.path()), before);
            assert!(files(&parent).is_empty(), "{:?}", files(&parent));
        }
    }

    /// A broken file of an imported catalog is the catalog's error, naming the file, whichever
    /// resource needs it; it is read and checked once (a later use gets the same error even if
    /// the file is gone). A file referring outside the catalog is refused like a broken one.
    #[test]
    fn a_broken_file_is_the_catalogs_error_naming_it_read_once() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("catalog");
        write(&fixture(), &out).unwrap();
        let base = out.join("microsoft.graph.directoryObject.schema.json");
        std::fs::write(&base, "{ broken").unwrap();
        let cat = crate::catalog::Catalog::load(std::slice::from_ref(&out)).unwrap();
        let group = cat.resource("microsoft.graph.group").unwrap();
        let e = group.try_validator(&[]).unwrap_err();
        assert_eq!(e.file, base.display().to_string());
        assert!(
            e.message.contains("not valid JSON") && e.message.contains("import the catalog again"),
            "{e}"
        );
        std::fs::remove_file(&base).unwrap();
        let user = cat.resource("microsoft.graph.user").unwrap();
        assert_eq!(
            user.try_validator(&[]).unwrap_err().to_string(),
            e.to_string()
        );
        assert_eq!(group.validator(&[]).unwrap_err(), e.to_string());
        // What does not need the file is unaffected.
        cat.resource("microsoft.graph.keyValuePair")
            .unwrap()
            .try_validator(&[])
            .unwrap();

        for (reference, needle) in [
            ("http://127.0.0.1:9/x.json", "never fetches"),
            (
                "urn:paylint:schema:microsoft.graph.nothing",
                "never fetches",
            ),
            ("../victim.schema.json", "never fetches"),
        ] {
            let file = out.join("microsoft.graph.keyValuePair.schema.json");
            let mut v: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            v["$defs"]["members"]["properties"]["name"]["$ref"] = json!(reference);
            std::fs::write(&file, v.to_string()).unwrap();
            let cat = crate::catalog::Catalog::load(std::slice::from_ref(&out)).unwrap();
            let e = cat
                .resource("microsoft.graph.keyValuePair")
                .unwrap()
                .try_validator(&[])
                .unwrap_err();
            assert!(e.message.contains(needle), "{reference}: {e}");
            assert_eq!(e.file, file.display().to_string());
        }
    }

    /// What src/catalog/csdl.rs's own tests covered, through the compiler: an alias declared
    /// after its first use, and a qualified annotation (in some context only) not read.
    #[test]
    fn aliases_declared_later_resolve_and_qualified_annotations_are_not_read() {
        let late = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
            <Schema Namespace="a.b" Alias="ab"><ComplexType Name="x"><Property Name="y" Type="cd.z" /></ComplexType></Schema>
            <Schema Namespace="c.d" Alias="cd"><ComplexType Name="z"><Property Name="w" Type="Edm.String" /></ComplexType></Schema>
            </edmx:DataServices></edmx:Edmx>"#;
        let imp = import(late, "late.xml").unwrap();
        assert_eq!(
            schema(&imp, "a.b.x")["properties"]["y"]["$ref"],
            "#/$defs/c.d.z"
        );
        assert_eq!(entry(&imp, "c.d.z").odata_types, ["#c.d.z", "#cd.z"]);
        let id = &schema(&fixture(), "microsoft.graph.entity")["properties"]["id"];
        assert_eq!(id["description"], "The unique identifier of an entity.");
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
        let loaded = read_metadata(Path::new(&path), &ImportOptions::default()).unwrap();
        let read_time = started.elapsed();
        let imp = from_model(&loaded.model, &path, ImportOptions::default()).unwrap();
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
        let text = std::fs::read_to_string(path).unwrap();
        let started = std::time::Instant::now();
        let imp = import(&text, "graph-v1.0.csdl").unwrap();
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
        let s = &schema(&imp, "microsoft.graph.cloudPcProvisioningPolicyAssignment");
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
        }
        let mut largest = 0;
        for (_, s) in &imp.bundles().unwrap() {
            compile(s);
            fn properties(v: &Value) -> usize {
                match v {
                    Value::Object(m) => m
                        .iter()
                        .map(|(k, v)| match (k.as_str(), v) {
                            ("properties", Value::Object(p)) => {
                                p.len() + p.values().map(properties).sum::<usize>()
                            }
                            _ => properties(v),
                        })
                        .sum(),
                    Value::Array(a) => a.iter().map(properties).sum(),
                    _ => 0,
                }
            }
            largest = largest.max(properties(s));
        }
        eprintln!("Graph v1.0: the largest bundle has about {largest} property schemas");
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
