//! One file, from its path to its finished reports: read it (or stream it, for NDJSON), check
//! its payloads, write the safe fixes with `--fix` (a stream's line by line, see
//! [`rewrite`](super::rewrite)), check the fixed text again for what it still fails, and place
//! the findings at their lines and columns. A panic while checking a file is an
//! `internal-error` finding for that file only.

use super::options::{FixMode, Options};
use super::read::{self, test_hooks};
use super::rewrite::{Recording, Rewrite};
use crate::check::payload::{check_parsed, Checked, Checker, Edits};
use crate::config::Config;
use crate::diagnostic::Finding;
use crate::discover::Reached;
use crate::fix::{self, Edit, Selection};
use crate::input::ndjson::{self, LineEnd, LineError, Lines};
use crate::input::problem::{IoFailure, Unreadable};
use crate::input::{self, Format};
use crate::report::{Conformant, Ending, FileReport, Left};
use crate::rules;
use crate::source::{LineIndex, Position, SourceFile};
use std::cell::RefCell;
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
    /// Handed over in memory (`engine::check_text`, standard input): there is no file to write.
    Memory,
}

/// How a text is read into payloads (to check it again once fixed).
#[derive(Debug, Clone, Copy)]
enum Reading {
    /// A whole file of this format.
    File(Format),
    /// One line of a stream, payload `index`, and what follows it.
    Line { index: usize, end: LineEnd },
}

/// Passes of fixes at most: the fixes of the findings, then of what the fixed text still fails.
const PASSES: usize = 4;

