//! `--format human`: rustc/ruff-style findings with the source line and a caret, the hint, a
//! unified diff towards a conformant payload, and a one-line summary.

use super::Renderer;
use crate::diagnostic::{Diagnostic, Severity};
use crate::diff;
use crate::lint::{FileReport, Summary};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

pub struct Human {
    pub color: bool,
    pub show_diff: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// Counts by rule before the summary.
    pub statistics: bool,
}

impl Human {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn diagnostic(
        &self,
        out: &mut dyn Write,
        path: &str,
        report: &FileReport,
        d: &Diagnostic,
    ) -> io::Result<()> {
        let (label, color) = match d.severity {
            Severity::Error => ("error", AnsiColor::Red),
            Severity::Warning => ("warning", AnsiColor::Yellow),
        };
        let bold = Style::new().bold();
        let blue = Style::new().bold().fg_color(Some(AnsiColor::Blue.into()));
        let head = self.paint(
            Style::new().bold().fg_color(Some(color.into())),
            &format!("{label}[{}]", d.rule.id()),
        );
        writeln!(
            out,
            "{}: {head}: {}",
            self.paint(bold, &format!("{path}:{}:{}", d.line, d.column)),
            self.paint(bold, &d.message)
        )?;
        if let (Some(src), Some(lines)) = (&report.source, &report.lines) {
            if d.span.end > d.span.start || d.line > 0 {
                let local = d.line.saturating_sub(report.line_base).max(1);
                let line_text = lines.line_text(&src.text, local);
                let number = d.line.to_string();
                let gutter = " ".repeat(number.len());
                let line_end = lines.line_start(local - 1) + line_text.len();
                let span_end = d.span.end.clamp(d.span.start, line_end.max(d.span.start));
                let width = src
                    .text
                    .get(d.span.start..span_end)
                    .map_or(1, |s| s.chars().count())
                    .max(1);
                let (shown, column) = window(&line_text.replace('\t', " "), d.column - 1);
                let width = width.min(SNIPPET_WIDTH);
                writeln!(out, "{gutter} {}", self.paint(blue, "|"))?;
                writeln!(
                    out,
                    "{} {} {shown}",
                    self.paint(blue, &number),
                    self.paint(blue, "|")
                )?;
                writeln!(
                    out,
                    "{gutter} {} {}{}",
                    self.paint(blue, "|"),
                    " ".repeat(column),
                    self.paint(
                        Style::new().bold().fg_color(Some(color.into())),
                        &"^".repeat(width)
                    )
                )?;
            }
        }
        if let Some(hint) = &d.hint {
            let gutter = " ".repeat(d.line.to_string().len());
            writeln!(out, "{gutter} {} {hint}", self.paint(blue, "= help:"))?;
        }
        writeln!(out)
    }

    fn diff(
        &self,
        out: &mut dyn Write,
        path: &str,
        captured: &str,
        conformant: &str,
    ) -> io::Result<()> {
        let text = diff::unified(path, captured, conformant);
        for line in text.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                Style::new().bold()
            } else if line.starts_with('+') {
                Style::new().fg_color(Some(AnsiColor::Green.into()))
            } else if line.starts_with('-') {
                Style::new().fg_color(Some(AnsiColor::Red.into()))
            } else if line.starts_with("@@") {
                Style::new().fg_color(Some(AnsiColor::Cyan.into()))
            } else {
                Style::new()
            };
            let line = line.trim_end_matches('\r');
            writeln!(
                out,
                "{}",
                self.paint(style, &shorten(line, DIFF_LINE_WIDTH))
            )?;
        }
        writeln!(out)
    }
}

/// Characters of a source line shown around a finding; a longer line (a minified body) is cut
/// to a window around the column.
const SNIPPET_WIDTH: usize = 120;
/// Characters of a diff line shown.
const DIFF_LINE_WIDTH: usize = 200;

/// The part of `line` shown for a finding at char `column`, and the column within it.
fn window(line: &str, column: usize) -> (String, usize) {
    let total = line.chars().count();
    if total <= SNIPPET_WIDTH {
        return (line.to_string(), column);
    }
    let start = column
        .saturating_sub(SNIPPET_WIDTH / 3)
        .min(total - SNIPPET_WIDTH);
    let mut shown: String = line.chars().skip(start).take(SNIPPET_WIDTH).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if start + SNIPPET_WIDTH < total {
        shown.push('…');
    }
    (shown, column)
}

/// `line` cut to `width` characters, saying how many were left out.
fn shorten(line: &str, width: usize) -> std::borrow::Cow<'_, str> {
    match line.char_indices().nth(width) {
        None => line.into(),
        Some((cut, _)) => {
            let more = line[cut..].chars().count();
            format!("{}… ({more} more characters)", &line[..cut]).into()
        }
    }
}

impl Renderer for Human {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() && report.conformant.is_none() {
            return Ok(());
        }
        let path = report.display_path();
        for d in &report.diagnostics {
            self.diagnostic(out, &path, report, d)?;
        }
        if self.show_diff {
            if let (Some(src), Some(fixed)) = (&report.source, &report.conformant) {
                self.diff(out, &path, &src.text, fixed)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if self.statistics {
            let width = s.by_rule.values().max().map_or(1, |n| n.to_string().len());
            for (rule, n) in &s.by_rule {
                writeln!(out, "{n:>width$}  {rule}")?;
            }
            if !s.by_rule.is_empty() {
                writeln!(out)?;
            }
        }
        if self.quiet {
            return Ok(());
        }
        if s.suppressed > 0 || s.baseline_fixed > 0 {
            writeln!(
                out,
                "baseline: {} findings suppressed, {} baseline entries now fixed",
                s.suppressed, s.baseline_fixed
            )?;
        }
        if s.fixes > 0 {
            writeln!(
                out,
                "fixed: {} safe fixes written to {} files",
                s.fixes, s.files_fixed
            )?;
        }
        let line = format!(
            "{} files, {} payloads: {} errors, {} warnings",
            s.files, s.payloads, s.errors, s.warnings
        );
        let style = if s.errors > 0 {
            Style::new().bold().fg_color(Some(AnsiColor::Red.into()))
        } else if s.warnings > 0 {
            Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()))
        } else {
            Style::new().bold().fg_color(Some(AnsiColor::Green.into()))
        };
        writeln!(out, "{}", self.paint(style, &line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_finding() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let (shown, col) = window(&line, 1000);
        assert_eq!(shown.chars().nth(col), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() <= SNIPPET_WIDTH + 2);
        assert_eq!(window("short", 2), ("short".to_string(), 2));
        let (start, col) = window(&line, 3);
        assert_eq!(col, 3);
        assert!(!start.starts_with('…'));
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdefg", 3), "abc… (4 more characters)");
    }
}
