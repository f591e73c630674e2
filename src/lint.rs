//! The pipeline for one run: discover files, read each into payloads, route, check, and hand a
//! finished report per file to the caller. Each stage lives in its own module; this one only
//! connects them and keeps the counts.

use crate::baseline::Baseline;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::direction::Direction;
use crate::discover::{self, Found};
use crate::input::{self, Body, Format, Parsed, Payload};
use crate::json;
use crate::pointer::JsonPointer;
use crate::route::{self, Overrides};
use crate::rule::Severity;
use crate::source::{LineIndex, SourceFile, Span};
use crate::{check, fix, rules};
use rayon::prelude::*;
use std::io::{BufRead, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// What to check and how.
#[derive(Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// Check every body as this resource (by name).
    pub resource: Option<String>,
    pub direction: Option<Direction>,
    /// Compute the conformant text of each file with findings (for diffs).
    pub conformant: bool,
    /// Files larger than this are reported, not read.
    pub max_file_size: u64,
    /// Rule severities, per-path overrides, include and exclude globs.
    pub config: Config,
    pub fix: FixMode,
    /// Worker threads for checking files.
    pub threads: usize,
    /// The share of the files this run takes.
    pub shard: Shard,
    /// What standard input is called in reports (`-` unless given).
    pub stdin_name: Option<PathBuf>,
    /// The line number of standard input's first line (1 unless given): a chunk of a larger
    /// stream reports the stream's line numbers.
    pub stdin_first_line: usize,
}

/// `--shard K/N`: the K-th of N stable, disjoint shares of the files, chosen by a hash of the
/// path (not the content), so N jobs split a tree with no overlap and no gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 1, count: 1 }
    }
}

impl Shard {
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("`--shard {s}`: write K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    pub fn takes(&self, path: &Path) -> bool {
        if self.count == 1 {
            return true;
        }
        let key = crate::fingerprint::portable_path(path);
        let h = crate::fingerprint::fnv1a(&[&key]);
        h % self.count == self.index - 1
    }
}

/// What `--fix` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixMode {
    #[default]
    Off,
    /// Write the safe fixes into the files (atomically), then report what is left.
    Apply,
    /// Show the safe fixes as a diff; write nothing.
    Diff,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            resource: None,
            direction: None,
            conformant: true,
            max_file_size: 64 * 1024 * 1024,
            config: Config::default(),
            fix: FixMode::Off,
            threads: 1,
            shard: Shard::default(),
            stdin_name: None,
            stdin_first_line: 1,
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
    /// Lines before `source` in the file (an NDJSON stream is reported a line at a time).
    pub line_base: usize,
    /// More reports of the same file follow; only the last one counts the file.
    pub continuation: bool,
    /// Safe fixes written into the file by `--fix`.
    pub fixes: usize,
    /// When a baseline suppressed some findings: all the findings, before it did (what
    /// `--write-baseline` records).
    pub suppressed: Vec<Diagnostic>,
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
            line_base: 0,
            continuation: false,
            fixes: 0,
            suppressed: Vec::new(),
        }
    }

    /// The path as shown in reports (`/` separators kept as the user typed them).
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }
}

