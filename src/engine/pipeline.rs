//! Walking, checking and reporting a run's files, in a stable order whatever the thread
//! count. A walker thread sends batches of files, a checker thread checks each batch in
//! parallel on a pool, and the caller's thread hands each report on in walk order, applying
//! the configuration's levels and the baseline, and counting. NDJSON streams, stdin and walk
//! errors travel through the pipeline in order and are handled on the reporting thread.

use super::error::RunError;
use super::file::{check_isolated, check_stdin, unreadable, Ctx};
use super::options::Options;
use crate::baseline::Baseline;
use crate::discover::{self, Found, Reached};
use crate::input::Format;
use crate::report::{FileReport, Summary};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// At most this many files named on the command line are checked without the pipeline.
const INLINE_FILES: usize = 8;

/// Files checked in parallel between two reports to the caller.
const BATCH: usize = 512;

/// A file to check: path, format (`None`: sniffed), how it was found.
type Work = (PathBuf, Option<Format>, Reached);

/// What travels through the pipeline.
enum Stage {
    /// Files to check in parallel.
    Batch(Vec<Work>),
    /// Their reports, in order.
    Checked(Vec<Vec<FileReport>>),
    /// Handled on the reporting thread, in order: streams, stdin, walk errors.
    Serial(Found),
}

/// Hands each finished report on: the baseline, the counts, then the caller. Once the caller fails (the output is closed), nothing more is handed on.
struct Reporter<'r> {
    baseline: Option<&'r mut Baseline>,
    on_file: &'r mut dyn FnMut(FileReport) -> std::io::Result<()>,
    summary: Summary,
    failed: Option<std::io::Error>,
}

impl Reporter<'_> {
    fn report(&mut self, mut report: FileReport) {
        if self.failed.is_some() {
            return;
        }
        if let Some(b) = self.baseline.as_deref_mut() {
            let before = report.diagnostics.clone();
            b.filter(&report.path, &mut report.diagnostics);
            if report.diagnostics.len() < before.len() {
                report.suppressed = before;
                if report.diagnostics.is_empty() {
                    report.conformant = None; // nothing left to show a diff for
                }
            }
        }
        self.summary.add(&report);
        if let Err(e) = (self.on_file)(report) {
            self.failed = Some(e);
        }
    }

    /// The run's summary with what the baseline suppressed, or the report's write error.
    fn finish(self) -> Result<Summary, RunError> {
        let mut summary = self.summary;
        if let Some(b) = self.baseline {
            summary.suppressed = b.suppressed;
            summary.baseline_fixed = b.fixed();
        }
        match self.failed {
            Some(e) => Err(RunError::Output(e)),
            None => Ok(summary),
        }
    }
}

/// Checks every file of the run, handing each report to `on_file` in a stable order.
pub fn run(
    ctx: &Ctx<'_>,
    baseline: Option<&mut Baseline>,
    on_file: &mut dyn FnMut(FileReport) -> std::io::Result<()>,
) -> Result<Summary, RunError> {
    let options = ctx.options;
    let mut reporter = Reporter {
        baseline,
        on_file,
        summary: Summary::default(),
        failed: None,
    };
    // A few files named on the command line (what a pre-commit hook passes) are checked on this
    // thread: starting the pipeline's threads and pool would be most of a one-file run.
    if options.paths.len() <= INLINE_FILES && options.paths.iter().all(|p| p.is_file()) {
        // Each path gives at most one stage, and the last batch one more: the walk never waits.
        let (work_tx, work_rx) = sync_channel::<Stage>(options.paths.len() + 1);
        walk_stage(options, work_tx);
        report_stages(work_rx, ctx, &mut reporter);
    } else {
        run_pipeline(ctx, &mut reporter)?;
    }
    reporter.finish()
}

/// The three stages on their threads; returns once every report has been handed on (or the
/// caller failed: dropping the receiver stops the other stages).
fn run_pipeline(ctx: &Ctx<'_>, reporter: &mut Reporter<'_>) -> Result<(), RunError> {
    let options = ctx.options;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(|e| RunError::Output(std::io::Error::other(e)))?;
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<Stage>(2);
        let (done_tx, done_rx) = sync_channel::<Stage>(2);
        scope.spawn(crate::catalog::warm_up);
        scope.spawn(move || walk_stage(options, work_tx));
        let pool = &pool;
        scope.spawn(move || check_stage(pool, ctx, work_rx, done_tx));
        report_stages(done_rx, ctx, reporter);
    });
    Ok(())
}

/// The checker stage: each batch checked in parallel on the pool, its reports kept in order.
fn check_stage(
    pool: &rayon::ThreadPool,
    ctx: &Ctx<'_>,
    work: Receiver<Stage>,
    done: SyncSender<Stage>,
) {
    for stage in work {
        let checked = match stage {
            Stage::Batch(files) => Stage::Checked(pool.install(|| {
                files
                    .into_par_iter()
                    .map(|(path, format, reached)| {
                        let mut out = Vec::with_capacity(1);
                        check_isolated(path, format, reached, ctx, &mut |r| out.push(r));
                        out
                    })
                    .collect()
            })),
            other => other,
        };
        if done.send(checked).is_err() {
            break;
        }
    }
}

/// Reports the stages in order on this thread: checked batches as they come, a batch nobody
/// checked (no pipeline) file by file here, and streams, stdin and walk errors serially. Stops
/// once a report could not be handed on.
fn report_stages(stages: Receiver<Stage>, ctx: &Ctx<'_>, reporter: &mut Reporter<'_>) {
    for stage in stages {
        let emit = &mut |r| reporter.report(r);
        match stage {
            Stage::Checked(reports) => reports.into_iter().flatten().for_each(emit),
            Stage::Batch(files) => {
                for (path, format, reached) in files {
                    check_isolated(path, format, reached, ctx, emit);
                }
            }
            Stage::Serial(found) => serial(found, ctx, emit),
        }
        if reporter.failed.is_some() {
            break;
        }
    }
}

/// The walker stage: discovery, minus excluded files and other shards, in batches.
fn walk_stage(options: &Options, out: SyncSender<Stage>) {
    let config = &options.config;
    let mut batch = Vec::with_capacity(BATCH);
    for found in discover::walk(&options.paths) {
        let serial = match found {
            Found::File {
                path,
                format,
                reached,
            } => {
                if config.excluded(&path)
                    || (reached == Reached::Walked && !config.included(&path))
                    || !options.shard.takes(&path)
                {
                    continue;
                }
                if format != Some(Format::Ndjson) {
                    batch.push((path, format, reached));
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
                    reached,
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
            reached,
        } => check_isolated(path, format, reached, ctx, emit),
        Found::Stdin => {
            let path = ctx
                .options
                .stdin_name
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            let first = super::file::StreamStart {
                line: ctx.options.stdin_first_line.max(1),
                payload: ctx.options.stdin_first_payload,
            };
            check_stdin(path, first, ctx, emit);
        }
        Found::Unwalkable { path, why } => emit(unreadable(path, &why, &ctx.options.config)),
    }
}
