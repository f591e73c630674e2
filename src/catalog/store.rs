//! An imported catalog's folder as the bundler reads it: the types its index lists, and each
//! file read, parsed and checked once, the first time a resource that needs it is used.

use super::bundle::{Files, Table};
use super::names::URN;
use super::schema_check::check_schema_with;
use super::CatalogError;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Debug)]
pub(crate) struct Store {
    dir: PathBuf,
    table: Table,
    files: Vec<OnceLock<Result<Value, CatalogError>>>,
}

impl Store {
    pub(crate) fn new(dir: PathBuf, table: Table) -> Store {
        let files = (0..table.slots()).map(|_| OnceLock::new()).collect();
        Store { dir, table, files }
    }

    fn path(&self, slot: usize) -> PathBuf {
        self.dir.join(self.table.file_name(slot))
    }

    /// Reads a file of the folder: JSON, draft 2020-12, valid against its metaschema, and every
    /// reference inside the document or to a type or definition the index lists.
    fn read(&self, slot: usize) -> Result<Value, CatalogError> {
        let origin = self.origin(slot);
        let bad = |m: String| super::err(&origin, format!("{m} (import the catalog again)"));
        let text = std::fs::read_to_string(self.path(slot))
            .map_err(|e| bad(format!("cannot read: {e}")))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        let ours = |r: &str| {
            r.strip_prefix(URN)
                .map(|rest| rest.split_once('#').map_or(rest, |(n, _)| n))
                .and_then(super::names::decode)
                .is_some_and(|name| self.table.slot(&name).is_some())
        };
        check_schema_with(&origin, &value, &ours).map_err(|e| bad(e.message))?;
        Ok(value)
    }
}

impl Files for Store {
    fn table(&self) -> &Table {
        &self.table
    }

    fn file(&self, slot: usize) -> Result<&Value, CatalogError> {
        self.files[slot]
            .get_or_init(|| self.read(slot))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn origin(&self, slot: usize) -> String {
        self.path(slot).display().to_string()
    }
}