/// Counts for the whole run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub payloads: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Files on which paylint itself failed (the run exits 2).
    pub internal_errors: usize,
    /// Findings by rule id.
    pub by_rule: std::collections::BTreeMap<&'static str, usize>,
    /// Findings the baseline forgave, and baseline entries no finding matched (now fixed).
    pub suppressed: usize,
    pub baseline_fixed: usize,
    /// Safe fixes written by `--fix`, and the files they were written to.
    pub fixes: usize,
    pub files_fixed: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        if !report.continuation {
            self.files += 1;
        }
        self.fixes += report.fixes;
        self.files_fixed += usize::from(report.fixes > 0);
        self.payloads += report.payloads;
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            if d.rule == crate::rule::Rule::InternalError {
                self.internal_errors += 1;
            }
            *self.by_rule.entry(d.rule.id()).or_default() += 1;
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
        Ok(Plan {
            ctx: Ctx {
                catalog,
                overrides: Overrides {
                    resource,
                    direction: options.direction,
                },
                options,
            },
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
        run_plan(&self.ctx, baseline, on_file)
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
    let ctx = Ctx {
        catalog,
        overrides: Overrides {
            resource: options
                .resource
                .as_deref()
                .and_then(|n| catalog.resource(n)),
            direction: options.direction,
        },
        options,
    };
    let mut out = Vec::new();
    let format = Format::for_walked(path);
    check_bytes(
        path.to_path_buf(),
        text.to_vec(),
        format,
        &ctx,
        false,
        &mut |r| out.push(r),
    );
    out
}

fn run_plan(
    ctx: &Ctx<'_>,
    mut baseline: Option<&mut Baseline>,
    on_file: &mut dyn FnMut(FileReport) -> std::io::Result<()>,
) -> Result<Summary, RunError> {
    let options = ctx.options;
    let mut summary = Summary::default();
    let failed: std::cell::RefCell<Option<std::io::Error>> = std::cell::RefCell::new(None);
    let config = &options.config;
    let mut emit = |mut report: FileReport| {
        if failed.borrow().is_none() {
            apply_policy(config, &mut report);
            if let Some(b) = baseline.as_deref_mut() {
                let before = report.diagnostics.clone();
                b.filter(&report.path, &mut report.diagnostics);
                if report.diagnostics.len() < before.len() {
                    report.suppressed = before;
                    if report.diagnostics.is_empty() {
                        report.conformant = None; // nothing left to show a diff for
                    }
                }
            }
            summary.add(&report);
            if let Err(e) = on_file(report) {
                *failed.borrow_mut() = Some(e);
            }
        }
    };

    // A few files named on the command line (what a pre-commit hook passes) are checked on this
    // thread: starting the pipeline's threads and pool would be most of a one-file run.
    if options.paths.len() <= INLINE_FILES && options.paths.iter().all(|p| p.is_file()) {
        // Each path gives at most one stage, and the last batch one more: the walk never waits.
        let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Stage>(options.paths.len() + 1);
        walk_stage(options, work_tx);
        report_stages(work_rx, ctx, &mut emit, &failed);
        return finish_run(baseline, summary, failed);
    }

    // A three-stage pipeline, so walking, checking and reporting overlap: a walker thread sends
    // batches of files, a checker thread checks each batch in parallel on the pool, and this
    // thread reports the results in walk order — the output is the same whatever the thread
    // count, and memory holds a few batches. NDJSON streams, stdin and walk errors travel through
    // the pipeline in order and are handled on this thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(|e| RunError::Output(std::io::Error::other(e)))?;
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Stage>(2);
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Stage>(2);
        scope.spawn(crate::catalog::warm_up);
        scope.spawn(move || walk_stage(options, work_tx));
        let pool = &pool;
        scope.spawn(move || {
            for stage in work_rx {
                let done = match stage {
                    Stage::Batch(files) => Stage::Checked(pool.install(|| {
                        files
                            .into_par_iter()
                            .map(|(path, format, named)| {
                                let mut out = Vec::with_capacity(1);
                                check_isolated(path, format, named, ctx, &mut |r| out.push(r));
                                out
                            })
                            .collect()
                    })),
                    other => other,
                };
                if done_tx.send(done).is_err() {
                    break;
                }
            }
        });
        // Returning drops the receiver, which stops the other stages.
        report_stages(done_rx, ctx, &mut emit, &failed);
    });
    finish_run(baseline, summary, failed)
}

/// Reports the stages in order on this thread: checked batches as they come, a batch nobody
/// checked (no pipeline) file by file here, and streams, stdin and walk errors serially. Stops
/// once a report could not be written (`failed`).
fn report_stages(
    stages: std::sync::mpsc::Receiver<Stage>,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
    failed: &std::cell::RefCell<Option<std::io::Error>>,
) {
    for stage in stages {
        match stage {
            Stage::Checked(reports) => reports.into_iter().flatten().for_each(&mut *emit),
            Stage::Batch(files) => {
                for (path, format, named) in files {
                    check_isolated(path, format, named, ctx, emit);
                }
            }
            Stage::Serial(found) => serial(found, ctx, emit),
        }
        if failed.borrow().is_some() {
            break;
        }
    }
}

