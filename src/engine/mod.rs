//! The engine: one run, from the paths on the command line to a finished report per file,
//! handed to the caller in a stable order. It connects the stages — discover, read, check,
//! place — and keeps the counts; each stage lives in its own module.
//!
//! - [`options`]: what a run checks and how;
//! - [`pipeline`]: walking, checking in parallel and reporting in order;
//! - [`file`]: one file, from its path to its reports (streams, `--fix` write-back, placing);
//! - [`read`]: a file's bytes, within the size limit.

pub mod file;
pub mod options;
pub mod pipeline;
pub mod read;

pub use options::{FixMode, Options, Shard, ShardError};

use crate::baseline::Baseline;
use crate::catalog::Catalog;
use crate::check::payload::{Checker, Plans};
use crate::discover;
use crate::input::Format;
use crate::report::{FileReport, Summary};
use crate::route::Overrides;
use file::{check_bytes, Ctx, Origin};
use std::path::{Path, PathBuf};

/// Why a run could not do its job (exit status 2).
#[derive(Debug)]
pub enum RunError {
    NoSuchPath(Vec<PathBuf>),
    UnknownResource { name: String, known: Vec<String> },
    Catalog(crate::catalog::CatalogError),
    Output(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NoSuchPath(paths) => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "no such file or folder: {} (check the path)",
                    shown.join(", ")
                )
            }
            RunError::UnknownResource { name, known }
                if known.len() > 1
                    && known.iter().all(|k| {
                        k.rsplit('.')
                            .next()
                            .is_some_and(|s| s.eq_ignore_ascii_case(name))
                    }) =>
            {
                write!(
                    f,
                    "`--resource {name}` is ambiguous: {}; give the qualified name",
                    known.join(", ")
                )
            }
            RunError::UnknownResource { name, known } => write!(
                f,
                "unknown resource `{name}` for --resource; {}: {} (add one with --schemas DIR)",
                if known.len() < 10 {
                    "the catalog has"
                } else {
                    "closest names"
                },
                known.join(", ")
            ),
            RunError::Catalog(e) => write!(f, "{e}"),
            RunError::Output(e) => write!(f, "cannot write the report: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// What to suggest for an unknown `--resource`: the resources of that unqualified name when
/// there are several, else the whole catalog when it is small, else the ten closest names.
fn candidates(catalog: &Catalog, name: &str) -> Vec<String> {
    let same = catalog.resources_named(name);
    if same.len() > 1 {
        return same.into_iter().map(str::to_string).collect();
    }
    let mut names: Vec<&str> = catalog.names();
    if names.len() > 10 {
        let lower = name.to_ascii_lowercase();
        names.sort_by_key(|n| {
            let short = n.rsplit('.').next().unwrap_or(n).to_ascii_lowercase();
            strsim::levenshtein(&lower, &short)
        });
        names.truncate(10);
    }
    names.into_iter().map(str::to_string).collect()
}

/// A run whose arguments have been checked: every path exists and `--resource` names a
/// resource. Nothing has been read or reported yet.
pub struct Plan<'a> {
    ctx: Ctx<'a>,
}

impl<'a> Plan<'a> {
    pub fn new(options: &'a Options, catalog: &'a Catalog) -> Result<Plan<'a>, RunError> {
        let missing = discover::missing(&options.paths);
        if !missing.is_empty() {
            return Err(RunError::NoSuchPath(
                missing.into_iter().map(Path::to_path_buf).collect(),
            ));
        }
        let resource = match &options.resource {
            Some(name) => {
                Some(
                    catalog
                        .resource(name)
                        .ok_or_else(|| RunError::UnknownResource {
                            name: name.clone(),
                            known: candidates(catalog, name),
                        })?,
                )
            }
            None => None,
        };
        let overrides = Overrides {
            resource,
            direction: options.direction,
        };
        Ok(Plan {
            ctx: context(catalog, overrides, options),
        })
    }

    /// Checks every file, calling `on_file` with each file's report in a stable order (a long
    /// NDJSON stream gives several reports, the last one closing the file). Returns the counts;
    /// fails only if `on_file` does.
    pub fn run(
        &self,
        baseline: Option<&mut Baseline>,
        on_file: &mut dyn FnMut(FileReport) -> std::io::Result<()>,
    ) -> Result<Summary, RunError> {
        pipeline::run(&self.ctx, baseline, on_file)
    }
}

/// Checks `text` as the file `path` would be checked (format by extension, else by content),
/// without touching the file system: for benchmarks, fuzzing and embedding. Options that name
/// paths are ignored; an unknown `resource` is ignored too.
pub fn check_text(
    catalog: &Catalog,
    options: &Options,
    path: &Path,
    text: &[u8],
) -> Vec<FileReport> {
    let overrides = Overrides {
        resource: options
            .resource
            .as_deref()
            .and_then(|n| catalog.resource(n)),
        direction: options.direction,
    };
    let ctx = context(catalog, overrides, options);
    let mut out = Vec::new();
    let format = Format::for_walked(path);
    let bytes = text.to_vec();
    let emit = &mut |r| out.push(r);
    check_bytes(
        path.to_path_buf(),
        bytes,
        format,
        &ctx,
        Origin::Memory,
        emit,
    );
    out
}

/// What every file of a run is checked with.
fn context<'a>(catalog: &'a Catalog, overrides: Overrides<'a>, options: &'a Options) -> Ctx<'a> {
    let plans = Plans {
        all: options.conformant,
        safe: options.fix != FixMode::Off,
    };
    let checker = Checker {
        catalog,
        overrides,
        config: &options.config,
        plans,
    };
    Ctx { checker, options }
}
