//! One file, from its path to its finished reports: read it (or stream it, for NDJSON), check
//! its payloads, write the safe fixes with `--fix`, and place the findings at their lines and
//! columns. A panic while checking a file is an `internal-error` finding for that file only.

use super::options::{FixMode, Options};
use super::read::{self, test_hooks};
use crate::check::payload::{check_parsed, Checker, Edits};
use crate::config::Config;
use crate::diagnostic::Finding;
use crate::discover::Reached;
use crate::fix::{self, Edit};
use crate::input::ndjson::{self, LineError, Lines};
use crate::input::problem::{IoFailure, Unreadable};
use crate::input::{self, Format};
use crate::report::FileReport;
use crate::rules;
use crate::source::{LineIndex, Position, SourceFile};
use std::io::BufRead;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// What every file of a run is checked with.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub checker: Checker<'a>,
    pub options: &'a Options,
}

/// Where the bytes being checked come from, which decides whether `--fix` may write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Read from the file: `--fix` writes its safe fixes there, and checks the result again.
    File,
    /// Just written by `--fix`: checked again for what is left, never fixed twice.
    Fixed,
    /// Handed over in memory (`engine::check_text`): there is no file to write.
    Memory,
}

/// Checks one file; a panic inside becomes an `internal-error` finding for that file only.
pub fn check_isolated(
    path: PathBuf,
    format: Option<Format>,
    reached: Reached,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        check_file(path.clone(), format, reached, ctx, emit)
    }));
    if let Err(panic) = outcome {
        emit(panicked(path, panic, &ctx.options.config));
    }
}

/// Where a stream starts in the file it is part of (a chunk of a larger stream, as a Spark
/// partition pipes it): its first line's number and its first payload's index.
#[derive(Debug, Clone, Copy)]
pub struct StreamStart {
    /// 1 for a whole file.
    pub line: usize,
    /// 0 for a whole file.
    pub payload: usize,
}

impl StreamStart {
    /// A whole file: line 1, payload 0.
    pub const WHOLE: StreamStart = StreamStart {
        line: 1,
        payload: 0,
    };
}

/// Streams standard input as NDJSON; a panic inside becomes an `internal-error` finding.
pub fn check_stdin(
    path: PathBuf,
    first: StreamStart,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    let stdin = std::io::stdin();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        stream(&path, stdin.lock(), first, ctx, emit)
    }));
    if let Err(panic) = outcome {
        emit(panicked(path, panic, &ctx.options.config));
    }
}

/// The report of a file that could not be read (or walked).
pub fn unreadable(path: PathBuf, why: &Unreadable, config: &Config) -> FileReport {
    let finding = rules::unreadable_file::diagnose(why);
    finish(FileReport::new(path), vec![finding], None, config)
}

fn check_file(
    path: PathBuf,
    format: Option<Format>,
    reached: Reached,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    test_hooks::before_read(&path);
    let (file, len) = match read::open(&path, reached) {
        Ok(f) => f,
        Err(why) => return emit(unreadable(path, &why, &ctx.options.config)),
    };
    if format == Some(Format::Ndjson) {
        // Streamed: any size, constant memory; --max-file-size bounds one line.
        let reader = std::io::BufReader::with_capacity(64 * 1024, file);
        return stream(&path, reader, StreamStart::WHOLE, ctx, emit);
    }
    let bytes = match read::read_bytes(file, len, ctx.options.max_file_size) {
        Ok(b) => b,
        Err(why) => return emit(unreadable(path, &why, &ctx.options.config)),
    };
    check_bytes(path, bytes, format, ctx, Origin::File, emit)
}