/// The run's summary with what the baseline suppressed, or the report's write error.
fn finish_run(
    baseline: Option<&mut Baseline>,
    mut summary: Summary,
    failed: std::cell::RefCell<Option<std::io::Error>>,
) -> Result<Summary, RunError> {
    if let Some(b) = baseline {
        summary.suppressed = b.suppressed;
        summary.baseline_fixed = b.fixed();
    }
    match failed.into_inner() {
        Some(e) => Err(RunError::Output(e)),
        None => Ok(summary),
    }
}

/// At most this many files named on the command line are checked without the pipeline.
const INLINE_FILES: usize = 8;

/// Severities from the configuration: a rule turned off is dropped, others take their level.
fn apply_policy(config: &Config, report: &mut FileReport) {
    apply_levels(config, &report.path, &mut report.diagnostics);
}

/// Levels from the configuration for the findings of `path`.
fn apply_levels(config: &Config, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
    if config.is_default_policy() {
        return;
    }
    diagnostics.retain_mut(|d| match config.severity(d.rule, path) {
        Some(sev) => {
            d.severity = sev;
            true
        }
        None => false,
    });
}

/// Files checked in parallel between two reports to the caller.
const BATCH: usize = 512;

/// What travels through the pipeline.
enum Stage {
    /// Files to check in parallel: path, format, named on the command line.
    Batch(Vec<(PathBuf, Option<Format>, bool)>),
    /// Their reports, in order.
    Checked(Vec<Vec<FileReport>>),
    /// Handled on the reporting thread, in order: streams, stdin, walk errors.
    Serial(Found),
}

/// The walker stage: discovery, minus excluded files and other shards, in batches.
fn walk_stage(options: &Options, out: std::sync::mpsc::SyncSender<Stage>) {
    let config = &options.config;
    let mut batch = Vec::with_capacity(BATCH);
    for found in discover::walk(&options.paths) {
        let serial = match found {
            Found::File {
                path,
                format,
                named,
            } => {
                if config.excluded(&path)
                    || (!named && !config.included(&path))
                    || !options.shard.takes(&path)
                {
                    continue;
                }
                if format != Some(Format::Ndjson) {
                    batch.push((path, format, named));
                    if batch.len() == BATCH
                        && out.send(Stage::Batch(std::mem::take(&mut batch))).is_err()
                    {
                        return;
                    }
                    continue;
                }
                Found::File {
                    path,
                    format,
                    named,
                }
            }
            other => other,
        };
        if !batch.is_empty() && out.send(Stage::Batch(std::mem::take(&mut batch))).is_err() {
            return;
        }
        if out.send(Stage::Serial(serial)).is_err() {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = out.send(Stage::Batch(batch));
    }
}

/// What is not checked in a batch: an NDJSON stream (streamed, report by report), stdin, a
/// folder that could not be walked.
fn serial(found: Found, ctx: &Ctx<'_>, emit: &mut dyn FnMut(FileReport)) {
    match found {
        Found::File {
            path,
            format,
            named,
        } => check_isolated(path, format, named, ctx, emit),
        Found::Stdin => {
            let stdin = std::io::stdin();
            let path = ctx
                .options
                .stdin_name
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            let first = ctx.options.stdin_first_line.max(1);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                stream(&path, stdin.lock(), first, ctx, emit)
            }));
            if let Err(panic) = outcome {
                emit(panicked(path, panic));
            }
        }
        Found::Unwalkable { path, message } => {
            let mut r = FileReport::new(path);
            r.diagnostics.push(located(rules::unreadable_file::diagnose(
                message,
                "fix the permissions or the link, or leave the path out",
            )));
            emit(r);
        }
    }
}

/// What every file of a run is checked with.
struct Ctx<'a> {
    catalog: &'a Catalog,
    overrides: Overrides<'a>,
    options: &'a Options,
}

/// A finding about a whole file: it points at 1:1.
fn located(mut d: Diagnostic) -> Diagnostic {
    d.line = 1;
    d.column = 1;
    d.payload = 0;
    d
}

fn panicked(path: PathBuf, panic: Box<dyn std::any::Any + Send>) -> FileReport {
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

/// Checks one file; a panic inside becomes an `internal-error` finding for that file only.
fn check_isolated(
    path: PathBuf,
    format: Option<Format>,
    named: bool,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        check_file(path.clone(), format, named, ctx, emit)
    }));
    if let Err(panic) = outcome {
        emit(panicked(path, panic));
    }
}

