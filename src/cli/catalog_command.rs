//! `paylint catalog import` and `paylint catalog list`: the subcommands that write or show a
//! catalog instead of linting.

use super::{CatalogCommand, CliError};
use crate::catalog::Catalog;
use crate::config::Config;
use std::io::Write;
use std::path::Path;

pub(super) fn run(
    action: &CatalogCommand,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<(), CliError> {
    match action {
        CatalogCommand::Import {
            metadata,
            out: dir,
            strict_responses,
            allow_unresolved,
        } => {
            let options = crate::catalog::import::ImportOptions {
                strict_responses: *strict_responses,
                allow_unresolved: *allow_unresolved,
            };
            import(metadata, dir, options, out, notes)
        }
        CatalogCommand::List { schemas, filter } => {
            let cwd = std::env::current_dir().map_err(CliError::WorkingDirectory)?;
            let config = Config::discover(None, &cwd)?;
            let mut dirs = config.schemas.clone();
            dirs.extend(schemas.iter().cloned());
            let catalog = Catalog::load(&dirs)?;
            list(&catalog, filter.as_deref(), out).map_err(CliError::Write)
        }
    }
}

/// `catalog import`: CSDL into a catalog folder, and what was written; the metadata's
/// warnings go to `notes`.
fn import(
    metadata: &Path,
    dir: &Path,
    options: crate::catalog::import::ImportOptions,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let name = metadata.display().to_string();
    let report = crate::catalog::import::import_into(metadata, dir, options).map_err(|e| {
        CliError::Import {
            name: name.clone(),
            message: e.to_string(),
        }
    })?;
    for w in &report.warnings {
        let _ = writeln!(notes, "paylint: {name}:{w}");
    }
    if report.truncated {
        let _ = writeln!(
            notes,
            "paylint: {name}: containment is followed only so far: the catalog would grow out of \
             proportion to the document"
        );
    }
    let stats = report.stats;
    writeln!(
        out,
        "imported {name} into {}: {} entity types, {} complex types, {} enum types, \
         {} operations, {} bytes in {:.2} s",
        dir.display(),
        stats.entity_types,
        stats.complex_types,
        stats.enum_types,
        stats.operations,
        stats.bytes_written,
        started.elapsed().as_secs_f64()
    )
    .and_then(|_| writeln!(out, "lint with: paylint --schemas {} PATHS", dir.display()))
    .map_err(CliError::Write)
}

/// `catalog list`: the resources (whose name contains `filter`) and their operations.
fn list(catalog: &Catalog, filter: Option<&str>, out: &mut dyn Write) -> std::io::Result<()> {
    let needle = filter.map(str::to_ascii_lowercase);
    for r in catalog.resources() {
        if needle
            .as_deref()
            .is_some_and(|n| !r.name.to_ascii_lowercase().contains(n))
        {
            continue;
        }
        let ty = r.odata_type.as_deref().unwrap_or("(no @odata.type)");
        writeln!(out, "{}  {ty}  ({})", r.name, r.source)?;
        for op in &r.operations {
            writeln!(out, "    {:<6} {}", op.method, op.path)?;
        }
    }
    Ok(())
}
