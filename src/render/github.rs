//! `--format github`: GitHub Actions workflow commands, one line per finding, which the runner
//! turns into annotations on the file and line:
//!
//! ```text
//! ::error file=corpus/x.json,line=3,col=5,title=paylint unknown-field::unknown field `groupID`…
//! ```
//!
//! `::warning` for warnings. The file is named relative to the working directory with `/`
//! separators (the runner resolves it against the workspace); a finding on standard input has no
//! file, line or column. The message is the finding's message and hint. Nothing else is printed:
//! no summary line, so every line of the output is a command.
//!
//! The runner shows only 10 error and 10 warning annotations per step. So when the step has a
//! job summary file (`$GITHUB_STEP_SUMMARY`, given to [`Github::with_step_summary`]), `finish`
//! also appends a Markdown summary to it ([`step_summary`]): the counts, the findings by rule and
//! severity, and the files with the most findings. The file is the runner's: it is appended to,
//! never replaced, since every step of the job writes its own part. A summary that cannot be
//! written is a note on standard error, not a failure of the run.
//!
//! Escaping is the runner's (`ActionCommand.cs` in actions/runner, `command.ts` in
//! actions/toolkit): in the message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in property
//! values `:` and `,` also become `%3A` and `%2C`.

use super::sarif::artifact;
use super::Renderer;
use crate::report::{FileReport, Summary};
use crate::rule::Severity;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

/// How many files the job summary lists.
pub const TOP_FILES: usize = 10;

pub struct Github {
    /// The working directory: files are named relative to it.
    base: Option<PathBuf>,
    /// The job summary file to append to, and what it will say.
    step_summary: Option<PathBuf>,
    counts: Counts,
    /// Why the job summary could not be written.
    note: Option<String>,
}

/// Errors and warnings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    fn total(&self) -> usize {
        self.errors + self.warnings
    }
}

/// What the job summary counts: findings by rule, and by file (files with findings only).
#[derive(Debug, Default)]
pub struct Counts {
    pub by_rule: BTreeMap<&'static str, Tally>,
    pub by_file: Vec<(String, Tally)>,
}

impl Github {
    pub fn new() -> Self {
        Github::with_base(std::env::current_dir().ok())
    }

    pub fn with_base(base: Option<PathBuf>) -> Self {
        Github {
            base,
            step_summary: None,
            counts: Counts::default(),
            note: None,
        }
    }

    /// Also append a Markdown summary of the run to `file` (the step's `$GITHUB_STEP_SUMMARY`).
    pub fn with_step_summary(mut self, file: Option<PathBuf>) -> Self {
        self.step_summary = file;
        self
    }

    fn count(&mut self, name: &str, report: &FileReport) {
        if self.step_summary.is_none() || report.diagnostics.is_empty() {
            return;
        }
        let mut tally = Tally::default();
        for d in &report.diagnostics {
            tally.add(d.severity);
            self.counts
                .by_rule
                .entry(d.rule.id())
                .or_default()
                .add(d.severity);
        }
        // The parts of a stream reported in parts follow each other.
        match self.counts.by_file.last_mut() {
            Some((last, t)) if last == name => {
                t.errors += tally.errors;
                t.warnings += tally.warnings;
            }
            _ => self.counts.by_file.push((name.to_string(), tally)),
        }
    }
}

/// The job summary in Markdown: a heading, the summary line, a table of findings by rule and
/// severity, and the [`TOP_FILES`] files with the most findings.
pub fn step_summary(s: &Summary, counts: &Counts) -> String {
    let mut md = String::from("### paylint\n\n");
    if s.errors == 0 && s.warnings == 0 {
        md.push_str(&format!(
            "{}.\n",
            capitalize(&super::human::summary_line(s, true))
        ));
        return md;
    }
    md.push_str(&format!("{}.\n\n", super::human::summary_line(s, true)));
    md.push_str("| rule | errors | warnings |\n|---|---:|---:|\n");
    let mut rules: Vec<(&&str, &Tally)> = counts.by_rule.iter().collect();
    rules.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
    for (rule, t) in rules {
        md.push_str(&format!("| `{rule}` | {} | {} |\n", t.errors, t.warnings));
    }
    let mut files: Vec<&(String, Tally)> = counts.by_file.iter().collect();
    files.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(&b.0)));
    let shown = files.len().min(TOP_FILES);
    md.push_str(&format!(
        "\n{} with the most findings{}:\n\n| file | errors | warnings |\n|---|---:|---:|\n",
        if shown == 1 { "The file" } else { "The files" },
        if files.len() > shown {
            format!(" ({shown} of {})", files.len())
        } else {
            String::new()
        }
    ));
    for (file, t) in files.into_iter().take(shown) {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            markdown_text(file),
            t.errors,
            t.warnings
        ));
    }
    md.push_str(
        "\nThe runner shows only 10 error and 10 warning annotations per step; the step's log has \
         every finding.\n",
    );
    md
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Text for a Markdown table cell: characters Markdown or a table act on are backslash-escaped,
/// control characters written visibly.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if super::is_control(c) => super::push_control(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