/// Faults a test can inject into a debug build, to prove that the run survives them. Release
/// builds compile this to nothing.
mod test_hooks {
    /// Runs before a file is opened:
    /// - `PAYLINT_TEST_PANIC_ON=NAME`: checking a file named NAME panics;
    /// - `PAYLINT_TEST_VANISH=NAME`: a file named NAME is deleted after the walk found it and
    ///   before it is read.
    #[cfg(debug_assertions)]
    pub fn before_read(path: &std::path::Path) {
        use std::ffi::OsString;
        use std::sync::OnceLock;
        static HOOKS: OnceLock<[Option<OsString>; 2]> = OnceLock::new();
        let [panic_on, vanish] = HOOKS.get_or_init(|| {
            [
                std::env::var_os("PAYLINT_TEST_PANIC_ON"),
                std::env::var_os("PAYLINT_TEST_VANISH"),
            ]
        });
        let name = path.file_name();
        if name.is_some() && name == panic_on.as_deref() {
            panic!("test hook: PAYLINT_TEST_PANIC_ON={}", path.display());
        }
        if name.is_some() && name == vanish.as_deref() {
            let _ = std::fs::remove_file(path);
        }
    }

    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub fn before_read(_: &std::path::Path) {}
}

/// Bytes of the first read of a file (most payload files are smaller).
const FIRST_READ: usize = 16 * 1024;

fn read_retrying(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Opens a file for reading. A named file is first checked to be a regular file (opening a
/// FIFO would block until something writes to it) and its size is known; a walked one is regular
/// by its directory entry, and is not stat'ed (one syscall less per file).
fn open(path: &Path, named: bool) -> Result<(std::fs::File, Option<u64>), (String, &'static str)> {
    let mut size = None;
    if named {
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                return Err((
                    "not a regular file (a device, FIFO or socket); skipped".to_string(),
                    "name only regular files",
                ));
            }
            size = Some(meta.len());
        }
    }
    let file = std::fs::File::open(path).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "the file was removed or renamed after it was found; lint again if that was a mistake"
            }
            std::io::ErrorKind::PermissionDenied => {
                "fix its permissions, or leave it out of the paths you lint"
            }
            _ => "check the file system, or leave the file out of the paths you lint",
        };
        (format!("cannot open the file: {e}"), hint)
    })?;
    Ok((file, size))
}

/// Reads a file whole, refusing one larger than the limit without reading it. A small file is
/// read with one `read`: a short read of a regular file is its end.
fn read_bytes(
    mut file: std::fs::File,
    size: Option<u64>,
    limit: u64,
) -> Result<Vec<u8>, (String, &'static str)> {
    let too_big = |len: u64| {
        (
            format!("the file is {len} bytes, over the {limit}-byte limit; not read"),
            "raise --max-file-size if this file should be checked",
        )
    };
    let failed = |e: std::io::Error| {
        (
            format!("cannot read the file: {e}"),
            "check the file system",
        )
    };
    if let Some(len) = size.filter(|&len| len > limit) {
        return Err(too_big(len));
    }
    // One read into this thread's buffer; a short read of a regular file is its end.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; FIRST_READ]);
    }
    let first = size.map_or(FIRST_READ as u64, |len| len + 1).min(limit + 1) as usize;
    let (mut bytes, n) = if first <= FIRST_READ {
        BUFFER.with_borrow_mut(|buf| {
            let n = read_retrying(&mut file, &mut buf[..first]).map_err(failed)?;
            Ok((buf[..n].to_vec(), n))
        })?
    } else {
        let mut bytes = vec![0u8; first];
        let n = read_retrying(&mut file, &mut bytes).map_err(failed)?;
        bytes.truncate(n);
        (bytes, n)
    };
    if n < first {
        return Ok(bytes);
    }
    if size.is_none() {
        let len = file.metadata().map_err(failed)?.len();
        if len > limit {
            return Err(too_big(len));
        }
    }
    (&mut file)
        .take(limit + 1 - n as u64)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
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
    named: bool,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    test_hooks::before_read(&path);
    let unreadable = |path: PathBuf, (message, hint): (String, &str)| {
        let mut r = FileReport::new(path);
        r.diagnostics
            .push(located(rules::unreadable_file::diagnose(message, hint)));
        r
    };
    let (file, len) = match open(&path, named) {
        Ok(f) => f,
        Err(e) => return emit(unreadable(path, e)),
    };
    if format == Some(Format::Ndjson) {
        // Streamed: any size, constant memory; --max-file-size bounds one line.
        return stream(
            &path,
            std::io::BufReader::with_capacity(64 * 1024, file),
            1,
            ctx,
            emit,
        );
    }
    let bytes = match read_bytes(file, len, ctx.options.max_file_size) {
        Ok(b) => b,
        Err(e) => return emit(unreadable(path, e)),
    };
    check_bytes(path, bytes, format, ctx, true, emit)
}

