//! The pipeline for one run: discover files, read each into payloads, route, check, and hand a
//! finished report per file to the caller. Each stage lives in its own module; this one only
//! connects them and keeps the counts.

use crate::catalog::Catalog;
use crate::check;
use crate::diagnostic::{Diagnostic, Direction, Severity};
use crate::discover::{self, Found};
use crate::fix;
use crate::input::{self, Format};
use crate::json;
use crate::route::{self, Overrides};
use crate::rules;
use crate::source::{LineIndex, SourceFile};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// What to check and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// Check every body as this resource (by name).
    pub resource: Option<String>,
    pub direction: Option<Direction>,
    /// Compute the conformant text of each file with findings (for diffs).
    pub conformant: bool,
    /// Files larger than this are reported, not read.
    pub max_file_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            resource: None,
            direction: None,
            conformant: true,
            max_file_size: 64 * 1024 * 1024,
        }
    }
}

/// Everything found in one file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given on the command line joined with the walked part.
    pub path: PathBuf,
    /// The file's text, kept only when there are findings to show.
    pub source: Option<SourceFile>,
    pub lines: Option<LineIndex>,
    pub payloads: usize,
    /// Sorted by payload, position and rule.
    pub diagnostics: Vec<Diagnostic>,
    /// The file with every fix applied (safe and unsafe), when asked for and different.
    pub conformant: Option<String>,
}

impl FileReport {
    fn new(path: PathBuf) -> Self {
        FileReport {
            path,
            source: None,
            lines: None,
            payloads: 0,
            diagnostics: Vec::new(),
            conformant: None,
        }
    }

    /// The path as shown in reports (`/` separators kept as the user typed them).
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }
}

/// Counts for the whole run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub payloads: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Files on which paylint itself failed (the run exits 2).
    pub internal_errors: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.payloads += report.payloads;
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            if d.rule == rules::Rule::InternalError {
                self.internal_errors += 1;
            }
        }
    }
}

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
                write!(f, "no such file or folder: {} (check the path)", shown.join(", "))
            }
            RunError::UnknownResource { name, known } => write!(
                f,
                "unknown resource `{name}` for --resource; the catalog has: {} (add one with --schemas DIR)",
                known.join(", ")
            ),
            RunError::Catalog(e) => write!(f, "{e}"),
            RunError::Output(e) => write!(f, "cannot write the report: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Checks every file under `options.paths`, calling `on_file` with each file's report in a
/// stable order. Returns the run's counts.
pub fn run(
    options: &Options,
    catalog: &Catalog,
    on_file: &mut dyn FnMut(FileReport) -> std::io::Result<()>,
) -> Result<Summary, RunError> {
    let missing = discover::missing(&options.paths);
    if !missing.is_empty() {
        return Err(RunError::NoSuchPath(
            missing.into_iter().map(Path::to_path_buf).collect(),
        ));
    }
    let resource = match &options.resource {
        Some(name) => Some(
            catalog
                .resource(name)
                .ok_or_else(|| RunError::UnknownResource {
                    name: name.clone(),
                    known: catalog.names().into_iter().map(str::to_string).collect(),
                })?,
        ),
        None => None,
    };
    let overrides = Overrides {
        resource,
        direction: options.direction,
    };
    let mut summary = Summary::default();
    for found in discover::walk(&options.paths) {
        let report = match found {
            Found::File { path, format } => {
                check_isolated(path, format, catalog, overrides, options)
            }
            Found::Unwalkable { path, message } => {
                let mut r = FileReport::new(path);
                r.diagnostics.push(located(rules::unreadable_file::diagnose(
                    message,
                    "fix the permissions or the link, or leave the path out",
                )));
                r
            }
        };
        summary.add(&report);
        on_file(report).map_err(RunError::Output)?;
    }
    Ok(summary)
}

/// A finding about a whole file: it points at 1:1.
fn located(mut d: Diagnostic) -> Diagnostic {
    d.line = 1;
    d.column = 1;
    d
}

/// Checks one file; a panic inside becomes an `internal-error` finding for that file only.
fn check_isolated(
    path: PathBuf,
    format: Option<Format>,
    catalog: &Catalog,
    overrides: Overrides<'_>,
    options: &Options,
) -> FileReport {
    match catch_unwind(AssertUnwindSafe(|| {
        check_file(path.clone(), format, catalog, overrides, options)
    })) {
        Ok(report) => report,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            let mut r = FileReport::new(path);
            r.diagnostics
                .push(located(rules::internal_error::diagnose(&what)));
            r
        }
    }
}