/// A text with fixes applied until nothing changes (or [`PASSES`] passes), and its check.
struct Converged {
    source: SourceFile,
    checked: Checked,
    /// The fixes applied, over every pass.
    applied: usize,
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
        stream(&path, stdin.lock(), first, ctx, Origin::Memory, emit)
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
        return stream(&path, reader, StreamStart::WHOLE, ctx, Origin::File, emit);
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
        return emit(conclude(report, findings, source, None, ctx.options));
    }
    let format = format.unwrap_or_else(|| Format::for_named(&source.path, &source.text));
    if format == Format::Ndjson {
        let bytes = std::io::Cursor::new(source.text.into_bytes());
        let path = report.path;
        return stream(&path, bytes, StreamStart::WHOLE, ctx, origin, emit);
    }
    let reading = Reading::File(format);
    let checked = read_checked(ctx, reading, &source);
    report.payloads += checked.payloads;
    report.skipped_entries += checked.skipped;
    report.bodies.add(checked.bodies);
    let mut findings = checked.findings;
    let edits = checked.edits;
    let writes = origin == Origin::File && ctx.options.fix == FixMode::Apply;
    // What --fix writes is what `--fix --diff` shows: the safe fixes, again on what they leave.
    let safe = if writes && !edits.safe.is_empty() {
        converge(ctx, reading, &source, edits.safe.clone(), Selection::Safe)
    } else {
        None
    };
    if let Some(safe) = safe {
        match write_fixes(&source, &safe.source.text) {
            Ok(bytes) => {
                // What is left, from the file as written; the report counts the fixes.
                let count = safe.applied;
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
    let conformant = conformant(ctx, reading, &source, edits, 0);
    emit(conclude(report, findings, source, conformant, ctx.options))
}

/// Reads `source` into payloads and checks them.
fn read_checked(ctx: &Ctx<'_>, reading: Reading, source: &SourceFile) -> Checked {
    let (parsed, unread) = match reading {
        Reading::File(format) => {
            let mut parsed = input::read(format, source);
            // The body files a transcript names (`< ./body.json`), read beside it.
            let unread = read::body_files(&mut parsed, &source.path, ctx.options.max_file_size);
            (parsed, unread)
        }
        Reading::Line { index, .. } => (ndjson::read_line(&source.text, index), Vec::new()),
    };
    let mut checked = check_parsed(&ctx.checker, source, parsed);
    checked.findings.extend(unread);
    checked
}

/// `source` with `first` (fixes of the `selection`) applied, then the same selection of fixes of
/// what the result still fails, until nothing changes or after [`PASSES`] passes; `None` when
/// the fixes change nothing.
fn converge(
    ctx: &Ctx<'_>,
    reading: Reading,
    source: &SourceFile,
    first: Vec<Edit>,
    selection: Selection,
) -> Option<Converged> {
    let mut applied = first.len();
    let mut text = fix::apply(&source.text, &sorted(first));
    if text == source.text {
        return None;
    }
    let mut pass = 1;
    loop {
        let fixed = SourceFile {
            path: source.path.clone(),
            text,
            bom: source.bom,
        };
        let checked = read_checked(ctx, reading, &fixed);
        let next = match selection {
            Selection::All => &checked.edits.all,
            Selection::Safe => &checked.edits.safe,
        };
        let again = (pass < PASSES && !next.is_empty())
            .then(|| fix::apply(&fixed.text, &sorted(next.clone())));
        match again {
            Some(again) if again != fixed.text => {
                applied += next.len();
                text = again;
                pass += 1;
            }
            _ => {
                return Some(Converged {
                    source: fixed,
                    checked,
                    applied,
                })
            }
        }
    }
}

/// The text the diff shows: every fix, or with `--fix --diff` only the safe ones `--fix`
/// writes, converged; and what it still fails. `line_base`: lines before `source` in the file.
fn conformant(
    ctx: &Ctx<'_>,
    reading: Reading,
    source: &SourceFile,
    edits: Edits,
    line_base: usize,
) -> Option<Conformant> {
    let options = ctx.options;
    let (fixes, shown) = match options.fix {
        FixMode::Diff => (Selection::Safe, edits.safe),
        FixMode::Off | FixMode::Apply => (Selection::All, edits.all),
    };
    if !options.conformant || shown.is_empty() {
        return None;
    }
    let fixed = converge(ctx, reading, source, shown, fixes)?;
    let mut findings = fixed.checked.findings;
    options
        .config
        .apply_levels(&fixed.source.path, &mut findings);
    findings.sort_by_key(|d| d.span.start);
    let lines = LineIndex::new(&fixed.source.text);
    let mut cursor = lines.cursor(&fixed.source.text);
    // One payload: its pointer says where; else the line of the fixed text does too.
    let one_payload = match reading {
        Reading::Line { .. } => true,
        Reading::File(_) => fixed.checked.payloads == 1,
    };
    let left = findings
        .iter()
        .map(|d| Left {
            rule: d.rule,
            pointer: d.pointer.clone(),
            line: (!one_payload || d.pointer.is_root())
                .then(|| cursor.position(d.span.start).line + line_base),
        })
        .collect();
    let ending = match reading {
        Reading::Line {
            end: LineEnd::Newline,
            ..
        } => Ending::Newline,
        _ => Ending::AsIs,
    };
    Some(Conformant {
        text: fixed.source.text,
        fixes,
        left,
        ending,
    })
}

/// Writes the fixed text into the file, atomically; the bytes written.
fn write_fixes(source: &SourceFile, fixed: &str) -> Result<Vec<u8>, Unreadable> {
    let mut bytes = Vec::with_capacity(fixed.len() + 3);
    if source.bom {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    bytes.extend_from_slice(fixed.as_bytes());
    fix::write_atomic(&source.path, &bytes)
        .map_err(|e| Unreadable::FixesNotWritten(IoFailure::from(&e)))?;
    Ok(bytes)
}

fn sorted(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits
}

/// Streams NDJSON: each non-blank line is a payload. Memory stays flat: one line is held at a
/// time, and findings are handed on as each line is checked; lines without findings are
/// counted into the next report. `first` numbers the stream's first line and payload. With
/// `--fix`, a stream read from its file gets its lines' safe fixes written (a copy of the
/// stream, committed once it is read to its end), and each fixed line is reported as written.
fn stream(
    path: &Path,
    reader: impl BufRead,
    first: StreamStart,
    ctx: &Ctx<'_>,
    origin: Origin,
    emit: &mut dyn FnMut(FileReport),
) {
    let limit = ctx.options.max_file_size as usize;
    let writes = origin == Origin::File && ctx.options.fix == FixMode::Apply;
    let rewrite = writes.then(|| RefCell::new(Rewrite::beside(path, limit)));
    let Some(cell) = &rewrite else {
        let lines = Lines::new(reader, limit, first.line);
        let closing = stream_lines(path, lines, first, ctx, None, emit);
        return emit(closing);
    };
    let recording = Recording {
        inner: reader,
        rewrite: cell,
    };
    let lines = Lines::new(recording, limit, first.line);
    let mut closing = stream_lines(path, lines, first, ctx, Some(cell), emit);
    let Some(rewrite) = rewrite else {
        return emit(closing);
    };
    match rewrite.into_inner().commit() {
        Ok(fixes) => {
            closing.fixes = fixes;
            emit(closing)
        }
        Err(e) => {
            let why = Unreadable::FixesNotWritten(IoFailure::from(&e));
            let finding = rules::unreadable_file::diagnose(&why);
            emit(finish(closing, vec![finding], None, &ctx.options.config))
        }
    }
}

/// Checks the lines of a stream, handing on the report of each line with findings; returns the
/// closing report (the payloads after the last of them). With `rewrite`, each line's safe
/// fixes go into the copy of the stream, and a fixed line is reported as written.
fn stream_lines(
    path: &Path,
    lines: impl Iterator<Item = Result<ndjson::Line, LineError>>,
    first: StreamStart,
    ctx: &Ctx<'_>,
    rewrite: Option<&RefCell<Rewrite>>,
    emit: &mut dyn FnMut(FileReport),
) -> FileReport {
    let mut index = first.payload;
    let mut pending_payloads = 0usize;
    for line in lines {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                if let Some(rw) = rewrite {
                    let why = std::io::Error::new(e.error.kind(), e.error.to_string());
                    rw.borrow_mut().abandon(why);
                }
                emit(line_error(path, e, index, &ctx.options.config));
                break;
            }
        };
        let (number, end, len) = (line.number, line.ending, line.bytes.len());
        let mut checked = check_line(path, line, index, ctx);
        if let Some(rw) = rewrite {
            if let Some(fixed) = fix_line(ctx, &checked, index, end) {
                let mut bytes = Vec::with_capacity(fixed.source.text.len() + 3);
                if fixed.source.bom {
                    bytes.extend_from_slice(b"\xEF\xBB\xBF");
                }
                bytes.extend_from_slice(fixed.source.text.as_bytes());
                let written = rw
                    .borrow_mut()
                    .replace_last_line(len, &bytes, fixed.applied);
                if written {
                    // What is left, from the line as written.
                    let line = ndjson::Line {
                        number,
                        bytes,
                        overlong: false,
                        ending: end,
                    };
                    checked = check_line(path, line, index, ctx);
                }
            }
            rw.borrow_mut().line_done();
        }
        let LineChecked {
            mut report,
            findings,
            source,
            edits,
        } = checked;
        let reading = Reading::Line { index, end };
        index += report.payloads;
        if findings.is_empty() {
            pending_payloads += report.payloads;
        } else {
            report.payloads += pending_payloads;
            pending_payloads = 0;
            let conformant = conformant(ctx, reading, &source, edits, report.line_base);
            emit(conclude(report, findings, source, conformant, ctx.options));
        }
    }
    let mut closing = FileReport::new(path.to_path_buf());
    closing.payloads = pending_payloads;
    closing
}

/// A line's safe fixes, converged, when it has any and they change it.
fn fix_line(ctx: &Ctx<'_>, checked: &LineChecked, index: usize, end: LineEnd) -> Option<Converged> {
    if checked.edits.safe.is_empty() {
        return None;
    }
    let reading = Reading::Line { index, end };
    let safe = checked.edits.safe.clone();
    converge(ctx, reading, &checked.source, safe, Selection::Safe)
}

/// A line of a stream, checked: its report, not yet finished, its findings, its text and the
/// edits towards a conformant line.
struct LineChecked {
    report: FileReport,
    findings: Vec<Finding>,
    source: SourceFile,
    edits: Edits,
}

impl LineChecked {
    /// A line that could not be checked: one finding, no edits.
    fn unchecked(report: FileReport, finding: Finding, source: SourceFile) -> LineChecked {
        LineChecked {
            report,
            findings: vec![finding],
            source,
            edits: Edits::default(),
        }
    }
}

/// One line of a stream (payload `index`): its report, not yet finished, and its findings.
/// A line that is too long or not UTF-8 is one finding of its payload.
fn check_line(path: &Path, line: ndjson::Line, index: usize, ctx: &Ctx<'_>) -> LineChecked {
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
        return LineChecked::unchecked(report, finding, source);
    }
    if let Some(problem) = undecodable {
        report.payloads = 1;
        let mut finding = rules::of_problem(&problem);
        finding.payload = Some(index);
        return LineChecked::unchecked(report, finding, source);
    }
    let parsed = ndjson::read_line(&source.text, index);
    let checked = check_parsed(&ctx.checker, &source, parsed);
    report.payloads += checked.payloads;
    report.bodies.add(checked.bodies);
    let mut findings = checked.findings;
    for d in &mut findings {
        d.payload = Some(index);
    }
    LineChecked {
        report,
        findings,
        source,
        edits: checked.edits,
    }
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
    conformant: Option<Conformant>,
    options: &Options,
) -> FileReport {
    if findings.is_empty() {
        return report;
    }
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