/// Checks a file's bytes. With `--fix`, writes the safe fixes and checks the result once more
/// (`may_fix` is then false), reporting what is left.
fn check_bytes(
    path: PathBuf,
    bytes: Vec<u8>,
    format: Option<Format>,
    ctx: &Ctx<'_>,
    may_fix: bool,
    emit: &mut dyn FnMut(FileReport),
) {
    let mut report = FileReport::new(path);
    let (source, undecodable) = input::decode(report.path.clone(), bytes);
    if let Some(problem) = undecodable {
        report.payloads = 1;
        report.diagnostics.push(rules::of_problem(&problem));
        return emit(finish(report, source, Edits::default(), ctx.options));
    }
    let format = format.unwrap_or_else(|| Format::for_named(&source.path, &source.text));
    if format == Format::Ndjson {
        let text = source.text;
        return stream(
            &report.path,
            std::io::Cursor::new(text.into_bytes()),
            1,
            ctx,
            emit,
        );
    }
    let parsed = input::read(format, &source);
    let edits = check_parsed(&mut report, &source, parsed, ctx);
    if may_fix && ctx.options.fix == FixMode::Apply && !edits.safe.is_empty() {
        let fixed = fix::apply(&source.text, &sorted(edits.safe.clone()));
        if fixed != source.text {
            let mut bytes = Vec::with_capacity(fixed.len() + 3);
            if source.bom {
                bytes.extend_from_slice(b"\xEF\xBB\xBF");
            }
            bytes.extend_from_slice(fixed.as_bytes());
            match fix::write_atomic(&report.path, &bytes) {
                Ok(()) => {
                    let count = edits.safe.len();
                    let mut counted = |mut r: FileReport| {
                        if !r.continuation {
                            r.fixes = count;
                        }
                        emit(r)
                    };
                    return check_bytes(
                        report.path.clone(),
                        bytes,
                        Some(format),
                        ctx,
                        false,
                        &mut counted,
                    );
                }
                Err(e) => report
                    .diagnostics
                    .push(located(rules::unreadable_file::diagnose(
                        format!("cannot write the fixes (the file is unchanged): {e}"),
                        "check that the folder is writable",
                    ))),
            }
        }
    }
    emit(finish(report, source, edits, ctx.options))
}

/// Edits towards a conformant file: all of them (for the diff), and the safe ones (for --fix).
#[derive(Debug, Default)]
struct Edits {
    all: Vec<fix::Edit>,
    safe: Vec<fix::Edit>,
}

fn sorted(mut edits: Vec<fix::Edit>) -> Vec<fix::Edit> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits
}

/// Checks the payloads a reader found; returns the edits towards a conformant file.
fn check_parsed(
    report: &mut FileReport,
    source: &SourceFile,
    parsed: Parsed,
    ctx: &Ctx<'_>,
) -> Edits {
    report.payloads += parsed.payloads.len();
    // A reader's finding belongs to the message it lies in (the last one starting before it),
    // unless the reader placed it.
    for problem in parsed.problems {
        let mut d = rules::of_problem(&problem);
        d.payload = problem.payload.unwrap_or_else(|| {
            parsed
                .payloads
                .iter()
                .take_while(|p| p.start.start <= problem.span.start)
                .last()
                .map_or(0, |p| p.index)
        });
        report.diagnostics.push(d);
    }
    let mut edits = Edits::default();
    for payload in &parsed.payloads {
        let first = report.diagnostics.len();
        check_payload(payload, source, ctx, &mut report.diagnostics, &mut edits);
        for d in &mut report.diagnostics[first..] {
            d.payload = payload.index;
        }
    }
    edits
}