/// Reads a file whole, refusing what is not a regular file or is larger than the limit
/// (without reading it).
fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, (String, &'static str)> {
    let file = std::fs::File::open(path).map_err(|e| {
        (
            format!("cannot open the file: {e}"),
            "fix its permissions, or leave it out of the paths you lint",
        )
    })?;
    let meta = file.metadata().map_err(|e| {
        (
            format!("cannot read the file: {e}"),
            "check the file system",
        )
    })?;
    if !meta.is_file() {
        return Err((
            "not a regular file (a device, FIFO or socket); skipped".into(),
            "name only regular files",
        ));
    }
    if meta.len() > limit {
        return Err((
            format!(
                "the file is {} bytes, over the {limit}-byte limit; not read",
                meta.len()
            ),
            "raise --max-file-size if this file should be checked",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| {
        (
            format!("cannot read the file: {e}"),
            "check the file system",
        )
    })?;
    if bytes.len() as u64 > limit {
        return Err((
            format!("the file grew over the {limit}-byte limit while being read"),
            "raise --max-file-size",
        ));
    }
    Ok(bytes)
}

fn check_file(
    path: PathBuf,
    format: Option<Format>,
    catalog: &Catalog,
    overrides: Overrides<'_>,
    options: &Options,
) -> FileReport {
    let mut report = FileReport::new(path);
    let bytes = match read_bytes(&report.path, options.max_file_size) {
        Ok(b) => b,
        Err((message, hint)) => {
            report
                .diagnostics
                .push(located(rules::unreadable_file::diagnose(message, hint)));
            return report;
        }
    };
    let (source, undecodable) = input::decode(report.path.clone(), bytes);
    if let Some(d) = undecodable {
        report.payloads = 1;
        report.diagnostics.push(d);
        return finish(report, source, Vec::new(), options);
    }
    let format = format.unwrap_or_else(|| Format::for_named(&source.path, &source.text));
    let parsed = input::read(format, &source);
    report.payloads = parsed.payloads.len();
    report.diagnostics = parsed.problems;
    let mut edits = Vec::new();
    for payload in &parsed.payloads {
        let first = report.diagnostics.len();
        if let Some(input::Body::InFile(body)) = payload.body {
            match json::parse_range(&source.text, body.start, body.end) {
                Err(e) => report
                    .diagnostics
                    .push(rules::invalid_json::parse_error(&e)),
                Ok(doc) => {
                    let target = route::route(catalog, payload, &doc.root, overrides);
                    let out = &mut report.diagnostics;
                    let is_object =
                        check::check_shape(&source.text, &doc, target.as_ref().ok(), out);
                    match target {
                        Ok(target) if is_object => {
                            if let Err(m) = check::check_schema(&doc, &target, out) {
                                out.push(rules::internal_error::diagnose(&m));
                            }
                        }
                        Ok(_) => {}
                        Err(unknown) => out.push(*unknown),
                    }
                    if options.conformant && report.diagnostics.len() > first {
                        let fixes = report.diagnostics[first..]
                            .iter()
                            .filter_map(|d| d.fix.as_ref());
                        edits.extend(fix::plan(
                            &source.text,
                            &doc.root,
                            &fix::select(fixes, false),
                        ));
                    }
                }
            }
        }
        for d in &mut report.diagnostics[first..] {
            d.payload = payload.index;
        }
    }
    finish(report, source, edits, options)
}

/// Positions, order and the conformant text, for a file with findings.
fn finish(
    mut report: FileReport,
    source: SourceFile,
    mut edits: Vec<fix::Edit>,
    options: &Options,
) -> FileReport {
    if report.diagnostics.is_empty() {
        return report;
    }
    let lines = LineIndex::new(&source.text);
    for d in &mut report.diagnostics {
        if d.line == 0 {
            let p = lines.position(&source.text, d.span.start);
            d.line = p.line;
            d.column = p.column;
        }
    }
    report.diagnostics.sort_by(|a, b| {
        (a.payload, a.line, a.column, a.rule).cmp(&(b.payload, b.line, b.column, b.rule))
    });
    if options.conformant && !edits.is_empty() {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let fixed = fix::apply(&source.text, &edits);
        if fixed != source.text {
            report.conformant = Some(fixed);
        }
    }
    report.source = Some(source);
    report.lines = Some(lines);
    report
}
