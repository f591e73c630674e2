//! The index of an imported catalog (`paylint-catalog.json`): every resource's name, OData type
//! names, base types and operations, and the schema file that describes it. The index is read
//! at start-up; a schema file is read, checked and compiled only when its resource is first used.

use crate::catalog::operation::OperationSpec;
use serde::{Deserialize, Serialize};

/// The file name of the index in a catalog folder.
pub const INDEX_FILE: &str = "paylint-catalog.json";

/// The value of `format` in an index this version reads.
pub const INDEX_FORMAT: &str = "paylint-catalog/1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Always [`INDEX_FORMAT`].
    pub format: String,
    /// What the catalog was imported from (a file name, for messages).
    pub source: String,
    /// Sorted by name.
    pub resources: Vec<IndexEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IndexEntry {
    /// Namespace-qualified type name: `microsoft.graph.user`.
    pub name: String,
    /// `entity` or `complex`.
    pub kind: String,
    /// The `@odata.type` values that name this type: namespace-qualified first, then
    /// alias-qualified (`#microsoft.graph.user`, `#graph.user`).
    pub odata_types: Vec<String>,
    /// Qualified names of the base types, nearest first.
    #[serde(default)]
    pub base_types: Vec<String>,
    #[serde(default)]
    pub r#abstract: bool,
    #[serde(default)]
    pub open: bool,
    /// The schema file, relative to the catalog folder: `microsoft.graph.user.schema.json`.
    pub schema: String,
    #[serde(default)]
    pub operations: Vec<OperationSpec>,
}