/// Checks a file's bytes (`format` unknown: by name, else by content). With `--fix`, bytes
/// read from the file get their safe fixes written, and the result is checked once more.
pub fn check_bytes(
    path: PathBuf,
    bytes: Vec<u8>,
    format: Option<Format>,
    ctx: &Ctx<'_>,
    origin: Origin,
    emit: &mut dyn FnMut(FileReport),
) {
    let mut report = FileReport::new(path);
    let (source, undecodable) = input::decode(report.path.clone(), bytes);
    if let Some(problem) = undecodable {
        report.payloads = 1;
        let findings = vec![rules::of_problem(&problem)];
        return emit(conclude(
            report,
            findings,
            source,
            Edits::default(),
            ctx.options,
        ));
    }
    let format = format.unwrap_or_else(|| Format::for_named(&source.path, &source.text));
    if format == Format::Ndjson {
        let bytes = std::io::Cursor::new(source.text.into_bytes());
        return stream(&report.path, bytes, StreamStart::WHOLE, ctx, emit);
    }
    let mut parsed = input::read(format, &source);
    let unread = read::body_files(&mut parsed, &report.path, ctx.options.max_file_size);
    let checked = check_parsed(&ctx.checker, &source, parsed);
    report.payloads += checked.payloads;
    report.skipped_entries += checked.skipped;
    report.bodies.add(checked.bodies);
    let mut findings = checked.findings;
    findings.extend(unread);
    let edits = checked.edits;
    let writes = origin == Origin::File && ctx.options.fix == FixMode::Apply;
    if writes && !edits.safe.is_empty() {
        match write_fixes(&source, &edits.safe) {
            Ok(None) => {}
            Ok(Some(bytes)) => {
                // What is left, from the file as written; the report counts the fixes.
                let count = edits.safe.len();
                let mut counted = |mut r: FileReport| {
                    if !r.continuation {
                        r.fixes = count;
                    }
                    emit(r)
                };
                let path = report.path;
                return check_bytes(path, bytes, Some(format), ctx, Origin::Fixed, &mut counted);
            }
            Err(why) => findings.push(rules::unreadable_file::diagnose(&why)),
        }
    }
    emit(conclude(report, findings, source, edits, ctx.options))
}

/// Writes the safe fixes into the file, atomically; the bytes written, or `None` when the fixes
/// change nothing.
fn write_fixes(source: &SourceFile, safe: &[Edit]) -> Result<Option<Vec<u8>>, Unreadable> {
    let fixed = fix::apply(&source.text, &sorted(safe.to_vec()));
    if fixed == source.text {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(fixed.len() + 3);
    if source.bom {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    bytes.extend_from_slice(fixed.as_bytes());
    fix::write_atomic(&source.path, &bytes)
        .map_err(|e| Unreadable::FixesNotWritten(IoFailure::from(&e)))?;
    Ok(Some(bytes))
}

fn sorted(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits
}

/// Streams NDJSON: each non-blank line is a payload. Memory stays flat: one line is held at a
/// time, and findings are handed on as each line is checked; lines without findings are
/// counted into the next report. `first_line` numbers the stream's first line.
fn stream(
    path: &Path,
    reader: impl BufRead,
    first: StreamStart,
    ctx: &Ctx<'_>,
    emit: &mut dyn FnMut(FileReport),
) {
    let limit = ctx.options.max_file_size as usize;
    let first_line = first.line;
    let mut index = first.payload;
    let mut pending_payloads = 0usize;
    for line in Lines::new(reader, limit, first_line) {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                emit(line_error(path, e, index, &ctx.options.config));
                break;
            }
        };
        let (mut report, findings, source, edits) = check_line(path, line, index, ctx);
        index += report.payloads;
        if findings.is_empty() {
            pending_payloads += report.payloads;
        } else {
            report.payloads += pending_payloads;
            pending_payloads = 0;
            emit(conclude(report, findings, source, edits, ctx.options));
        }
    }
    let mut closing = FileReport::new(path.to_path_buf());
    closing.payloads = pending_payloads;
    emit(closing);
}