impl Default for Github {
    fn default() -> Self {
        Github::new()
    }
}

/// Escapes a command's data (the message after `::`).
pub fn escape_data(s: &str) -> String {
    escape(s, Field::Data)
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape(s, Field::Property)
}

/// What part of a workflow command is escaped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// The message after `::`.
    Data,
    /// A property value: `:` and `,` are escaped too.
    Property,
}

fn escape(s: &str, field: Field) -> String {
    let property = field == Field::Property;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if super::is_control(c) => super::push_control(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

impl Renderer for Github {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let artifact = artifact(&report.path, self.base.as_deref());
        self.count(&artifact.display, report);
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = Vec::with_capacity(4);
            if !artifact.stdin {
                properties.push(format!("file={}", escape_property(&artifact.display)));
                properties.push(format!("line={}", d.line));
                properties.push(format!("col={}", d.column));
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!("paylint {}", d.rule.id()))
            ));
            writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                escape_data(&d.full_message())
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if let Some(path) = &self.step_summary {
            let md = step_summary(summary, &self.counts);
            let appended = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .and_then(|mut f| f.write_all(md.as_bytes()));
            if let Err(e) = appended {
                self.note = Some(format!(
                    "cannot append the job summary to {}: {e}",
                    path.display()
                ));
            }
        }
        Ok(())
    }

    fn notes(&self) -> Vec<String> {
        self.note.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_summary_counts_by_rule_and_names_the_worst_files() {
        let mut s = Summary::default();
        (
            s.files,
            s.files_with_findings,
            s.payloads,
            s.errors,
            s.warnings,
        ) = (12, 11, 14, 13, 2);
        let mut counts = Counts::default();
        counts.by_rule.insert(
            "unknown-field",
            Tally {
                errors: 12,
                warnings: 0,
            },
        );
        counts.by_rule.insert(
            "read-only-field",
            Tally {
                errors: 1,
                warnings: 2,
            },
        );
        counts.by_file.push((
            "a|b.json".into(),
            Tally {
                errors: 1,
                warnings: 2,
            },
        ));
        for i in 0..10 {
            counts.by_file.push((
                format!("f{i}.json"),
                Tally {
                    errors: 1,
                    warnings: 0,
                },
            ));
        }
        let md = step_summary(&s, &counts);
        assert!(
            md.starts_with(
                "### paylint\n\n13 errors, 2 warnings in 11 of 12 files (14 payloads).\n\n\
             | rule | errors | warnings |\n|---|---:|---:|\n\
             | `unknown-field` | 12 | 0 |\n| `read-only-field` | 1 | 2 |\n\n\
             The files with the most findings (10 of 11):\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("| a\\|b.json | 1 | 2 |\n| f0.json | 1 | 0 |\n"),
            "{md}"
        );
        assert!(!md.contains("f9.json"), "{md}");
        let clean = step_summary(&Summary::default(), &Counts::default());
        assert_eq!(
            clean,
            "### paylint\n\nNo findings in 0 files (0 payloads).\n"
        );
    }

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% a:b, c\r\nd%0A"),
            "100%25 a:b, c%0D%0Ad%250A"
        );
        assert_eq!(escape_data("plain `text`"), "plain `text`");
    }

    #[test]
    fn control_characters_are_written_visibly() {
        assert_eq!(
            escape_data("a\u{1b}[31mb\u{0}c\u{7f}\u{9b}d\te"),
            "a\\u{001B}[31mb\\u{0000}c\\u{007F}\\u{009B}d\te"
        );
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("dir/a,b:c%d\ne\rf.json"),
            "dir/a%2Cb%3Ac%25d%0Ae%0Df.json"
        );
        assert_eq!(
            escape_property("paylint unknown-field"),
            "paylint unknown-field"
        );
    }

    /// The runner unescapes with plain replaces, `%25` last; escaping then unescaping is the
    /// identity, even for text that already looks escaped.
    #[test]
    fn escaping_round_trips_through_the_runners_unescape() {
        fn unescape(s: &str, property: bool) -> String {
            let mut s = s.replace("%0D", "\r").replace("%0A", "\n");
            if property {
                s = s.replace("%3A", ":").replace("%2C", ",");
            }
            s.replace("%25", "%")
        }
        for text in [
            "%",
            "%25",
            "%0A",
            "a\nb\r\nc",
            "%3A:%2C,",
            "%%0D0A",
            "x%253A",
        ] {
            assert_eq!(unescape(&escape_data(text), false), text);
            assert_eq!(unescape(&escape_property(text), true), text);
        }
    }
}
