//! The index of an imported catalog (`paylint-catalog.json`): every resource's name, OData type
//! names, nearest base type and operations, the schema file that describes it, and the files of
//! shared definitions (enums with many members). The index is read at start-up; a schema file
//! is read, checked and compiled only when its resource is first used.

use crate::catalog::operation::OperationSpec;
use serde::{Deserialize, Serialize};

/// The file name of the index in a catalog folder.
pub const INDEX_FILE: &str = "paylint-catalog.json";

/// The value of `format` in an index this version reads. Format 1 (before schemas referred to
/// each other's files) listed every base type of a resource and is refused: import again.
pub const INDEX_FORMAT: &str = "paylint-catalog/2";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Always [`INDEX_FORMAT`].
    pub format: String,
    /// What the catalog was imported from (a file name, for messages).
    pub source: String,
    /// Sorted by name.
    pub resources: Vec<IndexEntry>,
    /// Schemas that several resources' properties refer to and that are no resource (enums
    /// too large to repeat in each property), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<Definition>,
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
    /// The qualified name of the base type (its own base is in its entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(default)]
    pub r#abstract: bool,
    #[serde(default)]
    pub open: bool,
    /// The schema file, relative to the catalog folder: `microsoft.graph.user.schema.json`.
    pub schema: String,
    #[serde(default)]
    pub operations: Vec<OperationSpec>,
}

/// A shared schema: its qualified name and file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub name: String,
    pub schema: String,
}

/// The `format` of an index's text, whatever else it holds (so an index of another format is
/// refused for its format, not for a field this version does not know).
pub fn format_of(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    serde_json::from_str::<Head>(text).ok().map(|h| h.format)
}

/// The files an index lists (resources' schemas and definitions), read leniently: what an
/// earlier import wrote, whatever its format, so that importing again replaces exactly those.
pub fn listed_files(text: &str) -> Option<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("format")?.as_str()?;
    let mut out = Vec::new();
    for key in ["resources", "definitions"] {
        for r in v.get(key).and_then(|r| r.as_array()).into_iter().flatten() {
            if let Some(f) = r.get("schema").and_then(|s| s.as_str()) {
                out.push(f.to_string());
            }
        }
    }
    Some(out)
}