fn check_payload(
    payload: &Payload,
    source: &SourceFile,
    ctx: &Ctx<'_>,
    out: &mut Vec<Diagnostic>,
    edits: &mut Edits,
) {
    let operation = match route::operation(ctx.catalog, payload) {
        Some(Err(unknown)) => return out.push(rules::unknown_operation::diagnose(&unknown)),
        Some(Ok(op)) => Some(op),
        None => None,
    };
    let (body_text, anchor) = match &payload.body {
        Some(Body::InFile(span)) => (Some(&source.text[span.start..span.end]), None),
        Some(Body::Embedded { text, anchor }) => (Some(text.as_str()), Some(*anchor)),
        None => (None, None),
    };
    check::message::check(payload, body_text, operation.map(|(_, o)| o), out);
    // A response that says its body is not JSON (an HTML error page, say) has no body to check.
    if payload.direction == Some(crate::direction::Direction::Response)
        && payload
            .header("content-type")
            .is_some_and(|h| !crate::input::is_json_media_type(&h.value))
    {
        return;
    }
    let (text, range) = match &payload.body {
        Some(Body::InFile(span)) => (source.text.as_str(), *span),
        Some(Body::Embedded { text, .. }) => (text.as_str(), Span::new(0, text.len())),
        None => return,
    };
    let first = out.len();
    match json::parse_range(text, range.start, range.end) {
        Err(e) => out.push(rules::invalid_json::parse_error(&e)),
        Ok(doc) => {
            let target = route::route(ctx.catalog, payload, &doc.root, ctx.overrides, operation);
            let is_object = check::check_shape(text, &doc, target.as_ref().ok(), out);
            let direction = payload.direction.or(ctx.overrides.direction);
            let repeated_keys = !doc.duplicates.is_empty();
            let items = is_object
                .then(|| route::collection_items(&doc.root, direction, target.as_ref().ok()))
                .flatten();
            if let Some(items) = items {
                // A collection: each item is routed (by its own `@odata.type`) and checked;
                // items that route nowhere are reported once, at the first.
                let mut unrouted = false;
                for (i, item) in items.iter().enumerate() {
                    let mut at = JsonPointer::root().child("value");
                    at.push_index(i);
                    match route::route(ctx.catalog, payload, item, ctx.overrides, operation) {
                        Ok(mut target) => {
                            target.at = at;
                            if let Err(m) = check::check_schema(item, repeated_keys, &target, out) {
                                out.push(rules::internal_error::diagnose(&m));
                            }
                        }
                        Err(unknown) if !unrouted => {
                            unrouted = true;
                            let mut d = rules::unknown_resource::diagnose(&unknown);
                            d.rebase(&at);
                            out.push(d);
                        }
                        Err(_) => {}
                    }
                }
            } else {
                match target {
                    Ok(target) if is_object => {
                        if let Err(m) = check::check_schema(&doc.root, repeated_keys, &target, out)
                        {
                            out.push(rules::internal_error::diagnose(&m));
                        }
                    }
                    Err(unknown) if is_object => {
                        out.push(rules::unknown_resource::diagnose(&unknown))
                    }
                    _ => {}
                }
            }
            // Rules turned off neither report nor fix.
            let mut own = out.split_off(first);
            apply_levels(&ctx.options.config, &source.path, &mut own);
            out.extend(own);
            if anchor.is_none() && out.len() > first {
                let fixes = || out[first..].iter().filter_map(|d| d.fix.as_ref());
                if ctx.options.conformant {
                    edits
                        .all
                        .extend(fix::plan(text, &doc.root, &fix::select(fixes(), false)));
                }
                if ctx.options.fix != FixMode::Off {
                    edits
                        .safe
                        .extend(fix::plan(text, &doc.root, &fix::select(fixes(), true)));
                }
            }
        }
    }
    // Findings inside an embedded body point at the string that holds it.
    if let Some(anchor) = anchor {
        for d in &mut out[first..] {
            d.span = anchor;
            d.fix = None;
        }
    }
}

