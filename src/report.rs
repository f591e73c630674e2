//! The report model: what a run found in each file ([`FileReport`]) and the counts of the run
//! ([`Summary`]). The engine fills them in; renderers read them and know nothing else of the
//! run.

use crate::diagnostic::Diagnostic;
use crate::fix::Selection;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::{LineIndex, SourceFile};
use std::path::PathBuf;

/// How many JSON bodies were checked against a description (a catalog resource, a type of the
/// metadata), and how many were not: for most of those a finding says why (its request routes
/// nowhere, nothing names its type, it is not JSON); the rest the description leaves open.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Bodies {
    pub checked: usize,
    /// Not checked, and a finding says why (an unknown operation, JSON that does not parse).
    pub unchecked: usize,
    /// Not checked because the description leaves the body open (a `202 Accepted`, a
    /// redirect): no finding.
    pub undescribed: usize,
}

impl Bodies {
    pub fn add(&mut self, other: Bodies) {
        self.checked += other.checked;
        self.unchecked += other.unchecked;
        self.undescribed += other.undescribed;
    }

    pub fn total(&self) -> usize {
        self.checked + self.unchecked + self.undescribed
    }
}

/// A file (or a stream's line) with fixes applied, for the diff, and what the result still
/// fails when it is checked again.
#[derive(Debug, Clone, PartialEq)]
pub struct Conformant {
    /// The text with the fixes applied, then the fixes of what that text still fails, until
    /// nothing changes (a rename can uncover a value of the wrong type).
    pub text: String,
    /// Which fixes: all of them, or (`--fix --diff`, `--fix`) only the safe ones.
    pub fixes: Selection,
    /// What the fixed text still fails, in its order; empty when it is conformant.
    pub left: Vec<Left>,
    /// How the two texts end.
    pub ending: Ending,
}

/// How the texts of a diff end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// As the file does: a whole file, or a stream's last line without a line end.
    AsIs,
    /// A stream's line: its line end follows it in the file.
    Newline,
}

/// A finding the fixed text still has: its rule and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    pub rule: Rule,
    pub pointer: JsonPointer,
    /// The line in the file of the fixed text, when the pointer alone does not say where (a file
    /// of several payloads, a finding outside a body).
    pub line: Option<usize>,
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
    /// The file with the fixes applied, and what it still fails, when asked for and different.
    pub conformant: Option<Conformant>,
    /// Lines before `source` in the file (an NDJSON stream is reported a line at a time).
    pub line_base: usize,
    /// More reports of the same file follow; only the last one counts the file.
    pub continuation: bool,
    /// Safe fixes written into the file by `--fix`.
    pub fixes: usize,
    /// When a baseline suppressed some findings: all the findings, before it did (what
    /// `--write-baseline` records).
    pub suppressed: Vec<Diagnostic>,
    /// The file's JSON bodies, checked or not.
    pub bodies: Bodies,
    /// Entries of a browser capture skipped as no API calls.
    pub skipped_entries: usize,
}

impl FileReport {
    /// An empty report of `path`: no payloads, no findings.
    pub fn new(path: PathBuf) -> Self {
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
            bodies: Bodies::default(),
            skipped_entries: 0,
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
    /// Files with at least one finding (a stream reported in parts counts once).
    pub files_with_findings: usize,
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
    pub bodies: Bodies,
    /// Entries of browser captures skipped as no API calls (images, scripts, other hosts).
    pub skipped_entries: usize,
    /// The file being counted (reported in parts) has had a finding in an earlier part.
    open_file_found: bool,
}

impl Summary {
    /// Counts one report in.
    pub fn add(&mut self, report: &FileReport) {
        let found = self.open_file_found || !report.diagnostics.is_empty();
        if report.continuation {
            self.open_file_found = found;
        } else {
            self.files += 1;
            self.files_with_findings += usize::from(found);
            self.open_file_found = false;
        }
        self.fixes += report.fixes;
        self.files_fixed += usize::from(report.fixes > 0);
        self.payloads += report.payloads;
        self.bodies.add(report.bodies);
        self.skipped_entries += report.skipped_entries;
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            if d.rule == Rule::InternalError {
                self.internal_errors += 1;
            }
            *self.by_rule.entry(d.rule.id()).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::JsonPointer;
    use crate::source::Span;

    fn finding(rule: Rule, severity: Severity) -> Diagnostic {
        crate::diagnostic::Finding::new(rule, severity, Span::new(0, 1), JsonPointer::root(), "m")
            .placed(crate::source::Position { line: 1, column: 1 })
    }

    #[test]
    fn a_summary_counts_files_payloads_severities_and_rules() {
        let mut summary = Summary::default();
        let mut first = FileReport::new("a.ndjson".into());
        first.continuation = true;
        first.payloads = 2;
        first.diagnostics = vec![
            finding(Rule::UnknownField, Severity::Error),
            finding(Rule::ReadOnlyField, Severity::Warning),
        ];
        let mut last = FileReport::new("a.ndjson".into());
        last.payloads = 1;
        last.fixes = 2;
        last.diagnostics = vec![finding(Rule::InternalError, Severity::Error)];
        summary.add(&first);
        summary.add(&last);
        assert_eq!(
            (
                summary.files,
                summary.payloads,
                summary.errors,
                summary.warnings
            ),
            (1, 3, 2, 1),
            "a stream reported in parts is one file"
        );
        assert_eq!((summary.fixes, summary.files_fixed), (2, 1));
        assert_eq!(summary.files_with_findings, 1, "counted once");
        assert_eq!(summary.internal_errors, 1);
        assert_eq!(summary.by_rule["unknown-field"], 1);
        assert_eq!(summary.by_rule.len(), 3);
        let mut clean = FileReport::new("b.json".into());
        clean.payloads = 1;
        summary.add(&clean);
        let mut streamed = FileReport::new("c.ndjson".into());
        streamed.continuation = true;
        streamed.diagnostics = vec![finding(Rule::UnknownField, Severity::Error)];
        summary.add(&streamed);
        summary.add(&FileReport::new("c.ndjson".into()));
        assert_eq!((summary.files, summary.files_with_findings), (3, 2));
    }

    #[test]
    fn the_display_path_is_the_path_as_given() {
        assert_eq!(
            FileReport::new("./x/b.json".into()).display_path(),
            "./x/b.json"
        );
    }
}