/// One line of a stream (payload `index`): its report, not yet finished, and its findings.
/// A line that is too long or not UTF-8 is one finding of its payload.
fn check_line(
    path: &Path,
    line: ndjson::Line,
    index: usize,
    ctx: &Ctx<'_>,
) -> (FileReport, Vec<Finding>, SourceFile, Edits) {
    let mut report = FileReport::new(path.to_path_buf());
    report.line_base = line.number - 1;
    report.continuation = true;
    let (source, undecodable) = input::decode(path.to_path_buf(), line.bytes);
    if line.overlong {
        report.payloads = 1;
        let why = Unreadable::LineTooLong {
            line: line.number,
            limit: ctx.options.max_file_size as usize,
        };
        let mut finding = rules::unreadable_file::diagnose(&why);
        finding.payload = Some(index);
        return (report, vec![finding], source, Edits::default());
    }
    if let Some(problem) = undecodable {
        report.payloads = 1;
        let mut finding = rules::of_problem(&problem);
        finding.payload = Some(index);
        return (report, vec![finding], source, Edits::default());
    }
    let parsed = ndjson::read_line(&source.text, index);
    let checked = check_parsed(&ctx.checker, &source, parsed);
    report.payloads += checked.payloads;
    report.bodies.add(checked.bodies);
    let mut findings = checked.findings;
    for d in &mut findings {
        d.payload = Some(index);
    }
    (report, findings, source, checked.edits)
}

/// The report of a line of a stream that could not be read (it points at the line's start):
/// the stream ends there.
fn line_error(path: &Path, e: LineError, index: usize, config: &Config) -> FileReport {
    let mut r = FileReport::new(path.to_path_buf());
    r.line_base = e.number - 1;
    r.continuation = true;
    let why = Unreadable::Line {
        line: e.number,
        failure: IoFailure::from(&e.error),
    };
    let mut d = rules::unreadable_file::diagnose(&why);
    d.payload = Some(index);
    finish(r, vec![d], None, config)
}

/// The report of a checked file: its findings placed, and the conformant text for the diff.
fn conclude(
    report: FileReport,
    findings: Vec<Finding>,
    source: SourceFile,
    edits: Edits,
    options: &Options,
) -> FileReport {
    if findings.is_empty() {
        return report;
    }
    // The diff shows every fix, or with `--fix --diff` only the safe ones --fix would write.
    let shown = if options.fix == FixMode::Diff {
        edits.safe
    } else {
        edits.all
    };
    let conformant = if options.conformant && !shown.is_empty() {
        Some(fix::apply(&source.text, &sorted(shown))).filter(|fixed| *fixed != source.text)
    } else {
        None
    };
    let mut report = finish(report, findings, Some(source), &options.config);
    report.conformant = conformant;
    report
}

/// Gives the findings their levels and places them, in offset order (so a long line is
/// counted once for all its findings), at their line and column in `source`; without a source
/// (a file that could not be read) they are about the whole file and point at its start. The
/// diagnostics are sorted by position, payload and rule.
fn finish(
    mut report: FileReport,
    mut findings: Vec<Finding>,
    source: Option<SourceFile>,
    config: &Config,
) -> FileReport {
    config.apply_levels(&report.path, &mut findings);
    findings.sort_by_key(|d| d.span.start);
    let line_base = report.line_base;
    let start = Position { line: 1, column: 1 };
    let mut placed = |d: Finding, p: Position| {
        let at = Position {
            line: p.line + line_base,
            column: p.column,
        };
        report.diagnostics.push(d.placed(at));
    };
    match &source {
        Some(source) => {
            let lines = LineIndex::new(&source.text);
            let mut cursor = lines.cursor(&source.text);
            for d in findings {
                let p = cursor.position(d.span.start);
                placed(d, p);
            }
            report.lines = Some(lines);
        }
        None => findings.into_iter().for_each(|d| placed(d, start)),
    }
    report.diagnostics.sort_by(|a, b| {
        (a.line, a.column, a.payload, a.rule).cmp(&(b.line, b.column, b.payload, b.rule))
    });
    report.source = source;
    report
}

fn panicked(path: PathBuf, panic: Box<dyn std::any::Any + Send>, config: &Config) -> FileReport {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string());
    let finding = rules::internal_error::diagnose(&what);
    finish(FileReport::new(path), vec![finding], None, config)
}