/// Streams NDJSON: each non-blank line is a payload. Memory stays flat: one line is held at a
/// time, and findings are handed on as each line is checked.
/// `first_line` numbers the stream's first line.
fn stream(
    path: &Path,
    mut reader: impl BufRead,
    first_line: usize,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    let limit = ctx.options.max_file_size as usize;
    let mut buf = Vec::new();
    let mut line_no = first_line - 1;
    let mut index = 0usize;
    let mut pending_payloads = 0usize;
    loop {
        buf.clear();
        let (read, overlong) = match read_line_capped(&mut reader, &mut buf, limit) {
            Ok(r) => r,
            Err(e) => {
                let mut r = FileReport::new(path.to_path_buf());
                r.line_base = line_no;
                r.continuation = true;
                r.diagnostics.push(rules::unreadable_file::diagnose(
                    format!("cannot read line {}: {e}", line_no + 1),
                    "check the file system",
                ));
                r.diagnostics[0].line = line_no + 1;
                r.diagnostics[0].column = 1;
                r.diagnostics[0].payload = index;
                emit(r);
                break;
            }
        };
        if read == 0 {
            break;
        }
        line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if line_no == first_line && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        if buf.iter().all(u8::is_ascii_whitespace) && !overlong {
            continue;
        }
        let mut report = FileReport::new(path.to_path_buf());
        report.line_base = line_no - 1;
        report.continuation = true;
        let (source, undecodable) = input::decode(path.to_path_buf(), std::mem::take(&mut buf));
        let edits = if overlong {
            report.payloads = 1;
            report.diagnostics.push(rules::unreadable_file::diagnose(
                format!("line {line_no} is longer than the {limit}-byte limit; not checked"),
                "raise --max-file-size if this line should be checked",
            ));
            Edits::default()
        } else if let Some(problem) = undecodable {
            report.payloads = 1;
            report.diagnostics.push(rules::of_problem(&problem));
            Edits::default()
        } else {
            let parsed = input::ndjson::read_line(&source.text, index);
            let edits = check_parsed(&mut report, &source, parsed, ctx);
            for d in &mut report.diagnostics {
                d.payload = index;
            }
            edits
        };
        index += report.payloads;
        if report.diagnostics.is_empty() {
            pending_payloads += report.payloads;
        } else {
            report.payloads += pending_payloads;
            pending_payloads = 0;
            emit(finish(report, source, edits, ctx.options));
        }
        buf = Vec::new();
    }
    let mut closing = FileReport::new(path.to_path_buf());
    closing.payloads = pending_payloads;
    emit(closing);
}

/// Reads up to and including the next `\n` into `buf`, keeping at most `limit` bytes (the rest
/// of an overlong line is read and dropped). Returns the bytes read and whether the line was
/// over the limit.
fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<(usize, bool)> {
    let mut total = 0;
    let mut overlong = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((total, overlong));
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !overlong {
            if buf.len() + used > limit {
                overlong = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..used]);
            }
        }
        total += used;
        reader.consume(used);
        if done {
            return Ok((total, overlong));
        }
    }
}

/// Positions, order and the conformant text, for a file with findings.
fn finish(
    mut report: FileReport,
    source: SourceFile,
    edits: Edits,
    options: &Options,
) -> FileReport {
    if report.diagnostics.is_empty() {
        return report;
    }
    let lines = LineIndex::new(&source.text);
    // Placed in offset order, so a long line is counted once for all its findings.
    let mut unplaced: Vec<usize> = Vec::new();
    for (i, d) in report.diagnostics.iter_mut().enumerate() {
        if d.payload == crate::diagnostic::UNASSIGNED {
            d.payload = 0;
        }
        if d.line == 0 {
            unplaced.push(i);
        }
    }
    unplaced.sort_by_key(|&i| report.diagnostics[i].span.start);
    let mut cursor = lines.cursor(&source.text);
    for i in unplaced {
        let d = &mut report.diagnostics[i];
        let p = cursor.position(d.span.start);
        d.line = p.line + report.line_base;
        d.column = p.column;
    }
    report.diagnostics.sort_by(|a, b| {
        (a.line, a.column, a.payload, a.rule).cmp(&(b.line, b.column, b.payload, b.rule))
    });
    // The diff shows every fix, or with `--fix --diff` only the safe ones --fix would write.
    let shown = if options.fix == FixMode::Diff {
        edits.safe
    } else {
        edits.all
    };
    if options.conformant && !shown.is_empty() {
        let fixed = fix::apply(&source.text, &sorted(shown));
        if fixed != source.text {
            report.conformant = Some(fixed);
        }
    }
    report.source = Some(source);
    report.lines = Some(lines);
    report
}
